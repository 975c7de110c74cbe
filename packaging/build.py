"""Build the Chain Studio bundle: one folder that runs with no Python installed, a .tar.gz and a .deb.

    python packaging/build.py [--dist DIR] [--work DIR] [--no-archives] [--no-deb] [--fast]

Runs PyInstaller on packaging/chain_studio.spec (onedir), which makes DIST/chain-studio/ with the
executables `chain-studio` (the Studio) and `studio` (the CLI) side by side, writes the bundle's
VERSION file, then packs DIST/chain-studio-<version>-<os>-<arch>.tar.gz and, on Linux where
dpkg-deb exists, DIST/chain-studio_<version>_amd64.deb (installs to /opt/chain-studio, with
/usr/bin/chain-studio and /usr/bin/studio, a desktop entry and an icon). Run it with the
project's venv Python (the one with pyinstaller installed).
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import subprocess
import sys
import tarfile
import time
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SPEC = ROOT / "packaging" / "chain_studio.spec"
NAME = "chain-studio"
EXECUTABLES = ("chain-studio", "studio")
# Debian architecture names for `uname -m`.
DEB_ARCH = {"x86_64": "amd64", "aarch64": "arm64"}


def project_version() -> str:
    """The version in pyproject.toml, which the bundle, the archive names and the .deb carry."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return str(project["version"])


def platform_tag() -> str:
    """linux-x86_64, windows-amd64, macos-arm64, ... for archive names."""
    system = {"darwin": "macos", "win32": "windows"}.get(sys.platform, sys.platform)
    return f"{system}-{platform.machine().lower()}"


def run_pyinstaller(dist: Path, work: Path) -> None:
    """PyInstaller on the spec; the generated metadata goes under the work folder."""
    missing = [p for p in (ROOT / "assets" / "i18n").glob("*.ts") if not p.with_suffix(".qm").is_file()]
    if missing:
        raise SystemExit(
            f"compile the translations first: python packaging/build_translations.py ({missing[0]})"
        )
    command = [
        sys.executable, "-m", "PyInstaller", "--noconfirm", "--log-level", "WARN",
        "--distpath", str(dist), "--workpath", str(work), str(SPEC), "--", str(work / "meta"),
    ]  # fmt: skip
    env = {**os.environ, "LITELLM_LOCAL_MODEL_COST_MAP": "True"}
    subprocess.run(command, check=True, cwd=ROOT, env=env)


def write_version(bundle: Path, version: str) -> None:
    """VERSION at the top of the bundle: what an upgrade replaces, and what `--version`-less tools read."""
    (bundle / "VERSION").write_text(version + "\n", encoding="utf-8")


def make_tarball(bundle: Path, out: Path, level: int = 6) -> Path:
    """bundle/ packed as out (gzip level 6: near 9's size in a third of the time)."""
    with tarfile.open(out, "w:gz", compresslevel=level) as archive:
        archive.add(bundle, arcname=NAME)
    return out


