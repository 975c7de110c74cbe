"""`studio gui` on a Linux desktop without the X11 libraries Qt's xcb plugin needs: the exact
install command for the distribution, exit code 2, before Qt starts (fake os-release and
find_library answers; one check against the real loader of this machine)."""

from __future__ import annotations

from pathlib import Path

import pytest

from studio.gui import platform_check as pc

DESKTOP = {"DISPLAY": ":0"}
MISSING = {"xcb-cursor", "xcb-icccm", "xcb-keysyms"}


def fake_find(name: str) -> str | None:
    return None if name in MISSING else f"lib{name}.so.0"


def os_release(tmp_path: Path, text: str) -> dict[str, str]:
    path = tmp_path / "os-release"
    path.write_text(text, encoding="utf-8")
    return pc.read_os_release(path)


@pytest.mark.parametrize(
    ("release", "command"),
    [
        (
            'PRETTY_NAME="Ubuntu 24.04 LTS"\nID=ubuntu\nID_LIKE=debian\n',
            "sudo apt-get install -y libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1",
        ),
        (
            'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nID=debian\n',
            "sudo apt-get install -y libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1",
        ),
        (
            'NAME="Fedora Linux"\nID=fedora\n',
            "sudo dnf install -y xcb-util-cursor xcb-util-wm xcb-util-keysyms",
        ),
        (
            "NAME=Manjaro\nID=manjaro\nID_LIKE=arch\n",
            "sudo pacman -S --needed xcb-util-cursor xcb-util-wm xcb-util-keysyms",
        ),
        (
            'NAME="openSUSE Tumbleweed"\nID="opensuse-tumbleweed"\nID_LIKE="opensuse suse"\n',
            "sudo zypper install -y libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1",
        ),
        ('NAME="Rocky Linux"\nID="rocky"\nID_LIKE="rhel centos fedora"\n', "sudo dnf install -y"),
    ],
)
def test_the_install_command_fits_the_distribution(tmp_path, release, command):
    message = pc.problem(
        DESKTOP,
        platform="linux",
        find=fake_find,
        os_release=os_release(tmp_path, release),
        confirm=lambda: None,
    )
    assert message is not None
    assert command in message
    assert "libxcb-icccm" in message  # names what is missing


def test_an_unknown_distribution_gets_debian_names_and_says_so(tmp_path):
    release = os_release(tmp_path, "NAME=Exotic\nID=exotic\n")
    message = pc.problem(DESKTOP, platform="linux", find=fake_find, os_release=release, confirm=lambda: None)
    assert message is not None and "apt-get install -y libxcb-cursor0" in message
    assert "may differ" in message


def test_nothing_is_reported_when_all_libraries_are_there_or_qt_will_not_use_xcb(tmp_path):
    release = os_release(tmp_path, "ID=debian\n")
    everything = lambda name: f"lib{name}.so"  # noqa: E731
    assert (
        pc.problem(DESKTOP, platform="linux", find=everything, os_release=release, confirm=lambda: None)
        is None
    )
    for environ in (
        {},
        {"DISPLAY": ":0", "QT_QPA_PLATFORM": "offscreen"},
        {"DISPLAY": ":0", "QT_QPA_PLATFORM": "wayland"},
    ):
        assert pc.problem(environ, platform="linux", find=fake_find, os_release=release) is None
    assert pc.problem(DESKTOP, platform="darwin", find=fake_find, os_release=release) is None


def test_ldd_decides_when_it_can_so_a_library_outside_the_loader_cache_does_not_block(tmp_path):
    release = os_release(tmp_path, "ID=debian\n")
    only_icccm = lambda: {"xcb-icccm"}  # noqa: E731
    message = pc.problem(DESKTOP, platform="linux", find=fake_find, os_release=release, confirm=only_icccm)
    assert message is not None and message.count("libxcb-") and "libxcb-cursor0" not in message
    assert pc.problem(DESKTOP, platform="linux", find=fake_find, os_release=release, confirm=set) is None


def test_studio_gui_exits_2_with_the_command_before_qt_starts(monkeypatch, capsys, tmp_path):
    from studio.gui import app

    monkeypatch.setenv("DISPLAY", ":0")
    monkeypatch.delenv("QT_QPA_PLATFORM", raising=False)
    monkeypatch.setattr(pc, "ldd_missing", lambda plugin: None)
    monkeypatch.setattr(pc, "read_os_release", lambda: {"ID": "fedora", "NAME": "Fedora"})
    monkeypatch.setattr(pc.sys, "platform", "linux")
    # find_library is bound as a default argument: the fake goes in through problem's keyword.
    original = pc.problem
    monkeypatch.setattr(pc, "problem", lambda: original(find=fake_find))
    assert app.main([]) == 2
    err = capsys.readouterr().err
    assert "sudo dnf install -y xcb-util-cursor xcb-util-wm xcb-util-keysyms" in err


def test_the_real_loader_agrees_with_ldd_on_this_machine():
    """The real find_library and ldd, on this machine's PySide6: whatever both report missing is
    a library ldd really cannot load (printed, as the install figure for this machine)."""
    plugin = pc.xcb_plugin()
    confirmed = pc.ldd_missing(plugin)
    missing = pc.missing_libraries(confirmed=confirmed)
    print("xcb plugin:", plugin, "missing:", missing)
    if confirmed is not None:
        assert set(missing) <= confirmed
