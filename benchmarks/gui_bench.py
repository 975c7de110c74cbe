"""GUI figures: cold start to an interactive window, opening and drawing a 1,000-node /
1,500-edge flow, pan and zoom frame times (p95) with it on screen, idle memory.

    .venv/bin/python benchmarks/gui_bench.py [--frames 120]

Runs offscreen (QT_QPA_PLATFORM=offscreen) unless a display platform is set.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

COLD_START = """
import time, sys
t0 = time.perf_counter()
from PySide6.QtWidgets import QApplication
app = QApplication(['chain-studio'])
from studio.gui.app import create_window
window = create_window([])
window.show()
app.processEvents()
window.grab()  # the first frame is really painted
print('READY', time.perf_counter() - t0, flush=True)
"""


def rss_mb() -> float:
    """Resident memory of this process (Linux /proc; 0 elsewhere)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def cold_start(runs: int) -> list[float]:
    """Seconds from launching Python to a painted main window, in a fresh process each time."""
    times = []
    env = dict(os.environ)
    for _ in range(runs):
        start = time.perf_counter()
        out = subprocess.run(
            [sys.executable, "-c", COLD_START], capture_output=True, text=True, env=env, cwd=ROOT, check=True
        ).stdout
        assert "READY" in out, out
        times.append(time.perf_counter() - start)
    return times


def big_flow(path: Path, nodes: int = 1000, edges: int = 1500, seed: int = 7) -> None:
    """A layered DAG of Join Text nodes (multi-input, so any number of wires fit)."""
    from studio.flow import EdgeSpec, Flow, NodeSpec, save_flow

    rng = random.Random(seed)
    columns = 40
    specs = [
        NodeSpec(
            id=f"n{i:04d}", type="text.join", config={}, ui={"x": (i // 25) * 280.0, "y": (i % 25) * 140.0}
        )
        for i in range(nodes)
    ]
    wires: set[tuple[int, int]] = set()
    while len(wires) < edges:
        target = rng.randrange(25, nodes)
        column = target // 25
        source = rng.randrange(max(0, (column - 2) * 25), column * 25)
        wires.add((source, target))
    flow = Flow(
        name="big",
        nodes=specs,
        edges=[
            EdgeSpec(source=f"n{s:04d}", source_port="text", target=f"n{t:04d}", target_port="texts")
            for s, t in sorted(wires)
        ],
    )
    assert columns * 25 >= nodes
    save_flow(flow, path)


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frames", type=int, default=120)
    parser.add_argument("--cold-runs", type=int, default=3)
    args = parser.parse_args(argv)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
    os.environ.setdefault("CHAIN_STUDIO_HOME", tempfile.mkdtemp(prefix="studio-bench-"))

    starts = cold_start(args.cold_runs)
    print(
        f"cold start to painted window: median {statistics.median(starts):.2f} s "
        f"(runs: {', '.join(f'{s:.2f}' for s in starts)}; target < 2 s)"
    )

    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(["chain-studio"])
    from studio.gui.main_window import MainWindow

    window = MainWindow(autosave_enabled=False)
    window.ask_unsaved = lambda tab: "discard"  # type: ignore[method-assign]
    window.resize(1600, 1000)
    window.show()
    app.processEvents()
    path = Path(tempfile.mkdtemp(prefix="studio-bench-flow-")) / "big.json"
    big_flow(path)

    start = time.perf_counter()
    tab = window.open_path(path)
    assert tab is not None
    tab.view.fit_to_view()
    tab.view.viewport().repaint()
    app.processEvents()
    opened = time.perf_counter() - start
    print(f"open + draw 1,000 nodes / 1,500 edges: {opened:.3f} s (target < 1 s)")

    view = tab.view
    viewport = view.viewport()

    def frame_times(step, count: int) -> list[float]:  # type: ignore[no-untyped-def]
        times = []
        for index in range(count):
            begin = time.perf_counter()
            step(index)
            viewport.repaint()  # synchronous paint of the whole visible area
            times.append((time.perf_counter() - begin) * 1000)
        return times

    results = {}
    for label, zoom in (("100%", 1.0), ("50%", 0.5), ("fit (all nodes)", None)):
        if zoom is None:
            view.fit_to_view()
        else:
            view.centerOn(view.flow_scene.itemsBoundingRect().center())
            view.set_zoom(zoom)
        viewport.repaint()
        pan = frame_times(
            lambda i: view.pan_by(37 if (i // 20) % 2 == 0 else -37, 23 if i % 2 else -23), args.frames
        )
        zooms = frame_times(lambda i: view.zoom_by(1.1 if (i // 5) % 2 == 0 else 1 / 1.1), args.frames)
        results[label] = (pan, zooms)
        print(
            f"at {label:16} pan p95 {p95(pan):6.2f} ms (median {statistics.median(pan):5.2f}); "
            f"zoom p95 {p95(zooms):6.2f} ms (median {statistics.median(zooms):5.2f})  target p95 < 16 ms"
        )

    for _ in range(20):
        app.processEvents()
        time.sleep(0.02)
    print(f"idle memory (RSS) with the flow open: {rss_mb():.0f} MB (target < 300 MB)")
    window.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
