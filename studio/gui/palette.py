"""The node palette (searchable, by category, drag onto the canvas) and the quick-add popup."""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import QEvent, QMimeData, QObject, QPoint, Qt, Signal
from PySide6.QtGui import QDrag, QKeyEvent
from PySide6.QtWidgets import (
    QDialog,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from studio.engine.node import Node
from studio.engine.ports import Port
from studio.engine.registry import Registry
from studio.gui.canvas.view import NODE_MIME
from studio.gui.i18n import catalogue_text

TYPE_ROLE = Qt.ItemDataRole.UserRole


def node_title(node_class: type[Node]) -> str:
    """The node type's title as shown (translated; the type name when it has no title)."""
    return catalogue_text(node_class.title) if node_class.title else node_class.type


def fuzzy_score(query: str, node_class: type[Node]) -> float:
    """How well a typed query matches a node type (0 = not at all). Substrings beat scattered
    letters; the title counts more than the description. Both the English and the shown
    (translated) title, category and description match, so either language finds a node."""
    query = query.strip().lower()
    if not query:
        return 1.0
    title = (node_class.title or node_class.type).lower()
    fields = [
        (title, 3.0),
        (node_title(node_class).lower(), 3.0),
        (node_class.type.lower(), 2.0),
        (node_class.category.lower(), 1.5),
        (catalogue_text(node_class.category).lower(), 1.5),
        (node_class.description.lower(), 1.0),
        (catalogue_text(node_class.description).lower(), 1.0),
    ]
    best = 0.0
    for text, weight in fields:
        if query in text:
            bonus = 2.0 if text.startswith(query) else 1.0
            best = max(best, weight * (2.0 + bonus))
            continue
        # Letters in order, not necessarily together ("llmch" finds "LLM Chat").
        position, gaps = 0, 0
        for char in query:
            found = text.find(char, position)
            if found < 0:
                break
            gaps += found - position
            position = found + 1
        else:
            best = max(best, weight / (1.0 + gaps * 0.2))
    return best


def ports_summary(node_class: type[Node]) -> str:
    """'in: prompt (messages) → out: text (text)' for tooltips."""
    try:
        config = node_class.Config()
        inputs, outputs = node_class.input_ports(config), node_class.output_ports(config)
    except Exception:
        inputs, outputs = list(node_class.inputs), list(node_class.outputs)
    from PySide6.QtCore import QCoreApplication

    from studio.gui.canvas.node_item import TYPE_WORDS

    def shown(port: Port) -> str:  # in the UI language: the name and what flows through it
        kind = QCoreApplication.translate("NodeItem", str(TYPE_WORDS.get(port.type.value, port.type.value)))
        return f"{catalogue_text(port.name)} ({kind})"

    ins = ", ".join(shown(p) for p in inputs) or "–"
    outs = ", ".join(shown(p) for p in outputs) or "–"
    head_in = QCoreApplication.translate("Palette", "in:")
    head_out = QCoreApplication.translate("Palette", "out:")
    return f"{head_in} {ins}\n{head_out} {outs}"


class _DragTree(QTreeWidget):
    def startDrag(self, actions: Qt.DropAction) -> None:
        item = self.currentItem()
        type_name = item.data(0, TYPE_ROLE) if item else None
        if not type_name:
            return
        mime = QMimeData()
        mime.setData(NODE_MIME, type_name.encode())
        drag = QDrag(self)
        drag.setMimeData(mime)
        drag.exec(Qt.DropAction.CopyAction)


class Palette(QWidget):
    """Every installed node type by category; drag one onto the canvas or double-click it."""

    nodeChosen = Signal(str)

    def __init__(self, registry: Registry, parent: QWidget | None = None):
        super().__init__(parent)
        self.registry = registry
        self.search = QLineEdit(self)
        self.search.setClearButtonEnabled(True)
        self.tree = _DragTree(self)
        self.tree.setHeaderHidden(True)
        self.tree.setDragEnabled(True)
        self.tree.setRootIsDecorated(True)
        self.tree.itemActivated.connect(self._activated)
        self.search.textChanged.connect(self._filter)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.search)
        layout.addWidget(self.tree)
        self.retranslate()

    def retranslate(self) -> None:
        """Re-read the labels and refill the tree (node titles and categories are translated)."""
        self.search.setPlaceholderText(self.tr("Search nodes…"))
        self.search.setToolTip(self.tr("Type to filter node types by name, category or description"))
        self.tree.setToolTip(self.tr("Drag a node onto the canvas, or double-click to add it"))
        self._fill()
        if self.search.text():
            self._filter(self.search.text())

    def _fill(self) -> None:
        self.tree.clear()
        categories: dict[str, QTreeWidgetItem] = {}
        for node_class in self.registry:
            parent = categories.get(node_class.category)
            if parent is None:
                parent = QTreeWidgetItem(self.tree, [catalogue_text(node_class.category)])
                parent.setFlags(Qt.ItemFlag.ItemIsEnabled)
                categories[node_class.category] = parent
            item = QTreeWidgetItem(parent, [node_title(node_class)])
            item.setData(0, TYPE_ROLE, node_class.type)
            description = catalogue_text(node_class.description)
            item.setToolTip(0, f"{description}\n{ports_summary(node_class)}\n{node_class.type}")
            flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsDragEnabled
            item.setFlags(flags)
        self.tree.expandAll()

    def _filter(self, text: str) -> None:
        for index in range(self.tree.topLevelItemCount()):
            category = self.tree.topLevelItem(index)
            if category is None:
                continue
            shown = 0
            for child_index in range(category.childCount()):
                child = category.child(child_index)
                if child is None:
                    continue
                node_class = self.registry.types[child.data(0, TYPE_ROLE)]
                hide = fuzzy_score(text, node_class) <= 0
                child.setHidden(hide)
                shown += not hide
            category.setHidden(shown == 0)

    def _activated(self, item: QTreeWidgetItem, _column: int) -> None:
        type_name = item.data(0, TYPE_ROLE)
        if type_name:
            self.nodeChosen.emit(type_name)


