"""The main window's actions and menus, with standard shortcuts; retranslated on language change."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtGui import QAction, QKeySequence

if TYPE_CHECKING:
    from studio.gui.main_window import MainWindow

Key = QKeySequence.StandardKey

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
    """(menu text, tooltip) per action, through tr() so they translate."""
    tr = w.tr
    return {
        "new": (tr("&New"), tr("Start a new, empty flow")),
        "open": (tr("&Open…"), tr("Open a flow file")),
        "save": (tr("&Save"), tr("Save the flow")),
        "save_as": (tr("Save &As…"), tr("Save the flow under a new name")),
        "close_tab": (tr("&Close"), tr("Close this flow")),
        "start_page": (tr("Start &Page"), tr("Show templates and recent files")),
        "settings": (tr("Se&ttings…"), tr("API keys, theme and language")),
        "quit": (tr("&Quit"), tr("Quit Chain Studio")),
        "undo": (tr("&Undo"), tr("Undo the last edit")),
        "redo": (tr("&Redo"), tr("Redo the edit just undone")),
        "cut": (tr("Cu&t"), tr("Cut the selected nodes")),
        "copy": (tr("&Copy"), tr("Copy the selected nodes")),
        "paste": (tr("&Paste"), tr("Paste nodes")),
        "duplicate": (tr("&Duplicate"), tr("Duplicate the selected nodes")),
        "delete": (tr("De&lete"), tr("Delete the selected nodes and wires")),
        "select_all": (tr("Select &All"), tr("Select every node")),
        "find": (tr("&Find Node…"), tr("Find a node by name or type")),
        "quick_add": (tr("&Add Node…"), tr("Search for a node type and place it (also Tab or double-click)")),
        "auto_layout": (tr("Auto &Layout"), tr("Arrange the selection, or the whole flow, left to right")),
        "fit": (tr("&Fit to View"), tr("Show the whole flow")),
        "zoom_in": (tr("Zoom &In"), tr("Zoom in")),
        "zoom_out": (tr("Zoom &Out"), tr("Zoom out")),
        "snap": (tr("&Snap to Grid"), tr("Align nodes to the grid when moving them")),
        "run": (tr("&Run"), tr("Run the whole flow (F5)")),
        "run_to": (tr("Run &to Selected"), tr("Run the selected node and what it needs")),
        "run_from": (tr("Run &from Selected"), tr("Re-run the selected node and everything after it")),
        "stop": (tr("&Stop"), tr("Stop the run (Shift+F5)")),
    }


def menu_titles(w: MainWindow) -> dict[str, str]:
    return {"file": w.tr("&File"), "edit": w.tr("&Edit"), "view": w.tr("&View"), "run": w.tr("&Run"),
            "window": w.tr("&Window")}


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
    actions["snap"].setCheckable(True)
    actions["snap"].setChecked(True)
    actions["stop"].setEnabled(False)
    w._menus = menus
    toolbar = w.addToolBar("main")
    toolbar.setObjectName("main-toolbar")
    for name in ("new", "open", "save", None, "undo", "redo", None, "run", "run_to", "stop", None, "fit",
                 "auto_layout"):
        if name is None:
            toolbar.addSeparator()
        else:
            toolbar.addAction(actions[name])
    w._toolbar = toolbar
    return actions


def retranslate(w: MainWindow) -> None:
    for name, (text, tip) in texts(w).items():
        action = w.actions_by_name[name]
        action.setText(text)
        action.setToolTip(tip)
        action.setStatusTip(tip)
    for key, title in menu_titles(w).items():
        w._menus[key].setTitle(title)
    w._toolbar.setWindowTitle(w.tr("Main toolbar"))
