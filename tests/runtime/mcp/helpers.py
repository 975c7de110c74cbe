"""The fake MCP server process (tests/fakes/mcp_tools_server.py) and checks that its children are gone."""

from __future__ import annotations

import os
from pathlib import Path

from tests.conftest import ROOT

FAKE_SERVER = str(ROOT / "tests" / "fakes" / "mcp_tools_server.py")


def fake_command(mode: str = "normal") -> list[str]:
    """The argv of the fake server, as a flow would write it (`python` = this interpreter)."""
    return ["python", FAKE_SERVER, mode]


def started(pids_file: Path) -> list[int]:
    """Pids of every fake server started with MCP_FAKE_PIDS=pids_file."""
    if not pids_file.exists():
        return []
    return [int(line) for line in pids_file.read_text(encoding="utf-8").split()]


def alive(pid: int) -> bool:
    """Whether a process runs (a zombie waiting to be reaped counts as gone)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"
