"""The Human Input panel: a run that waits for a person shows its questions here; Continue resumes it.

The panel hears the run's events (`on_event`: NodeWaiting carries each question) and its end
(`on_finished`: a "waiting" run shows the panel). Continue hands the answers to `resume`, the
window's way to continue the run from its checkpoint (`resume_in` below, on the window's
RunControl). A question with a time limit counts down and continues with its default.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QEvent, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDockWidget,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

Resume = Callable[[str, dict[str, Any]], bool]


class HumanPanel(QDockWidget):
    """Pending questions of a waiting run, an answer box (or choices) each, and Continue."""

    answered = Signal(str, object)  # run id, answers by node id (after Continue started the resume)

    def __init__(self, parent: QWidget | None = None, *, resume: Resume | None = None):
        super().__init__(self.tr("Human Input"), parent)
        self.setObjectName("human_panel")
        self.resume = resume
        # How a node is named to the person: its title on the canvas (the window sets this).
        self.title_of: Callable[[str], str | None] = lambda _node_id: None
        self.run_id: str | None = None
        self.questions: dict[str, dict[str, Any]] = {}
        self._pending: dict[str, dict[str, Any]] = {}  # questions of the run going now
        self.answers: dict[str, QComboBox | QLineEdit] = {}
        self.countdowns: dict[str, QLabel] = {}
        body = QWidget(self)
        layout = QVBoxLayout(body)
        self.header = QLabel(self.tr("No run is waiting for an answer."), body)
        self.header.setWordWrap(True)
        layout.addWidget(self.header)
        self.rows = QVBoxLayout()  # holds the current form: replaced whole, never emptied in place
        layout.addLayout(self.rows)
        self.form_host = QWidget(body)
        self.form = QFormLayout(self.form_host)
        self.rows.addWidget(self.form_host)
        self.message = QLabel(body)
        self.message.setWordWrap(True)
        layout.addWidget(self.message)
        self.continue_button = QPushButton(self.tr("Continue"), body)
        self.continue_button.setToolTip(self.tr("Continue the run with these answers"))
        self.continue_button.setEnabled(False)
        self.continue_button.clicked.connect(self.submit)
        layout.addWidget(self.continue_button)
        layout.addStretch(1)
        self.setWidget(body)
        self.timer = QTimer(self)
        self.timer.setInterval(250)
        self.timer.timeout.connect(self._tick)

    def changeEvent(self, event: QEvent) -> None:
        """Switching the language retranslates the fixed texts at once."""
        if event.type() == QEvent.Type.LanguageChange:
            self.setWindowTitle(self.tr("Human Input"))
            self.continue_button.setText(self.tr("Continue"))
            self.continue_button.setToolTip(self.tr("Continue the run with these answers"))
            if self.run_id is None:
                self.header.setText(self.tr("No run is waiting for an answer."))
        super().changeEvent(event)

    # -- what the run says ------------------------------------------------------------------

    def on_event(self, event: object) -> None:
        """Collect the questions of the run as it pauses (NodeWaiting events)."""
        if getattr(event, "kind", "") == "run_started":
            self._pending = {}
        elif getattr(event, "kind", "") == "node_waiting":
            self._pending[event.node_id] = dict(event.question)  # type: ignore[attr-defined]

    def on_finished(self, result: object) -> None:
        """A run ended: show its questions when it waits for answers, else clear the panel."""
        if getattr(result, "status", None) == "waiting":
            self.show_questions(str(getattr(result, "run_id", "")), self._pending)
        else:
            self.clear()

    # -- the form -------------------------------------------------------------------------

    def clear(self) -> None:
        """No run is waiting."""
        self.timer.stop()
        self.run_id, self.questions = None, {}
        self.answers.clear()
        self.countdowns.clear()
        # Deleted later, not now: Enter in an answer box clears the panel from inside its signal.
        self.form_host.hide()
        self.form_host.deleteLater()
        self.form_host = QWidget(self.widget())
        self.form = QFormLayout(self.form_host)
        self.rows.addWidget(self.form_host)
        self.header.setText(self.tr("No run is waiting for an answer."))
        self.message.clear()
        self.continue_button.setEnabled(False)

    def show_questions(self, run_id: str, questions: dict[str, dict[str, Any]]) -> None:
        """Show a waiting run's questions (each with its choices or a text box) and raise the panel."""
        self.clear()
        self.run_id, self.questions = run_id, dict(questions)
        self.header.setText(self.tr("The run is waiting for your answer."))
        for node_id, question in sorted(self.questions.items()):
            self._add_question(node_id, question)
        self.continue_button.setEnabled(bool(self.questions))
        if any(q.get("timeout_s") for q in self.questions.values()):
            self.timer.start()
            self._tick()
        self.show()
        self.raise_()

    def _add_question(self, node_id: str, question: dict[str, Any]) -> None:
        host = self.form_host
        approval = question.get("kind") == "approval"
        label = self.title_of(node_id) or str(question.get("node_label") or node_id)
        text = QLabel(f"<b>{_html(label)}</b><br>{_html(self._question_text(question))}", host)
        text.setWordWrap(True)
        text.setTextFormat(Qt.TextFormat.RichText)
        self.form.addRow(text)
        if approval:
            arguments = QPlainTextEdit(
                json.dumps(question.get("arguments"), ensure_ascii=False, indent=2), host
            )
            arguments.setReadOnly(True)
            arguments.setMaximumHeight(90)
            self.form.addRow(self.tr("Arguments"), arguments)
        choices = [str(choice) for choice in question.get("choices") or []]
        box: QComboBox | QLineEdit
        if choices:
            box = QComboBox(host)
            for choice in choices:
                box.addItem(self._choice_text(choice) if approval else choice, choice)
        else:
            box = QLineEdit(host)
            box.setPlaceholderText(self.tr("Your answer"))
            box.returnPressed.connect(self.submit)
        box.setObjectName(f"answer:{node_id}")
        self.answers[node_id] = box
        self.form.addRow(self.tr("Answer"), box)
        if question.get("timeout_s"):
            countdown = QLabel(host)
            self.countdowns[node_id] = countdown
            self.form.addRow(countdown)

    def _question_text(self, question: dict[str, Any]) -> str:
        if question.get("kind") == "approval":
            return self.tr("Allow the call to tool %s?") % str(question.get("tool", ""))
        return str(question.get("text") or "")

    def _choice_text(self, choice: str) -> str:
        names = {"approve": self.tr("Approve"), "deny": self.tr("Deny")}
        return names.get(choice, choice)

    def _left(self, question: dict[str, Any]) -> float:
        deadline = float(question.get("asked_at") or 0) + float(question.get("timeout_s") or 0)
        return deadline - time.time()

    def _tick(self) -> None:
        """Count down; when every timed question ran out, continue (their defaults apply)."""
        expired = True
        for node_id, label in self.countdowns.items():
            question = self.questions[node_id]
            left = self._left(question)
            default = str(question.get("default") or "")
            if left > 0:
                expired = False
                label.setText(self.tr("No answer in %d s: continues with “%s”") % (int(left) + 1, default))
            else:
                label.setText(self.tr("Time is up: continues with “%s”") % default)
        if self.countdowns and expired:
            self.timer.stop()
            self.submit(timed_out=True)

    # -- continuing -----------------------------------------------------------------------

    def collected(self, *, timed_out: bool = False) -> dict[str, Any] | None:
        """The answers (None, with a message, when a question is still unanswered)."""
        answers: dict[str, Any] = {}
        for node_id, box in self.answers.items():
            value = box.currentData() if isinstance(box, QComboBox) else box.text()
            expired = self.questions[node_id].get("timeout_s") and self._left(self.questions[node_id]) <= 0
            if timed_out and expired:
                continue  # the engine gives a question that ran out its default
            if isinstance(box, QLineEdit) and not value.strip():
                self.message.setText(self.tr("Answer every question first."))
                box.setFocus()
                return None
            answers[node_id] = value
        return answers

    def submit(self, timed_out: bool = False) -> bool:
        """Continue the run with the answers (Continue, Enter in an answer box, a time limit)."""
        if self.run_id is None or self.resume is None:
            return False
        answers = self.collected(timed_out=bool(timed_out))
        if answers is None:
            return False
        run_id = self.run_id
        if not self.resume(run_id, answers):
            self.message.setText(self.tr("The run could not continue: another run is going."))
            return False
        self.clear()
        self.header.setText(self.tr("Continuing the run…"))
        self.answered.emit(run_id, answers)
        return True


def _html(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\n", "<br>")


def resume_in(control: Any, run_id: str, answers: dict[str, Any]) -> bool:
    """Continue a waiting run on the window's RunControl, in its worker thread (not the GUI's)."""
    tab = control.run_tab
    if tab is None or control.runner.running:
        return False
    control.runner.start(
        tab.doc.flow,
        {},
        registry=tab.doc.registry,
        base_dir=tab.doc.base_dir,
        flow_path=str(tab.doc.path) if tab.doc.path else None,
        resume=(run_id, answers),
    )
    control.runningChanged.emit(True)
    return True
