"""MCP nodes in the Studio: the inspector's Connect button lists a real server's tools (only when
clicked), and a run asks before starting a server command, naming it, once per flow and command."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from studio.gui import mcp_connect
from tests.runtime.mcp.helpers import alive, fake_command, started


@pytest.fixture
def pids(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "pids.txt"
    monkeypatch.setenv("MCP_FAKE_PIDS", str(path))
    mcp_connect.forget_decisions()
    return path


@pytest.fixture
def asked(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Answers every 'Start an MCP server?' with Yes, recording the question's text."""
    texts: list[str] = []

    def question(parent: Any, title: str, text: str, *args: Any) -> QMessageBox.StandardButton:
        texts.append(text)
        return QMessageBox.StandardButton.Yes if "other.py" not in text else QMessageBox.StandardButton.No

    monkeypatch.setattr(QMessageBox, "question", question)
    return texts


def mcp_window(make_window: Any) -> tuple[Any, Any, str]:
    from studio.engine.registry import default_registry

    win = make_window(registry=default_registry())
    win.show()
    tab = win.new_flow()
    env = {"MCP_FAKE_PIDS": {"secret": "MCP_FAKE_PIDS"}}
    node = tab.doc.add_node("mcp.tools", (0, 0), {"command": fake_command(), "env": env})
    return win, tab, node


def test_connect_lists_the_tools_only_when_clicked(
    make_window: Any, qtbot: Any, pids: Path, asked: list[str]
) -> None:
    win, tab, node = mcp_window(make_window)
    tab.scene.select_nodes([node])
    panel = win.inspector.findChild(mcp_connect.ConnectPanel)
    assert panel is not None and panel.button.text() == "Connect"
    assert started(pids) == [] and asked == []  # showing the node starts nothing and asks nothing
    qtbot.mouseClick(panel.button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(
        lambda: "tool(s)" in panel.result.text() or panel.result.styleSheet() != "", timeout=60_000
    )
    assert {"echo", "add"} <= {tool.name for tool in panel.tools}
    assert "• add: Add two whole numbers." in panel.result.text()
    assert asked and fake_command()[1] in asked[0]  # the exact command was named
    assert len(started(pids)) == 1
    qtbot.waitUntil(lambda: not any(alive(pid) for pid in started(pids)), timeout=30_000)


def test_a_run_asks_once_per_flow_and_command_and_a_no_is_a_clear_node_error(
    make_window: Any, qtbot: Any, pids: Path, asked: list[str]
) -> None:
    win, tab, node = mcp_window(make_window)
    other = tab.doc.add_node("mcp.call", (0, 200), {"command": ["python", "other.py"], "tool": "x"})
    out = tab.doc.add_node("io.output", (300, 0), {"name": "listing"})
    tab.doc.connect_ports(node, "listing", out, "value")
    results = []
    for _ in range(2):
        with qtbot.waitSignal(win.runFinished, timeout=120_000) as finished:
            assert win.run_control.run_all({})
        results.append(finished.args[0])
    assert len(asked) == 2  # two commands, each asked about once; the second run asked nothing
    assert [r.nodes[node].status for r in results] == ["done", "done"]
    declined = results[-1].nodes[other]
    assert declined.status == "failed"
    assert "`python other.py` was not approved, so it was not started" in (declined.error or "")
    assert len(started(pids)) == 2  # the approved server, once per run; never other.py
    qtbot.waitUntil(lambda: not any(alive(pid) for pid in started(pids)), timeout=30_000)
