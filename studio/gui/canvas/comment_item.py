"""A comment box on the canvas: a tinted frame behind the nodes with an editable title. Dragging
it carries the nodes inside along; the corner handle resizes it. Like nodes, it only asks the
document for changes and redraws from what the document says."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication, QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFocusEvent, QKeyEvent, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import (
    QGraphicsItem,
    QGraphicsSceneContextMenuEvent,
    QGraphicsSceneHoverEvent,
    QGraphicsSceneMouseEvent,
    QGraphicsTextItem,
    QMenu,
    QStyleOptionGraphicsItem,
)

from studio.flow import Comment
from studio.gui.canvas import style
from studio.gui.canvas.item_host import HostLink, ItemHost

HANDLE = 14.0  # size of the resize grip in the bottom-right corner
TITLE_HEIGHT = 28.0
DEFAULT_COLOUR = "#5c6bc0"


def colour_choices() -> list[tuple[str, str | None]]:
    """(translated name, "#rrggbb" or None) for the colour menu."""
    translate = QCoreApplication.translate
    return [
        (translate("CommentItem", "Default"), None),
        (translate("CommentItem", "Red"), "#e53935"),
        (translate("CommentItem", "Orange"), "#fb8c00"),
        (translate("CommentItem", "Yellow"), "#fdd835"),
        (translate("CommentItem", "Green"), "#43a047"),
        (translate("CommentItem", "Teal"), "#00897b"),
        (translate("CommentItem", "Blue"), "#1e88e5"),
        (translate("CommentItem", "Purple"), "#8e24aa"),
        (translate("CommentItem", "Grey"), "#757575"),
    ]


def placeholder() -> str:
    """The title shown on a comment that has no text yet."""
    return QCoreApplication.translate("CommentItem", "Comment")


class _Title(QGraphicsTextItem):
    """The comment's title; double-click to edit, Enter or clicking away commits."""

    def __init__(self, box: CommentItem):
        super().__init__(box)
        self.box = box
        self.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)

    def start_editing(self) -> None:
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextEditorInteraction)
        self.setFocus(Qt.FocusReason.MouseFocusReason)
        cursor = self.textCursor()
        cursor.select(cursor.SelectionType.Document)
        self.setTextCursor(cursor)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and not event.modifiers():
            self.clearFocus()
            return
        if event.key() == Qt.Key.Key_Escape:
            self.setPlainText(self.box.comment.text)  # give up the edit
            self.clearFocus()
            return
        super().keyPressEvent(event)

    def focusOutEvent(self, event: QFocusEvent) -> None:
        super().focusOutEvent(event)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
        cursor = self.textCursor()
        cursor.clearSelection()
        self.setTextCursor(cursor)
        self.box.commit_text(self.toPlainText())


