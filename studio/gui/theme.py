"""Light and dark palettes for the widgets (Fusion style keeps them the same on every OS)."""

from __future__ import annotations

from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication


def apply_palette(dark: bool) -> None:
    """Switch the application palette."""
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        return
    app.setStyle("Fusion")
    if not dark:
        app.setPalette(app.style().standardPalette())
        return
    palette = QPalette()
    role = QPalette.ColorRole
    colours = {
        role.Window: "#2b2d31",
        role.WindowText: "#e8eaed",
        role.Base: "#1e1f22",
        role.AlternateBase: "#2b2d31",
        role.ToolTipBase: "#3c3f44",
        role.ToolTipText: "#e8eaed",
        role.Text: "#e8eaed",
        role.Button: "#35373c",
        role.ButtonText: "#e8eaed",
        role.BrightText: "#ff5252",
        role.Highlight: "#3d7bd9",
        role.HighlightedText: "#ffffff",
        role.Link: "#8ab4f8",
        role.PlaceholderText: "#8a8f95",
    }
    for key, value in colours.items():
        palette.setColor(key, QColor(value))
    palette.setColor(QPalette.ColorGroup.Disabled, role.Text, QColor("#6b7075"))
    palette.setColor(QPalette.ColorGroup.Disabled, role.ButtonText, QColor("#6b7075"))
    app.setPalette(palette)


def system_is_dark() -> bool:
    """Whether the desktop asks for dark colours (Qt 6.5+ QStyleHints.colorScheme)."""
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QGuiApplication

    hints = QGuiApplication.styleHints()
    scheme = getattr(hints, "colorScheme", None)
    return scheme is not None and scheme() == Qt.ColorScheme.Dark


def is_dark(choice: str) -> bool:
    """Resolve a theme setting ("light", "dark" or "system") to dark or not."""
    return system_is_dark() if choice == "system" else choice == "dark"
