"""`studio run --allow-mcp`: without it an MCP node's server never starts and the node says how to
approve it (exit 3); with it the server starts for the call and is gone afterwards."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from studio.flow import save_flow
from tests.builders import flow_of
from tests.conftest import ROOT
from tests.runtime.mcp.helpers import alive, fake_command, started


def test_allow_mcp_is_needed_to_start_a_server_command(tmp_path: Path, studio_home: Path) -> None:
    flow = flow_of(
        (
            "call",
            "mcp.call",
            {
                "command": fake_command(),
                "env": {"MCP_FAKE_PIDS": {"secret": "MCP_FAKE_PIDS"}},
                "tool": "add",
                "arguments": {"a": 1, "b": 2},
            },
        ),
        ("out", "io.output", {"name": "sum"}),
        wires=["call.result->out.value"],
    )
    path = tmp_path / "mcp_call.json"
    save_flow(flow, path)
    pids = tmp_path / "pids.txt"
    env = {**os.environ, "MCP_FAKE_PIDS": str(pids), "CHAIN_STUDIO_HOME": str(studio_home)}

    def studio(*args: str) -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "-m", "studio.cli", "run", str(path), *args]
        return subprocess.run(command, capture_output=True, text=True, env=env, cwd=ROOT, timeout=300)

    refused = studio()
    assert refused.returncode == 3
    assert "was not approved, so it was not started: run with `--allow-mcp`" in refused.stderr
    assert "Traceback" not in refused.stderr
    assert started(pids) == []

    allowed = studio("--allow-mcp")
    assert allowed.returncode == 0, allowed.stderr
    assert allowed.stdout.strip() == "3"
    assert len(started(pids)) == 1 and not alive(started(pids)[0])
