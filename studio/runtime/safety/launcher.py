"""The sandbox launcher: the first process of a code run, which isolates itself, then execs.

The parent runs this file's text as `python -I -S -B -c <text> <config json>` in a fresh,
single-threaded process with an empty environment (so nothing here may import outside the
standard library). Everything below happens before the interpreter that runs user code exists,
and none of it can be undone from inside: the kernel holds the namespaces, mounts, rlimits,
capabilities, no_new_privs and the seccomp filter.

Modes (config "mode"):
- "namespaces": unshare user+mount+PID+network+IPC+UTS+cgroup namespaces, map the caller to uid
  1000 inside, build a tmpfs root holding only the read-only view and a size-limited tmpfs /work,
  fork the PID namespace's init, which mounts a fresh /proc, pivots into the new root, drops the
  old one, sets rlimits, drops every capability, sets no_new_privs and the seccomp filter, then
  execs the interpreter.
- "bubblewrap": set rlimits and exec bwrap (its options do the same work).
- "none": rlimits, no_new_privs and seccomp only (the flow allowed running without a sandbox).

As root, the launcher first stages the view in a private mount namespace and drops to a fresh
unprivileged uid, because the kernel never applies RLIMIT_NPROC to uid 0 (even mapped into a
user namespace) and a fresh uid counts only this run's processes.
"""

from __future__ import annotations

import contextlib
import ctypes
import json
import os
import resource
import signal
import sys
from typing import Any

SETUP_FAILED = 125
MARK = "studio-sandbox-setup: "
INNER_ID = 1000

CLONE_NEWNS, CLONE_NEWCGROUP, CLONE_NEWUTS, CLONE_NEWIPC = 0x20000, 0x2000000, 0x4000000, 0x8000000
CLONE_NEWUSER, CLONE_NEWPID, CLONE_NEWNET = 0x10000000, 0x20000000, 0x40000000
MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC, MS_REMOUNT = 1, 2, 4, 8, 32
MS_BIND, MS_REC, MS_PRIVATE = 4096, 16384, 1 << 18
MS_KEPT = 8 | 1024 | 2048 | 4096  # noexec, noatime, nodiratime, relatime: locked mounts keep them
MNT_DETACH = 2
PR_SET_PDEATHSIG, PR_SET_DUMPABLE, PR_SET_SECCOMP, PR_CAPBSET_DROP, PR_SET_SECUREBITS = 1, 4, 22, 24, 28
PR_SET_NO_NEW_PRIVS, PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL = 38, 47, 4
SECCOMP_MODE_FILTER = 2
SECURE_ALL_LOCKED = 0x3F  # noroot, no_setuid_fixup, keep_caps, each with its lock bit
DEVICES = ("null", "zero", "full", "random", "urandom")


class SetupError(Exception):
    """One isolation step failed; the message names it."""


_LIBC: Any = None


def _libc() -> Any:
    global _LIBC
    if _LIBC is None:
        _LIBC = ctypes.CDLL(None, use_errno=True)
    return _LIBC


def _check(result: int, what: str) -> None:
    if result != 0:
        raise SetupError(f"{what}: {os.strerror(ctypes.get_errno())}")


def _c(text: str | None) -> bytes | None:
    return None if text is None else os.fsencode(text)


def _mount(source: str | None, target: str, fstype: str | None, flags: int, data: str | None = None) -> None:
    result = _libc().mount(_c(source), _c(target), _c(fstype), ctypes.c_ulong(flags), _c(data))
    _check(result, f"mount {target}")


def _prctl(option: int, arg: int, what: str) -> None:
    ulong = ctypes.c_ulong
    _check(_libc().prctl(ctypes.c_int(option), ulong(arg), ulong(0), ulong(0), ulong(0)), what)


def _write(path: str, text: str) -> None:
    fd = os.open(path, os.O_WRONLY)
    try:
        os.write(fd, text.encode())
    finally:
        os.close(fd)


def _limits(limits: dict[str, int], *, nproc: bool) -> None:
    """Lower soft and hard limits together: nothing inside may raise them again."""
    pairs = [
        (resource.RLIMIT_AS, limits["as"]),
        (resource.RLIMIT_CPU, limits["cpu"]),
        (resource.RLIMIT_FSIZE, limits["fsize"]),
        (resource.RLIMIT_NOFILE, limits["nofile"]),
        (resource.RLIMIT_CORE, 0),
        (resource.RLIMIT_MEMLOCK, 0),
    ]
    if nproc:
        pairs.append((resource.RLIMIT_NPROC, limits["nproc"]))
    for which, value in pairs:
        # One second between soft and hard CPU limits: SIGXCPU first, SIGKILL if ignored.
        hard = value + 1 if which == resource.RLIMIT_CPU else value
        resource.setrlimit(which, (value, hard))


