"""The inspector: the selected node's settings as a form generated from its Config schema.

Every change goes to the document as an undoable SetConfig; invalid values are kept (so typing is
never lost) and marked inline with the reason, and `problems()` tells the window to block Run.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFormLayout,
    QLabel,
    QScrollArea,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from studio.gui.document import FlowDocument
from studio.gui.fields import FieldEditor, FieldInfo, field_infos, valid_secret_name
from studio.gui.i18n import catalogue_text


def config_problems(node_class: Any, config: dict[str, Any]) -> dict[str, str]:
    """Problems with a node's settings by field name ("" for the node as a whole)."""
    problems: dict[str, str] = {}
    try:
        parsed = node_class.Config.model_validate(config)
    except Exception as error:
        errors = getattr(error, "errors", None)
        for item in errors() if callable(errors) else []:
            where = str(item["loc"][0]) if item.get("loc") else ""
            problems.setdefault(where, item["msg"].removeprefix("Value error, "))
        if not problems:
            problems[""] = str(error)
        return problems
    try:
        for message in node_class.check(parsed):
            problems.setdefault("", message)
    except Exception as error:  # a node's own check must not break the form
        problems[""] = str(error)
    return problems


class Inspector(QWidget):
    """Shows and edits one node at a time."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.doc: FlowDocument | None = None
        self.node_id: str | None = None
        self.editors: dict[str, FieldEditor] = {}
        self._applying = False
        self.heading = QLabel(self)
        self.heading.setWordWrap(True)
        self.heading.setTextFormat(Qt.TextFormat.RichText)
        self.problem_label = QLabel(self)
        self.problem_label.setWordWrap(True)
        self.problem_label.setStyleSheet("color: #e53935;")
        # Not `scroll`: that is QWidget.scroll(), which this would hide.
        self.scroll_area = QScrollArea(self)
        self.scroll_area.setWidgetResizable(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.heading)
        layout.addWidget(self.problem_label)
        layout.addWidget(self.scroll_area, 1)
        self.show_node(None, None)

    def retranslate(self) -> None:
        self.show_node(self.doc, self.node_id)

    # -- which node -----------------------------------------------------------------------------

    def show_node(self, doc: FlowDocument | None, node_id: str | None) -> None:
        """Build the form for a node (or an empty hint when nothing is selected)."""
        if self.doc is not None and self.doc is not doc:
            try:
                self.doc.nodeConfigChanged.disconnect(self._on_config_changed)
                self.doc.nodeRemoved.disconnect(self._on_node_removed)
            except (RuntimeError, TypeError):
                pass
        if doc is not None and doc is not self.doc:
            doc.nodeConfigChanged.connect(self._on_config_changed)
            doc.nodeRemoved.connect(self._on_node_removed)
        self.doc, self.node_id = doc, node_id
        self.editors = {}
        form_host = QWidget()
        outer = QVBoxLayout(form_host)
        self.form = QFormLayout()
        outer.addLayout(self.form)
        outer.addStretch(1)  # rows keep their natural height; spare room goes below
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.scroll_area.setWidget(form_host)
        self.problem_label.clear()
        if doc is None or node_id is None or not doc.has_node(node_id):
            self.heading.setText(self.tr("<i>Select a node to see its settings.</i>"))
            return
        spec = doc.node(node_id)
        node_class = doc.node_class(node_id)
        if node_class is None:
            self.heading.setText(
                self.tr("<b>%s</b><br>This node type is not installed; its settings are kept as they are.")
                % spec.type
            )
            return
        self.heading.setText(
            f"<b>{catalogue_text(node_class.title)}</b> <small>({spec.type})</small><br>"
            f"<small>{catalogue_text(node_class.description)}</small>"
        )
        advanced: list[FieldInfo] = []
        for info in field_infos(node_class.Config.model_json_schema()):
            if info.advanced:
                advanced.append(info)
            else:
                self._add_row(info)
        if advanced:
            toggle = QToolButton(form_host)
            toggle.setText(self.tr("Advanced settings"))
            toggle.setCheckable(True)
            toggle.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
            toggle.setArrowType(Qt.ArrowType.RightArrow)
            toggle.setToolTip(self.tr("Show or hide the less common settings"))
            self.form.addRow(toggle)
            rows = [self._add_row(info) for info in advanced]

            def _show(on: bool) -> None:
                toggle.setArrowType(Qt.ArrowType.DownArrow if on else Qt.ArrowType.RightArrow)
                for row in rows:
                    self.form.setRowVisible(row, on)

            toggle.toggled.connect(_show)
            _show(False)
        from studio.gui.mcp_connect import connect_row  # MCP nodes: Connect lists the tools (on click)

        extra = connect_row(spec.type, lambda: dict(doc.node(node_id).config), doc, form_host)
        if extra is not None:
            self.form.addRow(extra)
        self._load_values()

    def _add_row(self, info: FieldInfo) -> int:
        # Label and help are shown in the current language; the name and values stay as they are.
        info = replace(info, title=catalogue_text(info.title), description=catalogue_text(info.description))
        editor = FieldEditor(info)
        editor.edited.connect(lambda value, name=info.name: self._edited(name, value))
        label = QLabel(info.title)
        label.setToolTip(info.description)
        self.form.addRow(label, editor)
        self.editors[info.name] = editor
        return self.form.rowCount() - 1

    def _load_values(self) -> None:
        assert self.doc is not None and self.node_id is not None
        config = self.doc.node(self.node_id).config
        for name, editor in self.editors.items():
            editor.set_value(config.get(name, editor.info.default))
        self._offer_names()

    def _offer_names(self) -> None:
        """Give template fields the variable names this node's flow can supply."""
        from studio.gui.template_edit import TemplateEdit, template_names

        if self.doc is None or self.node_id is None or not self.doc.has_node(self.node_id):
            return
        names: list[str] | None = None
        for editor in self.editors.values():
            if isinstance(editor.main, TemplateEdit):
                names = template_names(self.doc, self.node_id) if names is None else names
                editor.main.set_names(names)
        self._mark_problems()

    # -- edits ----------------------------------------------------------------------------------

    def _edited(self, name: str, value: Any) -> None:
        if self.doc is None or self.node_id is None:
            return
        presets = getattr(self.doc.node_class(self.node_id), "presets", None)
        if name == "preset" and isinstance(presets, dict) and isinstance(presets.get(value), dict):
            # Picking a preset replaces the settings it carries (the template), as one undo step.
            config = dict(self.doc.node(self.node_id).config)
            config.update(presets[value])
            self.doc.set_config(self.node_id, config)
            self._load_values()
            return
        self._applying = True
        try:
            self.doc.set_config_value(self.node_id, name, value)
        finally:
            self._applying = False
        self._mark_problems()
        self._offer_names()  # a new {{name}} in the template is a new port

    def _on_config_changed(self, node_id: str) -> None:
        if node_id == self.node_id and not self._applying:
            self._load_values()  # undo/redo or another view changed it

    def _on_node_removed(self, node_id: str) -> None:
        if node_id == self.node_id:
            self.show_node(self.doc, None)

    def problems(self) -> dict[str, str]:
        """Problems with the shown node's settings, by field."""
        if self.doc is None or self.node_id is None or not self.doc.has_node(self.node_id):
            return {}
        node_class = self.doc.node_class(self.node_id)
        if node_class is None:
            return {}
        problems = config_problems(node_class, self.doc.node(self.node_id).config)
        for name, editor in self.editors.items():
            if editor.info.kind == "secret":
                value = editor.value()
                raw = value.get("secret") if isinstance(value, dict) else value
                if raw and not valid_secret_name(raw):
                    problems[name] = self.tr(
                        "a secret is chosen by NAME (letters, digits, _), never by value"
                    )
            if editor.json_error:
                problems[name] = self.tr("Not valid JSON: %s") % editor.json_error
        return problems

    def _mark_problems(self) -> None:
        problems = self.problems()
        for name, editor in self.editors.items():
            editor.set_error(problems.get(name))
        general = [
            f"{k}: {v}" if k and k not in self.editors else v
            for k, v in problems.items()
            if k == "" or k not in self.editors
        ]
        shown = [f"{self.editors[k].info.title}: {v}" for k, v in problems.items() if k in self.editors]
        self.problem_label.setText("\n".join(general + shown))
