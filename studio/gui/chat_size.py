"""The Chat pane made large: Window > Large Chat (Ctrl+Shift+M) floats the chat dock as a big window
over the editor, and again puts it back where it was docked."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QEvent, QObject, QRect
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDockWidget, QMainWindow, QMenu

translate = QCoreApplication.translate
SHARE = 0.7  # of the main window's width and height


class ChatEnlarger(QObject):
    """Owns the Large Chat action of one window."""

    def __init__(self, menu: QMenu, dock: QDockWidget, window: QMainWindow):
        super().__init__(window)
        self._dock, self._window = dock, window
        self.action = QAction(window)
        self.action.setObjectName("large_chat")
        self.action.setCheckable(True)
        self.action.setShortcut(QKeySequence("Ctrl+Shift+M"))
        self.action.toggled.connect(self.set_large)
        dock.topLevelChanged.connect(self._docked_again)
        menu.addSeparator()
        menu.addAction(self.action)
        window.installEventFilter(self)
        self.retranslate()

    def retranslate(self) -> None:
        """Re-read the action's texts in the current language."""
        self.action.setText(translate("MainWindow", "&Large Chat"))
        tip = translate("MainWindow", "Show the chat in a large window (again: dock it back)")
        self.action.setToolTip(tip)
        self.action.setStatusTip(tip)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._window and event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        return False

    def set_large(self, large: bool) -> None:
        """Float the chat over the middle of the window at 70 % of its size, or dock it back."""
        dock = self._dock
        if large:
            dock.show()
            dock.setFloating(True)
            frame = self._window.geometry()
            width, height = int(frame.width() * SHARE), int(frame.height() * SHARE)
            dock.setGeometry(
                QRect(frame.center().x() - width // 2, frame.center().y() - height // 2, width, height)
            )
            dock.raise_()
            dock.widget().setFocus()
        elif dock.isFloating():
            dock.setFloating(False)
            dock.raise_()

    def _docked_again(self, floating: bool) -> None:
        # Docked back by a double-click on its title bar: the action follows.
        if not floating and self.action.isChecked():
            self.action.blockSignals(True)
            self.action.setChecked(False)
            self.action.blockSignals(False)