def _bind(source: str, target: str, *, readonly: bool = True, devices: bool = False) -> None:
    """Bind `source` on `target` (created), then remount with the restrictive flags."""
    os.makedirs(os.path.dirname(target), mode=0o755, exist_ok=True)
    if os.path.isdir(source):
        os.makedirs(target, mode=0o755, exist_ok=True)
    elif not os.path.lexists(target):
        os.close(os.open(target, os.O_CREAT | os.O_WRONLY, 0o644))
    _mount(source, target, None, MS_BIND | MS_REC)
    flags = MS_REMOUNT | MS_BIND | MS_NOSUID | (os.statvfs(target).f_flag & MS_KEPT)
    flags |= (MS_RDONLY if readonly else 0) | (MS_NOEXEC if devices else MS_NODEV)
    _mount(None, target, None, flags)


def _stage_as_root(cfg: dict[str, Any]) -> None:
    """Root only: bind the view where any uid can reach it, then become a fresh unprivileged uid."""
    base, uid = cfg["base"], cfg["drop_to"]
    _check(_libc().unshare(CLONE_NEWNS), "unshare(mount namespace)")
    _mount(None, "/", None, MS_REC | MS_PRIVATE)
    _mount("tmpfs", base, "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755,size=1m")
    for path in cfg["binds"]:
        _bind(path, base + "/stage" + path)
    os.mkdir(base + "/root", 0o700)
    os.chown(base + "/root", uid, uid)
    os.setgroups([])
    os.setresgid(uid, uid, uid)
    os.setresuid(uid, uid, uid)
    # Changing uid made the process non-dumpable, which leaves /proc/self owned by root and the
    # uid_map of the user namespace below unwritable.
    _prctl(PR_SET_DUMPABLE, 1, "dumpable")


def _source(cfg: dict[str, Any], path: str) -> str:
    return str(cfg["base"]) + "/stage" + path if cfg.get("drop_to") is not None else path


def _build_root(cfg: dict[str, Any]) -> str:
    """Unshare every namespace and assemble the new root (still mounted under the old one)."""
    uid, gid = os.geteuid(), os.getegid()
    flags = CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWIPC | CLONE_NEWUTS | CLONE_NEWCGROUP
    if not cfg["share_net"]:
        flags |= CLONE_NEWNET
    _check(_libc().unshare(flags), "unshare(user, mount, PID, network, IPC, UTS namespaces)")
    _write("/proc/self/setgroups", "deny")
    _write("/proc/self/uid_map", f"{INNER_ID} {uid} 1")
    _write("/proc/self/gid_map", f"{INNER_ID} {gid} 1")
    _mount(None, "/", None, MS_REC | MS_PRIVATE)
    root = str(cfg["base"]) + "/root"
    os.makedirs(root, mode=0o700, exist_ok=True)
    _mount("tmpfs", root, "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755,size=1m")
    for path in cfg["binds"]:
        _bind(_source(cfg, path), root + path)
    for path, target in cfg["symlinks"]:
        os.makedirs(os.path.dirname(root + path), mode=0o755, exist_ok=True)
        os.symlink(target, root + path)
    os.mkdir(root + "/work", 0o700)
    _mount("tmpfs", root + "/work", "tmpfs", MS_NOSUID | MS_NODEV, f"mode=0700,size={cfg['work_bytes']}")
    os.mkdir(root + "/dev", 0o755)
    for name in DEVICES:
        _bind("/dev/" + name, f"{root}/dev/{name}", readonly=False, devices=True)
    for name, target in (("fd", "/proc/self/fd"), ("stdin", "/proc/self/fd/0")):
        os.symlink(target, f"{root}/dev/{name}")
    os.symlink("/proc/self/fd/1", root + "/dev/stdout")
    os.symlink("/proc/self/fd/2", root + "/dev/stderr")
    os.mkdir(root + "/proc", 0o555)
    return root


def _enter_root(cfg: dict[str, Any], root: str) -> None:
    """In the PID namespace's init: fresh /proc, pivot_root, old root detached, root read-only."""
    # Some container hosts mask /proc and refuse new proc mounts; the sandbox has no /proc then.
    with contextlib.suppress(SetupError):
        _mount("proc", root + "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC)
    os.chdir(root)
    _check(_libc().syscall(cfg["pivot_root_nr"], b".", b"."), "pivot_root")
    _check(_libc().umount2(b".", MNT_DETACH), "detach the old root")
    os.chdir("/")
    flags = MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV
    _mount(None, "/", None, flags | (os.statvfs("/").f_flag & MS_KEPT))
    _check(_libc().sethostname(b"sandbox", 7), "sethostname")
    os.chdir("/work")


def _drop_capabilities() -> None:
    """Empty the bounding and ambient sets, lock the securebits, then clear every capability."""
    _prctl(PR_SET_SECUREBITS, SECURE_ALL_LOCKED, "lock securebits")
    cap = 0
    while _libc().prctl(ctypes.c_int(PR_CAPBSET_DROP), ctypes.c_ulong(cap), 0, 0, 0) == 0:
        cap += 1
    _prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, "clear ambient capabilities")
    header = (ctypes.c_uint32 * 2)(0x20080522, 0)  # _LINUX_CAPABILITY_VERSION_3, this process
    data = (ctypes.c_uint32 * 6)()
    _check(_libc().capset(header, data), "capset")


