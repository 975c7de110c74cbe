"""Runs as OpenTelemetry traces when tracing is on: the flow's plan for `studio.runtime.tracing`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from studio.runtime.tracing import NodeInfo, run_tracer, traces_url

if TYPE_CHECKING:
    from studio.engine.events import Event
    from studio.engine.graph import CompiledFlow
    from studio.engine.scheduler import EventListener


def traced(compiled: CompiledFlow, listener: EventListener | None) -> EventListener | None:
    """`listener` plus a span exporter when an OTLP endpoint is set; `listener` itself otherwise."""
    if traces_url() is None:  # off by default: nothing else is looked at or imported
        return listener
    nodes = {
        node_id: NodeInfo(
            node.spec.type,
            compiled.label(node_id),
            model=getattr(node.config, "model", None)
            if isinstance(getattr(node.config, "model", None), str)
            else None,
            wires=[(wire.source, wire.source_port, wire.target_port) for wire in node.incoming],
        )
        for node_id, node in compiled.nodes.items()
    }
    tracer = run_tracer(nodes, compiled.flow.name)
    if tracer is None:
        return listener
    if listener is None:
        return tracer

    def both(event: Event) -> None:
        tracer(event)
        listener(event)

    return both
