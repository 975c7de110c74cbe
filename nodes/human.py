"""Human in the loop: a node that pauses the run until a person answers its question.

The run ends with status "waiting" and the question in its run record; it continues, without
running the finished nodes again, when an answer comes: from the Studio's panel, the terminal
(`studio run` prompts, or `--answer NODE=VALUE`), or the HTTP resume URL
(`studio.engine.human`).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from nodes.prompts import (
    _ports,
    analyse_template,
    node_budget,
    render_template,
    template_context,
    template_problems,
)
from studio.engine.context import RunContext
from studio.engine.errors import NodeError
from studio.engine.human import ANSWERS_KEY, WaitingForInput, make_question
from studio.engine.node import Node, NodeConfig, Port, PortType, setting

__all__ = ["HumanInput"]


class HumanInput(Node):
    """Ask a person a question and continue the run with the answer."""

    type = "human.input"
    version = 1
    title = "Human Input"
    category = "Human"
    description = (
        "Pauses the run and asks a person a question (free text or one of the choices); the run "
        "continues with the answer, from the Studio, the terminal or the HTTP API, even later."
    )
    outputs = (Port("answer", PortType.TEXT, "The person's answer (the default when time ran out)."),)
    # An answer is a person's, not a function of the inputs: never served from the cache.
    deterministic = False
    run_in_thread = False

    class Config(NodeConfig):
        question: str = setting(
            "Should the run continue?",
            description="The question, a template: {{ name }} inserts the input called name.",
            multiline=True,
            widget="template",
        )
        choices: list[str] = setting([], description="The answers allowed; empty allows any text.")
        timeout_s: float = setting(
            0.0,
            ge=0,
            title="Timeout (s)",
            description="How long to wait for an answer; 0 waits without a limit.",
        )
        default: str = setting("", description="The answer used when the time runs out.")

    @classmethod
    def input_ports(cls, config: NodeConfig) -> list[Port]:
        """One input per variable of the question template."""
        return _ports(list(analyse_template(getattr(config, "question", "")).variables), set())

    @classmethod
    def check(cls, config: NodeConfig) -> list[str]:
        """Template errors; a default that is not one of the choices."""
        human: HumanInput.Config = config  # type: ignore[assignment]
        problems = template_problems("question", human.question)
        if human.choices and human.timeout_s and human.default not in human.choices:
            problems.append(
                f"default: {human.default!r} is not one of the choices ({', '.join(human.choices)})"
            )
        return problems

    def run(self, inputs: Mapping[str, Any], ctx: RunContext) -> dict[str, Any]:
        """The answer when the run has one for this node; otherwise pause the run with the question."""
        config: HumanInput.Config = self.config  # type: ignore[assignment]
        answers = ctx.extras.get(ANSWERS_KEY) or {}
        if ctx.node_id in answers:
            answer = answers[ctx.node_id]
            text = answer if isinstance(answer, str) else json.dumps(answer, ensure_ascii=False)
            if config.choices and text not in config.choices:
                raise NodeError(f"answer {text!r} is not one of the choices: {', '.join(config.choices)}")
            return {"answer": text}
        question = render_template(
            "question", config.question, template_context([config.question], inputs), node_budget(ctx)
        )
        raise WaitingForInput(
            make_question(
                question,
                choices=config.choices,
                default=config.default,
                timeout_s=config.timeout_s,
                node_label=ctx.node_label,
            )
        )
