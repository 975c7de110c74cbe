"""Where things land: a node dropped from the palette is centred on the cursor, Paste puts the
nodes at the mouse, titles beside a run badge are elided with the whole title in the tooltip, and
the Chat pane can be made large."""

from __future__ import annotations

from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt
from PySide6.QtGui import QCursor, QDragEnterEvent, QDragMoveEvent, QDropEvent
from PySide6.QtWidgets import QApplication

from studio.gui.canvas.view import NODE_MIME


def test_a_node_dropped_from_the_palette_is_centred_on_the_cursor(window):
    tab = window.new_flow()
    tab.scene.snap = False  # exact arithmetic; snapping moves it by under half a grid step
    viewport = tab.view.viewport()
    drop_at = QPoint(300, 200)
    mime = QMimeData()
    mime.setData(NODE_MIME, b"test.chat")
    buttons, keys = Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    # The drag enters the canvas, moves to the spot and is released there.
    QApplication.sendEvent(viewport, QDragEnterEvent(drop_at, Qt.DropAction.CopyAction, mime, buttons, keys))
    QApplication.sendEvent(viewport, QDragMoveEvent(drop_at, Qt.DropAction.CopyAction, mime, buttons, keys))
    QApplication.sendEvent(
        viewport, QDropEvent(QPointF(drop_at), Qt.DropAction.CopyAction, mime, buttons, keys)
    )
    (node_id,) = [n.id for n in tab.doc.flow.nodes]
    item = tab.scene.nodes[node_id]
    centre = item.mapToScene(item._rect.center())
    cursor = tab.view.mapToScene(drop_at)
    assert abs(centre.x() - cursor.x()) < 1.5 and abs(centre.y() - cursor.y()) < 1.5


def test_paste_puts_the_nodes_at_the_mouse(window, qtbot):
    tab = window.new_flow()
    tab.scene.snap = False
    first = tab.doc.add_node("test.count", (0, 0))
    tab.doc.add_node("test.count", (300, 100))
    tab.view.fit_to_view()
    tab.scene.select_nodes(list(tab.scene.nodes))
    assert window.edits.copy()
    at = QPoint(tab.view.viewport().width() - 120, tab.view.viewport().height() - 80)
    QCursor.setPos(tab.view.viewport().mapToGlobal(at))
    assert tab.view.cursor_on_canvas() is not None
    window.actions_by_name["paste"].trigger()
    pasted = tab.scene.selected_node_ids()
    assert len(pasted) == 2 and first not in pasted
    corner = tab.view.mapToScene(at)
    xs = sorted(tab.doc.position(i)[0] for i in pasted)
    ys = sorted(tab.doc.position(i)[1] for i in pasted)
    assert abs(xs[0] - corner.x()) < 2 and abs(ys[0] - corner.y()) < 2  # the group's corner at the mouse
    assert xs[1] - xs[0] == 300 and ys[1] - ys[0] == 100  # the group keeps its shape


def test_a_long_title_beside_a_badge_is_elided_and_whole_in_the_tooltip(window):
    tab = window.new_flow()
    node_id = tab.doc.add_node("test.count", (0, 0))
    item = tab.scene.nodes[node_id]
    item.title = "Summarise every customer review of the last quarter"
    item.set_run_state("done", "12.3 s", "42")
    shown = item.shown_title()
    assert shown.endswith("…") and len(shown) < len(item.title)
    title_box = item.title_rect()
    assert title_box.right() <= item._rect.width() - item._badge()[1] - 6 + 0.01  # never under the badge
    assert title_box.width() >= item._rect.width() * 0.4  # a long badge cannot squeeze the title away
    item.set_run_state("not_run", "a very long status that would cover the whole header", "")
    assert item.title_rect().width() >= item._rect.width() * 0.4
    item.hoverMoveEvent(_hover(item))
    assert item.toolTip().startswith(item.title)
    item.set_run_state("", "", "")
    item.title = "Count"
    assert item.shown_title() == "Count"


def _hover(item):
    from PySide6.QtWidgets import QGraphicsSceneHoverEvent

    event = QGraphicsSceneHoverEvent()
    event.setPos(QPointF(100, 10))  # the header, away from the ports
    return event


def test_the_chat_pane_can_be_made_large_and_docked_back(window):
    action = window.chat_size.action
    assert action in window.action_set.menus["window"].actions()
    action.trigger()
    dock = window.chat_dock
    assert dock.isFloating() and dock.isVisible()
    assert dock.width() >= window.width() * 0.6 and dock.height() >= window.height() * 0.6
    action.trigger()
    assert not dock.isFloating()
