"""The model picker of LLM nodes: an editable list grouped by provider (built-in, installed GGUF
files, Ollama, LM Studio / llama.cpp servers, API providers with a key set) and an
"Add a provider…" entry that opens the key settings.

Local servers are asked in a worker thread; their groups appear when they answer, so opening the
inspector never waits. Picking a server's model also fills the node's `api_base` setting.
"""

from __future__ import annotations

import threading
import time
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QComboBox, QWidget

# Example models for API providers, offered when their key is set (keyring, session or env).
API_PROVIDERS: list[tuple[str, str, list[str]]] = [
    ("OpenAI", "OPENAI_API_KEY", ["openai/gpt-4o-mini", "openai/gpt-4o"]),
    ("Anthropic", "ANTHROPIC_API_KEY", ["anthropic/claude-3-5-haiku-latest"]),
    ("Google Gemini", "GEMINI_API_KEY", ["gemini/gemini-1.5-flash"]),
    ("OpenRouter", "OPENROUTER_API_KEY", ["openrouter/openai/gpt-4o-mini"]),
]
# Where discovery looks; tests point it at their fake servers.
DISCOVERY_OPTIONS: dict[str, Any] = {}
# Seconds a discovery answer is reused (every inspector opening would otherwise ask again).
DISCOVERY_TTL_S = 15.0
_discovered: tuple[float, list[Any]] | None = None
_discovered_lock = threading.Lock()
API_BASE_ROLE = 0x0101  # Qt.UserRole + 1: the item's api_base


def forget_discovery() -> None:
    """Ask the servers again next time (after a server was started or stopped)."""
    global _discovered
    with _discovered_lock:
        _discovered = None


def _discover() -> list[Any]:
    global _discovered
    with _discovered_lock:
        if _discovered is not None and time.monotonic() - _discovered[0] < DISCOVERY_TTL_S:
            return _discovered[1]
    from studio.runtime.models.discovery import discover

    statuses = discover(**DISCOVERY_OPTIONS)
    with _discovered_lock:
        _discovered = (time.monotonic(), statuses)
    return statuses


def local_groups() -> list[tuple[str, list[str]]]:
    """(group title, model strings) for what is on disk and the API providers with a key."""
    from studio.runtime.llm.types import BUILTIN_MODEL

    groups: list[tuple[str, list[str]]] = [("Built-in", [BUILTIN_MODEL])]
    try:
        from studio.runtime.models.installed import list_installed

        files = [m.model for m in list_installed() if not m.builtin]
    except Exception:  # the runtime is optional for editing
        files = []
    if files:
        groups.append(("Installed GGUF", files))
    keys = key_names()
    for provider, variable, models in API_PROVIDERS:
        if variable in keys:
            groups.append((provider, models))
    return groups


def key_names() -> set[str]:
    """API-key names that have a value: in the environment, saved through Settings (the keyring is
    not read here: a locked keyring would stall the inspector) or kept for this session."""
    import os

    from studio.gui.settings_store import stored_secret_names
    from studio.runtime.safety.secrets import session_secret_names

    names = {name for name in os.environ if os.environ.get(name)}
    return names | set(stored_secret_names()) | set(session_secret_names())


class _DiscoveryRelay(QObject):
    """Carries discovery results from worker threads to the pickers. It lives as long as the app:
    a worker that emitted on a picker the user had closed meanwhile would touch a deleted object
    (a crash, not an exception); a closed picker's connection to the relay is simply gone."""

    found = Signal(int, object)  # (request number, list of ServerStatus)


_relay: _DiscoveryRelay | None = None
_requests = iter(range(1, 1 << 62))


def _discovery_relay() -> _DiscoveryRelay:
    global _relay
    if _relay is None:
        _relay = _DiscoveryRelay()
    return _relay


