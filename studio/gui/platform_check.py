"""Before Qt starts on a Linux desktop: are the X11 libraries Qt's xcb platform plugin loads there?

Without them Qt aborts with "Could not load the Qt platform plugin xcb", which says nothing about
what to install. This finds the missing ones (with `ctypes.util.find_library`) and prints the one
install command for the distribution (from /etc/os-release). Standard library only, and nothing
here imports Qt: it runs before QApplication exists.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Mapping
from ctypes.util import find_library
from pathlib import Path

# The libraries PySide6's xcb plugin needs beyond a base X11 install (library name as
# find_library takes it) -> the package per family: (apt, dnf, pacman, zypper).
XCB_LIBRARIES: dict[str, tuple[str, str, str, str]] = {
    "xcb-cursor": ("libxcb-cursor0", "xcb-util-cursor", "xcb-util-cursor", "libxcb-cursor0"),
    "xcb-icccm": ("libxcb-icccm4", "xcb-util-wm", "xcb-util-wm", "libxcb-icccm4"),
    "xcb-keysyms": ("libxcb-keysyms1", "xcb-util-keysyms", "xcb-util-keysyms", "libxcb-keysyms1"),
    "xcb-image": ("libxcb-image0", "xcb-util-image", "xcb-util-image", "libxcb-image0"),
    "xcb-render-util": (
        "libxcb-render-util0",
        "xcb-util-renderutil",
        "xcb-util-renderutil",
        "libxcb-render-util0",
    ),
    "xcb-xkb": ("libxcb-xkb1", "libxcb", "libxcb", "libxcb-xkb1"),
    "xcb-shape": ("libxcb-shape0", "libxcb", "libxcb", "libxcb-shape0"),
    "xcb-randr": ("libxcb-randr0", "libxcb", "libxcb", "libxcb-randr0"),
    "xkbcommon-x11": ("libxkbcommon-x11-0", "libxkbcommon-x11", "libxkbcommon-x11", "libxkbcommon-x11-0"),
}

# Family -> (its column in XCB_LIBRARIES, the install command before the package names).
FAMILIES: dict[str, tuple[int, str]] = {
    "debian": (0, "sudo apt-get install -y"),
    "fedora": (1, "sudo dnf install -y"),
    "arch": (2, "sudo pacman -S --needed"),
    "suse": (3, "sudo zypper install -y"),
}
_FAMILY_OF_ID = {
    "debian": "debian",
    "ubuntu": "debian",
    "linuxmint": "debian",
    "pop": "debian",
    "elementary": "debian",
    "raspbian": "debian",
    "fedora": "fedora",
    "rhel": "fedora",
    "centos": "fedora",
    "rocky": "fedora",
    "almalinux": "fedora",
    "arch": "arch",
    "manjaro": "arch",
    "endeavouros": "arch",
    "opensuse": "suse",
    "opensuse-leap": "suse",
    "opensuse-tumbleweed": "suse",
    "suse": "suse",
    "sles": "suse",
}


def read_os_release(path: Path = Path("/etc/os-release")) -> dict[str, str]:
    """The KEY=value pairs of an os-release file ({} when there is none)."""
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return {}
    fields: dict[str, str] = {}
    for line in text.splitlines():
        key, sep, value = line.partition("=")
        if sep and key.strip() and not key.startswith("#"):
            fields[key.strip()] = value.strip().strip("'\"")
    return fields


def family(os_release: Mapping[str, str]) -> str | None:
    """ "debian", "fedora", "arch" or "suse" from ID (then ID_LIKE); None when unknown."""
    candidates = [os_release.get("ID", ""), *os_release.get("ID_LIKE", "").split()]
    for candidate in candidates:
        name = candidate.lower()
        if name in _FAMILY_OF_ID:
            return _FAMILY_OF_ID[name]
        if name.startswith("opensuse"):
            return "suse"
    return None


def xcb_plugin() -> Path | None:
    """PySide6's xcb platform plugin, found without importing PySide6."""
    import importlib.util

    spec = importlib.util.find_spec("PySide6")
    for folder in (spec.submodule_search_locations or []) if spec else []:
        plugin = Path(folder) / "Qt" / "plugins" / "platforms" / "libqxcb.so"
        if plugin.is_file():
            return plugin
    return None


