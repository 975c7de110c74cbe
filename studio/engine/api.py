"""Running flows: validate, then run on asyncio with caching, events and run records."""

from __future__ import annotations

import asyncio
import logging
import sqlite3
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from studio.engine.cache import OutputCache, default_cache
from studio.engine.errors import BadInput
from studio.engine.graph import CompiledFlow, compile_flow
from studio.engine.registry import Registry, default_registry
from studio.engine.runstore import RunStore
from studio.engine.scheduler import (
    DEFAULT_MAX_CONCURRENCY,
    EventListener,
    NodeState,
    RunResult,
    Scheduler,
    check_inputs,
)
from studio.engine.scrub import ScrubbingListener, flow_scrubber
from studio.engine.trace_export import traced
from studio.flow.schema import Flow
from studio.runtime.safety.secrets import Scrubber

log = logging.getLogger(__name__)


async def arun_flow(
    flow: Flow | CompiledFlow,
    inputs: Mapping[str, Any] | None = None,
    *,
    registry: Registry | None = None,
    on_event: EventListener | None = None,
    cache: OutputCache | None = None,
    use_cache: bool = True,
    store: RunStore | None = None,
    record: bool = True,
    base_dir: Path | None = None,
    flow_path: str | None = None,
    cancel: threading.Event | None = None,
    only: set[str] | None = None,
    rerun: set[str] | None = None,
    max_concurrency: int = DEFAULT_MAX_CONCURRENCY,
    extras: dict[str, Any] | None = None,
    scrubber: Scrubber | None = None,
    run_id: str | None = None,
    restored: Mapping[str, NodeState] | None = None,
) -> RunResult:
    """Validate and run a flow; FlowError if it is invalid, BadInput if the inputs do not fit.

    Node failures do not raise: they are in the result (status "failed") and in the run record.
    The result holds the real values; every sink (events, cache, run record) gets them scrubbed
    of the flow's secrets. `scrubber` is the flow's (`flow_scrubber`) when the caller made it
    already: a batch resolves the flow's secrets once, not once per row. `run_id` and `restored`
    (finished nodes' states) continue a paused run: `studio.engine.human.aresume_run`.
    """
    compiled = flow if isinstance(flow, CompiledFlow) else compile_flow(flow, registry or default_registry())
    inputs = dict(inputs or {})
    check_inputs(compiled, inputs)
    for node_id in (only or set()) | (rerun or set()):
        if node_id not in compiled.nodes:
            raise BadInput(f"no node with id {node_id!r} in this flow")
    # Resolved now, not taken from what the run resolves: a run served from the cache resolves
    # nothing, and its record must be scrubbed all the same.
    if scrubber is None:
        scrubber = flow_scrubber(compiled)
    on_event = traced(compiled, on_event)  # OpenTelemetry spans when an OTLP endpoint is set
    scheduler = Scheduler(
        compiled,
        inputs,
        on_event=ScrubbingListener(on_event, scrubber) if on_event else None,
        cache=cache if cache is not None else (default_cache() if use_cache else None),
        use_cache=use_cache,
        max_concurrency=max_concurrency,
        base_dir=base_dir,
        cancel=cancel,
        only=only,
        rerun=rerun,
        extras=extras,
        scrubber=scrubber,
        run_id=run_id,
        restored=restored,
    )
    result = await scheduler.run()
    if record:
        try:
            (store or RunStore()).record(result, flow_path=flow_path, scrubber=scrubber)
        except (sqlite3.Error, OSError) as error:  # the run happened: never lose its result
            log.warning("could not record run %s in the run history: %s", result.run_id, error)
    return result


def run_flow(flow: Flow | CompiledFlow, inputs: Mapping[str, Any] | None = None, **options: Any) -> RunResult:
    """Synchronous `arun_flow` (for the CLI, tests and the GUI's worker thread)."""
    return asyncio.run(arun_flow(flow, inputs, **options))
