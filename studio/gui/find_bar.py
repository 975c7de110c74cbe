"""Find as a bar over the canvas (Ctrl+F), not a dialog: typing selects every matching node and
centres the first; Enter goes to the next, Shift+Enter to the previous; Esc closes the bar."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QToolButton, QWidget

from studio.gui.canvas.scene import FlowScene
from studio.gui.canvas.view import FlowView


def matching_nodes(scene: FlowScene, text: str) -> list[str]:
    """Ids of the nodes whose shown title, English title, type or id contains the text, in file
    order (case does not matter)."""
    needle = text.strip().lower()
    if not needle:
        return []
    found = []
    for node_id, item in scene.nodes.items():
        node_class = scene.doc.node_class(node_id)
        english = node_class.title if node_class is not None else ""  # the shown title may be translated
        haystack = f"{item.title} {english} {scene.doc.node(node_id).type} {node_id}".lower()
        if needle in haystack:
            found.append(node_id)
    return found


class FindBar(QWidget):
    """The non-modal search bar of one canvas."""

    def __init__(self, scene: FlowScene, view: FlowView, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("find-bar")
        self._scene, self._view = scene, view
        self.matches: list[str] = []
        self.current = -1
        layout = QHBoxLayout(self)
        layout.setContentsMargins(6, 3, 6, 3)
        self.label = QLabel(self)
        self.edit = QLineEdit(self)
        self.edit.setClearButtonEnabled(True)
        self.count = QLabel(self)
        self.previous_button = QToolButton(self)
        self.previous_button.setArrowType(Qt.ArrowType.UpArrow)
        self.next_button = QToolButton(self)
        self.next_button.setArrowType(Qt.ArrowType.DownArrow)
        self.close_button = QToolButton(self)
        self.close_button.setText("✕")
        for widget in (self.label, self.edit, self.count, self.previous_button, self.next_button):
            layout.addWidget(widget)
        layout.addStretch(1)
        layout.addWidget(self.close_button)
        self.edit.setMinimumWidth(260)
        self.edit.textChanged.connect(self._search)
        self.edit.installEventFilter(self)
        self.previous_button.clicked.connect(lambda: self.step(-1))
        self.next_button.clicked.connect(lambda: self.step(1))
        self.close_button.clicked.connect(self.close_bar)
        self.retranslate()
        self.hide()

    def retranslate(self) -> None:
        """Re-read the bar's texts in the current language."""
        self.label.setText(self.tr("Find:"))
        self.edit.setPlaceholderText(self.tr("Node name or type"))
        self.previous_button.setToolTip(self.tr("Previous match (Shift+Enter)"))
        self.next_button.setToolTip(self.tr("Next match (Enter)"))
        self.close_button.setToolTip(self.tr("Close (Esc)"))
        self._show_count()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def open(self) -> None:
        """Show the bar with its text selected, ready to type (Ctrl+F again re-selects it)."""
        self.show()
        self.edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.edit.selectAll()
        if self.edit.text():
            self._search(self.edit.text())

    def close_bar(self) -> None:
        """Hide the bar; the canvas gets the keyboard back and the selection stays."""
        self.hide()
        self._view.setFocus()

    def _search(self, text: str) -> None:
        self.matches = matching_nodes(self._scene, text)
        self.current = 0 if self.matches else -1
        if self.matches:
            self._scene.select_nodes(self.matches)  # every match is highlighted
            self._view.centerOn(self._scene.nodes[self.matches[0]])
        self._show_count()

    def step(self, direction: int) -> None:
        """Go to the next (1) or previous (-1) match, centring it and making it the only selection."""
        if not self.matches:
            return
        self.current = (self.current + direction) % len(self.matches)
        node_id = self.matches[self.current]
        if node_id in self._scene.nodes:
            self._scene.select_nodes([node_id])
            self._view.centerOn(self._scene.nodes[node_id])
        self._show_count()

    def _show_count(self) -> None:
        if not self.edit.text().strip():
            self.count.setText("")
        elif not self.matches:
            self.count.setText(self.tr("No match"))
        else:
            self.count.setText(
                self.tr("%1 of %2").replace("%1", str(self.current + 1)).replace("%2", str(len(self.matches)))
            )

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.edit and event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            if event.key() == Qt.Key.Key_Escape:
                self.close_bar()
                return True
            if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                shift = bool(event.modifiers() & Qt.KeyboardModifier.ShiftModifier)
                self.step(-1 if shift else 1)
                return True
        return super().eventFilter(watched, event)
