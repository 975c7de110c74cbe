"""Optional OpenTelemetry export of runs as traces (OTLP over HTTP), in OpenInference's names.

Off unless an endpoint is set: `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` (the full URL), else the
standard `OTEL_EXPORTER_OTLP_ENDPOINT` (a base URL: `/v1/traces` is added), else the Settings
preference `otlp_endpoint`. A run becomes one span (kind CHAIN) and each node a child span with
its OpenInference kind (LLM, RETRIEVER, TOOL, AGENT, ...), input and output values (truncated),
the LLM's model, tokens and cost, and a retriever's documents.

Spans are built from the engine's events, which reach this listener already scrubbed of the
flow's secrets; every attribute is scrubbed again of the secrets the process resolved. Export
happens in the SDK's background thread (BatchSpanProcessor, a short timeout): a collector that is
down or slow never holds a run up. OpenTelemetry is imported only when tracing is on.
"""

from __future__ import annotations

import atexit
import json
import logging
import os
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

log = logging.getLogger(__name__)

TRACES_ENDPOINT_ENV = "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"
ENDPOINT_ENV = "OTEL_EXPORTER_OTLP_ENDPOINT"
PREFERENCE = "otlp_endpoint"
# One export request gives up after this long; a dead collector costs the background thread only.
EXPORT_TIMEOUT_S = 2.0
EXIT_FLUSH_S = 1.0
MAX_VALUE_CHARS = 4_000
MAX_DOCUMENTS = 20

_providers: dict[str, tuple[Any, Any]] = {}  # URL -> (TracerProvider, exporter)
_lock = threading.Lock()


def traces_url() -> str | None:
    """Where spans go, or None when tracing is off (the default)."""
    if os.environ.get("OTEL_SDK_DISABLED", "").strip().lower() == "true":
        return None
    explicit = os.environ.get(TRACES_ENDPOINT_ENV, "").strip()
    if explicit:
        return explicit
    base = os.environ.get(ENDPOINT_ENV, "").strip() or _saved_endpoint()
    if not base:
        return None
    base = base.rstrip("/")
    return base if base.endswith("/v1/traces") else base + "/v1/traces"


_saved: tuple[Any, str] | None = None
_saved_at: tuple[float, Any] = (-1.0, None)  # when the file was last looked at, and for what


def _saved_endpoint() -> str:
    """The Settings preference, re-read only when the preferences file changed, and looked at no
    more than once a second (a batch or an evaluation asks once per row)."""
    global _saved, _saved_at
    from studio.runtime import preferences
    from studio.runtime.paths import HOME_ENV

    now, seen = time.monotonic(), (os.environ.get(HOME_ENV), preferences.writes())
    # Another process's change is seen within a second; this process's own at once.
    if _saved is not None and now - _saved_at[0] < 1.0 and _saved_at[1] == seen:
        return _saved[1]
    _saved_at = (now, seen)
    from studio.runtime.paths import data_dir
    from studio.runtime.preferences import FILE_NAME, get_preference

    path = data_dir() / FILE_NAME
    try:
        stamp: Any = (str(path), path.stat().st_mtime_ns)
    except OSError:
        stamp = (str(path), None)
    if _saved is None or _saved[0] != stamp:
        value = get_preference(PREFERENCE) if stamp[1] is not None else None
        _saved = (stamp, value.strip() if isinstance(value, str) else "")
    return _saved[1]


def _tracer(url: str) -> Any:
    """The tracer exporting to `url` (one provider per URL, made on first use)."""
    with _lock:
        known = _providers.get(url)
        if known is not None:
            return known[0].get_tracer("chain-studio")
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
        from opentelemetry.sdk.resources import Resource
        from opentelemetry.sdk.trace import TracerProvider
        from opentelemetry.sdk.trace.export import BatchSpanProcessor

        # The exporter logs every failed attempt with the exception text; one line of ours
        # (`_quiet_exporter`) says it instead.
        logging.getLogger("opentelemetry.exporter.otlp.proto.http").setLevel(logging.CRITICAL)
        provider = TracerProvider(resource=Resource.create({"service.name": "chain-studio"}))
        exporter = _quiet_exporter(OTLPSpanExporter(endpoint=url, timeout=EXPORT_TIMEOUT_S), url)
        provider.add_span_processor(
            BatchSpanProcessor(
                exporter, schedule_delay_millis=500, export_timeout_millis=int(EXPORT_TIMEOUT_S * 1000)
            )
        )
        if not _providers:
            atexit.register(_close)  # runs before the providers' own exit hooks (LIFO)
        _providers[url] = (provider, exporter)
        return provider.get_tracer("chain-studio")


