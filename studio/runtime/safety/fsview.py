"""What the sandboxed interpreter may see of the filesystem: the plan both isolation paths mount.

The view is the interpreter, its standard library and the shared libraries it and its extension
modules load (found by a probe that imports every extension module and reads /proc/self/maps),
each bound read-only at its own path, plus the symlinks on the way to them (/lib64 -> usr/lib64 on
merged-/usr systems) so the dynamic loader finds them. Nothing else of the host appears: no /etc
(except the loader's cache), no /home, no /root, no /proc of the host, no /tmp.
"""

from __future__ import annotations

import functools
import json
import os
import struct
import subprocess
from dataclasses import dataclass

__all__ = ["View", "ViewError", "interpreter_view"]

# Files that let name resolution and TLS work when the flow allows the network.
NETWORK_FILES = (
    "/etc/resolv.conf",
    "/etc/hosts",
    "/etc/nsswitch.conf",
    "/etc/gai.conf",
    "/etc/host.conf",
    "/etc/ssl",
    "/etc/ca-certificates",
    "/usr/share/ca-certificates",
)


class ViewError(Exception):
    """The interpreter could not be probed (missing, not Python, or crashed)."""


@dataclass(frozen=True)
class View:
    """Read-only binds (host path = sandbox path) and symlinks (path, target) to recreate."""

    binds: tuple[str, ...]
    symlinks: tuple[tuple[str, str], ...]
    stdlib: tuple[str, ...]

    def with_paths(self, paths: tuple[str, ...]) -> View:
        """This view plus `paths` (those that exist), with their symlink chains."""
        links = dict(self.symlinks)
        binds = list(self.binds)
        for path in paths:
            if os.path.lexists(path):
                binds.append(_chain(path, links))
        return View(_outermost(binds), _visible_links(links, binds), self.stdlib)


_PROBE = r"""
import json, os, sys, sysconfig
dynload = os.path.join(sysconfig.get_paths()["platstdlib"], "lib-dynload")
for name in sorted(os.listdir(dynload)) if os.path.isdir(dynload) else []:
    if name.endswith(".so") and not name.startswith("_test"):
        try:
            __import__(name.split(".")[0])
        except BaseException:
            pass
paths = sysconfig.get_paths()
maps = set()
with open("/proc/self/maps") as handle:
    for line in handle:
        fields = line.split(None, 5)
        if len(fields) == 6 and fields[5].startswith("/"):
            maps.add(fields[5].strip())
print(json.dumps({
    "executable": sys.executable,
    "stdlib": sorted({os.path.dirname(os.__file__), paths["stdlib"], paths["platstdlib"]}),
    "maps": sorted(maps),
}))
"""


def _elf_interpreter(path: str) -> str | None:
    """The dynamic loader an ELF executable names (PT_INTERP), or None for static/non-ELF."""
    try:
        with open(path, "rb") as handle:
            header = handle.read(64)
            if header[:4] != b"\x7fELF" or header[4] != 2:  # 64-bit only
                return None
            endian = "<" if header[5] == 1 else ">"
            (phoff,) = struct.unpack_from(endian + "Q", header, 32)
            phentsize, phnum = struct.unpack_from(endian + "HH", header, 54)
            for index in range(phnum):
                handle.seek(phoff + index * phentsize)
                kind, _flags, offset, _vaddr, _paddr, size = struct.unpack(endian + "IIQQQQ", handle.read(40))
                if kind == 3:  # PT_INTERP
                    handle.seek(offset)
                    return handle.read(size).rstrip(b"\0").decode()
    except (OSError, struct.error, UnicodeDecodeError):
        return None
    return None


def _chain(path: str, links: dict[str, str]) -> str:
    """Resolve `path` one component at a time, recording each symlink met; return the real path."""
    pending = os.path.normpath(os.path.abspath(path))
    for _ in range(40):  # the kernel's own symlink limit
        parts = [p for p in pending.split("/") if p]
        current = "/"
        for index, part in enumerate(parts):
            candidate = os.path.join(current, part)
            if os.path.islink(candidate):
                target = os.readlink(candidate)
                links[candidate] = target
                resolved = os.path.normpath(os.path.join(current, target))
                pending = os.path.join(resolved, *parts[index + 1 :])
                break
            current = candidate
        else:
            return current
    raise ViewError(f"too many symlinks resolving {path!r}")


def _inside(path: str, root: str) -> bool:
    return path == root or path.startswith(root.rstrip("/") + "/")


def _outermost(paths: list[str]) -> tuple[str, ...]:
    """Drop paths inside another path of the list (one bind covers them)."""
    kept: list[str] = []
    for path in sorted(set(paths), key=len):
        if not any(_inside(path, other) for other in kept):
            kept.append(path)
    return tuple(sorted(kept))


def _visible_links(links: dict[str, str], binds: list[str]) -> tuple[tuple[str, str], ...]:
    """Symlinks not already visible through a bind (those inside a bound folder come with it)."""
    return tuple(sorted((p, t) for p, t in links.items() if not any(_inside(p, b) for b in binds)))


@functools.lru_cache(maxsize=8)
def interpreter_view(interpreter: str) -> View:
    """The read-only view `interpreter` needs to run the standard library (probed once, cached)."""
    try:
        probe = subprocess.run(
            [interpreter, "-I", "-S", "-B", "-c", _PROBE],
            capture_output=True,
            timeout=60,
            check=True,
            env={},
            cwd="/",
        )
        found = json.loads(probe.stdout)
    except (OSError, subprocess.SubprocessError, ValueError) as exc:
        raise ViewError(f"cannot use {interpreter!r} as the sandbox interpreter: {exc}") from None
    links: dict[str, str] = {}
    binds = [_chain(interpreter, links)]
    loader = _elf_interpreter(os.path.realpath(interpreter))
    if loader:
        binds.append(os.path.dirname(_chain(loader, links)))
    binds += [_chain(p, links) for p in found["stdlib"]]
    executable = os.path.realpath(interpreter)
    for mapped in found["maps"]:
        if os.path.exists(mapped) and os.path.realpath(mapped) != executable:
            binds.append(os.path.dirname(_chain(mapped, links)))
    if os.path.exists("/etc/ld.so.cache"):
        binds.append(_chain("/etc/ld.so.cache", links))
    # The loader cache names libraries by their /lib/... spelling: keep top-level symlinks too.
    for name in os.listdir("/"):
        top = "/" + name
        if os.path.islink(top):
            links.setdefault(top, os.readlink(top))
    kept = _outermost(binds)
    return View(kept, _visible_links(links, list(kept)), tuple(found["stdlib"]))
