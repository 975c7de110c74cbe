"""The chat panel: talk to a flow that has a Chat Input. Each message runs the flow with the
conversation so far (and a session id for memory nodes); the reply streams in as it is written."""

from __future__ import annotations

from dataclasses import dataclass, field
from html import escape
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)


@dataclass
class ChatState:
    """One tab's conversation, kept while another tab's is shown (the chat belongs to its tab)."""

    history: list[dict[str, Any]] = field(default_factory=list)
    pending: str = ""
    waiting: bool = False
    session: str = "default"
    draft: str = ""
    error: str = ""

    def finish(self, reply: str | None, error: str) -> None:
        """A turn ended while the tab was not shown: the same outcome as ChatPanel.finished."""
        self.waiting, self.pending = False, ""
        if reply:
            self.history.append({"role": "assistant", "content": reply})
            self.error = ""
            return
        if self.history and self.history[-1]["role"] == "user":
            self.history.pop()
        self.error = error


class ChatPanel(QWidget):
    """Transcript, a session name and a message box. The window does the running."""

    sendRequested = Signal(str)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.history: list[dict[str, Any]] = []
        self.pending = ""  # the reply being streamed
        self.waiting = False
        self._error = ""  # the failed turn's message shown under the transcript
        self.session_label = QLabel(self)
        self.session = QLineEdit("default", self)
        self.clear_button = QPushButton(self)
        self.transcript = QTextBrowser(self)
        self.message = QLineEdit(self)
        self.send_button = QPushButton(self)
        top = QHBoxLayout()
        top.addWidget(self.session_label)
        top.addWidget(self.session, 1)
        top.addWidget(self.clear_button)
        bottom = QHBoxLayout()
        bottom.addWidget(self.message, 1)
        bottom.addWidget(self.send_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(top)
        layout.addWidget(self.transcript, 1)
        layout.addLayout(bottom)
        self.message.returnPressed.connect(self._send)
        self.send_button.clicked.connect(self._send)
        self.clear_button.clicked.connect(self.clear)
        self.retranslate()

    def retranslate(self) -> None:
        self.session_label.setText(self.tr("Session:"))
        self.session.setToolTip(self.tr("Memory nodes keep one conversation per session name"))
        self.clear_button.setText(self.tr("New chat"))
        self.clear_button.setToolTip(self.tr("Forget this conversation and start again"))
        self.message.setPlaceholderText(self.tr("Message the flow (it needs a Chat Input node)…"))
        self.send_button.setText(self.tr("Send"))
        self.send_button.setToolTip(self.tr("Run the flow with this message (Enter)"))
        self._render()

    def state(self) -> ChatState:
        """What the panel shows now, to keep for its tab."""
        return ChatState(
            list(self.history),
            self.pending,
            self.waiting,
            self.session.text(),
            self.message.text(),
            self._error,
        )

    def set_state(self, state: ChatState) -> None:
        """Show a tab's conversation (after a tab switch)."""
        self.history = list(state.history)
        self.pending, self.waiting = state.pending, state.waiting
        self.session.setText(state.session)
        self.message.setText(state.draft)
        self._render(state.error)

    def clear(self) -> None:
        self.history = []
        self.pending = ""
        self._render()

    def _send(self) -> None:
        text = self.message.text().strip()
        if text and not self.waiting:
            self.sendRequested.emit(text)

    def started(self, text: str) -> None:
        """The window accepted the message and started a run."""
        self.message.clear()
        self.waiting = True
        self.pending = ""
        self.history.append({"role": "user", "content": text})
        self._render()

    def stream(self, text: str) -> None:
        self.pending += text
        self._render()

    def finished(self, reply: str | None, error: str = "") -> None:
        """The run ended: keep the reply in the conversation (or show why there is none)."""
        self.waiting = False
        self.pending = ""
        if reply:
            self.history.append({"role": "assistant", "content": reply})
            self._render()
            return
        if self.history and self.history[-1]["role"] == "user":
            self.history.pop()  # a failed turn is not part of the conversation
        self._render(error or self.tr("(no reply)"))

    def _render(self, error: str = "") -> None:
        self._error = error
        parts = []
        for message in self.history:
            who = self.tr("You") if message["role"] == "user" else self.tr("Flow")
            body = escape(str(message["content"])).replace("\n", "<br>")
            parts.append(f"<p><b>{who}</b><br>{body}</p>")
        if self.waiting:
            parts.append(f"<p><b>{self.tr('Flow')}</b><br>{escape(self.pending) or '…'}</p>")
        if error:
            parts.append(f"<p style='color:#e53935'>{escape(error)}</p>")
        self.transcript.setHtml("".join(parts))
        bar = self.transcript.verticalScrollBar()
        bar.setValue(bar.maximum())
