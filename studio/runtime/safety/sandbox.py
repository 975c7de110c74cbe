"""Run user Python code (the code tool) isolated by the kernel, and get its `result` back.

Isolation is in place before the interpreter that runs user code starts, set up by a small
launcher (`launcher.py`) in the child process, and nothing inside can undo it:

- "bubblewrap" when `bwrap` is on PATH and works, else "namespaces" (the same kernel features
  called directly): own user, PID, mount, network, IPC, UTS and cgroup namespaces; a filesystem
  of only the interpreter, its standard library and shared libraries (read-only, see `fsview`)
  plus a size-limited tmpfs work folder; a fresh /proc showing only the sandbox's processes; a
  mapped non-root uid (as root the launcher first drops to a fresh uid, so RLIMIT_NPROC counts);
  every capability dropped, no_new_privs, the seccomp denylist of `seccomp`; rlimits (address
  space, CPU, file size, open files, processes); an empty environment.
- Where neither works (not Linux, or the kernel refuses namespaces) the code refuses to run,
  unless the caller passes `allow_unsandboxed=True` (the code tool's "Run code without a sandbox"
  setting); it then runs with rlimits, no_new_privs and seccomp only: "none (allowed by the flow)".
- Inside, an audit hook (`runner.py`) refuses process creation, ctypes, signals and file access
  outside the work folder. It is only the innermost layer: code in the same interpreter can
  defeat it, and nothing above depends on it.

The parent enforces the wall-clock limit and output caps; at the limit it SIGKILLs the launcher's
process group, and the PID namespace's init dies with it, which kills every process inside.
`CodeResult.isolation` says which isolation was used.
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
import random
import selectors
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from studio.runtime.safety import fsview, seccomp
from studio.runtime.safety.launcher import MARK, SETUP_FAILED

__all__ = [
    "NO_SANDBOX",
    "CodeResult",
    "Isolation",
    "SandboxError",
    "SandboxUnavailable",
    "isolation_problem",
    "run_code",
]

DEFAULT_MAX_OUTPUT = 64 * 1024
DEFAULT_MAX_RESULT = 1024 * 1024
NO_SANDBOX = "none (allowed by the flow)"
Isolation = Literal["auto", "bubblewrap", "namespaces"]
_WORK = "/work"
_HERE = Path(__file__).parent
# Fresh uids for root's sandboxes: far above login and system ranges, one per run.
_DROP_RANGE = (1_500_000_000, 1_600_000_000)


class SandboxError(Exception):
    """The sandbox itself could not run (bad inputs, no interpreter), not the user's code failing."""


class SandboxUnavailable(SandboxError):
    """No isolation works on this machine and running without one was not allowed."""