def make_deb(bundle: Path, version: str, out: Path, staging: Path, level: int = 6) -> Path:
    """A .deb installing the bundle to /opt/chain-studio, built with dpkg-deb (gzip, which every
    dpkg reads; level 6, as dpkg's default 9 takes far longer for a few MB)."""
    if staging.exists():
        shutil.rmtree(staging)
    opt = staging / "opt" / NAME
    try:  # hard links: the staging tree costs no copy of the 1 GB bundle
        shutil.copytree(bundle, opt, symlinks=True, copy_function=os.link)
    except OSError:  # another file system
        shutil.rmtree(opt, ignore_errors=True)
        shutil.copytree(bundle, opt, symlinks=True)
    usr_bin = staging / "usr" / "bin"
    usr_bin.mkdir(parents=True)
    for exe in EXECUTABLES:
        (usr_bin / exe).symlink_to(f"/opt/{NAME}/{exe}")
    apps = staging / "usr" / "share" / "applications"
    apps.mkdir(parents=True)
    shutil.copy2(ROOT / "packaging" / f"{NAME}.desktop", apps / f"{NAME}.desktop")
    icons = staging / "usr" / "share" / "icons" / "hicolor" / "scalable" / "apps"
    icons.mkdir(parents=True)
    shutil.copy2(ROOT / "packaging" / f"{NAME}.svg", icons / f"{NAME}.svg")
    size_kb = sum(p.stat().st_size for p in staging.rglob("*") if p.is_file() and not p.is_symlink()) // 1024
    debian = staging / "DEBIAN"
    debian.mkdir()
    arch = DEB_ARCH.get(platform.machine(), platform.machine())
    (debian / "control").write_text(
        f"Package: {NAME}\nVersion: {version}\nSection: devel\nPriority: optional\n"
        f"Architecture: {arch}\nInstalled-Size: {size_kb}\n"
        # Qt's xcb platform plugin needs these from the system (not bundled: they match the X server).
        "Depends: libc6, libgl1, libegl1, libfontconfig1, libxkbcommon0, libxkbcommon-x11-0, libdbus-1-3, "
        "libxcb-cursor0, libxcb-icccm4, libxcb-keysyms1, libxcb-image0, libxcb-render-util0, libxcb-xkb1, "
        "libxcb-shape0, libxcb-randr0\n"
        "Maintainer: Chain Studio <chain-studio@localhost>\n"
        "Description: Local-first, low-code builder for LLM applications\n"
        " A node canvas (chain-studio) and a headless runner (studio), with a built-in\n"
        " local chat model and embedding model; runs offline. User data stays in\n"
        " ~/.local/share/chain-studio.\n",
        encoding="utf-8",
    )
    command = ["dpkg-deb", "--root-owner-group", "-Zgzip", f"-z{level}", "--build", str(staging), str(out)]
    subprocess.run(command, check=True)
    shutil.rmtree(staging)
    return out


def folder_size(folder: Path) -> int:
    """Bytes of every file under folder (links not followed)."""
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink())


def main(argv: list[str] | None = None) -> int:
    """Build the bundle and its archives; print what was made, with sizes and times."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dist", type=Path, default=ROOT / "dist", help="output folder (default dist/)")
    parser.add_argument(
        "--work", type=Path, default=ROOT / "build" / "pyinstaller", help="PyInstaller work folder"
    )
    parser.add_argument("--no-archives", action="store_true", help="only the folder: no .tar.gz, no .deb")
    parser.add_argument("--no-deb", action="store_true", help="no .deb")
    parser.add_argument(
        "--fast",
        action="store_true",
        help="gzip level 1 for the archives (tests: bigger files, a fraction of the time)",
    )
    args = parser.parse_args(argv)
    version = project_version()
    dist, work = args.dist.resolve(), args.work.resolve()
    started = time.perf_counter()
    run_pyinstaller(dist, work)
    bundle = dist / NAME
    write_version(bundle, version)
    timings = {"pyinstaller": time.perf_counter() - started}
    made = [bundle]
    if not args.no_archives:
        begun = time.perf_counter()
        level = 1 if args.fast else 6
        made.append(make_tarball(bundle, dist / f"{NAME}-{version}-{platform_tag()}.tar.gz", level))
        timings["tar.gz"] = time.perf_counter() - begun
        if sys.platform.startswith("linux") and not args.no_deb and shutil.which("dpkg-deb"):
            begun = time.perf_counter()
            arch = DEB_ARCH.get(platform.machine(), platform.machine())
            made.append(make_deb(bundle, version, dist / f"{NAME}_{version}_{arch}.deb", work / "deb", level))
            timings["deb"] = time.perf_counter() - begun
    for path in made:
        size = folder_size(path) if path.is_dir() else path.stat().st_size
        print(f"{path}  {size / 1e6:.0f} MB")
    print("  ".join(f"{step} {seconds:.0f} s" for step, seconds in timings.items()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
