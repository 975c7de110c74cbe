"""Settings: API keys (stored in the OS keyring, shown masked, with a Test button), local models
and the default model, the run cache, theme and language."""

from __future__ import annotations

import contextlib
import functools

from PySide6.QtCore import QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from studio.gui import i18n, settings_store
from studio.gui.key_test import TEST_MODELS, check_key_in_thread

PROVIDER_KEYS = [
    ("OpenAI", "OPENAI_API_KEY"),
    ("Anthropic", "ANTHROPIC_API_KEY"),
    ("Google Gemini", "GEMINI_API_KEY"),
    ("OpenRouter", "OPENROUTER_API_KEY"),
]


def human_size(size: int) -> str:
    """Bytes as a short human figure (1.2 MB)."""
    value = float(size)
    for unit in ("B", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{value:.1f} GB"


class SettingsDialog(QDialog):
    """Edits preferences; applying a theme or language takes effect at once, without a restart."""

    keyTested = Signal(str, object)  # key name, problem (None = the key works)

    def __init__(self, window: QWidget):
        super().__init__(window)
        self.window_ = window
        self.setWindowTitle(self.tr("Settings"))
        # Where each key's Test call goes: (model, api_base); tests point it at a fake server.
        self.test_targets: dict[str, tuple[str, str | None]] = {n: (m, None) for n, m in TEST_MODELS.items()}
        self.keys: dict[str, QLineEdit] = {}
        self.test_buttons: dict[str, QPushButton] = {}
        self.test_results: dict[str, QLabel] = {}
        self.tabs = QTabWidget(self)
        self.tabs.addTab(self._keys_page(), self.tr("API keys"))
        self.tabs.addTab(self._models_page(), self.tr("Models && cache"))
        self.tabs.addTab(self._appearance_page(), self.tr("Appearance"))
        from studio.gui.folder_list import AllowedFoldersEditor

        self.allowed_folders = AllowedFoldersEditor(self)  # for paths written in flow files
        self.tabs.addTab(self.allowed_folders, self.tr("Folders"))
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        ok_cancel = QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        buttons = QDialogButtonBox(ok_cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        self.keyTested.connect(self._show_test_result)

    # -- pages ----------------------------------------------------------------------------------

    def _keys_page(self) -> QWidget:
        page = QWidget(self)
        form = QFormLayout(page)
        self.keys_label = QLabel(self.tr("<b>API keys</b> (kept in the system keyring, never in flow files)"))
        self.keys_label.setWordWrap(True)
        form.addRow(self.keys_label)
        for provider, name in PROVIDER_KEYS:
            edit = QLineEdit(page)
            edit.setEchoMode(QLineEdit.EchoMode.Password)
            edit.setPlaceholderText(self.tr("unchanged") if self._has_key(name) else self.tr("not set"))
            tip = self.tr("Stored as %s in the keyring; leave empty to keep the current key")
            edit.setToolTip(tip % name)
            test = QPushButton(self.tr("Test"), page)
            test.setToolTip(
                self.tr("Save the key typed here, then make a one-token call to check that it works")
            )
            test.clicked.connect(lambda _checked=False, n=name: self.test_key(n))
            result = QLabel(page)
            result.setWordWrap(True)
            result.hide()  # until a test has something to say
            row = QHBoxLayout()
            row.addWidget(edit, 1)
            row.addWidget(test)
            column = QVBoxLayout()
            column.addLayout(row)
            column.addWidget(result)
            form.addRow(f"{provider} ({name})", column)
            self.keys[name], self.test_buttons[name], self.test_results[name] = edit, test, result
        return page

    def _choose_models_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(
            self, self.tr("Local model folder"), self.models_folder.text()
        )
        if folder:
            self.set_models_folder(folder)

    def set_models_folder(self, folder: str) -> None:
        """Use another folder of .gguf models (kept in the preferences the runtime reads too)."""
        from studio.runtime.llm.facade import list_local_models, models_folder
        from studio.runtime.preferences import set_preference

        set_preference("models_folder", folder)
        self.models_folder.setText(str(models_folder()))
        self.local_models = list_local_models()
        self.models_found.setText(", ".join(self.local_models) or self.tr("none yet"))
        for model in self.local_models:
            if self.default_model.findText(model) < 0:
                self.default_model.addItem(model)

    def _models_page(self) -> QWidget:
        from studio.gui.fields import known_models
        from studio.runtime.llm.facade import list_local_models, models_folder

        page = QWidget(self)
        form = QFormLayout(page)
        self.models_folder = QLabel(str(models_folder()), page)
        self.models_folder.setToolTip(self.tr("Put .gguf model files here to use them offline"))
        change_folder = QPushButton(self.tr("Change…"), page)
        change_folder.setToolTip(self.tr("Choose another folder of .gguf models"))
        change_folder.clicked.connect(self._choose_models_folder)
        open_folder = QPushButton(self.tr("Open Folder"), page)
        open_folder.setToolTip(self.tr("Show the local model folder in the file manager"))
        open_folder.clicked.connect(
            lambda: QDesktopServices.openUrl(QUrl.fromLocalFile(str(models_folder())))
        )
        row = QHBoxLayout()
        row.addWidget(self.models_folder, 1)
        row.addWidget(change_folder)
        row.addWidget(open_folder)
        form.addRow(self.tr("Local model folder"), row)
        self.local_models = list_local_models()
        self.models_found = QLabel(", ".join(self.local_models) or self.tr("none yet"), page)
        self.models_found.setWordWrap(True)
        form.addRow(self.tr("Local models found"), self.models_found)
        self.default_model = QComboBox(page)
        self.default_model.setEditable(True)
        self.default_model.addItem("")
        self.default_model.addItems([m for m in known_models() if m])
        self.default_model.setEditText(settings_store.get("default_model", ""))
        if (line := self.default_model.lineEdit()) is not None:  # there is one: the box is editable
            line.setPlaceholderText(self.tr("each node type's own default"))
        self.default_model.setToolTip(self.tr("The model new LLM nodes start with"))
        form.addRow(self.tr("Default model for new LLM nodes"), self.default_model)
        from studio.runtime.preferences import get_preference

        self.otlp_endpoint = QLineEdit(str(get_preference("otlp_endpoint") or ""), page)
        self.otlp_endpoint.setPlaceholderText(self.tr("off (e.g. http://127.0.0.1:4318)"))
        self.otlp_endpoint.setToolTip(self.tr("Send runs as OpenTelemetry traces to this collector"))
        form.addRow(self.tr("Traces (OTLP endpoint)"), self.otlp_endpoint)
        self.cache_size = QLabel(page)
        self.clear_cache = QPushButton(self.tr("Clear"), page)
        self.clear_cache.setToolTip(
            self.tr("Forget every cached node output; the next runs compute them again")
        )
        self.clear_cache.clicked.connect(self.clear_run_cache)
        row = QHBoxLayout()
        row.addWidget(self.cache_size, 1)
        row.addWidget(self.clear_cache)
        form.addRow(self.tr("Run cache"), row)
        self._show_cache_size()
        return page

    def _appearance_page(self) -> QWidget:
        page = QWidget(self)
        form = QFormLayout(page)
        self.theme = QComboBox(page)
        self.theme.addItem(self.tr("Light"), "light")
        self.theme.addItem(self.tr("Dark"), "dark")
        self.theme.addItem(self.tr("Follow system"), "system")
        self.theme.setCurrentIndex(max(0, self.theme.findData(settings_store.get("theme", "light"))))
        self.theme.setToolTip(self.tr("Colours of the windows and the canvas"))
        self.language = QComboBox(page)
        for code, name in i18n.LANGUAGES.items():
            self.language.addItem(name, code)
        current_language = settings_store.get("language", "en")
        self.language.setCurrentIndex(max(0, self.language.findData(current_language)))
        self.language.setToolTip(self.tr("Switches at once; open flows stay as they are"))
        form.addRow(self.tr("Theme"), self.theme)
        form.addRow(self.tr("Language"), self.language)
        return page

    # -- cache ----------------------------------------------------------------------------------

    def _show_cache_size(self) -> None:
        from studio.engine.cache import default_cache

        size = human_size(default_cache().size_bytes())
        self.cache_size.setText(self.tr("%s of saved node outputs") % size)

    def clear_run_cache(self) -> None:
        """Empty the run cache and show the new size."""
        from studio.engine.cache import default_cache

        default_cache().clear()
        self._show_cache_size()

    # -- API keys -------------------------------------------------------------------------------

    @staticmethod
    def _has_key(name: str) -> bool:
        return name in settings_store.stored_secret_names()

    def _store_key(self, name: str) -> str | None:
        """Save the key typed for `name` (if any); returns a problem or None."""
        edit = self.keys[name]
        value = edit.text().strip()
        if not value:
            return None
        from studio.runtime.safety.secrets import NoKeyring, set_secret

        try:
            set_secret(name, value)
            settings_store.remember_secret_name(name)
            edit.clear()
            edit.setPlaceholderText(self.tr("unchanged"))
        except NoKeyring:  # a Linux desktop without a secret service: ask, never block
            self._without_keyring(name, value)
        except Exception:  # a keyring that failed otherwise; its text is not for users
            problem = self.tr(
                "The system keyring could not store %s; try again, or set it as an environment variable"
            )
            return problem % name
        return None

    def _without_keyring(self, name: str, value: str) -> None:
        from studio.gui.no_keyring import SESSION, ask_without_keyring, environment_hint
        from studio.runtime.safety.secrets import set_session_secret

        choice = ask_without_keyring(self, name)
        self.keys[name].clear()
        if choice == SESSION:
            set_session_secret(name, value)
            self.keys[name].setPlaceholderText(self.tr("kept for this session"))
        elif choice is not None:
            self.message.setText(environment_hint(name))

    def test_key(self, name: str) -> None:
        """Check a key with a one-token call in a worker thread; the answer shows beside it."""
        problem = self._store_key(name)
        result = self.test_results[name]
        result.show()
        if problem:
            result.setText(problem)
            return
        self.test_buttons[name].setEnabled(False)
        result.setStyleSheet("")
        result.setText(self.tr("Testing…"))
        model, api_base = self.test_targets[name]
        check_key_in_thread(name, model, api_base, functools.partial(self._emit_tested, name))

    def _emit_tested(self, name: str, problem: str | None) -> None:
        # Queued to the GUI thread; RuntimeError when the dialog was closed before the answer came.
        with contextlib.suppress(RuntimeError):
            self.keyTested.emit(name, problem)

    def _show_test_result(self, name: str, problem: str | None) -> None:
        self.test_buttons[name].setEnabled(True)
        label = self.test_results[name]
        if problem is None:
            label.setStyleSheet("color: #2e7d32;")
            label.setText(self.tr("The key works."))
        else:
            label.setStyleSheet("color: #c62828;")
            label.setText(self.tr("The key did not work: %s") % problem)

    # -- OK -------------------------------------------------------------------------------------

    def apply(self) -> list[str]:
        """Store keys, then switch theme and language. Returns problems (e.g. no keyring)."""
        problems = [p for p in (self._store_key(name) for name in self.keys) if p]
        self.allowed_folders.apply()
        settings_store.put("default_model", self.default_model.currentText().strip())
        endpoint = self.otlp_endpoint.text().strip()
        if endpoint and not endpoint.startswith(("http://", "https://")):
            problems.append(self.tr("Traces: the OTLP endpoint must start with http:// or https://"))
        else:
            from studio.runtime.preferences import set_preference

            set_preference("otlp_endpoint", endpoint or None)
        theme = self.theme.currentData()
        settings_store.put("theme", theme)
        apply_theme = getattr(self.window_, "apply_theme", None)
        if apply_theme:
            from studio.gui.theme import is_dark

            apply_theme(is_dark(theme))
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
