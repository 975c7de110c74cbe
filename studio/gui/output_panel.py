"""The output panel: the selected node's result, shown the way its type reads best (text,
Markdown, a JSON tree, a documents table with scores and sources, a conversation)."""

from __future__ import annotations

import json
from typing import Any

from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QTextBrowser,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

MAX_TREE_ITEMS = 2000


def looks_like_documents(value: Any) -> bool:
    return (
        isinstance(value, list)
        and bool(value)
        and all(isinstance(v, dict) and "text" in v for v in value[:20])
    )


def looks_like_messages(value: Any) -> bool:
    return (
        isinstance(value, list)
        and bool(value)
        and all(isinstance(v, dict) and "role" in v and "content" in v for v in value[:20])
    )


def fill_json_tree(tree: QTreeWidget, value: Any) -> None:
    """Show any JSON value as an expandable tree (bounded, so a huge value cannot freeze the UI)."""
    tree.clear()
    budget = [MAX_TREE_ITEMS]

    def add(parent: QTreeWidgetItem | QTreeWidget, key: str, item: Any) -> None:
        if budget[0] <= 0:
            return
        budget[0] -= 1
        if isinstance(item, dict):
            node = QTreeWidgetItem(parent, [key, f"{{{len(item)}}}"])
            for k, v in item.items():
                add(node, str(k), v)
        elif isinstance(item, list):
            node = QTreeWidgetItem(parent, [key, f"[{len(item)}]"])
            for i, v in enumerate(item):
                add(node, str(i), v)
        else:
            QTreeWidgetItem(parent, [key, json.dumps(item, ensure_ascii=False)])

    add(tree, "value", value)
    tree.expandToDepth(1)


class OutputPanel(QWidget):
    """Outputs of one node, port by port, plus live streamed text and errors."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.title = QLabel(self)
        self.port_choice = QComboBox(self)
        self.view_choice = QComboBox(self)
        self.stack = QStackedWidget(self)
        self.text = QPlainTextEdit(self)
        self.text.setReadOnly(True)
        self.markdown = QTextBrowser(self)
        self.tree = QTreeWidget(self)
        self.tree.setColumnCount(2)
        self.table = QTableWidget(self)
        self.table.setColumnCount(3)
        self.chat = QTextBrowser(self)
        for widget in (self.text, self.markdown, self.tree, self.table, self.chat):
            self.stack.addWidget(widget)
        top = QHBoxLayout()
        top.addWidget(self.title, 1)
        top.addWidget(self.port_choice)
        top.addWidget(self.view_choice)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(top)
        layout.addWidget(self.stack, 1)
        self.outputs: dict[str, Any] = {}
        self.port_choice.currentIndexChanged.connect(self._show_port)
        self.view_choice.currentIndexChanged.connect(self._show_port)
        self.retranslate()
        self.show_nothing()

    def retranslate(self) -> None:
        self.tree.setHeaderLabels([self.tr("Key"), self.tr("Value")])
        self.table.setHorizontalHeaderLabels([self.tr("Score"), self.tr("Source"), self.tr("Text")])
        self.port_choice.setToolTip(self.tr("Which output of the node to show"))
        self.view_choice.setToolTip(self.tr("How to show it"))
        current = self.view_choice.currentIndex()
        self.view_choice.blockSignals(True)
        self.view_choice.clear()
        for label in (self.tr("Auto"), self.tr("Text"), self.tr("Markdown"), self.tr("JSON tree")):
            self.view_choice.addItem(label)
        self.view_choice.setCurrentIndex(max(current, 0))
        self.view_choice.blockSignals(False)

    def show_nothing(self) -> None:
        self.outputs = {}
        self.title.setText(self.tr("Run the flow, then select a node to see its output."))
        self.port_choice.clear()
        self.text.clear()
        self.stack.setCurrentWidget(self.text)

    def show_node(
        self, title: str, status: str, outputs: dict[str, Any] | None, streamed: str = "", error: str = ""
    ) -> None:
        """Show a node's state: its outputs when done, its streamed text while running."""
        self.title.setText(f"<b>{title}</b> — {status}" if status else f"<b>{title}</b>")
        if error:
            self.outputs = {}
            self.port_choice.clear()
            self.text.setPlainText(error)
            self.stack.setCurrentWidget(self.text)
            return
        if not outputs:
            self.outputs = {}
            self.port_choice.clear()
            self.text.setPlainText(streamed or self.tr("(no output yet)"))
            self.stack.setCurrentWidget(self.text)
            return
        previous = self.port_choice.currentText()
        self.outputs = dict(outputs)
        self.port_choice.blockSignals(True)
        self.port_choice.clear()
        self.port_choice.addItems(list(self.outputs))
        if previous in self.outputs:
            self.port_choice.setCurrentText(previous)
        self.port_choice.blockSignals(False)
        self._show_port()

    def append_stream(self, text: str) -> None:
        """Add streamed tokens to the live view."""
        if self.stack.currentWidget() is self.text and not self.outputs:
            cursor = self.text.textCursor()
            cursor.movePosition(cursor.MoveOperation.End)
            cursor.insertText(text)

    def _show_port(self) -> None:
        name = self.port_choice.currentText()
        if name not in self.outputs:
            return
        value = self.outputs[name]
        mode = self.view_choice.currentIndex()  # 0 auto, 1 text, 2 markdown, 3 tree
        if mode == 0:
            if looks_like_documents(value):
                self._documents(value)
                return
            if looks_like_messages(value):
                self._messages(value)
                return
            mode = 1 if isinstance(value, str | int | float | bool) or value is None else 3
        if mode == 3:
            fill_json_tree(self.tree, value)
            self.stack.setCurrentWidget(self.tree)
        elif mode == 2:
            self.markdown.setMarkdown(value if isinstance(value, str) else json.dumps(value, indent=2))
            self.stack.setCurrentWidget(self.markdown)
        else:
            text = value if isinstance(value, str) else json.dumps(value, indent=2, ensure_ascii=False)
            self.text.setPlainText(text)
            self.stack.setCurrentWidget(self.text)

    def _documents(self, documents: list[dict[str, Any]]) -> None:
        self.table.setRowCount(len(documents))
        for row, document in enumerate(documents):
            score = document.get("score")
            source = (document.get("metadata") or {}).get("source", "")
            cells = ["" if score is None else f"{score:.3f}", str(source), str(document.get("text", ""))]
            for column, cell in enumerate(cells):
                self.table.setItem(row, column, QTableWidgetItem(cell))
        self.table.resizeColumnsToContents()
        self.stack.setCurrentWidget(self.table)

    def _messages(self, messages: list[dict[str, Any]]) -> None:
        from html import escape

        parts = []
        for message in messages:
            role = escape(str(message.get("role", "")))
            content = escape(str(message.get("content", ""))).replace("\n", "<br>")
            parts.append(f"<p><b>{role}</b><br>{content}</p>")
        self.chat.setHtml("".join(parts))
        self.stack.setCurrentWidget(self.chat)
