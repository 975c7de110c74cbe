"""The start page: templates from flows/ (preview picture, name and description), recent files,
a blank flow."""

from __future__ import annotations

import json
from pathlib import Path

from PySide6.QtCore import QSize, Qt, QTimer, Signal
from PySide6.QtGui import QIcon, QPixmap
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from studio.engine.registry import Registry
from studio.gui import settings_store
from studio.gui.thumbnails import SIZE as THUMB_SIZE

PATH_ROLE = Qt.ItemDataRole.UserRole


def templates_dir() -> Path:
    return Path(__file__).resolve().parents[2] / "flows"


def list_templates(folder: Path | None = None) -> list[tuple[Path, str, str]]:
    """(path, name, description) of each template flow; a file that does not parse is skipped.
    Reads only the two header fields, so the page opens instantly however many templates exist."""
    folder = folder or templates_dir()
    found = []
    for path in sorted(folder.glob("*.json")) if folder.is_dir() else []:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if isinstance(data, dict) and "nodes" in data:
            found.append((path, str(data.get("name") or path.stem), str(data.get("description") or "")))
    return found


class StartPage(QWidget):
    """What the app shows first."""

    openRequested = Signal(object)  # Path
    newRequested = Signal()
    openDialogRequested = Signal()

    def __init__(
        self, parent: QWidget | None = None, templates: Path | None = None, registry: Registry | None = None
    ):
        super().__init__(parent)
        self.templates_folder = templates
        self.registry = registry  # for drawing previews; None = the installed node types
        self._pending: list[QListWidgetItem] = []  # items still waiting for their preview
        self.heading = QLabel(self)
        self.heading.setStyleSheet("font-size: 20pt; font-weight: 600;")
        self.subtitle = QLabel(self)
        self.subtitle.setWordWrap(True)
        self.new_button = QPushButton(self)
        self.open_button = QPushButton(self)
        self.templates_label = QLabel(self)
        self.templates_label.setStyleSheet("font-weight: 600;")
        self.templates = QListWidget(self)
        self.templates.setIconSize(QSize(*THUMB_SIZE))
        self.templates.setWordWrap(True)
        self.templates.setSpacing(2)
        self.recent_label = QLabel(self)
        self.recent_label.setStyleSheet("font-weight: 600;")
        self.recent = QListWidget(self)
        self.new_button.clicked.connect(self.newRequested)
        self.open_button.clicked.connect(self.openDialogRequested)
        self.templates.itemActivated.connect(self._open_item)
        self.recent.itemActivated.connect(self._open_item)
        buttons = QHBoxLayout()
        buttons.addWidget(self.new_button)
        buttons.addWidget(self.open_button)
        buttons.addStretch(1)
        columns = QHBoxLayout()
        left, right = QVBoxLayout(), QVBoxLayout()
        left.addWidget(self.templates_label)
        left.addWidget(self.templates, 1)
        right.addWidget(self.recent_label)
        right.addWidget(self.recent, 1)
        columns.addLayout(left, 3)
        columns.addLayout(right, 2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(32, 24, 32, 24)
        layout.addWidget(self.heading)
        layout.addWidget(self.subtitle)
        layout.addSpacing(8)
        layout.addLayout(buttons)
        layout.addSpacing(12)
        layout.addLayout(columns, 1)
        self.retranslate()
        self.refresh()

    def retranslate(self) -> None:
        self.heading.setText(self.tr("Chain Studio"))
        self.subtitle.setText(
            self.tr("Build LLM apps by wiring nodes together. Start from a template, or from a blank canvas.")
        )
        self.new_button.setText(self.tr("New blank flow"))
        self.new_button.setToolTip(self.tr("Start an empty flow (Ctrl+N)"))
        self.open_button.setText(self.tr("Open…"))
        self.open_button.setToolTip(self.tr("Open a flow file (Ctrl+O)"))
        self.templates_label.setText(self.tr("Templates"))
        self.templates.setToolTip(self.tr("Double-click a template to open a copy of it"))
        self.recent_label.setText(self.tr("Recent files"))
        self.recent.setToolTip(self.tr("Double-click to open"))
        if self.templates.count():  # after a language switch: the templates' names anew
            self.refresh()

    def refresh(self) -> None:
        """Re-read the templates folder and the recent files list."""
        self.templates.clear()
        self._pending = []
        from studio.gui.i18n import catalogue_text

        for path, name, description in list_templates(self.templates_folder):
            # The templates' names and descriptions in the UI language (the catalogue's; the
            # files stay as they are).
            name, description = catalogue_text(name), catalogue_text(description)
            item = QListWidgetItem(f"{name}\n{description}" if description else name)
            item.setData(PATH_ROLE, path)
            item.setToolTip(str(path))
            item.setSizeHint(QSize(0, THUMB_SIZE[1] + 10))
            self.templates.addItem(item)
            self._pending.append(item)
        # Previews come after the page shows (cached ones are quick, new ones are drawn once).
        QTimer.singleShot(0, lambda: self.load_previews(batch=1))
        if not self.templates.count():
            item = QListWidgetItem(self.tr("(no templates found in flows/)"))
            item.setFlags(Qt.ItemFlag.NoItemFlags)
            self.templates.addItem(item)
        self.recent.clear()
        for path in settings_store.recent_files():
            item = QListWidgetItem(f"{path.name}  —  {path.parent}")
            item.setData(PATH_ROLE, path)
            self.recent.addItem(item)

    def load_previews(self, batch: int | None = None) -> None:
        """Give templates their preview pictures (from the cache, or drawn now): all of them, or
        `batch` now and the rest on later event-loop turns, so the window stays responsive."""
        from studio.gui.thumbnails import thumbnail

        count = len(self._pending) if batch is None else batch
        pending, self._pending = self._pending[:count], self._pending[count:]
        if self._pending:
            QTimer.singleShot(0, lambda: self.load_previews(batch))
        if not pending:
            return
        if self.registry is None:
            from studio.engine.registry import default_registry

            self.registry = default_registry()
        for item in pending:
            try:
                path = Path(item.data(PATH_ROLE))
            except RuntimeError:  # the list was refreshed meanwhile
                continue
            image = thumbnail(path, self.registry)
            if image is not None:
                item.setIcon(QIcon(QPixmap.fromImage(image)))

    def _open_item(self, item: QListWidgetItem) -> None:
        path = item.data(PATH_ROLE)
        if path:
            self.openRequested.emit(Path(path))
