"""Control flow: routers that take one branch (the engine skips the others) and Merge.

A router returns only the output port of the route it takes (plus `route`, the route's name), so
every node that depends only on untaken routes is skipped, not failed.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from studio.engine.context import Cancelled, RunContext
from studio.engine.errors import NodeError
from studio.engine.node import Node, NodeConfig, Port, PortType, setting
from studio.flow.schema import NAME_PATTERN

__all__ = ["ExpressionRouter", "LLMRouter", "Merge"]

_RESERVED = {"route", "value"}


class ExpressionRoute(BaseModel):
    """One branch of an expression router: taken when its expression is true."""

    model_config = ConfigDict(extra="forbid")
    name: str = Field(pattern=NAME_PATTERN)
    expression: str = Field(min_length=1)


class ClassRoute(BaseModel):
    """One branch of an LLM router: a name and what belongs there."""

    model_config = ConfigDict(extra="forbid")
    name: str = Field(pattern=NAME_PATTERN)
    description: str = ""


def _route_name_problems(names: list[str], default: str) -> list[str]:
    problems = []
    seen: set[str] = set()
    for index, name in enumerate([*names, default]):
        where = f"routes[{index}].name" if index < len(names) else "default_route"
        if name in _RESERVED:
            problems.append(f"{where}: {name!r} is reserved")
        elif name in seen:
            problems.append(f"{where}: route {name!r} appears twice")
        seen.add(name)
    return problems


def _route_ports(names: list[str], default: str, kind: PortType = PortType.ANY) -> list[Port]:
    ports = [Port(name, kind, f"The input, when route {name!r} is taken.") for name in names]
    if default:
        ports.append(Port(default, kind, "The input, when no other route is taken."))
    ports.append(Port("route", PortType.TEXT, "The name of the route taken."))
    return ports


class ExpressionRouter(Node):
    """Take the first route whose expression is true (safe expressions, no code)."""

    type = "control.router"
    title = "Router"
    category = "Control Flow"
    description = (
        "Sends its input down the first route whose expression is true, e.g. `score > 0.5` or "
        "`'invoice' in lower(value)`; otherwise down the default route. Other routes are skipped. "
        "Expressions see `value`, and the keys of `value` and `data` when they are objects."
    )
    run_in_thread = False
    inputs = (
        Port("value", PortType.ANY, "What is routed (passed on unchanged)."),
        Port("data", PortType.JSON, "Extra values the expressions may use.", required=False),
    )

    class Config(NodeConfig):
        routes: list[ExpressionRoute] = setting(
            [ExpressionRoute(name="yes", expression="bool(value)")],
            description="Checked in order; the first true one is taken.",
        )
        default_route: str = setting(
            "otherwise",
            description="Taken when no expression is true (empty: take nothing).",
            pattern=r"^([A-Za-z_][A-Za-z0-9_]*)?$",
        )

    @classmethod
    def output_ports(cls, config: NodeConfig) -> list[Port]:
        router: ExpressionRouter.Config = config  # type: ignore[assignment]
        return _route_ports([r.name for r in router.routes], router.default_route)

    @classmethod
    def check(cls, config: NodeConfig) -> list[str]:
        from studio.runtime.safety.safe_eval import parse_expression

        router: ExpressionRouter.Config = config  # type: ignore[assignment]
        problems = _route_name_problems([r.name for r in router.routes], router.default_route)
        for index, route in enumerate(router.routes):
            problems += [f"routes[{index}].expression: {p}" for p in parse_expression(route.expression)]
        return problems

    def run(self, inputs: Mapping[str, Any], ctx: RunContext) -> dict[str, Any]:
        from studio.runtime.safety.budget import Budget
        from studio.runtime.safety.safe_eval import ExpressionError, Stopped, evaluate

        config: ExpressionRouter.Config = self.config  # type: ignore[assignment]
        value, data = inputs.get("value"), inputs.get("data")
        names: dict[str, Any] = {}
        for source in (data, value):
            if isinstance(source, dict):
                names.update({k: v for k, v in source.items() if isinstance(k, str) and k.isidentifier()})
        names.update({"value": value, "data": data, "text": value if isinstance(value, str) else None})
        names.update(ctx.variables)
        # One time limit (the node's, else the default) for all routes, and Stop.
        budget = Budget(ctx.timeout_s, lambda: ctx.cancelled)
        for index, route in enumerate(config.routes):
            try:
                taken = bool(evaluate(route.expression, names, budget))
            except ExpressionError as exc:
                raise NodeError(f"routes[{index}] ({route.name}): {exc}") from None
            except Stopped:
                raise Cancelled("the run was stopped") from None
            if taken:
                ctx.trace("route", {"route": route.name, "expression": route.expression})
                return {route.name: value, "route": route.name}
        if config.default_route:
            ctx.trace("route", {"route": config.default_route})
            return {config.default_route: value, "route": config.default_route}
        return {"route": ""}


class LLMRouter(Node):
    """Ask an LLM which named route fits the text (an intent classifier)."""

    type = "control.llm_router"
    title = "LLM Router"
    category = "Control Flow"
    description = (
        "Asks a model which route fits the text (e.g. billing / technical / other) and sends the "
        "text down it; a reply naming no route takes the default route."
    )
    inputs = (Port("text", PortType.TEXT, "The text to classify (passed on unchanged)."),)

    class Config(NodeConfig):
        routes: list[ClassRoute] = setting(
            [
                ClassRoute(name="question", description="The user asks something."),
                ClassRoute(name="request", description="The user wants something done."),
            ],
            description="Route names and what belongs on each.",
        )
        default_route: str = setting(
            "other", pattern=NAME_PATTERN, description="Taken when the reply names no route."
        )
        model: str = setting(
            "local/smollm2-135m-instruct", widget="model", description="The classifying model."
        )
        instructions: str = setting(
            "Classify the user's message.", multiline=True, description="Put before the list of routes."
        )

    @classmethod
    def output_ports(cls, config: NodeConfig) -> list[Port]:
        router: LLMRouter.Config = config  # type: ignore[assignment]
        return _route_ports([r.name for r in router.routes], router.default_route, PortType.TEXT)

    @classmethod
    def check(cls, config: NodeConfig) -> list[str]:
        router: LLMRouter.Config = config  # type: ignore[assignment]
        problems = _route_name_problems([r.name for r in router.routes], router.default_route)
        if not router.routes:
            problems.append("routes: add at least one route")
        return problems

    @classmethod
    def is_deterministic(cls, config: NodeConfig) -> bool:
        return True  # temperature 0

    @staticmethod
    def pick(reply: str, names: list[str]) -> str | None:
        """The route a (possibly sloppy) reply names: exact answer first, then first mention."""
        cleaned = reply.strip().strip("`'\".:*").strip().lower()
        lowered = {n.lower(): n for n in names}
        if cleaned in lowered:
            return lowered[cleaned]
        best: tuple[int, str] | None = None
        for name in names:
            spelled = re.escape(name.lower()).replace("_", "[_ ]")
            match = re.search(rf"(?<![a-z0-9]){spelled}(?![a-z0-9])", reply.lower())
            if match and (best is None or match.start() < best[0]):
                best = (match.start(), name)
        return best[1] if best else None

    async def run(self, inputs: Mapping[str, Any], ctx: RunContext) -> dict[str, Any]:
        from studio.runtime.llm.facade import ChatRequest, LLMError, chat

        config: LLMRouter.Config = self.config  # type: ignore[assignment]
        text = inputs.get("text")
        if not isinstance(text, str):
            raise NodeError(f"input 'text': expected text, got {type(text).__name__}")
        listing = "\n".join(
            f"- {r.name}: {r.description}" if r.description else f"- {r.name}" for r in config.routes
        )
        names = [r.name for r in config.routes]
        request = ChatRequest(
            model=config.model,
            temperature=0.0,
            max_tokens=16,
            messages=[
                {
                    "role": "system",
                    "content": f"{config.instructions}\nRoutes:\n{listing}\n"
                    f"Answer with exactly one route name: {', '.join(names)}.",
                },
                {"role": "user", "content": text},
            ],
        )
        try:
            result = await chat(request)
        except LLMError as exc:
            raise NodeError(f"the classifying model failed: {exc}") from None
        ctx.add_usage(result.prompt_tokens, result.completion_tokens, result.cost_usd)
        route = self.pick(result.text, names) or config.default_route
        ctx.trace("route", {"route": route, "reply": result.text[:200]})
        return {route: text, "route": route}


class Merge(Node):
    """Join branches: the first value that arrived (in wire order) or all of them as a list."""

    type = "control.merge"
    title = "Merge"
    category = "Control Flow"
    description = (
        "Joins the branches of a router: 'first' passes on the first value present (in the order "
        "the wires were drawn), 'all' passes on a list of every value present."
    )
    run_in_thread = False
    inputs = (Port("values", PortType.ANY, "Wire every branch here.", multi=True),)
    outputs = (Port("value", PortType.ANY, "The merged value."),)

    class Config(NodeConfig):
        mode: Literal["first", "all"] = setting(
            "first", choices=["first", "all"], description="What to pass on."
        )

    def run(self, inputs: Mapping[str, Any], ctx: RunContext) -> dict[str, Any]:
        values = [v for v in (inputs.get("values") or []) if v is not None]
        if self.config.mode == "all":  # type: ignore[attr-defined]
            return {"value": values}
        if not values:
            raise NodeError("input 'values': no branch produced a value")
        return {"value": values[0]}
