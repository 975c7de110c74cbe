"""Run user Python code (the code tool) in a locked-down subprocess and get its `result` back.

Layers, outermost first:
- A fresh interpreter in isolated mode (`python -I -S -B`: no site-packages, no PYTHON* variables,
  no user site, no bytecode writes), a new session (so the whole process group can be killed), a
  fresh empty temp dir as cwd, HOME and TMPDIR, and an environment of PATH and LANG only: no
  secrets, no keyring, and `~/.ssh` points into the empty temp dir.
- Wall-clock timeout enforced by the parent (the process group is SIGKILLed), plus rlimits set in
  the child before user code runs: RLIMIT_AS (memory), RLIMIT_CPU, RLIMIT_FSIZE, RLIMIT_NOFILE,
  RLIMIT_CORE=0 and RLIMIT_NPROC=0 (no new processes or threads; the kernel ignores NPROC for root,
  see below). Limits are set by a small bootstrap at the top of the child, not in `preexec_fn`,
  because `preexec_fn` is unsafe in a process with threads (the engine runs nodes in threads).
- Network: by default the child moves itself into a new, empty network namespace
  (`unshare(CLONE_NEWNET)`, or `CLONE_NEWUSER|CLONE_NEWNET` when not root) before user code runs,
  so there is no interface to reach anything. Where namespaces are unavailable the audit hook
  below still refuses every `socket.*` event. `CodeResult.network_isolation` says which applied.
- When the parent runs as root and the interpreter is readable by others, the child drops to
  `nobody` (uid/gid 65534), so the kernel refuses root's files and RLIMIT_NPROC applies.
- Last, an audit hook (sys.addaudithook) refuses process creation (fork, exec, spawn,
  subprocess), signals to other processes, ctypes, rlimit changes, gc introspection, file writes
  outside the temp dir and file reads outside the temp dir and the standard library. Audit hooks
  are not a security boundary on their own (CPython says so); they are the innermost layer and the
  one that still holds when the process cannot drop privileges (root with an interpreter under
  /root, as on our CI machine).
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
import selectors
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = ["CodeResult", "SandboxError", "run_code"]

NOBODY = 65534
DEFAULT_MAX_OUTPUT = 64 * 1024
DEFAULT_MAX_RESULT = 1024 * 1024


class SandboxError(Exception):
    """The sandbox itself could not run (bad inputs, no interpreter), not the user's code failing."""


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
    network_isolation: str = ""  # "namespace", "audit-hook" or "allowed"

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
        }


