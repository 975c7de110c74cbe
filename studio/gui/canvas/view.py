"""The canvas view: zoom to cursor, pan with the middle button or space-drag, rubber-band
selection, fit to view, a dotted grid, and drops from the palette."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QLineF, QPoint, QPointF, QRect, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import (
    QContextMenuEvent,
    QDragEnterEvent,
    QDragMoveEvent,
    QDropEvent,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPen,
    QPixmapCache,
    QResizeEvent,
    QWheelEvent,
)
from PySide6.QtWidgets import QGraphicsView, QWidget

from studio.gui.canvas import style
from studio.gui.canvas.edge_item import motion
from studio.gui.canvas.scene import FlowScene

NODE_MIME = "application/x-chain-studio-node-type"
MIN_ZOOM, MAX_ZOOM = 0.05, 3.0


class FlowView(QGraphicsView):
    """A view of a FlowScene."""

    quickAddRequested = Signal(QPointF)  # scene position where a node should go
    zoomChanged = Signal(float)
    filesDropped = Signal(list, QPointF)  # [Path], scene position
    contextMenuRequested = Signal(QPointF, QPoint)  # right-click: scene position, screen position

    def __init__(self, scene: FlowScene, parent: QWidget | None = None):
        super().__init__(scene, parent)
        self.flow_scene = scene
        # Node drawings are cached pixmaps (see FlowScene.set_detail); Qt's default 10 MB cache
        # would evict them while a big flow is on screen.
        QPixmapCache.setCacheLimit(max(QPixmapCache.cacheLimit(), 64 * 1024))
        self._panning = False
        self._pan_start = QPointF()
        self._space = False
        # Smooth pixmap scaling: node drawings are cached pixmaps the view scales when zoomed out.
        self.setRenderHints(
            QPainter.RenderHint.Antialiasing
            | QPainter.RenderHint.TextAntialiasing
            | QPainter.RenderHint.SmoothPixmapTransform
        )
        self.setDragMode(QGraphicsView.DragMode.RubberBandDrag)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorUnderMouse)
        self.setResizeAnchor(QGraphicsView.ViewportAnchor.AnchorViewCenter)
        # Minimal updates repaint only what changed; with node pixmap caches that is cheap.
        self.setViewportUpdateMode(QGraphicsView.ViewportUpdateMode.MinimalViewportUpdate)
        self.setOptimizationFlags(
            QGraphicsView.OptimizationFlag.DontSavePainterState
            | QGraphicsView.OptimizationFlag.DontAdjustForAntialiasing
        )
        # No background cache: the overview draws the nodes in the background pass.
        self.setCacheMode(QGraphicsView.CacheModeFlag.CacheNone)
        self.setAcceptDrops(True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setToolTip("")
        self._settle = QTimer(self)
        self._settle.setSingleShot(True)
        self._settle.setInterval(180)
        self._settle.timeout.connect(self._settled)
        from studio.gui.canvas.minimap import Minimap

        self.minimap = Minimap(self, scene)
        self.zoomChanged.connect(lambda _z: self.minimap.schedule())
        self._grid_pen = QPen(style.theme["grid"], 0)
        self._major_pen = QPen(style.theme["grid_major"], 0)

    # -- zoom -----------------------------------------------------------------------------------

    def zoom(self) -> float:
        return self.transform().m11()

    def zoom_by(self, factor: float) -> None:
        """Zoom around the mouse cursor, within sensible limits."""
        self._moving()
        target = min(max(self.zoom() * factor, MIN_ZOOM), MAX_ZOOM)
        factor = target / self.zoom()
        if abs(factor - 1.0) > 1e-6:
            self.scale(factor, factor)
            self._zoomed()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.minimap.refresh()

    def wheelEvent(self, event: QWheelEvent) -> None:
        steps = event.angleDelta().y() / 120.0
        if steps:
            self.zoom_by(1.15**steps)
        event.accept()

    def fit_to_view(self) -> None:
        """Show every node."""
        rect = self.flow_scene.itemsBoundingRect()
        if rect.isNull():
            rect = QRectF(-200, -150, 400, 300)
        self.fitInView(rect.adjusted(-40, -40, 40, 40), Qt.AspectRatioMode.KeepAspectRatio)
        if self.zoom() > 1.0:  # a tiny flow should not be blown up
            self.resetTransform()
            self.centerOn(rect.center())
        self._zoomed()

    def reset_zoom(self) -> None:
        centre = self.mapToScene(self.viewport().rect().center())
        self.resetTransform()
        self.centerOn(centre)
        self._zoomed()

    def _zoomed(self) -> None:
        self.flow_scene.set_detail(self.zoom())
        # Far out, smoothing 1,500 hair-thin curves costs more than it shows.
        self.setRenderHint(QPainter.RenderHint.Antialiasing, not self.flow_scene.overview)
        self.zoomChanged.emit(self.zoom())

    def set_zoom(self, zoom: float) -> None:
        """Zoom to an absolute level around the centre of the view."""
        centre = self.mapToScene(self.viewport().rect().center())
        self.resetTransform()
        self.scale(zoom, zoom)
        self.centerOn(centre)
        self._zoomed()

    # -- pan ------------------------------------------------------------------------------------

    def pan_by(self, dx: float, dy: float) -> None:
        """Scroll the view by a number of pixels."""
        self._moving()
        self.horizontalScrollBar().setValue(int(self.horizontalScrollBar().value() + dx))
        self.verticalScrollBar().setValue(int(self.verticalScrollBar().value() + dy))

    def _moving(self) -> None:
        motion.moving = True
        self._settle.start()

    def _settled(self) -> None:
        motion.moving = False
        self.viewport().update()  # the wires again, smooth

    def mousePressEvent(self, event: QMouseEvent) -> None:
        middle = event.button() == Qt.MouseButton.MiddleButton
        if middle or (self._space and event.button() == Qt.MouseButton.LeftButton):
            self._panning = True
            self._pan_start = event.position()
            self.viewport().setCursor(Qt.CursorShape.ClosedHandCursor)
            event.accept()
            return
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self._panning:
            delta = event.position() - self._pan_start
            self._pan_start = event.position()
            self.pan_by(-delta.x(), -delta.y())
            event.accept()
            return
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if self._panning:
            self._panning = False
            self.viewport().setCursor(
                Qt.CursorShape.OpenHandCursor if self._space else Qt.CursorShape.ArrowCursor
            )
            event.accept()
            return
        super().mouseReleaseEvent(event)

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        if self.itemAt(event.position().toPoint()) is None:
            self.quickAddRequested.emit(self.mapToScene(event.position().toPoint()))
            return
        super().mouseDoubleClickEvent(event)

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:
        # The menus know the window's actions, which the canvas must not import: ask for them.
        self.contextMenuRequested.emit(self.mapToScene(event.pos()), event.globalPos())
        event.accept()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Space and not event.isAutoRepeat():
            self._space = True
            self.viewport().setCursor(Qt.CursorShape.OpenHandCursor)
            return
        if event.key() == Qt.Key.Key_Tab:
            self.quickAddRequested.emit(self.cursor_scene_pos())
            return
        super().keyPressEvent(event)

    def keyReleaseEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Space and not event.isAutoRepeat():
            self._space = False
            self.viewport().setCursor(Qt.CursorShape.ArrowCursor)
            return
        super().keyReleaseEvent(event)

    def focusNextPrevChild(self, next: bool) -> bool:
        return False  # Tab opens quick-add instead of moving the focus

    def cursor_scene_pos(self) -> QPointF:
        """Where the mouse is, or the middle of the view when it is outside."""
        local = self.viewport().mapFromGlobal(self.cursor().pos())
        if not self.viewport().rect().contains(local):
            local = self.viewport().rect().center()
        return self.mapToScene(local)

    def cursor_on_canvas(self) -> QPointF | None:
        """Where the mouse is on the canvas, or None when it is elsewhere (e.g. on a menu)."""
        local = self.viewport().mapFromGlobal(self.cursor().pos())
        return self.mapToScene(local) if self.viewport().rect().contains(local) else None

    # -- palette drops --------------------------------------------------------------------------

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if event.mimeData().hasFormat(NODE_MIME) or event.mimeData().hasUrls():
            event.acceptProposedAction()
        else:
            super().dragEnterEvent(event)

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        if event.mimeData().hasFormat(NODE_MIME) or event.mimeData().hasUrls():
            event.acceptProposedAction()
        else:
            super().dragMoveEvent(event)

    def dropEvent(self, event: QDropEvent) -> None:
        if event.mimeData().hasFormat(NODE_MIME):
            type_name = bytes(event.mimeData().data(NODE_MIME).data()).decode()
            pos = self.mapToScene(event.position().toPoint())
            self.add_node_at(type_name, pos, centred=True)  # the node lands under the cursor
            event.acceptProposedAction()
        elif event.mimeData().hasUrls():
            paths = [Path(u.toLocalFile()) for u in event.mimeData().urls() if u.isLocalFile()]
            if paths:
                self.filesDropped.emit(paths, self.mapToScene(event.position().toPoint()))
            event.acceptProposedAction()
        else:
            super().dropEvent(event)

    def add_node_at(self, type_name: str, pos: QPointF, *, centred: bool = False) -> str:
        """Place a node with its top-left corner (or, `centred`, its middle) at a (grid-snapped)
        scene position."""
        x, y = pos.x(), pos.y()
        if centred:
            width, height = self.node_size(type_name)
            x, y = x - width / 2, y - height / 2
        if self.flow_scene.snap:
            x, y = round(x / style.GRID) * style.GRID, round(y / style.GRID) * style.GRID
        node_id = self.flow_scene.doc.add_node(type_name, (x, y))
        self.flow_scene.select_nodes([node_id])
        return node_id

    def node_size(self, type_name: str) -> tuple[float, float]:
        """How big a fresh node of this type is drawn (as NodeItem.set_ports sizes it)."""
        from studio.flow import NodeSpec
        from studio.gui import graph

        registry = self.flow_scene.doc.registry
        node_class = registry.get(type_name)
        spec = NodeSpec(id="size", type=type_name, config=graph.default_config(node_class))
        inputs, outputs = graph.node_ports(spec, registry)
        rows = max(len(inputs), len(outputs), 1)
        return style.NODE_WIDTH, style.HEADER + rows * style.ROW + style.FOOTER + 6

    # -- background -----------------------------------------------------------------------------

    def refresh_theme(self) -> None:
        self._grid_pen = QPen(style.theme["grid"], 0)
        self._major_pen = QPen(style.theme["grid_major"], 0)
        self.resetCachedContent()
        for item in self.flow_scene.nodes.values():
            item.update()
        for comment in self.flow_scene.comments.values():
            comment.title.setDefaultTextColor(style.theme["text"])
        self.viewport().update()

    def drawBackground(self, painter: QPainter, area: QRectF | QRect) -> None:
        rect = QRectF(area)  # Qt passes a QRectF; the stubs also allow a QRect
        painter.fillRect(rect, style.theme["background"])
        if self.flow_scene.overview:
            self.flow_scene.draw_overview(painter)
            return  # grid lines closer than a few pixels are noise
        step = style.GRID * (1 if self.zoom() >= 0.7 else 5)
        left = int(rect.left() // step) * step
        top = int(rect.top() // step) * step
        painter.setPen(self._grid_pen)
        x = left
        lines = []
        while x < rect.right():
            lines.append(QLineF(x, rect.top(), x, rect.bottom()))
            x += step
        y = top
        while y < rect.bottom():
            lines.append(QLineF(rect.left(), y, rect.right(), y))
            y += step
        painter.drawLines(lines)
