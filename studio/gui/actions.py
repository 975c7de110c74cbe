"""The main window's actions and menus, with standard shortcuts; retranslated on language change.

The window hands over what each action does as typed callables (`ActionHandlers`), so this module
never reaches into the window and does not import it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QAction, QKeySequence, QUndoStack
from PySide6.QtWidgets import QMainWindow, QMenu, QStyle, QToolBar

from studio.gui import settings_store

Key = QKeySequence.StandardKey
Shortcut = QKeySequence.StandardKey | str | None
Handler = Callable[[], object]
translate = QCoreApplication.translate


@dataclass(frozen=True)
class ActionHandlers:
    """What each action does: one callable per action, called with no arguments."""

    new: Handler
    open: Handler
    save: Handler
    save_as: Handler
    rename_flow: Handler
    close_tab: Handler
    start_page: Handler
    settings: Handler
    quit: Handler
    undo: Handler
    redo: Handler
    cut: Handler
    copy: Handler
    paste: Handler
    duplicate: Handler
    delete: Handler
    select_all: Handler
    find: Handler
    quick_add: Handler
    add_comment: Handler
    auto_layout: Handler
    fit: Handler
    zoom_in: Handler
    zoom_out: Handler
    snap: Handler
    run: Handler
    run_ask: Handler  # Run with inputs…: asks even after "Don't ask again for this flow"
    run_to: Handler
    run_from: Handler
    stop: Handler
    open_recent: Callable[[Path], object]  # a file picked in File > Open Recent


def entries(h: ActionHandlers) -> list[tuple[str, Shortcut, Handler, str]]:
    """(name, shortcut, handler, menu) per action, in menu order."""
    return [
        ("new", Key.New, h.new, "file"),
        ("open", Key.Open, h.open, "file"),
        ("save", Key.Save, h.save, "file"),
        ("save_as", Key.SaveAs, h.save_as, "file"),
        ("rename_flow", "F2", h.rename_flow, "file"),
        ("close_tab", Key.Close, h.close_tab, "file"),
        ("start_page", None, h.start_page, "file"),
        ("settings", Key.Preferences, h.settings, "file"),
        ("quit", Key.Quit, h.quit, "file"),
        ("undo", Key.Undo, h.undo, "edit"),
        ("redo", Key.Redo, h.redo, "edit"),
        ("cut", Key.Cut, h.cut, "edit"),
        ("copy", Key.Copy, h.copy, "edit"),
        ("paste", Key.Paste, h.paste, "edit"),
        ("duplicate", "Ctrl+D", h.duplicate, "edit"),
        ("delete", Key.Delete, h.delete, "edit"),
        ("select_all", Key.SelectAll, h.select_all, "edit"),
        ("find", Key.Find, h.find, "edit"),
        ("quick_add", "Ctrl+Space", h.quick_add, "edit"),
        ("add_comment", "Ctrl+G", h.add_comment, "edit"),
        ("auto_layout", "Ctrl+L", h.auto_layout, "view"),
        ("fit", "Ctrl+0", h.fit, "view"),
        ("zoom_in", Key.ZoomIn, h.zoom_in, "view"),
        ("zoom_out", Key.ZoomOut, h.zoom_out, "view"),
        ("snap", None, h.snap, "view"),
        ("run", "F5", h.run, "run"),
        ("run_ask", "Alt+F5", h.run_ask, "run"),
        ("run_to", "Ctrl+F5", h.run_to, "run"),
        ("run_from", "Ctrl+Shift+F5", h.run_from, "run"),
        ("stop", "Shift+F5", h.stop, "run"),
    ]


def texts() -> dict[str, tuple[str, str]]:
    """(menu text, tooltip) per action; literal translate() calls so lupdate finds them."""
    return {
        "new": (translate("MainWindow", "&New"), translate("MainWindow", "Start a new, empty flow")),
        "open": (translate("MainWindow", "&Open…"), translate("MainWindow", "Open a flow file")),
        "save": (translate("MainWindow", "&Save"), translate("MainWindow", "Save the flow")),
        "save_as": (
            translate("MainWindow", "Save &As…"),
            translate("MainWindow", "Save the flow under a new name"),
        ),
        "rename_flow": (
            translate("MainWindow", "Re&name Flow…"),
            translate("MainWindow", "Change the flow's name (also a double-click on its tab)"),
        ),
        "close_tab": (translate("MainWindow", "&Close"), translate("MainWindow", "Close this flow")),
        "start_page": (
            translate("MainWindow", "Start &Page"),
            translate("MainWindow", "Show templates and recent files"),
        ),
        "settings": (
            translate("MainWindow", "Se&ttings…"),
            translate("MainWindow", "API keys, theme and language"),
        ),
        "quit": (translate("MainWindow", "&Quit"), translate("MainWindow", "Quit Chain Studio")),
        "undo": (translate("MainWindow", "&Undo"), translate("MainWindow", "Undo the last edit")),
        "redo": (translate("MainWindow", "&Redo"), translate("MainWindow", "Redo the edit just undone")),
        "cut": (translate("MainWindow", "Cu&t"), translate("MainWindow", "Cut the selected nodes")),
        "copy": (translate("MainWindow", "&Copy"), translate("MainWindow", "Copy the selected nodes")),
        "paste": (translate("MainWindow", "&Paste"), translate("MainWindow", "Paste nodes")),
        "duplicate": (
            translate("MainWindow", "&Duplicate"),
            translate("MainWindow", "Duplicate the selected nodes"),
        ),
        "delete": (
            translate("MainWindow", "De&lete"),
            translate("MainWindow", "Delete the selected nodes and wires"),
        ),
        "select_all": (translate("MainWindow", "Select &All"), translate("MainWindow", "Select every node")),
        "find": (
            translate("MainWindow", "&Find Node…"),
            translate("MainWindow", "Find a node by name or type"),
        ),
        "quick_add": (
            translate("MainWindow", "&Add Node…"),
            translate("MainWindow", "Find a node type and place it (also Tab or double-click)"),
        ),
        "add_comment": (
            translate("MainWindow", "Add &Comment Around Selection"),
            translate("MainWindow", "Frame the selected nodes (or the view's centre) with a comment box"),
        ),
        "auto_layout": (
            translate("MainWindow", "Auto &Layout"),
            translate("MainWindow", "Arrange the selection, or the whole flow, left to right"),
        ),
        "fit": (translate("MainWindow", "&Fit to View"), translate("MainWindow", "Show the whole flow")),
        "zoom_in": (translate("MainWindow", "Zoom &In"), translate("MainWindow", "Zoom in")),
        "zoom_out": (translate("MainWindow", "Zoom &Out"), translate("MainWindow", "Zoom out")),
        "snap": (
            translate("MainWindow", "&Snap to Grid"),
            translate("MainWindow", "Align nodes to the grid when moving them"),
        ),
        "run": (translate("MainWindow", "&Run"), translate("MainWindow", "Run the whole flow (F5)")),
        "run_ask": (
            translate("MainWindow", "Run with &Inputs…"),
            translate("MainWindow", "Ask for the flow's inputs, then run it (Alt+F5)"),
        ),
        "run_to": (
            translate("MainWindow", "Run &to Selected"),
            translate("MainWindow", "Run the selected node and what it needs"),
        ),
        "run_from": (
            translate("MainWindow", "Run &from Selected"),
            translate("MainWindow", "Re-run the selected node and everything after it"),
        ),
        "stop": (translate("MainWindow", "&Stop"), translate("MainWindow", "Stop the run (Shift+F5)")),
        "shortcuts": (
            translate("MainWindow", "&Keyboard Shortcuts"),
            translate("MainWindow", "Every action and its keyboard shortcut"),
        ),
    }


def menu_titles() -> dict[str, str]:
    """The menu bar's titles by menu key."""
    return {
        "file": translate("MainWindow", "&File"),
        "edit": translate("MainWindow", "&Edit"),
        "view": translate("MainWindow", "&View"),
        "run": translate("MainWindow", "&Run"),
        "window": translate("MainWindow", "&Window"),
        "help": translate("MainWindow", "&Help"),
    }


