"""Driving the canvas with the mouse, as a user would."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest

from studio.gui.editor import EditorTab


def port_point(tab: EditorTab, node_id: str, port: str, output: bool) -> QPoint:
    """Where a port is on the screen (viewport coordinates)."""
    item = tab.scene.nodes[node_id]
    return tab.view.mapFromScene(item.port_scene_pos(port, output))


def drag_wire(tab: EditorTab, source: str, source_port: str, target: str, target_port: str) -> None:
    """Press on an output port, move to an input port, release."""
    viewport = tab.view.viewport()
    start = port_point(tab, source, source_port, True)
    end = port_point(tab, target, target_port, False)
    QTest.mousePress(viewport, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, start)
    middle = QPoint((start.x() + end.x()) // 2, (start.y() + end.y()) // 2)
    QTest.mouseMove(viewport, middle)
    QTest.mouseMove(viewport, end)
    QTest.mouseRelease(viewport, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, end)


def drag_node(tab: EditorTab, node_id: str, dx: int, dy: int) -> None:
    """Drag a node by its title bar."""
    viewport = tab.view.viewport()
    item = tab.scene.nodes[node_id]
    start = tab.view.mapFromScene(item.mapToScene(60, 12))
    end = start + QPoint(dx, dy)
    QTest.mousePress(viewport, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, start)
    QTest.mouseMove(viewport, start + QPoint(dx // 2, dy // 2))
    QTest.mouseMove(viewport, end)
    QTest.mouseRelease(viewport, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, end)
