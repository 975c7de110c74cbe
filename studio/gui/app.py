"""Start the Studio: `main(argv) -> int` (called by `studio gui [FILE]` and `chain-studio`)."""

from __future__ import annotations

import contextlib
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from studio.gui.main_window import MainWindow  # imported late at run time: Qt loads on demand


def main(argv: list[str] | None = None) -> int:
    """Open the main window (with a file if one is given) and run the event loop."""
    args = list(sys.argv[1:] if argv is None else argv)
    os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
    from studio.gui.platform_check import check_or_explain

    if (code := check_or_explain()) is not None:  # before Qt: its own abort names no package
        return code
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication([sys.argv[0] if sys.argv else "chain-studio"])
    app.setApplicationName("Chain Studio")
    app.setOrganizationName("Chain Studio")
    window = create_window(args)
    window.show()
    QTimer.singleShot(0, window.offer_recovery)
    return int(app.exec())


def create_window(args: list[str]) -> MainWindow:
    """Build the main window with saved preferences applied and the given files open."""
    from studio.gui import i18n, settings_store
    from studio.gui.main_window import MainWindow

    i18n.install_language(settings_store.get("language", "en"))
    window = MainWindow()
    from studio.gui.theme import is_dark

    window.apply_theme(is_dark(settings_store.get("theme", "light")))
    follow_system_theme(window)
    for name in args:
        if not name.startswith("-"):
            window.open_path(Path(name))
    return window


def follow_system_theme(window: MainWindow) -> None:
    """With the "follow system" theme, switch light/dark when the desktop does."""
    from PySide6.QtGui import QGuiApplication

    from studio.gui import settings_store
    from studio.gui.theme import is_dark

    hints = QGuiApplication.styleHints()
    signal = getattr(hints, "colorSchemeChanged", None)
    if signal is None:  # Qt before 6.5
        return

    def changed(_scheme: object) -> None:
        if settings_store.get("theme", "light") == "system":
            with contextlib.suppress(RuntimeError):  # the window is gone
                window.apply_theme(is_dark("system"))

    signal.connect(changed)


if __name__ == "__main__":
    raise SystemExit(main())
