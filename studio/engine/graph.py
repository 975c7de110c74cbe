"""Turn a Flow into a checked, runnable graph, or report every problem before anything runs."""

from __future__ import annotations

import functools
import heapq
import inspect
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from studio.engine.cache import stable_json
from studio.engine.node import Node, NodeConfig
from studio.engine.ports import Port, PortType, conversion, explain_mismatch
from studio.engine.registry import Registry, UnknownNodeType, default_registry
from studio.flow.errors import FlowError, Problem, brief, json_path, printable
from studio.flow.io import check_data, salvage
from studio.flow.reading import check_structure
from studio.flow.schema import EdgeSpec, Flow, NodeSpec, node_label
from studio.flow.secret_scan import find_secrets

if TYPE_CHECKING:
    import networkx as nx


@dataclass
class Wire:
    """An edge resolved against the ports at both ends."""

    source: str
    source_port: str
    target: str
    target_port: str
    source_type: PortType
    target_type: PortType


@dataclass
class CompiledNode:
    """A node with its class, validated config and ports."""

    spec: NodeSpec
    index: int
    node_class: type[Node]
    config: NodeConfig
    inputs: dict[str, Port]
    outputs: dict[str, Port]
    incoming: list[Wire] = field(default_factory=list)
    outgoing: list[Wire] = field(default_factory=list)
    # Canonical JSON of the config, part of every cache key (computed once).
    config_json: str = ""
    # How `run` is called: "async" (awaited), "thread" (a worker thread), "inline" (on the loop).
    mode: str = "thread"
    # Same config and inputs give the same outputs (computed once from the config).
    deterministic: bool = True

    @property
    def id(self) -> str:
        return self.spec.id


@dataclass
class CompiledFlow:
    """A flow ready to run: nodes in a deterministic topological order."""

    flow: Flow
    nodes: dict[str, CompiledNode]
    order: list[str]
    labels: dict[str, str] = field(default_factory=dict)

    @functools.cached_property
    def graph(self) -> nx.DiGraph:
        """The flow as a networkx graph, built on first use (running a flow does not need it,
        and importing networkx costs a cold CLI run about 0.15 s)."""
        return build_graph(self.flow)

    @functools.cached_property
    def positions(self) -> dict[str, int]:
        """Each node's place in `order` (computed once, not once per run)."""
        return {node_id: index for index, node_id in enumerate(self.order)}

    def label(self, node_id: str) -> str:
        """How messages name a node (see studio.flow.schema.node_label)."""
        return self.labels.get(node_id) or repr(node_id)

    def ancestors(self, node_id: str) -> set[str]:
        import networkx as nx

        return set(nx.ancestors(self.graph, node_id))

    def descendants(self, node_id: str) -> set[str]:
        import networkx as nx

        return set(nx.descendants(self.graph, node_id))


def run_mode(node_class: type[Node]) -> str:
    """How the scheduler calls a node class's `run`."""
    if inspect.iscoroutinefunction(node_class.run):
        return "async"
    return "thread" if node_class.run_in_thread else "inline"


def _config_problems(error: ValidationError, index: int, label: str) -> list[Problem]:
    return [
        Problem(json_path(["nodes", index, "config", *item["loc"]]), f"{label}: {item['msg']}")
        for item in error.errors()
    ]


def _load_config(
    spec: NodeSpec, index: int, node_class: type[Node], label: str
) -> tuple[NodeConfig | None, list[Problem]]:
    raw: dict[str, Any] = dict(spec.config)
    where = f"$.nodes[{index}]"
    if spec.version > node_class.version:
        return None, [
            Problem(
                f"{where}.version",
                f"{label}: saved by a newer version ({brief(spec.version)}) of node type {spec.type!r}; "
                f"this installation has version {node_class.version}",
            )
        ]
    if spec.version < node_class.version:
        try:
            for version in range(spec.version, node_class.version):
                raw = node_class.migrate_config(raw, version)
        except Exception as error:
            return None, [Problem(f"{where}.config", f"{label}: cannot upgrade settings: {_reason(error)}")]
    try:
        config = node_class.Config.model_validate(raw)
    except ValidationError as error:
        return None, _config_problems(error, index, label)
    except Exception as error:  # a node package's validator that raises something else
        return None, [Problem(f"{where}.config", f"{label}: settings not accepted: {_reason(error)}")]
    try:
        messages = node_class.check(config)
    except Exception as error:  # a check that breaks must not hide the flow's other problems
        messages = [f"the settings could not be checked: {_reason(error)}"]
    return config, [Problem(f"{where}.config", f"{label}: {message}") for message in messages]


def _reason(error: BaseException) -> str:
    """An exception as part of a one-line message (a node package's bug is still a sentence)."""
    if isinstance(error, RecursionError):
        return "too deeply nested to check"
    text = printable(str(error).splitlines()[0] if str(error) else type(error).__name__)
    return text if len(text) <= 300 else text[:299] + "…"


