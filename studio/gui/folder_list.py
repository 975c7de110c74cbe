"""Settings > Folders: the folders paths written in a shared flow file may read from.

Files and folders the user picks in a dialog, drops, or types on the command line need no entry
here: they are allowed for that use. This list is for paths inside flow files (a Load Folder
node's folder, say), and it is kept in the preference "allowed_folders" that the runtime reads.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

__all__ = ["AllowedFoldersEditor"]

PREFERENCE = "allowed_folders"


class AllowedFoldersEditor(QWidget):
    """A list of folders with Add… and Remove buttons; `apply()` stores it."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        from studio.runtime.preferences import get_preference

        self.explain = QLabel(
            self.tr(
                "Flows may read files from their own folder and from the folders listed here. "
                "Files you pick, drop or type on the command line are always allowed."
            ),
            self,
        )
        self.explain.setWordWrap(True)
        self.folders = QListWidget(self)
        stored = get_preference(PREFERENCE, [])
        for folder in stored if isinstance(stored, list) else []:
            if isinstance(folder, str) and folder:
                self.folders.addItem(folder)
        self.add_button = QPushButton(self.tr("Add Folder…"), self)
        self.add_button.setToolTip(self.tr("Allow flows to read files in another folder"))
        self.add_button.clicked.connect(self._choose)
        self.remove_button = QPushButton(self.tr("Remove"), self)
        self.remove_button.setToolTip(self.tr("Stop allowing the selected folder"))
        self.remove_button.clicked.connect(self.remove_selected)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.explain)
        layout.addWidget(self.folders, 1)
        layout.addLayout(buttons)

    def _choose(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, self.tr("Allow a folder"), str(Path.home()))
        if folder:
            self.add_folder(folder)

    def add_folder(self, folder: str) -> None:
        """Add a folder (once)."""
        folder = str(Path(folder).expanduser().resolve())
        if folder not in self.values():
            self.folders.addItem(folder)

    def remove_selected(self) -> None:
        """Remove the selected folder from the list."""
        for item in self.folders.selectedItems():
            self.folders.takeItem(self.folders.row(item))

    def values(self) -> list[str]:
        """The folders as listed."""
        return [self.folders.item(i).text() for i in range(self.folders.count())]

    def apply(self) -> None:
        """Store the list in the preferences the runtime reads."""
        from studio.runtime.preferences import set_preference

        set_preference(PREFERENCE, self.values() or None)
