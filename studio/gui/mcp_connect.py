"""MCP in the Studio: approving server commands before a run, and the inspector's Connect button.

A stdio MCP server is a program on this computer, so the Studio asks before starting one: a
confirmation naming the exact command, decided once per flow and command for the session (the
answer is handed to the run as approved command lines, `allow_mcp` in its extras). The
inspector of an MCP node gets a Connect button that lists the server's tools; nothing connects
or starts until it is clicked.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, Signal
from PySide6.QtWidgets import QLabel, QMessageBox, QPushButton, QVBoxLayout, QWidget

from studio.runtime.mcp.server import McpError, McpServer, McpTool, command_text

translate = QCoreApplication.translate
MCP_NODE_TYPES = ("mcp.tools", "mcp.call")
# (flow, command line) -> the user's answer, for this session of the Studio.
_decisions: dict[tuple[str, str], bool] = {}


def forget_decisions() -> None:
    """Forget every answer (tests; a new session)."""
    _decisions.clear()


def ask_to_start(parent: QWidget | None, flow_key: str, argv: list[str]) -> bool:
    """Whether the user lets this flow start this command (asked once per flow and command)."""
    line = command_text(argv)
    key = (flow_key, line)
    if key not in _decisions:
        answer = QMessageBox.question(
            parent,
            translate("McpConnect", "Start an MCP server?"),
            translate(
                "McpConnect",
                "This flow wants to start a program on this computer as an MCP server:\n\n%s\n\nStart it?",
            )
            % line,
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        _decisions[key] = answer == QMessageBox.StandardButton.Yes
    return _decisions[key]


def approve_run(
    parent: QWidget | None, flow: Any, flow_key: str, extras: dict[str, Any] | None
) -> dict[str, Any] | None:
    """The run's extras with the MCP commands the user approved (asking for new ones first).

    A command the user declined is left out: its node then fails with the sentence that says how
    to approve it, and nothing starts.
    """
    commands = []
    for node in flow.nodes:
        command = node.config.get("command") if node.type in MCP_NODE_TYPES else None
        if isinstance(command, list) and command and all(isinstance(part, str) for part in command):
            commands.append(command)
    if not commands:
        return extras
    approved = [command_text(argv) for argv in commands if ask_to_start(parent, flow_key, argv)]
    return {**(extras or {}), "allow_mcp": approved}


def flow_key(doc: Any) -> str:
    """Which flow an approval belongs to: its file, else its id."""
    return str(doc.path) if getattr(doc, "path", None) else str(doc.flow.id)


def server_of(config: dict[str, Any], cwd: str | None = None) -> McpServer:
    """The server an MCP node's settings name, secrets resolved (for Connect)."""
    from studio.runtime.safety.secrets import get_secret

    def resolved(refs: Any, what: str) -> dict[str, str]:
        values = {}
        for name, ref in (refs or {}).items():
            secret = ref.get("secret") if isinstance(ref, dict) else None
            if not isinstance(secret, str):
                raise McpError(f"{what} {name}: give a secret reference {{'secret': 'NAME'}}")
            values[str(name)] = get_secret(secret, purpose=f"{what} {name}") or ""
        return values

    return McpServer(
        command=tuple(str(part) for part in config.get("command") or ()),
        url=str(config.get("url") or ""),
        env=resolved(config.get("env"), "env"),
        headers=resolved(config.get("headers"), "header"),
        cwd=cwd,
        allow_private=bool(config.get("allow_loopback")),
        timeout_s=float(config.get("timeout_s") or 30.0),
    )


class _Delivery(QObject):
    done = Signal(object)  # list[McpTool] or an error message


class ConnectPanel(QWidget):
    """A Connect button and the tools it found. `config()` gives the node's current settings."""

    def __init__(
        self,
        config: Callable[[], dict[str, Any]],
        key: str,
        cwd: str | None = None,
        parent: QWidget | None = None,
    ):
        super().__init__(parent)
        self._config = config
        self._flow_key = key
        self._cwd = cwd
        self.button = QPushButton(translate("McpConnect", "Connect"), self)
        self.button.setToolTip(translate("McpConnect", "Connect to the server now and list its tools"))
        self.result = QLabel(self)
        self.result.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.button)
        layout.addWidget(self.result)
        self._delivery = _Delivery(self)
        self._delivery.done.connect(self._show)
        self.button.clicked.connect(self.connect_now)
        self.tools: list[McpTool] = []

    def connect_now(self) -> None:
        """List the server's tools in a worker thread (after approval when it is a command)."""
        try:
            server = server_of(self._config(), self._cwd)
        except (McpError, LookupError) as error:
            self._show(str(error))
            return
        if not server.command and not server.url:
            self._show(translate("McpConnect", "Set a command or a URL first."))
            return
        if server.command and not ask_to_start(self.window(), self._flow_key, list(server.command)):
            self._show(translate("McpConnect", "Not connected: starting the command was declined."))
            return
        self.button.setEnabled(False)
        self.result.setText(translate("McpConnect", "Connecting…"))
        threading.Thread(target=self._work, args=(server,), daemon=True).start()

    def _work(self, server: McpServer) -> None:
        from studio.runtime.mcp.client import list_tools

        try:
            found: object = asyncio.run(list_tools(server))
        except McpError as error:
            found = str(error)
        except Exception as error:  # never a traceback in the inspector
            found = f"{type(error).__name__}: {str(error)[:200]}"
        # The inspector may have shown another node meanwhile: then nobody is left to tell.
        with contextlib.suppress(RuntimeError):
            self._delivery.done.emit(found)

    def _show(self, found: object) -> None:
        self.button.setEnabled(True)
        if isinstance(found, str):
            self.tools = []
            self.result.setStyleSheet("color: #e53935;")
            self.result.setText(found)
            return
        self.tools = list(found) if isinstance(found, list) else []
        self.result.setStyleSheet("")
        lines = [
            f"• {tool.name}: {tool.description}" if tool.description else f"• {tool.name}"
            for tool in self.tools
        ]
        heading = translate("McpConnect", "%d tool(s):") % len(self.tools)
        self.result.setText("\n".join([heading, *lines]))


def connect_row(
    node_type: str, config: Callable[[], dict[str, Any]], doc: Any, parent: QWidget
) -> QWidget | None:
    """The inspector's extra row for an MCP node (None for every other node type)."""
    if node_type not in MCP_NODE_TYPES:
        return None
    base = getattr(doc, "base_dir", None)  # the flow file's folder, as runs use it
    cwd = str(base) if base else None
    return ConnectPanel(config, flow_key(doc), cwd, parent)