def _compile_nodes(flow: Flow, registry: Registry) -> tuple[dict[str, CompiledNode], list[Problem]]:
    problems: list[Problem] = []
    nodes: dict[str, CompiledNode] = {}
    for index, spec in enumerate(flow.nodes):
        label = f"node {node_label(spec)}"
        try:
            node_class = registry.get(spec.type)
        except UnknownNodeType as error:
            problems.append(Problem(f"$.nodes[{index}].type", f"{label}: {error}"))
            continue
        config, config_problems = _load_config(spec, index, node_class, label)
        problems.extend(config_problems)
        if config is None:
            continue
        try:
            inputs = {port.name: port for port in node_class.input_ports(config)}
            outputs = {port.name: port for port in node_class.output_ports(config)}
            config_json = stable_json(config.model_dump(mode="json"))
            deterministic = node_class.is_deterministic(config)
            variables = node_class.variables_used(config)
        except Exception as error:
            problems.append(Problem(f"$.nodes[{index}].config", f"{label}: {_reason(error)}"))
            continue
        problems.extend(_variable_problems(flow, index, label, variables))
        nodes[spec.id] = CompiledNode(
            spec,
            index,
            node_class,
            config,
            inputs,
            outputs,
            config_json=config_json,
            mode=run_mode(node_class),
            deterministic=deterministic,
        )
    return nodes, problems


def _variable_problems(flow: Flow, index: int, label: str, names: list[str]) -> list[Problem]:
    """A node that reads or sets a variable the flow does not declare would fail when it runs."""
    declared = {variable.name for variable in flow.variables}
    known = ", ".join(sorted(declared)) or "none"
    return [
        Problem(
            f"$.nodes[{index}].config",
            f"{label}: variable {brief(name)} is not declared in the flow's variables (declared: "
            f"{known}); add it under 'variables' in the flow file or the Studio's Variables panel",
        )
        for name in names
        if name not in declared
    ]


def _check_edge(
    labels: dict[str, str], index: int, edge: EdgeSpec, nodes: dict[str, CompiledNode]
) -> tuple[Wire | None, list[Problem]]:
    where = f"$.edges[{index}]"
    source, target = nodes.get(edge.source), nodes.get(edge.target)
    if source is None or target is None:
        return None, []  # the node itself was reported already
    problems = []
    source_port = source.outputs.get(edge.source_port)
    target_port = target.inputs.get(edge.target_port)
    if source_port is None:
        have = ", ".join(source.outputs) or "none"
        problems.append(
            Problem(
                f"{where}.source_port",
                f"node {labels[edge.source]} has no output {brief(edge.source_port)} (outputs: {have})",
            )
        )
    if target_port is None:
        have = ", ".join(target.inputs) or "none"
        problems.append(
            Problem(
                f"{where}.target_port",
                f"node {labels[edge.target]} has no input {brief(edge.target_port)} (inputs: {have})",
            )
        )
    if source_port is None or target_port is None:
        return None, problems
    if conversion(source_port.type, target_port.type) is None:
        fits = [p.name for p in target.inputs.values() if conversion(source_port.type, p.type)]
        hint = f"; ports of {labels[edge.target]} that would fit: {', '.join(fits)}" if fits else ""
        problems.append(
            Problem(
                where,
                f"{labels[edge.source]}.{edge.source_port} -> {labels[edge.target]}."
                f"{edge.target_port}: {explain_mismatch(source_port.type, target_port.type)}{hint}",
            )
        )
        return None, problems
    return Wire(
        edge.source, edge.source_port, edge.target, edge.target_port, source_port.type, target_port.type
    ), problems


def _interface_problems(flow: Flow, nodes: dict[str, CompiledNode], labels: dict[str, str]) -> list[Problem]:
    problems = []
    for kind in ("input", "output"):
        declared = {port.name for port in getattr(flow, kind + "s")}
        bound: dict[str, str] = {}
        for node in nodes.values():
            if node.node_class.interface != kind:
                continue
            name = node.node_class.interface_name(node.config)
            if not name:
                continue
            label = labels[node.id]
            if name in bound:
                problems.append(
                    Problem(
                        f"$.nodes[{node.index}].config.name",
                        f"node {label}: flow {kind} {name!r} is already fed by node {labels[bound[name]]}",
                    )
                )
            bound[name] = node.id
            if declared and name not in declared:
                problems.append(
                    Problem(
                        f"$.{kind}s",
                        f"node {label} stands for flow {kind} {name!r}, which the flow does not declare",
                    )
                )
        for missing in sorted(declared - set(bound)):
            problems.append(Problem(f"$.{kind}s", f"flow {kind} {missing!r} has no {kind} node"))
    return problems


def build_graph(flow: Flow) -> nx.DiGraph:
    """Nodes and wires as a networkx DiGraph."""
    import networkx as nx

    graph: nx.DiGraph = nx.DiGraph()
    graph.add_nodes_from(spec.id for spec in flow.nodes)
    graph.add_edges_from(_node_edges(flow))
    return graph


