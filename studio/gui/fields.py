"""One editor widget per Config field, chosen from the field's JSON schema and its `ui` hints."""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QRegularExpression, Qt, Signal
from PySide6.QtGui import QColor, QSyntaxHighlighter, QTextCharFormat, QTextDocument
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFileDialog,
    QHBoxLayout,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QWidget,
)

ERROR_STYLE = "border: 1px solid #e53935; background: rgba(229,57,53,0.08);"
_SECRET_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


@dataclass
class FieldInfo:
    """What the form needs to know about one setting, read from the JSON schema."""

    name: str
    title: str
    description: str = ""
    kind: str = "string"  # string, text, template, integer, number, boolean, choice, json, model,
    # secret, file, folder
    nullable: bool = False
    minimum: float | None = None
    maximum: float | None = None
    choices: list[Any] = field(default_factory=list)
    advanced: bool = False
    secret_ref: bool = False  # the value is {"secret": NAME} rather than a bare name
    default: Any = None


def _resolve(schema: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    ref = node.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/$defs/"):
        return dict(schema.get("$defs", {}).get(ref.split("/")[-1], {}))
    return node


def field_infos(schema: dict[str, Any]) -> list[FieldInfo]:
    """Describe every property of a Config schema, in declaration order."""
    infos = []
    for name, raw in schema.get("properties", {}).items():
        # A field's own title, never the title of the model it refers to ("SecretRef").
        title = raw.get("title") or name.replace("_", " ").capitalize()
        prop = _resolve(schema, raw)
        nullable = False
        options = prop.get("anyOf")
        if options:
            rest = [_resolve(schema, o) for o in options if o.get("type") != "null"]
            nullable = len(rest) < len(options)
            merged = dict(rest[0]) if len(rest) == 1 else {"type": "json"}
            merged.update({k: v for k, v in prop.items() if k != "anyOf"})
            prop = merged
        ui = prop.get("ui", {}) or {}
        info = FieldInfo(
            name=name,
            title=title,
            description=prop.get("description", ""),
            nullable=nullable,
            advanced=bool(ui.get("advanced")),
            default=prop.get("default"),
        )
        kind = prop.get("type", "json")
        info.minimum = prop.get("minimum", prop.get("exclusiveMinimum"))
        info.maximum = prop.get("maximum", prop.get("exclusiveMaximum"))
        if ui.get("secret"):
            info.kind = "secret"
            info.secret_ref = kind == "object" or "secret" in prop.get("properties", {})
        elif ui.get("choices") or prop.get("enum"):
            info.kind = "choice"
            info.choices = list(ui.get("choices") or prop.get("enum") or [])
        elif ui.get("widget") in ("model", "file", "folder", "json", "knowledge_base"):
            info.kind = ui["widget"]
        elif ui.get("widget") in ("template", "code") or (kind == "string" and ui.get("multiline")):
            info.kind = "template" if ui.get("widget") == "template" else "text"
        elif kind in ("string", "integer", "number", "boolean"):
            info.kind = kind
        else:
            info.kind = "json"
        infos.append(info)
    return infos


class TemplateHighlighter(QSyntaxHighlighter):
    """Colours {{variables}} and {% tags %} in prompt templates."""

    def __init__(self, document: QTextDocument):
        super().__init__(document)
        self._variable = QTextCharFormat()
        self._variable.setForeground(QColor("#6a1b9a"))
        self._variable.setFontWeight(700)
        self._pattern = QRegularExpression(r"\{\{[^}]*\}\}|\{%[^%]*%\}")

    def highlightBlock(self, text: str) -> None:
        matches = self._pattern.globalMatch(text)
        while matches.hasNext():
            match = matches.next()
            self.setFormat(match.capturedStart(), match.capturedLength(), self._variable)


def known_models() -> list[str]:
    """Models to offer: local ones found on disk, and API examples for providers with a key set."""
    models: list[str] = []
    try:
        from studio.runtime.llm.local import list_local_models

        models.extend(list_local_models())
    except Exception:  # the runtime is optional for editing
        models.append("local/smollm2-135m-instruct")
    providers = {
        "OPENAI_API_KEY": ["openai/gpt-4o-mini", "openai/gpt-4o"],
        "ANTHROPIC_API_KEY": ["anthropic/claude-3-5-haiku-latest"],
        "GEMINI_API_KEY": ["gemini/gemini-1.5-flash"],
        "OPENROUTER_API_KEY": ["openrouter/openai/gpt-4o-mini"],
    }
    for variable, names in providers.items():
        if os.environ.get(variable):
            models.extend(names)
    return models


def known_secret_names() -> list[str]:
    """Secret names to offer (names only, never values): API-key variables of this environment
    and the names saved through Settings."""
    names = {n for n in os.environ if n.endswith(("_API_KEY", "_TOKEN"))}
    names.update(["OPENAI_API_KEY", "ANTHROPIC_API_KEY", "GEMINI_API_KEY", "OPENROUTER_API_KEY"])
    try:
        from studio.gui.settings_store import stored_secret_names

        names.update(stored_secret_names())
    except Exception:
        pass
    return sorted(names)


class FieldEditor(QWidget):
    """An editor for one setting; emits `edited(value)` when the user changes it."""

    edited = Signal(object)

    def __init__(self, info: FieldInfo, parent: QWidget | None = None):
        super().__init__(parent)
        self.info = info
        self.json_error: str | None = None
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.main = self._build(info)
        layout.addWidget(self.main, 1)
        if info.kind in ("file", "folder"):
            browse = QPushButton(self.tr("Browse…"), self)
            browse.setToolTip(self.tr("Choose a file") if info.kind == "file" else self.tr("Choose a folder"))
            browse.clicked.connect(self._browse)
            layout.addWidget(browse)
        if info.kind == "knowledge_base":  # "does not exist yet" beside the box
            layout.addWidget(self.kb_hint)
        tip = info.description or info.title
        self.main.setToolTip(tip)

    # -- construction ---------------------------------------------------------------------------

    def _build(self, info: FieldInfo) -> QWidget:
        kind = info.kind
        if kind == "boolean":
            box = QCheckBox(self)
            box.toggled.connect(lambda on: self.edited.emit(bool(on)))
            return box
        if kind == "integer":
            spin = QSpinBox(self)
            low = int(info.minimum) if info.minimum is not None else -1_000_000_000
            high = int(info.maximum) if info.maximum is not None else 1_000_000_000
            if info.nullable:  # one step below the minimum stands for "empty"
                low -= 1
                spin.setSpecialValueText(self.tr("(empty)"))
            spin.setRange(low, high)
            spin.valueChanged.connect(lambda _v: self.edited.emit(self.value()))
            return spin
        if kind == "number":
            number = QDoubleSpinBox(self)
            number.setDecimals(3)
            number.setSingleStep(0.1)
            bottom = float(info.minimum) if info.minimum is not None else -1e12
            top = float(info.maximum) if info.maximum is not None else 1e12
            if info.nullable:
                bottom -= 0.001
                number.setSpecialValueText(self.tr("(empty)"))
            number.setRange(bottom, top)
            number.valueChanged.connect(lambda _v: self.edited.emit(self.value()))
            return number
        if kind == "knowledge_base":
            from studio.gui.kb_field import KnowledgeBaseCombo

            kb_box = KnowledgeBaseCombo(self)
            self.kb_hint = kb_box.hint
            kb_box.editTextChanged.connect(lambda _t: self.edited.emit(self.value()))
            return kb_box
        if kind == "model":  # grouped by provider, with local servers found in the background
            from studio.gui.model_picker import ModelPicker

            picker = ModelPicker(self)
            picker.modelChosen.connect(lambda _m: self.edited.emit(self.value()))
            return picker
        if kind in ("choice", "model", "secret"):
            combo = QComboBox(self)
            if kind == "choice":
                if info.nullable:
                    combo.addItem(self.tr("(none)"), None)
                for choice in info.choices:
                    combo.addItem(str(choice), choice)
                combo.currentIndexChanged.connect(lambda _i: self.edited.emit(self.value()))
            else:
                combo.setEditable(True)
                combo.addItems(known_models() if kind == "model" else ["", *known_secret_names()])
                combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
                combo.editTextChanged.connect(lambda _t: self.edited.emit(self.value()))
            return combo
        if kind in ("text", "template", "json"):
            if kind == "template":
                from studio.gui.template_edit import TemplateEdit

                edit: QPlainTextEdit = TemplateEdit(self)
            else:
                edit = QPlainTextEdit(self)
            edit.setTabChangesFocus(True)
            edit.setMinimumHeight(70 if kind != "template" else 110)
            edit.setMaximumHeight(130 if kind != "template" else 260)
            if kind == "template":
                self._highlighter = TemplateHighlighter(edit.document())
            edit.textChanged.connect(self._text_changed)
            return edit
        line = QLineEdit(self)
        if info.nullable:
            line.setPlaceholderText(self.tr("(empty)"))
        line.textChanged.connect(lambda _t: self.edited.emit(self.value()))
        return line

    def _text_changed(self) -> None:
        value = self.value()
        if self.info.kind == "json" and self.json_error:
            self.set_error(self.tr("Not valid JSON: %s") % self.json_error)
            return  # keep the last good value in the flow; the field shows what is wrong
        self.edited.emit(value)

    def _browse(self) -> None:
        current = self.value() or ""
        if self.info.kind == "file":
            path, _ = QFileDialog.getOpenFileName(self, self.info.title, current)
        else:
            path = QFileDialog.getExistingDirectory(self, self.info.title, current)
        if path:
            self.set_value(path)
            self.edited.emit(path)

    # -- value in and out -----------------------------------------------------------------------

    def value(self) -> Any:
        """The setting as it goes into the flow file."""
        kind, widget = self.info.kind, self.main
        if isinstance(widget, QCheckBox):
            return widget.isChecked()
        if isinstance(widget, QSpinBox | QDoubleSpinBox):
            if self.info.nullable and widget.value() == widget.minimum():
                return None
            return widget.value()
        if isinstance(widget, QComboBox):
            if kind == "choice":
                return widget.currentData()
            text = widget.currentText().strip()
            if kind == "secret":
                if not text:
                    return None
                return {"secret": text} if self.info.secret_ref else text
            return text if text or not self.info.nullable else None
        if isinstance(widget, QPlainTextEdit):
            text = widget.toPlainText()
            if kind == "json":
                self.json_error = None
                if not text.strip():
                    return None
                try:
                    return json.loads(text)
                except json.JSONDecodeError as error:
                    self.json_error = f"{error.msg} (line {error.lineno}, column {error.colno})"
                    return None
            return text
        assert isinstance(widget, QLineEdit)
        text = widget.text()
        return None if self.info.nullable and not text else text

    def set_value(self, value: Any) -> None:
        """Show a value without emitting `edited`."""
        widget = self.main
        widget.blockSignals(True)
        try:
            if isinstance(widget, QCheckBox):
                widget.setChecked(bool(value))
            elif isinstance(widget, QSpinBox):
                widget.setValue(widget.minimum() if value is None else int(value))
            elif isinstance(widget, QDoubleSpinBox):
                widget.setValue(widget.minimum() if value is None else float(value))
            elif isinstance(widget, QComboBox):
                if self.info.kind == "choice":
                    index = widget.findData(value)
                    widget.setCurrentIndex(max(index, 0))
                else:
                    if isinstance(value, dict):
                        value = value.get("secret", "")
                    widget.setEditText("" if value is None else str(value))
            elif isinstance(widget, QPlainTextEdit):
                if self.info.kind == "json":
                    text = "" if value is None else json.dumps(value, indent=2, ensure_ascii=False)
                else:
                    text = "" if value is None else str(value)
                if widget.toPlainText() != text:
                    widget.setPlainText(text)
            elif isinstance(widget, QLineEdit) and widget.text() != ("" if value is None else str(value)):
                widget.setText("" if value is None else str(value))
        finally:
            widget.blockSignals(False)

    def set_error(self, message: str | None) -> None:
        """Mark the field invalid (red outline and the reason as tooltip) or clear the mark."""
        self.main.setStyleSheet(ERROR_STYLE if message else "")
        self.main.setToolTip(message or self.info.description or self.info.title)
        self.setProperty("error", message or "")


def valid_secret_name(name: str) -> bool:
    return bool(_SECRET_NAME.match(name))


def editor_alignment() -> Qt.AlignmentFlag:
    return Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop
