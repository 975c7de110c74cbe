"""Settings on a computer without a system keyring: no blocked dialog, no exception text, the
key kept for the session or left to an environment variable, every other setting applied."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox, QPushButton

from studio.gui import settings_store
from studio.gui.settings_dialog import SettingsDialog
from studio.runtime.safety import secrets

KEY = "sk-session-only-key-123456"


@pytest.fixture(autouse=True)
def _forget_session_keys():
    yield
    secrets.set_session_secret("OPENAI_API_KEY", None)


def _answer(qtbot, button: str, seen: list[str]) -> None:
    """Click `button` in the no-keyring question once it is shown (it is modal)."""

    def click() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(20, click)
            return
        seen.append(box.text() + " " + box.informativeText())
        box.findChild(QPushButton, button).click()

    QTimer.singleShot(0, click)


def test_no_keyring_keep_for_this_session(window, qtbot, monkeypatch):
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    assert not secrets.keyring_available()  # tests run without a keyring (CHAIN_STUDIO_NO_KEYRING)
    dialog = SettingsDialog(window)
    qtbot.addWidget(dialog)
    dialog.theme.setCurrentIndex(dialog.theme.findData("dark"))
    dialog.keys["OPENAI_API_KEY"].setText(KEY)
    seen: list[str] = []
    _answer(qtbot, "session", seen)
    dialog.accept()
    assert dialog.result() == QDialog.DialogCode.Accepted  # not blocked
    assert "No system keyring was found" in seen[0] and "OPENAI_API_KEY" in seen[0]
    assert "Error" not in seen[0] and "Traceback" not in seen[0]
    assert settings_store.get("theme") == "dark"  # the other settings applied
    assert secrets.lookup_secret("OPENAI_API_KEY") == KEY  # usable this session
    assert "OPENAI_API_KEY" not in settings_store.stored_secret_names()  # not remembered as saved


def test_no_keyring_use_an_environment_variable(window, qtbot, monkeypatch):
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    dialog = SettingsDialog(window)
    qtbot.addWidget(dialog)
    dialog.keys["OPENAI_API_KEY"].setText(KEY)
    seen: list[str] = []
    _answer(qtbot, "environment", seen)
    assert dialog.apply() == []
    assert "export OPENAI_API_KEY=" in dialog.message.text()
    assert secrets.lookup_secret("OPENAI_API_KEY") is None  # nothing stored anywhere
    assert KEY not in dialog.message.text()
