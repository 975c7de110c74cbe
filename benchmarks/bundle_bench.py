"""The desktop bundle: size on disk and compressed, cold start against the same from the venv.

    .venv/bin/python benchmarks/bundle_bench.py [--dist dist] [--runs 5]

Needs a built bundle (`python packaging/build.py`). Prints:
- the size of dist/chain-studio/ and of the .tar.gz and .deb next to it, and the largest parts;
- the bundled GUI from process start to a painted window saved as PNG (`chain-studio
  --screenshot`, offscreen) against `python packaging/launcher.py --gui --screenshot` from the venv;
- a bundled `studio run flows/basic_prompt.json` (with --no-cache: the model loads and generates;
  and served from the output cache: start-up only) against `.venv/bin/studio` doing the same.
Each figure is the median of --runs runs (the first run of each is also shown: the closest to a
cold page cache this can get without root), with the ratio bundle / venv (target: within 1.2x).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VENV_BIN = Path(sys.executable).parent
TARGET_RATIO = 1.2


def size_of(path: Path) -> int:
    """Bytes of a file, or of every file under a folder (links not followed)."""
    if path.is_file():
        return path.stat().st_size
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink())


def largest_parts(bundle: Path, count: int = 8) -> list[tuple[str, int]]:
    """The biggest top-level entries of _internal/ (where the libraries are)."""
    internal = bundle / "_internal"
    parts = [(p.name, size_of(p)) for p in internal.iterdir()]
    return sorted(parts, key=lambda part: -part[1])[:count]


def _once(command: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed: {result.stderr[-2000:]}")
    return elapsed


def compare(label: str, bundled: list[str], venv: list[str], env: dict[str, str], runs: int) -> None:
    """Print one row: bundle and venv timings (first run, median) and the ratio of the medians.

    The two alternate run by run, so a burst of load from elsewhere hits both alike."""
    b_times: list[float] = []
    v_times: list[float] = []
    for _ in range(runs):
        b_times.append(_once(bundled, env))
        v_times.append(_once(venv, env))
    b_median, v_median = statistics.median(b_times), statistics.median(v_times)
    ratio = b_median / v_median
    verdict = "ok" if ratio <= TARGET_RATIO else f"over the {TARGET_RATIO}x target"
    print(
        f"{label:<38} bundle {b_median:6.2f} s (first {b_times[0]:.2f})   venv {v_median:6.2f} s "
        f"(first {v_times[0]:.2f})   ratio {ratio:.2f} ({verdict})"
    )


def main(argv: list[str] | None = None) -> int:
    """Print the bundle's sizes and start-up figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dist", type=Path, default=ROOT / "dist")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    bundle = args.dist / "chain-studio"
    if not (bundle / "studio").exists() and not (bundle / "studio.exe").exists():
        raise SystemExit(f"no bundle in {bundle}: build it with python packaging/build.py")

    files = sum(1 for p in bundle.rglob("*") if p.is_file())
    print(f"bundle folder {bundle}: {size_of(bundle) / 1e6:.0f} MB on disk, {files} files")
    archives = sorted(args.dist.glob("chain-studio*.tar.gz")) + sorted(args.dist.glob("chain-studio*.deb"))
    for archive in archives:
        print(f"  {archive.name}: {size_of(archive) / 1e6:.0f} MB")
    parts = ", ".join(f"{name} {size / 1e6:.0f} MB" for name, size in largest_parts(bundle))
    print(f"  largest parts: {parts}")

    home = tempfile.mkdtemp(prefix="bundle-bench-")
    env = {
        **os.environ,
        "CHAIN_STUDIO_HOME": home,
        "LITELLM_LOCAL_MODEL_COST_MAP": "True",
        "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen"),
    }
    env.pop("PYTHONPATH", None)
    shot = str(Path(home) / "shot.png")
    compare(
        "GUI to a painted window",
        [str(bundle / "chain-studio"), "--screenshot", shot],
        [sys.executable, str(ROOT / "packaging" / "launcher.py"), "--gui", "--screenshot", shot],
        env,
        args.runs,
    )
    flow = ["run", "flows/basic_prompt.json", "--input", "topic=tea"]
    compare(
        "studio run basic_prompt (--no-cache)",
        [str(bundle / "studio"), *flow, "--no-cache"],
        [str(VENV_BIN / "studio"), *flow, "--no-cache"],
        env,
        args.runs,
    )
    compare(
        "studio run basic_prompt (cached)",
        [str(bundle / "studio"), *flow],
        [str(VENV_BIN / "studio"), *flow],
        env,
        args.runs,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
