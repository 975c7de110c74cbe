"""A small flow builder for tests: nodes by short id, wires as "node.port" strings."""

from __future__ import annotations

from typing import Any

from studio.flow import EdgeSpec, Flow, InterfacePort, NodeSpec, RunPolicy


class FlowBuilder:
    """Build a Flow step by step: `b.node("a", "io.text_input", name="x")`, `b.wire("a.text", "b.text")`."""

    def __init__(self, name: str = "test flow"):
        self.name = name
        self.nodes: list[NodeSpec] = []
        self.edges: list[EdgeSpec] = []
        self.inputs: list[InterfacePort] = []
        self.outputs: list[InterfacePort] = []

    def node(
        self,
        node_id: str,
        type_name: str,
        *,
        pinned: bool | None = None,
        policy: dict[str, Any] | None = None,
        **config: Any,
    ) -> FlowBuilder:
        """Add a node with the given settings."""
        self.nodes.append(
            NodeSpec(
                id=node_id,
                type=type_name,
                config=config,
                pinned=pinned,
                policy=RunPolicy(**policy) if policy else None,
            )
        )
        return self

    def wire(self, source: str, target: str) -> FlowBuilder:
        """Connect "node.port" to "node.port"."""
        source_node, source_port = source.split(".")
        target_node, target_port = target.split(".")
        self.edges.append(
            EdgeSpec(source=source_node, source_port=source_port, target=target_node, target_port=target_port)
        )
        return self

    def chain(self, *endpoints: str) -> FlowBuilder:
        """Wire consecutive pairs: chain("a.out", "b.in", "b.out", "c.in")."""
        for source, target in zip(endpoints[::2], endpoints[1::2], strict=True):
            self.wire(source, target)
        return self

    def build(self) -> Flow:
        """The finished flow (validated by pydantic)."""
        return Flow(
            id="test-flow",
            name=self.name,
            nodes=list(self.nodes),
            edges=list(self.edges),
            inputs=list(self.inputs),
            outputs=list(self.outputs),
        )


def flow_of(*nodes: tuple[Any, ...], wires: tuple[str, ...] | list[str] = ()) -> Flow:
    """One-expression flows for tables: flow_of(("a", "t.const", {...}), wires=["a.out->b.in"]).

    A node tuple may carry a fourth item: its run policy, e.g. {"retries": 2}.
    """
    builder = FlowBuilder()
    for node_id, type_name, config, *policy in nodes:
        builder.node(node_id, type_name, policy=policy[0] if policy else None, **config)
    for wire in wires:
        source, target = wire.split("->")
        builder.wire(source.strip(), target.strip())
    return builder.build()
