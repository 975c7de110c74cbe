"""Evaluation cells on Ray: blocks of (row, variant) cells go to long-lived worker actors.

Each actor compiles every variant's flow once (the flow file's text with the variant's overrides
applied, exactly as `prepare` does on the driver) and runs block after block of cells through the
same `execute_cell` as a local run. Only plain results come back (outputs, answer, contexts,
usage, latency, error); the driver scores the metrics and commits each cell to the EvalStore, so
reports, resume and compare do not know where a cell ran.

What crosses the wire: the flow text (flow files never hold secrets), the variants' overrides and
the rows' input values. Secrets are resolved on the workers from their own environment; each
worker keeps its own output cache and run records. A worker that dies has its block retried by
Ray on a restarted actor; a block whose worker keeps dying comes back as failed cells.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from studio.evaluation.cells import CellRun
    from studio.evaluation.dataset import EvalRow
    from studio.evaluation.runner import EvalSpec

BLOCK_CELLS = 16


@dataclass
class RayEvalOptions:
    """Where and how wide the cells of an evaluation run on Ray."""

    address: str | None = None  # None: RAY_ADDRESS, else a local Ray on this machine
    workers: int = 2
    block_cells: int = BLOCK_CELLS
    on_workers: Callable[[list[Any]], None] | None = None  # given the actor handles once started

    def start(self, spec: EvalSpec) -> RayCells:
        """Join or start Ray and the workers (`arun_evaluation(backend=options.start)`)."""
        from studio.engine.ray_batch import RayUnavailable
        from studio.evaluation.runner import EvalError

        try:
            return RayCells(spec, self)
        except RayUnavailable as error:
            raise EvalError(str(error)) from None


class _CellWorker:
    """One Ray actor: every variant compiled once, then block after block of cells."""

    def __init__(self, flow_text: str, flow_path: str, spec: dict[str, Any], source: str):
        from studio.engine import RunStore, compile_flow
        from studio.engine.registry import default_registry
        from studio.engine.scrub import flow_scrubber
        from studio.evaluation.dataset import flow_interface
        from studio.evaluation.runner import EvalSpec
        from studio.evaluation.variants import apply_variant
        from studio.flow.io import loads

        registry = default_registry()
        flow = loads(flow_text, source=flow_path)
        self.spec = EvalSpec.from_config(flow_path, "", spec)
        self.compiled = [
            compile_flow(apply_variant(flow, variant, registry, source), registry)
            for variant in self.spec.variants
        ]
        self.outputs = flow_interface(self.compiled[0]).outputs
        self.flow_path = Path(flow_path)
        self.run_store = RunStore()  # this worker's run records
        self.scrubbers = [flow_scrubber(c) for c in self.compiled]

    def pid(self) -> int:
        """The worker's process id (tests kill workers by it)."""
        return os.getpid()

    def run_cells(self, cells: list[tuple[int, dict[str, Any], int]]) -> list[CellRun | None]:
        """Run (row number, inputs, variant index) cells, `spec.concurrency` at a time; results in order."""
        import threading

        from studio.engine.batch import record_writer
        from studio.evaluation.cells import execute_cell
        from studio.evaluation.dataset import EvalRow

        never = threading.Event()
        limit = asyncio.Semaphore(max(1, self.spec.concurrency))
        records = [record_writer(self.run_store, str(self.flow_path), s) for s in self.scrubbers]

        async def one(number: int, inputs: dict[str, Any], index: int) -> CellRun | None:
            async with limit:
                row = EvalRow(number, inputs)
                return await execute_cell(
                    self.compiled[index],
                    row,
                    self.outputs,
                    use_cache=self.spec.use_cache,
                    answer_output=self.spec.answer_output,
                    flow_path=self.flow_path,
                    cancel=never,
                    records=records[index],
                    scrubber=self.scrubbers[index],
                )

        async def everything() -> list[CellRun | None]:
            try:
                return list(await asyncio.gather(*(one(*cell) for cell in cells)))
            finally:  # a block's run records in one transaction per variant
                for writer in records:
                    writer.flush()

        return asyncio.run(everything())


class RayCells:
    """The driver's side: the actors, and `run(block)` awaiting one block's results."""

    def __init__(self, spec: EvalSpec, options: RayEvalOptions):
        from studio.engine.ray_batch import TASK_RETRIES, start_ray

        self.ray = start_ray(options.address, options.workers)
        self.block_cells = options.block_cells
        self.retries = TASK_RETRIES
        flow_text = Path(spec.flow).read_text(encoding="utf-8")
        actor = self.ray.remote(max_restarts=-1, max_task_retries=TASK_RETRIES, num_cpus=1)(_CellWorker)
        self.workers = [
            actor.remote(flow_text, str(spec.flow), spec.config(), spec.variants_source)
            for _ in range(max(1, options.workers))
        ]
        self.idle: asyncio.Queue[Any] | None = None
        if options.on_workers is not None:
            options.on_workers(self.workers)

    def in_flight(self) -> int:
        """Blocks to keep going at once: two per worker, so a worker never waits for the driver."""
        return 2 * len(self.workers)

    async def run(self, block: list[tuple[EvalRow, int]]) -> list[CellRun | None]:
        """Run a block of (row, variant index) cells on an idle worker."""
        from studio.evaluation.cells import CellRun

        if self.idle is None:  # made here: the queue belongs to the running event loop
            self.idle = asyncio.Queue()
            for worker in self.workers:
                for _ in range(2):
                    self.idle.put_nowait(worker)
        worker = await self.idle.get()
        try:
            payload = [(row.number, row.inputs, index) for row, index in block]
            try:
                result: list[CellRun | None] = await worker.run_cells.remote(payload)
            except Exception as error:  # the worker died more often than Ray retries
                why = f"the Ray worker running this cell died {self.retries + 1} times: {error}"
                return [CellRun("failed", error=why) for _ in block]
            return result
        finally:
            self.idle.put_nowait(worker)

    def close(self) -> None:
        """Stop the actors (their blocks still running are dropped; a resume redoes those cells)."""
        for worker in self.workers:
            self.ray.kill(worker)
