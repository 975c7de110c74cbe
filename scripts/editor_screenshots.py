"""The editor's shots for scripts/screenshots.py: the right-click menus of a node, a wire and the
canvas, the find bar, the keyboard-shortcut sheet and a node's docs (popups are painted onto the
window's picture where they stand on screen)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any


def grab_with(window: Any, popups: list[Any]) -> Any:
    """The window's picture with these top-level widgets (menus, dialogs) painted over it."""
    from PySide6.QtGui import QPainter

    picture = window.grab()
    painter = QPainter(picture)
    origin = window.mapToGlobal(window.rect().topLeft())
    for popup in popups:
        if popup.isVisible():
            painter.drawPixmap(popup.geometry().topLeft() - origin, popup.grab())
    painter.end()
    return picture


def editor_shots(window: Any, out: Path, settle: Callable[..., None]) -> list[str]:
    """Save menus.png (node, wire and canvas menus side by side), find_bar.png, shortcuts.png and
    node_docs.png; returns their names."""
    from PySide6.QtCore import QPoint, QPointF
    from PySide6.QtWidgets import QWidget

    tab = window.current_tab()
    if tab is None or not tab.scene.nodes:
        return []
    menus = window.canvas_menus
    node_id = next(iter(tab.scene.nodes))
    view = tab.view
    shown = []
    places = [tab.scene.nodes[node_id].mapToScene(60, 12)]
    if tab.scene.edges:
        places.append(next(iter(tab.scene.edges.values())).path().pointAtPercent(0.5))
    places.append(QPointF(-40000, -40000))  # empty canvas
    # Node menu top left, wire menu under it, canvas menu to the right (popups stay on the screen,
    # which is small offscreen).
    at = view.viewport().mapToGlobal(QPoint(40, 20))
    for place in places:
        menu = menus.build(tab, QPointF(place))
        menu.popup(at)
        settle(0.1)
        shown.append(menu)
        first = shown[0].geometry()
        at = (
            QPoint(first.left(), first.bottom() + 20)
            if len(shown) == 1
            else QPoint(first.right() + 30, first.top())
        )
    tab.scene.select_nodes([node_id])
    grab_with(window, shown).save(str(out / "menus.png"))
    for menu in shown:
        menu.close()
    settle(3.0)  # let the inspector's model discovery answer before the selection changes
    window.edits.find_node()
    tab.find_bar.edit.setText("LLM" if any("LLM" in i.title for i in tab.scene.nodes.values()) else "a")
    settle(0.2)
    window.grab().save(str(out / "find_bar.png"))
    tab.find_bar.close_bar()
    window.action_set.by_name["shortcuts"].trigger()
    settle(0.2)
    for sheet in window.findChildren(QWidget, "shortcuts-sheet"):
        if sheet.isVisible():
            sheet.grab().save(str(out / "shortcuts.png"))
            sheet.close()
    docs = menus.show_docs(tab, node_id)
    if docs is not None:
        settle(0.2)
        docs.grab().save(str(out / "node_docs.png"))
        docs.close()
    return ["menus", "find_bar", "shortcuts", "node_docs"]
