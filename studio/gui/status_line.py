"""The status bar's run line: a long message is elided to the space there is, never cut off; the
whole text is in its tooltip and one click opens it in full (with its technical details)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtGui import QMouseEvent, QResizeEvent
from PySide6.QtWidgets import QLabel, QSizePolicy, QWidget


class StatusLine(QLabel):
    """A one-line label that keeps its full text: `full_text()`, the tooltip and a click show it."""

    clicked = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self._full = ""
        self.details = ""
        # Ignored width: a long message must not widen the window; it is elided instead.
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.setMinimumWidth(40)
        self.setCursor(Qt.CursorShape.PointingHandCursor)

    def setText(self, text: str) -> None:
        """Show a message (elided when it does not fit); clears the details of an earlier one."""
        self.set_message(text)

    def set_message(self, text: str, details: str = "") -> None:
        """Show a message, with technical details the full view adds below it."""
        self._full = " ".join(text.split()) if "\n" not in text else text
        self.details = details
        # The whole message; its technical details only in the full view (a click).
        self.setToolTip(self._full)
        self._elide()

    def full_text(self) -> str:
        return self._full

    def text(self) -> str:
        """The full message (not the elided one shown): what callers and tests mean by the text."""
        return self._full

    def is_elided(self) -> bool:
        return super().text() != self._full.splitlines()[0] if self._full else False

    def _elide(self) -> None:
        first = self._full.splitlines()[0] if self._full else ""
        width = max(self.width() - 4, 20)
        shown = self.fontMetrics().elidedText(first, Qt.TextElideMode.ElideRight, width)
        if shown != self._full:
            shown = shown if shown.endswith("…") or shown == first else shown + "…"
        super().setText(shown)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._elide()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        super().mouseReleaseEvent(event)
        if event.button() == Qt.MouseButton.LeftButton and self._full:
            self.clicked.emit()
            self.open_full()

    def open_full(self) -> Any:
        """Open the whole message (and its details) in a dialog; returns the dialog."""
        from studio.gui.error_text import DetailsDialog

        dialog = DetailsDialog(
            QCoreApplication.translate("StatusLine", "Message"), self._full, self.details, self.window()
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()  # window-modal, not exec(): the event loop (and a run) go on
        self.last_dialog = dialog
        return dialog
