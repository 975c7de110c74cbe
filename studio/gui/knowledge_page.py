"""The Knowledge page: the knowledge bases, and making, filling, trying and deleting them.

A window of its own (Window > Knowledge Bases…). Everything goes through
`studio.runtime.knowledge.manage`, the service `studio kb ...` uses, in `KnowledgeTask` threads so
the window never freezes: the list (name, chunks, embedding model, size, last updated), New,
files and folders dropped on the window or picked in a dialog (allowed for that use: the user
chose them), a progress bar with the file count and chunks/s and Cancel, the files that could not
be added with the reason, Re-ingest Changed, Remove Source, a search box with scores and
sources, and Delete after a confirmation.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QAction, QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from studio.gui.knowledge_new import NewKnowledgeBaseDialog, suggest_name
from studio.gui.knowledge_worker import KnowledgeTask

__all__ = ["KnowledgeMenu", "KnowledgePage"]

NAME_ROLE = Qt.ItemDataRole.UserRole


def _size(size: int) -> str:
    from studio.gui.settings_dialog import human_size

    return human_size(size)


def _where(metadata: dict[str, Any]) -> str:
    parts = [str(metadata.get("source") or "")]
    if metadata.get("heading"):
        parts.append(str(metadata["heading"]))
    if metadata.get("page"):
        parts.append(f"p. {metadata['page']}")
    return " · ".join(p for p in parts if p)


class KnowledgePage(QWidget):
    """The knowledge bases window."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent, Qt.WindowType.Window)
        self.setAcceptDrops(True)
        self.resize(980, 720)
        self.task: KnowledgeTask | None = None  # the ingest, rebuild or delete under way
        self._list_task: KnowledgeTask | None = None
        self._search_task: KnowledgeTask | None = None
        self.new_dialog: NewKnowledgeBaseDialog | None = None
        self.confirm: QMessageBox | None = None
        self._names: list[str] = []
        self._sources: dict[str, dict[str, int]] = {}

        self.table = QTableWidget(0, 5, self)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.itemSelectionChanged.connect(self._show_sources)
        self.new_button = QPushButton(self)
        self.new_button.clicked.connect(lambda: self.ask_new())
        self.add_files_button = QPushButton(self)
        self.add_files_button.clicked.connect(self._pick_files)
        self.add_folder_button = QPushButton(self)
        self.add_folder_button.clicked.connect(self._pick_folder)
        self.reingest_button = QPushButton(self)
        self.reingest_button.clicked.connect(self.reingest_changed)
        self.delete_button = QPushButton(self)
        self.delete_button.clicked.connect(self.ask_delete)
        buttons = QHBoxLayout()
        for button in (self.new_button, self.add_files_button, self.add_folder_button, self.reingest_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.delete_button)
        self.drop_hint = QLabel(self)
        self.drop_hint.setWordWrap(True)
        self.drop_hint.setStyleSheet("color: palette(mid);")

        self.sources_label = QLabel(self)
        self.sources = QListWidget(self)
        self.sources.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.remove_source_button = QPushButton(self)
        self.remove_source_button.clicked.connect(self.remove_selected_sources)
        self.errors_label = QLabel(self)
        self.errors = QListWidget(self)
        self.errors.setWordWrap(True)
        left = QWidget(self)
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.sources_label)
        left_layout.addWidget(self.sources, 1)
        left_layout.addWidget(self.remove_source_button)
        left_layout.addWidget(self.errors_label)
        left_layout.addWidget(self.errors, 1)

        self.search_box = QLineEdit(self)
        self.search_box.returnPressed.connect(self.search)
        self.search_button = QPushButton(self)
        self.search_button.clicked.connect(self.search)
        self.results = QTableWidget(0, 3, self)
        self.results.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.results.setWordWrap(True)
        self.results.verticalHeader().hide()
        header = self.results.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)  # score
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Interactive)  # source: wide enough, no more
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)  # the passage gets the rest
        self.results.setColumnWidth(1, 220)
        self.results.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        right = QWidget(self)
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        search_row = QHBoxLayout()
        search_row.addWidget(self.search_box, 1)
        search_row.addWidget(self.search_button)
        right_layout.addLayout(search_row)
        right_layout.addWidget(self.results, 1)
        lower = QSplitter(self)
        lower.addWidget(left)
        lower.addWidget(right)
        lower.setSizes([330, 620])

        self.progress = QProgressBar(self)
        self.progress.setTextVisible(True)
        self.progress_label = QLabel(self)
        self.cancel_button = QPushButton(self)
        self.cancel_button.clicked.connect(self.cancel)
        progress_row = QHBoxLayout()
        progress_row.addWidget(self.progress, 1)
        progress_row.addWidget(self.progress_label)
        progress_row.addWidget(self.cancel_button)
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 2)
        layout.addLayout(buttons)
        layout.addWidget(self.drop_hint)
        layout.addWidget(lower, 3)
        layout.addLayout(progress_row)
        layout.addWidget(self.message)
        self._set_busy(False)
        self.retranslate()
        self.refresh()

    # -- texts ----------------------------------------------------------------------------------

    def retranslate(self) -> None:
        """Every text in the current language."""
        self.setWindowTitle(self.tr("Knowledge bases"))
        self.table.setHorizontalHeaderLabels(
            [
                self.tr("Name"),
                self.tr("Chunks"),
                self.tr("Embedding model"),
                self.tr("Size"),
                self.tr("Last updated"),
            ]
        )
        self.results.setHorizontalHeaderLabels([self.tr("Score"), self.tr("Source"), self.tr("Text")])
        self.new_button.setText(self.tr("New…"))
        self.new_button.setToolTip(self.tr("Make an empty knowledge base"))
        self.add_files_button.setText(self.tr("Add Files…"))
        self.add_files_button.setToolTip(self.tr("Add files to the selected knowledge base"))
        self.add_folder_button.setText(self.tr("Add Folder…"))
        self.add_folder_button.setToolTip(self.tr("Add every supported file of a folder"))
        self.reingest_button.setText(self.tr("Re-ingest Changed"))
        self.reingest_button.setToolTip(self.tr("Read again the files that changed since they were added"))
        self.delete_button.setText(self.tr("Delete…"))
        self.delete_button.setToolTip(self.tr("Delete the selected knowledge base and its files"))
        self.drop_hint.setText(
            self.tr(
                "Drop files or folders here to add them to the selected knowledge base (or to a new one). "
                "Text, Markdown, PDF, HTML, JSON, CSV and DOCX files are read."
            )
        )
        self.sources_label.setText(self.tr("Sources"))
        self.remove_source_button.setText(self.tr("Remove Source"))
        self.remove_source_button.setToolTip(self.tr("Take the selected files out of the knowledge base"))
        self.errors_label.setText(self.tr("Files not added"))
        self.search_box.setPlaceholderText(self.tr("Try a question or keywords…"))
        self.search_button.setText(self.tr("Search Passages"))
        self.cancel_button.setText(self.tr("Cancel"))
        self.cancel_button.setToolTip(self.tr("Stop; the files added so far stay, whole"))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    # -- list -----------------------------------------------------------------------------------

    def selected_name(self) -> str | None:
        """The knowledge base selected in the list."""
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return None
        item = self.table.item(rows[0].row(), 0)
        return str(item.data(NAME_ROLE)) if item is not None else None

    def names(self) -> list[str]:
        """The knowledge bases listed."""
        return list(self._names)

    def refresh(self, select: str | None = None) -> None:
        """Re-read the knowledge bases (in a thread) and select `select` or the one selected."""
        keep = select or self.selected_name()

        def job(_progress: Callable[[Any], None], _cancelled: Callable[[], bool]) -> Any:
            from studio.runtime.knowledge.manage import summaries
            from studio.runtime.knowledge.vectorstore import KnowledgeBase

            found = summaries()
            sources = {}
            for summary in found:
                try:
                    sources[summary.name] = KnowledgeBase.open(summary.name).sources()
                except Exception:
                    sources[summary.name] = {}
            return found, sources

        task = KnowledgeTask(job, self.tr("Could not read the knowledge bases."), self)
        task.succeeded.connect(lambda result: self._fill(result, keep))
        task.failed.connect(self.show_message)
        self._list_task = task
        task.start()

    def _fill(self, result: Any, keep: str | None) -> None:
        found, self._sources = result
        self._names = [s.name for s in found]
        self.table.setRowCount(len(found))
        for row, summary in enumerate(found):
            cells = [
                summary.name,
                str(summary.chunks),
                summary.embedding_model,
                _size(summary.size_bytes),
                summary.updated.replace("T", " ").removesuffix("Z") + (" UTC" if summary.updated else ""),
            ]
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(NAME_ROLE, summary.name)
                if column == 1:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(row, column, item)
            if summary.name == keep:
                self.table.selectRow(row)
        if not found:
            self.show_message(self.tr("No knowledge bases yet: press New…, or drop a folder here."))
        self._show_sources()

    def _show_sources(self) -> None:
        self.sources.clear()
        name = self.selected_name()
        for source, count in sorted(self._sources.get(name or "", {}).items()):
            item = QListWidgetItem(f"{source}  ({count})")
            item.setData(NAME_ROLE, source)
            self.sources.addItem(item)
        self._set_busy(self.task is not None)

    # -- busy state -----------------------------------------------------------------------------

    def _set_busy(self, busy: bool) -> None:
        has_kb = self.selected_name() is not None
        for button in (
            self.add_files_button,
            self.add_folder_button,
            self.reingest_button,
            self.delete_button,
        ):
            button.setEnabled(not busy and has_kb)
        self.remove_source_button.setEnabled(not busy and has_kb)
        self.new_button.setEnabled(not busy)
        self.cancel_button.setEnabled(busy)
        self.progress.setVisible(busy or self.progress.value() > 0)

    def show_message(self, text: str) -> None:
        """One line under the window (a result or a problem in words)."""
        self.message.setText(text)

    def _start(self, job: Any, failure: str, done: Callable[[Any], None]) -> None:
        task = KnowledgeTask(job, failure, self)
        task.progressed.connect(self._show_progress)
        task.succeeded.connect(lambda result: self._finished(done, result))
        task.failed.connect(self._failed)
        self.task = task
        self.errors.clear()
        self.progress.setRange(0, 0)  # busy until the first progress report
        self.progress_label.setText("")
        self._set_busy(True)
        task.start()

    def _show_progress(self, progress: Any) -> None:
        self.progress.setRange(0, max(progress.files_total, 1))
        self.progress.setValue(progress.files_done)
        self.progress.setFormat(
            self.tr("%1 of %2 files")
            .replace("%1", str(progress.files_done))
            .replace("%2", str(progress.files_total))
        )
        self.progress_label.setText(
            self.tr("%1 chunks, %2 chunks/s")
            .replace("%1", str(progress.chunks))
            .replace("%2", f"{progress.chunks_per_s:.0f}")
        )

    def _finished(self, done: Callable[[Any], None], result: Any) -> None:
        self.task = None
        self.progress.setRange(0, 1)
        self.progress.setValue(1)
        self._set_busy(False)
        done(result)

    def _failed(self, message: str) -> None:
        self.task = None
        self.progress.setRange(0, 1)
        self.progress.setValue(0)
        self._set_busy(False)
        self.show_message(message)
        self.refresh()

    def cancel(self) -> None:
        """Stop the ingest or rebuild under way (at the next file, or during embedding)."""
        if self.task is not None:
            self.task.cancel()
            self.show_message(self.tr("Stopping…"))

    def wait(self, timeout_ms: int = 30_000) -> None:
        """Wait for the running tasks (window closing, tests)."""
        for task in (self.task, self._list_task, self._search_task):
            if task is not None:
                task.wait(timeout_ms)

    # -- new, add, re-ingest, remove, delete ---------------------------------------------------

    def ask_new(self, paths: list[str] | None = None) -> NewKnowledgeBaseDialog:
        """Open the New dialog; on OK the knowledge base is made and `paths` (if any) added."""
        suggestion = suggest_name(Path(paths[0]).stem) if paths else ""
        dialog = NewKnowledgeBaseDialog(self, suggestion, self._names)
        dialog.accepted.connect(lambda: self.create_kb(*dialog.values(), paths=paths or []))
        self.new_dialog = dialog
        dialog.open()
        return dialog

    def create_kb(self, name: str, model: str, splitter: str, *, paths: list[str] | None = None) -> None:
        """Make a knowledge base (then add `paths`) in a thread."""
        todo = list(paths or [])

        def job(progress: Callable[[Any], None], cancelled: Callable[[], bool]) -> Any:
            from studio.runtime.knowledge.manage import add_paths, create

            create(name, embedding_model=model or None, splitter=splitter)
            return add_paths(name, todo, on_progress=progress, cancel=cancelled) if todo else None

        self._start(
            job, self.tr("Could not make the knowledge base '%s'.") % name, lambda r: self._added(name, r)
        )

    def add_paths(self, paths: list[str], name: str | None = None) -> None:
        """Add files and folders to a knowledge base (the selected one; none: ask for a new one)."""
        name = name or self.selected_name()
        if not paths:
            return
        if name is None:
            self.ask_new(paths)
            return

        def job(progress: Callable[[Any], None], cancelled: Callable[[], bool]) -> Any:
            from studio.runtime.knowledge.manage import add_paths

            return add_paths(name, paths, on_progress=progress, cancel=cancelled)

        self._start(job, self.tr("Could not add the files to '%s'.") % name, lambda r: self._added(name, r))

    def _added(self, name: str, report: Any) -> None:
        if report is None:
            self.show_message(
                self.tr("Made the knowledge base '%s'. Drop files or folders here to fill it.") % name
            )
        else:
            for error in report.errors:
                self.errors.addItem(f"{error.source}: {error.message}")
            if report.cancelled:
                text = self.tr("Stopped. '%1' keeps the %2 files added before Cancel.")
            else:
                text = self.tr("'%1': %2 files added, %3 chunks new, %4 files could not be added.")
            self.show_message(
                text.replace("%1", name)
                .replace("%2", str(report.files_ingested))
                .replace("%3", str(report.chunks_added))
                .replace("%4", str(len(report.errors)))
            )
        self.refresh(select=name)

    def _pick_files(self) -> None:
        files, _ = QFileDialog.getOpenFileNames(self, self.tr("Add files"), str(Path.home()))
        self.add_paths(files)

    def _pick_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, self.tr("Add a folder"), str(Path.home()))
        if folder:
            self.add_paths([folder])

    def reingest_changed(self) -> None:
        """Read again the files of the selected knowledge base that changed on disk."""
        name = self.selected_name()
        if name is None:
            return

        def job(progress: Callable[[Any], None], cancelled: Callable[[], bool]) -> Any:
            from studio.runtime.knowledge.manage import reingest_changed

            return reingest_changed(name, on_progress=progress, cancel=cancelled)

        self._start(job, self.tr("Could not re-ingest '%s'.") % name, lambda r: self._added(name, r))

    def remove_selected_sources(self) -> None:
        """Take the selected sources out of the selected knowledge base."""
        name = self.selected_name()
        chosen = [str(item.data(NAME_ROLE)) for item in self.sources.selectedItems()]
        if name is None or not chosen:
            self.show_message(self.tr("Select a source to remove first."))
            return

        def job(_progress: Callable[[Any], None], _cancelled: Callable[[], bool]) -> Any:
            from studio.runtime.knowledge.manage import remove_source

            return sum(remove_source(name, source) for source in chosen)

        def done(removed: Any) -> None:
            self.show_message(
                self.tr("Removed %1 chunks from '%2'.").replace("%1", str(removed)).replace("%2", name)
            )
            self.refresh(select=name)

        self._start(job, self.tr("Could not remove the source."), done)

    def ask_delete(self) -> QMessageBox | None:
        """Ask before deleting the selected knowledge base (non-blocking; Yes deletes)."""
        name = self.selected_name()
        if name is None:
            return None
        box = QMessageBox(QMessageBox.Icon.Warning, self.tr("Delete knowledge base"), "", parent=self)
        box.setText(
            self.tr(
                "Delete the knowledge base '%s' and all its chunks? "
                "Flows that use it will stop finding anything."
            )
            % name
        )
        box.setStandardButtons(QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.accepted.connect(lambda: self.delete(name))
        self.confirm = box
        box.open()
        return box

    def delete(self, name: str) -> None:
        """Delete a knowledge base (in a thread; waits for a running writer first)."""

        def job(_progress: Callable[[Any], None], _cancelled: Callable[[], bool]) -> Any:
            from studio.runtime.knowledge.vectorstore import KnowledgeBase

            KnowledgeBase.delete(name)

        def done(_result: Any) -> None:
            self.results.setRowCount(0)
            self.show_message(self.tr("Deleted the knowledge base '%s'.") % name)
            self.refresh()

        self._start(job, self.tr("Could not delete '%s'.") % name, done)

    # -- search ---------------------------------------------------------------------------------

    def search(self) -> None:
        """Search the selected knowledge base with the text in the box; scores and sources shown."""
        name, query = self.selected_name(), self.search_box.text().strip()
        if name is None or not query:
            self.show_message(self.tr("Select a knowledge base and type something to look for."))
            return

        def job(_progress: Callable[[Any], None], _cancelled: Callable[[], bool]) -> Any:
            from studio.runtime.knowledge.manage import search

            return search(name, query, 8)

        task = KnowledgeTask(job, self.tr("The search failed."), self)
        task.succeeded.connect(self._show_results)
        task.failed.connect(self.show_message)
        self._search_task = task
        self.search_button.setEnabled(False)
        task.finished.connect(lambda: self.search_button.setEnabled(True))
        task.start()

    def _show_results(self, result: Any) -> None:
        documents = result.documents
        self.results.setRowCount(len(documents))
        for row, doc in enumerate(documents):
            text = " ".join(str(doc.get("text", "")).split())
            cells = [f"{float(doc.get('score') or 0):.4f}", _where(doc.get("metadata") or {}), text[:400]]
            for column, value in enumerate(cells):
                item = QTableWidgetItem(value)
                item.setToolTip(value if column == 1 else text[:1200])
                self.results.setItem(row, column, item)
        self.results.resizeRowsToContents()
        if not documents:
            self.show_message(self.tr("Nothing found."))
        else:
            self.show_message(self.tr("%s passages found, best first.") % len(documents))

    # -- drops ----------------------------------------------------------------------------------

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if event.mimeData().hasUrls() and self.task is None:
            event.acceptProposedAction()

    def dragMoveEvent(self, event: Any) -> None:
        if event.mimeData().hasUrls() and self.task is None:
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = [url.toLocalFile() for url in event.mimeData().urls() if url.isLocalFile()]
        if paths:
            event.acceptProposedAction()
            self.add_paths(paths)

    def closeEvent(self, event: Any) -> None:
        if self.task is not None:
            self.task.cancel()
        super().closeEvent(event)


class KnowledgeMenu(QObject):
    """Window > Knowledge Bases…: the action, and the page made on first use."""

    def __init__(self, window: QWidget, menu: QMenu):
        super().__init__(window)
        self.window_ = window
        self.page: KnowledgePage | None = None
        self.action = QAction(window)
        self.action.setShortcut("Ctrl+Shift+K")
        self.action.triggered.connect(lambda _checked=False: self.show())
        menu.addSeparator()
        menu.addAction(self.action)
        window.installEventFilter(self)  # retranslate the action with the window
        self.retranslate()

    def retranslate(self) -> None:
        """The action's text in the current language."""
        self.action.setText(self.tr("&Knowledge Bases…"))
        self.action.setStatusTip(self.tr("Make, fill, search and delete knowledge bases"))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.window_ and event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        return False

    def show(self) -> KnowledgePage:
        """Open (or raise) the Knowledge page."""
        if self.page is None:
            self.page = KnowledgePage(self.window_)
        else:
            self.page.refresh()
        self.page.show()
        self.page.raise_()
        self.page.activateWindow()
        return self.page
