"""Batch runs on Ray: blocks of rows go to long-lived worker actors, results come back in order.

Why actors and not `ray.data.map_batches`: a worker compiles the flow once and keeps what its
nodes load (the local model, embedders, knowledge-base handles) for every block it runs, and the
driver keeps row order, resume and the results file exactly as the local runner does. Each actor
runs its block through the same `run_rows` as a local batch, so a row behaves the same on a
laptop and on a cluster.

What crosses the wire: the flow file's text (flow files never hold secrets), blocks of row
values, and each row's outcome. Secrets are resolved on the workers from their own environment or
keyring. A worker that dies has its block retried by Ray on a restarted actor; a block whose
worker keeps dying is reported row by row as failed, never retried forever.
"""

from __future__ import annotations

import os
import socket
import sys
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from studio.engine.batch import BatchTotals, RowOutcome

BLOCK_ROWS = 64
TASK_RETRIES = 3  # a block is run again this many times when its worker dies
REACH_TIMEOUT_S = 5.0


class RayUnavailable(RuntimeError):
    """Ray is not installed, or the cluster cannot be reached; the message says which and what to do."""


def import_ray() -> Any:
    """Ray, or a RayUnavailable naming the extra that installs it."""
    if getattr(sys, "frozen", False):  # the desktop bundle is built without Ray
        raise RayUnavailable(
            "Ray is not available in the Chain Studio bundle: run without --ray, or install "
            "Chain Studio with pip (pip install 'chain-studio[ray]') to use Ray"
        )
    try:
        import ray
    except ImportError:
        raise RayUnavailable(
            "Ray is not installed: install the extra with pip install 'chain-studio[ray]'"
        ) from None
    return ray


def _check_reachable(address: str) -> None:
    """Fail within seconds when a cluster address does not answer (ray.init can wait minutes)."""
    if address in ("", "local", "auto"):
        return
    parts = urlsplit(address if "://" in address else f"ray://{address}")
    host, port = parts.hostname, parts.port or (10001 if parts.scheme == "ray" else 6379)
    if not host:
        raise RayUnavailable(f"{address!r} is not a Ray address (expected ray://HOST:PORT)")
    try:
        with socket.create_connection((host, port), timeout=REACH_TIMEOUT_S):
            pass
    except OSError as error:
        raise RayUnavailable(
            f"cannot reach the Ray cluster at {address}: {error.strerror or error} "
            f"(is the head node running, and is port {port} open?)"
        ) from None


def start_ray(address: str | None, workers: int) -> Any:
    """Connect to `address` (or RAY_ADDRESS), or start a local Ray on this machine's cores."""
    ray = import_ray()
    if ray.is_initialized():
        return ray
    address = address or os.environ.get("RAY_ADDRESS") or ""
    _check_reachable(address)
    options: dict[str, Any] = {"include_dashboard": False, "log_to_driver": False}
    if address in ("", "local"):
        options["num_cpus"] = max(workers, os.cpu_count() or 1)
    else:
        options["address"] = address
    try:
        ray.init(**options)
    except Exception as error:  # ConnectionError, RuntimeError, grpc errors: say it in one line
        raise RayUnavailable(f"could not start or join Ray at {address or 'this machine'}: {error}") from None
    return ray


class _FlowWorker:
    """One Ray actor: the flow compiled once, then block after block of rows."""

    def __init__(self, flow_text: str, flow_path: str, concurrency: int, use_cache: bool):
        from studio.engine.graph import compile_flow
        from studio.flow.io import loads

        self.compiled = compile_flow(loads(flow_text, source=flow_path))
        self.flow_path = flow_path
        self.concurrency = concurrency
        self.use_cache = use_cache

    def pid(self) -> int:
        """The worker's process id (tests kill workers by it)."""
        return os.getpid()

    def run_block(self, rows: list[tuple[int, Any]]) -> list[RowOutcome]:
        """Run a block of rows through the local batch runner; outcomes in row order."""
        import asyncio

        from studio.engine.batch import BatchOptions, run_rows

        outcomes: list[RowOutcome] = []
        folder = Path(self.flow_path).parent
        options = BatchOptions(
            concurrency=self.concurrency,
            use_cache=self.use_cache,
            base_dir=folder if folder.is_dir() else None,
            flow_path=self.flow_path,
            extras={"subflow_stack": [self.flow_path]},
        )
        asyncio.run(run_rows(self.compiled, rows, outcomes.append, options))
        return outcomes


