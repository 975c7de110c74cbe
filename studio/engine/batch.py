"""Batch runs: one flow over a stream of rows, bounded in flight, results handed on in row order.

The rows come from an iterator (read lazily from a file), at most `concurrency` run at once, and a
finished row waits in a small reorder buffer only until every row before it has finished, so
memory stays flat however long the dataset is. Run records are written in groups (one SQLite
transaction per group), which is what makes thousands of rows a second possible.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Generic, TypeVar

from studio.engine.cache import OutputCache
from studio.engine.errors import BadInput
from studio.engine.graph import CompiledFlow
from studio.engine.runstore import RunStore
from studio.engine.scheduler import RunResult
from studio.runtime.safety.secrets import Scrubber

# Rows whose run records are written in one transaction (or sooner, see RECORD_EVERY_S).
RECORD_GROUP = 256
RECORD_EVERY_S = 0.5

T = TypeVar("T")
log = logging.getLogger(__name__)


def row_hash(values: Mapping[str, Any]) -> str:
    """A short content hash of a row's values (key order does not matter)."""
    text = json.dumps(values, sort_keys=True, ensure_ascii=False, default=repr, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:16]


def flow_hash(compiled: CompiledFlow) -> str:
    """A short hash of what a flow does: its nodes' types, versions and settings and its wires.

    Canvas positions and comments are left out, so moving a node does not make a batch's
    results look like another flow's.
    """
    flow = compiled.flow
    shape = {
        "nodes": sorted(
            ([n.id, n.type, n.version, n.config] for n in flow.nodes), key=lambda item: str(item[0])
        ),
        "edges": sorted([e.source, e.source_port, e.target, e.target_port] for e in flow.edges),
        "inputs": [p.model_dump(mode="json") for p in flow.inputs],
        "variables": [v.model_dump(mode="json") for v in flow.variables],
    }
    text = json.dumps(shape, sort_keys=True, ensure_ascii=False, default=repr)
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:16]


@dataclass
class RowOutcome:
    """What one row's run produced, as a batch reports it."""

    number: int
    row_hash: str
    status: str  # succeeded | failed | cancelled | bad_input | bad_row
    outputs: dict[str, Any] = field(default_factory=dict)
    error: str | None = None
    run_id: str | None = None
    duration_s: float = 0.0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cost_usd: float = 0.0

    def to_record(self, flow_hash: str) -> dict[str, Any]:
        """The JSON line written for this row."""
        return {
            "row": self.number,
            "row_hash": self.row_hash,
            "flow_hash": flow_hash,
            "status": self.status,
            "outputs": self.outputs,
            "error": self.error,
            "run_id": self.run_id,
            "duration_s": round(self.duration_s, 6),
        }


@dataclass
class BatchTotals:
    """Running totals of a batch, for its progress line and its summary."""

    done: int = 0
    failed: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cost_usd: float = 0.0
    started: float = field(default_factory=time.perf_counter)

    def add(self, outcome: RowOutcome) -> None:
        """Count one finished row."""
        self.done += 1
        self.failed += outcome.status != "succeeded"
        self.prompt_tokens += outcome.prompt_tokens
        self.completion_tokens += outcome.completion_tokens
        self.cost_usd += outcome.cost_usd

    @property
    def rows_per_s(self) -> float:
        """Rows finished per second so far."""
        elapsed = time.perf_counter() - self.started
        return self.done / elapsed if elapsed > 0 else 0.0


class GroupWriter(Generic[T]):
    """Hands items to `write` in groups on a writer thread (one SQLite transaction per group).

    The commit (and SQLite's WAL checkpoints) then overlap the work still running instead of
    stopping the event loop; at most one group is being written while the next one fills. A crash
    loses at most the group being filled (a resume redoes it); `flush()` at the end writes the rest.
    """

    def __init__(
        self,
        write: Callable[[list[T]], None] | None,
        *,
        group: int = RECORD_GROUP,
        every_s: float = RECORD_EVERY_S,
    ):
        self.write = write
        self.group = group
        self.every_s = every_s
        self.pending: list[T] = []
        self.last = time.monotonic()
        self.writing: threading.Thread | None = None
        self.error: BaseException | None = None

    def add(self, item: T) -> None:
        """Keep one item; write the group when it is full or old enough."""
        if self.write is None:
            return
        self.pending.append(item)
        if len(self.pending) >= self.group or time.monotonic() - self.last > self.every_s:
            self.flush(wait=False)

    def flush(self, wait: bool = True) -> None:
        """Write what is pending (on the writer thread); with `wait`, until it is all written."""
        if self.writing is not None:
            self.writing.join()  # back-pressure: never more than one group in the air
            self.writing = None
        if self.write is not None and self.pending:
            write, group = self.write, self.pending
            self.writing = threading.Thread(target=self._write, args=(write, group), daemon=True)
            self.writing.start()
        self.pending = []
        self.last = time.monotonic()
        if wait and self.writing is not None:
            self.writing.join()
            self.writing = None
        if wait and self.error is not None:
            error, self.error = self.error, None
            raise error

    def _write(self, write: Callable[[list[T]], None], group: list[T]) -> None:
        try:
            write(group)
        except BaseException as error:  # kept for the caller: a thread's exception is otherwise lost
            self.error = error