def ldd_missing(plugin: Path | None) -> set[str] | None:
    """The libraries the loader cannot find for the plugin, by ldd ("xcb-icccm"...); None when
    ldd cannot say (not installed, no plugin). ldd confirms what find_library reports, so a
    library installed outside the loader cache (LD_LIBRARY_PATH) does not stop the Studio."""
    import shutil
    import subprocess

    ldd = shutil.which("ldd")
    if plugin is None or ldd is None:
        return None
    try:
        out = subprocess.run([ldd, str(plugin)], capture_output=True, text=True, timeout=10).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    names = set()
    for line in out.splitlines():
        if "not found" in line:
            soname = line.split("=>")[0].strip()  # "libxcb-icccm.so.4"
            names.add(soname.removeprefix("lib").split(".so")[0])
    return names


def missing_libraries(
    find: Callable[[str], str | None] = find_library, confirmed: set[str] | None = None
) -> list[str]:
    """The xcb plugin's libraries that are not installed (names as in XCB_LIBRARIES); with
    `confirmed` (ldd's answer) only those it also misses."""
    return [name for name in XCB_LIBRARIES if not find(name) and (confirmed is None or name in confirmed)]


def install_command(missing: list[str], os_release: Mapping[str, str]) -> str:
    """The command that installs the missing libraries on this distribution."""
    known = family(os_release)
    column, command = FAMILIES[known or "debian"]
    packages = list(dict.fromkeys(XCB_LIBRARIES[name][column] for name in missing))
    return f"{command} {' '.join(packages)}"


def needs_check(environ: Mapping[str, str] | None = None, platform: str | None = None) -> bool:
    """Only where Qt will load its xcb plugin: Linux with an X display and no other platform chosen."""
    env = os.environ if environ is None else environ
    if (platform or sys.platform) != "linux" or not env.get("DISPLAY"):
        return False
    chosen = env.get("QT_QPA_PLATFORM", "")
    return chosen in ("", "xcb") or chosen.startswith("xcb")


def problem(
    environ: Mapping[str, str] | None = None,
    *,
    platform: str | None = None,
    find: Callable[[str], str | None] = find_library,
    os_release: Mapping[str, str] | None = None,
    confirm: Callable[[], set[str] | None] | None = None,
) -> str | None:
    """What to tell the user when the Studio cannot open here, or None when it can. `confirm`
    (default: ldd on PySide6's xcb plugin) says what is missing; `find` is asked when it cannot."""
    if not needs_check(environ, platform):
        return None
    # ldd on the plugin itself is exact and one process; find_library (a process per library)
    # answers where there is no ldd.
    confirmed = confirm() if confirm is not None else ldd_missing(xcb_plugin())
    missing = (
        [n for n in XCB_LIBRARIES if n in confirmed] if confirmed is not None else missing_libraries(find)
    )
    if not missing:
        return None
    release = read_os_release() if os_release is None else os_release
    name = release.get("PRETTY_NAME") or release.get("NAME") or "this Linux"
    command = install_command(missing, release)
    guess = "" if family(release) else " (the package names are Debian's; yours may differ)"
    return (
        f"The Studio cannot open its window: Qt's X11 (xcb) plugin needs libraries that are not "
        f"installed ({', '.join('lib' + n for n in missing)}).\n"
        f"Install them on {name} with{guess}:\n\n    {command}\n\n"
        f"then run `studio gui` again."
    )


def check_or_explain() -> int | None:
    """Print the install command and give exit code 2 when the window cannot open; else None."""
    message = problem()
    if message is None:
        return None
    print(message, file=sys.stderr)
    return 2