class QuickAdd(QDialog):
    """A popup list filtered as you type; Enter places the best match."""

    def __init__(
        self, registry: Registry, classes: Iterable[type[Node]] | None = None, parent: QWidget | None = None
    ):
        super().__init__(parent, Qt.WindowType.Popup)
        self.registry = registry
        self.classes = list(classes) if classes is not None else list(registry)
        self.chosen: str | None = None
        self.setWindowTitle(self.tr("Add node"))
        self.edit = QLineEdit(self)
        self.edit.setPlaceholderText(self.tr("Type to search, Enter to add"))
        self.list = QListWidget(self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.edit)
        layout.addWidget(self.list)
        self.resize(320, 360)
        self.edit.textChanged.connect(self.refilter)
        self.list.itemActivated.connect(self._take)
        self.edit.installEventFilter(self)
        self.refilter("")

    def refilter(self, text: str) -> None:
        """Show the matching node types, best first."""
        scored = [(fuzzy_score(text, c), c) for c in self.classes]
        scored = [pair for pair in scored if pair[0] > 0]
        scored.sort(key=lambda pair: (-pair[0], node_title(pair[1])))
        self.list.clear()
        for _score, node_class in scored:
            item = QListWidgetItem(f"{node_title(node_class)}  —  {catalogue_text(node_class.category)}")
            item.setData(TYPE_ROLE, node_class.type)
            item.setToolTip(f"{catalogue_text(node_class.description)}\n{ports_summary(node_class)}")
            self.list.addItem(item)
        if self.list.count():
            self.list.setCurrentRow(0)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.edit and isinstance(event, QKeyEvent) and event.type() == QKeyEvent.Type.KeyPress:
            if event.key() in (Qt.Key.Key_Down, Qt.Key.Key_Up):
                row = self.list.currentRow() + (1 if event.key() == Qt.Key.Key_Down else -1)
                self.list.setCurrentRow(max(0, min(row, self.list.count() - 1)))
                return True
            if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                item = self.list.currentItem()
                if item is not None:
                    self._take(item)
                return True
        return super().eventFilter(watched, event)

    def _take(self, item: QListWidgetItem) -> None:
        self.chosen = item.data(TYPE_ROLE)
        self.accept()

    def pick(self, at: QPoint) -> str | None:
        """Show at a screen position and return the chosen type (None if dismissed)."""
        self.move(at)
        self.edit.setFocus()
        self.exec()
        return self.chosen
