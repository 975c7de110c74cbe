"""Hostile-flow fuzz: 2,000+ generated flow files, each loaded, validated and compiled in-process.

Every file must either pass or be refused with the project's own FlowError (the one-line errors of
`studio validate`), never crash, never hang, and never run a program, open a connection or write
outside the work folder (watched with an audit hook).
"""

from __future__ import annotations

import os
import signal
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

from studio.cli.common import check_flow_file
from studio.engine import compile_flow
from studio.flow import FlowError, load_flow
from tests.flow.hostile_strategies import hostile_file

EXAMPLES_PER_RUN = 2000
# Wall-clock guard per file: a hang must fail the test instead of stalling the suite. It only
# catches hangs; the fuzz's speed is not asserted.
HANG_GUARD_S = 10

# Events that mean code execution or I/O leaving the process.
_WATCHED = (
    "subprocess.Popen",
    "os.system",
    "os.exec",
    "os.posix_spawn",
    "os.spawn",
    "os.fork",
    "os.forkpty",
    "pty.spawn",
    "socket.connect",
    "socket.getaddrinfo",
    "socket.gethostbyname",
    "ctypes.dlopen",
    "urllib.Request",
    "webbrowser.open",
    "shutil.rmtree",
    "os.remove",
    "os.rename",
)
_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_TRUNC

_state: dict[str, Any] = {"active": False, "folder": "", "events": []}
_hook_installed = False


def _audit(event: str, args: tuple[Any, ...]) -> None:
    if _state is None or not _state["active"]:  # None: module globals cleared at interpreter exit
        return
    if event.startswith(_WATCHED):
        _state["events"].append((event, repr(args)[:200]))
    elif event == "open" and args:
        path, mode, flags = [*args, None, None][:3]
        writing = (isinstance(mode, str) and any(c in mode for c in "wax+")) or (
            isinstance(flags, int) and flags & _WRITE_FLAGS
        )
        name = os.fsdecode(path) if isinstance(path, str | bytes) else str(path)
        if writing and not name.startswith(_state["folder"]) and "__pycache__" not in name:
            _state["events"].append((event, repr(args)[:200]))


def _install_hook() -> None:
    # Audit hooks cannot be removed: install once per process, switched on only during the fuzz.
    global _hook_installed
    if not _hook_installed:
        sys.addaudithook(_audit)
        _hook_installed = True


class Hung(Exception):
    """A file took longer than the hang guard."""


@contextmanager
def _hang_guard() -> Iterator[None]:
    def stop(_signum: int, _frame: Any) -> None:
        raise Hung

    previous = signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, HANG_GUARD_S)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _check(path: str) -> None:
    """What `studio validate` and `studio run` do with a file before running it."""
    flow, lines = check_flow_file(path)
    for line in lines:
        assert "\n" not in line and line.startswith(path + ": "), line
        line.encode("utf-8")  # printable: no lone surrogate reaches the terminal
    try:
        loaded = load_flow(path)
    except FlowError as error:
        str(error).encode("utf-8")
        return
    try:
        compile_flow(loaded)
    except FlowError as error:
        str(error).encode("utf-8")
        assert lines, "compile_flow refused a flow that validate passed"
    else:
        assert flow is not None


@pytest.mark.slow
@pytest.mark.timeout(1200)
def test_hostile_flow_files_never_crash_hang_or_escape() -> None:
    folder = tempfile.mkdtemp(prefix="hostile-")
    crashes: list[str] = []
    tried = [0]
    # Warm up outside the watch: lazy imports (node registry, jinja) happen on the first file.
    warm = Path(folder, "warm.json")
    warm.write_bytes((Path(__file__).parents[2] / "flows" / "basic_prompt.json").read_bytes())
    _check(str(warm))
    _install_hook()

    @settings(
        max_examples=EXAMPLES_PER_RUN,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    @given(hostile_file())
    def one(data: bytes) -> None:
        tried[0] += 1
        path = os.path.join(folder, f"flow{tried[0] % 50}.json")
        with open(path, "wb") as handle:
            handle.write(data)
        _state.update(active=True, folder=folder)
        try:
            with _hang_guard():
                _check(path)
        except Hung:
            crashes.append(f"hang over {HANG_GUARD_S}s: {data[:200]!r}")
        except FlowError:
            pass  # load_flow's own refusal: a clear error is a pass
        except Exception as error:  # any other exception is the crash this fuzz looks for
            crashes.append(f"{type(error).__name__}: {str(error)[:200]} <- {data[:200]!r}")
        finally:
            _state["active"] = False

    one()
    assert tried[0] >= EXAMPLES_PER_RUN
    assert crashes == [], f"{len(crashes)} of {tried[0]} files crashed:\n" + "\n".join(crashes[:20])
    assert _state["events"] == [], _state["events"][:20]
    print(f"\nhostile fuzz: {tried[0]} files, 0 crashes, 0 audit events")
