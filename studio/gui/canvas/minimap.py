"""A minimap in the corner of the canvas for big flows: every node as a dot of its category
colour, every comment box as a tinted frame under them, the visible area as a frame; click or drag
in it to move the view."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt, QTimer
from PySide6.QtGui import QColor, QMouseEvent, QPainter, QPaintEvent, QPen, QPixmap
from PySide6.QtWidgets import QGraphicsView, QWidget

from studio.gui.canvas import style
from studio.gui.canvas.scene import FlowScene

MIN_NODES = 25  # smaller flows fit on screen; the minimap would only be in the way


class Minimap(QWidget):
    """Drawn from the scene's node positions, refreshed at most ten times a second. The view that
    owns it calls `schedule()` when it zooms (the minimap knows the view only as a QGraphicsView,
    so the two modules do not import each other)."""

    def __init__(self, view: QGraphicsView, scene: FlowScene):
        super().__init__(view.viewport())
        self.view = view
        self.flow_scene = scene
        self.resize(220, 140)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self._frame = QRectF()
        self._scale = 1.0
        self._origin = QPointF()
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(100)
        self._timer.timeout.connect(self.refresh)
        self._picture: QPixmap | None = None  # the nodes, redrawn only when the scene changed
        self._bounds = QRectF()
        scene.changed.connect(self._scene_changed)
        view.horizontalScrollBar().valueChanged.connect(lambda _v: self._timer.start())
        view.verticalScrollBar().valueChanged.connect(lambda _v: self._timer.start())
        self.refresh()

    def schedule(self) -> None:
        """Refresh soon (coalesced: scrolling and zooming fire many times a second)."""
        self._timer.start()

    def _scene_changed(self, _rects: object) -> None:
        self._picture = None
        self._timer.start()

    def refresh(self) -> None:
        """Show or hide by flow size, keep to the bottom-right corner, repaint."""
        wanted = len(self.flow_scene.nodes) >= MIN_NODES
        self.setVisible(wanted)
        if wanted:
            if self._picture is None:  # follow the flow's shape: a wide flow gets a low map
                bounds = self.flow_scene.itemsBoundingRect()
                height = int(min(max(220 * bounds.height() / max(bounds.width(), 1.0), 70), 180))
                if height != self.height():
                    self.resize(220, height)
            port = self.view.viewport()
            self.move(port.width() - self.width() - 12, port.height() - self.height() - 12)
            self.update()

    def _fit(self) -> None:
        if self._picture is None:
            self._bounds = self.flow_scene.itemsBoundingRect()
        visible = self.view.mapToScene(self.view.viewport().rect()).boundingRect()
        bounds = self._bounds if not self._bounds.isNull() else visible
        scale = min(
            (self.width() - 8) / max(bounds.width(), 1), (self.height() - 8) / max(bounds.height(), 1)
        )
        self._scale = scale
        self._origin = QPointF(bounds.left() - 4 / scale, bounds.top() - 4 / scale)
        self._frame = visible

    def _to_map(self, rect: QRectF) -> QRectF:
        x = (rect.left() - self._origin.x()) * self._scale
        y = (rect.top() - self._origin.y()) * self._scale
        return QRectF(x, y, max(rect.width() * self._scale, 1.5), max(rect.height() * self._scale, 1.5))

    def _draw_nodes(self) -> QPixmap:
        picture = QPixmap(self.size())
        background = QColor(style.theme["node"])
        background.setAlpha(245)
        picture.fill(background)
        painter = QPainter(picture)
        painter.setPen(QPen(style.theme["node_border"], 1))
        painter.drawRect(self.rect().adjusted(0, 0, -1, -1))
        for comment in self.flow_scene.comments.values():
            # Boxes first, so the nodes they frame stay visible on top.
            colour = QColor(comment.colour())
            painter.setPen(QPen(colour, 1))
            colour.setAlpha(70)
            painter.setBrush(colour)
            painter.drawRect(self._to_map(comment.sceneBoundingRect()))
        painter.setPen(Qt.PenStyle.NoPen)
        for item in self.flow_scene.nodes.values():
            painter.setBrush(style.category_colour(item.category))
            painter.drawRect(self._to_map(item.sceneBoundingRect()))
        painter.end()
        return picture

    def paintEvent(self, event: QPaintEvent) -> None:
        self._fit()
        if self._picture is None:
            self._picture = self._draw_nodes()
        painter = QPainter(self)
        painter.drawPixmap(0, 0, self._picture)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.setPen(QPen(style.theme["selected"], 1.5))
        painter.drawRect(self._to_map(self._frame))
        painter.end()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self._jump(event.position())

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if event.buttons() & Qt.MouseButton.LeftButton:
            self._jump(event.position())

    def _jump(self, at: QPointF) -> None:
        x = self._origin.x() + at.x() / self._scale
        y = self._origin.y() + at.y() / self._scale
        self.view.centerOn(QPointF(x, y))