class ModelPicker(QComboBox):
    """An editable combo of model strings; `modelChosen` fires when the user picks or types one."""

    modelChosen = Signal(str)
    serversFound = Signal(object)  # list of ServerStatus, from the worker thread

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setEditable(True)
        self.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.add_label = self.tr("Add a provider…")
        self._model = QStandardItemModel(self)
        self.setModel(self._model)
        self._last = ""
        self._server_bases: set[str] = set()
        self.statuses: list[Any] | None = None
        self._fill(None)
        self.editTextChanged.connect(self._text_changed)
        self.activated.connect(self._activated)
        self.serversFound.connect(self._servers_found)
        self._request = 0
        _discovery_relay().found.connect(self._on_relay)
        self.refresh()

    # -- contents -------------------------------------------------------------------------------

    def refresh(self) -> None:
        """Ask the local servers (in a worker thread) and show their models when they answer."""

        relay, request = _discovery_relay(), next(_requests)
        self._request = request

        def work() -> None:
            try:
                statuses = _discover()
            except Exception:  # discovery must never break the inspector
                statuses = []
            relay.found.emit(request, statuses)

        threading.Thread(target=work, name="model-picker-discovery", daemon=True).start()

    def _header(self, title: str) -> None:
        item = QStandardItem(title)
        item.setEnabled(False)
        item.setSelectable(False)
        font = item.font()
        font.setBold(True)
        item.setFont(font)
        self._model.appendRow(item)

    def _entry(self, model: str, api_base: str | None = None) -> None:
        item = QStandardItem(model)
        item.setData(api_base, API_BASE_ROLE)
        if api_base:
            item.setToolTip(api_base)
        self._model.appendRow(item)

    def _fill(self, statuses: list[Any] | None) -> None:
        text = self.currentText()
        self.blockSignals(True)
        try:
            self._model.clear()
            titles = {"Built-in": self.tr("Built-in"), "Installed GGUF": self.tr("Installed GGUF")}
            for title, models in local_groups():
                self._header(titles.get(title, title))
                for model in models:
                    self._entry(model)
            self._server_bases = set()
            for status in statuses or []:
                if status.found and status.models:
                    self._header(f"{status.provider} ({status.url})")
                    self._server_bases.add(status.url)
                    for server_model in status.models:
                        self._entry(server_model.model, server_model.api_base)
            add = QStandardItem(self.add_label)
            add.setData("add", API_BASE_ROLE + 1)
            self._model.appendRow(add)
            self.setEditText(text)
        finally:
            self.blockSignals(False)

    def _on_relay(self, request: int, statuses: object) -> None:
        if request == self._request:
            self.serversFound.emit(statuses)

    def _servers_found(self, statuses: list[Any]) -> None:
        self.statuses = statuses
        self._fill(statuses)

    # -- choosing -------------------------------------------------------------------------------

    def setEditText(self, text: str) -> None:
        """Show a model string (the inspector loading the node's value, too)."""
        if text != self.add_label:
            self._last = text
        super().setEditText(text)

    def _text_changed(self, text: str) -> None:
        if text == self.add_label:
            self.blockSignals(True)
            self.setEditText(self._last)
            self.blockSignals(False)
            QTimer.singleShot(0, self.open_key_dialog)
            return
        self._last = text
        self.modelChosen.emit(text)

    def _activated(self, index: int) -> None:
        item = self._model.item(index)
        if item is None or item.text() == self.add_label:
            return
        api_base = item.data(API_BASE_ROLE)
        if api_base:
            self._set_api_base(str(api_base))
        else:
            self._clear_server_api_base()

    def _inspector(self) -> Any:
        """The inspector holding this field (it has `editors` and `_edited`), or None."""
        widget = self.parentWidget()
        while widget is not None:
            if isinstance(getattr(widget, "editors", None), dict) and hasattr(widget, "_edited"):
                return widget
            widget = widget.parentWidget()
        return None

    def _set_api_base(self, value: str | None) -> None:
        inspector = self._inspector()
        if inspector is None or "api_base" not in inspector.editors:
            return
        inspector.editors["api_base"].set_value(value)
        inspector._edited("api_base", value)

    def _clear_server_api_base(self) -> None:
        """A non-server model was picked: drop an api_base that points at a discovered server."""
        inspector = self._inspector()
        if inspector is None or "api_base" not in inspector.editors:
            return
        current = inspector.editors["api_base"].value()
        if current and str(current).rstrip("/") in {b.rstrip("/") for b in self._server_bases}:
            self._set_api_base(None)

    def open_key_dialog(self) -> None:
        """Open Settings (its first tab holds the API keys) through the main window, then offer
        the providers whose key is now set. Not imported here: Settings uses the field editors,
        which use this picker."""
        open_settings = getattr(self.window(), "open_settings", None)
        if callable(open_settings):
            open_settings()
        self._fill(self.statuses)
