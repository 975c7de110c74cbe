"""Settings: API keys (stored in the OS keyring, shown masked), theme and language."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from studio.gui import i18n, settings_store

PROVIDER_KEYS = [
    ("OpenAI", "OPENAI_API_KEY"),
    ("Anthropic", "ANTHROPIC_API_KEY"),
    ("Google Gemini", "GEMINI_API_KEY"),
    ("OpenRouter", "OPENROUTER_API_KEY"),
]


class SettingsDialog(QDialog):
    """Edits preferences; applying a theme or language takes effect at once, without a restart."""

    def __init__(self, window: QWidget):
        super().__init__(window)
        self.window_ = window
        self.setWindowTitle(self.tr("Settings"))
        self.keys: dict[str, QLineEdit] = {}
        form = QFormLayout()
        self.keys_label = QLabel(
            self.tr("<b>API keys</b> (kept in the system keyring, never in flow files)")
        )
        form.addRow(self.keys_label)
        for provider, name in PROVIDER_KEYS:
            edit = QLineEdit(self)
            edit.setEchoMode(QLineEdit.EchoMode.Password)
            edit.setPlaceholderText(self.tr("unchanged") if self._has_key(name) else self.tr("not set"))
            tip = self.tr("Stored as %s in the keyring; leave empty to keep the current key")
            edit.setToolTip(tip % name)
            form.addRow(f"{provider} ({name})", edit)
            self.keys[name] = edit
        self.theme = QComboBox(self)
        self.theme.addItem(self.tr("Light"), "light")
        self.theme.addItem(self.tr("Dark"), "dark")
        self.theme.setCurrentIndex(max(0, self.theme.findData(settings_store.get("theme", "light"))))
        self.theme.setToolTip(self.tr("Colours of the windows and the canvas"))
        self.language = QComboBox(self)
        for code, name in i18n.LANGUAGES.items():
            self.language.addItem(name, code)
        current_language = settings_store.get("language", "en")
        self.language.setCurrentIndex(max(0, self.language.findData(current_language)))
        self.language.setToolTip(self.tr("Switches at once; open flows stay as they are"))
        form.addRow(self.tr("Theme"), self.theme)
        form.addRow(self.tr("Language"), self.language)
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        ok_cancel = QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        buttons = QDialogButtonBox(ok_cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(buttons)

    @staticmethod
    def _has_key(name: str) -> bool:
        return name in settings_store.stored_secret_names()

    def apply(self) -> list[str]:
        """Store keys, then switch theme and language. Returns problems (e.g. no keyring)."""
        problems = []
        for name, edit in self.keys.items():
            value = edit.text().strip()
            if not value:
                continue
            try:
                from studio.runtime.secrets import set_secret

                set_secret(name, value)
                settings_store.remember_secret_name(name)
                edit.clear()
            except Exception as error:  # no keyring backend on this machine
                problems.append(self.tr("Could not store %s: %s") % (name, error))
        theme = self.theme.currentData()
        settings_store.put("theme", theme)
        apply_theme = getattr(self.window_, "apply_theme", None)
        if apply_theme:
            apply_theme(theme == "dark")
        language = self.language.currentData()
        settings_store.put("language", language)
        if not i18n.install_language(language):
            problems.append(self.tr("No translation file for %s") % language)
        return problems

    def accept(self) -> None:
        problems = self.apply()
        if problems:
            self.message.setText("\n".join(problems))
            return
        super().accept()
