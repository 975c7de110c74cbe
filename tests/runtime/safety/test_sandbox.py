"""Escape suite for the code sandbox: each attack is contained and the host process survives."""

from __future__ import annotations

import os
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from studio.runtime.safety import sandbox
from studio.runtime.safety.sandbox import NO_SANDBOX, SandboxError, SandboxUnavailable, run_code


def _leftover_children() -> list[int]:
    """Processes still running the sandbox bootstrap a moment after a run (there must be none).

    SIGKILL reaches the processes inside the sandbox's PID namespace as its init dies, which the
    kernel finishes asynchronously: a process may still be listed for a few milliseconds."""
    deadline = time.monotonic() + 3
    while (found := _bootstrap_processes()) and time.monotonic() < deadline:
        time.sleep(0.05)
    return found


def _bootstrap_processes() -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        if b"studio-sandbox-setup" in cmdline or b"_install_hook" in cmdline:
            found.append(int(entry.name))
    return found


def test_a_normal_computation_returns_its_result_and_output() -> None:
    code = (
        "import math, json\nprint('working on', name)\nresult = {'area': math.pi * r ** 2, 'n': inputs['r']}"
    )
    outcome = run_code(code, inputs={"r": 2, "name": "circle"}, timeout_s=5)
    assert outcome.ok, outcome.error
    assert outcome.result == {"area": pytest.approx(12.566, rel=1e-3), "n": 2}
    assert outcome.stdout == "working on circle\n"
    assert outcome.error is None


def test_infinite_loop_is_stopped_at_the_time_limit() -> None:
    started = time.monotonic()
    outcome = run_code("while True:\n    pass", timeout_s=1.5, cpu_s=10)
    assert not outcome.ok
    assert "time limit of 1.5 s" in (outcome.error or "")
    assert time.monotonic() - started < 4
    assert _leftover_children() == []


def test_cpu_limit_stops_a_busy_loop() -> None:
    outcome = run_code("while True:\n    pass", timeout_s=6, cpu_s=1)
    assert not outcome.ok
    assert "CPU limit of 1 s" in (outcome.error or "")


@pytest.mark.parametrize(
    "code",
    [
        "import os\nwhile True:\n    os.fork()",
        "import subprocess\nsubprocess.run(['sh', '-c', ':(){ :|:& };:'])",
        "import os\nos.system(':(){ :|:& };:')",
        "import os\nos.posix_spawn('/bin/sh', ['sh', '-c', 'sleep 30'], {})",
        "import os\nos.execv('/bin/sh', ['sh', '-c', 'sleep 30'])",
        "import pty\npty.fork()",
    ],
)
def test_fork_bombs_and_process_spawning_are_contained(code: str) -> None:
    outcome = run_code(code, timeout_s=3, cpu_s=2)
    assert not outcome.ok
    # Without bubblewrap the sandbox's /dev has no pty multiplexer, so pty.fork fails before it
    # reaches fork (whose refusal pty swallows as an OSError and falls back to openpty).
    assert "not allowed" in (outcome.error or "") or "out of pty devices" in (outcome.error or "")
    assert _leftover_children() == []
    assert os.getpid() > 0  # the host is still here to assert anything at all


def test_ten_gigabyte_allocation_hits_the_memory_limit() -> None:
    outcome = run_code("block = bytearray(10 * 1024 ** 3)\nresult = len(block)", timeout_s=3, memory_mb=256)
    assert not outcome.ok
    assert "memory limit of 256 MB" in (outcome.error or "")
    slow_growth = "chunks = []\nwhile True:\n    chunks.append(bytearray(50 * 1024 * 1024))"
    outcome = run_code(slow_growth, timeout_s=3, memory_mb=256)
    assert not outcome.ok
    assert "memory limit" in (outcome.error or "")


