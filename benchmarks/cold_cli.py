"""Cold CLI: `studio run flows/basic_prompt.json` from process start to exit (target < 2.5 s).

Prints the median of several runs for: the real local model (--no-cache), the same flow served
from the output cache, and a flow with no model (the CLI's own start-up cost), plus how long the
model's import, load and generation take inside one process.
Run: .venv/bin/python benchmarks/cold_cli.py
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STUDIO = [sys.executable, "-m", "studio.cli"]
RUNS = 5
TARGET_S = 2.5


def timed(args: list[str], env: dict[str, str]) -> float:
    times = []
    for _ in range(RUNS):
        started = time.perf_counter()
        result = subprocess.run(args, capture_output=True, text=True, cwd=ROOT, env=env, timeout=300)
        times.append(time.perf_counter() - started)
        assert result.returncode == 0, result.stderr
    return statistics.median(times)


def model_breakdown() -> str:
    code = """
import time, asyncio
t0 = time.perf_counter()
import llama_cpp
t1 = time.perf_counter()
from studio.runtime.llm.facade import chat, ChatRequest
from studio.runtime.llm.local import resolve_local_model
llama_cpp.Llama(model_path=str(resolve_local_model('local/smollm2-135m-instruct')), n_ctx=2048, verbose=False)
t2 = time.perf_counter()
r = asyncio.run(chat(ChatRequest(model='local/smollm2-135m-instruct', temperature=0.2, seed=42, max_tokens=96,
    messages=[{'role': 'user', 'content': 'Explain vector databases in three short sentences.'}])))
t3 = time.perf_counter()
print(f"import llama_cpp {t1 - t0:.2f} s, load model {t2 - t1:.2f} s, generate {r.completion_tokens} tokens "
      f"{t3 - t2:.2f} s ({r.completion_tokens / (t3 - t2):.1f} tokens/s, includes a second load)")
"""
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=300
    )
    return result.stdout.strip() or result.stderr.strip()[-500:]


def main() -> None:
    home = tempfile.mkdtemp()
    env = {**os.environ, "CHAIN_STUDIO_HOME": home, "LITELLM_LOCAL_MODEL_COST_MAP": "True"}
    flow = str(ROOT / "flows" / "basic_prompt.json")
    no_model = Path(home) / "no_model.json"
    no_model.write_text(
        (ROOT / "tests" / "fixtures" / "flows" / "echo.json").read_text(encoding="utf-8"), encoding="utf-8"
    )
    startup = timed([*STUDIO, "run", str(no_model), "--input", "topic=x"], env)
    uncached = timed([*STUDIO, "run", flow, "--no-cache"], env)
    cached = timed([*STUDIO, "run", flow], env)
    print(f"median of {RUNS} runs, process start to exit (target < {TARGET_S} s):")
    print(
        f"  studio run flows/basic_prompt.json --no-cache (local model runs): {uncached:.2f} s "
        f"({uncached / TARGET_S:.2f}x target)"
    )
    print(f"  studio run flows/basic_prompt.json (answer from the output cache): {cached:.2f} s")
    print(f"  studio run <flow without a model> (CLI start-up alone):            {startup:.2f} s")
    print(f"  inside one process: {model_breakdown()}")


if __name__ == "__main__":
    main()
