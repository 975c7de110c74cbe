"""The main window: flows in tabs, palette, inspector, outputs and history docks, menus, the run
controls, saving with prompts, autosave and crash recovery.

The window is composed of parts it owns, none of which imports this module: `action_set` (menus,
toolbar and shortcuts, told what to do through typed callables; actions.py),
`run_control` (starting runs and showing their results, window_run.py) and `edits` (what the Edit
and View menus do to the current flow, window_edit.py).
"""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QDockWidget,
    QFileDialog,
    QLabel,
    QMainWindow,
    QMessageBox,
    QTabWidget,
    QWidget,
)

from studio.engine.registry import Registry
from studio.flow import FlowError, load_flow
from studio.gui import autosave, graph, settings_store
from studio.gui.actions import ActionHandlers, WindowActions
from studio.gui.canvas import style
from studio.gui.chat_panel import ChatPanel
from studio.gui.chat_size import ChatEnlarger
from studio.gui.context_menus import CanvasMenus
from studio.gui.document import FlowDocument
from studio.gui.editor import EditorTab
from studio.gui.evaluate_panel import EvaluatePanel
from studio.gui.history_panel import HistoryPanel
from studio.gui.i18n import catalogue_text
from studio.gui.inspector import Inspector
from studio.gui.output_panel import OutputPanel
from studio.gui.palette import Palette
from studio.gui.start_page import StartPage
from studio.gui.status_line import StatusLine
from studio.gui.window_edit import CanvasEdits
from studio.gui.window_run import RunControl