def _node_edges(flow: Flow) -> list[tuple[str, str]]:
    """(source, target) of every edge between nodes of the flow. A validated Flow has no other
    edges; a partly invalid one that `validate` still checks may (they are reported already)."""
    ids = {spec.id for spec in flow.nodes}
    return [(e.source, e.target) for e in flow.edges if e.source in ids and e.target in ids]


def topological_order(flow: Flow) -> list[str] | None:
    """Kahn's algorithm, ties broken by file order so the order is deterministic; None on a cycle."""
    position = {spec.id: index for index, spec in enumerate(flow.nodes)}
    successors: dict[str, set[str]] = {node_id: set() for node_id in position}
    for source, target in _node_edges(flow):
        successors[source].add(target)
    waiting = dict.fromkeys(position, 0)
    for targets in successors.values():
        for target in targets:
            waiting[target] += 1
    ready = [(position[node], node) for node, degree in waiting.items() if degree == 0]
    heapq.heapify(ready)
    order = []
    while ready:
        _, node = heapq.heappop(ready)
        order.append(node)
        for successor in successors[node]:
            waiting[successor] -= 1
            if waiting[successor] == 0:
                heapq.heappush(ready, (position[successor], successor))
    return order if len(order) == len(waiting) else None


def _cycle_problem(labels: dict[str, str], flow: Flow) -> Problem:
    import networkx as nx

    cycle = nx.find_cycle(build_graph(flow))
    names = [labels[source] for source, _target in cycle] + [labels[cycle[0][0]]]
    return Problem("$.edges", "the flow has a cycle: " + " -> ".join(names))


def compile_flow(flow: Flow, registry: Registry | None = None) -> CompiledFlow:
    """Check a flow completely and return it ready to run; FlowError lists every problem."""
    compiled, problems = _compile(flow, registry or default_registry())
    if problems or compiled is None:
        raise FlowError(problems)
    return compiled


def validate_flow(flow: Flow, registry: Registry | None = None) -> list[Problem]:
    """Every problem that would stop the flow from running, and any secret it holds."""
    return _compile(flow, registry or default_registry())[1] + find_secrets(flow)


def validate_data(
    raw: Any, registry: Registry | None = None, *, secrets: bool = True
) -> tuple[Flow | None, list[Problem]]:
    """Every problem of parsed flow data in one pass: the file's own, then the engine's checks.

    The flow is returned only when the file itself is valid (it may still have engine problems).
    When it is not, the engine still checks the parts that are valid on their own (see
    studio.flow.io.salvage), so that e.g. an unknown node type is reported next to a dangling edge;
    wiring problems are left out then unless only cross-references were broken, since they would
    follow from the parts left out. Everything `run` rejects for the flow alone is here; so are
    secrets held in the file (unless `secrets` is False).
    """
    registry = registry or default_registry()
    problem = check_structure(raw)
    if problem is not None:
        return None, [problem]
    flow, problems = check_data(raw)
    if flow is not None:
        problems = _compile(flow, registry)[1]
        return flow, _unique(problems + (find_secrets(flow) if secrets else []))
    partial, complete = salvage(raw)
    if partial is not None:
        if complete:
            problems += _compile(partial, registry)[1]
        else:
            problems += _compile_nodes(partial, registry)[1]
        if secrets:
            problems += find_secrets(partial)
    return None, _unique(problems)


def _unique(problems: list[Problem]) -> list[Problem]:
    return list(dict.fromkeys(problems))


def _compile(flow: Flow, registry: Registry) -> tuple[CompiledFlow | None, list[Problem]]:
    nodes, problems = _compile_nodes(flow, registry)
    labels = {spec.id: node_label(spec) for spec in flow.nodes}
    for index, edge in enumerate(flow.edges):
        wire, edge_problems = _check_edge(labels, index, edge, nodes)
        problems.extend(edge_problems)
        if wire is not None:
            nodes[edge.source].outgoing.append(wire)
            nodes[edge.target].incoming.append(wire)
    targets: dict[str, list[str]] = {}
    for edge in flow.edges:
        targets.setdefault(edge.target, []).append(edge.target_port)
    order = topological_order(flow)
    if order is None:
        problems.append(_cycle_problem(labels, flow))
    for node in nodes.values():
        label = labels[node.id]
        # Count the file's edges, not only those that checked out, so that a node whose
        # upstream node is broken is not also reported as unconnected.
        wired: dict[str, int] = {}
        for port_name in targets.get(node.id, []):
            wired[port_name] = wired.get(port_name, 0) + 1
        for port in node.inputs.values():
            count = wired.get(port.name, 0)
            if count == 0 and port.required:
                problems.append(
                    Problem(
                        f"$.nodes[{node.index}]",
                        f"node {label}: required input {port.name!r} ({port.type.value}) is not connected",
                    )
                )
            if count > 1 and not port.multi:
                problems.append(
                    Problem(
                        f"$.nodes[{node.index}]",
                        f"node {label}: input {port.name!r} takes one wire, but {count} are connected",
                    )
                )
    problems.extend(_interface_problems(flow, nodes, labels))
    if problems:
        return None, problems
    assert order is not None
    return CompiledFlow(flow, nodes, order, labels), []
