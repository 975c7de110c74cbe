"""`studio serve` figures: throughput and latency on a trivial flow, fan-out on a slow provider, idle memory.

    .venv/bin/python benchmarks/serve_bench.py                 # (a), (c), (d)
    .venv/bin/python benchmarks/serve_bench.py --lfx /tmp/lfx-venv/bin/lfx   # and (b), Langflow's lfx serve

(a) the trivial flow tests/fixtures/flows/serve/echo.json (input -> template -> output): N requests
    (2,000) from C concurrent clients (50, httpx async) on loopback: requests/s, p50, p99, errors.
    Every request has its own input, so no run is a cache hit.
(b) the same load against `lfx serve` on Langflow's hello-world flow (`--lfx PATH`, `--lfx-flow FILE`).
(c) 32 concurrent /v1/chat/completions to flows/memory_chatbot.json with its LLM on the loopback fake
    provider answering after 200 ms: wall of the 32 against one request (target < 1.3x).
(d) the server's resident memory, idle, with flows/ loaded (target < 250 MB).
Prints figures; it is not a test.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
KEY = "cs-bench-key-0123456789"
AUTH = {"Authorization": f"Bearer {KEY}"}


def start_serve(*args: str, home: Path) -> tuple[subprocess.Popen[str], str]:
    """A `studio serve` process on a free port, and its URL."""
    env = {
        **os.environ,
        "CHAIN_STUDIO_API_KEY": KEY,
        "CHAIN_STUDIO_HOME": str(home),
        "CHAIN_STUDIO_NO_KEYRING": "1",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "studio.cli", "serve", *args, "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=env,
        cwd=ROOT,
    )
    assert process.stdout is not None
    line = process.stdout.readline()
    url = line.split(" on ", 1)[1].split()[0]
    for _ in range(200):
        try:
            if httpx.get(f"{url}/health", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.05)
    return process, url


def stop(process: subprocess.Popen[str]) -> None:
    process.terminate()
    try:
        process.wait(30)
    except subprocess.TimeoutExpired:
        process.kill()


def cpu_s(pid: int) -> float:
    """CPU time (user + system) a process has used, in seconds (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def rss_mb(pid: int) -> float:
    """Resident set size of a process, in MB (Linux /proc)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


async def load(
    url: str, body_of: Any, headers: dict[str, str], total: int, clients: int, pid: int | None = None
) -> dict[str, float]:
    """`total` POSTs from `clients` concurrent clients: requests/s, p50 and p99 in ms, errors, and
    the server's CPU time per request (`pid`): a figure that a busy machine does not inflate."""
    latencies: list[float] = []
    errors = 0
    kinds: Counter[str] = Counter()
    counter = iter(range(total))
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(limits=limits, timeout=60, headers=headers) as client:

        async def worker() -> None:
            nonlocal errors
            for index in counter:
                started = time.perf_counter()
                try:
                    answer = await client.post(url, json=body_of(index))
                    body = answer.json() if answer.status_code == 200 else {}
                    # Chain Studio answers status "succeeded"; lfx answers success true.
                    ok = body.get("status", "succeeded") == "succeeded" and body.get("success", True) is True
                    if not ok:
                        kinds[f"HTTP {answer.status_code} {body.get('status', '')!s}".strip()] += 1
                except httpx.HTTPError as error:
                    ok = False
                    kinds[type(error).__name__] += 1
                latencies.append(time.perf_counter() - started)
                errors += not ok

        for warm in range(-20, 0):  # warm-up: the first run imports what runs need
            await client.post(url, json=body_of(warm))
        cpu = cpu_s(pid) if pid else 0.0
        wall = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(clients)))
        wall = time.perf_counter() - wall
        cpu = cpu_s(pid) - cpu if pid else float("nan")
    latencies.sort()
    return {
        "rps": total / wall,
        "p50_ms": 1000 * statistics.median(latencies),
        "p99_ms": 1000 * latencies[int(0.99 * (len(latencies) - 1))],
        "errors": errors,
        "server_cpu_ms": 1000 * cpu / total,
        "error_kinds": dict(kinds),  # type: ignore[dict-item]
    }


def bench_trivial(total: int, clients: int, home: Path) -> dict[str, float]:
    process, url = start_serve(
        str(ROOT / "tests" / "fixtures" / "flows" / "serve"), "--max-concurrency", "64", home=home
    )
    try:
        return asyncio.run(
            load(
                f"{url}/api/v1/flows/echo/run",
                lambda i: {"inputs": {"topic": f"topic {i}"}},
                AUTH,
                total,
                clients,
                process.pid,
            )
        )
    finally:
        stop(process)