@dataclass
class RayOptions:
    """Where and how wide a Ray batch runs."""

    address: str | None = None  # None: RAY_ADDRESS, else a local Ray
    workers: int = 2
    concurrency: int = 8  # rows in flight inside each worker
    use_cache: bool = True
    block_rows: int = BLOCK_ROWS
    cancel: threading.Event | None = None
    on_workers: Callable[[list[Any]], None] | None = None  # given the actor handles once started


def _blocks(rows: Iterable[tuple[int, Any]], size: int) -> Iterator[list[tuple[int, Any]]]:
    block: list[tuple[int, Any]] = []
    for row in rows:
        block.append(row)
        if len(block) >= size:
            yield block
            block = []
    if block:
        yield block


def _failed_block(block: list[tuple[int, Any]], why: str) -> list[RowOutcome]:
    from studio.engine.batch import row_hash

    return [
        RowOutcome(n, row_hash(v) if isinstance(v, Mapping) else "", "failed", error=why) for n, v in block
    ]


def run_rows_on_ray(
    flow_text: str,
    flow_path: str,
    rows: Iterable[tuple[int, Any]],
    on_outcome: Callable[[RowOutcome], None],
    options: RayOptions,
    totals: BatchTotals | None = None,
) -> BatchTotals:
    """Run the rows on Ray workers, handing outcomes on in row order (blocks are reordered)."""
    ray = start_ray(options.address, options.workers)
    totals = totals if totals is not None else BatchTotals()
    actor_class = ray.remote(max_restarts=-1, max_task_retries=TASK_RETRIES, num_cpus=1)(_FlowWorker)
    workers = [
        actor_class.remote(flow_text, flow_path, options.concurrency, options.use_cache)
        for _ in range(max(1, options.workers))
    ]
    if options.on_workers is not None:
        options.on_workers(workers)
    idle: deque[Any] = deque(workers)
    pending: dict[Any, tuple[int, Any, list[tuple[int, Any]]]] = {}  # ref -> (sequence, worker, block)
    done_blocks: dict[int, list[RowOutcome]] = {}
    next_sequence = 0
    sequence = 0
    source = _blocks(rows, max(1, options.block_rows))
    exhausted = False

    def hand_on_ready() -> None:
        nonlocal next_sequence
        while next_sequence in done_blocks:
            for outcome in done_blocks.pop(next_sequence):
                totals.add(outcome)
                on_outcome(outcome)
            next_sequence += 1

    try:
        while True:
            while idle and not exhausted:
                if options.cancel is not None and options.cancel.is_set():
                    exhausted = True
                    break
                block = next(source, None)
                if block is None:
                    exhausted = True
                    break
                worker = idle.popleft()
                pending[worker.run_block.remote(block)] = (sequence, worker, block)
                sequence += 1
            if not pending:
                break
            ready, _ = ray.wait(list(pending), num_returns=1)
            for ref in ready:
                seq, worker, block = pending.pop(ref)
                try:
                    done_blocks[seq] = ray.get(ref)
                except Exception as error:  # the worker died more often than Ray retries
                    done_blocks[seq] = _failed_block(
                        block, f"the Ray worker running this row died {TASK_RETRIES + 1} times: {error}"
                    )
                idle.append(worker)
            hand_on_ready()
    finally:
        for ref in pending:
            ray.cancel(ref, force=True)
        for worker in workers:
            ray.kill(worker)
    return totals
