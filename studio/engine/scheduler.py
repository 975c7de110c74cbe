"""The asyncio scheduler: start each node as soon as its inputs are ready, bounded, observable."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
import time
from collections import deque
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

from studio.engine.cache import OutputCache, make_key, stable_json
from studio.engine.context import Cancelled, RunContext
from studio.engine.disabled import DISABLED_REASON, is_disabled, not_taken_reason
from studio.engine.errors import BadInput, NodeError, NodeTimeout
from studio.engine.events import (
    Event,
    NodeCached,
    NodeFailed,
    NodeFinished,
    NodeQueued,
    NodeSkipped,
    NodeStarted,
    NodeTrace,
    RunFinished,
    RunStarted,
    Usage,
)
from studio.engine.graph import CompiledFlow, CompiledNode
from studio.engine.ids import new_run_id
from studio.engine.ports import check_value, convert
from studio.engine.waiting import WaitingForInput, pause
from studio.runtime.safety.secrets import Scrubber

log = logging.getLogger(__name__)

DEFAULT_MAX_CONCURRENCY = 32
CANCEL_POLL_S = 0.05

EventListener = Callable[[Event], None]


@dataclass
class NodeState:
    """What happened to one node in a run."""

    node_type: str
    status: str = "pending"  # pending | running | done | cached | skipped | failed | cancelled
    inputs: dict[str, Any] = field(default_factory=dict)
    outputs: dict[str, Any] = field(default_factory=dict)
    error: str | None = None
    error_type: str | None = None
    caused_by: str | None = None
    started: float | None = None
    duration_s: float = 0.0
    usage: Usage = field(default_factory=Usage)
    key: str | None = None
    cacheable: bool = False
    trace: list[dict[str, Any]] = field(default_factory=list)

    @property
    def produced(self) -> bool:
        return self.status in ("done", "cached")


@dataclass(repr=False)
class RunResult:
    """The outcome of a run: the flow's outputs and every node's state."""

    run_id: str
    flow_id: str
    flow_name: str
    status: str
    inputs: dict[str, Any]
    outputs: dict[str, Any]
    nodes: dict[str, NodeState]
    started: float
    duration_s: float
    usage: Usage
    error: str | None = None
    order: list[str] = field(default_factory=list)  # node ids in the order they finished

    def __repr__(self) -> str:
        # Short on purpose: asyncio formats finished tasks with their result's repr.
        return f"RunResult(run_id={self.run_id!r}, status={self.status!r}, nodes={len(self.nodes)})"

    def failures(self) -> dict[str, NodeState]:
        """Nodes that failed on their own (not because something upstream failed)."""
        return {
            node_id: state
            for node_id, state in self.nodes.items()
            if state.status == "failed" and state.caused_by is None
        }


def check_inputs(compiled: CompiledFlow, inputs: Mapping[str, Any]) -> None:
    """Refuse inputs the flow does not declare and missing required ones, naming them."""
    known: dict[str, CompiledNode] = {}
    for node in compiled.nodes.values():
        if node.node_class.interface == "input":
            name = node.node_class.interface_name(node.config)
            if name:
                known[name] = node
    unknown = sorted(set(inputs) - set(known))
    if unknown:
        listing = ", ".join(sorted(known)) or "none"
        raise BadInput(f"unknown input {', '.join(map(repr, unknown))}; this flow's inputs are: {listing}")
    for name, node in sorted(known.items()):
        required = getattr(node.config, "required", False)
        default = getattr(node.config, "default", None)
        if name not in inputs and required and default in (None, ""):
            raise BadInput(f"missing required input {name!r}")


class Scheduler:
    """Runs one compiled flow once."""

    def __init__(
        self,
        compiled: CompiledFlow,
        inputs: Mapping[str, Any],
        *,
        on_event: EventListener | None = None,
        cache: OutputCache | None = None,
        use_cache: bool = True,
        max_concurrency: int = DEFAULT_MAX_CONCURRENCY,
        base_dir: Path | None = None,
        cancel: threading.Event | None = None,
        only: set[str] | None = None,
        rerun: set[str] | None = None,
        extras: dict[str, Any] | None = None,
        run_id: str | None = None,
        scrubber: Scrubber | None = None,
        restored: Mapping[str, NodeState] | None = None,
    ):
        self.compiled = compiled
        self.scrubber = scrubber  # the cache refuses outputs holding one of its secrets
        self.flow = compiled.flow
        self.inputs = dict(inputs)
        self.listeners: list[EventListener] = [on_event] if on_event else []
        self.cache = cache
        self.use_cache = use_cache and cache is not None
        self.max_concurrency = max(1, max_concurrency)
        self.base_dir = base_dir
        self.cancel_event = cancel or threading.Event()
        self.extras = extras if extras is not None else {}
        self.run_id = run_id or new_run_id()
        self.variables: dict[str, Any] = {v.name: v.default for v in self.flow.variables}
        self.selected = self._selection(only)
        self.forced: set[str] = set()
        for node_id in rerun or ():
            self.forced |= {node_id} | compiled.descendants(node_id)
        self.states = {node_id: NodeState(compiled.nodes[node_id].spec.type) for node_id in self.selected}
        self.states.update({i: state for i, state in (restored or {}).items() if i in self.states})
        self.finish_order: list[str] = []
        self._position = compiled.positions
        # Made on first use: most runs of small flows never hand a node to a thread, and a pool
        # per run (with its locks) was a large part of a batch row's cost.
        self._executor: ThreadPoolExecutor | None = None

    def _selection(self, only: set[str] | None) -> list[str]:
        if not only:
            return list(self.compiled.order)
        wanted = set(only)
        for node_id in only:
            wanted |= self.compiled.ancestors(node_id)
        return [node_id for node_id in self.compiled.order if node_id in wanted]

    def emit(self, event: Event) -> None:
        """Deliver an event to every listener; a failing listener never breaks the run."""
        if isinstance(event, NodeTrace):
            state = self.states.get(event.node_id)
            if state is not None:
                state.trace.append({"label": event.label, "data": event.data, "time": event.time})
        for listener in self.listeners:
            # A broken UI listener must not fail the run.
            with contextlib.suppress(Exception):
                listener(event)

    # -- keys and inputs -------------------------------------------------------------------

    def _key(self, node: CompiledNode, inputs_present: dict[str, bool]) -> str:
        parts = [node.spec.type, str(node.node_class.version), node.config_json]
        for wire in node.incoming:
            source = self.states[wire.source]
            present = inputs_present.get(wire.source + "." + wire.source_port)
            parts.append(
                f"{wire.target_port}|{source.key}|{wire.source_port}|{wire.source_type.value}|"
                f"{wire.target_type.value}|{present}"
            )
        if node.node_class.interface == "input":
            name = node.node_class.interface_name(node.config) or ""
            parts.append(stable_json(["flow_input", name in self.inputs, self.inputs.get(name)]))
        return make_key(parts)

    def _key_by_outputs(self, node: CompiledNode, state: NodeState) -> None:
        """Downstream keys must follow what a non-deterministic node actually produced (a file
        re-read, a sampled reply), not only its settings and inputs; so key it by its outputs."""
        if not node.deterministic:
            state.key = make_key([node.spec.type, "outputs", stable_json(state.outputs)])

    def _gather(self, node: CompiledNode) -> tuple[dict[str, Any] | None, str | None, dict[str, bool]]:
        """Input values for a node, or (None, reason) when it must be skipped."""
        if is_disabled(node.spec.ui):  # switched off in the editor: not run, nor what needs only it
            return None, DISABLED_REASON, {}
        active: dict[str, list[Any]] = {}
        present: dict[str, bool] = {}
        for wire in node.incoming:
            source = self.states[wire.source]
            has = source.produced and wire.source_port in source.outputs
            present[wire.source + "." + wire.source_port] = has
            if has:
                value = convert(source.outputs[wire.source_port], wire.source_type, wire.target_type)
                active.setdefault(wire.target_port, []).append(value)
        if node.incoming and not active:
            errors = {w.source: self.states[w.source].error for w in node.incoming}
            return None, not_taken_reason(node.incoming, errors, self.compiled.label), present
        values: dict[str, Any] = {}
        for port in node.inputs.values():
            got = active.get(port.name)
            if not got:
                if port.required and any(w.target_port == port.name for w in node.incoming):
                    return None, f"input {port.name!r} comes from a branch that was not taken", present
                values[port.name] = [] if port.multi else port.default
            else:
                values[port.name] = got if port.multi else got[0]
        return values, None, present

    # -- running ---------------------------------------------------------------------------

    async def run(self) -> RunResult:
        """Run every selected node once; never raises for node failures."""
        self._loop = asyncio.get_running_loop()
        started = time.time()
        clock = time.perf_counter()
        if self.listeners:  # events nobody hears are not built (a batch row has no listener)
            self.emit(
                RunStarted(
                    self.run_id,
                    flow_id=self.flow.id,
                    flow_name=self.flow.name,
                    inputs=self.inputs,
                    node_count=len(self.selected),
                )
            )
        self._semaphore = asyncio.Semaphore(self.max_concurrency)
        self._tasks: dict[str, asyncio.Task[None]] = {}
        self._done = asyncio.Event()
        self._draining = False
        selected = set(self.selected)
        self._waiting = {
            node_id: len({w.source for w in self.compiled.nodes[node_id].incoming if w.source in selected})
            for node_id in self.selected
        }
        self._remaining = len(self.selected)
        self._ready: deque[str] = deque(n for n in self.selected if self._waiting[n] == 0)
        watcher: asyncio.Task[None] | None = None
        try:
            if self._remaining == 0:
                self._done.set()
            self._drain()
            if not self._done.is_set():
                # Only tasks need the watcher (inline nodes look at the event themselves), and
                # a run of inline nodes only is over already: no task per run for nothing.
                watcher = asyncio.create_task(self._watch_cancel())
                await self._done.wait()
        finally:
            if watcher is not None:
                watcher.cancel()
            if self._executor is not None:
                self._executor.shutdown(wait=False, cancel_futures=True)
            if self.cache is not None:
                self.cache.flush()
        return self._result(started, time.perf_counter() - clock)

    async def _watch_cancel(self) -> None:
        while not self.cancel_event.is_set():
            await asyncio.sleep(CANCEL_POLL_S)
        for task in list(self._tasks.values()):
            task.cancel()

    def _drain(self) -> None:
        """Start every ready node: cheap synchronous ones right here, the others as tasks.

        Running cheap nodes without a task of their own keeps the engine's cost per node low;
        a work list (not recursion) keeps long chains from growing the stack.
        """
        if self._draining:
            return
        self._draining = True
        try:
            while self._ready:
                node_id = self._ready.popleft()
                node, state = self.compiled.nodes[node_id], self.states[node_id]
                values = self._prepare(node, state)
                if values is None:
                    self._finished(node_id)
                elif node.mode == "inline" and node.spec.policy is None:
                    self._run_inline(node, state, values)
                    self._finished(node_id)
                else:
                    if self.listeners:  # it may wait for a free slot (the concurrency limit)
                        self.emit(NodeQueued(self.run_id, node_id=node_id))
                    self._tasks[node_id] = self._loop.create_task(self._run_task(node, state, values))
        finally:
            self._draining = False

    def _finished(self, node_id: str) -> None:
        self.finish_order.append(node_id)
        self._remaining -= 1
        ready = []
        for target in {w.target for w in self.compiled.nodes[node_id].outgoing}:
            if target in self._waiting:
                self._waiting[target] -= 1
                if self._waiting[target] == 0:
                    ready.append(target)
        self._ready.extend(sorted(ready, key=self._position.__getitem__))
        if self._remaining == 0:
            self._done.set()
        self._drain()

    def _mark_cancelled(self, state: NodeState) -> None:
        state.status = "cancelled"
        state.error = "the run was stopped"
        state.error_type = "Cancelled"

    def _prepare(self, node: CompiledNode, state: NodeState) -> dict[str, Any] | None:
        """Input values when the node must run; None when it is settled already (skipped,
        served from the cache, stopped, or failed because of an upstream node)."""
        if self.cancel_event.is_set():
            self._mark_cancelled(state)
            return None
        if state.produced:  # restored from a paused run's checkpoint (studio.engine.human)
            self.emit(NodeCached(self.run_id, node_id=node.id, outputs=state.outputs))
            return None
        for wire in node.incoming:
            source = self.states[wire.source]
            if source.status in ("waiting", "pending"):  # left for the run that resumes it
                return None
            if source.status in ("failed", "cancelled"):
                root = source.caused_by or wire.source
                state.status, state.caused_by = source.status, root
                state.error = f"not run: upstream node {self.compiled.label(root)} {source.status}"
                state.error_type = "UpstreamFailed"
                if source.status == "failed":
                    self.emit(
                        NodeFailed(
                            self.run_id,
                            node_id=node.id,
                            error=state.error,
                            error_type=state.error_type,
                            caused_by=root,
                        )
                    )
                return None
        values, skip_reason, present = self._gather(node)
        if values is None:
            state.status, state.error = "skipped", skip_reason
            self.emit(NodeSkipped(self.run_id, node_id=node.id, reason=skip_reason or ""))
            return None
        state.inputs = values
        state.key = self._key(node, present)
        state.cacheable = (
            self.use_cache and node.id not in self.forced and (node.deterministic or bool(node.spec.pinned))
        )
        if state.cacheable and self.cache is not None:
            hit = self.cache.get(state.key)
            if hit is not None:
                state.status, state.outputs = "cached", hit
                self._key_by_outputs(node, state)
                self.emit(NodeCached(self.run_id, node_id=node.id, outputs=hit))
                return None
        return values

    def _context(self, node: CompiledNode) -> RunContext:
        policy = node.spec.policy
        return RunContext(
            run_id=self.run_id,
            node_id=node.id,
            node_label=self.compiled.label(node.id),
            emit=self.emit,
            loop=self._loop,
            cancelled=self.cancel_event,
            flow_inputs=self.inputs,
            variables=self.variables,
            base_dir=self.base_dir,
            extras=self.extras,
            streaming=bool(self.listeners),
            flow_id=self.flow.id,
            timeout_s=policy.timeout_s if policy is not None else None,
            scrub=self.scrubber.value if self.scrubber is not None else None,
        )

    def _begin_attempt(self, node: CompiledNode, state: NodeState, attempt: int) -> RunContext:
        state.status = "running"
        if self.listeners:
            self.emit(NodeStarted(self.run_id, node_id=node.id, node_type=node.spec.type, attempt=attempt))
        return self._context(node)

    def _succeeded(
        self, node: CompiledNode, state: NodeState, outputs: Any, ctx: RunContext, clock: float
    ) -> None:
        state.outputs = self._checked_outputs(node, outputs)
        state.usage.add(ctx.usage)
        state.status, state.error, state.error_type = "done", None, None
        state.duration_s = time.perf_counter() - clock
        if state.cacheable and self.cache is not None and state.key is not None:
            self.cache.put(state.key, state.outputs, scrubber=self.scrubber)
        self._key_by_outputs(node, state)
        if self.listeners:
            self.emit(
                NodeFinished(
                    self.run_id,
                    node_id=node.id,
                    outputs=state.outputs,
                    duration_s=state.duration_s,
                    usage=state.usage,
                )
            )

    def _failed(self, node: CompiledNode, state: NodeState, clock: float) -> None:
        # The traceback goes to the log (for developers); users see the one-line error.
        log.debug("node %s failed: %s", node.id, state.error, exc_info=True)
        state.status = "failed"
        state.duration_s = time.perf_counter() - clock
        self.emit(
            NodeFailed(
                self.run_id,
                node_id=node.id,
                error=state.error or "failed",
                error_type=state.error_type or "Error",
                duration_s=state.duration_s,
            )
        )

    def _run_inline(self, node: CompiledNode, state: NodeState, values: dict[str, Any]) -> None:
        """Run a cheap synchronous node on the loop, once, with no time limit of its own.

        No thread hop here: it would cost more than such a node's work. Inline nodes whose work
        depends on the input (templates, expressions) bound it themselves (a default time limit,
        Stop, sizes), so they cannot hold the loop for long.
        """
        state.started = time.time()
        clock = time.perf_counter()
        ctx = self._begin_attempt(node, state, 1)
        try:
            self._succeeded(node, state, node.node_class(node.config).run(values, ctx), ctx, clock)
        except Cancelled:
            self._mark_cancelled(state)
        except WaitingForInput as waiting:
            pause(state, waiting, self.emit, self.run_id, node.id)
        except Exception as error:  # recorded in the node's state, never raised
            state.usage.add(ctx.usage)
            state.error, state.error_type = describe_error(error), type(error).__name__
            self._failed(node, state, clock)

    async def _run_task(self, node: CompiledNode, state: NodeState, values: dict[str, Any]) -> None:
        try:
            async with self._semaphore:
                await self._attempts(node, state, values)
        except asyncio.CancelledError:
            self._mark_cancelled(state)
        finally:
            self._tasks.pop(node.id, None)
            self._finished(node.id)

    def _policy(self, node: CompiledNode) -> tuple[int, float | None, float]:
        policy = node.spec.policy
        retries = policy.retries if policy and policy.retries is not None else 0
        timeout = policy.timeout_s if policy and policy.timeout_s is not None else None
        backoff = policy.retry_backoff_s if policy and policy.retry_backoff_s is not None else 0.5
        return retries, timeout, backoff

    async def _attempts(self, node: CompiledNode, state: NodeState, values: dict[str, Any]) -> None:
        retries, timeout, backoff = self._policy(node)
        state.started = time.time()
        clock = time.perf_counter()
        for attempt in range(1, retries + 2):
            ctx = self._begin_attempt(node, state, attempt)
            try:
                outputs = await self._call(node, values, ctx, timeout)
                self._succeeded(node, state, outputs, ctx, clock)
                return
            except (asyncio.CancelledError, Cancelled):
                state.usage.add(ctx.usage)
                self._mark_cancelled(state)
                return
            except WaitingForInput as waiting:
                pause(state, waiting, self.emit, self.run_id, node.id)
                return
            except Exception as error:  # recorded in the node's state, never raised
                state.usage.add(ctx.usage)
                state.error, state.error_type = describe_error(error, timeout), type(error).__name__
                if attempt <= retries and not self.cancel_event.is_set():
                    ctx.trace("retry", {"attempt": attempt, "error": state.error})
                    await asyncio.sleep(backoff * (2 ** (attempt - 1)))
                    continue
                self._failed(node, state, clock)
                return

    async def _call(
        self, node: CompiledNode, values: dict[str, Any], ctx: RunContext, timeout: float | None
    ) -> Any:
        instance = node.node_class(node.config)
        if node.mode == "async":
            call = instance.run(values, ctx)
        elif node.mode == "thread" or timeout is not None:
            # An inline node with a time limit runs in a worker thread, so that the limit (and
            # Stop) end the wait even if the node never yields; templates and expressions also
            # stop themselves at ctx.timeout_s, so the thread does not run on.
            if self._executor is None:  # made when the first node needs a thread
                self._executor = ThreadPoolExecutor(min(self.max_concurrency, 32), "studio-node")
            call = self._loop.run_in_executor(self._executor, cast(Any, instance.run), values, ctx)
        else:
            return instance.run(values, ctx)
        if timeout is None:
            return await call  # type: ignore[misc]
        try:
            return await asyncio.wait_for(call, timeout)  # type: ignore[arg-type]
        except TimeoutError:
            raise NodeTimeout(f"took longer than its {timeout:g} s time limit") from None

    def _checked_outputs(self, node: CompiledNode, outputs: Any) -> dict[str, Any]:
        if not isinstance(outputs, Mapping):
            raise NodeError(f"returned {type(outputs).__name__}, not a mapping of output ports")
        result = dict(outputs)
        for name, value in result.items():
            port = node.outputs.get(name)
            if port is None:
                raise NodeError(f"returned an unknown output {name!r} (outputs: {', '.join(node.outputs)})")
            problem = check_value(value, port.type)
            if problem:
                raise NodeError(f"output {name!r}: {problem}")
        return result

    def _result(self, started: float, duration: float) -> RunResult:
        outputs: dict[str, Any] = {}
        usage = Usage()
        for node_id, state in self.states.items():
            usage.add(state.usage)
            node = self.compiled.nodes[node_id]
            if node.node_class.interface == "output" and state.produced:
                name = node.node_class.interface_name(node.config) or node_id
                outputs[name] = state.outputs.get("value")
        statuses = {state.status for state in self.states.values()}
        if "cancelled" in statuses or self.cancel_event.is_set():
            status = "cancelled"
        elif "failed" in statuses:
            status = "failed"
        else:  # a node waiting for a person pauses the run (studio.engine.human resumes it)
            status = "waiting" if "waiting" in statuses else "succeeded"
        failures = [
            f"node {self.compiled.label(i)}: {s.error}"
            for i, s in self.states.items()
            if s.status == "failed" and s.caused_by is None
        ]
        result = RunResult(
            run_id=self.run_id,
            flow_id=self.flow.id,
            flow_name=self.flow.name,
            status=status,
            inputs=self.inputs,
            outputs=outputs,
            nodes=self.states,
            started=started,
            duration_s=duration,
            usage=usage,
            error="; ".join(failures) or None,
            order=self.finish_order,
        )
        if self.listeners:
            self.emit(
                RunFinished(
                    self.run_id,
                    status=status,
                    outputs=outputs,
                    duration_s=duration,
                    usage=usage,
                    error=result.error,
                )
            )
        return result


def describe_error(error: BaseException, timeout: float | None = None) -> str:
    """A one-line message for a node failure."""
    if isinstance(error, TimeoutError) and timeout is not None:
        return f"took longer than its {timeout:g} s time limit"
    text = str(error).strip() or type(error).__name__
    return text if isinstance(error, NodeError) else f"{type(error).__name__}: {text}"
