"""Running an evaluation: every dataset row under every variant, through the engine, scored and stored.

```python
outcome = run_evaluation(EvalSpec("flows/document_qa.json", "assets/eval/faq_qa.jsonl",
                                  metrics=["faithfulness", "latency"]),
                         on_progress=print, cancel=threading.Event())
```
Cells go through `arun_flow` with the shared output cache, so a variant whose nodes did not change
is served from the cache; a wholly deterministic variant's cell that an earlier run already
produced is taken from the store without entering the engine (see `cells`). Finished cells and run
records are written in groups on writer threads (see `store`). Rows are read as a
stream and at most `concurrency` cells are in flight, so memory does not grow with the dataset.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from studio.evaluation.cells import CellRun, execute_cell, reusable, reused_cell, row_key, text_of
from studio.evaluation.dataset import EvalDataset, EvalRow, estimate_rows, file_hash, flow_interface
from studio.evaluation.metrics.base import Metric, MetricEnv, MetricError, Sample, Score
from studio.evaluation.metrics.registry import parse_metrics
from studio.evaluation.store import CellRecord, EvalStore
from studio.evaluation.variants import DEFAULT_NAME, Variant, apply_variant
from studio.runtime.datasets import DatasetError

if TYPE_CHECKING:
    from studio.engine import CompiledFlow
    from studio.engine.batch import GroupWriter, RecordWriter
    from studio.evaluation.metrics.judged import Pairwise

RESUME_WINDOW = 1000
# What the cell writer stores: a finished cell (record, scores, reuse key), or scores that arrive
# later for a cell (pairwise preferences, once both cells of a row are in).
_CellItem = tuple[CellRecord, dict[str, Score], tuple[str, str] | None]
_ScoresItem = tuple[int, str, dict[str, Score]]
_Pending = _CellItem | _ScoresItem


class EvalError(ValueError):
    """An evaluation that cannot start (or resume); the message names the file, metric or model."""

    def __init__(self, message: str, *, invalid_flow: bool = False):
        super().__init__(message)
        self.invalid_flow = invalid_flow  # the flow file itself is the problem (CLI exit 1)


@dataclass
class EvalSpec:
    """What to evaluate: the flow, the dataset, the variants, the metrics and the judge."""

    flow: str
    dataset: str
    metrics: list[str] = field(default_factory=lambda: ["latency"])
    variants: list[Variant] = field(default_factory=lambda: [Variant(DEFAULT_NAME)])
    judge: str | None = None
    concurrency: int = 4
    use_cache: bool = True
    answer_output: str | None = None
    limit: int | None = None
    variants_source: str = "variants"

    def config(self) -> dict[str, Any]:
        """The JSON-ready configuration stored with the run (and read back by --resume)."""
        return {
            "metrics": self.metrics,
            "variants": [v.as_dict() for v in self.variants],
            "judge": self.judge,
            "concurrency": self.concurrency,
            "use_cache": self.use_cache,
            "answer_output": self.answer_output,
            "limit": self.limit,
        }

    @classmethod
    def from_config(cls, flow: str, dataset: str, config: dict[str, Any]) -> EvalSpec:
        """The spec of a stored run."""
        return cls(
            flow=flow,
            dataset=dataset,
            metrics=list(config["metrics"]),
            variants=[Variant(v["name"], v["overrides"]) for v in config["variants"]],
            judge=config.get("judge"),
            concurrency=int(config.get("concurrency", 4)),
            use_cache=bool(config.get("use_cache", True)),
            answer_output=config.get("answer_output"),
            limit=config.get("limit"),
        )


@dataclass
class Progress:
    """How far a run is: cells stored (this session), failed, from cache, and the estimated total."""

    run_id: str
    total: int | None
    done: int = 0
    failed: int = 0
    cached: int = 0
    resumed: int = 0
    last: CellRecord | None = None


@dataclass
class EvalOutcome:
    """How a run ended."""

    run_id: str
    status: str  # finished | stopped
    progress: Progress


@dataclass
class _Prepared:
    spec: EvalSpec
    flow_path: Path
    flow_name: str
    compiled: list[CompiledFlow]
    dataset: EvalDataset
    metrics: list[Metric]
    pairwise: Pairwise | None
    env: MetricEnv


def _read_option_file(name: str) -> str:
    try:
        return Path(name).read_text(encoding="utf-8")
    except OSError as error:
        raise MetricError(f"metric option file {name}: cannot read ({error.strerror or error})") from None


def resolve_metric_specs(specs: list[str]) -> list[str]:
    """Metric specs with "@file" options replaced by the file's text (so a run is self-contained)."""
    metrics = parse_metrics(specs, read_file=_read_option_file)
    return [m.name if m.argument is None else f"{m.name}:{m.argument}" for m in metrics]


