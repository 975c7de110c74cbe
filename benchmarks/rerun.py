"""Re-run after editing one node of a 50-node flow: which nodes run again, and how long it takes.

The flow: one input, two branches of twelve (prompt template -> LLM) steps each against a fake
provider in another process (100 ms per answer), joined into one output: 1 + 48 + 1 = 50 nodes.
Target: only the edited node and its descendants run, in under 10% of the cold run's time.
Run: .venv/bin/python benchmarks/rerun.py
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.concurrency import ProviderProcess
from studio.engine import run_flow
from studio.engine.cache import OutputCache
from studio.engine.events import Event, NodeFinished
from studio.flow import EdgeSpec, Flow, NodeSpec

BRANCHES, STEPS = 2, 12


def build(api_base: str) -> Flow:
    nodes = [
        NodeSpec(id="q", type="io.text_input", config={"name": "q", "default": "go", "required": False}),
        NodeSpec(id="join", type="text.join"),
    ]
    edges = []
    for branch in range(BRANCHES):
        previous = ("q", "text")
        for step in range(STEPS):
            prompt, llm = f"p{branch}_{step}", f"l{branch}_{step}"
            nodes.append(
                NodeSpec(
                    id=prompt,
                    type="prompt.template",
                    config={"template": f"Step {step} of branch {branch}: {{{{ x }}}}"},
                )
            )
            nodes.append(
                NodeSpec(
                    id=llm,
                    type="llm.chat",
                    config={"model": "openai/fake", "api_base": api_base, "temperature": 0, "retries": 0},
                )
            )
            edges.append(
                EdgeSpec(source=previous[0], source_port=previous[1], target=prompt, target_port="x")
            )
            edges.append(EdgeSpec(source=prompt, source_port="prompt", target=llm, target_port="prompt"))
            previous = (llm, "text")
        edges.append(
            EdgeSpec(source=previous[0], source_port=previous[1], target="join", target_port="texts")
        )
    return Flow(name="rerun benchmark", nodes=nodes, edges=edges)


def timed_run(flow: Flow, cache: OutputCache) -> tuple[float, list[str]]:
    ran: list[str] = []

    def listen(event: Event) -> None:
        if isinstance(event, NodeFinished):
            ran.append(event.node_id)

    started = time.perf_counter()
    result = run_flow(flow, {}, cache=cache, record=False, on_event=listen)
    assert result.status == "succeeded", result.error
    return time.perf_counter() - started, ran


def main() -> None:
    with ProviderProcess(delay_s=0.1) as server:
        flow = build(server.base_url)
        assert len(flow.nodes) == 50
        run_flow(build(server.base_url), {}, use_cache=False, record=False)  # warm-up (imports)
        for label, edited in (("late node (step 12 of 12)", "p1_11"), ("middle node (step 7 of 12)", "p1_6")):
            cache = OutputCache(Path(tempfile.mkdtemp()) / "cache.sqlite")
            flow = build(server.base_url)
            cold, cold_ran = timed_run(flow, cache)
            node = next(n for n in flow.nodes if n.id == edited)
            node.config["template"] += " (edited)"
            warm, warm_ran = timed_run(flow, cache)
            print(
                f"edit a {label}: cold run {cold * 1000:7.1f} ms ({len(cold_ran)} nodes ran); "
                f"re-run {warm * 1000:6.1f} ms ({len(warm_ran)} nodes ran: {', '.join(warm_ran)}); "
                f"ratio {warm / cold * 100:.1f}% (target < 10%)"
            )


if __name__ == "__main__":
    main()
