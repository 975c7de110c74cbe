"""Prompt nodes: a Jinja2 prompt template and a chat-message builder.

Templates run in Jinja2's immutable sandbox with `StrictUndefined` (a missing variable is an
error, never an empty string), autoescape off, and `trim_blocks`/`lstrip_blocks` on so that
`{% for %}`/`{% if %}` lines do not leave blank lines in the prompt. The template's undeclared
variables become the node's input ports, in order of first appearance.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, ClassVar

from jinja2 import StrictUndefined, TemplateSyntaxError, UndefinedError, meta
from jinja2 import nodes as jn
from jinja2.exceptions import SecurityError, TemplateError
from pydantic import model_validator

from nodes.prompt_presets import PRESETS, ZERO_SHOT
from studio.engine.context import Cancelled, RunContext
from studio.engine.errors import NodeError
from studio.engine.node import Node, NodeConfig, Port, PortType, setting
from studio.engine.ports import check_value
from studio.flow.schema import NAME_PATTERN
from studio.runtime.safety.bounded_jinja import BoundedEnvironment, compile_bounded, render_bounded
from studio.runtime.safety.budget import Budget, Stopped, TimeLimitExceeded

__all__ = ["PRESETS", "ChatPromptNode", "PromptTemplateNode", "TemplateVariable"]

# Port names must fit the flow file's NAME_PATTERN (edges name them; so does the command line).
PORT_NAME = re.compile(NAME_PATTERN)

# Filters that keep a value text-like: a variable used only through them is a text port.
_TEXT_FILTERS = frozenset(
    {
        "capitalize",
        "center",
        "e",
        "escape",
        "format",
        "indent",
        "lower",
        "replace",
        "safe",
        "string",
        "striptags",
        "title",
        "trim",
        "truncate",
        "upper",
        "urlencode",
        "wordcount",
        "wordwrap",
    }
)
_DEFAULT_FILTERS = frozenset({"default", "d"})

# The bounded sandbox: sizes, steps, output and nesting limited (studio.runtime.safety.bounded_jinja).
ENVIRONMENT = BoundedEnvironment(
    undefined=StrictUndefined, autoescape=False, trim_blocks=True, lstrip_blocks=True
)


@dataclass(frozen=True)
class TemplateVariable:
    """A variable a template reads from its inputs."""

    name: str
    # TEXT when only printed (possibly through text filters), ANY when looped over, indexed,
    # called or tested: those want lists, dicts or booleans, not text.
    type: PortType
    # Used with `| default(...)` or `is defined`: the port may be left unconnected.
    optional: bool

    @property
    def valid(self) -> bool:
        """Whether the name can be a port name."""
        return bool(PORT_NAME.match(self.name))


@dataclass(frozen=True)
class TemplateInfo:
    """What parsing a template found: its variables, or the syntax error."""

    variables: tuple[TemplateVariable, ...] = ()
    error: str | None = None


def _walk(node: jn.Node, parent: jn.Node | None) -> Any:
    """Every node of a Jinja AST with its parent, depth first (source order, mostly)."""
    yield node, parent
    for child in node.iter_child_nodes():
        yield from _walk(child, node)


def _use_kind(name: jn.Name, parent: jn.Node | None) -> tuple[bool, bool]:
    """(is a plain text use, makes the variable optional) for one occurrence of a variable."""
    if isinstance(parent, jn.Filter) and parent.node is name:
        if parent.name in _DEFAULT_FILTERS:
            return True, True
        return parent.name in _TEXT_FILTERS, False
    if isinstance(parent, jn.Test) and parent.node is name:
        return False, parent.name in ("defined", "undefined")
    if isinstance(parent, jn.Getattr | jn.Getitem | jn.Call) and parent.node is name:
        return False, False
    if isinstance(parent, jn.For) and parent.iter is name:
        return False, False
    if isinstance(parent, jn.If | jn.CondExpr | jn.Not | jn.And | jn.Or):
        return False, False
    if isinstance(parent, jn.Compare | jn.Operand):
        return False, False
    return True, False


@lru_cache(maxsize=256)
def analyse_template(source: str) -> TemplateInfo:
    """Parse a template once: its undeclared variables in order of appearance, or its error."""
    try:
        tree = ENVIRONMENT.parse(source)
    except TemplateSyntaxError as error:
        return TemplateInfo(error=f"line {error.lineno}: {error.message}")
    except (RecursionError, MemoryError):
        return TemplateInfo(error="the template is nested too deeply")
    try:
        return _variables(tree)
    except RecursionError:  # the nesting limits make this unlikely; never a traceback
        return TemplateInfo(error="the template is nested too deeply")


def _variables(tree: jn.Template) -> TemplateInfo:
    undeclared = meta.find_undeclared_variables(tree) - set(ENVIRONMENT.globals)
    first: dict[str, tuple[int, int]] = {}
    plain: dict[str, bool] = {}
    optional: dict[str, bool] = {}
    for index, (node, parent) in enumerate(_walk(tree, None)):
        if not (isinstance(node, jn.Name) and node.ctx == "load" and node.name in undeclared):
            continue
        is_plain, makes_optional = _use_kind(node, parent)
        first.setdefault(node.name, (node.lineno, index))
        plain[node.name] = plain.get(node.name, True) and is_plain
        optional[node.name] = optional.get(node.name, False) or makes_optional
    ordered = sorted(first, key=lambda n: first[n])
    return TemplateInfo(
        variables=tuple(
            TemplateVariable(n, PortType.TEXT if plain[n] else PortType.ANY, optional[n]) for n in ordered
        )
    )


_compiled: dict[str, Any] = {}


def _compile(source: str, budget: Budget) -> Any:
    """The compiled template, cached (compiling costs far more than rendering a prompt)."""
    template = _compiled.get(source)
    if template is None:
        template = compile_bounded(ENVIRONMENT, source, budget)
        if len(_compiled) >= 256:
            _compiled.pop(next(iter(_compiled)))
        _compiled[source] = template
    return template


def _template_line(error: BaseException) -> int | None:
    """The template line an exception was raised at (Jinja rewrites tracebacks to show it)."""
    line = None
    trace = error.__traceback__
    while trace is not None:
        if trace.tb_frame.f_code.co_filename == "<template>":
            line = trace.tb_lineno
        trace = trace.tb_next
    return line


def template_problems(field: str, source: str, reserved: tuple[str, ...] = ()) -> list[str]:
    """Syntax errors and unusable variable names of one template field, as check() messages."""
    info = analyse_template(source)
    if info.error:
        return [f"{field}: {info.error}"]
    problems = []
    for variable in info.variables:
        if not variable.valid:
            problems.append(
                f"{field}: variable {variable.name!r} cannot be an input port: use letters A-Z, "
                "digits and _, not starting with a digit"
            )
        elif variable.name in reserved:
            problems.append(
                f"{field}: variable {variable.name!r} is reserved for the node's own input; rename it"
            )
    return problems


def _decode_structured(value: Any) -> Any:
    """Decode JSON list/object text fed to a variable the template loops over or indexes."""
    if isinstance(value, str) and value.lstrip()[:1] in ("[", "{"):
        try:
            return json.loads(value)
        except (ValueError, RecursionError):
            return value
    return value


def template_context(sources: list[str], inputs: Mapping[str, Any]) -> dict[str, Any]:
    """The render variables: connected inputs, with JSON text decoded for non-text variables."""
    context: dict[str, Any] = {}
    for source in sources:
        for variable in analyse_template(source).variables:
            value = inputs.get(variable.name)
            if value is None:
                # Left out so that `| default(...)` applies and StrictUndefined names it otherwise.
                continue
            if variable.type == PortType.ANY:
                value = _decode_structured(value)
            context[variable.name] = value
    return context


def node_budget(ctx: RunContext | None) -> Budget:
    """The node's time limit (its policy's, else the default) and the run's Stop signal."""
    if ctx is None:
        return Budget()
    return Budget(getattr(ctx, "timeout_s", None), lambda: ctx.cancelled)


