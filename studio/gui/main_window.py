"""The main window: flows in tabs, palette, inspector, outputs and history docks, menus, the run
controls, saving with prompts, autosave and crash recovery."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, QPointF, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QCursor, QGuiApplication
from PySide6.QtWidgets import (
    QDockWidget,
    QFileDialog,
    QInputDialog,
    QLabel,
    QMainWindow,
    QMessageBox,
    QTabWidget,
    QWidget,
)

from studio.engine.registry import Registry
from studio.flow import FlowError, load_flow
from studio.gui import actions as window_actions
from studio.gui import autosave, graph, settings_store
from studio.gui.canvas import style
from studio.gui.chat_panel import ChatPanel
from studio.gui.document import FlowDocument
from studio.gui.editor import EditorTab
from studio.gui.history_panel import HistoryPanel
from studio.gui.inspector import Inspector
from studio.gui.output_panel import OutputPanel
from studio.gui.palette import Palette, QuickAdd
from studio.gui.run_controller import RunController
from studio.gui.start_page import StartPage
from studio.gui.window_run import RunMixin


class MainWindow(RunMixin, QMainWindow):
    """Chain Studio's one window."""

    runFinished = Signal(object)

    def __init__(
        self,
        registry: Registry | None = None,
        *,
        templates: Path | None = None,
        autosave_enabled: bool = True,
    ):
        super().__init__()
        if registry is None:
            from studio.engine.registry import default_registry

            registry = default_registry()
        self.registry = registry
        self._run_tab: EditorTab | None = None
        self._menus: dict[str, Any] = {}
        self.resize(1400, 860)
        self.tabs = QTabWidget(self)
        self.tabs.setDocumentMode(True)
        self.tabs.setTabsClosable(True)
        self.tabs.setMovable(True)
        self.tabs.tabCloseRequested.connect(self.close_tab)
        self.tabs.currentChanged.connect(self._on_tab_changed)
        self.setCentralWidget(self.tabs)
        self.start_page = StartPage(self, templates, registry)
        self.start_page.newRequested.connect(self.new_flow)
        self.start_page.openDialogRequested.connect(self.open_dialog)
        self.start_page.openRequested.connect(self._open_from_start)
        self.palette = Palette(registry, self)
        self.palette.nodeChosen.connect(self._add_from_palette)
        self.inspector = Inspector(self)
        self.outputs = OutputPanel(self)
        self.history = HistoryPanel(self)
        self.chat = ChatPanel(self)
        self.chat.sendRequested.connect(self.chat_send)
        self._chat_turn = False
        self.palette_dock = self._dock("palette", self.palette, Qt.DockWidgetArea.LeftDockWidgetArea)
        self.inspector_dock = self._dock("inspector", self.inspector, Qt.DockWidgetArea.RightDockWidgetArea)
        self.output_dock = self._dock("outputs", self.outputs, Qt.DockWidgetArea.BottomDockWidgetArea)
        self.history_dock = self._dock("history", self.history, Qt.DockWidgetArea.BottomDockWidgetArea)
        self.chat_dock = self._dock("chat", self.chat, Qt.DockWidgetArea.BottomDockWidgetArea)
        self.tabifyDockWidget(self.output_dock, self.history_dock)
        self.tabifyDockWidget(self.output_dock, self.chat_dock)
        self.output_dock.raise_()
        self.inspector.setMinimumWidth(320)
        self._sized = False
        self.actions_by_name = window_actions.build(self)
        for dock in (
            self.palette_dock,
            self.inspector_dock,
            self.output_dock,
            self.history_dock,
            self.chat_dock,
        ):
            self._menus["window"].addAction(dock.toggleViewAction())
        self.run_label = QLabel(self)
        self.zoom_label = QLabel(self)
        self.statusBar().addWidget(self.run_label, 1)
        self.statusBar().addPermanentWidget(self.zoom_label)
        self.runner = RunController(self)
        self.runner.event.connect(self._on_run_event)
        self.runner.finished.connect(self._on_run_finished)
        self.runner.crashed.connect(self._on_run_crashed)
        self.autosaver = autosave.Autosaver(self.documents, self) if autosave_enabled else None
        self.tabs.addTab(self.start_page, "")
        self.retranslate()

    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        if not self._sized:  # dock sizes only stick once the window has its real size
            self._sized = True
            self.resizeDocks([self.palette_dock, self.inspector_dock], [230, 380], Qt.Orientation.Horizontal)
            self.resizeDocks([self.output_dock], [max(180, self.height() // 4)], Qt.Orientation.Vertical)

    def _dock(self, name: str, widget: QWidget, area: Qt.DockWidgetArea) -> QDockWidget:
        dock = QDockWidget(self)
        dock.setObjectName(name)
        dock.setWidget(widget)
        self.addDockWidget(area, dock)
        return dock

    # -- language -------------------------------------------------------------------------------

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange and hasattr(self, "actions_by_name"):
            self.retranslate()
        super().changeEvent(event)

    def retranslate(self) -> None:
        """Re-read every visible string (after a language switch); open flows are untouched."""
        window_actions.retranslate(self)
        self.palette_dock.setWindowTitle(self.tr("Nodes"))
        self.inspector_dock.setWindowTitle(self.tr("Settings"))
        self.output_dock.setWindowTitle(self.tr("Output"))
        self.history_dock.setWindowTitle(self.tr("Run history"))
        self.chat_dock.setWindowTitle(self.tr("Chat"))
        for widget in (self.start_page, self.palette, self.inspector, self.outputs, self.history, self.chat):
            widget.retranslate()
        for tab in self.editor_tabs():
            tab.scene.retranslate()  # node titles come from the (translated) catalogue
        index = self.tabs.indexOf(self.start_page)
        if index >= 0:
            self.tabs.setTabText(index, self.tr("Start"))
        if not self.run_label.text():
            self.set_run_status(self.tr("Ready"))
        self._update_title()
        if self.tabs.count():
            self._update_edit_actions()

    # -- tabs and documents ---------------------------------------------------------------------

    def current_tab(self) -> EditorTab | None:
        widget = self.tabs.currentWidget()
        return widget if isinstance(widget, EditorTab) else None

    def editor_tabs(self) -> list[EditorTab]:
        return [w for i in range(self.tabs.count()) if isinstance(w := self.tabs.widget(i), EditorTab)]

    def documents(self) -> list[FlowDocument]:
        return [tab.doc for tab in self.editor_tabs()]

    def add_document(self, doc: FlowDocument) -> EditorTab:
        """Show a document in a new tab and make it current."""
        tab = EditorTab(doc, self.tabs)
        tab.scene.selectionChanged.connect(lambda t=tab: self._on_selection(t))
        tab.scene.message.connect(lambda text: self.statusBar().showMessage(text, 8000))
        tab.view.quickAddRequested.connect(lambda pos, t=tab: self.quick_add(pos, t))
        tab.view.filesDropped.connect(lambda paths, pos, t=tab: self.add_file_nodes(t, paths, pos))
        tab.scene.wireDroppedInSpace.connect(
            lambda node_id, port, out, pos, t=tab: self.wire_to_new_node(t, node_id, port, out, pos)
        )
        tab.view.zoomChanged.connect(lambda z: self.zoom_label.setText(f"{z * 100:.0f}%"))
        tab.scene.snap = self.actions_by_name["snap"].isChecked()
        doc.dirtyChanged.connect(lambda _d, t=tab: self._update_tab_title(t))
        doc.undo_stack.indexChanged.connect(self._on_stack_index)
        doc.pathChanged.connect(lambda _p, t=tab: self._update_tab_title(t))
        index = self.tabs.addTab(tab, doc.title())
        self.tabs.setCurrentIndex(index)
        self._update_tab_title(tab)
        QTimer.singleShot(0, tab.view.fit_to_view)
        return tab

    def _update_tab_title(self, tab: EditorTab) -> None:
        index = self.tabs.indexOf(tab)
        if index >= 0:
            self.tabs.setTabText(index, tab.doc.title() + (" •" if tab.doc.dirty else ""))
            self.tabs.setTabToolTip(index, str(tab.doc.path) if tab.doc.path else tab.doc.flow.name)
        self._update_title()

    def _update_title(self) -> None:
        tab = self.current_tab()
        name = f"{tab.doc.title()}{' •' if tab.doc.dirty else ''} — " if tab else ""
        self.setWindowTitle(name + "Chain Studio")

    def _on_tab_changed(self, _index: int) -> None:
        tab = self.current_tab()
        if tab is None:
            self.inspector.show_node(None, None)
            self.outputs.show_nothing()
        else:
            self._on_selection(tab)
            self.zoom_label.setText(f"{tab.view.zoom() * 100:.0f}%")
        self._update_title()
        self._update_edit_actions()

    def _on_stack_index(self, _index: int) -> None:
        self._update_edit_actions()

    def _update_edit_actions(self) -> None:
        """Undo/Redo say what they would do, and are greyed out when there is nothing to do."""
        tab = self.current_tab()
        stack = tab.doc.undo_stack if tab else None
        for name, can, text in (
            ("undo", stack and stack.canUndo(), stack and stack.undoText()),
            ("redo", stack and stack.canRedo(), stack and stack.redoText()),
        ):
            action = self.actions_by_name[name]
            action.setEnabled(bool(can))
            base = self.tr("Undo") if name == "undo" else self.tr("Redo")
            action.setToolTip(f"{base}: {text}" if can and text else base)
        running = self.runner.running
        for name in (
            "save",
            "save_as",
            "run",
            "run_to",
            "run_from",
            "auto_layout",
            "fit",
            "select_all",
            "find",
            "quick_add",
            "add_comment",
        ):
            self.actions_by_name[name].setEnabled(tab is not None and not (name == "run" and running))

    def _on_selection(self, tab: EditorTab) -> None:
        try:
            if tab is not self.current_tab():
                return
        except RuntimeError:  # the window is being torn down; scenes still announce clearing
            return
        selected = tab.scene.selected_node_ids()
        node_id = selected[0] if len(selected) == 1 else None
        self.inspector.show_node(tab.doc, node_id)
        self.show_outputs_of(tab, node_id)

    def new_flow(self) -> EditorTab:
        """Open an empty flow in a new tab (Ctrl+N)."""
        return self.add_document(FlowDocument(registry=self.registry))

    def open_path(self, path: Path, *, as_copy: bool = False) -> EditorTab | None:
        """Open a flow file (a template opens as an unsaved copy). Errors are shown, not raised."""
        path = Path(path)
        for tab in self.editor_tabs():
            if not as_copy and tab.doc.path and tab.doc.path.resolve() == path.resolve():
                self.tabs.setCurrentWidget(tab)
                return tab
        try:
            flow = load_flow(path)
        except FlowError as error:
            self.show_error(self.tr("Cannot open %s") % path.name, error.describe())
            return None
        if as_copy:  # a copy of a template is a new flow of its own
            flow.id = str(uuid.uuid4())
        doc = FlowDocument(flow, registry=self.registry, path=None if as_copy else path)
        if as_copy and graph.overlapping(flow):
            # A template written by a script may stack nodes on one spot: lay the copy out (not an
            # undo step: the copy is new anyway).
            for node_id, pos in graph.layered_layout(flow, heights=doc.node_heights()).items():
                doc._set_position(node_id, pos)
        if not as_copy:
            settings_store.add_recent(path)
            self.start_page.refresh()
        return self.add_document(doc)

    def _open_from_start(self, path: Path) -> None:
        from studio.gui.start_page import templates_dir

        template_folder = self.start_page.templates_folder or templates_dir()
        self.open_path(path, as_copy=path.parent.resolve() == template_folder.resolve())

    def fill_recent_menu(self) -> None:
        """List recently opened flows in File > Open Recent."""
        menu = self._recent_menu
        menu.clear()
        recent = settings_store.recent_files()
        for path in recent:
            action = menu.addAction(path.name)
            action.setToolTip(str(path))
            action.triggered.connect(lambda _checked=False, p=path: self.open_path(p))
        if not recent:
            menu.addAction(self.tr("(none)")).setEnabled(False)

    def open_dialog(self) -> None:
        """Ask for a flow file and open it (Ctrl+O)."""
        name, _ = QFileDialog.getOpenFileName(
            self, self.tr("Open flow"), "", self.tr("Flow files (*.json);;All files (*)")
        )
        if name:
            self.open_path(Path(name))

    def save_tab(self, tab: EditorTab, path: Path | None = None) -> bool:
        """Save a document (asking for a name if it has none). Returns False if not saved."""
        if path is None and tab.doc.path is None:
            name, _ = QFileDialog.getSaveFileName(
                self, self.tr("Save flow"), f"{tab.doc.flow.name}.json", self.tr("Flow files (*.json)")
            )
            if not name:
                return False
            path = Path(name)
        try:
            saved = tab.doc.save(path)
        except Exception as error:
            self.show_error(self.tr("Could not save"), str(error))
            return False
        autosave.remove_autosave(tab.doc)
        settings_store.add_recent(saved)
        self.statusBar().showMessage(self.tr("Saved %s") % saved, 4000)
        return True

    def save_current(self) -> bool:
        tab = self.current_tab()
        return self.save_tab(tab) if tab else False

    def save_current_as(self) -> bool:
        tab = self.current_tab()
        if tab is None:
            return False
        name, _ = QFileDialog.getSaveFileName(
            self, self.tr("Save flow as"), str(tab.doc.path or ""), self.tr("Flow files (*.json)")
        )
        return self.save_tab(tab, Path(name)) if name else False

    def ask_unsaved(self, tab: EditorTab) -> str:
        """'save', 'discard' or 'cancel' for a document with unsaved edits (tests replace this)."""
        answer = QMessageBox.question(
            self,
            self.tr("Unsaved changes"),
            self.tr("Save the changes to %s before closing?") % tab.doc.title(),
            QMessageBox.StandardButton.Save
            | QMessageBox.StandardButton.Discard
            | QMessageBox.StandardButton.Cancel,
        )
        return {QMessageBox.StandardButton.Save: "save", QMessageBox.StandardButton.Discard: "discard"}.get(
            answer, "cancel"
        )

    def close_tab(self, index: int) -> bool:
        widget = self.tabs.widget(index)
        if isinstance(widget, EditorTab):
            if widget.doc.dirty:
                answer = self.ask_unsaved(widget)
                if answer == "cancel" or (answer == "save" and not self.save_tab(widget)):
                    return False
            if self._run_tab is widget and self.runner.running:
                self.runner.stop()
                self.runner.wait(10)
            autosave.remove_autosave(widget.doc)
        self.tabs.removeTab(index)
        if isinstance(widget, EditorTab):
            widget.deleteLater()
        return True

    def close_current_tab(self) -> bool:
        return self.close_tab(self.tabs.currentIndex()) if self.tabs.count() else False

    def show_start_page(self) -> None:
        if self.tabs.indexOf(self.start_page) < 0:
            self.tabs.insertTab(0, self.start_page, self.tr("Start"))
        self.start_page.refresh()
        self.tabs.setCurrentWidget(self.start_page)

    def closeEvent(self, event: QCloseEvent) -> None:
        for tab in self.editor_tabs():
            if tab.doc.dirty:
                self.tabs.setCurrentWidget(tab)
                answer = self.ask_unsaved(tab)
                if answer == "cancel" or (answer == "save" and not self.save_tab(tab)):
                    event.ignore()
                    return
        if self.runner.running:
            self.runner.stop()
            self.runner.wait(10)
        for doc in self.documents():
            autosave.remove_autosave(doc)  # a clean exit leaves nothing to recover
        event.accept()

    def show_error(self, title: str, text: str) -> None:
        """Report a problem without blocking (status bar and output panel)."""
        self.statusBar().showMessage(f"{title}: {text.splitlines()[0] if text else ''}", 10000)
        self.outputs.show_node(title, "", None, error=text)
        self.output_dock.raise_()

    # -- crash recovery -------------------------------------------------------------------------

    def offer_recovery(self, ask: bool = True) -> list[EditorTab]:
        """Offer the flows autosaved by a session that did not close cleanly."""
        found = autosave.find_recoverable()
        if not found:
            return []
        if ask:
            names = "\n".join(f"• {r.name}" + (f" ({r.original})" if r.original else "") for r in found)
            answer = QMessageBox.question(
                self,
                self.tr("Recover unsaved work?"),
                self.tr("Chain Studio did not close cleanly. Recover these flows?\n\n%s") % names,
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            )
            if answer != QMessageBox.StandardButton.Yes:
                for item in found:
                    item.discard()
                return []
        tabs = []
        for item in found:
            try:
                flow = load_flow(item.flow_file)
            except FlowError:
                continue
            doc = FlowDocument(flow, registry=self.registry, path=item.original)
            doc.undo_stack.resetClean()  # recovered work is unsaved until the user saves it
            tabs.append(self.add_document(doc))
            # Re-autosave under this session's name before dropping the old file: a second crash
            # right now still loses nothing.
            autosave.write_autosave(doc)
            item.discard()
            self._update_tab_title(tabs[-1])
        return tabs

    # -- edit actions ---------------------------------------------------------------------------

    def undo(self) -> None:
        if tab := self.current_tab():
            tab.doc.undo_stack.undo()

    def redo(self) -> None:
        if tab := self.current_tab():
            tab.doc.undo_stack.redo()

    def copy(self) -> bool:
        tab = self.current_tab()
        nodes, comments = tab.scene.selection_to_copy() if tab else ([], [])
        if not tab or not (nodes or comments):
            return False
        # Plain JSON text (marked as ours): pastes between tabs and windows, and into a text editor.
        # (A Python-made QMimeData handed to the clipboard crashes PySide at exit.)
        QGuiApplication.clipboard().setText(json.dumps(tab.doc.copy_nodes(nodes, comments), indent=1))
        return True

    def cut(self) -> None:
        if self.copy() and (tab := self.current_tab()):
            nodes, comments = tab.scene.selection_to_copy()
            tab.scene.select_nodes(nodes + comments)  # remove exactly what went to the clipboard
            tab.scene.delete_selection()

    def paste(self) -> None:
        tab = self.current_tab()
        if tab is None:
            return
        try:
            payload = json.loads(QGuiApplication.clipboard().text())
        except ValueError:
            return
        if isinstance(payload, dict) and payload.get("chain_studio_clipboard"):
            try:
                tab.scene.select_nodes(tab.doc.paste(payload))
            except Exception as error:  # a clipboard from elsewhere that does not validate
                self.statusBar().showMessage(self.tr("Cannot paste: %s") % error, 6000)

    def duplicate(self) -> None:
        tab = self.current_tab()
        nodes, comments = tab.scene.selection_to_copy() if tab else ([], [])
        if tab and (nodes or comments):
            tab.scene.select_nodes(tab.doc.duplicate(nodes, comments))

    def delete_selection(self) -> None:
        if tab := self.current_tab():
            tab.scene.delete_selection()

    def select_all(self) -> None:
        if tab := self.current_tab():
            for item in tab.scene.nodes.values():
                item.setSelected(True)

    def find_node(self, text: str | None = None) -> str | None:
        """Select and centre the first node whose title, type or name contains the text (Ctrl+F)."""
        tab = self.current_tab()
        if tab is None:
            return None
        if text is None:
            text, ok = QInputDialog.getText(self, self.tr("Find node"), self.tr("Name or type:"))
            if not ok:
                return None
        needle = text.strip().lower()
        for node_id, item in tab.scene.nodes.items():
            node_class = tab.doc.node_class(node_id)
            english = node_class.title if node_class is not None else ""  # the shown title may be translated
            haystack = f"{item.title} {english} {tab.doc.node(node_id).type} {node_id}".lower()
            if needle and needle in haystack:
                tab.scene.select_nodes([node_id])
                tab.view.centerOn(item)
                return node_id
        self.statusBar().showMessage(self.tr("No node matches '%s'.") % text, 5000)
        return None

    def quick_add(self, pos: QPointF | None = None, tab: EditorTab | None = None) -> str | None:
        """Search for a node type and place it at the cursor (Tab, double-click, Ctrl+Space)."""
        tab = tab or self.current_tab()
        if tab is None:
            return None
        pos = pos if pos is not None else tab.view.cursor_scene_pos()
        chosen = QuickAdd(self.registry, parent=self).pick(QCursor.pos())
        return tab.view.add_node_at(chosen, pos) if chosen else None

    def wire_to_new_node(
        self,
        tab: EditorTab,
        node_id: str,
        port: str,
        from_output: bool,
        pos: QPointF,
        type_name: str | None = None,
    ) -> str | None:
        """A wire dropped in empty space: offer only the node types it fits, then add and wire."""
        from studio.engine.ports import PortType
        from studio.gui import wiring

        found = tab.doc.port(node_id, port, output=from_output)
        classes = wiring.compatible_classes(self.registry, found.type if found else PortType.ANY, from_output)
        if type_name is None:
            type_name = QuickAdd(self.registry, classes, parent=self).pick(QCursor.pos())
        if not type_name:
            return None
        new_id = wiring.add_and_connect(tab.doc, node_id, port, from_output, type_name, (pos.x(), pos.y()))
        tab.scene.select_nodes([new_id])
        return new_id

    def add_file_nodes(self, tab: EditorTab, paths: list[Path], pos: QPointF) -> list[str]:
        """Files dropped on the canvas: a loader node for each (flow files open in a tab)."""
        from studio.gui import wiring

        added = []
        for index, path in enumerate(paths):
            if path.suffix.lower() == ".json" and self._is_flow_file(path):
                self.open_path(path)
                continue
            found = wiring.loader_for(self.registry, path)
            if found is None:
                self.statusBar().showMessage(self.tr("No installed node loads %s") % path.name, 6000)
                continue
            type_name, config = found
            added.append(tab.doc.add_node(type_name, (pos.x(), pos.y() + 160 * index), config))
        if added:
            tab.scene.select_nodes(added)
        return added

    @staticmethod
    def _is_flow_file(path: Path) -> bool:
        try:
            return '"schema_version"' in path.read_text(encoding="utf-8", errors="replace")[:4096]
        except OSError:
            return False

    def _add_from_palette(self, type_name: str) -> None:
        tab = self.current_tab() or self.new_flow()
        centre = tab.view.mapToScene(tab.view.viewport().rect().center())
        tab.view.add_node_at(type_name, centre)

    def auto_layout(self) -> None:
        if tab := self.current_tab():
            selected = set(tab.scene.selected_node_ids())
            tab.doc.auto_layout(selected if len(selected) > 1 else None)
            tab.view.fit_to_view()

    def add_comment_around_selection(self) -> str | None:
        """Frame the selected nodes with a comment box (an empty box mid-view when none are)."""
        tab = self.current_tab()
        if tab is None:
            return None
        comment_id = tab.doc.add_comment_around(tab.scene.selected_node_ids())
        if comment_id is None:
            centre = tab.view.mapToScene(tab.view.viewport().rect().center())
            comment_id = tab.doc.add_comment((centre.x() - 160, centre.y() - 100, 320, 200))
        return comment_id

    def fit_view(self) -> None:
        if tab := self.current_tab():
            tab.view.fit_to_view()

    def zoom_in(self) -> None:
        if tab := self.current_tab():
            tab.view.zoom_by(1.25)

    def zoom_out(self) -> None:
        if tab := self.current_tab():
            tab.view.zoom_by(0.8)

    def toggle_snap(self) -> None:
        on = self.actions_by_name["snap"].isChecked()
        for tab in self.editor_tabs():
            tab.scene.snap = on

    def open_settings(self) -> None:
        from studio.gui.settings_dialog import SettingsDialog

        SettingsDialog(self).exec()

    def apply_theme(self, dark: bool) -> None:
        """Light or dark, for the widgets and the canvas."""
        from studio.gui.theme import apply_palette

        apply_palette(dark)
        style.set_theme(dark)
        for tab in self.editor_tabs():
            tab.view.refresh_theme()
