"""Run > API…: call the current flow from other programs. The endpoint, the key (masked, Copy),
copyable curl / Python / JavaScript snippets for this flow, and a Start/Stop serving switch that
serves the flow's folder with `studio serve` in a background process on 127.0.0.1.

The server process is the `studio serve` command itself (so what the dialog shows is what the
command does), given the key through its environment; it is stopped when the main window closes.
The key comes from studio.server.auth: CHAIN_STUDIO_API_KEY, the keyring, or one made now.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, QProcess, QProcessEnvironment, Signal
from PySide6.QtGui import QAction, QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QPlainTextEdit,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from studio.server.auth import ENV_VAR, ApiKey, resolve_api_key

__all__ = ["ApiDialog", "ApiMenu", "ServeProcess", "snippets"]

DEFAULT_PORT = 8321
STOP_WAIT_MS = 15_000


def flow_id_of(path: Path) -> str:
    """The id `studio serve` gives a flow file (as studio.server.catalogue.flow_id_for)."""
    return path.stem.replace("_", "-")


def _first_input(path: Path | None) -> tuple[str, bool]:
    """(name of the flow's first input, whether it is a chat input), read from the file as data."""
    if path is None:
        return "input", False
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        for node in data.get("nodes", []):
            if node.get("type") in ("io.text_input", "io.chat_input"):
                name = str(
                    node.get("config", {}).get("name") or ("message" if "chat" in node["type"] else "input")
                )
                return name, node["type"] == "io.chat_input"
    except (OSError, ValueError, AttributeError, TypeError):
        pass
    return "input", False


def snippets(base_url: str, flow_id: str, input_name: str, chat: bool) -> dict[str, str]:
    """Code that calls the flow: "curl", "python" (openai for chat flows, else httpx), "javascript".

    The key is read from the CHAIN_STUDIO_API_KEY environment variable, never written in the code.
    """
    run_url = f"{base_url}/api/v1/flows/{flow_id}/run"
    body = json.dumps({"inputs": {input_name: "Hello"}})
    curl = (
        f"curl -X POST {run_url} \\\n"
        f'  -H "Authorization: Bearer ${ENV_VAR}" \\\n'
        f'  -H "Content-Type: application/json" \\\n'
        f"  -d '{body}'"
    )
    if chat:
        python = (
            "import os\n"
            "from openai import OpenAI\n\n"
            f'client = OpenAI(base_url="{base_url}/v1", api_key=os.environ["{ENV_VAR}"])\n'
            "reply = client.chat.completions.create(\n"
            f'    model="{flow_id}", messages=[{{"role": "user", "content": "Hello"}}]\n'
            ")\n"
            "print(reply.choices[0].message.content)\n"
        )
    else:
        python = (
            "import os\n"
            "import httpx\n\n"
            "answer = httpx.post(\n"
            f'    "{run_url}",\n'
            f'    headers={{"Authorization": "Bearer " + os.environ["{ENV_VAR}"]}},\n'
            f"    json={body},\n"
            "    timeout=300,\n"
            ")\n"
            'print(answer.json()["outputs"])\n'
        )
    javascript = (
        f'const answer = await fetch("{run_url}", {{\n'
        '  method: "POST",\n'
        "  headers: {\n"
        f'    "Authorization": `Bearer ${{process.env.{ENV_VAR}}}`,\n'
        '    "Content-Type": "application/json",\n'
        "  },\n"
        f"  body: JSON.stringify({body}),\n"
        "});\n"
        "console.log((await answer.json()).outputs);\n"
    )
    return {"curl": curl, "python": python, "javascript": javascript}


class ServeProcess(QObject):
    """One background `studio serve FOLDER --port 0` process on 127.0.0.1."""

    started = Signal(str)  # the base URL
    stopped = Signal(str)  # why, when it ended on its own ("" when asked to stop)

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self.process: QProcess | None = None
        self.folder: Path | None = None
        self.base_url: str | None = None
        self._stopping = False
        self._output = ""
        self._errors = ""

    def running(self) -> bool:
        """Whether the server process is up (started, maybe not yet answering)."""
        return self.process is not None and self.process.state() != QProcess.ProcessState.NotRunning

    def start(self, folder: Path, key: ApiKey) -> None:
        """Serve `folder`; `started` comes once the server prints its address."""
        self.stop()
        self.folder, self.base_url, self._output, self._errors = folder, None, "", ""
        self._stopping = False
        process = QProcess(self)
        env = QProcessEnvironment.systemEnvironment()
        env.insert(ENV_VAR, key.value)  # the key reaches the server this way only, never a file
        process.setProcessEnvironment(env)
        process.readyReadStandardOutput.connect(self._read_output)
        process.readyReadStandardError.connect(self._read_errors)
        process.finished.connect(self._finished)
        self.process = process
        process.start(sys.executable, ["-m", "studio.cli", "serve", str(folder), "--port", "0"])

    def _read_output(self) -> None:
        if self.process is None:
            return
        self._output += bytes(self.process.readAllStandardOutput().data()).decode("utf-8", "replace")
        if self.base_url is None and " on http://" in self._output:
            self.base_url = self._output.split(" on ", 1)[1].split()[0]
            self.started.emit(self.base_url)

    def _read_errors(self) -> None:
        if self.process is not None:
            text = bytes(self.process.readAllStandardError().data()).decode("utf-8", "replace")
            self._errors = (self._errors + text)[-4000:]

    def _finished(self) -> None:
        lines = [line.strip() for line in self._errors.splitlines() if line.strip()]
        why = "" if self._stopping else (lines[-1] if lines else "the server stopped")
        self.base_url = None
        self.stopped.emit(why)

    def stop(self) -> None:
        """Stop the server (SIGTERM: runs under way are stopped and recorded), waiting for it."""
        process = self.process
        if process is None or process.state() == QProcess.ProcessState.NotRunning:
            return
        self._stopping = True
        process.terminate()
        if not process.waitForFinished(STOP_WAIT_MS):
            process.kill()
            process.waitForFinished(STOP_WAIT_MS)


class ApiDialog(QDialog):
    """The API of one flow: endpoint, key, snippets, and the serving switch."""

    def __init__(
        self,
        parent: QWidget | None = None,
        flow_path: Path | None = None,
        server: ServeProcess | None = None,
        key: ApiKey | None = None,
    ):
        super().__init__(parent)
        self.setObjectName("ApiDialog")
        self.flow_path = flow_path.resolve() if flow_path else None
        self.server = server or ServeProcess(self)
        self.key = key or resolve_api_key(generate=True)
        assert self.key is not None
        self.resize(720, 560)
        self.status = QLabel(self)
        self.status.setWordWrap(True)
        self.switch = QPushButton(self)
        self.switch.setObjectName("serveSwitch")
        self.switch.setCheckable(True)
        self.switch.clicked.connect(self._toggle)
        self.endpoint = QLineEdit(self)
        self.endpoint.setReadOnly(True)
        self.key_field = QLineEdit(self.key.value, self)
        self.key_field.setReadOnly(True)
        self.key_field.setEchoMode(QLineEdit.EchoMode.Password)
        self.show_key = QPushButton(self)
        self.show_key.setCheckable(True)
        self.show_key.toggled.connect(self._show_key)
        self.copy_endpoint = QPushButton(self)
        self.copy_endpoint.clicked.connect(lambda: self._copy(self.endpoint.text()))
        self.copy_key = QPushButton(self)
        self.copy_key.clicked.connect(lambda: self._copy(self.key_field.text()))
        self.tabs = QTabWidget(self)
        self.code: dict[str, QPlainTextEdit] = {}
        self.copy_code: dict[str, QPushButton] = {}
        for name in ("curl", "python", "javascript"):
            page = QWidget(self.tabs)
            box = QVBoxLayout(page)
            editor = QPlainTextEdit(page)
            editor.setReadOnly(True)
            editor.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
            button = QPushButton(page)
            button.clicked.connect(lambda _checked=False, e=editor: self._copy(e.toPlainText()))
            box.addWidget(editor)
            box.addWidget(button)
            self.code[name], self.copy_code[name] = editor, button
            self.tabs.addTab(page, "")
        self.close_button = QPushButton(self)
        self.close_button.clicked.connect(self.close)
        self._layout()
        self.server.started.connect(self._refresh)
        self.server.stopped.connect(self._ended)
        self._ended_why = ""
        self.retranslate()

    def _layout(self) -> None:
        self.endpoint_label, self.key_label = QLabel(self), QLabel(self)
        form = QFormLayout()
        row = QHBoxLayout()
        row.addWidget(self.endpoint, 1)
        row.addWidget(self.copy_endpoint)
        form.addRow(self.endpoint_label, row)
        row = QHBoxLayout()
        row.addWidget(self.key_field, 1)
        row.addWidget(self.show_key)
        row.addWidget(self.copy_key)
        form.addRow(self.key_label, row)
        top = QHBoxLayout()
        top.addWidget(self.status, 1)
        top.addWidget(self.switch)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(form)
        layout.addWidget(self.tabs, 1)
        bottom = QHBoxLayout()
        bottom.addStretch(1)
        bottom.addWidget(self.close_button)
        layout.addLayout(bottom)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def retranslate(self) -> None:
        """Every text in the current language."""
        name = self.flow_path.name if self.flow_path else self.tr("this flow")
        self.setWindowTitle(self.tr("API: %s") % name)
        self.endpoint_label.setText(self.tr("Endpoint"))
        self.key_label.setText(self.tr("API key"))
        self.copy_endpoint.setText(self.tr("Copy"))
        self.copy_key.setText(self.tr("Copy"))
        self.show_key.setText(self.tr("Show"))
        self.key_field.setToolTip(self.tr("Send it as the header “Authorization: Bearer KEY”."))
        for index, title in enumerate((self.tr("curl"), self.tr("Python"), self.tr("JavaScript"))):
            self.tabs.setTabText(index, title)
        for button in self.copy_code.values():
            button.setText(self.tr("Copy code"))
        self.close_button.setText(self.tr("Close"))
        self._refresh()

    def serving_here(self) -> bool:
        """Whether the server runs for this flow's folder."""
        return (
            self.server.running()
            and self.flow_path is not None
            and self.server.folder == self.flow_path.parent
        )

    def base_url(self) -> str:
        """The server's address (the default one until it is started)."""
        if self.serving_here() and self.server.base_url:
            return self.server.base_url
        return f"http://127.0.0.1:{DEFAULT_PORT}"

    def _refresh(self, *_args: object) -> None:
        serving = self.serving_here()
        self.switch.setChecked(serving)
        self.switch.setEnabled(self.flow_path is not None)
        self.switch.setText(self.tr("Stop serving") if serving else self.tr("Start serving"))
        if self.flow_path is None:
            self.status.setText(self.tr("Save the flow first: the server serves flow files."))
        elif serving and self.server.base_url:
            self.status.setText(
                self.tr("Serving the flows of %s at %s (this computer only).")
                % (self.flow_path.parent.name, self.server.base_url)
            )
        elif serving:
            self.status.setText(self.tr("Starting the server…"))
        elif self._ended_why:
            self.status.setText(self.tr("The server stopped: %s") % self._ended_why)
        else:
            self.status.setText(
                self.tr("Not serving. Start serving to call this flow from other programs on this computer.")
            )
        flow_id = flow_id_of(self.flow_path) if self.flow_path else "flow"
        self.endpoint.setText(f"{self.base_url()}/api/v1/flows/{flow_id}/run")
        input_name, chat = _first_input(self.flow_path)
        for name, text in snippets(self.base_url(), flow_id, input_name, chat).items():
            self.code[name].setPlainText(text)

    def _ended(self, why: str) -> None:
        self._ended_why = why
        self._refresh()

    def _toggle(self, checked: bool) -> None:
        if checked and self.flow_path is not None and self.key is not None:
            self._ended_why = ""
            self.server.start(self.flow_path.parent, self.key)
        else:
            self.server.stop()
        self._refresh()

    def _show_key(self, shown: bool) -> None:
        self.key_field.setEchoMode(QLineEdit.EchoMode.Normal if shown else QLineEdit.EchoMode.Password)
        self.show_key.setText(self.tr("Hide") if shown else self.tr("Show"))

    @staticmethod
    def _copy(text: str) -> None:
        QGuiApplication.clipboard().setText(text)


class ApiMenu(QObject):
    """Run > API…: the action, the dialog of the current flow, and the one server process."""

    def __init__(self, window: QWidget, menu: QMenu, current_path: Callable[[], Path | None]):
        super().__init__(window)
        self.window_ = window
        self.current_path = current_path
        self.server = ServeProcess(self)
        self.dialog: ApiDialog | None = None
        self.action = QAction(window)
        self.action.triggered.connect(lambda _checked=False: self.show())
        menu.addAction(self.action)
        window.installEventFilter(self)
        app = QGuiApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self.server.stop)
        self.retranslate()

    def retranslate(self) -> None:
        """The action's text in the current language."""
        self.action.setText(self.tr("&API…"))
        self.action.setStatusTip(self.tr("Call this flow over HTTP: endpoint, key, code snippets, serving"))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.window_:
            if event.type() == QEvent.Type.LanguageChange:
                self.retranslate()
            elif event.type() == QEvent.Type.Close:
                self.server.stop()  # the server lives as long as the window
        return False

    def show(self) -> ApiDialog:
        """Open the API dialog for the current flow (one at a time)."""
        if self.dialog is not None:
            self.dialog.close()
            self.dialog.deleteLater()
        self.dialog = ApiDialog(self.window_, self.current_path(), self.server)
        self.dialog.show()
        self.dialog.raise_()
        return self.dialog
