"""The served-flow catalogue: the flows of some files and folders, compiled once, reloaded on change.

Shared by `studio serve` (REST, SSE, OpenAI-compatible) and `studio mcp`. Each flow gets an id from
its file name (`flows/basic_prompt.json` -> `basic-prompt`), a description of its inputs and
outputs, and runs through the engine like any other run: the shared output cache, the normal run
store (so the Studio's history shows served runs), secrets scrubbed from every sink.

Loading a flow never runs code: a file is read, validated and compiled, nothing more. A file edited
into an invalid state keeps its last good version serving; its `error` says what is wrong. Flows
with code or side-effect tools are listed but not run unless the catalogue allows code.

Qt-free and protocol-free: nothing here imports fastapi, uvicorn or mcp.
"""

from __future__ import annotations

import asyncio
import builtins
import contextlib
import logging
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from studio.engine.events import Event
    from studio.engine.graph import CompiledFlow
    from studio.engine.registry import Registry
    from studio.engine.runstore import RunStore
    from studio.engine.scheduler import RunResult
    from studio.runtime.safety.secrets import Scrubber

__all__ = [
    "BadInputs",
    "FlowCatalogue",
    "FlowNotServed",
    "FlowPort",
    "ServedFlow",
    "UnknownFlow",
    "flow_id_for",
    "result_body",
]

log = logging.getLogger(__name__)

# Node types that run code the flow's author wrote, or that change things outside the run.
CODE_NODE_TYPES = frozenset({"tool.python"})
# JSON schema of each port type, for MCP tool schemas and the OpenAPI description.
_JSON_SCHEMAS: dict[str, dict[str, Any]] = {
    "text": {"type": "string"},
    "number": {"type": "number"},
    "boolean": {"type": "boolean"},
    "messages": {
        "type": "array",
        "items": {
            "type": "object",
            "properties": {"role": {"type": "string"}, "content": {"type": "string"}},
            "required": ["role", "content"],
        },
    },
    "documents": {
        "type": "array",
        "items": {"type": "object", "properties": {"text": {"type": "string"}}, "required": ["text"]},
    },
    "embedding": {"type": "array"},
}


class UnknownFlow(LookupError):
    """No served flow has this id; the message lists the ids there are."""

    def __init__(self, flow_id: str, known_ids: Sequence[str]):
        self.flow_id = flow_id
        self.known_ids = list(known_ids)
        listing = ", ".join(self.known_ids) or "none"
        super().__init__(f"no flow with id {flow_id!r}; the served flows are: {listing}")


class BadInputs(ValueError):
    """The inputs of a run do not fit the flow; `input` names the one at fault (None if several)."""

    def __init__(self, message: str, input_name: str | None = None):
        self.input = input_name
        super().__init__(message)


class FlowNotServed(RuntimeError):
    """The flow is listed but cannot run here: it never loaded, or it needs `--allow-code`."""

    def __init__(self, flow_id: str, reason: str):
        self.flow_id = flow_id
        self.reason = reason
        super().__init__(f"flow {flow_id!r} is not served: {reason}")


@dataclass(frozen=True)
class FlowPort:
    """One declared input or output of a served flow."""

    name: str
    type: str
    description: str
    required: bool
    default: Any


