"""The seccomp filter of the code sandbox: a denylist compiled to a classic BPF program in Python.

Why a denylist: the sandboxed interpreter needs the ordinary file, memory, thread and time system
calls, and an allowlist tight enough to matter breaks on every new glibc. What is refused are the
calls that reach the kernel's wider attack surface or another process, none of which a Python
computation needs:

- other processes: ptrace, process_vm_readv/writev, process_madvise, kcmp, pidfd_open,
  pidfd_send_signal, pidfd_getfd (the PID namespace already hides every process outside);
- namespaces and mounts: unshare, setns, clone with any CLONE_NEW* flag, clone3 (answered with
  ENOSYS so glibc falls back to clone, whose flags a filter can see), mount, umount2, pivot_root,
  chroot, the new mount API (open_tree, move_mount, fsopen, fsconfig, fsmount, fspick,
  mount_setattr), name_to_handle_at/open_by_handle_at (file handles bypass the mount view);
- kernel surface: bpf, perf_event_open, userfaultfd, io_uring_* (its operations skip seccomp),
  keyctl, add_key, request_key, kexec_*, *_module, syslog, acct, quotactl*, swapon/swapoff, reboot,
  clock/time setting, sethostname/setdomainname, vhangup, iopl/ioperm, uselib, nfsservctl,
  lookup_dcookie, fanotify_init, _sysctl;
- ioctl(TIOCSTI) (typing into a terminal), in case a terminal is ever reachable.

A refused call fails with EPERM (the code sees PermissionError), a foreign architecture (x32 or
32-bit calls on x86_64) kills the process: those would slip past the numbers below.
"""

from __future__ import annotations

import os
import struct

__all__ = ["DENIED", "UnsupportedArchitecture", "build_filter", "syscall_number"]


class UnsupportedArchitecture(Exception):
    """No syscall table for this CPU (only x86_64 and aarch64 are known)."""


DENIED = (
    "ptrace",
    "process_vm_readv",
    "process_vm_writev",
    "process_madvise",
    "kcmp",
    "pidfd_open",
    "pidfd_send_signal",
    "pidfd_getfd",
    "unshare",
    "setns",
    "mount",
    "umount2",
    "pivot_root",
    "chroot",
    "open_tree",
    "move_mount",
    "fsopen",
    "fsconfig",
    "fsmount",
    "fspick",
    "mount_setattr",
    "name_to_handle_at",
    "open_by_handle_at",
    "bpf",
    "perf_event_open",
    "userfaultfd",
    "io_uring_setup",
    "io_uring_enter",
    "io_uring_register",
    "keyctl",
    "add_key",
    "request_key",
    "kexec_load",
    "kexec_file_load",
    "init_module",
    "finit_module",
    "delete_module",
    "syslog",
    "acct",
    "quotactl",
    "quotactl_fd",
    "swapon",
    "swapoff",
    "reboot",
    "settimeofday",
    "clock_settime",
    "clock_adjtime",
    "adjtimex",
    "sethostname",
    "setdomainname",
    "vhangup",
    "iopl",
    "ioperm",
    "uselib",
    "nfsservctl",
    "lookup_dcookie",
    "fanotify_init",
    "_sysctl",
)

