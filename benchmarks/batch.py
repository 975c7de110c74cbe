"""Batch throughput and memory: rows/s and peak resident memory of `studio batch`.

    .venv/bin/python benchmarks/batch.py                 # every case below
    .venv/bin/python benchmarks/batch.py --quick         # 10k local, 2k Ray, 200 LLM rows

Cases, each in a fresh process (so peak RSS is that case's own):
- a trivial flow (tests/fixtures/flows/echo.json: input -> text.format -> output) over 10,000
  and 100,000 rows locally (flat memory is the point of comparing the two);
- the same on a local Ray with 2 workers (driver RSS; the workers are separate processes);
- 1,000 rows through an LLM node against the loopback fake provider answering after 200 ms,
  concurrency 32, locally and on Ray.
Times are wall time of the whole `studio batch` command inside the process (flow compiled,
rows read, results written, run records written), without interpreter start-up.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ECHO = ROOT / "tests" / "fixtures" / "flows" / "echo.json"


def _rows(path: Path, count: int, key: str) -> Path:
    with open(path, "w", encoding="utf-8") as handle:
        for number in range(count):
            handle.write(json.dumps({key: f"row {number}"}) + "\n")
    return path


def _case(kind: str, rows: int, folder: Path) -> None:
    """Run one case in this process and print one JSON line of figures."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("CHAIN_STUDIO_HOME", str(folder / "home"))
    from studio.cli import main

    ray_args = ["--ray", "--workers", "2"] if kind.endswith("ray") else []
    server = None
    if kind.startswith("llm"):
        from studio.flow import load_flow, save_flow
        from tests.fakes.openai_server import FakeOpenAI

        server = FakeOpenAI(delay_s=0.2).__enter__()
        flow = load_flow(ROOT / "flows" / "basic_prompt.json")
        llm = next(node for node in flow.nodes if node.type == "llm.chat")
        llm.config.update(model="openai/fake", api_base=server.base_url, retries=0)
        os.environ.setdefault("OPENAI_API_KEY", "sk-fake")  # read from the env, on Ray too
        flow_file = folder / "llm.json"
        save_flow(flow, flow_file)
        data = _rows(folder / "llm.jsonl", rows, "topic")
        concurrency = "32" if kind == "llm-local" else "16"  # 16 per worker x 2 workers on Ray
    else:
        flow_file, data, concurrency = ECHO, _rows(folder / "rows.jsonl", rows, "topic"), "64"
    out = folder / f"{kind}-{rows}.jsonl"
    argv = ["batch", str(flow_file), "-d", str(data), "-o", str(out), "--no-cache", "--no-progress"]
    started = time.perf_counter()
    code = main([*argv, "-c", concurrency, *ray_args])
    elapsed = time.perf_counter() - started
    if server is not None:
        server.__exit__(None, None, None)
    lines = out.read_bytes().count(b"\n")
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        json.dumps(
            {
                "case": kind,
                "rows": rows,
                "exit": code,
                "lines": lines,
                "seconds": round(elapsed, 2),
                "rows_per_s": round(rows / elapsed),
                "peak_rss_mb": round(peak_mb),
            }
        )
    )


def main() -> None:
    """Run every case in its own process and print a table."""
    if len(sys.argv) > 1 and sys.argv[1] == "_case":
        _case(sys.argv[2], int(sys.argv[3]), Path(sys.argv[4]))
        return
    quick = "--quick" in sys.argv
    cases = (
        [("local", 10_000), ("ray", 2_000), ("llm-local", 200), ("llm-ray", 200)]
        if quick
        else [
            ("local", 10_000),
            ("local", 100_000),
            ("ray", 10_000),
            ("ray", 100_000),
            ("llm-local", 1_000),
            ("llm-ray", 1_000),
        ]
    )
    env = {**os.environ, "LITELLM_LOCAL_MODEL_COST_MAP": "True"}
    for kind, rows in cases:
        with tempfile.TemporaryDirectory() as folder:
            done = subprocess.run(
                [sys.executable, __file__, "_case", kind, str(rows), folder],
                env=env,
                capture_output=True,
                text=True,
                check=False,
            )
            figures = [line for line in done.stdout.splitlines() if line.startswith("{")]
            print(figures[-1] if figures else f"{kind} {rows}: failed\n{done.stderr[-2000:]}", flush=True)


if __name__ == "__main__":
    main()