@dataclass
class ServedFlow:
    """A flow as the server offers it: its interface, and the compiled version that runs."""

    id: str
    path: Path
    name: str
    description: str
    inputs: list[FlowPort]
    outputs: list[FlowPort]
    chat_input: str | None
    needs_code: bool
    error: str | None
    compiled: CompiledFlow | None = field(default=None, repr=False)
    scrubber: Scrubber | None = field(default=None, repr=False)
    stamp: tuple[int, int] | None = field(default=None, repr=False)  # (mtime_ns, size) last read

    def input_schema(self) -> dict[str, Any]:
        """JSON schema (an object) of the flow's inputs."""
        properties: dict[str, Any] = {}
        for port in self.inputs:
            schema = dict(_JSON_SCHEMAS.get(port.type, {}))
            if port.description:
                schema["description"] = port.description
            if port.default is not None:
                schema["default"] = port.default
            properties[port.name] = schema
        required = [port.name for port in self.inputs if port.required]
        return {
            "type": "object",
            "properties": properties,
            "required": required,
            "additionalProperties": False,
        }

    def output_names(self) -> list[str]:
        """Names of the flow's outputs."""
        return [port.name for port in self.outputs]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready interface, as `GET /api/v1/flows` lists it."""
        return {
            "id": self.id,
            "name": self.name,
            "description": self.description,
            "file": self.path.name,
            "inputs": [_port_dict(p) for p in self.inputs],
            "outputs": [_port_dict(p) for p in self.outputs],
            "chat": self.chat_input is not None,
            "chat_input": self.chat_input,
            "needs_code": self.needs_code,
            "runnable": self.compiled is not None,
            "error": self.error,
            "input_schema": self.input_schema(),
        }


def _port_dict(port: FlowPort) -> dict[str, Any]:
    return {
        "name": port.name,
        "type": port.type,
        "description": port.description,
        "required": port.required,
        "default": port.default,
    }


def flow_id_for(path: Path) -> str:
    """The served id of a flow file: its stem with "_" as "-" (`basic_prompt.json` -> `basic-prompt`)."""
    return path.stem.replace("_", "-")


def _stamp(path: Path) -> tuple[int, int] | None:
    try:
        info = path.stat()
    except OSError:
        return None
    return info.st_mtime_ns, info.st_size


def _check_type(name: str, kind: str, value: Any) -> str | None:
    """Why `value` does not fit port type `kind`, or None."""
    if kind == "text" and not isinstance(value, str):
        return f"input {name!r} expects text (a JSON string), got {_json_kind(value)}"
    if kind == "number" and (isinstance(value, bool) or not isinstance(value, int | float)):
        return f"input {name!r} expects a number, got {_json_kind(value)}"
    if kind == "boolean" and not isinstance(value, bool):
        return f"input {name!r} expects true or false, got {_json_kind(value)}"
    if kind == "messages" and not _is_messages(value):
        return f'input {name!r} expects a list of {{"role": ..., "content": ...}} messages'
    if kind in ("documents", "embedding") and not isinstance(value, list):
        return f"input {name!r} expects a list, got {_json_kind(value)}"
    return None


def _is_messages(value: Any) -> bool:
    return isinstance(value, list) and all(
        isinstance(m, dict) and isinstance(m.get("role"), str) and isinstance(m.get("content"), str)
        for m in value
    )


def _json_kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


def _needs_code(compiled: CompiledFlow) -> bool:
    """Whether a flow holds code tools or tools that change things outside the run."""
    for node in compiled.nodes.values():
        if node.spec.type in CODE_NODE_TYPES:
            return True
        # Tool nodes say so themselves (nodes/tools.py); the engine must not import `nodes`.
        has_side_effects = getattr(node.node_class, "has_side_effects", None)
        if callable(has_side_effects):
            with contextlib.suppress(Exception):
                if has_side_effects(node.config):
                    return True
    return False


def _interface(compiled: CompiledFlow) -> tuple[list[FlowPort], list[FlowPort], str | None]:
    """Inputs (from the input nodes, described by the flow's declarations), outputs, chat input."""
    flow = compiled.flow
    declared_in = {p.name: p for p in flow.inputs}
    declared_out = {p.name: p for p in flow.outputs}
    inputs: list[FlowPort] = []
    outputs: list[FlowPort] = []
    chat_input: str | None = None
    for node_id in compiled.order:
        node = compiled.nodes[node_id]
        name = node.node_class.interface_name(node.config)
        if not name:
            continue
        config = node.config
        if node.node_class.interface == "input":
            decl = declared_in.get(name)
            port = next(iter(node.outputs.values()), None)
            kind = str(port.type) if port is not None else "any"
            if decl is not None and kind == "any":
                kind = decl.type
            default = getattr(config, "default", None)
            required = bool(getattr(config, "required", False)) and default in (None, "")
            description = getattr(config, "description", "") or (decl.description if decl else "")
            inputs.append(FlowPort(name, kind, description, required, default))
            if node.spec.type == "io.chat_input" and chat_input is None:
                chat_input = name
        elif node.node_class.interface == "output":
            decl = declared_out.get(name)
            description = getattr(config, "description", "") or (decl.description if decl else "")
            outputs.append(FlowPort(name, decl.type if decl else "any", description, False, None))
    return inputs, outputs, chat_input


def result_body(served: ServedFlow, result: RunResult) -> dict[str, Any]:
    """The JSON answer for a finished run: run id, status, outputs, usage, cost, error {node, message}.

    Values are scrubbed of the flow's secrets, as every other sink is.
    """
    scrub = served.scrubber
    error: dict[str, Any] | None = None
    failures = result.failures()
    if failures:
        node_id, state = next(iter(failures.items()))
        label = served.compiled.label(node_id) if served.compiled is not None else node_id
        error = {"node": node_id, "node_label": label, "message": state.error or "failed"}
    elif result.status == "cancelled":
        error = {"node": None, "node_label": None, "message": "the run was stopped before it finished"}
    body: dict[str, Any] = {
        "run_id": result.run_id,
        "flow": served.id,
        "status": result.status,
        "outputs": result.outputs,
        "usage": {
            "prompt_tokens": result.usage.prompt_tokens,
            "completion_tokens": result.usage.completion_tokens,
            "total_tokens": result.usage.total_tokens,
            "estimated": result.usage.estimated,
        },
        "cost": result.usage.cost_usd,
        "duration_s": round(result.duration_s, 6),
        "error": error,
    }
    if result.status == "waiting":  # a Human Input node or a tool to approve: resume_routes.py
        from studio.server.waiting import waiting_fields

        body.update(waiting_fields(result))
    return scrub.value(body) if scrub is not None else body


class FlowCatalogue:
    """The flows of some files and folders (each folder's `*.json`, not recursive), by id."""

    def __init__(
        self,
        sources: Sequence[Path],
        *,
        registry: Registry | None = None,
        allow_code: bool = False,
        store: RunStore | None = None,
        extras: Mapping[str, Any] | None = None,
    ) -> None:
        self.sources = [Path(s) for s in sources]
        self.registry = registry
        self.allow_code = allow_code
        # One store for every run (one SQLite connection), opened on first run.
        self._store = store
        # Handed to every run (e.g. an approval the command line gave); the run's own come on top.
        self.extras = dict(extras or {})
        self._flows: dict[str, ServedFlow] = {}
        self._by_path: dict[Path, str] = {}
        self._lock = threading.RLock()
        # Runs under way and the events that stop them, for a clean shutdown.
        self._running: dict[asyncio.Future[RunResult], threading.Event] = {}
        self.refresh()

    # -- loading -----------------------------------------------------------------------------

    def _files(self) -> list[Path]:
        files: list[Path] = []
        for source in self.sources:
            if source.is_dir():
                files.extend(sorted(p for p in source.glob("*.json") if p.is_file()))
            else:
                files.append(source)
        seen: set[Path] = set()
        unique: list[Path] = []
        for path in files:
            resolved = path.resolve()
            if resolved not in seen:
                seen.add(resolved)
                unique.append(resolved)
        return unique

    def refresh(self) -> None:
        """Pick up new, changed and deleted files."""
        with self._lock:
            files = self._files()
            for gone in set(self._by_path) - set(files):
                self._flows.pop(self._by_path.pop(gone), None)
            for path in files:
                flow_id = self._by_path.get(path)
                if flow_id is None:
                    flow_id = flow_id_for(path)
                    base, n = flow_id, 2
                    while flow_id in self._flows:  # two folders with the same file name
                        flow_id, n = f"{base}-{n}", n + 1
                    self._by_path[path] = flow_id
                self._reload(flow_id, path)

    def _reload(self, flow_id: str, path: Path) -> ServedFlow:
        """(Re)load one file if it changed; on failure the last good version keeps serving."""
        stamp = _stamp(path)
        current = self._flows.get(flow_id)
        if current is not None and current.stamp == stamp:
            return current
        try:
            loaded = self._load(flow_id, path)
        except Exception as error:  # FlowError and anything a broken file causes: keep serving
            message = self._describe(path, error)
            if current is not None and current.compiled is not None:
                log.warning("%s: keeping the last good version: %s", path, message)
            elif current is not None:
                log.warning("%s", message)
            else:  # the first load: whoever lists the flows shows it
                log.info("%s", message)
            if current is None:
                current = ServedFlow(flow_id, path, path.stem, "", [], [], None, False, message)
                self._flows[flow_id] = current
            current.error = message
            current.stamp = stamp
            return current
        loaded.stamp = stamp
        self._flows[flow_id] = loaded
        return loaded

    @staticmethod
    def _describe(path: Path, error: Exception) -> str:
        from studio.flow import FlowError

        if isinstance(error, FlowError):  # every problem, the file named once
            return f"{path.name}: " + "; ".join(str(problem) for problem in error.problems)
        if isinstance(error, OSError):
            return f"{path}: cannot be read ({error.strerror or error})"
        return f"{path}: cannot be loaded ({type(error).__name__}: {error})"

    def _load(self, flow_id: str, path: Path) -> ServedFlow:
        from studio.engine.graph import compile_flow
        from studio.engine.scrub import flow_scrubber
        from studio.flow import load_flow

        flow = load_flow(path)
        compiled = compile_flow(flow, self.registry)
        inputs, outputs, chat_input = _interface(compiled)
        return ServedFlow(
            id=flow_id,
            path=path,
            name=flow.name,
            description=flow.description,
            inputs=inputs,
            outputs=outputs,
            chat_input=chat_input,
            needs_code=_needs_code(compiled),
            error=None,
            compiled=compiled,
            scrubber=flow_scrubber(compiled),
        )

    # -- the catalogue -------------------------------------------------------------------------

    def list(self) -> list[ServedFlow]:
        """Every served flow, files whose mtime changed reloaded first."""
        self.refresh()
        with self._lock:
            return sorted(self._flows.values(), key=lambda f: f.id)

    def ids(self) -> builtins.list[str]:
        """The ids of the flows known now (no reload)."""
        with self._lock:
            return sorted(self._flows)

    def get(self, flow_id: str) -> ServedFlow:
        """The flow with this id, reloaded if its file changed; UnknownFlow lists the ids."""
        with self._lock:
            served = self._flows.get(flow_id)
            if served is None:
                self.refresh()  # a file added since
                served = self._flows.get(flow_id)
                if served is None:
                    raise UnknownFlow(flow_id, self.ids())
            return self._reload(flow_id, served.path)

    def runnable(self, flow_id: str) -> ServedFlow:
        """The flow, if it can run here; FlowNotServed says why not."""
        served = self.get(flow_id)
        if served.compiled is None:
            raise FlowNotServed(flow_id, served.error or "it did not load")
        if served.needs_code and not self.allow_code:
            raise FlowNotServed(
                flow_id,
                "it contains code or side-effect tools; start the server with --allow-code to serve it",
            )
        return served

    def check_inputs(self, served: ServedFlow, inputs: Mapping[str, Any]) -> dict[str, Any]:
        """The inputs checked against the flow's interface; BadInputs names the input at fault."""
        if not isinstance(inputs, Mapping):
            raise BadInputs('"inputs" must be a JSON object such as {"topic": "..."}')
        known = {port.name: port for port in served.inputs}
        unknown = sorted(set(inputs) - set(known))
        if unknown:
            listing = ", ".join(sorted(known)) or "none"
            raise BadInputs(
                f"unknown input {', '.join(map(repr, unknown))}; this flow's inputs are: {listing}",
                unknown[0],
            )
        for name, port in known.items():
            if name not in inputs:
                if port.required:
                    raise BadInputs(f"missing required input {name!r}", name)
                continue
            problem = _check_type(name, port.type, inputs[name])
            if problem:
                raise BadInputs(problem, name)
        return dict(inputs)

    @property
    def store(self) -> RunStore:
        """The run store served runs are recorded in (the normal run history)."""
        if self._store is None:
            from studio.engine.runstore import RunStore

            self._store = RunStore()
        return self._store

    async def run(
        self,
        flow_id: str,
        inputs: Mapping[str, Any],
        *,
        on_event: Callable[[Event], None] | None = None,
        source: str = "api",
        extras: Mapping[str, Any] | None = None,
    ) -> RunResult:
        """Run a served flow once and record it in the run store.

        UnknownFlow, FlowNotServed or BadInputs before anything runs; node failures are in the
        result (status "failed"). Cancelling the awaiting task stops the run, which is recorded
        with status "cancelled" (shown as stopped) before the cancellation goes on.
        """
        from studio.engine.api import arun_flow
        from studio.engine.errors import BadInput
        from studio.engine.human import human_extras

        served = self.runnable(flow_id)
        checked = self.check_inputs(served, inputs)
        assert served.compiled is not None  # runnable() made sure
        path = str(served.path)
        run_extras: dict[str, Any] = {
            "flow_id": served.compiled.flow.id,
            "subflow_stack": [path],
            "allowed_folders": [str(served.path.parent)],
            "run_source": source,
            **human_extras(),  # a tool to approve pauses the run (status "waiting"), as Human Input does
            **self.extras,
            **(extras or {}),
        }
        cancel = threading.Event()
        task = asyncio.ensure_future(
            arun_flow(
                served.compiled,
                checked,
                on_event=on_event,
                store=self.store,
                base_dir=served.path.parent,
                flow_path=path,
                cancel=cancel,
                extras=run_extras,
                scrubber=served.scrubber,
            )
        )
        self._running[task] = cancel
        try:
            return await asyncio.shield(task)
        except asyncio.CancelledError:
            # Stop the nodes and let the engine record the run as cancelled (shown as stopped),
            # then go on cancelling; a second cancel must not cut the record short.
            cancel.set()
            while not task.done():
                with contextlib.suppress(asyncio.CancelledError):
                    await asyncio.wait({task})
            if not task.cancelled():
                task.exception()  # retrieved: a failure of a stopped run is not worth a warning
            raise
        except BadInput as error:  # the engine's own check (kept in step with ours)
            raise BadInputs(str(error)) from None
        finally:
            self._running.pop(task, None)

    @property
    def running(self) -> int:
        """How many runs are under way."""
        return len(self._running)

    async def stop_all(self, grace_s: float = 10.0) -> None:
        """Stop every run under way and wait (up to `grace_s`) until their records are written."""
        tasks = list(self._running.items())
        for _task, cancel in tasks:
            cancel.set()
        if tasks:
            await asyncio.wait([task for task, _ in tasks], timeout=grace_s)
