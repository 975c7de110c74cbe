"""Evaluation overhead: 200 rows x 2 variants of a trivial flow with model-free metrics, against the
same 400 runs through `studio batch`'s runner; then the re-run after changing one variant.

Targets: evaluation <= 1.2x batch; the re-run <= 55% of the cold evaluation, with every cell of the
unchanged variant served from the cache.
Run: .venv/bin/python benchmarks/eval_overhead.py [ROWS]
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
os.environ["CHAIN_STUDIO_HOME"] = tempfile.mkdtemp(prefix="eval-bench-")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from studio.cli import main as studio_main
from studio.engine.registry import default_registry
from studio.evaluation import EvalSpec, Variant, load_run, run_evaluation
from studio.evaluation.variants import apply_variant
from studio.flow import EdgeSpec, Flow, NodeSpec, dumps

METRICS = ["exact_match", "contains", "token_f1", "length", "latency", "refusal"]


def trivial_flow() -> Flow:
    return Flow(
        id="bench-echo",
        name="echo",
        nodes=[
            NodeSpec(id="question", type="io.text_input", config={"name": "question"}),
            NodeSpec(id="fmt", type="text.format", config={"template": "Answer: {q}"}),
            NodeSpec(id="answer", type="io.output", config={"name": "answer"}),
        ],
        edges=[
            EdgeSpec(source="question", source_port="text", target="fmt", target_port="q"),
            EdgeSpec(source="fmt", source_port="text", target="answer", target_port="value"),
        ],
    )


def main(rows: int) -> None:
    folder = Path(tempfile.mkdtemp())
    flow = trivial_flow()
    flow_path = folder / "echo.json"
    flow_path.write_text(dumps(flow), encoding="utf-8")
    data = folder / "d.jsonl"
    data.write_text(
        "".join(json.dumps({"question": f"q{i}", "reference": f"Answer: q{i}"}) + "\n" for i in range(rows)),
        encoding="utf-8",
    )
    variants = [Variant("a"), Variant("b", {"fmt": {"template": "Reply: {q}"}})]
    paths = []
    for variant in variants:
        path = folder / f"{variant.name}.json"
        path.write_text(dumps(apply_variant(flow, variant, default_registry())), encoding="utf-8")
        paths.append(path)
    batch_data = folder / "batch.jsonl"
    batch_data.write_text(
        "".join(json.dumps({"question": f"q{i}"}) + "\n" for i in range(rows)), encoding="utf-8"
    )

    start, cpu = time.perf_counter(), time.process_time()
    for path in paths:
        out = folder / f"{path.stem}.out.jsonl"
        studio_main(["batch", str(path), "--dataset", str(batch_data), "--out", str(out), "--no-cache"])
    batch_s, batch_cpu = time.perf_counter() - start, time.process_time() - cpu

    start, cpu = time.perf_counter(), time.process_time()
    run_evaluation(EvalSpec(str(flow_path), str(data), metrics=METRICS, variants=variants, use_cache=False))
    eval_s, eval_cpu = time.perf_counter() - start, time.process_time() - cpu
    print(
        f"batch {2 * rows} runs: {batch_s:.2f}s (CPU {batch_cpu:.2f}s); evaluation {rows} x 2 with "
        f"{len(METRICS)} metrics: {eval_s:.2f}s (CPU {eval_cpu:.2f}s) -> {eval_s / batch_s:.2f}x wall, "
        f"{eval_cpu / batch_cpu:.2f}x CPU (target <= 1.2x)"
    )

    start, cpu = time.perf_counter(), time.process_time()
    run_evaluation(EvalSpec(str(flow_path), str(data), metrics=METRICS, variants=variants))
    cold_s, cold_cpu = time.perf_counter() - start, time.process_time() - cpu
    changed = [variants[0], Variant("b", {"fmt": {"template": "Reply!: {q}"}})]
    start, cpu = time.perf_counter(), time.process_time()
    outcome = run_evaluation(EvalSpec(str(flow_path), str(data), metrics=METRICS, variants=changed))
    rerun_s, rerun_cpu = time.perf_counter() - start, time.process_time() - cpu
    summary = load_run(outcome.run_id)["summary"]
    print(
        f"cold (cache on) {cold_s:.2f}s (CPU {cold_cpu:.2f}s); after changing variant b {rerun_s:.2f}s "
        f"(CPU {rerun_cpu:.2f}s) -> {rerun_s / cold_s:.0%} wall, {rerun_cpu / cold_cpu:.0%} CPU "
        f"(target <= 55%); cells from cache: a {summary['a']['cached']}/{rows}, "
        f"b {summary['b']['cached']}/{rows}"
    )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 200)