def _quiet_exporter(inner: Any, url: str) -> Any:
    """The OTLP exporter, saying once (not per attempt, not as an exception) that it cannot send."""
    from opentelemetry.sdk.trace.export import SpanExporter, SpanExportResult

    class QuietExporter(SpanExporter):
        warned = False

        def export(self, spans: Any) -> SpanExportResult:
            result: SpanExportResult = inner.export(spans)
            if result is not SpanExportResult.SUCCESS and not self.warned:
                self.warned = True
                log.warning("could not send traces to %s: is the OpenTelemetry collector running?", url)
            return result

        def shutdown(self) -> None:
            inner.shutdown()

        def force_flush(self, timeout_millis: int = 30000) -> bool:
            return bool(inner.force_flush(timeout_millis))

    return QuietExporter()


def _close() -> None:
    """At exit: send what is left for a moment, then stop retrying (a dead collector must not
    hold the process up for long)."""
    with _lock:
        pairs = list(_providers.values())
    for provider, exporter in pairs:
        if not provider.force_flush(int(EXIT_FLUSH_S * 1000)):
            exporter.shutdown()  # ends the exporter's retry wait
        provider.shutdown()


def flush(timeout_s: float = 5.0) -> bool:
    """Send the spans waiting in the background (tests, a server shutting down)."""
    with _lock:
        providers = [provider for provider, _ in _providers.values()]
    return all(provider.force_flush(int(timeout_s * 1000)) for provider in providers)


@dataclass
class NodeInfo:
    """What the tracer needs to know about one node (plain data: the runtime knows no engine)."""

    node_type: str
    label: str
    model: str | None = None
    # (source node, source port, target port) for each wire into the node: its input values.
    wires: list[tuple[str, str, str]] = field(default_factory=list)


def span_kind(node_type: str) -> str:
    """The OpenInference span kind of a node type."""
    family, _, name = node_type.partition(".")
    if family == "llm":
        return "LLM"
    if family == "agent":
        return "AGENT"
    if family in ("tool", "mcp"):
        return "TOOL"
    if family == "guard":
        return "GUARDRAIL"
    if node_type == "knowledge.embed":
        return "EMBEDDING"
    if (family == "retrievers" and name not in ("format_context", "few_shot")) or name.endswith("retriever"):
        return "RETRIEVER"
    return "CHAIN"


def _main_output(outputs: Mapping[str, Any]) -> Any:
    """What a span shows as its output: the text a node produced, else its one value, else all."""
    if isinstance(outputs.get("text"), str):
        return outputs["text"]
    return next(iter(outputs.values())) if len(outputs) == 1 else dict(outputs)


def _ns(seconds: float) -> int:
    return int(seconds * 1_000_000_000)


