"""Memory of a streamed evaluation: a JSONL of N rows (default 1,000,000) through a trivial flow.

Target: under 300 MB resident at the end (rows are read as a stream, cells stored as they finish,
statistics computed from the database one column at a time).
Run: .venv/bin/python benchmarks/eval_memory.py [ROWS]
"""

from __future__ import annotations

import json
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
os.environ["CHAIN_STUDIO_HOME"] = tempfile.mkdtemp(prefix="eval-mem-")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.eval_overhead import trivial_flow
from studio.evaluation import EvalSpec, load_run, run_evaluation
from studio.flow import dumps


def main(rows: int) -> None:
    folder = Path(tempfile.mkdtemp())
    flow_path = folder / "echo.json"
    flow_path.write_text(dumps(trivial_flow()), encoding="utf-8")
    data = folder / "d.jsonl"
    with open(data, "w", encoding="utf-8") as handle:
        for i in range(rows):
            handle.write(json.dumps({"question": f"q{i}", "reference": f"Answer: q{i}"}) + "\n")
    start = time.perf_counter()
    outcome = run_evaluation(
        EvalSpec(str(flow_path), str(data), metrics=["exact_match", "length"], use_cache=False)
    )
    elapsed = time.perf_counter() - start
    report = load_run(outcome.run_id)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"{rows} rows in {elapsed:.0f}s ({report['summary']['default']['cells']} cells stored); "
        f"peak resident {peak_mb:.0f} MB (target < 300 MB)"
    )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000)
