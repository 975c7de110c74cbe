"""Trivial node types for engine benchmarks: the engine's own cost is what gets measured."""

from __future__ import annotations

import random
from collections.abc import Mapping
from typing import Any

from studio.engine.context import RunContext
from studio.engine.node import Node, NodeConfig, Port, PortType
from studio.engine.registry import Registry
from studio.flow import EdgeSpec, Flow, NodeSpec


class Source(Node):
    type = "bench.source"
    title = "Source"
    run_in_thread = False
    outputs = (Port("out", PortType.TEXT),)

    class Config(NodeConfig):
        value: str = "x"

    def run(self, inputs: Mapping[str, Any], ctx: RunContext) -> dict[str, Any]:
        return {"out": self.config.value}  # type: ignore[attr-defined]


class Step(Node):
    """Takes any number of inputs and returns a short text: constant work per node."""

    type = "bench.step"
    title = "Step"
    run_in_thread = False
    inputs = (Port("parts", PortType.TEXT, multi=True, required=False),)
    outputs = (Port("out", PortType.TEXT),)

    class Config(NodeConfig):
        salt: str = ""

    def run(self, inputs: Mapping[str, Any], ctx: RunContext) -> dict[str, Any]:
        return {"out": str(len(inputs["parts"])) + self.config.salt}  # type: ignore[attr-defined]


class ThreadStep(Step):
    """The same, but dispatched to a worker thread like ordinary synchronous node code."""

    type = "bench.thread_step"
    run_in_thread = True


REGISTRY = Registry.of([Source, Step, ThreadStep])


def chain(count: int, node_type: str = "bench.step") -> Flow:
    """source -> step -> step -> ... (count nodes in all)."""
    nodes = [NodeSpec(id="n0", type="bench.source")]
    edges = []
    for index in range(1, count):
        nodes.append(NodeSpec(id=f"n{index}", type=node_type))
        edges.append(
            EdgeSpec(source=f"n{index - 1}", source_port="out", target=f"n{index}", target_port="parts")
        )
    return Flow(name=f"chain of {count}", nodes=nodes, edges=edges)


def random_dag(count: int, seed: int = 7, max_parents: int = 3, node_type: str = "bench.step") -> Flow:
    """count nodes; each takes 0..max_parents inputs from random earlier nodes."""
    rng = random.Random(seed)
    nodes = [NodeSpec(id="n0", type="bench.source")]
    edges = []
    for index in range(1, count):
        nodes.append(NodeSpec(id=f"n{index}", type=node_type))
        for parent in sorted(rng.sample(range(index), min(index, rng.randint(0, max_parents)))):
            edges.append(
                EdgeSpec(source=f"n{parent}", source_port="out", target=f"n{index}", target_port="parts")
            )
    return Flow(name=f"random dag of {count}", nodes=nodes, edges=edges)
