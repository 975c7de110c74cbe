"""A wire: a horizontal-tangent bezier from an output port to an input port."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QPainter, QPainterPath, QPainterPathStroker, QPen
from PySide6.QtWidgets import QGraphicsItem, QGraphicsPathItem, QStyle, QStyleOptionGraphicsItem

from studio.gui.canvas import style
from studio.gui.graph import EdgeKey


class _Motion:
    """Set by the view while it pans or zooms: wires are then drawn without antialiasing (about
    four times cheaper for long curves) and redrawn smooth once the view settles."""

    moving = False


motion = _Motion()


def bezier(start: QPointF, end: QPointF) -> QPainterPath:
    """The curve between two port centres: leaves and enters horizontally."""
    path = QPainterPath(start)
    dx = max(abs(end.x() - start.x()) * 0.5, 40.0)
    path.cubicTo(QPointF(start.x() + dx, start.y()), QPointF(end.x() - dx, end.y()), end)
    return path


def edge_tip(key: EdgeKey, port_type: str) -> str:
    """A wire's tooltip: the ports it joins and what flows through it, in the UI language."""
    from PySide6.QtCore import QCoreApplication

    from studio.gui.canvas.node_item import TYPE_WORDS
    from studio.gui.i18n import catalogue_text

    kind = QCoreApplication.translate("NodeItem", str(TYPE_WORDS.get(port_type, port_type)))
    return f"{catalogue_text(key[1])} → {catalogue_text(key[3])} ({kind})"


class EdgeItem(QGraphicsPathItem):
    """One wire of the document; the scene moves its ends when nodes move."""

    def __init__(self, key: EdgeKey, port_type: str):
        super().__init__()
        self.key = key
        self.port_type = port_type
        self._pen = QPen(style.port_colour(port_type), 2.0)
        self._pen.setCapStyle(Qt.PenCapStyle.RoundCap)
        self._selected_pen = QPen(style.theme["selected"], 3.5)
        self._stroke_shape: QPainterPath | None = None
        self.setPen(self._pen)
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIsSelectable)
        self.setZValue(0)
        self.setToolTip(edge_tip(key, port_type))

    def set_ends(self, start: QPointF, end: QPointF) -> None:
        self.setPath(bezier(start, end))
        # After setPath: Qt asks for the old shape while changing the path, which cached it.
        self._stroke_shape = None
        self.update()

    def set_running(self, active: bool) -> None:
        """A wire whose value is flowing is drawn dashed."""
        self._pen.setStyle(Qt.PenStyle.DashLine if active else Qt.PenStyle.SolidLine)
        self.update()

    def shape(self) -> QPainterPath:
        # A wide invisible outline so a 2-pixel wire is easy to click; made only when asked.
        if self._stroke_shape is None:
            stroker = QPainterPathStroker()
            stroker.setWidth(12)
            self._stroke_shape = stroker.createStroke(self.path())
        return self._stroke_shape

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: Any = None) -> None:
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        painter.setPen(self._selected_pen if selected else self._pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        if motion.moving:
            smooth = painter.testRenderHint(QPainter.RenderHint.Antialiasing)
            painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
            painter.drawPath(self.path())
            painter.setRenderHint(QPainter.RenderHint.Antialiasing, smooth)
        else:
            painter.drawPath(self.path())