class RunTracer:
    """An event listener that turns one run's events into spans."""

    def __init__(
        self,
        tracer: Any,
        nodes: Mapping[str, NodeInfo],
        flow_name: str,
        scrub: Callable[[Any], Any] | None = None,
    ):
        from studio.runtime.safety.secrets import process_scrubber

        self.tracer = tracer
        self.nodes = dict(nodes)
        self.flow_name = flow_name or "flow"
        # Events come scrubbed of the flow's secrets; this also removes any the process resolved.
        self.scrub = scrub or process_scrubber().snapshot().value  # one look at the secrets per run
        self.root: Any = None
        self.root_context: Any = None
        self.spans: dict[str, Any] = {}
        self.outputs: dict[str, dict[str, Any]] = {}
        self._lock = threading.Lock()

    def __call__(self, event: Any) -> None:
        handler = getattr(self, "_on_" + str(getattr(event, "kind", "")), None)
        if handler is None:
            return
        try:
            with self._lock:
                handler(event)
        except Exception:  # tracing must never break or slow a run: log and go on
            log.debug("could not trace %s", getattr(event, "kind", "?"), exc_info=True)

    # -- helpers ---------------------------------------------------------------------------

    def _text(self, value: Any) -> str:
        clean = self.scrub(value)
        text = clean if isinstance(clean, str) else json.dumps(clean, ensure_ascii=False, default=repr)
        return text if len(text) <= MAX_VALUE_CHARS else text[: MAX_VALUE_CHARS - 1] + "…"

    def _value(self, span: Any, which: str, value: Any) -> None:
        span.set_attribute(f"{which}.value", self._text(value))
        mime = "text/plain" if isinstance(value, str) else "application/json"
        span.set_attribute(f"{which}.mime_type", mime)

    def _start_node(self, node_id: str, time_s: float) -> Any:
        span = self.spans.get(node_id)
        if span is not None:
            return span  # a retry: the same span
        info = self.nodes.get(node_id) or NodeInfo("unknown", node_id)
        span = self.tracer.start_span(info.label, context=self.root_context, start_time=_ns(time_s))
        span.set_attribute("openinference.span.kind", span_kind(info.node_type))
        span.set_attribute("studio.node_id", node_id)
        span.set_attribute("studio.node_type", info.node_type)
        if info.model and span_kind(info.node_type) == "LLM":
            span.set_attribute("llm.model_name", info.model)
        inputs = {
            target_port: self.outputs[source][source_port]
            for source, source_port, target_port in info.wires
            if source_port in self.outputs.get(source, {})
        }
        if inputs:
            self._value(span, "input", inputs[next(iter(inputs))] if len(inputs) == 1 else inputs)
        self.spans[node_id] = span
        return span

    def _documents(self, span: Any, outputs: Mapping[str, Any]) -> None:
        for value in outputs.values():
            if not (
                isinstance(value, list) and value and all(isinstance(d, dict) and "text" in d for d in value)
            ):
                continue
            for index, document in enumerate(value[:MAX_DOCUMENTS]):
                prefix = f"retrieval.documents.{index}.document"
                span.set_attribute(f"{prefix}.content", self._text(document.get("text", "")))
                if isinstance(document.get("score"), int | float):
                    span.set_attribute(f"{prefix}.score", float(document["score"]))
                if document.get("id") is not None:
                    span.set_attribute(f"{prefix}.id", self._text(str(document["id"])))
                if document.get("metadata"):
                    span.set_attribute(f"{prefix}.metadata", self._text(document["metadata"]))
            return

    def _usage(self, span: Any, usage: Any) -> None:
        if usage is None or not (usage.prompt_tokens or usage.completion_tokens or usage.cost_usd):
            return
        span.set_attribute("llm.token_count.prompt", int(usage.prompt_tokens))
        span.set_attribute("llm.token_count.completion", int(usage.completion_tokens))
        span.set_attribute("llm.token_count.total", int(usage.prompt_tokens + usage.completion_tokens))
        if usage.cost_usd:
            span.set_attribute("llm.cost.total", float(usage.cost_usd))

    def _end(self, node_id: str, time_s: float) -> None:
        span = self.spans.pop(node_id, None)
        if span is not None:
            span.end(end_time=_ns(time_s))

    def _error(self, span: Any, message: str) -> None:
        from opentelemetry.trace import Status, StatusCode

        span.set_status(Status(StatusCode.ERROR, self._text(message)))

    # -- events ----------------------------------------------------------------------------

    def _on_run_started(self, event: Any) -> None:
        from opentelemetry import trace

        self.root = self.tracer.start_span(self.flow_name, start_time=_ns(event.time))
        self.root.set_attribute("openinference.span.kind", "CHAIN")
        self.root.set_attribute("studio.run_id", event.run_id)
        self.root.set_attribute("studio.flow_id", self._text(event.flow_id))
        self._value(self.root, "input", event.inputs)
        self.root_context = trace.set_span_in_context(self.root)

    def _on_node_started(self, event: Any) -> None:
        self._start_node(event.node_id, event.time)

    def _on_node_finished(self, event: Any) -> None:
        span = self._start_node(event.node_id, event.time - event.duration_s)
        self.outputs[event.node_id] = event.outputs
        outputs = event.outputs
        self._value(span, "output", _main_output(outputs))
        kind = span_kind((self.nodes.get(event.node_id) or NodeInfo("", "")).node_type)
        if kind == "RETRIEVER":
            self._documents(span, outputs)
        usage = outputs.get("usage")
        if kind == "LLM" and isinstance(usage, dict) and isinstance(usage.get("model"), str):
            span.set_attribute("llm.model_name", self._text(usage["model"]))  # the model that answered
        self._usage(span, event.usage)
        self._end(event.node_id, event.time)

    def _on_node_cached(self, event: Any) -> None:
        span = self._start_node(event.node_id, event.time)
        self.outputs[event.node_id] = event.outputs
        span.set_attribute("studio.cached", True)
        self._value(span, "output", _main_output(event.outputs))
        self._end(event.node_id, event.time)

    def _on_node_failed(self, event: Any) -> None:
        span = self._start_node(event.node_id, event.time - event.duration_s)
        self._error(span, event.error)
        if event.caused_by:
            span.set_attribute("studio.caused_by", event.caused_by)
        self._end(event.node_id, event.time)

    def _on_node_waiting(self, event: Any) -> None:
        span = self._start_node(event.node_id, event.time)
        span.set_attribute("studio.waiting", True)
        span.set_attribute("studio.question", self._text(event.question.get("text", "")))
        self._end(event.node_id, event.time)

    def _on_run_finished(self, event: Any) -> None:
        for node_id in list(self.spans):  # stopped mid-way: close what is open
            self.spans[node_id].set_attribute("studio.cancelled", True)
            self._end(node_id, event.time)
        if self.root is None:
            return
        self.root.set_attribute("studio.status", event.status)
        self._value(self.root, "output", event.outputs)
        self._usage(self.root, event.usage)
        if event.status == "failed":
            self._error(self.root, event.error or "failed")
        self.root.end(end_time=_ns(event.time))
        self.root = None


def run_tracer(nodes: Mapping[str, NodeInfo], flow_name: str) -> RunTracer | None:
    """A listener tracing one run, or None when tracing is off (nothing is imported then)."""
    url = traces_url()
    if url is None:
        return None
    try:
        tracer = _tracer(url)
    except Exception as error:  # a broken OpenTelemetry install must not stop runs
        log.warning("tracing to %s is off: %s", url, error)
        return None
    return RunTracer(tracer, nodes, flow_name)
