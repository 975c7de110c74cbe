"""The Knowledge page's "New knowledge base" dialog: name, embedding model, splitter preset."""

from __future__ import annotations

import re

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QWidget,
)

__all__ = ["NewKnowledgeBaseDialog", "embedding_choices", "suggest_name"]

_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")


def suggest_name(text: str) -> str:
    """A valid knowledge base name made from a file or folder name ("My Docs" -> "My_Docs")."""
    name = re.sub(r"[^A-Za-z0-9_.-]+", "_", text).strip("_.-")[:64]
    return name or "knowledge"


def embedding_choices() -> list[str]:
    """Embedding models to offer: the default first, the built-in one, then the catalogue's."""
    from studio.runtime.knowledge.embeddings import DEFAULT_MODEL
    from studio.runtime.knowledge.manage import default_embedding_model

    names = [default_embedding_model(), DEFAULT_MODEL]
    try:
        from studio.runtime.models.catalogue import load_catalogue

        names += [entry.name for entry in load_catalogue().embedders]
    except Exception:  # no catalogue: the default and the built-in model are enough
        pass
    return list(dict.fromkeys(n for n in names if n))


class NewKnowledgeBaseDialog(QDialog):
    """Asks for a name, an embedding model (the default preselected) and a splitter preset."""

    def __init__(self, parent: QWidget | None, name: str = "", existing: list[str] | None = None):
        super().__init__(parent)
        from studio.runtime.knowledge.splitter_presets import DEFAULT_SPLITTER, SPLITTER_NAMES

        self.existing = set(existing or [])
        self.setWindowTitle(self.tr("New knowledge base"))
        self.name = QLineEdit(name, self)
        self.name.setPlaceholderText(self.tr("letters, digits, '_', '-' or '.'"))
        self.model = QComboBox(self)
        self.model.setEditable(True)
        self.model.addItems(embedding_choices())
        self.model.setToolTip(
            self.tr("The model that turns text into vectors; the knowledge base keeps it for good")
        )
        self.splitter = QComboBox(self)
        descriptions = {
            "markdown": self.tr("By headings, then about 600 characters (good for manuals)"),
            "paragraphs": self.tr("Paragraphs of about 1000 characters"),
            "small": self.tr("Short pieces of about 400 characters (precise answers)"),
            "tokens": self.tr("200 tokens of the embedding model"),
        }
        for preset in SPLITTER_NAMES:
            self.splitter.addItem(f"{preset} — {descriptions.get(preset, '')}", preset)
        self.splitter.setCurrentIndex(max(0, self.splitter.findData(DEFAULT_SPLITTER)))
        self.problem = QLabel(self)
        self.problem.setStyleSheet("color: #c62828;")
        self.problem.setWordWrap(True)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow(self.tr("Name"), self.name)
        form.addRow(self.tr("Embedding model"), self.model)
        form.addRow(self.tr("Splitter"), self.splitter)
        form.addRow(self.problem)
        form.addRow(self.buttons)
        self.name.textChanged.connect(self._check)
        self._check()

    def ok_button(self) -> QPushButton:
        """The OK button (tests click it)."""
        button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        assert button is not None
        return button

    def _check(self) -> None:
        problem = self.problem_text()
        self.problem.setText(problem)
        self.ok_button().setEnabled(not problem)

    def problem_text(self) -> str:
        """Why the name cannot be used, or ""."""
        name = self.name.text().strip()
        if not name:
            return self.tr("Give the knowledge base a name.")
        if not _NAME.match(name):
            return self.tr("Use 1-64 letters, digits, '_', '-' or '.', starting with a letter or digit.")
        if name in self.existing:
            return self.tr("A knowledge base named '%s' exists already.") % name
        return ""

    def values(self) -> tuple[str, str, str]:
        """(name, embedding model, splitter preset)."""
        return self.name.text().strip(), self.model.currentText().strip(), str(self.splitter.currentData())
