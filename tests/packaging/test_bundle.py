"""The desktop bundle (packaging/build.py): built once per session, then run the way a user runs it.

Every bundled program runs in a clean environment: `env -i` with only PATH=/usr/bin:/bin, an empty
HOME, no PYTHONPATH, and (where `unshare -rn` works) in a network namespace with no interfaces but
loopback, so anything the bundle tried to fetch would fail.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tarfile
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [
    pytest.mark.slow,
    pytest.mark.timeout(3600),
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the bundle test runs on Linux"),
]


def _no_network_prefix() -> list[str]:
    """`unshare -rn` (a user namespace with an empty network namespace) where the kernel allows it."""
    unshare = shutil.which("unshare")
    if unshare is None:
        return []
    probe = subprocess.run([unshare, "-rn", "true"], capture_output=True, check=False)
    return [unshare, "-rn"] if probe.returncode == 0 else []


NO_NETWORK = _no_network_prefix()


def run_clean(
    command: list[str],
    home: Path,
    *,
    cwd: Path = ROOT,
    extra_env: dict[str, str] | None = None,
    timeout: float = 300,
) -> subprocess.CompletedProcess[str]:
    """Run a bundled program with nothing from this environment: empty HOME, no network."""
    env = {"PATH": "/usr/bin:/bin", "HOME": str(home), **(extra_env or {})}
    assignments = [f"{key}={value}" for key, value in env.items()]
    return subprocess.run(
        [*NO_NETWORK, "env", "-i", *assignments, *command],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


@pytest.fixture(scope="session")
def built() -> Iterator[Path]:
    """dist/ of a fresh build (into a temporary folder, so the checkout's dist/ is left alone).

    Not in pytest's tmp_path: the 2 GB it takes would outlive the session there (pytest keeps the
    last three), and another pytest session starting meanwhile may delete it. CHAIN_STUDIO_BUNDLE_DIST=DIR
    uses a bundle already built by packaging/build.py instead (for working on these tests; CI
    leaves it unset and builds)."""
    prebuilt = os.environ.get("CHAIN_STUDIO_BUNDLE_DIST")
    if prebuilt:
        yield Path(prebuilt)
        return
    with tempfile.TemporaryDirectory(prefix="chain-studio-bundle-") as folder:
        yield from _build(Path(folder))


def _build(dist: Path) -> Iterator[Path]:
    started = time.perf_counter()
    result = subprocess.run(
        [
            sys.executable,
            str(ROOT / "packaging" / "build.py"),
            "--dist",
            str(dist),
            "--work",
            str(dist / "work"),
            "--fast",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=3000,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-4000:]
    # Shown with -s / in the slow test log: the build is most of this test's time.
    print(f"bundle build took {time.perf_counter() - started:.0f} s\n{result.stdout}")
    yield dist


@pytest.fixture(scope="session")
def bundle(built: Path) -> Path:
    return built / "chain-studio"


def version_of(bundle: Path) -> str:
    return (bundle / "VERSION").read_text(encoding="utf-8").strip()


def test_bundle_is_one_folder_with_both_programs_and_the_built_in_models(bundle: Path) -> None:
    for exe in ("chain-studio", "studio"):
        assert (bundle / exe).is_file(), exe
    files = {p.name for p in bundle.rglob("*") if p.is_file()}
    assert "SmolLM2-135M-Instruct.Q4_1.gguf" in files
    assert "model.onnx" in files
    assert "studio_zh_CN.qm" in files
    assert "basic_prompt.json" in files
    # Not in the bundle: test code, Ray, Tk.
    internal = bundle / "_internal"
    for absent in ("ray", "tkinter", "torch", "pytest"):
        assert not (internal / absent).exists(), absent


def test_bundled_studio_runs_a_flow_with_no_python_and_no_network(bundle: Path, tmp_path: Path) -> None:
    if not NO_NETWORK:
        pytest.skip("unshare -rn is not allowed here, so 'no network' cannot be enforced")
    result = run_clean(
        [str(bundle / "studio"), "run", "flows/basic_prompt.json", "--input", "topic=tea"], tmp_path
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.strip()
    # Its run record went to the user data folder in HOME, not into the bundle.
    assert (tmp_path / ".local" / "share" / "chain-studio" / "runs.sqlite").is_file()


def test_bundled_libraries_work_offline(bundle: Path, tmp_path: Path) -> None:
    """litellm (price map, tiktoken files), llama-cpp, onnxruntime, LanceDB, jieba, the node plug-ins."""
    result = run_clean([str(bundle / "studio"), "--bundle-check"], tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr[-3000:]
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["ray"] == "not bundled"
    assert int(report["litellm_token_counter"]) > 0
    assert report["litellm_mock_completion"] == "ok"


def test_ray_is_refused_with_a_clear_message(bundle: Path, tmp_path: Path) -> None:
    rows = tmp_path / "rows.jsonl"
    rows.write_text('{"topic": "tea"}\n', encoding="utf-8")
    result = run_clean(
        [str(bundle / "studio"), "batch", "flows/basic_prompt.json", "--dataset", str(rows), "--ray"],
        tmp_path,
    )
    assert result.returncode != 0
    assert "not available in the Chain Studio bundle" in result.stderr
    assert "Traceback" not in result.stderr


def test_bundled_gui_paints_its_window_offscreen(bundle: Path, tmp_path: Path) -> None:
    from PySide6.QtGui import QImage

    shot = tmp_path / "studio.png"
    result = run_clean(
        [str(bundle / "chain-studio"), "--screenshot", str(shot)],
        tmp_path,
        extra_env={"QT_QPA_PLATFORM": "offscreen"},
    )
    assert result.returncode == 0, result.stderr[-3000:]
    image = QImage(str(shot))
    assert not image.isNull()
    assert image.width() >= 800 and image.height() >= 500
    colours = {image.pixel(x, y) for x in range(0, image.width(), 16) for y in range(0, image.height(), 16)}
    assert len(colours) > 8  # a painted window, not one flat colour


def test_deb_installs_to_opt_with_commands_desktop_entry_and_icon(built: Path) -> None:
    (deb,) = built.glob("chain-studio_*.deb")
    listing = subprocess.run(["dpkg-deb", "--contents", str(deb)], capture_output=True, text=True, check=True)
    text = listing.stdout
    for entry in (
        "./opt/chain-studio/studio",
        "./opt/chain-studio/chain-studio",
        "./usr/bin/studio -> /opt/chain-studio/studio",
        "./usr/bin/chain-studio -> /opt/chain-studio/chain-studio",
        "./usr/share/applications/chain-studio.desktop",
        "./usr/share/icons/hicolor/scalable/apps/chain-studio.svg",
    ):
        assert entry in text, entry
    info = subprocess.run(
        ["dpkg-deb", "--field", str(deb), "Package", "Version"], capture_output=True, text=True
    )
    assert "chain-studio" in info.stdout


def _listing(folder: Path) -> dict[str, tuple[int, int]]:
    return {
        str(p.relative_to(folder)): (p.stat().st_size, p.stat().st_mtime_ns)
        for p in folder.rglob("*")
        if p.is_file()
    }


def test_installing_a_newer_bundle_over_an_older_one_keeps_user_data(built: Path, tmp_path: Path) -> None:
    (tarball,) = built.glob("chain-studio-*-linux-*.tar.gz")
    install = tmp_path / "opt"
    with tarfile.open(tarball) as archive:
        archive.extractall(install, filter="tar")
    app = install / "chain-studio"
    old_version = version_of(app)
    before = _listing(app)
    home = tmp_path / "home"
    home.mkdir()
    studio = str(app / "studio")

    # A flow of the user's own, a run of it (history), a knowledge base.
    flow = home / "flows" / "tea.json"
    flow.parent.mkdir()
    shutil.copyfile(ROOT / "flows" / "basic_prompt.json", flow)
    flow_bytes = flow.read_bytes()
    ran = run_clean([studio, "run", str(flow), "--input", "topic=tea"], home, cwd=home)
    assert ran.returncode == 0, ran.stderr[-3000:]
    docs = str(ROOT / "assets" / "sample_docs")
    ingested = run_clean(
        [
            studio,
            "run",
            str(ROOT / "flows" / "ingest_documents.json"),
            "--input",
            f"folder={docs}",
            "--input",
            "kb=product_faq",
        ],
        home,
        cwd=home,
        timeout=600,
    )
    assert ingested.returncode == 0, ingested.stderr[-3000:]
    data = home / ".local" / "share" / "chain-studio"
    with sqlite3.connect(data / "runs.sqlite") as db:
        runs_before = db.execute("SELECT count(*) FROM runs").fetchone()[0]
    assert runs_before >= 2
    # Running the bundle wrote nothing inside it.
    assert _listing(app) == before

    # "v2": the same bundle with a newer version, unpacked over the old one.
    newer = tmp_path / "v2" / "chain-studio"
    shutil.copytree(app, newer, symlinks=True)
    (newer / "VERSION").write_text(old_version + ".post1\n", encoding="utf-8")
    v2 = tmp_path / "v2.tar.gz"
    with tarfile.open(v2, "w:gz", compresslevel=1) as archive:
        archive.add(newer, arcname="chain-studio")
    with tarfile.open(v2) as archive:
        archive.extractall(install, filter="tar")
    assert version_of(app) == old_version + ".post1"

    assert flow.read_bytes() == flow_bytes
    with sqlite3.connect(data / "runs.sqlite") as db:
        assert db.execute("SELECT count(*) FROM runs").fetchone()[0] == runs_before
    listed = run_clean([studio, "kb", "list"], home)
    assert listed.returncode == 0, listed.stderr
    assert "product_faq" in listed.stdout
    found = run_clean([studio, "kb", "search", "product_faq", "descale"], home, timeout=300)
    assert found.returncode == 0, found.stderr[-3000:]
    assert found.stdout.strip()
    again = run_clean([studio, "run", str(flow), "--input", "topic=tea"], home, cwd=home)
    assert again.returncode == 0, again.stderr[-3000:]