MENUS = ("file", "edit", "view", "run", "window", "help")
SEPARATOR_AFTER = ("close_tab", "settings", "duplicate", "find", "zoom_out", "run_from")
TOOLBAR = (
    "new",
    "open",
    "save",
    None,
    "undo",
    "redo",
    None,
    "run",
    "run_to",
    "stop",
    None,
    "fit",
    "auto_layout",
)
# Greyed out while no flow is open ("run" also while a run is going).
NEED_A_TAB = (
    "save",
    "save_as",
    "rename_flow",
    "run",
    "run_to",
    "run_from",
    "auto_layout",
    "fit",
    "select_all",
    "find",
    "quick_add",
    "add_comment",
)


class WindowActions:
    """Every action of a main window, its menus (with File > Open Recent) and its toolbar."""

    def __init__(self, window: QMainWindow, handlers: ActionHandlers):
        self._open_recent = handlers.open_recent
        self.by_name: dict[str, QAction] = {}
        self.menus: dict[str, QMenu] = {key: window.menuBar().addMenu("") for key in MENUS}
        for name, shortcut, handler, menu in entries(handlers):
            action = QAction(window)
            if shortcut is not None:
                action.setShortcut(QKeySequence(shortcut))
            action.triggered.connect(lambda _checked=False, h=handler: h())
            self.menus[menu].addAction(action)
            self.by_name[name] = action
            if name in SEPARATOR_AFTER:
                self.menus[menu].addSeparator()
        # Help > Keyboard Shortcuts: the sheet is made from these actions, so it never goes stale.
        sheet = QAction(window)
        sheet.setShortcut(QKeySequence(Key.HelpContents))
        sheet.triggered.connect(lambda _checked=False: self.show_shortcuts(window))
        self.menus["help"].addAction(sheet)
        self.by_name["shortcuts"] = sheet
        self.recent_menu = QMenu(self.menus["file"])
        self.menus["file"].insertMenu(self.by_name["save"], self.recent_menu)
        self.recent_menu.aboutToShow.connect(self.fill_recent_menu)
        # Ctrl+Y as well as the platform's redo key (Ctrl+Shift+Z on Linux and macOS).
        redo_keys = [QKeySequence(Key.Redo), QKeySequence("Ctrl+Y")]
        self.by_name["redo"].setShortcuts([k for i, k in enumerate(redo_keys) if k not in redo_keys[:i]])
        self.by_name["snap"].setCheckable(True)
        self.by_name["snap"].setChecked(True)
        self.by_name["stop"].setEnabled(False)
        self.toolbar: QToolBar = window.addToolBar("main")
        self.toolbar.setObjectName("main-toolbar")
        for entry in TOOLBAR:
            if entry is None:
                self.toolbar.addSeparator()
            else:
                self.toolbar.addAction(self.by_name[entry])
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        # Standard icons from the Qt style: native-looking and sharp at any DPI, no image files.
        pixmaps = QStyle.StandardPixmap
        icons = {
            "new": pixmaps.SP_FileIcon,
            "open": pixmaps.SP_DialogOpenButton,
            "save": pixmaps.SP_DialogSaveButton,
            "undo": pixmaps.SP_ArrowBack,
            "redo": pixmaps.SP_ArrowForward,
            "run": pixmaps.SP_MediaPlay,
            "run_to": pixmaps.SP_MediaSeekForward,
            "stop": pixmaps.SP_MediaStop,
            "fit": pixmaps.SP_DesktopIcon,
            "auto_layout": pixmaps.SP_FileDialogListView,
            "delete": pixmaps.SP_TrashIcon,
            "settings": pixmaps.SP_FileDialogDetailedView,
        }
        for name, pixmap in icons.items():
            self.by_name[name].setIcon(window.style().standardIcon(pixmap))

    def retranslate(self) -> None:
        """Re-read every action text, tooltip and menu title in the current language."""
        for name, (text, tip) in texts().items():
            action = self.by_name[name]
            action.setText(text)
            action.setToolTip(tip)
            action.setStatusTip(tip)
        for key, title in menu_titles().items():
            self.menus[key].setTitle(title)
        self.toolbar.setWindowTitle(translate("MainWindow", "Main toolbar"))
        self.recent_menu.setTitle(translate("MainWindow", "Open &Recent"))

    def show_shortcuts(self, parent: QMainWindow) -> object:
        """Open the keyboard-shortcut sheet (non-modal; returns the dialog)."""
        from studio.gui.shortcuts_dialog import ShortcutsDialog

        dialog = ShortcutsDialog(self, parent)
        dialog.show()
        return dialog

    def fill_recent_menu(self) -> None:
        """List recently opened flows in File > Open Recent."""
        menu = self.recent_menu
        menu.clear()
        recent = settings_store.recent_files()
        for path in recent:
            action = menu.addAction(path.name)
            action.setToolTip(str(path))
            action.triggered.connect(lambda _checked=False, p=path: self._open_recent(p))
        if not recent:
            menu.addAction(translate("MainWindow", "(none)")).setEnabled(False)

    def set_running(self, running: bool) -> None:
        """Stop works while a run goes; Run waits for it to end."""
        self.by_name["stop"].setEnabled(running)
        self.by_name["run"].setEnabled(not running)

    def update_edit_state(self, stack: QUndoStack | None, running: bool) -> None:
        """Undo/Redo say what they would do and are greyed out when there is nothing to do; the
        flow actions need an open flow (`stack` is None when none is current)."""
        for name, can, text in (
            ("undo", stack is not None and stack.canUndo(), stack.undoText() if stack else ""),
            ("redo", stack is not None and stack.canRedo(), stack.redoText() if stack else ""),
        ):
            action = self.by_name[name]
            action.setEnabled(can)
            base = translate("MainWindow", "Undo") if name == "undo" else translate("MainWindow", "Redo")
            action.setToolTip(f"{base}: {text}" if can and text else base)
        for name in NEED_A_TAB:
            self.by_name[name].setEnabled(stack is not None and not (name == "run" and running))
