"""Help > Keyboard Shortcuts: every action of the window with its shortcut, read from the actions
themselves (so the sheet cannot go stale), grouped by menu, plus the canvas's mouse and key
gestures; in the UI language."""

from __future__ import annotations

from typing import Protocol

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLineEdit,
    QMenu,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)


class _Actions(Protocol):
    """What the sheet reads from the window's action set (actions.WindowActions)."""

    by_name: dict[str, QAction]
    menus: dict[str, QMenu]


def _plain(text: str) -> str:
    """A menu text without its mnemonic marker ("&Save" -> "Save", "(&S)" dropped) or ellipsis."""
    import re

    text = re.sub(r"\(&\w\)", "", text)
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&").rstrip("…").strip()


class ShortcutsDialog(QDialog):
    """The shortcut sheet: a filterable table of (menu, action, shortcut)."""

    def __init__(self, actions: _Actions, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("shortcuts-sheet")
        self._actions = actions
        self.filter = QLineEdit(self)
        self.filter.setClearButtonEnabled(True)
        self.table = QTableWidget(0, 3, self)
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.filter)
        layout.addWidget(self.table)
        layout.addWidget(buttons)
        self.filter.textChanged.connect(self._apply_filter)
        self.resize(620, 640)
        self.retranslate()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def rows(self) -> list[tuple[str, str, str]]:
        """(group, what, keys) for every action that has a shortcut, then the canvas gestures."""
        found: list[tuple[str, str, str]] = []
        for menu in self._actions.menus.values():
            group = _plain(menu.title())
            for action in menu.actions():
                keys = [k.toString(QKeySequence.SequenceFormat.NativeText) for k in action.shortcuts()]
                if action.isSeparator() or not action.text() or not any(keys):
                    continue
                found.append((group, _plain(action.text()), ", ".join(k for k in keys if k)))
        canvas = self.tr("Canvas")
        found += [
            (canvas, self.tr("Add a node at the cursor"), self.tr("Tab, or double-click the canvas")),
            (canvas, self.tr("Menu for a node, wire or the canvas"), self.tr("Right-click")),
            (canvas, self.tr("Pan"), self.tr("Middle button drag, or Space + drag")),
            (canvas, self.tr("Zoom at the cursor"), self.tr("Mouse wheel")),
            (canvas, self.tr("Select several nodes"), self.tr("Drag a box on the canvas")),
            (canvas, self.tr("Draw a wire"), self.tr("Drag from a port to a port")),
            (canvas, self.tr("Close the find bar"), self.tr("Esc")),
        ]
        return found

    def retranslate(self) -> None:
        """Rebuild the sheet in the current language."""
        self.setWindowTitle(self.tr("Keyboard Shortcuts"))
        self.filter.setPlaceholderText(self.tr("Filter by action or key"))
        self.table.setHorizontalHeaderLabels([self.tr("Menu"), self.tr("Action"), self.tr("Shortcut")])
        rows = self.rows()
        self.table.setRowCount(len(rows))
        for row, values in enumerate(rows):
            for column, value in enumerate(values):
                item = QTableWidgetItem(value)
                item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
                self.table.setItem(row, column, item)
        self._apply_filter(self.filter.text())

    def _apply_filter(self, text: str) -> None:
        needle = text.strip().lower()
        for row in range(self.table.rowCount()):
            cells = [self.table.item(row, c) for c in range(3)]
            shown = " ".join(c.text() for c in cells if c is not None).lower()
            self.table.setRowHidden(row, bool(needle) and needle not in shown)
