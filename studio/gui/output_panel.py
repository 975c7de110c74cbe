"""The output panel: the selected node's result, shown the way its type reads best (text,
Markdown, a JSON tree, a documents table with scores and sources, a conversation)."""

from __future__ import annotations

import json
from html import escape
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
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

from studio.gui.error_text import DetailsDialog, details_button

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
        # What went wrong in the last run (one sentence, "Details…" for the technical text), and
        # a label over outputs that are not from the last run: a failed run never looks current.
        self.problem = QFrame(self)
        self.problem.setObjectName("runProblem")
        self.problem.setStyleSheet(
            "#runProblem { background: rgba(229, 57, 53, 0.12); border: 1px solid #e53935;"
            " border-radius: 4px; }"
        )
        self.problem_text = QLabel(self.problem)
        self.problem_text.setWordWrap(True)
        self.problem_text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.details_button = details_button(self.problem)
        self.details_button.clicked.connect(self.open_details)
        row = QHBoxLayout(self.problem)
        row.setContentsMargins(6, 4, 6, 4)
        row.addWidget(self.problem_text, 1)
        row.addWidget(self.details_button, 0, Qt.AlignmentFlag.AlignTop)
        self.problem.hide()
        self.stale_label = QLabel(self)
        self.stale_label.setStyleSheet("color: #9e9e9e; font-style: italic;")
        self.stale_label.hide()
        self.stale = False
        self.problem_details = ""
        self.details_dialog: DetailsDialog | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(top)
        layout.addWidget(self.problem)
        layout.addWidget(self.stale_label)
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
        self.details_button.setText(self.tr("Details…"))
        self.details_button.setToolTip(self.tr("Show the technical text of this error"))
        self.stale_label.setText(self.tr("From an earlier run: not the result of the last run"))

    def set_problem(self, sentence: str, details: str = "") -> None:
        """Show what went wrong above the output ("" hides it); Details… opens `details`."""
        self.problem_text.setText(sentence)
        self.problem_details = details
        self.details_button.setVisible(bool(details) and details != sentence)
        self.problem.setVisible(bool(sentence))

    def set_stale(self, stale: bool) -> None:
        """Mark what is shown as left over from an earlier run: greyed, with a label saying so."""
        self.stale = stale
        self.stale_label.setVisible(stale)
        grey = "color: #9e9e9e;" if stale else ""
        for widget in (self.text, self.markdown, self.tree, self.table, self.chat):
            widget.setStyleSheet(grey)

    def open_details(self) -> DetailsDialog:
        """Open the technical text of the problem shown (not modal: a run can go on)."""
        self.details_dialog = DetailsDialog(
            self.tr("Details"), self.problem_text.text(), self.problem_details, self.window()
        )
        self.details_dialog.show()
        return self.details_dialog

    def show_nothing(self) -> None:
        self.set_problem("")
        self.set_stale(False)
        self.outputs = {}
        self.title.setText(self.tr("Run the flow, then select a node to see its output."))
        self.port_choice.clear()
        self.text.clear()
        self.stack.setCurrentWidget(self.text)

    def show_node(
        self,
        title: str,
        status: str,
        outputs: dict[str, Any] | None,
        streamed: str = "",
        error: str = "",
        *,
        problem: str = "",
        details: str = "",
        stale: bool = False,
        port_names: dict[str, str] | None = None,
    ) -> None:
        """Show a node's state: its outputs when done, its streamed text while running. `problem`
        (with its technical `details`) says what went wrong; `stale` marks the outputs as from an
        earlier run. `port_names` gives the shown name of an output port (translated)."""
        heading = f"<b>{escape(title)}</b>"
        self.title.setText(f"{heading} — {escape(status)}" if status else heading)
        self.set_problem(problem, details)
        self.set_stale(stale and bool(outputs))
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
        previous = self.port_choice.currentData()
        self.outputs = dict(outputs)
        self.port_choice.blockSignals(True)
        self.port_choice.clear()
        for name in self.outputs:  # shown in the UI language where it is a node's own port
            self.port_choice.addItem((port_names or {}).get(name, name), name)
        if previous in self.outputs:
            self.port_choice.setCurrentIndex(list(self.outputs).index(previous))
        self.port_choice.blockSignals(False)
        self._show_port()

    def append_stream(self, text: str) -> None:
        """Add streamed tokens to the live view."""
        if self.stack.currentWidget() is self.text and not self.outputs:
            cursor = self.text.textCursor()
            cursor.movePosition(cursor.MoveOperation.End)
            cursor.insertText(text)

    def _show_port(self) -> None:
        name = self.port_choice.currentData()
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