def render_template(field: str, source: str, context: Mapping[str, Any], budget: Budget | None = None) -> str:
    """Render one template field; any failure is a NodeError naming the field and line."""
    budget = budget or Budget()
    try:
        return render_bounded(_compile(source, budget), context, budget)
    except TemplateSyntaxError as error:
        raise NodeError(f"{field}: line {error.lineno}: {error.message}") from None
    except Stopped:
        raise Cancelled("the run was stopped") from None
    except Exception as error:
        line = _template_line(error)
        where = f"{field}: line {line}" if line else field
        if isinstance(error, TimeLimitExceeded):
            raise NodeError(f"{where}: {error}") from None
        if isinstance(error, SecurityError):
            raise NodeError(f"{where}: blocked by the template sandbox: {error}") from None
        if isinstance(error, UndefinedError):
            match = re.fullmatch(r"'(.+)' is undefined", str(error))
            if match:
                raise NodeError(
                    f"{where}: undefined variable {match.group(1)!r} "
                    "(connect its input or give it a `| default(...)`)"
                ) from None
            raise NodeError(f"{where}: {error}") from None
        if isinstance(error, RecursionError | MemoryError):
            raise NodeError(f"{where}: the template nests or recurses too deeply") from None
        kind = "" if isinstance(error, TemplateError) else f"{type(error).__name__}: "
        raise NodeError(f"{where}: {kind}{error}") from None


def _ports(variables: list[TemplateVariable], taken: set[str]) -> list[Port]:
    """Input ports for valid, not yet used variable names."""
    ports = []
    for variable in variables:
        if not variable.valid or variable.name in taken:
            continue
        taken.add(variable.name)
        ports.append(
            Port(
                variable.name,
                variable.type,
                description=f"Value of {{{{ {variable.name} }}}} in the template",
                required=not variable.optional,
            )
        )
    return ports


