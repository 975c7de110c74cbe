"""Engine overhead per node on 1,000-node flows of trivial nodes (target: under 50 us per node).

Run: .venv/bin/python benchmarks/engine_overhead.py
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks._trivial import REGISTRY, chain, random_dag
from studio.engine import compile_flow, run_flow
from studio.engine.cache import OutputCache
from studio.engine.runstore import RunStore

REPEATS = 5
TARGET_US = 50.0


def measure(label: str, flow_factory, node_type: str, *, cache: bool, record: bool) -> float:  # type: ignore[no-untyped-def]
    flow = flow_factory(1000, node_type=node_type)
    compile_times, run_times, cpu_times = [], [], []
    home = Path(tempfile.mkdtemp())
    for _ in range(REPEATS):
        started = time.perf_counter()
        compiled = compile_flow(flow, REGISTRY)
        compile_times.append(time.perf_counter() - started)
        started, cpu_started = time.perf_counter(), time.process_time()
        result = run_flow(
            compiled,
            {},
            use_cache=cache,
            cache=OutputCache(home / "c.sqlite") if cache else None,
            record=record,
            store=RunStore(home / "runs.sqlite") if record else None,
        )
        run_times.append(time.perf_counter() - started)
        cpu_times.append(time.process_time() - cpu_started)
        assert result.status == "succeeded", result.error
    n = len(flow.nodes)
    compile_us = statistics.median(compile_times) / n * 1e6
    run_us = statistics.median(run_times) / n * 1e6
    cpu_us = statistics.median(cpu_times) / n * 1e6
    print(
        f"{label:<56} compile {compile_us:5.1f}  run {run_us:5.1f} (cpu {cpu_us:5.1f})  "
        f"total {compile_us + run_us:6.1f} us/node  ({(compile_us + run_us) / TARGET_US:.2f}x target)"
    )
    return compile_us + run_us


def main() -> None:
    print(f"engine overhead, 1,000 nodes, median of {REPEATS} runs (target < {TARGET_US:.0f} us/node)")
    for shape, factory in (("chain", chain), ("random DAG", random_dag)):
        measure(
            f"{shape}: inline nodes, no cache, no record", factory, "bench.step", cache=False, record=False
        )
        measure(
            f"{shape}: inline nodes, disk cache + run record", factory, "bench.step", cache=True, record=True
        )
        measure(
            f"{shape}: worker-thread nodes, no cache, no record",
            factory,
            "bench.thread_step",
            cache=False,
            record=False,
        )


if __name__ == "__main__":
    main()