def prepare(spec: EvalSpec) -> _Prepared:
    """Check everything before any cell runs: flow, variants, dataset columns, metrics, judge."""
    from studio.engine import compile_flow
    from studio.engine.registry import default_registry
    from studio.evaluation.metrics.judged import JudgeUnavailable, Pairwise, check_judge
    from studio.evaluation.variants import VariantsError
    from studio.flow import FlowError, load_flow

    flow_path = Path(spec.flow)
    try:
        flow = load_flow(flow_path)
        registry = default_registry()
        compiled = [
            compile_flow(apply_variant(flow, variant, registry, spec.variants_source), registry)
            for variant in spec.variants
        ]
    except FlowError as error:
        error.source = error.source or str(flow_path)
        raise EvalError(error.describe(), invalid_flow=True) from None
    except VariantsError as error:
        raise EvalError(str(error)) from None
    interface = flow_interface(compiled[0])
    if spec.answer_output and spec.answer_output not in interface.outputs:
        raise EvalError(
            f"--answer-output {spec.answer_output!r}: the flow has no such output; its outputs are: "
            + (", ".join(interface.outputs) or "none")
        )
    try:
        dataset = EvalDataset(spec.dataset, interface)
        dataset.check()
    except DatasetError as error:
        raise EvalError(str(error)) from None
    try:
        metrics = parse_metrics(spec.metrics, read_file=_read_option_file)
    except MetricError as error:
        raise EvalError(str(error)) from None
    needs_judge = [m.name for m in metrics if "judge" in m.needs]
    if needs_judge and not spec.judge:
        raise EvalError(f"metric {', '.join(needs_judge)} needs a judge model: add --judge MODEL")
    if spec.judge:
        try:
            check_judge(spec.judge)
        except JudgeUnavailable as error:
            raise EvalError(str(error)) from None
    pairwise = next((m for m in metrics if isinstance(m, Pairwise)), None)
    if pairwise is not None and len(spec.variants) < 2:
        raise EvalError("metric pairwise compares two variants: give a --variants file with at least two")
    env = MetricEnv(judge=spec.judge)
    return _Prepared(spec, flow_path, flow.name, compiled, dataset, metrics, pairwise, env)


class CellBackend(Protocol):
    """Somewhere else cells run, a block at a time (`ray_cells.RayCells`); the driver commits them."""

    block_cells: int

    def in_flight(self) -> int:
        """How many blocks to keep going at once."""

    async def run(self, block: list[tuple[EvalRow, int]]) -> list[CellRun | None]:
        """The (row, variant index) cells' results, in order; None for a cancelled cell."""

    def close(self) -> None:
        """Let the workers go."""