def _seccomp(program_hex: str) -> None:
    """no_new_privs, then the filter (it also covers the execve that follows)."""
    _prctl(PR_SET_NO_NEW_PRIVS, 1, "no_new_privs")
    program = bytes.fromhex(program_hex)
    buffer = ctypes.create_string_buffer(program, len(program))

    class Fprog(ctypes.Structure):
        _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]

    fprog = Fprog(len(program) // 8, ctypes.addressof(buffer))
    ulong = ctypes.c_ulong
    address = ulong(ctypes.addressof(fprog))
    result = _libc().prctl(
        ctypes.c_int(PR_SET_SECCOMP), ulong(SECCOMP_MODE_FILTER), address, ulong(0), ulong(0)
    )
    _check(result, "seccomp filter")


def _close_fds(keep: list[int]) -> None:
    low = 3
    for fd in sorted(k for k in keep if k >= 3):
        os.closerange(low, fd)
        low = fd + 1
    os.closerange(low, 65536)


def _exec(command: list[str]) -> None:
    os.execve(command[0], command, {})


def _reraise(status: int) -> None:
    """Leave with the child's status: the same signal or exit code the parent would have seen."""
    if os.WIFSIGNALED(status):
        sig = os.WTERMSIG(status)
        if sig not in (signal.SIGKILL, signal.SIGSTOP):  # their handlers cannot be set (EINVAL)
            signal.signal(sig, signal.SIG_DFL)
        os.kill(os.getpid(), sig)
    os._exit(os.waitstatus_to_exitcode(status) if os.WIFEXITED(status) else SETUP_FAILED)


def _namespaces(cfg: dict[str, Any]) -> None:
    root = _build_root(cfg)
    child = os.fork()
    if child == 0:
        try:
            _prctl(PR_SET_PDEATHSIG, signal.SIGKILL, "parent-death signal")
            _enter_root(cfg, root)
            _limits(cfg["limits"], nproc=True)
            _close_fds(cfg["keep_fds"])
            _drop_capabilities()
            _seccomp(cfg["seccomp"])
            _exec(cfg["command"])
        except (SetupError, OSError) as exc:
            _fail(exc)
        os._exit(SETUP_FAILED)
    for fd in (0, 1, 2, *cfg["keep_fds"]):
        os.close(fd)
    _pid, status = os.waitpid(child, 0)
    _reraise(status)


def _fail(exc: BaseException) -> None:
    try:
        os.write(2, f"{MARK}{exc}\n".encode())
    finally:
        os._exit(SETUP_FAILED)


def main() -> None:
    """Isolate according to the JSON config in argv[1], then exec; exit 125 if a step fails."""
    cfg = json.loads(sys.argv[1])
    os.umask(0o022)
    try:
        _prctl(PR_SET_PDEATHSIG, signal.SIGKILL, "parent-death signal")
        if os.getppid() != cfg["parent"]:
            os._exit(SETUP_FAILED)  # the engine died before the line above
        mode = cfg["mode"]
        if mode != "none" and cfg.get("drop_to") is not None:
            _stage_as_root(cfg)
        if mode == "namespaces":
            _namespaces(cfg)
        elif mode == "bubblewrap":
            # RLIMIT_NPROC waits for the runner inside: set here it would count every process
            # this uid has on the host (bwrap's user namespace inherits it as its ceiling).
            _limits(cfg["limits"], nproc=False)
            read_fd, write_fd = os.pipe()
            os.write(write_fd, bytes.fromhex(cfg["seccomp"]))
            os.close(write_fd)
            os.set_inheritable(read_fd, True)
            command = [str(read_fd) if part == "{seccomp_fd}" else part for part in cfg["command"]]
            _exec([_host_path(cfg, part) for part in command])
        else:
            _limits(cfg["limits"], nproc=True)
            _seccomp(cfg["seccomp"])
            _exec(cfg["command"])
    except (SetupError, OSError) as exc:
        _fail(exc)


def _host_path(cfg: dict[str, Any], part: str) -> str:
    """bwrap's bind sources are marked "{host}": as a dropped root, read them from the stage."""
    return _source(cfg, part[len("{host}") :]) if part.startswith("{host}") else part


if __name__ == "__main__":
    main()