class MainWindow(QMainWindow):
    """Chain Studio's one window."""

    runFinished = Signal(object)  # a run ended: its RunResult, or None when it could not start

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
        self.node_palette = Palette(registry, self)  # not `palette`: QWidget.palette() is Qt's
        self.inspector = Inspector(self)
        self.outputs = OutputPanel(self)
        self.history = HistoryPanel(self)
        self.chat = ChatPanel(self)
        self.evaluate = EvaluatePanel(self._evaluation_flow_file, self)
        self.palette_dock = self._dock("palette", self.node_palette, Qt.DockWidgetArea.LeftDockWidgetArea)
        self.inspector_dock = self._dock("inspector", self.inspector, Qt.DockWidgetArea.RightDockWidgetArea)
        self.output_dock = self._dock("outputs", self.outputs, Qt.DockWidgetArea.BottomDockWidgetArea)
        self.history_dock = self._dock("history", self.history, Qt.DockWidgetArea.BottomDockWidgetArea)
        self.chat_dock = self._dock("chat", self.chat, Qt.DockWidgetArea.BottomDockWidgetArea)
        self.evaluate_dock = self._dock("evaluate", self.evaluate, Qt.DockWidgetArea.BottomDockWidgetArea)
        self.tabifyDockWidget(self.output_dock, self.history_dock)
        self.tabifyDockWidget(self.output_dock, self.chat_dock)
        self.tabifyDockWidget(self.output_dock, self.evaluate_dock)
        self.evaluate.statusMessage.connect(lambda text: self.statusBar().showMessage(text, 8000))
        self.evaluate.cellRunRequested.connect(self.show_run_record)
        self.output_dock.raise_()
        self.inspector.setMinimumWidth(320)
        self._sized = False
        self.run_label = StatusLine(self)  # a long message is elided, never cut; a click shows it all
        self.zoom_label = QLabel(self)
        self.statusBar().addWidget(self.run_label, 1)
        self.statusBar().addPermanentWidget(self.zoom_label)
        self.run_control = RunControl(
            current_tab=self.current_tab,
            outputs=self.outputs,
            output_dock=self.output_dock,
            chat=self.chat,
            history=self.history,
            status_label=self.run_label,
            show_message=self.statusBar().showMessage,
            dialog_parent=self,
        )
        self.run_control.runFinished.connect(self.runFinished)
        self.run_control.inspector = self.inspector  # a failure caused by a setting marks its field
        from studio.gui.human_panel import HumanPanel, resume_in

        rc = self.run_control
        self.human = HumanPanel(self, resume=lambda run_id, answers: resume_in(rc, run_id, answers))
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.human)
        self.human.hide()  # shown when a run waits for a person's answer
        self.human.title_of = self._node_title
        self.run_control.runner.runEvent.connect(self.human.on_event)
        self.run_control.runFinished.connect(self.human.on_finished)
        self.edits = CanvasEdits(
            registry=registry,
            current_tab=self.current_tab,
            new_flow=self.new_flow,
            open_path=self.open_path,
            show_message=self.statusBar().showMessage,
            dialog_parent=self,
        )
        self.node_palette.nodeChosen.connect(self.edits.add_from_palette)
        rc = self.run_control
        self.canvas_menus = CanvasMenus(registry, self.edits, rc.run_to_selected, rc.run_from_selected, self)
        self.tabs.tabBarDoubleClicked.connect(lambda i: self.edits.rename_flow(self.current_tab()))
        self.chat.sendRequested.connect(self.run_control.chat_send)
        self.action_set = WindowActions(self, self._handlers())
        self.actions_by_name = self.action_set.by_name
        self.run_control.runningChanged.connect(self.action_set.set_running)
        for dock in (
            self.palette_dock,
            self.inspector_dock,
            self.output_dock,
            self.history_dock,
            self.chat_dock,
            self.evaluate_dock,
        ):
            self.action_set.menus["window"].addAction(dock.toggleViewAction())
        self.chat_size = ChatEnlarger(self.action_set.menus["window"], self.chat_dock, self)
        from studio.gui.knowledge_page import KnowledgeMenu

        self.knowledge = KnowledgeMenu(self, self.action_set.menus["window"])  # Window > Knowledge Bases…
        from studio.gui.models_page import ModelsMenu

        self.models = ModelsMenu(self, self.action_set.menus["window"])  # Window > Models…
        from studio.gui.api_dialog import ApiMenu

        self.api = ApiMenu(  # Run > API…
            self, self.action_set.menus["run"], lambda: t.doc.path if (t := self.current_tab()) else None
        )
        self.autosaver = autosave.Autosaver(self.documents, self) if autosave_enabled else None
        self.tabs.addTab(self.start_page, "")
        self.retranslate()

    def _node_title(self, node_id: str) -> str | None:
        tab = self.current_tab()
        item = tab.scene.nodes.get(node_id) if tab is not None else None
        return item.title if item is not None else None

    def _handlers(self) -> ActionHandlers:
        run, edits = self.run_control, self.edits
        return ActionHandlers(
            new=self.new_flow,
            open=self.open_dialog,
            save=self.save_current,
            save_as=self.save_current_as,
            rename_flow=edits.rename_flow,
            close_tab=self.close_current_tab,
            start_page=self.show_start_page,
            settings=self.open_settings,
            quit=self.close,
            undo=edits.undo,
            redo=edits.redo,
            cut=edits.cut,
            copy=edits.copy,
            paste=edits.paste,
            duplicate=edits.duplicate,
            delete=edits.delete_selection,
            select_all=edits.select_all,
            find=edits.find_node,
            quick_add=edits.quick_add,
            add_comment=edits.add_comment_around_selection,
            auto_layout=edits.auto_layout,
            fit=edits.fit_view,
            zoom_in=edits.zoom_in,
            zoom_out=edits.zoom_out,
            snap=self.toggle_snap,
            run=run.run_all,
            run_ask=run.run_with_inputs,
            run_to=run.run_to_selected,
            run_from=run.run_from_selected,
            stop=run.stop_run,
            open_recent=self.open_path,
        )

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
        if event.type() == QEvent.Type.LanguageChange and hasattr(self, "action_set"):
            self.retranslate()
        super().changeEvent(event)

    def retranslate(self) -> None:
        """Re-read every visible string (after a language switch); open flows are untouched."""
        self.action_set.retranslate()
        self.palette_dock.setWindowTitle(self.tr("Nodes"))
        self.inspector_dock.setWindowTitle(self.tr("Settings"))
        self.output_dock.setWindowTitle(self.tr("Output"))
        self.history_dock.setWindowTitle(self.tr("Run history"))
        self.chat_dock.setWindowTitle(self.tr("Chat"))
        self.evaluate_dock.setWindowTitle(self.tr("Evaluate"))
        self.start_page.retranslate()
        self.node_palette.retranslate()
        self.inspector.retranslate()
        self.outputs.retranslate()
        self.history.retranslate()
        self.chat.retranslate()
        for tab in self.editor_tabs():
            tab.scene.retranslate()  # node titles come from the (translated) catalogue
        index = self.tabs.indexOf(self.start_page)
        if index >= 0:
            self.tabs.setTabText(index, self.tr("Start"))
        if not self.run_label.text():
            self.run_control.set_status(self.tr("Ready"))
        self._update_title()
        if self.tabs.count():
            self._update_edit_actions()

    def show_run_record(self, run_id: str) -> bool:
        """Show a stored run (an evaluation cell's) on the current flow's canvas and outputs."""
        from studio.engine.runstore import RunStore
        from studio.gui.evaluate_results import show_run_on_tab

        tab = self.current_tab()
        if tab is None:
            return False
        store = RunStore()
        try:
            found = store.get_run(run_id)
        finally:
            store.close()
        if found is None or not show_run_on_tab(tab, found[1]):
            self.statusBar().showMessage(self.tr("That run is not in this flow's history"), 8000)
            return False
        self._on_selection(tab)
        return True

    # -- tabs and documents ---------------------------------------------------------------------

    def _evaluation_flow_file(self) -> Path | None:
        """The current tab's flow for the Evaluate panel: its file, saved first if edited (the
        evaluation reads the file, and relative paths in it resolve beside it)."""
        tab = self.current_tab()
        if tab is None:
            return None
        if (tab.doc.dirty or tab.doc.path is None) and not self.save_tab(tab):
            return None
        return tab.doc.path

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
        tab.view.quickAddRequested.connect(lambda pos, t=tab: self.edits.quick_add(pos, t))
        tab.view.filesDropped.connect(lambda paths, pos, t=tab: self.edits.add_file_nodes(t, paths, pos))
        tab.scene.wireDroppedInSpace.connect(
            lambda node_id, port, out, pos, t=tab: self.edits.wire_to_new_node(t, node_id, port, out, pos)
        )
        tab.view.zoomChanged.connect(lambda z: self.zoom_label.setText(f"{z * 100:.0f}%"))
        tab.view.contextMenuRequested.connect(lambda at, gp, t=tab: self.canvas_menus.popup(t, at, gp))
        doc.nameChanged.connect(lambda _n, t=tab: self._update_tab_title(t))
        tab.scene.snap = self.action_set.by_name["snap"].isChecked()
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
            self.tabs.setTabText(index, tab.doc.title().replace("&", "&&") + (" •" if tab.doc.dirty else ""))
            self.tabs.setTabToolTip(index, str(tab.doc.path) if tab.doc.path else tab.doc.flow.name)
        self._update_title()

    def _update_title(self) -> None:
        tab = self.current_tab()
        name = f"{tab.doc.title()}{' •' if tab.doc.dirty else ''} — " if tab else ""
        self.setWindowTitle(name + "Chain Studio")

    def _on_tab_changed(self, _index: int) -> None:
        tab = self.current_tab()
        if hasattr(self, "run_control"):  # the chat and status line belong to their tab
            self.run_control.switch_tab(tab)
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
        tab = self.current_tab()
        self.action_set.update_edit_state(tab.doc.undo_stack if tab else None, self.run_control.running)

    def _on_selection(self, tab: EditorTab) -> None:
        try:
            if tab is not self.current_tab():
                return
        except RuntimeError:  # the window is being torn down; scenes still announce clearing
            return
        selected = tab.scene.selected_node_ids()
        node_id = selected[0] if len(selected) == 1 else None
        self.inspector.show_node(tab.doc, node_id)
        self.run_control.show_outputs_of(tab, node_id)

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
        if as_copy:  # a copy of a template is a new flow of its own, named in the UI language
            flow.id, flow.name = str(uuid.uuid4()), catalogue_text(flow.name)
        doc = FlowDocument(flow, registry=self.registry, path=None if as_copy else path)
        doc.template_dir = path.resolve().parent if as_copy else None
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
            if self.run_control.run_tab is widget:
                self.run_control.stop_and_wait(10)
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
        self.run_control.stop_and_wait(10)
        self.evaluate.shutdown(10)
        if self.models.page is not None:  # a pull stops; its part file stays for a resume
            self.models.page.cancel()
            self.models.page.wait(5_000)
        if self.knowledge.page is not None:  # an ingest stops at its next file, whole files kept
            self.knowledge.page.cancel()
            self.knowledge.page.wait(10_000)
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

    # -- view and settings ----------------------------------------------------------------------

    def toggle_snap(self) -> None:
        """Snap to Grid was switched: every open canvas follows."""
        on = self.action_set.by_name["snap"].isChecked()
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
