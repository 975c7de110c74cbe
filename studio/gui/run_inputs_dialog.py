"""The run input dialog F5 opens: one box per flow input, filled with the values of the last run
(or the input's default), and a "Don't ask again for this flow" box remembered per flow."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from studio.gui import settings_store


@dataclass
class FlowInput:
    """One input of a flow as the dialog asks for it."""

    name: str
    value: str  # prefilled: the last run's value, else the input's default
    required: bool = False
    description: str = ""


def dont_ask_key(flow_id: str) -> str:
    return f"run_inputs_dont_ask/{flow_id}"


def dont_ask(flow_id: str) -> bool:
    """Whether the user asked not to be asked for this flow's inputs again."""
    return settings_store.get(dont_ask_key(flow_id), "") == "1"


def set_dont_ask(flow_id: str, on: bool) -> None:
    settings_store.put(dont_ask_key(flow_id), "1" if on else "")


def as_text(value: Any) -> str:
    """A remembered value as the text to prefill (non-text values as JSON)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    import json

    return json.dumps(value, ensure_ascii=False)


class RunInputsDialog(QDialog):
    """Ask for the flow's inputs; `values()` after it is accepted."""

    def __init__(self, flow_name: str, inputs: list[FlowInput], parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("runInputsDialog")
        self.setWindowTitle(self.tr("Run “%s”") % flow_name)
        self.boxes: dict[str, QPlainTextEdit] = {}
        self._required = {item.name for item in inputs if item.required}
        form = QFormLayout()
        for item in inputs:
            box = QPlainTextEdit(item.value, self)
            box.setObjectName(f"input_{item.name}")
            box.setTabChangesFocus(True)  # Tab moves on to the next box, as in any form
            box.setFixedHeight(64)
            if item.description:
                box.setToolTip(item.description)
            label = item.name + (" *" if item.required else "")
            form.addRow(label, box)
            self.boxes[item.name] = box
        self.problem = QLabel(self)
        self.problem.setStyleSheet("color: #e53935;")
        self.problem.hide()
        self.dont_ask = QCheckBox(self.tr("Don't ask again for this flow"), self)
        self.dont_ask.setToolTip(
            self.tr("F5 runs with these values from now on; Run ▸ Run with Inputs… (Alt+F5) asks again")
        )
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        run_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        run_button.setText(self.tr("Run"))
        self.buttons.accepted.connect(self._accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(self.tr("Values for this run (the last run's are filled in):"), self))
        layout.addLayout(form)
        layout.addWidget(self.problem)
        layout.addWidget(self.dont_ask)
        layout.addWidget(self.buttons)
        if self.boxes:
            first = next(iter(self.boxes.values()))
            first.setFocus()
            first.selectAll()
        self.resize(480, min(160 + 80 * len(inputs), 640))

    def values(self) -> dict[str, str]:
        """The values typed, by input name."""
        return {name: box.toPlainText() for name, box in self.boxes.items()}

    def _accept(self) -> None:
        empty = [name for name in self._required if not self.boxes[name].toPlainText().strip()]
        if empty:
            self.problem.setText(self.tr("Fill in the required input “%s”.") % sorted(empty)[0])
            self.problem.show()
            self.boxes[sorted(empty)[0]].setFocus()
            return
        self.accept()
