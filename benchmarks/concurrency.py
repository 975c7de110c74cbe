"""32 independent LLM nodes against a fake provider on loopback that answers after 200 ms.

Target: the whole run within 1.3x of one call.
Run: .venv/bin/python benchmarks/concurrency.py
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from studio.engine import compile_flow, run_flow
from studio.flow import EdgeSpec, Flow, NodeSpec

BRANCHES = 32
DELAY_S = 0.2
TARGET = 1.3


def fan_out(count: int, api_base: str) -> Flow:
    """A text input feeding `count` LLM nodes whose replies are joined into one output."""
    nodes = [
        NodeSpec(id="q", type="io.text_input", config={"name": "q", "default": "hi", "required": False}),
        NodeSpec(id="join", type="text.join"),
        NodeSpec(id="out", type="io.output"),
    ]
    edges = [EdgeSpec(source="join", source_port="text", target="out", target_port="value")]
    for index in range(count):
        # Distinct settings per branch, as distinct prompts would be in a real flow.
        nodes.append(
            NodeSpec(
                id=f"llm{index}",
                type="llm.chat",
                config={
                    "model": "openai/fake",
                    "api_base": api_base,
                    "temperature": 0,
                    "max_tokens": 16 + index,
                    "retries": 0,
                },
            )
        )
        edges.append(EdgeSpec(source="q", source_port="text", target=f"llm{index}", target_port="prompt"))
        edges.append(EdgeSpec(source=f"llm{index}", source_port="text", target="join", target_port="texts"))
    return Flow(name="fan-out", nodes=nodes, edges=edges)


class ProviderProcess:
    """The fake provider in a process of its own, as a real provider would be (not sharing our GIL)."""

    def __init__(self, delay_s: float = DELAY_S):
        self.delay_s = delay_s

    def __enter__(self) -> ProviderProcess:
        code = (
            "import sys; sys.path.insert(0, sys.argv[1]); from tests.fakes.openai_server import FakeOpenAI; "
            f"s = FakeOpenAI(default_text='ok', delay_s={self.delay_s}).start(); "
            "print(s.base_url, flush=True); "
            "sys.stdin.read()"
        )
        root = str(Path(__file__).resolve().parent.parent)
        self.process = subprocess.Popen(
            [sys.executable, "-c", code, root], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
        )
        assert self.process.stdout is not None
        self.base_url = self.process.stdout.readline().strip()
        return self

    def __exit__(self, *exc_info: object) -> None:
        assert self.process.stdin is not None
        self.process.stdin.close()
        self.process.wait(timeout=10)


def main() -> None:
    with ProviderProcess() as server:
        one = compile_flow(fan_out(1, server.base_url))
        many = compile_flow(fan_out(BRANCHES, server.base_url))
        run_flow(one, {}, use_cache=False, record=False)  # warm-up: imports litellm, opens connections
        singles, fans = [], []
        for _ in range(3):
            started = time.perf_counter()
            result = run_flow(one, {}, use_cache=False, record=False)
            singles.append(time.perf_counter() - started)
            assert result.status == "succeeded", result.error
            started = time.perf_counter()
            result = run_flow(many, {}, use_cache=False, record=False)
            fans.append(time.perf_counter() - started)
            assert result.status == "succeeded", result.error
    single, fan = statistics.median(singles), statistics.median(fans)
    print(f"one LLM node ({DELAY_S * 1000:.0f} ms provider delay): {single * 1000:7.1f} ms (median of 3)")
    print(f"{BRANCHES} independent LLM nodes:                  {fan * 1000:7.1f} ms (median of 3)")
    print(f"ratio: {fan / single:.2f}x one call (target <= {TARGET}x)")


if __name__ == "__main__":
    main()
