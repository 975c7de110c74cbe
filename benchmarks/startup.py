"""Start-up figures: `studio --help`, a cold `studio run` of basic_prompt, the GUI to a painted window.

    .venv/bin/python benchmarks/startup.py [--tree DIR] [--runs N]

`--tree DIR` measures another checkout of the project with this venv (e.g. an older commit made
with `git worktree add /tmp/old COMMIT`), so a change's start-up cost can be read side by side.
Each figure is the median of N fresh processes (process start to exit, or to the first frame).
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

GUI_READY = """
import time
t0 = time.perf_counter()
from PySide6.QtWidgets import QApplication
app = QApplication(['chain-studio'])
from studio.gui.app import create_window
window = create_window([])
window.show()
app.processEvents()
window.grab()
print('READY', flush=True)
"""


def median_seconds(args: list[str], env: dict[str, str], cwd: Path, runs: int) -> float:
    """Median wall time of `runs` fresh processes of `args`."""
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        result = subprocess.run(args, capture_output=True, text=True, env=env, cwd=cwd, timeout=300)
        times.append(time.perf_counter() - started)
        if result.returncode != 0:
            raise SystemExit(f"{' '.join(args)} failed:\n{result.stderr[-2000:]}")
    return statistics.median(times)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tree", type=Path, default=ROOT, help="the checkout to measure")
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args(argv)
    tree = args.tree.resolve()
    env = {
        **os.environ,
        "PYTHONPATH": str(tree),
        "CHAIN_STUDIO_HOME": tempfile.mkdtemp(),
        "LITELLM_LOCAL_MODEL_COST_MAP": "True",
        "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen"),
    }
    studio = [sys.executable, "-m", "studio.cli"]
    flow = str(tree / "flows" / "basic_prompt.json")
    figures = {
        "studio --help": median_seconds([*studio, "--help"], env, tree, args.runs),
        "studio run basic_prompt (local model, no cache)": median_seconds(
            [*studio, "run", flow, "--input", "topic=tea", "--no-cache", "--quiet"], env, tree, args.runs
        ),
        "GUI cold start to a painted window": median_seconds(
            [sys.executable, "-c", GUI_READY], env, tree, args.runs
        ),
    }
    print(f"tree: {tree}  (median of {args.runs}; load average {os.getloadavg()[0]:.1f})")
    for name, seconds in figures.items():
        print(f"  {name:<50} {seconds:.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