class _Runner:
    def __init__(
        self,
        prepared: _Prepared,
        store: EvalStore,
        run_id: str,
        resuming: bool,
        ray: CellBackend | None = None,
    ):
        self.p = prepared
        self.ray = ray
        self.store = store
        self.run_id = run_id
        self.resuming = resuming
        self.interface = flow_interface(prepared.compiled[0])
        self.pairs: dict[int, dict[int, Sample]] = {}
        self.records: list[RecordWriter] = []
        self.cells: GroupWriter[_Pending]
        # Per variant: the flow's behaviour hash when its cells may be reused, else None.
        self.reuse: list[str | None] = [None] * len(prepared.compiled)
        if prepared.spec.use_cache:
            from studio.engine.batch import flow_hash

            self.reuse = [flow_hash(c) if reusable(c) else None for c in prepared.compiled]
        # Looked up only for variants with something stored (a changed variant has nothing).
        self.lookup = [h is not None and store.has_reusable(h) for h in self.reuse]

    async def cell(self, row: EvalRow, index: int, cancel: threading.Event) -> CellRecord | None:
        key, flow_hash = None, self.reuse[index]
        if flow_hash is not None:
            key = (flow_hash, row_key(row, self.p.spec.answer_output))
            earlier = self.store.reusable_cell(*key) if self.lookup[index] else None
            if earlier is not None:
                return await self.commit(row, index, reused_cell(*earlier), key)
        done = await execute_cell(
            self.p.compiled[index],
            row,
            self.interface.outputs,
            use_cache=self.p.spec.use_cache,
            answer_output=self.p.spec.answer_output,
            flow_path=self.p.flow_path,
            cancel=cancel,
            records=self.records[index],
            scrubber=self.scrubbers[index],
        )
        return None if done is None else await self.commit(row, index, done, key)

    async def block(self, cells: list[tuple[EvalRow, int]], cancel: threading.Event) -> list[CellRecord]:
        """Run cells here (one at a time per task) or as one block on a Ray worker; commit each."""
        if self.ray is None:
            records = [await self.cell(row, index, cancel) for row, index in cells]
            return [r for r in records if r is not None]
        runs = await self.ray.run(cells)
        return [
            await self.commit(row, index, done)
            for (row, index), done in zip(cells, runs, strict=True)
            if done is not None
        ]

    async def commit(
        self, row: EvalRow, index: int, done: CellRun, key: tuple[str, str] | None = None
    ) -> CellRecord:
        """Score a cell that ran (here or on a Ray worker) or was reused, and hand it to the writer."""
        variant = self.p.spec.variants[index]
        question_name = self.interface.question_input
        sample = Sample(
            question=text_of(row.inputs.get(question_name)) if question_name else "",
            reference=row.reference,
            reference_contexts=row.reference_contexts,
            row=row.values,
            status=done.status,
            answer=done.answer,
            contexts=done.contexts,
            outputs=done.outputs,
            latency_s=done.latency_s,
            prompt_tokens=done.prompt_tokens,
            completion_tokens=done.completion_tokens,
            cost_usd=done.cost_usd,
        )
        scores = await self.score(sample)
        record = CellRecord(
            row=row.number,
            variant=variant.name,
            status=sample.status,
            error=done.error or None,
            flow_run_id=done.flow_run_id,
            duration_s=sample.latency_s,
            prompt_tokens=sample.prompt_tokens,
            completion_tokens=sample.completion_tokens,
            cost_usd=sample.cost_usd,
            cached=done.cached,
            sample=_sample_dict(sample),
        )
        self.cells.add((record, scores, key))
        if self.p.pairwise is not None and index in (0, 1):
            await self.pair(row.number, index, sample)
        return record

    def _write_cells(self, group: list[_Pending]) -> None:
        cells = [item for item in group if isinstance(item[0], CellRecord)]
        later = [item for item in group if not isinstance(item[0], CellRecord)]
        self.store.save_group(self.run_id, cells, later)

    async def score(self, sample: Sample) -> dict[str, Score]:
        scores: dict[str, Score] = {}
        for metric in self.p.metrics:
            if metric is self.p.pairwise:
                continue
            if sample.status != "succeeded":
                scores[metric.label] = Score.skip("the flow failed on this row")
                continue
            try:
                scores[metric.label] = await metric.score(sample, self.p.env)
            except Exception as error:  # a metric's bug must not stop the run; the note says what
                scores[metric.label] = Score.skip(f"{metric.name} failed: {type(error).__name__}: {error}")
        return scores

    async def pair(self, number: int, index: int, sample: Sample) -> None:
        assert self.p.pairwise is not None
        waiting = self.pairs.setdefault(number, {})
        waiting[index] = sample
        other = 1 - index
        if other not in waiting:
            stored = self.store.get_cell(self.run_id, number, self.p.spec.variants[other].name)
            if stored is None:
                return
            waiting[other] = sample_from_dict(stored.sample)
        del self.pairs[number]
        first, second = waiting[0], waiting[1]
        if first.status != "succeeded" or second.status != "succeeded":
            scores = (Score.skip("a cell of this row failed"),) * 2
        else:
            scores = await self.p.pairwise.compare(first, second, self.p.env)
        for position, score in enumerate(scores):
            name = self.p.spec.variants[position].name
            self.cells.add((number, name, {self.p.pairwise.label: score}))

    async def run(
        self, progress: Progress, on_progress: Callable[[Progress], None] | None, cancel: threading.Event
    ) -> str:
        from studio.engine import RunStore
        from studio.engine.batch import GroupWriter, record_writer
        from studio.engine.scrub import flow_scrubber

        run_store = RunStore()
        # Resolved once per variant, not once per cell; the scrubber follows later secrets too.
        self.scrubbers = [flow_scrubber(c) for c in self.p.compiled]
        self.records = [record_writer(run_store, str(self.p.flow_path), s) for s in self.scrubbers]
        self.cells = GroupWriter(self._write_cells)
        limit = max(1, self.p.spec.concurrency) if self.ray is None else self.ray.in_flight()
        size = 1 if self.ray is None else max(1, self.ray.block_cells)
        cells: list[tuple[EvalRow, int]] = []
        pending: set[asyncio.Task[list[CellRecord]]] = set()
        window_end, done_here = -1, set[tuple[int, str]]()

        def finished(task: asyncio.Task[list[CellRecord]]) -> None:
            for record in task.result():
                progress.done += 1
                progress.failed += record.status != "succeeded"
                progress.cached += record.cached
                progress.last = record
                if on_progress is not None:
                    on_progress(progress)

        async def drain(until: int) -> None:
            nonlocal pending
            while len(pending) > until:
                done, pending = await asyncio.wait(pending, return_when=asyncio.FIRST_COMPLETED)
                for task in done:
                    finished(task)

        rows = 0
        try:
            for row in self.p.dataset:
                if cancel.is_set() or (self.p.spec.limit is not None and rows >= self.p.spec.limit):
                    break
                rows += 1
                if self.resuming and row.number > window_end:
                    window_end = row.number + RESUME_WINDOW
                    done_here = self.store.done_cells(self.run_id, row.number, window_end)
                for index, variant in enumerate(self.p.spec.variants):
                    if cancel.is_set():
                        break
                    if self.resuming and (row.number, variant.name) in done_here:
                        progress.resumed += 1
                        continue
                    cells.append((row, index))
                    if len(cells) >= size:
                        await drain(limit - 1)
                        pending.add(asyncio.ensure_future(self.block(cells, cancel)))
                        cells = []
            if cells and not cancel.is_set():
                pending.add(asyncio.ensure_future(self.block(cells, cancel)))
            await drain(0)
        finally:
            for task in pending:
                task.cancel()
            self.cells.flush()
            for records in self.records:
                records.flush()
            run_store.close()
            if self.ray is not None:
                self.ray.close()
        return "stopped" if cancel.is_set() else "finished"