def bench_lfx(lfx: str, flow: Path, total: int, clients: int) -> dict[str, float]:
    """The same load against `lfx serve FLOW` (Langflow's runner)."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {**os.environ, "LANGFLOW_API_KEY": KEY}
    process = subprocess.Popen(
        [lfx, "serve", str(flow), "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=env,
        text=True,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(1200):  # lfx takes a while to start (it imports langchain)
            try:
                if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.1)
        flows = httpx.get(f"{base}/flows", headers={"x-api-key": KEY}, timeout=10).json()
        flow_id = flows[0]["id"] if isinstance(flows, list) else next(iter(flows))
        url = f"{base}/flows/{flow_id}/run"
        return asyncio.run(
            load(
                url, lambda i: {"input_value": f"hello {i}"}, {"x-api-key": KEY}, total, clients, process.pid
            )
        )
    finally:
        stop(process)  # type: ignore[arg-type]


def bench_fanout(home: Path, fanout: int = 32, delay_s: float = 0.2) -> dict[str, float]:
    from studio.flow import load_flow, save_flow
    from tests.fakes.openai_server import FakeOpenAI

    with FakeOpenAI(delay_s=delay_s) as provider, tempfile.TemporaryDirectory() as folder:
        flow = load_flow(ROOT / "flows" / "memory_chatbot.json")
        llm = next(node for node in flow.nodes if node.type == "llm.chat")
        llm.config.update(model="openai/fake", api_base=provider.base_url, retries=0)
        save_flow(flow, Path(folder) / "memory_chatbot.json")
        process, url = start_serve(folder, "--max-concurrency", str(fanout), home=home)
        try:

            async def main() -> tuple[float, float]:
                async with httpx.AsyncClient(timeout=60, headers=AUTH) as client:

                    async def one(i: int) -> None:
                        body = {
                            "model": "memory-chatbot",
                            "messages": [{"role": "user", "content": f"hi {i}"}],
                        }
                        answer = await client.post(f"{url}/v1/chat/completions", json=body)
                        assert answer.status_code == 200, answer.text

                    for warm in range(-5, 0):  # warm-up
                        await one(warm)
                    started = time.perf_counter()
                    await one(0)
                    single = time.perf_counter() - started
                    cpu = cpu_s(process.pid)
                    started = time.perf_counter()
                    await asyncio.gather(*(one(i) for i in range(1, fanout + 1)))
                    wall = time.perf_counter() - started
                    return single, wall, (cpu_s(process.pid) - cpu) / fanout

            single, wall, cpu = asyncio.run(main())
        finally:
            stop(process)
    return {"one_s": single, "fanout_s": wall, "ratio": wall / single, "server_cpu_ms": 1000 * cpu}


def bench_idle_rss(home: Path) -> float:
    process, url = start_serve(str(ROOT / "flows"), home=home)
    try:
        httpx.get(f"{url}/api/v1/flows", headers=AUTH, timeout=30)
        time.sleep(1.0)
        return rss_mb(process.pid)
    finally:
        stop(process)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--lfx", help="path of the lfx executable (in its own venv) for (b)")
    parser.add_argument("--lfx-flow", type=Path, help="the Langflow hello-world flow JSON for (b)")
    parser.add_argument("--only", choices=["a", "b", "c", "d"], action="append")
    args = parser.parse_args()
    only = set(args.only or "abcd")
    if args.lfx and not args.lfx_flow:  # the hello-world template that ships inside lfx
        venv = Path(args.lfx).resolve().parent.parent
        found = sorted(venv.glob("lib/python*/site-packages/lfx/templates/flows/hello-world.json"))
        args.lfx_flow = found[0] if found else None
    with tempfile.TemporaryDirectory() as home:
        results: dict[str, Any] = {}
        if "a" in only:
            a = bench_trivial(args.requests, args.clients, Path(home))
            results["a"] = a
            print(
                f"(a) studio serve, trivial flow, {args.requests} requests / {args.clients} clients: "
                f"{a['rps']:.0f} req/s, p50 {a['p50_ms']:.1f} ms, p99 {a['p99_ms']:.1f} ms, "
                f"errors {a['errors']} {a['error_kinds'] or ''}, "
                f"server CPU {a['server_cpu_ms']:.2f} ms/request"
            )
        if "b" in only and args.lfx and args.lfx_flow:
            b = bench_lfx(args.lfx, args.lfx_flow, args.requests, args.clients)
            results["b"] = b
            print(
                f"(b) lfx serve, hello-world flow: {b['rps']:.0f} req/s, p50 {b['p50_ms']:.1f} ms, "
                f"p99 {b['p99_ms']:.1f} ms, errors {b['errors']} {b['error_kinds'] or ''}, "
                f"server CPU {b['server_cpu_ms']:.2f} ms/request"
            )
            if "a" in results:
                print(f"    studio serve / lfx serve: {results['a']['rps'] / b['rps']:.1f}x requests/s")
        if "c" in only:
            c = bench_fanout(Path(home))
            print(
                f"(c) 32 concurrent chat completions on a 200 ms provider: {c['fanout_s']:.3f} s "
                f"vs one {c['one_s']:.3f} s = {c['ratio']:.2f}x (target < 1.3x), "
                f"server CPU {c['server_cpu_ms']:.1f} ms/request"
            )
        if "d" in only:
            print(f"(d) idle RSS with flows/ loaded: {bench_idle_rss(Path(home)):.0f} MB (target < 250 MB)")
        print(json.dumps(results))


if __name__ == "__main__":
    main()
