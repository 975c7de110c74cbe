"""A node on the canvas: header with title and run badge, typed ports on both sides, a footer line
with the latest output. Ports are painted by the node (not child items) so a 1,000-node flow stays
one item per node; hit-testing a port is arithmetic."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QFont, QFontMetricsF, QPainter, QPainterPath, QPen, QPolygonF
from PySide6.QtWidgets import QGraphicsItem, QGraphicsSceneHoverEvent, QStyle, QStyleOptionGraphicsItem

from studio.engine.ports import Port
from studio.gui.canvas import style
from studio.gui.canvas.item_host import HostLink, ItemHost
from studio.gui.i18n import catalogue_text

PortRef = tuple[str, bool]  # (port name, is output)

_TITLE_FONT: QFont | None = None
_PORT_FONT: QFont | None = None


def _fonts() -> tuple[QFont, QFont]:
    global _TITLE_FONT, _PORT_FONT
    if _TITLE_FONT is None or _PORT_FONT is None:
        _TITLE_FONT = QFont()
        _TITLE_FONT.setPointSizeF(9.5)
        _TITLE_FONT.setBold(True)
        _PORT_FONT = QFont()
        _PORT_FONT.setPointSizeF(8.5)
    return _TITLE_FONT, _PORT_FONT


translate = QCoreApplication.translate
# What flows through a port, in words (literal translate() calls so lupdate finds them).
TYPE_WORDS = {
    "text": QT_TRANSLATE_NOOP("NodeItem", "text"),
    "messages": QT_TRANSLATE_NOOP("NodeItem", "messages"),
    "documents": QT_TRANSLATE_NOOP("NodeItem", "documents"),
    "number": QT_TRANSLATE_NOOP("NodeItem", "number"),
    "boolean": QT_TRANSLATE_NOOP("NodeItem", "true/false"),
    "json": QT_TRANSLATE_NOOP("NodeItem", "JSON"),
    "embedding": QT_TRANSLATE_NOOP("NodeItem", "embedding"),
    "tool": QT_TRANSLATE_NOOP("NodeItem", "tool"),
    "any": QT_TRANSLATE_NOOP("NodeItem", "any type"),
}


def status_label(status: str) -> str:
    """The translated word for a run state shown on a badge."""
    words = {
        "queued": QCoreApplication.translate("NodeItem", "queued"),
        "running": QCoreApplication.translate("NodeItem", "running"),
        "cached": QCoreApplication.translate("NodeItem", "cached"),
        "done": QCoreApplication.translate("NodeItem", "done"),
        "skipped": QCoreApplication.translate("NodeItem", "skipped"),
        "failed": QCoreApplication.translate("NodeItem", "failed"),
        "not_run": QCoreApplication.translate("NodeItem", "not run"),
        "cancelled": QCoreApplication.translate("NodeItem", "cancelled"),
        "waiting": QCoreApplication.translate("NodeItem", "waiting"),
    }
    return words.get(status, status)


class NodeItem(QGraphicsItem):
    """The drawing of one node; its state comes from the document through the scene."""

    def __init__(
        self,
        node_id: str,
        title: str,
        category: str,
        inputs: list[Port],
        outputs: list[Port],
        *,
        host: ItemHost,
    ):
        super().__init__()
        self._host = HostLink(host)
        self.node_id = node_id
        self.title = title
        self.category = category
        self.inputs: list[Port] = []
        self.outputs: list[Port] = []
        self.status = ""  # "" = idle
        self.badge = ""
        self.footer = ""
        self.fixed_ports: frozenset[str] | None = None  # the type's own ports (None: all are)
        self.tip = ""  # the whole footer text (an error sentence may be longer than the footer)
        self.error = False
        # While a wire is being dragged: the ports it may end on (others are dimmed); None = no drag.
        self.allowed: set[PortRef] | None = None
        self._rect = QRectF()
        self.setFlags(
            QGraphicsItem.GraphicsItemFlag.ItemIsMovable
            | QGraphicsItem.GraphicsItemFlag.ItemIsSelectable
            | QGraphicsItem.GraphicsItemFlag.ItemSendsGeometryChanges
        )
        self.setAcceptHoverEvents(True)
        # Painted once into a pixmap; the scene picks the cache kind by zoom (see set_detail).
        self.setCacheMode(QGraphicsItem.CacheMode.ItemCoordinateCache)
        self.setZValue(1)
        self.set_ports(inputs, outputs)

    # -- geometry -------------------------------------------------------------------------------

    def set_ports(self, inputs: list[Port], outputs: list[Port]) -> None:
        """Show new ports (after a settings change) and resize."""
        self.prepareGeometryChange()
        self.inputs, self.outputs = list(inputs), list(outputs)
        rows = max(len(self.inputs), len(self.outputs), 1)
        self._rect = QRectF(0, 0, style.NODE_WIDTH, style.HEADER + rows * style.ROW + style.FOOTER + 6)
        self.update()

    def boundingRect(self) -> QRectF:
        pad = style.PORT_RADIUS + 2
        return self._rect.adjusted(-pad, -pad, pad, pad)

    def shape(self) -> QPainterPath:
        path = QPainterPath()
        path.addRect(self.boundingRect())
        return path

    def port_pos(self, name: str, output: bool) -> QPointF:
        """Centre of a port in item coordinates (the middle of the side when it is unknown)."""
        ports = self.outputs if output else self.inputs
        for row, port in enumerate(ports):
            if port.name == name:
                return QPointF(self._rect.width() if output else 0.0, self._row_y(row))
        return QPointF(self._rect.width() if output else 0.0, style.HEADER / 2)

    def port_scene_pos(self, name: str, output: bool) -> QPointF:
        return self.mapToScene(self.port_pos(name, output))

    def _row_y(self, row: int) -> float:
        return style.HEADER + 4 + row * style.ROW + style.ROW / 2

    def port_at(self, pos: QPointF) -> PortRef | None:
        """The port under an item-coordinate point, with a forgiving hit area."""
        grab = style.PORT_RADIUS + 5
        width = self._rect.width()
        for output, ports in ((False, self.inputs), (True, self.outputs)):
            # The dot and the first stretch of its label both pick the port.
            inside = width - 60 <= pos.x() <= width + grab if output else -grab <= pos.x() <= 60
            if not inside:
                continue
            for row, port in enumerate(ports):
                if abs(pos.y() - self._row_y(row)) <= style.ROW / 2:
                    return port.name, output
        return None

    def port(self, ref: PortRef) -> Port | None:
        name, output = ref
        for port in self.outputs if output else self.inputs:
            if port.name == name:
                return port
        return None

    # -- state ----------------------------------------------------------------------------------

    def set_run_state(self, status: str, badge: str = "", footer: str | None = None) -> None:
        """Show a run state ("" for idle), a badge text (duration) and the footer line."""
        self.status = status
        self.badge = badge
        self.error = status == "failed"
        if footer is not None:
            text = " ".join(footer.split())
            self.footer = text[-80:] if status == "running" else text[:80]
            self.tip = text if status in ("failed", "not_run") else ""
        self.update()

    def set_allowed(self, allowed: set[PortRef] | None) -> None:
        if allowed != self.allowed:
            self.allowed = allowed
            self.update()

    # -- Qt overrides ---------------------------------------------------------------------------

    def itemChange(self, change: QGraphicsItem.GraphicsItemChange, value: Any) -> Any:
        moving = change == QGraphicsItem.GraphicsItemChange.ItemPositionChange
        if moving or change == QGraphicsItem.GraphicsItemChange.ItemPositionHasChanged:
            host = self._host.get(self)
            if host is not None and moving and host.snap and not host.syncing:
                grid = style.GRID
                return QPointF(round(value.x() / grid) * grid, round(value.y() / grid) * grid)
            if host is not None and not moving:
                host.node_item_moved(self.node_id)
        return super().itemChange(change, value)

    def hoverMoveEvent(self, event: QGraphicsSceneHoverEvent) -> None:
        ref = self.port_at(event.pos())
        port = self.port(ref) if ref else None
        if port is not None:
            self.setToolTip(self.port_tip(port, bool(ref and ref[1])))
        else:
            # The whole title first: on the node it may be elided to leave room for the badge.
            detail = self.tip or self.footer
            self.setToolTip(f"{self.title}\n{detail}" if detail else self.title)
        super().hoverMoveEvent(event)

    def _shown_name(self, port: Port) -> str:
        # The node type's own ports in the UI language; a name the user chose (a template
        # variable, a flow input) stays as typed.
        fixed = self.fixed_ports
        return catalogue_text(port.name) if fixed is None or port.name in fixed else port.name

    def port_label(self, port: Port) -> str:
        """A port's name as shown beside its dot."""
        return self._shown_name(port) + ("*" if port.multi else "")

    def port_tip(self, port: Port, output: bool = False) -> str:
        """A port's tooltip: shown name, its name in the file (for templates and the API), kind,
        what flows through it, and its description."""
        kind = translate("NodeItem", "output") if output else translate("NodeItem", "input")
        type_name = translate("NodeItem", str(TYPE_WORDS.get(port.type.value, port.type.value)))
        shown = self._shown_name(port)
        name = f"{shown} (`{port.name}`)" if shown != port.name else port.name
        tip = f"{name} — {kind}, {type_name}"
        if port.description:
            tip += f"\n{catalogue_text(port.description)}"
        return tip

    def _badge(self) -> tuple[str, float]:
        """The badge's text and width; at most 45 % of the node, so the title keeps room."""
        if not self.status:
            return "", 0.0
        _title_font, port_font = _fonts()
        metrics = QFontMetricsF(port_font)
        text = status_label(self.status) + (f" {self.badge}" if self.badge else "")
        limit = self._rect.width() * 0.45 - 12
        if metrics.horizontalAdvance(text) > limit:
            text = metrics.elidedText(text, Qt.TextElideMode.ElideRight, limit)
        return text, metrics.horizontalAdvance(text) + 12

    def title_rect(self) -> QRectF:
        """Where the title is drawn: the header left of the badge."""
        badge_width = self._badge()[1]
        return QRectF(8, 0, self._rect.width() - 16 - (badge_width + 6 if badge_width else 0.0), style.HEADER)

    def shown_title(self) -> str:
        """The title as drawn: elided ("…") when it is longer than the room beside the badge."""
        metrics = QFontMetricsF(_fonts()[0])
        return metrics.elidedText(self.title, Qt.TextElideMode.ElideRight, self.title_rect().width())

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: Any = None) -> None:
        theme = style.theme
        rect = self._rect
        lod = option.levelOfDetailFromTransform(painter.worldTransform())
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        header = style.category_colour(self.category)
        if lod < 0.3:  # far out: a coloured block is all the eye can see
            painter.fillRect(rect, header)
            if selected:
                painter.setPen(QPen(theme["selected"], 4 / max(lod, 0.05)))
                painter.drawRect(rect)
            return
        border = (
            theme["selected"]
            if selected
            else (style.colour(style.STATUS_COLOURS["failed"]) if self.error else theme["node_border"])
        )
        painter.setPen(QPen(border, 2.5 if selected or self.error else 1.0))
        painter.setBrush(theme["node"])
        painter.drawRoundedRect(rect, 6, 6)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(header)
        inset = 0.5
        painter.drawRoundedRect(QRectF(inset, inset, rect.width() - 2 * inset, style.HEADER), 6, 6)
        painter.fillRect(QRectF(inset, style.HEADER - 6, rect.width() - 2 * inset, 6), header)
        title_font, port_font = _fonts()
        if self.status:
            self._paint_badge(painter, port_font)
        painter.setPen(Qt.GlobalColor.white)
        painter.setFont(title_font)
        align = Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft
        painter.drawText(self.title_rect(), align, self.shown_title())
        if lod < 0.55:
            self._paint_ports(painter, None)
            return
        painter.setFont(port_font)
        self._paint_ports(painter, QFontMetricsF(port_font))
        if self.footer:
            painter.setPen(theme["muted"])
            footer_rect = QRectF(8, rect.height() - style.FOOTER - 2, rect.width() - 16, style.FOOTER)
            # While streaming the newest words matter; once done, the beginning does.
            mode = Qt.TextElideMode.ElideLeft if self.status == "running" else Qt.TextElideMode.ElideRight
            text = QFontMetricsF(port_font).elidedText(self.footer, mode, footer_rect.width())
            painter.drawText(footer_rect, Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft, text)

    def _paint_badge(self, painter: QPainter, font: QFont) -> float:
        text, width = self._badge()
        box = QRectF(self._rect.width() - width - 6, 6, width, style.HEADER - 12)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(style.colour(style.STATUS_COLOURS.get(self.status, "#9e9e9e")))
        painter.drawRoundedRect(box, 7, 7)
        painter.setPen(Qt.GlobalColor.white)
        painter.setFont(font)
        painter.drawText(box, Qt.AlignmentFlag.AlignCenter, text)
        return width + 6

    def _paint_ports(self, painter: QPainter, metrics: QFontMetricsF | None) -> None:
        theme = style.theme
        radius = style.PORT_RADIUS
        half = self._rect.width() / 2 - 12
        for output, ports in ((False, self.inputs), (True, self.outputs)):
            x = self._rect.width() if output else 0.0
            for row, port in enumerate(ports):
                y = self._row_y(row)
                dim = self.allowed is not None and (port.name, output) not in self.allowed
                painter.setOpacity(0.25 if dim else 1.0)
                fill = style.port_colour(port.type.value)
                painter.setPen(QPen(theme["node"], 1.5))
                painter.setBrush(QBrush(fill) if port.required or output else QBrush(theme["node"]))
                if not (port.required or output):
                    painter.setPen(QPen(fill, 2))
                _draw_shape(painter, style.PORT_SHAPES.get(port.type.value, "circle"), x, y, radius)
                if metrics is not None:
                    painter.setPen(theme["text"])
                    label = self.port_label(port)
                    label = metrics.elidedText(label, Qt.TextElideMode.ElideRight, half)
                    box = QRectF(x - half - 10 if output else 10, y - style.ROW / 2, half, style.ROW)
                    align = Qt.AlignmentFlag.AlignRight if output else Qt.AlignmentFlag.AlignLeft
                    painter.drawText(box, align | Qt.AlignmentFlag.AlignVCenter, label)
        painter.setOpacity(1.0)


def _draw_shape(painter: QPainter, shape: str, x: float, y: float, r: float) -> None:
    if shape == "square":
        painter.drawRect(QRectF(x - r + 1, y - r + 1, 2 * r - 2, 2 * r - 2))
    elif shape == "diamond":
        painter.drawPolygon(
            QPolygonF([QPointF(x, y - r), QPointF(x + r, y), QPointF(x, y + r), QPointF(x - r, y)])
        )
    else:
        painter.drawEllipse(QPointF(x, y), r, r)
