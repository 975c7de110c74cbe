"""The escape list: each attack from inside the code sandbox fails, on every isolation path.

Every attack runs with the in-process audit hook turned off, so what holds is the kernel's
isolation alone (namespaces, mount view, rlimits, seccomp); the first one also runs with the hook
on after defeating it, as the reported escape did. Each runs against the direct-kernel path
("namespaces") and against bubblewrap when `bwrap` is installed.
"""

from __future__ import annotations

import os
import shutil
import socket
import sqlite3
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from studio.runtime.safety.sandbox import CodeResult, isolation_problem, run_code
from tests.builders import flow_of

CANARY = "sk-canary-5f1e0c9a77"
HOST_MARK = "host-file-0b7d1c"


def _kind_or_skip(kind: str) -> str:
    if kind == "bubblewrap" and shutil.which("bwrap") is None:
        pytest.skip("bubblewrap (bwrap) is not installed")
    problem = isolation_problem(kind)
    if problem is not None and kind == "namespaces":
        pytest.skip(f"this kernel refuses namespaces: {problem}")
    assert problem is None, problem
    return kind


@pytest.fixture(params=["namespaces", "bubblewrap"])
def kind(request: pytest.FixtureRequest) -> str:
    return _kind_or_skip(request.param)


@dataclass
class Host:
    """What an attack aims at: the test process, a canary secret, files and a listener."""

    pid: int
    home: Path
    outside: Path
    port: int
    listener: socket.socket

    def accepted(self) -> int:
        count = 0
        while True:
            try:
                conn, _ = self.listener.accept()
            except BlockingIOError:
                return count
            conn.close()
            count += 1


@pytest.fixture
def host(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Host]:
    monkeypatch.setenv("OPENAI_API_KEY", CANARY)
    home = tmp_path / "home"
    (home / ".ssh").mkdir(parents=True)
    (home / ".ssh" / "id_ed25519").write_text(HOST_MARK)
    monkeypatch.setenv("HOME", str(home))
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    listener.setblocking(False)
    yield Host(os.getpid(), home, tmp_path / "escaped.txt", listener.getsockname()[1], listener)
    listener.close()


def _everything(outcome: CodeResult) -> str:
    return repr(outcome.result) + outcome.stdout + outcome.stderr + (outcome.error or "")


def _host_processes_seen(outcome: CodeResult, host: Host) -> None:
    assert outcome.ok, outcome.error
    pids = outcome.result
    assert host.pid not in pids and os.getppid() not in pids
    assert len(pids) <= 4  # the sandbox's own init (and bubblewrap's), nothing of the host


def _parent_alive(outcome: CodeResult, host: Host) -> None:
    assert os.getpid() == host.pid
    os.kill(host.pid, 0)  # still here to be asked
    assert "killed" not in repr(outcome.result)


def _nothing_written(outcome: CodeResult, host: Host) -> None:
    assert not host.outside.exists()
    assert outcome.ok, outcome.error
    assert all(value != "written" for value in outcome.result.values()), outcome.result


def _bounded(limit: int) -> Callable[[CodeResult, Host], None]:
    def check(outcome: CodeResult, host: Host) -> None:
        assert outcome.ok, outcome.error
        assert outcome.result < limit, f"started {outcome.result}"

    return check


def _failed_with(text: str) -> Callable[[CodeResult, Host], None]:
    def check(outcome: CodeResult, host: Host) -> None:
        assert not outcome.ok
        assert text in (outcome.error or "")

    return check


def _no_connection(outcome: CodeResult, host: Host) -> None:
    time.sleep(0.05)
    assert host.accepted() == 0
    assert outcome.result != "connected"


def _no_host_data(outcome: CodeResult, host: Host) -> None:
    seen = _everything(outcome)
    assert CANARY not in seen and HOST_MARK not in seen and "root:x:0:0" not in seen