# Runs first in the child, before any user code. Kept free of non-stdlib imports (-S).
_BOOTSTRAP = r"""
import json, os, sys

def _isolate_network():
    try:
        import ctypes
        libc = ctypes.CDLL(None, use_errno=True)
        flags = 0x40000000 if os.geteuid() == 0 else 0x10000000 | 0x40000000
        done = libc.unshare(flags) == 0
    except Exception:
        done = False
    for name in [m for m in sys.modules if m == "ctypes" or m.startswith("ctypes.") or m == "_ctypes"]:
        del sys.modules[name]
    return "namespace" if done else "audit-hook"

def _limits(cfg):
    import resource
    mb = 1024 * 1024
    pairs = [
        (resource.RLIMIT_AS, cfg["memory_mb"] * mb),
        (resource.RLIMIT_CPU, cfg["cpu_s"]),
        (resource.RLIMIT_FSIZE, cfg["fsize_mb"] * mb),
        (resource.RLIMIT_NOFILE, 64),
        (resource.RLIMIT_CORE, 0),
        (resource.RLIMIT_NPROC, 0),
    ]
    for which, soft in pairs:
        hard = soft + 1 if which == resource.RLIMIT_CPU else soft
        try:
            resource.setrlimit(which, (soft, hard))
        except (ValueError, OSError):
            resource.setrlimit(which, (soft, resource.getrlimit(which)[1]))

def _install_hook(workdir, read_roots, block_network):
    realpath, fspath = os.path.realpath, os.fsdecode
    workdir = realpath(workdir)
    read_roots = tuple(realpath(p) for p in read_roots) + (workdir,)
    exact = frozenset({
        "os.system", "os.exec", "os.posix_spawn", "os.spawn", "os.fork", "os.forkpty",
        "subprocess.Popen", "os.kill", "os.killpg", "signal.pthread_kill", "os.setuid",
        "resource.setrlimit", "resource.prlimit", "sys.addaudithook", "gc.get_objects",
        "gc.get_referrers", "gc.get_referents", "os.symlink", "os.link", "sys._current_frames",
    })
    blocked_imports = frozenset({"ctypes", "_ctypes", "_posixsubprocess", "_xxsubinterpreters"})
    writes = frozenset({"os.remove", "os.rename", "os.rmdir", "os.mkdir", "os.chmod", "os.chown",
                        "os.truncate", "os.utime", "os.setxattr", "os.removexattr", "shutil.rmtree"})
    reads = frozenset({"os.listdir", "os.scandir", "glob.glob"})
    devices = frozenset({"/dev/null", "/dev/urandom", "/dev/random", "/etc/localtime"})

    def inside(path, roots):
        return any(path == root or path.startswith(root.rstrip("/") + "/") for root in roots)

    def resolve(arg):
        if arg is None or isinstance(arg, int):
            return None
        try:
            return realpath(fspath(arg))
        except Exception:
            return "\0"

    def hook(event, args):
        if event in exact:
            raise PermissionError(f"{event} is not allowed in the code sandbox")
        if event.startswith("ctypes."):
            raise PermissionError("ctypes is not allowed in the code sandbox")
        if block_network and event.startswith("socket."):
            raise PermissionError("network access is not allowed in the code sandbox")
        if event == "import" and args and args[0] in blocked_imports:
            raise PermissionError(f"importing {args[0]} is not allowed in the code sandbox")
        if event == "open":
            path = resolve(args[0])
            if path is None:
                return
            mode = args[1] if len(args) > 1 else None
            flags = args[2] if len(args) > 2 else 0
            writing = (isinstance(mode, str) and any(c in mode for c in "wax+")) or (
                isinstance(flags, int) and flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT))
            allowed = inside(path, (workdir,)) if writing else (
                inside(path, read_roots) or path in devices or path.startswith("/usr/share/zoneinfo/"))
            if not allowed:
                raise PermissionError(f"the code sandbox may not open {fspath(args[0])!r}")
        elif event in writes or event in reads:
            for arg in args[:2] if event == "os.rename" else args[:1]:
                path = resolve(arg) if not (event in reads and arg is None) else workdir
                roots = (workdir,) if event in writes else read_roots
                if path is not None and not inside(path, roots):
                    raise PermissionError(f"the code sandbox may not touch {fspath(arg)!r}")

    sys.addaudithook(hook)

def _main():
    result_fd = int(sys.argv[1])
    cfg = json.loads(sys.argv[2])
    out = os.fdopen(result_fd, "w", encoding="utf-8")
    payload = json.loads(sys.stdin.buffer.read().decode("utf-8"))
    sys.stdin.close()
    sys.stdin = open(os.devnull, encoding="utf-8")
    network = "allowed" if cfg["allow_network"] else _isolate_network()
    if cfg["drop_to"] is not None:
        os.setgroups([])
        os.setgid(cfg["drop_to"])
        os.setuid(cfg["drop_to"])
    _limits(cfg)
    import linecache, traceback
    source = payload["code"]
    linecache.cache["<code>"] = (len(source), None, source.splitlines(True), "<code>")
    namespace = {"__name__": "__main__", "__builtins__": __builtins__, "inputs": payload["inputs"]}
    for key, value in payload["inputs"].items():
        if key.isidentifier():
            namespace[key] = value
    _install_hook(os.getcwd(), cfg["read_roots"], not cfg["allow_network"])
    envelope = {"network": network}
    try:
        exec(compile(source, "<code>", "exec"), namespace)
    except SystemExit as exc:
        if exc.code not in (None, 0):
            envelope["error"] = f"the code called exit({exc.code!r})"
    except MemoryError:
        envelope["error"] = f"MemoryError: the code went over its memory limit of {cfg['memory_mb']} MB"
    except BaseException as exc:
        lines = traceback.format_exception(type(exc), exc, exc.__traceback__)
        # Drop the bootstrap's own frame so the trace starts in the user's code.
        lines = [line for line in lines if 'File "<string>"' not in line]
        envelope["error"] = "".join(lines).strip()
    if "error" not in envelope:
        try:
            envelope["result"] = json.loads(json.dumps(namespace.get("result"), ensure_ascii=False))
        except (TypeError, ValueError) as exc:
            envelope["error"] = f"result is not JSON-serialisable: {exc}"
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except Exception:
            pass
    out.write(json.dumps(envelope, ensure_ascii=False, default=str))
    out.close()

_main()
"""


def _interpreter() -> str:
    """The base interpreter (not the venv wrapper): with -S the venv adds nothing anyway."""
    return getattr(sys, "_base_executable", None) or sys.executable


_ROOTS_PROBE = (
    "import json, os, sysconfig; p = sysconfig.get_paths(); "
    "print(json.dumps(sorted({os.path.dirname(os.__file__), p['stdlib'], p['platstdlib']})))"
)


@functools.lru_cache(maxsize=8)
def _stdlib_roots(interpreter: str) -> tuple[str, ...]:
    """The standard library folders of `interpreter` (the only place its code may read besides cwd)."""
    if os.path.realpath(interpreter) == os.path.realpath(_interpreter()):
        import sysconfig

        paths = sysconfig.get_paths()
        return tuple(sorted({os.path.dirname(os.__file__), paths["stdlib"], paths["platstdlib"]}))
    try:
        probe = subprocess.run(
            [interpreter, "-I", "-S", "-c", _ROOTS_PROBE],
            capture_output=True,
            timeout=30,
            check=True,
            env={"PATH": "/usr/bin:/bin"},
        )
        return tuple(json.loads(probe.stdout))
    except (OSError, subprocess.SubprocessError, ValueError) as exc:
        raise SandboxError(f"cannot use {interpreter!r} as the sandbox interpreter: {exc}") from None


