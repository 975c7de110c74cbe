"""The main window's actions and menus, with standard shortcuts; retranslated on language change."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QStyle

if TYPE_CHECKING:
    from studio.gui.main_window import MainWindow

Key = QKeySequence.StandardKey
translate = QCoreApplication.translate

# name -> (shortcut, slot name on the window, menu)
SPEC: list[tuple[str, object, str, str]] = [
    ("new", Key.New, "new_flow", "file"),
    ("open", Key.Open, "open_dialog", "file"),
    ("save", Key.Save, "save_current", "file"),
    ("save_as", Key.SaveAs, "save_current_as", "file"),
    ("close_tab", Key.Close, "close_current_tab", "file"),
    ("start_page", None, "show_start_page", "file"),
    ("settings", Key.Preferences, "open_settings", "file"),
    ("quit", Key.Quit, "close", "file"),
    ("undo", Key.Undo, "undo", "edit"),
    ("redo", Key.Redo, "redo", "edit"),
    ("cut", Key.Cut, "cut", "edit"),
    ("copy", Key.Copy, "copy", "edit"),
    ("paste", Key.Paste, "paste", "edit"),
    ("duplicate", "Ctrl+D", "duplicate", "edit"),
    ("delete", Key.Delete, "delete_selection", "edit"),
    ("select_all", Key.SelectAll, "select_all", "edit"),
    ("find", Key.Find, "find_node", "edit"),
    ("quick_add", "Ctrl+Space", "quick_add", "edit"),
    ("add_comment", "Ctrl+G", "add_comment_around_selection", "edit"),
    ("auto_layout", "Ctrl+L", "auto_layout", "view"),
    ("fit", "Ctrl+0", "fit_view", "view"),
    ("zoom_in", Key.ZoomIn, "zoom_in", "view"),
    ("zoom_out", Key.ZoomOut, "zoom_out", "view"),
    ("snap", None, "toggle_snap", "view"),
    ("run", "F5", "run_all", "run"),
    ("run_to", "Ctrl+F5", "run_to_selected", "run"),
    ("run_from", "Ctrl+Shift+F5", "run_from_selected", "run"),
    ("stop", "Shift+F5", "stop_run", "run"),
]


def texts(w: MainWindow) -> dict[str, tuple[str, str]]:
    """(menu text, tooltip) per action; literal translate() calls so lupdate finds them."""
    return {
        "new": (translate("MainWindow", "&New"), translate("MainWindow", "Start a new, empty flow")),
        "open": (translate("MainWindow", "&Open…"), translate("MainWindow", "Open a flow file")),
        "save": (translate("MainWindow", "&Save"), translate("MainWindow", "Save the flow")),
        "save_as": (
            translate("MainWindow", "Save &As…"),
            translate("MainWindow", "Save the flow under a new name"),
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
        "run_to": (
            translate("MainWindow", "Run &to Selected"),
            translate("MainWindow", "Run the selected node and what it needs"),
        ),
        "run_from": (
            translate("MainWindow", "Run &from Selected"),
            translate("MainWindow", "Re-run the selected node and everything after it"),
        ),
        "stop": (translate("MainWindow", "&Stop"), translate("MainWindow", "Stop the run (Shift+F5)")),
    }


def menu_titles(w: MainWindow) -> dict[str, str]:
    return {
        "file": translate("MainWindow", "&File"),
        "edit": translate("MainWindow", "&Edit"),
        "view": translate("MainWindow", "&View"),
        "run": translate("MainWindow", "&Run"),
        "window": translate("MainWindow", "&Window"),
    }


def build(w: MainWindow) -> dict[str, QAction]:
    """Create every action, its menu entry and the toolbar."""
    actions: dict[str, QAction] = {}
    menus = {}
    for key in ("file", "edit", "view", "run", "window"):
        menus[key] = w.menuBar().addMenu("")
    for name, shortcut, slot, menu in SPEC:
        action = QAction(w)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))  # type: ignore[arg-type]
        handler: Callable[[], object] = getattr(w, slot)
        action.triggered.connect(lambda _checked=False, h=handler: h())
        menus[menu].addAction(action)
        actions[name] = action
        if name in ("close_tab", "settings", "duplicate", "find", "zoom_out", "run_from"):
            menus[menu].addSeparator()
    w._recent_menu = menus["file"].addMenu("")
    menus["file"].insertMenu(actions["save"], w._recent_menu)
    w._recent_menu.aboutToShow.connect(w.fill_recent_menu)
    # Ctrl+Y as well as the platform's redo key (Ctrl+Shift+Z on Linux and macOS).
    redo_keys = [QKeySequence(Key.Redo), QKeySequence("Ctrl+Y")]
    actions["redo"].setShortcuts([k for i, k in enumerate(redo_keys) if k not in redo_keys[:i]])
    actions["snap"].setCheckable(True)
    actions["snap"].setChecked(True)
    actions["stop"].setEnabled(False)
    w._menus = menus
    toolbar = w.addToolBar("main")
    toolbar.setObjectName("main-toolbar")
    for name in (
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
    ):
        if name is None:
            toolbar.addSeparator()
        else:
            toolbar.addAction(actions[name])
    w._toolbar = toolbar
    toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
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
        actions[name].setIcon(w.style().standardIcon(pixmap))
    return actions


def retranslate(w: MainWindow) -> None:
    for name, (text, tip) in texts(w).items():
        action = w.actions_by_name[name]
        action.setText(text)
        action.setToolTip(tip)
        action.setStatusTip(tip)
    for key, title in menu_titles(w).items():
        w._menus[key].setTitle(title)
    w._toolbar.setWindowTitle(translate("MainWindow", "Main toolbar"))
    w._recent_menu.setTitle(translate("MainWindow", "Open &Recent"))