def _empty_env(outcome: CodeResult, host: Host) -> None:
    assert outcome.ok, outcome.error
    assert outcome.result == {}


READ_ALL = (
    "found = {{}}\n"
    "for path in {paths}:\n"
    "    try:\n"
    "        with open(path, 'rb') as handle:\n"
    "            found[path] = handle.read().decode('latin-1')\n"
    "    except OSError as exc:\n"
    "        found[path] = type(exc).__name__\n"
    "result = found\n"
)
WRITE_ALL = (
    "found = {{}}\n"
    "for path in {paths}:\n"
    "    try:\n"
    "        with open(path, 'w') as handle:\n"
    "            handle.write('x')\n"
    "        found[path] = 'written'\n"
    "    except OSError as exc:\n"
    "        found[path] = type(exc).__name__\n"
    "result = found\n"
)

ESCAPES: list[tuple[str, str, Callable[[CodeResult, Host], None]]] = [
    (
        "read /proc/<parent>/environ for the parent's secret",
        READ_ALL.format(paths="[f'/proc/{PID}/environ', '/proc/1/environ', '/proc/self/environ']"),
        _no_host_data,
    ),
    (
        "list /proc for host processes",
        "import os\nresult = [int(p) for p in os.listdir('/proc') if p.isdigit()]",
        _host_processes_seen,
    ),
    (
        "kill the parent with os.kill and pidfd_send_signal",
        "import os, signal\nresult = []\nfor attack in (lambda: os.kill(PID, 9),\n"
        "               lambda: signal.pidfd_send_signal(os.pidfd_open(PID), 9),\n"
        "               lambda: os.kill(os.getppid(), 9) if os.getppid() > 1 else None):\n"
        "    try:\n        attack()\n        result.append('sent')\n"
        "    except OSError as exc:\n        result.append(type(exc).__name__)\n",
        _parent_alive,
    ),
    (
        "write outside the work folder",
        WRITE_ALL.format(paths="[OUTSIDE, '/tmp/x', '/root/x', '/usr/x', '/x', '/etc/x']"),
        _nothing_written,
    ),
    (
        "start 64 threads",
        "import threading, time\nresult = 0\ntry:\n    for _ in range(64):\n"
        "        threading.Thread(target=time.sleep, args=(2,), daemon=True).start()\n        result += 1\n"
        "except RuntimeError:\n    pass\n",
        _bounded(64),
    ),
    (
        "fork bomb",
        "import os, time\nresult = 0\ntry:\n    for _ in range(500):\n        if os.fork() == 0:\n"
        "            time.sleep(2)\n            os._exit(0)\n        result += 1\n"
        "except OSError:\n    pass\n",
        _bounded(16),
    ),
    (
        "allocate 10 GB",
        "block = bytearray(10 * 1024 ** 3)\nresult = len(block)",
        _failed_with("memory limit"),
    ),
    ("infinite loop", "while True:\n    pass", _failed_with("time limit of 2 s")),
    (
        "connect to a listener on 127.0.0.1",
        "import socket\ntry:\n    socket.create_connection(('127.0.0.1', PORT), timeout=1)\n"
        "    result = 'connected'\n"
        "except OSError as exc:\n    result = type(exc).__name__\n",
        _no_connection,
    ),
    (
        "read ~/.ssh and the host's /etc/passwd",
        READ_ALL.format(paths="[HOME + '/.ssh/id_ed25519', '/etc/passwd', '/etc/shadow', '/root/.bashrc']"),
        _no_host_data,
    ),
    ("dump the environment", "import os\nresult = dict(os.environ)", _empty_env),
    (
        "unshare, mount, ptrace and clone3 through ctypes",
        "import ctypes\nlibc = ctypes.CDLL(None, use_errno=True)\n"
        "calls = [lambda: libc.unshare(0x10000000),\n"
        "         lambda: libc.mount(b'none', b'/work', b'tmpfs', 0, None),\n"
        "         lambda: libc.ptrace(16, 1, 0, 0), lambda: libc.syscall(435, 0, 0),\n"
        "         lambda: libc.syscall(321, 0, 0, 0), lambda: libc.chroot(b'/work')]\n"
        "result = [call() for call in calls]\n",
        lambda outcome, host: (outcome.ok and outcome.result == [-1] * 6) or pytest.fail(repr(outcome)),
    ),
]