def _others_can_use(paths: list[str]) -> bool:
    """Whether uid `nobody` can reach and read these paths (every ancestor o+x, target o+r)."""
    for raw in paths:
        path = Path(os.path.realpath(raw))
        try:
            for parent in [*reversed(path.parents)]:
                if not parent.stat().st_mode & stat.S_IXOTH:
                    return False
            if not path.stat().st_mode & stat.S_IROTH:
                return False
        except OSError:
            return False
    return True


def _decode(data: bytes, dropped: int) -> str:
    text = data.decode("utf-8", errors="replace")
    if dropped:
        text += f"\n[... output truncated: {dropped} more bytes]"
    return text


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
    python: str | None = None,
) -> CodeResult:
    """Run `code` in a sandboxed subprocess; it reads `inputs` (also bound as names) and sets `result`.

    Never raises for problems in the user's code: they come back as `ok=False` with `error`.
    Raises SandboxError when `inputs` is not JSON-serialisable or the interpreter cannot start.
    """
    try:
        payload = json.dumps({"code": code, "inputs": dict(inputs or {})}, ensure_ascii=False)
    except (TypeError, ValueError) as exc:
        raise SandboxError(f"inputs are not JSON-serialisable: {exc}") from None
    interpreter = python or _interpreter()
    read_roots = list(_stdlib_roots(interpreter))
    drop = os.geteuid() == 0 and _others_can_use([interpreter, *read_roots])
    workdir = tempfile.mkdtemp(prefix="studio-code-")
    settings = {
        "memory_mb": int(memory_mb),
        "cpu_s": max(1, int(cpu_s)),
        "fsize_mb": int(fsize_mb),
        "allow_network": bool(allow_network),
        "drop_to": NOBODY if drop else None,
        "read_roots": read_roots,
    }
    if drop:
        os.chown(workdir, NOBODY, NOBODY)
    env = {
        "PATH": "/usr/bin:/bin",
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
        "HOME": workdir,
        "TMPDIR": workdir,
    }
    started = time.monotonic()
    read_fd, write_fd = os.pipe()
    try:
        with tempfile.TemporaryFile() as stdin_file:
            stdin_file.write(payload.encode("utf-8"))
            stdin_file.seek(0)
            try:
                process = subprocess.Popen(
                    [interpreter, "-I", "-S", "-B", "-c", _BOOTSTRAP, str(write_fd), json.dumps(settings)],
                    stdin=stdin_file,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.PIPE,
                    pass_fds=(write_fd,),
                    cwd=workdir,
                    env=env,
                    start_new_session=True,
                )
            except OSError as exc:
                os.close(read_fd)
                raise SandboxError(f"cannot start the Python interpreter {interpreter!r}: {exc}") from None
            finally:
                os.close(write_fd)
        return _collect(process, read_fd, started, timeout_s, max_output, max_result_bytes, settings)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def _collect(
    process: subprocess.Popen[bytes],
    read_fd: int,
    started: float,
    timeout_s: float,
    max_output: int,
    max_result_bytes: int,
    settings: dict[str, Any],
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
        # Kill the whole group: anything the code managed to start dies with it.
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        selector.close()
        for stream in (process.stdout, process.stderr, result_file):
            stream.close()
    duration = time.monotonic() - started
    stdout = _decode(bytes(buffers["stdout"]), dropped["stdout"])
    stderr = _decode(bytes(buffers["stderr"]), dropped["stderr"])
    code = process.returncode
    base = CodeResult(
        ok=False,
        stdout=stdout,
        stderr=stderr,
        exit_code=code,
        duration_s=duration,
        network_isolation="allowed" if settings["allow_network"] else "",
    )
    if timed_out:
        base.error = f"the code ran past its time limit of {timeout_s:g} s and was stopped"
        return base
    if dropped["result"]:
        base.error = f"the result is larger than the {max_result_bytes}-byte limit"
        return base
    envelope: dict[str, Any] | None = None
    if buffers["result"]:
        try:
            envelope = json.loads(bytes(buffers["result"]).decode("utf-8"))
        except ValueError:
            envelope = None
    if envelope is None:
        base.error = _explain_exit(code, settings)
        return base
    base.network_isolation = envelope.get("network", "")
    if envelope.get("error"):
        base.error = envelope["error"]
        return base
    base.ok = True
    base.result = envelope.get("result")
    return base


def _explain_exit(code: int | None, settings: dict[str, Any]) -> str:
    """Why the child died without reporting a result."""
    if code is not None and code < 0:
        number = -code
        if number == signal.SIGXCPU or number == signal.SIGKILL:
            return f"the code used more than its CPU limit of {settings['cpu_s']} s and was stopped"
        if number == signal.SIGXFSZ:
            return f"the code wrote a file larger than the {settings['fsize_mb']} MB limit"
        if number == signal.SIGSEGV:
            return "the code crashed the interpreter (segmentation fault; deep recursion or memory limit)"
        return f"the code was killed by signal {signal.Signals(number).name}"
    return f"the code exited (status {code}) without finishing"
