"""Flows inside flows: Subflow (a saved flow as one node) and Map (a subflow per list item).

Ports come from the saved flow's declared interface. The engine derives ports before it knows the
parent flow's folder, so the interface is kept in the node's settings (`inputs` / `outputs`,
filled by `interface_of(path)` when the file is picked) and checked against the file at run
time; a node whose settings list no interface reads it from `path` if that path opens as given.
Recursion (a flow that reaches itself through subflows) is refused with the chain of files.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from nodes.tools import TOOL_NAME, ToolConfig, ToolNode
from studio.engine.context import RunContext
from studio.engine.errors import NodeError
from studio.engine.node import Node, NodeConfig, Port, PortType, setting
from studio.flow.schema import NAME_PATTERN

__all__ = ["FlowTool", "MapNode", "SubflowNode", "interface_of", "run_subflow"]

STACK_KEY = "subflow_stack"
MAX_DEPTH = 8


class InterfaceEntry(BaseModel):
    """One declared input or output of the saved flow."""

    model_config = ConfigDict(extra="forbid")
    name: str = Field(pattern=NAME_PATTERN)
    type: str = "any"
    required: bool = True


def _load(path: Path) -> Any:
    from studio.flow.io import load_flow

    if not path.is_file():
        raise NodeError(f"path: the subflow file {path} does not exist")
    try:
        return load_flow(path)
    except Exception as exc:  # FlowError, JSON errors: the message names the problem
        raise NodeError(f"path: the subflow file {path} is invalid: {exc}") from None


def interface_of(path: str | os.PathLike[str]) -> dict[str, list[dict[str, Any]]]:
    """The `inputs` / `outputs` settings for a Subflow or Map node using this flow file."""
    flow = _load(Path(path))
    # Only inputs declared required are required ports; the subflow's own run checks the rest.
    inputs = [{"name": p.name, "type": p.type, "required": p.required is True} for p in flow.inputs]
    outputs = [{"name": p.name, "type": p.type, "required": True} for p in flow.outputs]
    return {"inputs": inputs, "outputs": outputs}


def _port_type(name: str) -> PortType:
    try:
        return PortType(name)
    except ValueError:
        return PortType.ANY


def _entries(config: NodeConfig, kind: str) -> list[InterfaceEntry]:
    listed: list[InterfaceEntry] = list(getattr(config, kind))
    if listed:
        return listed
    path = Path(getattr(config, "path", "") or "")
    if path.suffix == ".json" and path.is_file():  # usable only when the path opens as given
        try:
            return [InterfaceEntry(**e) for e in interface_of(path)[kind]]
        except NodeError:
            return []
    return []


async def run_subflow(path: Path, inputs: dict[str, Any], ctx: RunContext, label: str) -> dict[str, Any]:
    """Run a saved flow as part of this run: recursion refused, cancellation shared, outputs back."""
    from studio.engine import arun_flow
    from studio.engine.errors import BadInput

    resolved = str(path.resolve())
    stack: list[str] = list(ctx.extras.get(STACK_KEY) or [])
    if resolved in stack or len(stack) >= MAX_DEPTH:
        chain = " -> ".join(Path(p).name for p in [*stack, resolved])
        raise NodeError(f"subflow recursion refused: {chain}")
    flow = _load(path)
    extras = {**ctx.extras, STACK_KEY: [*stack, resolved]}
    try:
        result = await arun_flow(
            flow,
            inputs,
            record=False,
            base_dir=path.parent,
            extras=extras,
            cancel=ctx.cancel_event,
            flow_path=resolved,
        )
    except BadInput as exc:
        raise NodeError(f"{label}: {exc}") from None
    except Exception as exc:  # an invalid subflow (FlowError) names its problems
        raise NodeError(f"{label}: the subflow {path.name} cannot run: {exc}") from None
    ctx.add_usage(result.usage.prompt_tokens, result.usage.completion_tokens, result.usage.cost_usd)
    if result.status != "succeeded":
        failures = result.failures()
        detail = "; ".join(f"{node_id}: {state.error}" for node_id, state in list(failures.items())[:3])
        raise NodeError(f"{label}: the subflow {path.name} {result.status}: {detail or result.error}")
    return dict(result.outputs)


class _SubflowConfig(NodeConfig):
    path: str = setting(..., widget="file", description="The saved flow (relative to this flow's folder).")
    inputs: list[InterfaceEntry] = setting([], advanced=True, description="The flow's declared inputs.")
    outputs: list[InterfaceEntry] = setting([], advanced=True, description="The flow's declared outputs.")


class SubflowNode(Node):
    """A saved flow used as one node; its ports are the flow's declared inputs and outputs."""

    type = "control.subflow"
    title = "Subflow"
    category = "Control Flow"
    description = "Runs a saved flow as one step. Its inputs and outputs are the flow's declared ones."
    deterministic = False  # the file can change without this node's settings changing

    class Config(_SubflowConfig):
        pass

    @classmethod
    def input_ports(cls, config: NodeConfig) -> list[Port]:
        return [Port(e.name, _port_type(e.type), required=e.required) for e in _entries(config, "inputs")]

    @classmethod
    def output_ports(cls, config: NodeConfig) -> list[Port]:
        return [Port(e.name, _port_type(e.type)) for e in _entries(config, "outputs")]

    async def run(self, inputs: Mapping[str, Any], ctx: RunContext) -> dict[str, Any]:
        config: SubflowNode.Config = self.config  # type: ignore[assignment]
        path = ctx.resolve_path(config.path)
        given = {k: v for k, v in inputs.items() if v is not None}
        outputs = await run_subflow(path, given, ctx, "subflow")
        declared = {p.name for p in self.output_ports(config)} or set(outputs)
        return {k: v for k, v in outputs.items() if k in declared}


