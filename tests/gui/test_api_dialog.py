"""Run > API…: the dialog shows the endpoint, a masked key and snippets; Start serves the flow's
folder with a real `studio serve` process that answers the snippet's request; Stop ends it, and
so does closing the window."""

from __future__ import annotations

import shutil
from pathlib import Path

import httpx
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QLineEdit

from studio.engine.registry import default_registry

ROOT = Path(__file__).resolve().parents[2]


def _open_dialog(make_window, qtbot, tmp_path: Path):
    folder = tmp_path / "served"
    folder.mkdir()
    path = folder / "echo.json"
    shutil.copy(ROOT / "tests" / "fixtures" / "flows" / "serve" / "echo.json", path)
    window = make_window(registry=default_registry())
    window.show()
    qtbot.waitExposed(window)
    window.open_path(path)
    action = window.api.action
    assert action in window.action_set.menus["run"].actions()
    action.trigger()
    dialog = window.api.dialog
    qtbot.waitExposed(dialog)
    return window, dialog


def test_start_serving_answers_the_snippet_request_then_stop(make_window, qtbot, tmp_path: Path) -> None:
    window, dialog = _open_dialog(make_window, qtbot, tmp_path)
    assert dialog.key_field.echoMode() == QLineEdit.EchoMode.Password
    assert dialog.endpoint.text().endswith("/api/v1/flows/echo/run")
    assert '"topic"' in dialog.code["curl"].toPlainText()
    assert "httpx.post" in dialog.code["python"].toPlainText()  # not a chat flow: httpx, not openai
    assert dialog.key.value not in dialog.code["curl"].toPlainText()  # snippets read the key from the env
    qtbot.mouseClick(dialog.show_key, Qt.MouseButton.LeftButton)
    assert dialog.key_field.echoMode() == QLineEdit.EchoMode.Normal
    qtbot.mouseClick(dialog.copy_key, Qt.MouseButton.LeftButton)
    key = QGuiApplication.clipboard().text()
    assert key == dialog.key.value and len(key) > 20

    qtbot.mouseClick(dialog.switch, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.server.base_url is not None, timeout=120_000)
    assert dialog.switch.isChecked()
    assert dialog.server.base_url in dialog.status.text()
    endpoint = dialog.endpoint.text()
    assert (
        endpoint.startswith("http://127.0.0.1:") and endpoint != "http://127.0.0.1:8321/api/v1/flows/echo/run"
    )
    # What the curl snippet does, with httpx.
    answer = httpx.post(
        endpoint, headers={"Authorization": f"Bearer {key}"}, json={"inputs": {"topic": "Hello"}}, timeout=120
    )
    assert answer.status_code == 200
    assert answer.json()["outputs"] == {"result": "about: Hello"}
    assert httpx.post(endpoint, json={"inputs": {"topic": "x"}}, timeout=60).status_code == 401

    qtbot.mouseClick(dialog.switch, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.server.running(), timeout=30_000)
    assert not dialog.switch.isChecked()
    assert dialog.endpoint.text() == "http://127.0.0.1:8321/api/v1/flows/echo/run"
    window.close()


def test_closing_the_window_stops_the_server(make_window, qtbot, tmp_path: Path) -> None:
    window, dialog = _open_dialog(make_window, qtbot, tmp_path)
    qtbot.mouseClick(dialog.switch, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.server.base_url is not None, timeout=120_000)
    url = dialog.server.base_url
    window.close()
    assert not window.api.server.running()
    try:
        httpx.get(f"{url}/health", timeout=5)
        reachable = True
    except httpx.HTTPError:
        reachable = False
    assert not reachable


def test_an_unsaved_flow_cannot_be_served(window, qtbot) -> None:
    window.new_flow()
    window.api.action.trigger()
    dialog = window.api.dialog
    qtbot.waitExposed(dialog)
    assert not dialog.switch.isEnabled()
    assert "Save the flow first" in dialog.status.text()
