"""What Settings does with an API key when this computer has no system keyring: say so in plain
words and let the user keep the key for this session only or use an environment variable."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QMessageBox, QWidget

SESSION = "session"
ENVIRONMENT = "environment"


# Called with literal strings below, so pyside6-lupdate finds them (context "NoKeyring").
translate = QCoreApplication.translate


def no_keyring_box(parent: QWidget, name: str) -> QMessageBox:
    """The question (built, not shown): buttons are named `session`, `environment`, `cancel`."""
    box = QMessageBox(parent)
    box.setObjectName("noKeyringBox")
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle(translate("NoKeyring", "No keyring found"))
    box.setText(
        translate(
            "NoKeyring",
            "No system keyring was found on this computer, so the key for %s cannot be saved "
            "securely. Your other settings are saved as usual.",
        )
        % name
    )
    box.setInformativeText(
        translate(
            "NoKeyring",
            "Keep the key for this session only (it is forgotten when Chain Studio closes), or set "
            "the environment variable %s before starting Chain Studio.",
        )
        % name
    )
    session = box.addButton(
        translate("NoKeyring", "Keep for this session only"), QMessageBox.ButtonRole.AcceptRole
    )
    session.setObjectName(SESSION)
    environment = box.addButton(
        translate("NoKeyring", "Use an environment variable (%s)") % name, QMessageBox.ButtonRole.ActionRole
    )
    environment.setObjectName(ENVIRONMENT)
    cancel = box.addButton(QMessageBox.StandardButton.Cancel)
    cancel.setObjectName("cancel")
    box.setDefaultButton(session)
    return box


def ask_without_keyring(parent: QWidget, name: str) -> str | None:
    """Ask what to do with the key `name`: SESSION, ENVIRONMENT, or None (cancelled)."""
    box = no_keyring_box(parent, name)
    box.exec()
    clicked = box.clickedButton()
    choice = clicked.objectName() if clicked is not None else ""
    return choice if choice in (SESSION, ENVIRONMENT) else None


def environment_hint(name: str) -> str:
    """The sentence shown after choosing the environment variable."""
    return translate(
        "NoKeyring",
        "To use the key, set the environment variable %s (for example `export %s=...` in your "
        "shell profile) and restart Chain Studio.",
    ) % (name, name)