class MapNode(Node):
    """Run a saved flow once per list item, a few at a time, and collect the results in order."""

    type = "control.map"
    title = "Map"
    category = "Control Flow"
    description = (
        "Runs a saved flow for each item of a list (bounded concurrency) and collects one of its "
        "outputs, in the order of the items."
    )
    deterministic = False
    inputs = (
        Port("items", PortType.JSON, "The list to go over."),
        Port(
            "shared", PortType.JSON, "Values given to every run (an object of input names).", required=False
        ),
    )
    outputs = (
        Port("results", PortType.JSON, "One result per item, in order."),
        Port("errors", PortType.JSON, "Errors per item index (with on_error = 'keep going')."),
    )

    class Config(_SubflowConfig):
        item_input: str = setting(
            "item", pattern=NAME_PATTERN, description="The flow input each item goes to."
        )
        output: str = setting("", description="The flow output to collect (empty: all outputs as an object).")
        concurrency: int = setting(4, ge=1, le=64, description="Items run at the same time.")
        on_error: Literal["stop", "keep going"] = setting(
            "stop",
            choices=["stop", "keep going"],
            description="Stop at the first failing item, or record it.",
        )

    async def run(self, inputs: Mapping[str, Any], ctx: RunContext) -> dict[str, Any]:
        config: MapNode.Config = self.config  # type: ignore[assignment]
        items = inputs.get("items")
        if not isinstance(items, list):
            raise NodeError(f"input 'items': expected a list, got {type(items).__name__}")
        shared = inputs.get("shared") or {}
        if not isinstance(shared, dict):
            raise NodeError(f"input 'shared': expected an object, got {type(shared).__name__}")
        path = ctx.resolve_path(config.path)
        _load(path)  # a missing or invalid file fails once, before any item runs
        gate = asyncio.Semaphore(config.concurrency)
        results: list[Any] = [None] * len(items)
        errors: dict[str, str] = {}

        async def one(index: int, item: Any) -> None:
            async with gate:
                ctx.raise_if_cancelled()
                try:
                    outputs = await run_subflow(
                        path, {**shared, config.item_input: item}, ctx, f"item {index}"
                    )
                except NodeError as exc:
                    if config.on_error == "stop":
                        raise
                    errors[str(index)] = str(exc)
                    return
                if config.output:
                    if config.output not in outputs:
                        raise NodeError(
                            f"output: the subflow has no output {config.output!r} (it has: "
                            f"{', '.join(outputs) or 'none'})"
                        )
                    results[index] = outputs[config.output]
                else:
                    results[index] = outputs
                ctx.trace("map item done", {"index": index})

        tasks = [asyncio.ensure_future(one(i, item)) for i, item in enumerate(items)]
        try:
            await asyncio.gather(*tasks)
        except BaseException:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            raise
        return {"results": results, "errors": errors}


_JSON_TYPES = {
    "text": "string",
    "number": "number",
    "boolean": "boolean",
    "messages": "array",
    "documents": "array",
    "embedding": "array",
}


class FlowTool(ToolNode):
    """Any saved flow with declared inputs and outputs, offered to agents as a tool."""

    type = "tool.flow"
    title = "Flow as Tool"
    description = "Offers a saved flow to agents as a tool: its declared inputs are the tool's arguments."
    default_description = "Run a saved flow."
    deterministic = False

    class Config(ToolConfig):
        name: str = setting("flow", pattern=TOOL_NAME, description="The tool's name as agents see it.")
        path: str = setting(
            ..., widget="file", description="The saved flow (relative to this flow's folder)."
        )
        inputs: list[InterfaceEntry] = setting([], advanced=True, description="The flow's declared inputs.")
        outputs: list[InterfaceEntry] = setting([], advanced=True, description="The flow's declared outputs.")
        output: str = setting(
            "", description="The output returned (empty: the only one, or all as an object)."
        )

    @classmethod
    def parameters(cls, config: NodeConfig) -> dict[str, Any]:
        entries = _entries(config, "inputs")
        properties = {}
        for entry in entries:
            json_type = _JSON_TYPES.get(entry.type)
            properties[entry.name] = {"type": json_type} if json_type else {}
        required = [e.name for e in entries if e.required]
        return {"type": "object", "properties": properties, "required": required}

    async def call(self, arguments: dict[str, Any], ctx: RunContext) -> Any:
        config: FlowTool.Config = self.config  # type: ignore[assignment]
        outputs = await run_subflow(
            ctx.resolve_path(config.path), dict(arguments), ctx, f"tool {config.name!r}"
        )
        if config.output:
            if config.output not in outputs:
                raise NodeError(
                    f"output: the flow has no output {config.output!r} (it has: {', '.join(outputs)})"
                )
            return outputs[config.output]
        return next(iter(outputs.values())) if len(outputs) == 1 else outputs