class PromptTemplateNode(Node):
    """Fill a Jinja2 template with the values on its inputs."""

    type = "prompt.template"
    version = 1
    title = "Prompt Template"
    category = "Prompts"
    description = (
        "Writes a prompt from a Jinja2 template. Each {{ variable }} becomes an input; "
        "{% for %} and {% if %} work too. A missing value is an error, not an empty string."
    )
    presets: ClassVar[dict[str, dict[str, Any]]] = PRESETS

    class Config(NodeConfig):
        template: str = setting(
            ZERO_SHOT,
            description="The prompt. {{ name }} inserts the input called name.",
            multiline=True,
            widget="template",
        )
        preset: str = setting(
            "zero-shot",
            description="The preset the template started from (picking one replaces the template).",
            choices=[*PRESETS, "custom"],
        )

        @model_validator(mode="before")
        @classmethod
        def _preset_fills_template(cls, data: Any) -> Any:
            """A preset named without a template gives its template (not zero-shot's)."""
            if isinstance(data, dict) and "template" not in data and data.get("preset") in PRESETS:
                return {**data, "template": PRESETS[data["preset"]]["template"]}
            return data

    outputs = (Port("prompt", PortType.TEXT, "The filled-in prompt"),)
    run_in_thread = False

    @classmethod
    def input_ports(cls, config: NodeConfig) -> list[Port]:
        """One input per template variable, in order of first appearance."""
        template = getattr(config, "template", "")
        return _ports(list(analyse_template(template).variables), set())

    @classmethod
    def check(cls, config: NodeConfig) -> list[str]:
        """Template syntax errors (with line numbers) and variable names that cannot be ports."""
        return template_problems("template", getattr(config, "template", ""))

    def run(self, inputs: Mapping[str, Any], ctx: RunContext) -> dict[str, Any]:
        """Render the template with the inputs."""
        template = self.config.template  # type: ignore[attr-defined]
        context = template_context([template], inputs)
        return {"prompt": render_template("template", template, context, node_budget(ctx))}


class ChatExample(NodeConfig):
    """A few-shot example: a user message and the reply the model should imitate."""

    user: str = setting("", multiline=True)
    assistant: str = setting("", multiline=True)


class ChatPromptNode(Node):
    """Build a chat message list: system, few-shot examples, optional history, user message."""

    type = "prompt.chat"
    version = 1
    title = "Chat Prompt"
    category = "Prompts"
    description = (
        "Builds the messages for a chat model: a system message, few-shot example pairs, the "
        "conversation history (optional) and the user message. System and user are Jinja2 "
        "templates whose {{ variables }} become inputs; examples are used as written."
    )

    class Config(NodeConfig):
        system: str = setting(
            "You are a helpful assistant.",
            description="System message template (left out of the messages when empty).",
            multiline=True,
            widget="template",
        )
        examples: list[ChatExample] = setting(
            [], description="Few-shot examples: user/assistant pairs, sent as written."
        )
        user: str = setting(
            "{{question}}",
            description="User message template.",
            multiline=True,
            widget="template",
        )
        include_history: bool = setting(
            False,
            description="Insert earlier messages (the history input) before the user message.",
        )

    outputs = (Port("messages", PortType.MESSAGES, "The chat messages"),)
    run_in_thread = False

    HISTORY = "history"

    @classmethod
    def input_ports(cls, config: NodeConfig) -> list[Port]:
        """Variables of the system and user templates, then `history` when enabled."""
        taken = {cls.HISTORY}
        ports = []
        for field in ("system", "user"):
            source = getattr(config, field, "")
            ports += _ports(list(analyse_template(source).variables), taken)
        if getattr(config, "include_history", False):
            ports.append(
                Port(
                    cls.HISTORY,
                    PortType.MESSAGES,
                    "Earlier messages of the conversation",
                    required=False,
                    default=[],
                )
            )
        return ports

    @classmethod
    def check(cls, config: NodeConfig) -> list[str]:
        """Syntax errors of both templates; `history` is reserved as a variable name."""
        problems = []
        for field in ("system", "user"):
            problems += template_problems(field, getattr(config, field, ""), (cls.HISTORY,))
        return problems

    def run(self, inputs: Mapping[str, Any], ctx: RunContext) -> dict[str, Any]:
        """Render the templates and assemble the message list."""
        config = self.config
        system_src: str = config.system  # type: ignore[attr-defined]
        user_src: str = config.user  # type: ignore[attr-defined]
        context = template_context([system_src, user_src], inputs)
        budget = node_budget(ctx)  # one time limit for both templates
        messages: list[dict[str, Any]] = []
        system = render_template("system", system_src, context, budget)
        if system.strip():
            messages.append({"role": "system", "content": system})
        for example in config.examples:  # type: ignore[attr-defined]
            messages.append({"role": "user", "content": example.user})
            messages.append({"role": "assistant", "content": example.assistant})
        if config.include_history:  # type: ignore[attr-defined]
            history = inputs.get(self.HISTORY) or []
            problem = check_value(history, PortType.MESSAGES)
            if problem:
                raise NodeError(f"{self.HISTORY}: {problem}")
            messages.extend(dict(message) for message in history)
        messages.append({"role": "user", "content": render_template("user", user_src, context, budget)})
        return {"messages": messages}