def _sample_dict(sample: Sample) -> dict[str, Any]:
    return {
        "question": sample.question,
        "answer": sample.answer,
        "reference": sample.reference,
        "contexts": sample.contexts,
        "reference_contexts": sample.reference_contexts,
        "outputs": sample.outputs,
        "row": sample.row,
        "status": sample.status,
    }


def sample_from_dict(data: dict[str, Any]) -> Sample:
    """A Sample rebuilt from a stored cell (for pairwise after a resume, and for the GUI)."""
    return Sample(
        question=data.get("question") or "",
        answer=data.get("answer") or "",
        reference=data.get("reference"),
        contexts=data.get("contexts"),
        reference_contexts=data.get("reference_contexts"),
        outputs=data.get("outputs") or {},
        row=data.get("row") or {},
        status=data.get("status") or "succeeded",
    )


async def arun_evaluation(
    spec: EvalSpec | None = None,
    *,
    resume: str | None = None,
    on_progress: Callable[[Progress], None] | None = None,
    on_start: Callable[[str], None] | None = None,
    cancel: threading.Event | None = None,
    store: EvalStore | None = None,
    backend: Callable[[EvalSpec], CellBackend] | None = None,
) -> EvalOutcome:
    """Run (or, with `resume=RUN_ID`, continue) an evaluation; EvalError before any cell if it cannot.

    `on_start(run_id)` hears the id as soon as the run exists; `on_progress` is called after each
    stored cell; setting `cancel` stops scheduling cells and stops those running (they are not
    stored, so a resume runs them again). `backend(spec)` runs the cells elsewhere, e.g.
    `backend=RayEvalOptions(workers=8).start` on Ray workers (see `ray_cells`); it is started before the
    run is created, so a missing Ray or an unreachable cluster is an EvalError and leaves no run behind.
    """
    store = store or EvalStore()
    cancel = cancel or threading.Event()
    if resume is not None:
        info = store.get_run(resume)
        if info is None:
            raise EvalError(f"no evaluation run {resume!r} (see `studio eval list`)")
        spec = EvalSpec.from_config(info.flow_path, info.dataset_path, info.config)
        for what, path, stored_hash in (
            ("flow", info.flow_path, info.flow_hash),
            ("dataset", info.dataset_path, info.dataset_hash),
        ):
            try:
                current = file_hash(path)
            except ValueError as error:
                raise EvalError(f"cannot resume {info.run_id}: {error}") from None
            if current != stored_hash:
                raise EvalError(
                    f"cannot resume {info.run_id}: the {what} file {path} changed since the run started; "
                    "start a new evaluation"
                )
        run_id = info.run_id
    elif spec is None:
        raise EvalError("nothing to evaluate: give a spec or a run id to resume")
    prepared = prepare(spec)
    elsewhere = backend(spec) if backend is not None else None
    if resume is None:
        spec.metrics = resolve_metric_specs(spec.metrics)
        run_id = store.create_run(
            flow_path=str(spec.flow),
            flow_name=prepared.flow_name,
            flow_hash=file_hash(spec.flow),
            dataset_path=str(spec.dataset),
            dataset_hash=file_hash(spec.dataset),
            config=spec.config(),
        )
    else:
        store.set_status(run_id, "running")
    if on_start is not None:
        on_start(run_id)
    rows = estimate_rows(spec.dataset)
    if rows is not None and spec.limit is not None:
        rows = min(rows, spec.limit)
    total = rows * len(spec.variants) if rows is not None else None
    progress = Progress(run_id=run_id, total=total)
    status = "failed"
    try:
        status = await _Runner(prepared, store, run_id, resume is not None, elsewhere).run(
            progress, on_progress, cancel
        )
    except DatasetError as error:  # a bad row further down the file: the cells before it are kept
        raise EvalError(f"{error} (run {run_id} keeps the cells before that row)") from None
    except (KeyboardInterrupt, asyncio.CancelledError):
        status = "stopped"
        raise
    finally:
        store.set_status(run_id, status)
    return EvalOutcome(run_id, status, progress)


def run_evaluation(spec: EvalSpec | None = None, **options: Any) -> EvalOutcome:
    """Synchronous `arun_evaluation` (the CLI, tests, and a GUI worker thread)."""
    return asyncio.run(arun_evaluation(spec, **options))
