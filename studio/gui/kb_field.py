"""The inspector's editor for a `kb` setting: an editable dropdown of the existing knowledge bases.

Typing a name that does not exist is allowed (an Ingest node creates it on its first run); a hint
beside the box says "does not exist yet" so a typo is seen before a run fails.
"""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QLabel, QWidget

__all__ = ["KnowledgeBaseCombo", "existing_knowledge_bases"]


def existing_knowledge_bases() -> list[str]:
    """Names of the knowledge bases in the data folder (a folder listing: cheap, no LanceDB)."""
    try:
        from studio.runtime.knowledge.vectorstore import list_knowledge_bases

        return list_knowledge_bases()
    except Exception:  # an unreadable data folder must not break the inspector
        return []


class KnowledgeBaseCombo(QComboBox):
    """Editable combo of knowledge base names, with a `hint` label to place beside it."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setEditable(True)
        self.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.hint = QLabel(parent)
        self.hint.setStyleSheet("color: #b26a00; font-style: italic;")
        self.hint.hide()
        self.refresh()
        self.editTextChanged.connect(self._update_hint)

    def refresh(self) -> None:
        """Re-read the knowledge bases (keeps the text being edited)."""
        text = self.currentText()
        self.blockSignals(True)
        try:
            self.clear()
            self.addItems(existing_knowledge_bases())
            self.setEditText(text)
        finally:
            self.blockSignals(False)
        self._update_hint(text)

    def showPopup(self) -> None:
        """Offer the knowledge bases as they are now (one may have been made since)."""
        self.refresh()
        super().showPopup()

    def _update_hint(self, text: str) -> None:
        name = text.strip()
        missing = bool(name) and self.findText(name) < 0
        self.hint.setText(self.tr("does not exist yet") if missing else "")
        self.hint.setToolTip(
            self.tr(
                "No knowledge base has this name: an Ingest node creates it, "
                "or make it in Window > Knowledge Bases"
            )
            if missing
            else ""
        )
        self.hint.setVisible(missing)

    def setEditText(self, text: str) -> None:
        """Show a name (the hint follows, also when signals are blocked)."""
        super().setEditText(text)
        self._update_hint(text)