class CommentItem(QGraphicsItem):
    """The drawing of one comment box."""

    def __init__(self, comment: Comment, *, host: ItemHost):
        super().__init__()
        self._host = HostLink(host)
        self.comment = comment
        self.setFlags(QGraphicsItem.GraphicsItemFlag.ItemIsSelectable)
        self.setAcceptHoverEvents(True)
        self.setZValue(-10)  # behind wires (0) and nodes (1)
        self.title = _Title(self)
        self.title.setDefaultTextColor(style.theme["text"])
        self._mode = ""  # "move" or "resize" while the mouse is down
        self._press = QPointF()
        self._start = QRectF()
        self._carried: dict[str, QPointF] = {}
        self.set_comment(comment)

    @property
    def comment_id(self) -> str:
        return self.comment.id

    def set_comment(self, comment: Comment) -> None:
        """Show the document's current version of this comment."""
        self.prepareGeometryChange()
        self.comment = comment
        self.setPos(comment.x, comment.y)
        if not self.title.hasFocus():
            self.title.setPlainText(comment.text or placeholder())
        self.title.setPos(8, 3)
        self.title.setTextWidth(max(comment.width - 16, 20))
        self.update()

    def rect(self) -> QRectF:
        return QRectF(0, 0, self.comment.width, self.comment.height)

    def boundingRect(self) -> QRectF:
        return self.rect().adjusted(-2, -2, 2, 2)

    def shape(self) -> QPainterPath:
        # Only the title bar and the resize grip are solid: a click or a rubber band inside the
        # box reaches the canvas, so nodes in a comment are selected as anywhere else.
        path = QPainterPath()
        path.addRect(QRectF(0, 0, self.comment.width, TITLE_HEIGHT))
        path.addRect(QRectF(self.comment.width - HANDLE, self.comment.height - HANDLE, HANDLE, HANDLE))
        return path

    def colour(self) -> QColor:
        return style.colour(self.comment.color or DEFAULT_COLOUR)

    def _in_handle(self, pos: QPointF) -> bool:
        return pos.x() >= self.comment.width - HANDLE and pos.y() >= self.comment.height - HANDLE

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: Any = None) -> None:
        colour = QColor(self.colour())
        fill = QColor(colour)
        fill.setAlpha(40)
        rect = self.rect()
        selected = self.isSelected()
        painter.setPen(QPen(style.theme["selected"] if selected else colour, 2 if selected else 1))
        painter.setBrush(fill)
        painter.drawRoundedRect(rect, 6, 6)
        header = QColor(colour)
        header.setAlpha(90)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(header)
        painter.drawRoundedRect(QRectF(0, 0, rect.width(), TITLE_HEIGHT), 6, 6)
        # The resize grip: three short diagonal strokes.
        painter.setPen(QPen(colour, 1.5))
        right, bottom = rect.right() - 3, rect.bottom() - 3
        for step in (4.0, 8.0, 12.0):
            painter.drawLine(QPointF(right - step, bottom), QPointF(right, bottom - step))

    # -- mouse: move (carrying the nodes inside), resize, edit the title ---------------------------

    def hoverMoveEvent(self, event: QGraphicsSceneHoverEvent) -> None:
        self.setCursor(
            Qt.CursorShape.SizeFDiagCursor if self._in_handle(event.pos()) else Qt.CursorShape.ArrowCursor
        )
        super().hoverMoveEvent(event)

    def mousePressEvent(self, event: QGraphicsSceneMouseEvent) -> None:
        if event.button() != Qt.MouseButton.LeftButton:
            super().mousePressEvent(event)
            return
        super().mousePressEvent(event)  # selection
        host = self._host.get(self)
        self._mode = "resize" if self._in_handle(event.pos()) else "move"
        self._press = event.scenePos()
        self._start = QRectF(self.pos(), self.rect().size())
        self._carried = {}
        if self._mode == "move" and host is not None:
            for node_id in host.doc.nodes_inside(self.comment_id):
                self._carried[node_id] = host.nodes[node_id].pos()
        event.accept()

    def mouseMoveEvent(self, event: QGraphicsSceneMouseEvent) -> None:
        host = self._host.get(self)
        if not self._mode or host is None:
            super().mouseMoveEvent(event)
            return
        delta = event.scenePos() - self._press
        if host.snap:
            grid = style.GRID
            delta = QPointF(round(delta.x() / grid) * grid, round(delta.y() / grid) * grid)
        if self._mode == "resize":
            self.prepareGeometryChange()
            width = max(self._start.width() + delta.x(), 80.0)
            height = max(self._start.height() + delta.y(), 60.0)
            self.comment = self.comment.model_copy(update={"width": width, "height": height})
            self.title.setTextWidth(max(width - 16, 20))
            self.update()
        else:
            self.setPos(self._start.topLeft() + delta)
            host.syncing = True  # the positions are already snapped
            for node_id, start in self._carried.items():
                if node_id in host.nodes:
                    host.nodes[node_id].setPos(start + delta)
            host.syncing = False
        event.accept()

    def mouseReleaseEvent(self, event: QGraphicsSceneMouseEvent) -> None:
        host = self._host.get(self)
        mode, self._mode = self._mode, ""
        if not mode or host is None:
            super().mouseReleaseEvent(event)
            return
        if mode == "resize":
            host.doc.resize_comment(self.comment_id, self.comment.width, self.comment.height)
        else:
            carried = list(self._carried)
            host.doc.move_comment(self.comment_id, (self.pos().x(), self.pos().y()), carried)
        self._carried = {}
        event.accept()

    def mouseDoubleClickEvent(self, event: QGraphicsSceneMouseEvent) -> None:
        self.title.start_editing()
        event.accept()

    def context_menu(self) -> QMenu:
        """Edit the title, pick a colour or delete the box."""
        host = self._host.get(self)
        translate = QCoreApplication.translate
        menu = QMenu()
        menu.addAction(translate("CommentItem", "Edit Title"), self.title.start_editing)
        colours = menu.addMenu(translate("CommentItem", "Colour"))
        for name, value in colour_choices():
            action = colours.addAction(name)
            action.setCheckable(True)
            action.setChecked(self.comment.color == value)
            if host is not None:
                action.triggered.connect(
                    lambda _checked=False, v=value: host.doc.set_comment_color(self.comment_id, v)
                )
        if host is not None:
            menu.addAction(
                translate("CommentItem", "Delete Comment"),
                lambda: host.doc.remove_comments([self.comment_id]),
            )
        return menu

    def contextMenuEvent(self, event: QGraphicsSceneContextMenuEvent) -> None:
        self._menu = self.context_menu()  # kept alive while it shows
        self._menu.popup(event.screenPos())
        event.accept()

    def commit_text(self, text: str) -> None:
        host = self._host.get(self)
        text = text.strip()
        if not self.comment.text and text == placeholder():
            return  # the placeholder was left as it was
        if host is not None and host.doc.has_comment(self.comment_id):
            host.doc.set_comment_text(self.comment_id, text)
