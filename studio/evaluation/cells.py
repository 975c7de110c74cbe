"""One evaluation cell (a dataset row under one variant): run it through the engine, or reuse the
same cell of an earlier evaluation run.

A cell is reused only when its variant's flow is wholly deterministic (every node cacheable, as the
engine's output cache sees it), the flow does the same thing (`flow_hash`) and the row's inputs are
the same: then the engine would serve every node from its cache anyway, and taking the stored answer
skips the engine entirely. Run records are written in groups by the caller's `RecordWriter`.
"""

from __future__ import annotations

import hashlib
import json
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from studio.evaluation.dataset import EvalRow

if TYPE_CHECKING:
    from studio.engine import CompiledFlow, RunResult
    from studio.engine.batch import RecordWriter
    from studio.runtime.safety.secrets import Scrubber


def text_of(value: Any) -> str:
    if value is None:
        return ""
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=repr)


def _contexts(result: RunResult) -> list[str] | None:
    """The contexts RAG metrics judge: a `contexts` output, else the last retriever's documents."""
    if "contexts" in result.outputs:
        value = result.outputs["contexts"]
        items = value if isinstance(value, list) else [value]
        return [item.get("text", "") if isinstance(item, dict) else text_of(item) for item in items]
    for node_id in reversed(result.order or list(result.nodes)):
        state = result.nodes.get(node_id)
        documents = state.outputs.get("documents") if state is not None and state.produced else None
        if isinstance(documents, list) and all(isinstance(d, dict) and "text" in d for d in documents):
            return [str(d["text"]) for d in documents]
    return None


def _answer(result: RunResult, outputs: list[str], chosen: str | None) -> str:
    if chosen:
        return text_of(result.outputs.get(chosen))
    if "answer" in result.outputs:
        return text_of(result.outputs["answer"])
    for name in outputs:
        if name in result.outputs:
            return text_of(result.outputs[name])
    return ""


def _error(result: RunResult) -> str:
    failures = result.failures()
    if failures:
        return "; ".join(f"node {node_id!r}: {state.error}" for node_id, state in failures.items())
    return result.error or f"the run ended {result.status}"


def _all_cached(result: RunResult) -> bool:
    states = list(result.nodes.values())
    return any(s.status == "cached" for s in states) and not any(
        s.status == "done" and s.cacheable for s in states
    )


@dataclass
class CellRun:
    """What running one cell gave, as plain data (it crosses from a Ray worker to the driver)."""

    status: str  # succeeded | failed
    error: str = ""
    flow_run_id: str | None = None
    cached: bool = False
    outputs: dict[str, Any] = field(default_factory=dict)
    answer: str = ""
    contexts: list[str] | None = None
    latency_s: float = 0.0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cost_usd: float = 0.0


async def execute_cell(
    compiled: CompiledFlow,
    row: EvalRow,
    outputs: list[str],
    *,
    use_cache: bool,
    answer_output: str | None,
    flow_path: Path,
    cancel: threading.Event,
    records: RecordWriter | None,
    scrubber: Scrubber | None = None,
) -> CellRun | None:
    """Run one row under one compiled variant; None when cancelled (not stored, so resume redoes it).

    The run record goes to `records` (written in groups), not committed here one by one."""
    from studio.engine import BadInput, arun_flow

    try:
        result = await arun_flow(
            compiled,
            row.inputs,
            use_cache=use_cache,
            record=False,
            base_dir=flow_path.parent,
            flow_path=str(flow_path),
            cancel=cancel,
            scrubber=scrubber,
        )
    except BadInput as error:
        return CellRun("failed", error=f"row {row.number}: {error}")
    if records is not None:
        records.add(result)
    if result.status == "cancelled":
        return None
    cached = _all_cached(result)
    status = "succeeded" if result.status == "succeeded" else "failed"
    return CellRun(
        status,
        error="" if status == "succeeded" else _error(result),
        flow_run_id=result.run_id,
        cached=cached,
        outputs=dict(result.outputs),
        answer=_answer(result, outputs, answer_output),
        contexts=_contexts(result),
        latency_s=0.0 if cached else result.duration_s,
        prompt_tokens=result.usage.prompt_tokens,
        completion_tokens=result.usage.completion_tokens,
        cost_usd=result.usage.cost_usd,
    )


def reusable(compiled: CompiledFlow) -> bool:
    """Whether the engine's cache would serve every node of this flow (nothing sampled, read or written)."""
    return all(node.deterministic or bool(node.spec.pinned) for node in compiled.nodes.values())


def row_key(row: EvalRow, answer_output: str | None) -> str:
    """What a reusable cell's result depends on besides the flow: the row's inputs (and which output
    is the answer). References are not in it: scores are computed again for every run."""
    from studio.engine.batch import row_hash

    text = f"{row_hash(row.inputs)}\0{answer_output or ''}"
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:32]


def reused_cell(sample: dict[str, Any], flow_run_id: str | None) -> CellRun:
    """An earlier run's finished cell, as if every node came from the cache (no time, no tokens)."""
    return CellRun(
        "succeeded",
        flow_run_id=flow_run_id,
        cached=True,
        outputs=dict(sample.get("outputs") or {}),
        answer=str(sample.get("answer") or ""),
        contexts=sample.get("contexts"),
    )
