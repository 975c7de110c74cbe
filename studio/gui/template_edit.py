"""The prompt-template editor: `{{variable}}` highlighting and completion of the names the flow
can supply (the node's ports, the flow's inputs and variables)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from PySide6.QtCore import QStringListModel, Qt
from PySide6.QtGui import QKeyEvent, QTextCursor
from PySide6.QtWidgets import QAbstractItemView, QCompleter, QPlainTextEdit, QWidget

if TYPE_CHECKING:
    from studio.gui.document import FlowDocument

# An open `{{` with a (possibly empty) name being typed right before the cursor.
_OPEN = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_.]*)?$")


def template_names(doc: FlowDocument, node_id: str) -> list[str]:
    """Names a template of this node could use: its current input ports, the flow's declared
    inputs and variables, and the names of its input nodes; sorted, without duplicates."""
    names: set[str] = set()
    if doc.has_node(node_id):
        inputs, _outputs = doc.ports(node_id)
        names.update(p.name for p in inputs)
    names.update(p.name for p in doc.flow.inputs)
    names.update(v.name for v in doc.flow.variables)
    for node in doc.flow.nodes:
        node_class = doc.registry.types.get(node.type)
        if node_class is not None and node_class.interface == "input":
            name = node.config.get("name")
            if isinstance(name, str) and name:
                names.add(name)
    return sorted(names)


class TemplateEdit(QPlainTextEdit):
    """A QPlainTextEdit that offers variable names after `{{`; Enter or Tab picks one."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self._model = QStringListModel(self)
        self.completer = QCompleter(self._model, self)
        self.completer.setWidget(self)
        self.completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.completer.activated.connect(self.insert_completion)

    def _popup(self) -> QAbstractItemView:
        popup = self.completer.popup()
        # QCompleter makes its list view on first request and never drops it while it lives.
        assert popup is not None
        return popup

    def set_names(self, names: list[str]) -> None:
        """The names to offer."""
        if names != self._model.stringList():
            self._model.setStringList(names)

    def names(self) -> list[str]:
        return self._model.stringList()

    def _typed_prefix(self) -> str | None:
        """The partial name after an unclosed `{{` at the cursor, or None when not in one."""
        cursor = self.textCursor()
        line = cursor.block().text()[: cursor.positionInBlock()]
        match = _OPEN.search(line)
        return None if match is None else (match.group(1) or "")

    def insert_completion(self, name: str) -> None:
        """Replace the partial name with `name` and close the braces if they are not yet."""
        prefix = self._typed_prefix()
        if prefix is None:
            return
        cursor = self.textCursor()
        cursor.movePosition(QTextCursor.MoveOperation.Left, QTextCursor.MoveMode.KeepAnchor, len(prefix))
        after = cursor.block().text()[cursor.positionInBlock() + len(prefix) :]
        closing = "" if after.lstrip().startswith("}}") else " }}"
        line_before = cursor.block().text()[: cursor.positionInBlock()]
        space = "" if line_before.endswith(" ") else " "
        cursor.insertText(space + name + closing)
        self.setTextCursor(cursor)
        self._popup().hide()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        popup = self._popup()
        if popup.isVisible() and event.key() in (
            Qt.Key.Key_Return,
            Qt.Key.Key_Enter,
            Qt.Key.Key_Tab,
            Qt.Key.Key_Escape,
            Qt.Key.Key_Backtab,
        ):
            event.ignore()  # the completer's popup handles these
            return
        super().keyPressEvent(event)
        self.update_completion()

    def update_completion(self) -> None:
        """Show, filter or hide the popup for what is typed at the cursor."""
        prefix = self._typed_prefix()
        if prefix is None or not self.names():
            self._popup().hide()
            return
        self.completer.setCompletionPrefix(prefix)
        if self.completer.completionCount() == 0:
            self._popup().hide()
            return
        rect = self.cursorRect()
        rect.setWidth(max(180, self._popup().sizeHintForColumn(0) + 24))
        self.completer.complete(rect)
        self._popup().setCurrentIndex(self.completer.completionModel().index(0, 0))