# Numbers from the kernel's syscall tables (asm/unistd_64.h, asm-generic/unistd.h).
_COMMON = {
    "io_uring_setup": 425, "io_uring_enter": 426, "io_uring_register": 427, "open_tree": 428,
    "move_mount": 429, "fsopen": 430, "fsconfig": 431, "fsmount": 432, "fspick": 433,
    "pidfd_open": 434, "clone3": 435, "pidfd_getfd": 438, "process_madvise": 440,
    "mount_setattr": 442, "quotactl_fd": 443, "pidfd_send_signal": 424,
}  # fmt: skip
_TABLES: dict[str, dict[str, int]] = {
    "x86_64": {
        **_COMMON,
        "ioctl": 16, "clone": 56, "ptrace": 101, "syslog": 103, "uselib": 134, "vhangup": 153,
        "pivot_root": 155, "_sysctl": 156, "adjtimex": 159, "chroot": 161, "acct": 163,
        "settimeofday": 164, "mount": 165, "umount2": 166, "swapon": 167, "swapoff": 168,
        "reboot": 169, "sethostname": 170, "setdomainname": 171, "iopl": 172, "ioperm": 173,
        "init_module": 175, "delete_module": 176, "quotactl": 179, "nfsservctl": 180,
        "lookup_dcookie": 212, "clock_settime": 227, "kexec_load": 246, "add_key": 248,
        "request_key": 249, "keyctl": 250, "unshare": 272, "perf_event_open": 298,
        "fanotify_init": 300, "name_to_handle_at": 303, "open_by_handle_at": 304,
        "clock_adjtime": 305, "setns": 308, "process_vm_readv": 310, "process_vm_writev": 311,
        "kcmp": 312, "finit_module": 313, "kexec_file_load": 320, "bpf": 321, "userfaultfd": 323,
    },
    "aarch64": {
        **_COMMON,
        "lookup_dcookie": 18, "ioctl": 29, "umount2": 39, "mount": 40, "pivot_root": 41,
        "nfsservctl": 42, "chroot": 51, "vhangup": 58, "quotactl": 60, "acct": 89, "unshare": 97,
        "kexec_load": 104, "init_module": 105, "delete_module": 106, "clock_settime": 112,
        "syslog": 116, "ptrace": 117, "reboot": 142, "sethostname": 161, "setdomainname": 162,
        "settimeofday": 170, "adjtimex": 171, "add_key": 217, "request_key": 218, "keyctl": 219,
        "clone": 220, "swapon": 224, "swapoff": 225, "perf_event_open": 241, "fanotify_init": 262,
        "name_to_handle_at": 264, "open_by_handle_at": 265, "clock_adjtime": 266, "setns": 268,
        "process_vm_readv": 270, "process_vm_writev": 271, "kcmp": 272, "finit_module": 273,
        "bpf": 280, "userfaultfd": 282, "kexec_file_load": 294,
    },
}  # fmt: skip
_ARCH_IDS = {"x86_64": 0xC000003E, "aarch64": 0xC00000B7}  # AUDIT_ARCH_*

_LD_ABS, _JEQ, _JGE, _JSET, _RET = 0x20, 0x15, 0x35, 0x45, 0x06
_ALLOW, _KILL_PROCESS, _ERRNO = 0x7FFF0000, 0x80000000, 0x00050000
_EPERM, _ENOSYS = 1, 38
_X32_BIT = 0x40000000
_CLONE_NEW_FLAGS = 0x7E020000  # NEWNS|NEWCGROUP|NEWUTS|NEWIPC|NEWUSER|NEWPID|NEWNET
_TIOCSTI = 0x5412
# Offsets into struct seccomp_data (little-endian: the low half of an argument comes first).
_NR, _ARCH, _ARG0, _ARG1 = 0, 4, 16, 24


def _machine(arch: str | None) -> str:
    machine = arch or os.uname().machine
    if machine not in _TABLES:
        raise UnsupportedArchitecture(f"no seccomp syscall table for the {machine} CPU architecture")
    return machine


def syscall_number(name: str, arch: str | None = None) -> int:
    """The number of system call `name` on `arch` (default: this machine)."""
    return _TABLES[_machine(arch)][name]


def _op(code: int, k: int, jt: int = 0, jf: int = 0) -> bytes:
    return struct.pack("=HBBI", code, jt, jf, k)


def build_filter(arch: str | None = None) -> bytes:
    """The filter as raw `struct sock_filter` records (what seccomp(2) and `bwrap --seccomp` take)."""
    machine = _machine(arch)
    table = _TABLES[machine]
    denied = sorted({table[name] for name in DENIED if name in table})
    program = [
        _op(_LD_ABS, _ARCH),
        _op(_JEQ, _ARCH_IDS[machine], jt=1),
        _op(_RET, _KILL_PROCESS),
        _op(_LD_ABS, _NR),
    ]
    if machine == "x86_64":
        program += [_op(_JGE, _X32_BIT, jf=1), _op(_RET, _KILL_PROCESS)]
    for number in denied:
        program += [_op(_JEQ, number, jf=1), _op(_RET, _ERRNO | _EPERM)]
    program += [_op(_JEQ, table["clone3"], jf=1), _op(_RET, _ERRNO | _ENOSYS)]
    # clone: refuse any new-namespace flag in its first argument.
    program += [
        _op(_JEQ, table["clone"], jf=4),
        _op(_LD_ABS, _ARG0),
        _op(_JSET, _CLONE_NEW_FLAGS, jf=1),
        _op(_RET, _ERRNO | _EPERM),
        _op(_RET, _ALLOW),
    ]
    program += [
        _op(_JEQ, table["ioctl"], jf=4),
        _op(_LD_ABS, _ARG1),
        _op(_JEQ, _TIOCSTI, jf=1),
        _op(_RET, _ERRNO | _EPERM),
        _op(_RET, _ALLOW),
    ]
    program.append(_op(_RET, _ALLOW))
    return b"".join(program)