@dataclass
class CodeResult:
    """What a code run produced. `ok` is False when the code raised, timed out or hit a limit."""

    ok: bool
    result: Any = None
    stdout: str = ""
    stderr: str = ""
    error: str | None = None
    exit_code: int | None = None
    duration_s: float = 0.0
    isolation: str = ""  # "bubblewrap", "namespaces" or NO_SANDBOX

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (what the code tool node returns)."""
        return {
            "ok": self.ok,
            "result": self.result,
            "stdout": self.stdout,
            "stderr": self.stderr,
            "error": self.error,
            "exit_code": self.exit_code,
            "duration_s": round(self.duration_s, 3),
            "isolation": self.isolation,
        }


@functools.lru_cache(maxsize=4)
def _script(name: str) -> str:
    return (_HERE / name).read_text(encoding="utf-8")


def _interpreter() -> str:
    """The base interpreter (not the venv wrapper): with -S the venv adds nothing anyway."""
    return getattr(sys, "_base_executable", None) or sys.executable


@functools.lru_cache(maxsize=16)
def _probe(kind: str, interpreter: str) -> str | None:
    """Why `kind` isolation does not work here (one trial run, cached), or None when it does."""
    try:
        outcome = _run(kind, "result = 1", {}, interpreter, _Limits(), timeout_s=30, probing=True)
    except SandboxError as exc:
        return str(exc)
    if outcome.ok and outcome.result == 1:
        return None
    if MARK in outcome.stderr:
        return "setup failed: " + outcome.stderr.split(MARK, 1)[1].strip().splitlines()[0]
    return (outcome.error or outcome.stderr or "the trial run failed").strip().splitlines()[-1]


def isolation_problem(kind: str, python: str | None = None) -> str | None:
    """Why isolation `kind` ("bubblewrap" or "namespaces") is unavailable, or None when it works."""
    if not sys.platform.startswith("linux"):
        return f"isolating code needs Linux namespaces, and this is {sys.platform}"
    try:
        seccomp.build_filter()
    except seccomp.UnsupportedArchitecture as exc:
        return str(exc)
    if kind == "bubblewrap" and shutil.which("bwrap") is None:
        return "bubblewrap (bwrap) is not installed"
    return _probe(kind, python or _interpreter())


def _choose(isolation: Isolation, interpreter: str, allow_unsandboxed: bool) -> str:
    kinds = ["bubblewrap", "namespaces"] if isolation == "auto" else [isolation]
    problems = []
    for kind in kinds:
        problem = isolation_problem(kind, interpreter)
        if problem is None:
            return kind
        problems.append(f"{kind}: {problem}")
    if allow_unsandboxed:
        return "none"
    raise SandboxUnavailable(
        "the code was not run: this machine cannot isolate it ("
        + "; ".join(problems)
        + "); turn on 'Run code without a sandbox' for this node only if you trust the code"
    )


@dataclass(frozen=True)
class _Limits:
    memory_mb: int = 256
    cpu_s: int = 10
    fsize_mb: int = 16
    nofile: int = 64
    nproc: int = 16
    work_mb: int = 64
    allow_network: bool = False
    audit_hook: bool = True

    def rlimits(self) -> dict[str, int]:
        mb = 1024 * 1024
        return {
            "as": self.memory_mb * mb,
            "cpu": self.cpu_s,
            "fsize": self.fsize_mb * mb,
            "nofile": self.nofile,
            "nproc": self.nproc,
        }


def run_code(
    code: str,
    *,
    inputs: dict[str, Any] | None = None,
    timeout_s: float = 10.0,
    memory_mb: int = 256,
    cpu_s: int = 10,
    max_output: int = DEFAULT_MAX_OUTPUT,
    allow_network: bool = False,
    max_result_bytes: int = DEFAULT_MAX_RESULT,
    fsize_mb: int = 16,
    max_processes: int = 16,
    work_mb: int = 64,
    python: str | None = None,
    isolation: Isolation = "auto",
    allow_unsandboxed: bool = False,
    audit_hook: bool = True,
) -> CodeResult:
    """Run `code` isolated; it reads `inputs` (also bound as names) and sets `result`.

    `max_processes` bounds processes plus threads; `work_mb` the work folder's size. `isolation`
    picks the mechanism ("auto": bubblewrap, else namespaces); `allow_unsandboxed` lets the code
    run with rlimits and seccomp only where no isolation works. `audit_hook=False` leaves out the
    in-process layer (the tests use it to check that the kernel layers hold on their own).
    Never raises for problems in the user's code: they come back as `ok=False` with `error`.
    Raises SandboxError for bad inputs or an unusable interpreter, SandboxUnavailable when the
    code was refused because nothing can isolate it.
    """
    inputs = dict(inputs or {})
    try:
        json.dumps(inputs, ensure_ascii=False)
    except (TypeError, ValueError) as exc:
        raise SandboxError(f"inputs are not JSON-serialisable: {exc}") from None
    interpreter = python or _interpreter()
    if not os.access(interpreter, os.X_OK):
        raise SandboxError(f"cannot start the Python interpreter {interpreter!r}: not an executable file")
    limits = _Limits(
        memory_mb=int(memory_mb),
        cpu_s=max(1, int(cpu_s)),
        fsize_mb=int(fsize_mb),
        nproc=max(1, int(max_processes)),
        work_mb=max(1, int(work_mb)),
        allow_network=bool(allow_network),
        audit_hook=bool(audit_hook),
    )
    kind = _choose(isolation, interpreter, allow_unsandboxed)
    return _run(kind, code, inputs, interpreter, limits, timeout_s, max_output, max_result_bytes)


def _view(interpreter: str, limits: _Limits) -> fsview.View:
    try:
        view = fsview.interpreter_view(interpreter)
    except fsview.ViewError as exc:
        raise SandboxError(str(exc)) from None
    return view.with_paths(fsview.NETWORK_FILES) if limits.allow_network else view


def _runner_command(
    interpreter: str, result_fd: int, view: fsview.View, limits: _Limits, kind: str
) -> list[str]:
    settings = {
        "hook": limits.audit_hook,
        "read_roots": list(view.stdlib),
        "allow_network": limits.allow_network,
        "memory_mb": limits.memory_mb,
        # Under bubblewrap the launcher cannot set RLIMIT_NPROC (see launcher.py): the runner does,
        # before any user code, and only root could raise it again.
        "nproc": limits.nproc if kind == "bubblewrap" else None,
    }
    return [interpreter, "-I", "-S", "-B", "-c", _script("runner.py"), str(result_fd), json.dumps(settings)]


def _bwrap_command(view: fsview.View, limits: _Limits, inner: list[str]) -> list[str]:
    command = [shutil.which("bwrap") or "bwrap", "--unshare-all", "--unshare-user"]
    if limits.allow_network:
        command.append("--share-net")
    command += ["--die-with-parent", "--new-session", "--cap-drop", "ALL", "--uid", "1000"]
    command += ["--gid", "1000", "--hostname", "sandbox", "--clearenv"]
    for path in view.binds:
        command += ["--ro-bind", "{host}" + path, path]
    for path, target in view.symlinks:
        command += ["--symlink", target, path]
    command += ["--dev", "/dev", "--proc", "/proc", "--perms", "0700"]
    command += ["--size", str(limits.work_mb * 1024 * 1024), "--tmpfs", _WORK, "--chdir", _WORK]
    command += ["--remount-ro", "/", "--seccomp", "{seccomp_fd}", "--", *inner]
    return command


def _run(
    kind: str,
    code: str,
    inputs: dict[str, Any],
    interpreter: str,
    limits: _Limits,
    timeout_s: float,
    max_output: int = DEFAULT_MAX_OUTPUT,
    max_result_bytes: int = DEFAULT_MAX_RESULT,
    probing: bool = False,
) -> CodeResult:
    view = _view(interpreter, limits)
    payload = json.dumps({"code": code, "inputs": inputs}, ensure_ascii=False)
    base = tempfile.mkdtemp(prefix="studio-code-")
    read_fd, write_fd = os.pipe()
    inner = _runner_command(interpreter, write_fd, view, limits, kind)
    config: dict[str, Any] = {
        "mode": kind,
        "parent": os.getpid(),
        "base": base,
        "binds": list(view.binds),
        "symlinks": [list(pair) for pair in view.symlinks],
        "share_net": limits.allow_network,
        "work_bytes": limits.work_mb * 1024 * 1024,
        "limits": limits.rlimits(),
        "seccomp": seccomp.build_filter().hex(),
        "pivot_root_nr": seccomp.syscall_number("pivot_root"),
        "keep_fds": [write_fd],
        "drop_to": random.randrange(*_DROP_RANGE) if os.geteuid() == 0 and kind != "none" else None,
        "command": _bwrap_command(view, limits, inner) if kind == "bubblewrap" else inner,
    }
    started = time.monotonic()
    try:
        with tempfile.TemporaryFile() as stdin_file:
            stdin_file.write(payload.encode("utf-8"))
            stdin_file.seek(0)
            try:
                process = subprocess.Popen(
                    [interpreter, "-I", "-S", "-B", "-c", _script("launcher.py"), json.dumps(config)],
                    stdin=stdin_file,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.PIPE,
                    pass_fds=(write_fd,),
                    cwd=base if kind == "none" else "/",
                    env={},
                    start_new_session=True,
                )
            except OSError as exc:
                os.close(read_fd)
                raise SandboxError(f"cannot start the Python interpreter {interpreter!r}: {exc}") from None
            finally:
                os.close(write_fd)
        outcome = _collect(process, read_fd, started, timeout_s, max_output, max_result_bytes, limits)
    finally:
        shutil.rmtree(base, ignore_errors=True)
    outcome.isolation = NO_SANDBOX if kind == "none" else kind
    if outcome.exit_code == SETUP_FAILED and MARK in outcome.stderr and not probing:
        reason = outcome.stderr.split(MARK, 1)[1].strip().splitlines()[0]
        raise SandboxError(f"the {kind} sandbox could not be set up ({reason})")
    return outcome


def _decode(data: bytes, dropped: int) -> str:
    text = data.decode("utf-8", errors="replace")
    if dropped:
        text += f"\n[... output truncated: {dropped} more bytes]"
    return text


def _collect(
    process: subprocess.Popen[bytes],
    read_fd: int,
    started: float,
    timeout_s: float,
    max_output: int,
    max_result_bytes: int,
    limits: _Limits,
) -> CodeResult:
    """Read stdout, stderr and the result pipe under caps until exit or timeout; kill the group."""
    assert process.stdout is not None and process.stderr is not None
    result_file = os.fdopen(read_fd, "rb", buffering=0)
    buffers: dict[str, bytearray] = {"stdout": bytearray(), "stderr": bytearray(), "result": bytearray()}
    dropped: dict[str, int] = {"stdout": 0, "stderr": 0, "result": 0}
    caps = {"stdout": max_output, "stderr": max_output, "result": max_result_bytes}
    selector = selectors.DefaultSelector()
    selector.register(process.stdout, selectors.EVENT_READ, "stdout")
    selector.register(process.stderr, selectors.EVENT_READ, "stderr")
    selector.register(result_file, selectors.EVENT_READ, "result")
    timed_out = False
    deadline = started + timeout_s
    try:
        while selector.get_map():
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                timed_out = True
                break
            for key, _ in selector.select(timeout=min(remaining, 0.5)):
                chunk = os.read(key.fileobj.fileno(), 65536)  # type: ignore[union-attr]
                if not chunk:
                    selector.unregister(key.fileobj)
                    continue
                name = key.data
                room = caps[name] - len(buffers[name])
                buffers[name] += chunk[: max(room, 0)]
                dropped[name] += max(len(chunk) - max(room, 0), 0)
        if not timed_out:
            try:
                process.wait(timeout=max(0.05, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                timed_out = True
    finally:
        # Kill the launcher's group; the PID namespace's init dies with it, and so does every
        # process inside (bubblewrap: --die-with-parent chains the same SIGKILL).
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        selector.close()
        for stream in (process.stdout, process.stderr, result_file):
            stream.close()
    duration = time.monotonic() - started
    code = process.returncode
    base = CodeResult(
        ok=False,
        stdout=_decode(bytes(buffers["stdout"]), dropped["stdout"]),
        stderr=_decode(bytes(buffers["stderr"]), dropped["stderr"]),
        exit_code=code,
        duration_s=duration,
    )
    if timed_out:
        base.error = f"the code ran past its time limit of {timeout_s:g} s and was stopped"
        return base
    if dropped["result"]:
        base.error = f"the result is larger than the {max_result_bytes}-byte limit"
        return base
    envelope: dict[str, Any] | None = None
    if buffers["result"]:
        with contextlib.suppress(ValueError):
            envelope = json.loads(bytes(buffers["result"]).decode("utf-8"))
    if not isinstance(envelope, dict):
        base.error = _explain_exit(code, limits)
        return base
    if envelope.get("error"):
        base.error = envelope["error"]
        return base
    base.ok = True
    base.result = envelope.get("result")
    return base


def _explain_exit(code: int | None, limits: _Limits) -> str:
    """Why the child died without reporting a result."""
    if code is not None and 128 < code < 128 + 65:
        code = 128 - code  # bubblewrap reports a signal death as 128 + signal
    if code is not None and code < 0:
        number = -code
        if number in (signal.SIGXCPU, signal.SIGKILL):
            return f"the code used more than its CPU limit of {limits.cpu_s} s and was stopped"
        if number == signal.SIGXFSZ:
            return f"the code wrote a file larger than the {limits.fsize_mb} MB limit"
        if number == signal.SIGSEGV:
            return "the code crashed the interpreter (segmentation fault; deep recursion or memory limit)"
        if number == signal.SIGSYS:
            return "the code made a system call the sandbox forbids and was stopped"
        return f"the code was killed by signal {signal.Signals(number).name}"
    return f"the code exited (status {code}) without finishing"