RecordWriter = GroupWriter[RunResult]


def record_writer(
    store: RunStore | None, flow_path: str | None, scrubber: Scrubber | None = None
) -> RecordWriter:
    """Run records written in groups into `store` (nothing written when it is None)."""
    if store is None:
        return GroupWriter(None)

    def write(group: list[RunResult]) -> None:
        try:
            store.record_many(group, flow_path=flow_path, scrubber=scrubber)
        except (sqlite3.Error, OSError) as error:  # the runs happened: their results still count
            log.warning("could not record %d runs in the run history: %s", len(group), error)

    return GroupWriter(write)


def _outcome(number: int, digest: str, result: RunResult) -> RowOutcome:
    usage = result.usage
    return RowOutcome(
        number,
        digest,
        result.status,
        dict(result.outputs),
        result.error,
        result.run_id,
        result.duration_s,
        usage.prompt_tokens,
        usage.completion_tokens,
        usage.cost_usd,
    )


@dataclass
class BatchOptions:
    """How a batch runs its rows."""

    concurrency: int = 4
    ordered: bool = True
    use_cache: bool = True
    record: bool = True
    base_dir: Path | None = None
    flow_path: str | None = None
    extras: dict[str, Any] | None = None
    cancel: threading.Event | None = None
    store: RunStore | None = None
    cache: OutputCache | None = None  # default: the shared cache (when use_cache)


async def run_rows(
    compiled: CompiledFlow,
    rows: Iterable[tuple[int, Mapping[str, Any] | str]],
    on_outcome: Callable[[RowOutcome], None],
    options: BatchOptions | None = None,
    totals: BatchTotals | None = None,
) -> BatchTotals:
    """Run `compiled` once per `(row number, values)`; `on_outcome` gets each row in order.

    A row given as a string instead of values is a row that could not be read: it is reported
    with status `bad_row` and that string as its error. With `options.ordered` false, outcomes
    come as rows finish. Stops starting rows when `options.cancel` is set; rows in flight are
    cancelled and are not reported (a resumed batch runs them again). `totals`, when given, is
    kept up to date as rows finish (for a progress bar).
    """
    from studio.engine.api import arun_flow
    from studio.engine.scrub import flow_scrubber

    options = options or BatchOptions()
    limit = max(1, options.concurrency)
    # The flow's secrets are resolved once for the batch, not once per row; the scrubber still
    # follows every secret the process resolves later.
    scrubber = flow_scrubber(compiled)
    recorder = record_writer(
        (options.store or RunStore()) if options.record else None, options.flow_path, scrubber
    )
    totals = totals if totals is not None else BatchTotals()
    waiting: dict[int, RowOutcome] = {}  # finished, held until the rows before them finish
    order: list[int] = []  # row numbers in the order they were started
    next_index = 0  # index into `order` of the next outcome to hand on

    def hand_on(outcome: RowOutcome) -> None:
        totals.add(outcome)
        on_outcome(outcome)

    def release() -> None:
        nonlocal next_index
        while next_index < len(order) and order[next_index] in waiting:
            hand_on(waiting.pop(order[next_index]))
            next_index += 1

    async def one(number: int, values: Mapping[str, Any]) -> RowOutcome:
        digest = row_hash(values)
        try:
            result = await arun_flow(
                compiled,
                values,
                use_cache=options.use_cache,
                cache=options.cache,
                record=False,
                base_dir=options.base_dir,
                flow_path=options.flow_path,
                extras=dict(options.extras or {}),
                cancel=options.cancel,
                scrubber=scrubber,
            )
        except BadInput as error:
            return RowOutcome(number, digest, "bad_input", error=str(error))
        recorder.add(result)
        return _outcome(number, digest, result)

    in_flight: set[asyncio.Task[RowOutcome]] = set()
    source = iter(rows)
    exhausted = False
    try:
        while True:
            # Start rows while there is room, counting held results against the room too.
            while not exhausted and len(in_flight) + len(waiting) < limit * 4 and len(in_flight) < limit:
                if options.cancel is not None and options.cancel.is_set():
                    exhausted = True
                    break
                try:
                    number, values = next(source)
                except StopIteration:
                    exhausted = True
                    break
                order.append(number)
                if isinstance(values, str):
                    waiting[number] = RowOutcome(number, "", "bad_row", error=values)
                    continue
                in_flight.add(asyncio.ensure_future(one(number, values)))
            if options.ordered:
                release()
            else:
                for number in list(waiting):
                    hand_on(waiting.pop(number))
            if not in_flight:
                if exhausted or waiting:
                    break  # nothing left, or a stopped row holds back the rest (ordered mode)
                continue
            finished, in_flight = await asyncio.wait(in_flight, return_when=asyncio.FIRST_COMPLETED)
            for task in finished:
                outcome = task.result()
                if outcome.status == "cancelled":
                    continue  # stopped mid-row: not done, so a resumed batch runs it again
                waiting[outcome.number] = outcome
    finally:
        for task in in_flight:
            task.cancel()
        if in_flight:
            await asyncio.gather(*in_flight, return_exceptions=True)
        recorder.flush()
    return totals
