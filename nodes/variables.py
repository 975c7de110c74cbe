"""Flow variables: named values shared by every node of a run, declared in the flow's `variables`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from studio.engine.context import RunContext
from studio.engine.errors import NodeError
from studio.engine.node import Node, NodeConfig, Port, PortType, setting
from studio.flow.schema import NAME_PATTERN

__all__ = ["GetVariable", "SetVariable"]


def _declared(name: str, ctx: RunContext) -> None:
    if name not in ctx.variables:
        known = ", ".join(sorted(ctx.variables)) or "none"
        raise NodeError(
            f"variable {name!r} is not declared in the flow's variables (declared: {known}); "
            f"add it under 'variables' in the flow file or the Studio's Variables panel"
        )


class SetVariable(Node):
    """Store a value in a flow variable; later Get Variable nodes read it."""

    type = "vars.set"
    title = "Set Variable"
    category = "Variables"
    description = "Stores its input in a flow variable (declared in the flow's variables) and passes it on."
    deterministic = False  # its effect is on the run's variables, which the cache cannot replay
    run_in_thread = False
    inputs = (Port("value", PortType.ANY, "The value to store."),)
    outputs = (Port("value", PortType.ANY, "The same value, so that later steps can wait for it."),)

    class Config(NodeConfig):
        name: str = setting("variable", pattern=NAME_PATTERN, description="The flow variable to set.")

    @classmethod
    def variables_used(cls, config: NodeConfig) -> list[str]:
        return [config.name]  # type: ignore[attr-defined]

    def run(self, inputs: Mapping[str, Any], ctx: RunContext) -> dict[str, Any]:
        name = self.config.name  # type: ignore[attr-defined]
        _declared(name, ctx)
        ctx.variables[name] = inputs.get("value")
        ctx.trace("set variable", {"name": name})
        return {"value": inputs.get("value")}


class GetVariable(Node):
    """Read a flow variable (its declared default until a Set Variable node changes it)."""

    type = "vars.get"
    title = "Get Variable"
    category = "Variables"
    description = (
        "Reads a flow variable. Wire anything into 'after' to read it only once that step is done "
        "(e.g. after the Set Variable node)."
    )
    deterministic = False
    run_in_thread = False
    inputs = (Port("after", PortType.ANY, "Read only after this value is ready.", required=False),)
    outputs = (Port("value", PortType.ANY, "The variable's current value."),)

    class Config(NodeConfig):
        name: str = setting("variable", pattern=NAME_PATTERN, description="The flow variable to read.")

    @classmethod
    def variables_used(cls, config: NodeConfig) -> list[str]:
        return [config.name]  # type: ignore[attr-defined]

    def run(self, inputs: Mapping[str, Any], ctx: RunContext) -> dict[str, Any]:
        name = self.config.name  # type: ignore[attr-defined]
        _declared(name, ctx)
        return {"value": ctx.variables[name]}
