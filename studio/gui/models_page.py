"""Window > Models…: installed models, models on local servers, the catalogue with Pull (progress
bar and Cancel, in a worker thread), disk use, the default chat and embedding models, and "Test"
with the speed in tokens per second."""

from __future__ import annotations

import contextlib
import threading
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QMenu,
    QProgressBar,
    QPushButton,
    QSizePolicy,
    QSpinBox,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

DEFAULT_CHAT = "default_chat_model"
DEFAULT_EMBEDDING = "default_embedding_model"
ROLE = Qt.ItemDataRole.UserRole


class ModelsPage(QDialog):
    """The model manager window (not modal: pulls go on while the user edits flows)."""

    progressed = Signal(int, object)  # bytes done, total (from the download thread)
    pulled = Signal(object)  # None when done, else the problem in words
    tested = Signal(object)  # a TestResult or the problem in words
    embedderPulled = Signal(str)  # what to say when an embedding model pull ended

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("modelsPage")
        self.setWindowTitle(self.tr("Models"))
        self.resize(820, 620)
        self.cancel_event: threading.Event | None = None
        self.worker: threading.Thread | None = None
        self.installed = QTreeWidget(self)
        self.installed.setHeaderLabels([self.tr("Installed"), self.tr("Size"), self.tr("Where")])
        self.servers = QLabel(self)
        self.servers.setWordWrap(True)
        # Wrapped lines need their height: without it the label is squeezed between the lists.
        self.servers.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        self.catalogue = QTreeWidget(self)
        self.catalogue.setHeaderLabels(
            [self.tr("Catalogue"), self.tr("Size"), self.tr("Languages"), self.tr("RAM"), self.tr("Licence")]
        )
        self.catalogue.headerItem().setToolTip(2, self.tr("★ good in Chinese"))
        self.pull_button = QPushButton(self.tr("Pull"), self)
        self.pull_button.clicked.connect(self.pull_selected)
        self.cancel_button = QPushButton(self.tr("Cancel"), self)
        self.cancel_button.setEnabled(False)
        self.cancel_button.clicked.connect(self.cancel)
        self.progress = QProgressBar(self)
        self.progress.hide()
        self.status = QLabel(self)
        self.status.setWordWrap(True)
        self.test_button = QPushButton(self.tr("Test"), self)
        self.test_button.setToolTip(self.tr("A short prompt to the selected installed model, and its speed"))
        self.test_button.clicked.connect(self.test_selected)
        self.remove_button = QPushButton(self.tr("Remove"), self)
        self.remove_button.clicked.connect(self.remove_selected)
        self.disk = QLabel(self)
        # Per-model load settings of the selected installed model (kept in preferences).
        self.threads = QSpinBox(self)
        self.threads.setRange(0, 256)
        self.threads.setSpecialValueText(self.tr("automatic"))
        self.context_length = QSpinBox(self)
        self.context_length.setRange(0, 1_048_576)
        self.context_length.setSingleStep(1024)
        self.context_length.setSpecialValueText(self.tr("default (2048)"))
        self.gpu_layers = QSpinBox(self)
        self.gpu_layers.setRange(0, 1000)
        self.save_settings_button = QPushButton(self.tr("Save settings"), self)
        self.save_settings_button.clicked.connect(self.save_settings)
        self.installed.currentItemChanged.connect(lambda *_: self._load_settings())
        self.default_chat = QComboBox(self)
        self.default_chat.setEditable(True)
        self.default_embedding = QComboBox(self)
        self.pull_embedding_button = QPushButton(self.tr("Download"), self)
        self.pull_embedding_button.setToolTip(
            self.tr("Download this embedding model now (else on first use)")
        )
        self.pull_embedding_button.clicked.connect(self.pull_embedder)
        self.default_chat.activated.connect(lambda _i: self._save_defaults())
        self.default_embedding.activated.connect(lambda _i: self._save_defaults())
        self._layout()
        self.progressed.connect(self._show_progress)
        self.pulled.connect(self._pull_finished)
        self.tested.connect(self._test_finished)
        self.embedderPulled.connect(self._embedder_pulled)
        self.refresh()

    def _layout(self) -> None:
        layout = QVBoxLayout(self)
        layout.addWidget(self.installed, 2)
        row = QHBoxLayout()
        row.addWidget(self.test_button)
        row.addWidget(self.remove_button)
        row.addWidget(self.disk, 1)
        layout.addLayout(row)
        settings = QHBoxLayout()
        for label, widget in (
            (self.tr("Threads"), self.threads),
            (self.tr("Context length"), self.context_length),
            (self.tr("GPU layers"), self.gpu_layers),
        ):
            settings.addWidget(QLabel(label, self))
            settings.addWidget(widget)
        settings.addWidget(self.save_settings_button)
        settings.addStretch(1)
        layout.addLayout(settings)
        layout.addWidget(self.servers)
        layout.addWidget(self.catalogue, 3)
        pull_row = QHBoxLayout()
        pull_row.addWidget(self.pull_button)
        pull_row.addWidget(self.progress, 1)
        pull_row.addWidget(self.cancel_button)
        layout.addLayout(pull_row)
        layout.addWidget(self.status)
        form = QFormLayout()
        form.addRow(self.tr("Default chat model"), self.default_chat)
        embedding_row = QHBoxLayout()
        embedding_row.addWidget(self.default_embedding, 1)
        embedding_row.addWidget(self.pull_embedding_button)
        form.addRow(self.tr("Default embedding model"), embedding_row)
        layout.addLayout(form)

    # -- contents -------------------------------------------------------------------------------

    def refresh(self) -> None:
        """Re-read installed models, the catalogue and the defaults (servers in the background)."""
        from studio.runtime.models.catalogue import format_size, load_catalogue
        from studio.runtime.models.installed import list_installed
        from studio.runtime.preferences import get_preference

        self.installed.clear()
        used = 0
        models = list_installed()
        for model in models:
            where = self.tr("built-in") if model.builtin else str(model.path.parent)
            item = QTreeWidgetItem([model.model, format_size(model.size_bytes), where])
            item.setData(0, ROLE, model.name)
            self.installed.addTopLevelItem(item)
            used += 0 if model.builtin else model.size_bytes
        self.disk.setText(self.tr("Downloaded models use %s") % format_size(used))
        _fit_columns(self.installed)
        have = {m.name for m in models}
        self.catalogue.clear()
        catalogue = load_catalogue()
        for entry in catalogue.chat:
            if entry.builtin:
                continue
            languages = self.language_names(entry.languages)
            if entry.good_in_chinese:
                languages = "★ " + languages
            size = self.tr("installed") if entry.name in have else format_size(entry.size_bytes)
            item = QTreeWidgetItem([entry.name, size, languages, f"{entry.ram_gb:g} GB", entry.licence])
            item.setData(0, ROLE, entry.name)
            item.setToolTip(0, f"{entry.hf_repo}/{entry.file}")
            self.catalogue.addTopLevelItem(item)
        _fit_columns(self.catalogue)
        chat = str(get_preference(DEFAULT_CHAT) or "local/smollm2-135m-instruct")
        self.default_chat.clear()
        self.default_chat.addItems([m.model for m in models])
        self.default_chat.setEditText(chat)
        self.default_embedding.clear()
        for embedder in catalogue.embedders:
            if embedder.fastembed:
                self.default_embedding.addItem(embedder.short_name, embedder.name)
        chosen = self.default_embedding.findData(
            get_preference(DEFAULT_EMBEDDING) or "local/all-minilm-l6-v2"
        )
        self.default_embedding.setCurrentIndex(max(chosen, 0))
        self._ask_servers()

    def language_names(self, codes: list[str]) -> str:
        """Language codes as names in the UI language ("Chinese, English, …")."""
        names = {
            "zh": self.tr("Chinese"), "en": self.tr("English"), "fr": self.tr("French"),
            "es": self.tr("Spanish"), "pt": self.tr("Portuguese"), "de": self.tr("German"),
            "it": self.tr("Italian"), "ru": self.tr("Russian"), "ja": self.tr("Japanese"),
            "ko": self.tr("Korean"), "vi": self.tr("Vietnamese"), "th": self.tr("Thai"),
            "ar": self.tr("Arabic"), "hi": self.tr("Hindi"),
        }  # fmt: skip
        return self.tr(", ").join(names.get(code, code) for code in codes)

    def _ask_servers(self) -> None:
        def work() -> None:
            from studio.gui import model_picker

            try:
                statuses = model_picker._discover()
            except Exception:
                statuses = []
            lines = []
            for status in statuses:
                if status.found:
                    names = ", ".join(m.name for m in status.models) or "-"
                    lines.append(f"{status.provider} ({status.url}): {names}")
                else:
                    lines.append(self.tr("%s: not found at %s") % (status.provider, status.url))
            with contextlib.suppress(RuntimeError):  # the page was closed meanwhile
                self.servers.setText("\n".join(lines))

        threading.Thread(target=work, name="models-page-discovery", daemon=True).start()

    def _save_defaults(self) -> None:
        from studio.runtime.preferences import set_preference

        set_preference(DEFAULT_CHAT, self.default_chat.currentText().strip() or None)
        set_preference(DEFAULT_EMBEDDING, self.default_embedding.currentData())

    # -- pull -----------------------------------------------------------------------------------

    def pull_selected(self) -> None:
        """Start pulling the selected catalogue model in a worker thread."""
        item = self.catalogue.currentItem()
        if item is None or self.worker is not None:
            return
        self.pull(str(item.data(0, ROLE)))
        from studio.runtime.models.catalogue import chat_entry
        from studio.runtime.models.installed import available_memory

        entry, free = chat_entry(str(item.data(0, ROLE))), available_memory()
        if entry is not None and free is not None and entry.ram_gb * 1e9 > free:
            self.status.setText(
                self.tr("%s needs about %g GB of memory, more than is free now; it may run very slowly.")
                % (entry.name, entry.ram_gb)
            )

    def pull(self, spec: str) -> None:
        """Download `spec` (catalogue name or hf: spec) with the progress bar and Cancel."""
        from studio.runtime.models.downloads import DownloadError, pull

        self.cancel_event = threading.Event()
        cancel = self.cancel_event
        self.progress.setRange(0, 0)
        self.progress.show()
        self.pull_button.setEnabled(False)
        self.cancel_button.setEnabled(True)
        self.status.setText(self.tr("Downloading %s…") % spec)

        def work() -> None:
            problem: str | None = None
            try:
                pull(
                    spec, progress=lambda done, total: self._emit(self.progressed, done, total), cancel=cancel
                )
            except DownloadError as error:  # one sentence, written for users
                problem = str(error)
            except Exception:
                problem = self.tr("The download of %s failed unexpectedly; try again") % spec
            self._emit(self.pulled, problem)

        self.worker = threading.Thread(target=work, name="models-page-pull", daemon=True)
        self.worker.start()

    @staticmethod
    def _emit(signal: Any, *values: Any) -> None:
        with contextlib.suppress(RuntimeError):
            signal.emit(*values)

    def _show_progress(self, done: int, total: int | None) -> None:
        if total:
            # Per mille: a QProgressBar holds an int, and model files pass 2 GB.
            self.progress.setRange(0, 1000)
            self.progress.setValue(int(1000 * done / total))

    def cancel(self) -> None:
        """Stop the running pull (the part file stays, so Pull resumes)."""
        if self.cancel_event is not None:
            self.cancel_event.set()

    def wait(self, ms: int) -> None:
        """Wait for a running pull's thread to end (on close)."""
        if self.worker is not None:
            self.worker.join(ms / 1000)

    def _pull_finished(self, problem: str | None) -> None:
        self.worker = None
        self.cancel_button.setEnabled(False)
        self.pull_button.setEnabled(True)
        self.progress.hide()
        self.status.setText(problem or self.tr("Download complete."))
        self.refresh()

    def pull_embedder(self) -> None:
        """Download the chosen embedding model in a worker thread (fastembed, HF_ENDPOINT)."""
        from studio.runtime.models.check import pull_embedder
        from studio.runtime.models.installed import ModelError

        name = str(self.default_embedding.currentData() or "")
        if not name:
            return
        self.pull_embedding_button.setEnabled(False)
        self.status.setText(self.tr("Downloading %s…") % self.default_embedding.currentText())

        def work() -> None:
            try:
                pull_embedder(name)
                message = self.tr("%s is ready for new knowledge bases.") % name
            except ModelError as error:
                message = str(error)
            except Exception:
                message = self.tr("The download of %s failed unexpectedly; try again") % name
            self._emit(self.embedderPulled, message)

        threading.Thread(target=work, name="models-page-embedder", daemon=True).start()

    def _embedder_pulled(self, message: str) -> None:
        self.pull_embedding_button.setEnabled(True)
        self.status.setText(message)

    # -- per-model settings ---------------------------------------------------------------------

    def _selected_path_stem(self) -> str | None:
        from studio.runtime.models.installed import find_installed

        name = self._selected_installed()
        model = find_installed(name) if name else None
        return None if model is None else model.path.stem

    def _load_settings(self) -> None:
        from studio.runtime.models.settings import get_model_settings, gpu_offload_supported

        stem = self._selected_path_stem()
        saved = get_model_settings(stem) if stem else {}
        self.threads.setValue(saved.get("threads", 0))
        self.context_length.setValue(saved.get("context_length", 0))
        self.gpu_layers.setValue(saved.get("gpu_layers", 0))
        gpu = gpu_offload_supported()
        self.gpu_layers.setEnabled(gpu)
        self.gpu_layers.setToolTip(
            self.tr("Layers to run on the GPU")
            if gpu
            else self.tr("This build of llama-cpp-python has no GPU support: every layer runs on the CPU")
        )
        for widget in (self.threads, self.context_length, self.save_settings_button):
            widget.setEnabled(stem is not None)

    def save_settings(self) -> None:
        """Keep the selected model's threads, context length and GPU layers (0 = default); the
        next run loads it with them."""
        from studio.runtime.models.settings import save_model_settings

        stem = self._selected_path_stem()
        if stem is None:
            return
        save_model_settings(
            stem,
            threads=self.threads.value() or None,
            context_length=self.context_length.value() or None,
            gpu_layers=self.gpu_layers.value() or None,
        )
        self.status.setText(self.tr("Settings saved for %s.") % (self._selected_installed() or stem))

    # -- test and remove ------------------------------------------------------------------------

    def _selected_installed(self) -> str | None:
        item = self.installed.currentItem()
        return None if item is None else str(item.data(0, ROLE))

    def test_selected(self) -> None:
        """Generate a short reply with the selected model in a worker thread."""
        from studio.runtime.models.check import test_model
        from studio.runtime.models.installed import ModelError, find_installed, memory_warning

        name = self._selected_installed()
        if name is None:
            return
        model = find_installed(name)
        warning = memory_warning(model.path) if model is not None else None
        self.status.setText((f"{warning} " if warning else "") + self.tr("Testing %s…") % name)
        self.test_button.setEnabled(False)

        def work() -> None:
            try:
                result: object = test_model(name, max_tokens=16)
            except ModelError as error:
                result = str(error)
            except Exception:
                result = self.tr("The test of %s failed; check that the file is a chat model") % name
            self._emit(self.tested, result)

        threading.Thread(target=work, name="models-page-test", daemon=True).start()

    def _test_finished(self, result: object) -> None:
        self.test_button.setEnabled(True)
        if isinstance(result, str):
            self.status.setText(result)
            return
        tps = getattr(result, "tokens_per_second", 0.0)
        self.status.setText(
            self.tr("%s: %.1f tokens/s. Reply: %s")
            % (getattr(result, "model", ""), tps, getattr(result, "text", "").strip())
        )

    def remove_selected(self) -> None:
        """Delete the selected downloaded model."""
        from studio.runtime.models.installed import ModelError, remove

        name = self._selected_installed()
        if name is None:
            return
        try:
            remove(name)
        except ModelError as error:
            self.status.setText(str(error))
            return
        self.status.setText(self.tr("Removed %s.") % name)
        self.refresh()


class ModelsMenu(QObject):
    """Window > Models…: the action, and the page made on first use."""

    def __init__(self, window: QWidget, menu: QMenu):
        super().__init__(window)
        self.window_ = window
        self.page: ModelsPage | None = None
        self.action = QAction(window)
        self.action.triggered.connect(lambda _checked=False: self.show())
        menu.addAction(self.action)
        window.installEventFilter(self)
        self.retranslate()

    def retranslate(self) -> None:
        """The action's text in the current language."""
        self.action.setText(self.tr("&Models…"))
        self.action.setStatusTip(self.tr("Download, add, test and choose chat and embedding models"))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.window_ and event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        return False

    def show(self) -> ModelsPage:
        """Open (or raise) the Models page."""
        if self.page is None:
            self.page = ModelsPage(self.window_)
        else:
            self.page.refresh()
        self.page.show()
        self.page.raise_()
        return self.page


def _fit_columns(tree: QTreeWidget) -> None:
    """Names and sizes shown whole (model names are long); the last column takes the rest."""
    for column in range(tree.columnCount() - 1):
        tree.resizeColumnToContents(column)
