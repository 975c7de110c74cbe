"""The code runner: the interpreter the launcher execs, already isolated, which runs the user code.

Run as `python -I -S -B -c <this file's text> <result fd> <config json>` with the payload
({"code", "inputs"}) on stdin. Kept to the standard library (-S). The audit hook installed here is
only the innermost layer: user code can defeat it (it runs in the same interpreter), so nothing
depends on it; the kernel isolation around this process is what holds.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
from typing import Any


def _install_hook(workdir: str, read_roots: list[str], block_network: bool) -> None:
    """Refuse process creation, signals, ctypes and file access outside the work folder."""
    realpath, fspath = os.path.realpath, os.fsdecode
    workdir = realpath(workdir)
    roots = (*(realpath(p) for p in read_roots), workdir)
    exact = frozenset(
        {
            "os.system", "os.exec", "os.posix_spawn", "os.spawn", "os.fork", "os.forkpty",
            "subprocess.Popen", "os.kill", "os.killpg", "signal.pthread_kill", "os.setuid",
            "resource.setrlimit", "resource.prlimit", "sys.addaudithook", "gc.get_objects",
            "gc.get_referrers", "gc.get_referents", "os.symlink", "os.link", "sys._current_frames",
        }
    )  # fmt: skip
    blocked_imports = frozenset({"ctypes", "_ctypes", "_posixsubprocess", "_xxsubinterpreters"})
    writes = frozenset(
        {
            "os.remove", "os.rename", "os.rmdir", "os.mkdir", "os.chmod", "os.chown",
            "os.truncate", "os.utime", "os.setxattr", "os.removexattr", "shutil.rmtree",
        }
    )  # fmt: skip
    reads = frozenset({"os.listdir", "os.scandir", "glob.glob"})
    devices = frozenset({"/dev/null", "/dev/urandom", "/dev/random", "/etc/localtime"})

    def inside(path: str, allowed: tuple[str, ...]) -> bool:
        return any(path == root or path.startswith(root.rstrip("/") + "/") for root in allowed)

    def resolve(arg: Any) -> str | None:
        if arg is None or isinstance(arg, int):
            return None
        try:
            return realpath(fspath(arg))
        except Exception:
            return "\0"

    def hook(event: str, args: tuple[Any, ...]) -> None:
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
                isinstance(flags, int) and bool(flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT))
            )
            allowed = (
                inside(path, (workdir,))
                if writing
                else inside(path, roots) or path in devices or path.startswith("/usr/share/zoneinfo/")
            )
            if not allowed:
                raise PermissionError(f"the code sandbox may not open {fspath(args[0])!r}")
        elif event in writes or event in reads:
            for arg in args[:2] if event == "os.rename" else args[:1]:
                path = resolve(arg) if not (event in reads and arg is None) else workdir
                where = (workdir,) if event in writes else roots
                if path is not None and not inside(path, where):
                    raise PermissionError(f"the code sandbox may not touch {fspath(arg)!r}")

    sys.addaudithook(hook)


def main() -> None:
    """Run the payload's code and write {"result"} or {"error"} as JSON to the result fd."""
    import linecache
    import traceback

    result_fd = int(sys.argv[1])
    cfg = json.loads(sys.argv[2])
    # Python's C-locale coercion sets LC_CTYPE itself; the code gets the empty environment.
    os.environ.clear()
    if cfg.get("nproc") is not None:
        import resource

        resource.setrlimit(resource.RLIMIT_NPROC, (cfg["nproc"], cfg["nproc"]))
    out = os.fdopen(result_fd, "w", encoding="utf-8")
    payload = json.loads(sys.stdin.buffer.read().decode("utf-8"))
    sys.stdin.close()
    sys.stdin = open(os.devnull, encoding="utf-8")  # noqa: SIM115  # lives as long as the process
    source = payload["code"]
    linecache.cache["<code>"] = (len(source), None, source.splitlines(True), "<code>")
    namespace: dict[str, Any] = {"__name__": "__main__", "__builtins__": __builtins__}
    namespace["inputs"] = payload["inputs"]
    for key, value in payload["inputs"].items():
        if key.isidentifier():
            namespace[key] = value
    if cfg["hook"]:
        _install_hook(os.getcwd(), cfg["read_roots"], not cfg["allow_network"])
    envelope: dict[str, Any] = {}
    try:
        exec(compile(source, "<code>", "exec"), namespace)
    except SystemExit as exc:
        if exc.code not in (None, 0):
            envelope["error"] = f"the code called exit({exc.code!r})"
    except MemoryError:
        envelope["error"] = f"MemoryError: the code went over its memory limit of {cfg['memory_mb']} MB"
    except BaseException as exc:
        lines = traceback.format_exception(type(exc), exc, exc.__traceback__)
        # Drop the runner's own frame so the trace starts in the user's code.
        lines = [line for line in lines if 'File "<string>"' not in line]
        envelope["error"] = "".join(lines).strip()
    if "error" not in envelope:
        try:
            envelope["result"] = json.loads(json.dumps(namespace.get("result"), ensure_ascii=False))
        except (TypeError, ValueError) as exc:
            envelope["error"] = f"result is not JSON-serialisable: {exc}"
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()
    out.write(json.dumps(envelope, ensure_ascii=False, default=str))
    out.close()


if __name__ == "__main__":
    main()