def test_reading_the_users_ssh_folder_finds_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    home = tmp_path / "home"
    (home / ".ssh").mkdir(parents=True)
    key = home / ".ssh" / "id_ed25519"
    key.write_text("FAKE-PRIVATE-KEY-material")
    monkeypatch.setenv("HOME", str(home))
    code = (
        "import os\n"
        "found = {}\n"
        "for path in [os.path.expanduser('~/.ssh/id_ed25519'), KEY]:\n"
        "    try:\n"
        "        found[path] = open(path).read()\n"
        "    except OSError as exc:\n"
        "        found[path] = type(exc).__name__\n"
        "try:\n"
        "    found['listing'] = os.listdir(os.path.dirname(KEY))\n"
        "except OSError as exc:\n"
        "    found['listing'] = type(exc).__name__\n"
        "result = found"
    )
    outcome = run_code(code, inputs={"KEY": str(key)}, timeout_s=3)
    assert outcome.ok, outcome.error
    everything = repr(outcome.result) + outcome.stdout + outcome.stderr
    assert "FAKE-PRIVATE-KEY" not in everything
    assert "id_ed25519" not in repr(outcome.result["listing"])
    assert set(outcome.result.values()) <= {"FileNotFoundError", "PermissionError"}


def test_the_environment_holds_no_secrets(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-fake-secret-123")
    code = (
        "import os\n"
        "seen = dict(os.environ)\n"
        "for pid in ('self', str(os.getppid()), '1', PARENT):\n"
        "    try:\n"
        "        seen[pid] = open(f'/proc/{pid}/environ', 'rb').read().decode('latin-1')\n"
        "    except OSError as exc:\n"
        "        seen[pid] = type(exc).__name__\n"
        "result = seen"
    )
    outcome = run_code(code, inputs={"PARENT": str(os.getpid())}, timeout_s=3)
    assert outcome.ok, outcome.error
    assert "sk-fake-secret-123" not in repr(outcome.result) + outcome.stdout + outcome.stderr
    assert "OPENAI_API_KEY" not in outcome.result
    assert {k for k in outcome.result if k.isupper()} <= {"PATH", "LANG", "LC_ALL", "HOME", "TMPDIR"}


CONNECT = (
    "import socket\ns = socket.create_connection(('127.0.0.1', {port}), timeout=1)\nresult = 'connected'"
)


@pytest.fixture
def tcp_listener() -> Iterator[tuple[socket.socket, int]]:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    sock.listen(8)
    sock.setblocking(False)
    yield sock, sock.getsockname()[1]
    sock.close()


def _accepted(sock: socket.socket) -> int:
    count = 0
    while True:
        try:
            conn, _ = sock.accept()
        except BlockingIOError:
            return count
        conn.close()
        count += 1


def test_opening_a_socket_is_refused_and_nothing_is_reached(tcp_listener: tuple[socket.socket, int]) -> None:
    sock, port = tcp_listener
    code = CONNECT.format(port=port)
    outcome = run_code(code, timeout_s=3)
    assert not outcome.ok
    assert outcome.result is None
    assert outcome.isolation in ("bubblewrap", "namespaces")
    assert _accepted(sock) == 0
    resolve = run_code("import socket\nresult = socket.gethostbyname('localhost')", timeout_s=3)
    assert not resolve.ok


def test_network_can_be_allowed_explicitly(tcp_listener: tuple[socket.socket, int]) -> None:
    sock, port = tcp_listener
    code = CONNECT.format(port=port)
    outcome = run_code(code, timeout_s=3, allow_network=True)
    assert outcome.ok, outcome.error
    assert outcome.result == "connected"
    time.sleep(0.05)
    assert _accepted(sock) == 1


def test_files_can_be_written_only_in_the_scratch_folder(tmp_path: Path) -> None:
    target = tmp_path / "outside.txt"
    outcome = run_code(f"open({str(target)!r}, 'w').write('x')", timeout_s=3)
    assert not outcome.ok
    assert "may not open" in (outcome.error or "")
    assert not target.exists()
    outcome = run_code(f"import os\nos.remove({str(Path(__file__))!r})", timeout_s=3)
    assert not outcome.ok
    assert Path(__file__).exists()
    local = run_code("open('notes.txt', 'w').write('kept')\nresult = open('notes.txt').read()", timeout_s=3)
    assert local.ok, local.error
    assert local.result == "kept"


def test_scratch_folder_is_removed_after_the_run() -> None:
    import tempfile

    before = {p.name for p in Path(tempfile.gettempdir()).glob("studio-code-*")}
    outcome = run_code("open('kept.txt', 'w').write('x')\nimport os\nresult = os.getcwd()", timeout_s=3)
    assert outcome.ok, outcome.error
    assert {p.name for p in Path(tempfile.gettempdir()).glob("studio-code-*")} == before


def test_ctypes_and_limit_changes_are_refused() -> None:
    outcome = run_code("import ctypes\nctypes.CDLL(None).system(b'id')", timeout_s=3)
    assert not outcome.ok and "ctypes" in (outcome.error or "")
    outcome = run_code("import resource\nresource.setrlimit(resource.RLIMIT_CPU, (1000, 1000))", timeout_s=3)
    assert not outcome.ok and "not allowed" in (outcome.error or "")


def test_output_is_truncated_and_large_results_refused() -> None:
    outcome = run_code("print('x' * 200000)\nresult = 1", timeout_s=3, max_output=1000)
    assert outcome.ok
    assert outcome.stdout.startswith("x" * 1000)
    assert "output truncated" in outcome.stdout
    assert len(outcome.stdout) < 1200
    big = run_code("result = 'y' * 50000", timeout_s=3, max_result_bytes=10000)
    assert not big.ok and "larger than the 10000-byte limit" in (big.error or "")


def test_errors_in_user_code_point_at_the_line() -> None:
    outcome = run_code("x = 1\ny = x / 0", timeout_s=3)
    assert not outcome.ok
    assert 'File "<code>", line 2' in (outcome.error or "")
    assert "ZeroDivisionError" in (outcome.error or "")
    assert "_main" not in (outcome.error or "")
    syntax = run_code("def (", timeout_s=3)
    assert "SyntaxError" in (syntax.error or "")
    unserialisable = run_code("result = object()", timeout_s=3)
    assert "not JSON-serialisable" in (unserialisable.error or "")


def test_inputs_that_are_not_json_are_a_sandbox_error() -> None:
    with pytest.raises(SandboxError, match="JSON"):
        run_code("result = 1", inputs={"x": object()})


def test_isolation_is_reported_and_refused_when_unavailable(monkeypatch: pytest.MonkeyPatch) -> None:
    assert run_code("result = 1", timeout_s=5).isolation in ("bubblewrap", "namespaces")
    monkeypatch.setattr(sandbox, "isolation_problem", lambda kind, python=None: "namespaces refused")
    with pytest.raises(SandboxUnavailable, match="Run code without a sandbox"):
        run_code("result = 1")
    allowed = run_code("result = 1", allow_unsandboxed=True, timeout_s=5)
    assert allowed.ok and allowed.result == 1
    assert allowed.isolation == NO_SANDBOX == "none (allowed by the flow)"


def test_other_systems_are_told_why(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sandbox.sys, "platform", "darwin")
    assert "needs Linux namespaces" in (sandbox.isolation_problem("namespaces") or "")


def test_code_tool_refuses_without_isolation_unless_the_flow_opts_in(monkeypatch: pytest.MonkeyPatch) -> None:
    from nodes.tools import PythonCodeTool
    from studio.engine.errors import NodeError
    from tests.nodes.test_tools import call_tool

    monkeypatch.setattr(sandbox, "isolation_problem", lambda kind, python=None: "namespaces refused")
    with pytest.raises(NodeError, match="cannot isolate"):
        call_tool(PythonCodeTool, {"code": "result = 2"}, {"input": "x"})
    config = {"code": "result = 2", "run_without_sandbox": True}
    assert call_tool(PythonCodeTool, config, {"input": "x"}) == 2
    saved = PythonCodeTool.Config(**config).model_dump(mode="json")
    assert saved["run_without_sandbox"] is True
    field = PythonCodeTool.Config.model_fields["run_without_sandbox"]
    assert field.title == "Run code without a sandbox" and "Warning" in (field.description or "")


def test_a_missing_interpreter_is_a_sandbox_error_and_leaks_nothing() -> None:
    before = len(os.listdir("/proc/self/fd"))
    with pytest.raises(SandboxError, match="cannot"):
        run_code("result = 1", python="/nonexistent/python3")
    assert len(os.listdir("/proc/self/fd")) == before
