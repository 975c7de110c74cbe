"""Pure helpers about a flow's shape the editor needs: ports of a node, default configs, layout.

No Qt here, so these are cheap to test and reuse.
"""

from __future__ import annotations

import json
from collections import defaultdict, deque
from typing import Any

from studio.engine.node import Node
from studio.engine.ports import Port, PortType
from studio.engine.registry import Registry
from studio.flow import EdgeSpec, Flow, NodeSpec

EdgeKey = tuple[str, str, str, str]  # (source, source_port, target, target_port)


def edge_key(edge: EdgeSpec) -> EdgeKey:
    """The identity of a wire: no two edges of a flow share one."""
    return (edge.source, edge.source_port, edge.target, edge.target_port)


def _default_model() -> str:
    """The model new LLM nodes start with, chosen in Settings ("" = each node type's own)."""
    from studio.gui import settings_store

    return settings_store.get("default_model", "").strip()


def default_config(node_class: type[Node]) -> dict[str, Any]:
    """The settings a freshly placed node starts with: every field that has a default."""
    config: dict[str, Any] = {}
    preferred = _default_model()
    for name, field in node_class.Config.model_fields.items():
        if field.is_required():
            continue
        value = field.get_default(call_default_factory=True)
        extra = field.json_schema_extra if isinstance(field.json_schema_extra, dict) else {}
        ui = extra.get("ui") if isinstance(extra.get("ui"), dict) else {}
        if preferred and isinstance(ui, dict) and ui.get("widget") == "model" and isinstance(value, str):
            value = preferred  # the user's default model from Settings
        # Round-trip through JSON so enums, tuples and paths become what the file will hold.
        config[name] = json.loads(json.dumps(value, default=str))
    return config


def node_ports(
    spec: NodeSpec, registry: Registry, edges: list[EdgeSpec] | None = None
) -> tuple[list[Port], list[Port]]:
    """A node's input and output ports for its current config.

    An unknown type, or a config that does not validate, still gets ports: the class's static ones
    plus any named by existing wires (typed `any`), so the canvas can draw what the file says.
    """
    inputs: list[Port] = []
    outputs: list[Port] = []
    node_class = registry.types.get(spec.type)
    if node_class is not None:
        try:
            config = node_class.Config.model_validate(spec.config)
            inputs = list(node_class.input_ports(config))
            outputs = list(node_class.output_ports(config))
        except Exception:  # a half-edited config: fall back to the declared ports
            inputs, outputs = list(node_class.inputs), list(node_class.outputs)
    if edges:
        have_in = {p.name for p in inputs}
        have_out = {p.name for p in outputs}
        for edge in edges:
            if edge.target == spec.id and edge.target_port not in have_in:
                inputs.append(Port(edge.target_port, PortType.ANY, "not declared by this node"))
                have_in.add(edge.target_port)
            if edge.source == spec.id and edge.source_port not in have_out:
                outputs.append(Port(edge.source_port, PortType.ANY, "not declared by this node"))
                have_out.add(edge.source_port)
    return inputs, outputs


def would_cycle(flow: Flow, source: str, target: str) -> bool:
    """Whether a wire source -> target closes a loop (target already reaches source)."""
    if source == target:
        return True
    children: dict[str, list[str]] = defaultdict(list)
    for edge in flow.edges:
        children[edge.source].append(edge.target)
    seen = {target}
    queue = deque([target])
    while queue:
        current = queue.popleft()
        for child in children[current]:
            if child == source:
                return True
            if child not in seen:
                seen.add(child)
                queue.append(child)
    return False


def layered_layout(
    flow: Flow,
    node_ids: set[str] | None = None,
    *,
    dx: float = 280.0,
    gap: float = 40.0,
    heights: dict[str, float] | None = None,
) -> dict[str, tuple[float, float]]:
    """Left-to-right layered positions: each node one column right of its deepest parent, and
    inside a column ordered by where its parents are (fewer crossing wires), stacked by height.

    Only `node_ids` move (all when None); they keep their top-left corner as the origin.
    """
    heights = heights or {}
    ids = [n.id for n in flow.nodes if node_ids is None or n.id in node_ids]
    chosen = set(ids)
    parents: dict[str, list[str]] = defaultdict(list)
    for edge in flow.edges:
        if edge.source in chosen and edge.target in chosen and edge.source != edge.target:
            parents[edge.target].append(edge.source)
    # Longest path from a root, by Kahn's algorithm (iterative: a 1,000-node chain is fine).
    indegree = {node_id: len(parents[node_id]) for node_id in ids}
    children: dict[str, list[str]] = defaultdict(list)
    for child, sources in parents.items():
        for parent in sources:
            children[parent].append(child)
    layer = {node_id: 0 for node_id in ids}
    queue = deque(node_id for node_id in ids if indegree[node_id] == 0)
    while queue:
        current = queue.popleft()
        for child in children[current]:
            layer[child] = max(layer[child], layer[current] + 1)
            indegree[child] -= 1
            if indegree[child] == 0:
                queue.append(child)
    columns: dict[int, list[str]] = defaultdict(list)
    for node_id in ids:  # file order inside a column keeps the layout stable
        columns[layer[node_id]].append(node_id)
    specs = {n.id: n for n in flow.nodes}
    xs = [float(specs[i].ui.get("x", 0)) for i in ids] or [0.0]
    ys = [float(specs[i].ui.get("y", 0)) for i in ids] or [0.0]
    x0, y0 = min(xs), min(ys)
    positions: dict[str, tuple[float, float]] = {}
    order = {node_id: index for index, node_id in enumerate(ids)}
    for column in sorted(columns):
        members = columns[column]
        if column:  # barycentre of the parents' centres; file order breaks ties

            def centre(node_id: str) -> float:
                ys = [positions[p][1] + heights.get(p, 110.0) / 2 for p in parents[node_id] if p in positions]
                return sum(ys) / len(ys) if ys else float("inf")

            members = sorted(members, key=lambda n: (centre(n), order[n]))
        y = y0
        for node_id in members:
            positions[node_id] = (x0 + column * dx, y)
            y += heights.get(node_id, 110.0) + gap
    return positions


def overlapping(flow: Flow, width: float = 210.0, height: float = 60.0) -> bool:
    """Whether any two nodes sit on top of each other (a generated file without a layout)."""
    if len(flow.nodes) > 300:
        return False  # not worth the quadratic check; big flows come from the editor anyway
    spots = [(float(n.ui.get("x", 0)), float(n.ui.get("y", 0))) for n in flow.nodes]
    for index, (x, y) in enumerate(spots):
        for other_x, other_y in spots[index + 1 :]:
            if abs(x - other_x) < width and abs(y - other_y) < height:
                return True
    return False