@pytest.mark.parametrize(("name", "code", "check"), ESCAPES, ids=[e[0] for e in ESCAPES])
def test_escape_attempt_fails_on_the_kernel_layers_alone(
    kind: str, host: Host, name: str, code: str, check: Callable[[CodeResult, Host], None]
) -> None:
    inputs = {"PID": host.pid, "PORT": host.port, "HOME": str(host.home), "OUTSIDE": str(host.outside)}
    outcome = run_code(code, inputs=inputs, isolation=kind, audit_hook=False, timeout_s=2, cpu_s=10)  # type: ignore[arg-type]
    assert outcome.isolation == kind
    check(outcome, host)
    _no_host_data(outcome, host)


def test_defeating_the_audit_hook_still_shows_no_host_file(kind: str, host: Host) -> None:
    code = (
        "import os, posixpath\n"
        "posixpath.realpath.__code__ = (lambda filename, *, strict=False: os.getcwd() + '/x').__code__\n"
        + WRITE_ALL.format(paths="[OUTSIDE]").replace("result = found", "written = found")
        + READ_ALL.format(paths="['/etc/passwd', HOME + '/.ssh/id_ed25519']")
    )
    outcome = run_code(code, inputs={"HOME": str(host.home), "OUTSIDE": str(host.outside)}, isolation=kind)  # type: ignore[arg-type]
    assert outcome.ok, outcome.error
    assert set(outcome.result.values()) <= {"FileNotFoundError", "PermissionError"}
    assert not host.outside.exists()
    _no_host_data(outcome, host)


def test_the_same_override_does_defeat_the_hook_without_a_sandbox(
    host: Host, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Shows the attack above is real: only the kernel layers stop it."""
    monkeypatch.setattr("studio.runtime.safety.sandbox.isolation_problem", lambda kind, python=None: "off")
    code = (
        "import os, posixpath\n"
        "posixpath.realpath.__code__ = (lambda filename, *, strict=False: os.getcwd() + '/x').__code__\n"
        "result = open(HOME + '/.ssh/id_ed25519').read()"
    )
    outcome = run_code(code, inputs={"HOME": str(host.home)}, allow_unsandboxed=True)
    assert outcome.result == HOST_MARK


def test_the_parents_secret_never_reaches_the_run_history(kind: str, host: Host, tmp_path: Path) -> None:
    from studio.engine import RunStore, run_flow

    code = READ_ALL.format(paths=f"['/proc/{host.pid}/environ', '/proc/1/environ']")
    store_path = tmp_path / "runs.sqlite"
    flow = flow_of(
        ("t", "tool.python", {"code": code}),
        ("args", "io.text_input", {"name": "arguments"}),
        ("res", "io.output", {"name": "result"}),
        wires=["args.text->t.arguments", "t.result->res.value"],
    )
    monkey_choice = pytest.MonkeyPatch()
    monkey_choice.setattr(
        "studio.runtime.safety.sandbox._choose", lambda isolation, interpreter, allowed: kind
    )
    try:
        result = run_flow(flow, {"arguments": '{"input": "x"}'}, store=RunStore(store_path), use_cache=False)
    finally:
        monkey_choice.undo()
    assert result.outputs["result"]
    stored = b"".join(p.read_bytes() for p in tmp_path.glob("runs.sqlite*"))
    assert stored and CANARY.encode() not in stored
    with sqlite3.connect(store_path) as db:
        assert db.execute("select count(*) from sqlite_master").fetchone()[0] > 0
