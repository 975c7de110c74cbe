"""Agents: ReAct and tool calling, and the plumbing every agent shares (nodes/agents_planning.py
has plan-and-execute and the supervisor).

Every agent takes a `task`, tools on its multi `tools` input (tool nodes, or other agents), and
returns an `answer` and its `steps`. Every thought, action and observation is a trace event
(`ctx.trace`), which the CLI prints and the GUI shows, and which stays in the run record when a
limit stops the agent. Limits: iterations, tool calls, total tokens and cost. An agent also offers
itself as a tool (`tool` output), which is how a supervisor gets its workers.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from nodes.agent_protocols import (
    REACT_INSTRUCTIONS,
    REACT_JSON_INSTRUCTIONS,
    USE_A_TOOL,
    coerce_arguments,
    describe_tools,
    find_tool,
    observation_text,
    parse_react,
)
from nodes.tools import TOOL_NAME, ToolArgumentError, ToolDenied, aexecute_tool
from studio.engine.context import RunContext
from studio.engine.errors import NodeError
from studio.engine.node import Node, NodeConfig, Port, PortType, setting
from studio.flow import SecretRef
from studio.runtime.agents.llm import supports_native_tools
from studio.runtime.agents.schemas import answer_or_tool_schema, react_step_schema
from studio.runtime.llm.local import is_local_model

__all__ = ["AgentLimitReached", "AgentNode", "ReactAgent", "ToolCallingAgent", "ToolUseConfig"]

BUILTIN_MODEL = "local/smollm2-135m-instruct"


class AgentLimitReached(NodeError):
    """The agent hit one of its limits before finishing; its steps so far are in the trace."""


class AgentConfig(NodeConfig):
    """Settings every agent has."""

    name: str = setting("agent", pattern=TOOL_NAME, description="Its name when a supervisor uses it.")
    description: str = setting("", multiline=True, description="What it is good at (for a supervisor).")
    model: str = setting(BUILTIN_MODEL, widget="model", description="The model that thinks.")
    instructions: str = setting(
        "", multiline=True, description="Extra instructions put in the system prompt."
    )
    temperature: float = setting(0.0, ge=0, le=2, description="0 keeps the agent's choices repeatable.")
    max_iterations: int = setting(6, ge=1, le=100, description="Model replies at most.")
    max_tool_calls: int = setting(10, ge=0, le=500, description="Tool calls at most.")
    max_reply_tokens: int = setting(384, ge=16, le=32_000, advanced=True, description="Longest single reply.")
    token_budget: int = setting(0, ge=0, description="Total tokens at most (0 = no limit).")
    cost_budget_usd: float = setting(0.0, ge=0, description="Total cost at most in USD (0 = no limit).")
    api_base: str | None = setting(
        None, advanced=True, description="Server URL for OpenAI-compatible servers."
    )
    api_key: SecretRef | None = setting(
        None, secret=True, advanced=True, description="The API key's secret name."
    )


class ToolUseConfig(AgentConfig):
    """Settings of the agents that call tools themselves (ReAct, tool calling)."""

    must_use_tools: bool = setting(
        False,
        description="The first reply must call a tool (small models otherwise answer from memory).",
    )


class _Budget:
    """Counts what an agent has spent and stops it at its limits."""

    def __init__(self, config: AgentConfig, label: str):
        self.config, self.label = config, label
        self.iterations = self.tool_calls = self.tokens = 0
        self.cost = 0.0
        self.steps: list[dict[str, Any]] = []

    def stop(self, why: str) -> AgentLimitReached:
        return AgentLimitReached(
            f"{self.label} stopped: {why} after {len(self.steps)} steps (they are in the run's trace); "
            f"raise the limit or simplify the task"
        )

    @property
    def last_reply(self) -> bool:
        """Whether the next model reply is the last one the limits allow (it must answer)."""
        return self.iterations + 1 >= self.config.max_iterations

    @property
    def may_call(self) -> bool:
        """Whether a tool call is still within max_tool_calls."""
        return self.tool_calls < self.config.max_tool_calls

    def next_iteration(self) -> None:
        if self.iterations >= self.config.max_iterations:
            raise self.stop(f"no final answer within max_iterations={self.config.max_iterations}")
        self.iterations += 1

    def tool_call(self) -> None:
        if self.tool_calls >= self.config.max_tool_calls:
            raise self.stop(f"max_tool_calls={self.config.max_tool_calls} reached")
        self.tool_calls += 1

    def spend(self, tokens: int, cost: float) -> None:
        self.tokens += tokens
        self.cost += cost
        if self.config.token_budget and self.tokens > self.config.token_budget:
            raise self.stop(f"token_budget={self.config.token_budget} exceeded ({self.tokens} tokens)")
        if self.config.cost_budget_usd and self.cost > self.config.cost_budget_usd:
            raise self.stop(f"cost_budget_usd={self.config.cost_budget_usd:g} exceeded (${self.cost:.4f})")


def _tool_list(value: Any) -> list[dict[str, Any]]:
    # One wire may carry several tools (an MCP Tools node gives a list of specs).
    flat = [t for item in (value or []) for t in (item if isinstance(item, list) else [item])]
    tools = [t for t in flat if isinstance(t, dict) and t.get("name")]
    seen: set[str] = set()
    for tool in tools:
        if tool["name"] in seen:
            raise NodeError(f"input 'tools': two tools are called {tool['name']!r}; rename one")
        seen.add(tool["name"])
    return tools


def _agent_worker(spec: dict[str, Any]) -> Any:
    """For an agent used as a tool: the agent node, holding the tools it was wired to (its
    `call` reads them from `spec`); None for ordinary tools (aexecute_tool builds those)."""
    if not str(spec.get("node_type", "")).startswith("agent."):
        return None
    from studio.engine.registry import default_registry

    try:
        node_class = default_registry().get(spec["node_type"])
        node = node_class(node_class.Config.model_validate(spec.get("config") or {}))
    except Exception as exc:  # an unknown type or bad settings: the model is told, as for any tool
        raise NodeError(f"worker {spec.get('name')!r} cannot start: {exc}") from None
    node.spec = spec  # type: ignore[attr-defined]
    return node


class AgentNode(Node):
    """Shared plumbing: inputs, limits, model calls, tool calls, agent-as-tool."""

    category = "Agents"
    deterministic = False
    inputs = (
        Port(
            "task",
            PortType.TEXT,
            "The question or goal (leave unwired to use it only as a tool).",
            required=False,
        ),
        Port("tools", PortType.TOOL, "Tools (or other agents) it may use.", required=False, multi=True),
        Port("history", PortType.MESSAGES, "Earlier conversation.", required=False),
    )
    outputs = (
        Port("answer", PortType.TEXT, "The final answer."),
        Port("steps", PortType.JSON, "Every thought, action and observation."),
        Port("tool", PortType.TOOL, "This agent as a tool, for a supervisor."),
    )
    Config = AgentConfig

    @classmethod
    def parameters(cls, config: NodeConfig) -> dict[str, Any]:
        return {
            "type": "object",
            "properties": {"task": {"type": "string", "description": "What to do."}},
            "required": ["task"],
        }

    @classmethod
    def tool_spec(cls, config: NodeConfig, tools: list[dict[str, Any]] | None = None) -> dict[str, Any]:
        agent: AgentConfig = config  # type: ignore[assignment]
        return {
            "name": agent.name,
            "description": agent.description or cls.description,
            "parameters": cls.parameters(config),
            "node_type": cls.type,
            "config": config.model_dump(mode="json"),
            "side_effects": False,
            "tools": tools or [],
        }

    @classmethod
    def needs_confirmation(cls, config: NodeConfig, arguments: Mapping[str, Any]) -> bool:
        return False  # its own tools ask, each time they are used

    async def run(self, inputs: Mapping[str, Any], ctx: RunContext) -> dict[str, Any]:
        tools = _tool_list(inputs.get("tools"))
        spec = self.tool_spec(self.config, tools)
        task = inputs.get("task")
        if task is None:
            return {"tool": spec}
        if not isinstance(task, str) or not task.strip():
            raise NodeError("input 'task': expected a non-empty text")
        budget = _Budget(self.config, f"agent {self.config.name!r}")  # type: ignore[arg-type,attr-defined]
        answer = await self.solve(task, tools, list(inputs.get("history") or []), ctx, budget)
        return {"answer": answer, "steps": budget.steps, "tool": spec}

    async def call(self, arguments: dict[str, Any], ctx: RunContext) -> Any:
        """Used as a tool (by a supervisor): run on `task` with the tools it was wired to."""
        tools = _tool_list(getattr(self, "spec", {}).get("tools"))
        budget = _Budget(self.config, f"agent {self.config.name!r}")  # type: ignore[arg-type,attr-defined]
        return await self.solve(str(arguments["task"]), tools, [], ctx, budget)

    async def solve(
        self,
        task: str,
        tools: list[dict[str, Any]],
        history: list[dict[str, Any]],
        ctx: RunContext,
        budget: _Budget,
    ) -> str:
        raise NotImplementedError

    def conversation(self, system: str, history: list[dict[str, Any]], task: str) -> list[dict[str, Any]]:
        """The system prompt (plus the user's own instructions), earlier turns, then the task."""
        extra = self.config.instructions  # type: ignore[attr-defined]
        content = f"{system}\n{extra}" if extra else system
        return [{"role": "system", "content": content}, *history, {"role": "user", "content": task}]

    def step(self, ctx: RunContext, budget: _Budget, kind: str, data: Any) -> None:
        """Record a thought / action / observation: in `steps` and as a trace event."""
        budget.steps.append({"agent": self.config.name, "kind": kind, "data": data})  # type: ignore[attr-defined]
        ctx.trace(kind, {"agent": self.config.name, "data": data})  # type: ignore[attr-defined]

    async def chat(
        self,
        messages: list[dict[str, Any]],
        ctx: RunContext,
        budget: _Budget,
        *,
        json_mode: bool = False,
        stop: list[str] | None = None,
        schema: dict[str, Any] | None = None,
    ) -> Any:
        """One model reply under the agent's limits."""
        from studio.runtime.llm.facade import ChatRequest, LLMError, chat

        config: AgentConfig = self.config  # type: ignore[assignment]
        budget.next_iteration()
        ctx.raise_if_cancelled()
        request = ChatRequest(
            model=config.model,
            messages=list(messages),
            temperature=config.temperature,
            max_tokens=config.max_reply_tokens,
            stop=stop,
            # A schema pins the reply's shape (tool names, argument types); on local models it is
            # enforced by a grammar, which is what makes JSON protocols work on a 135M model.
            response_format="json_schema" if schema else "json" if json_mode else "text",
            json_schema=schema,
            api_base=config.api_base or None,
            api_key_name=config.api_key.secret if config.api_key else None,
        )
        try:
            result = await chat(request)
        except LLMError as exc:
            if (json_mode or schema) and type(exc).__name__ == "InvalidJSONOutput":
                return None  # the caller tells the model and lets it try again
            raise NodeError(f"agent {config.name!r}: the model failed: {exc}") from None
        ctx.add_usage(result.prompt_tokens, result.completion_tokens, result.cost_usd)
        budget.spend(result.prompt_tokens + result.completion_tokens, result.cost_usd)
        return result

    def choices(self, budget: _Budget, tools: list[dict[str, Any]]) -> tuple[bool, bool]:
        """(may answer, may call a tool) for the next reply of an agent on a local model: its
        schema then holds it to what its limits and `must_use_tools` leave, so it ends with an
        answer instead of a limit error."""
        must_use = bool(getattr(self.config, "must_use_tools", False)) and budget.tool_calls == 0
        may_call = bool(tools) and budget.may_call and not budget.last_reply
        return (not (must_use and may_call)), may_call

    def has_observation(self, budget: _Budget) -> bool:
        """Whether a tool has given the agent a usable result yet."""
        return not self.fallback_answer(budget).startswith("(no answer")

    def fallback_answer(self, budget: _Budget) -> str:
        """What an agent answers when its reply was empty: the last tool result it got."""
        for step in reversed(budget.steps):
            result = step["data"].get("result") if isinstance(step["data"], dict) else None
            if step["kind"] == "observation" and isinstance(result, str) and not result.startswith("Error:"):
                return result
        return "(no answer: the model replied with empty text)"

    async def act(
        self, spec: dict[str, Any], arguments: Any, ctx: RunContext, budget: _Budget, seen: dict[str, str]
    ) -> str:
        """Call a tool, or give back the result of the same call made earlier (small models
        repeat a call instead of answering; the note tells them they have what they asked for)."""
        key = json.dumps([spec["name"], arguments], sort_keys=True, default=str)
        if key in seen:
            observation = f"{seen[key]} (you already have this result: write the final answer)"
            self.step(ctx, budget, "observation", {"tool": spec["name"], "result": observation})
            return observation
        observation = await self.use_tool(spec, arguments, ctx, budget)
        seen[key] = observation
        return observation

    async def use_tool(self, spec: dict[str, Any], arguments: Any, ctx: RunContext, budget: _Budget) -> str:
        """Call a tool; failures become observations the model can react to."""
        budget.tool_call()
        self.step(ctx, budget, "action", {"tool": spec["name"], "arguments": arguments})
        if "approve_tool" in ctx.extras:  # the host's approver, under the name agents document
            ctx.extras.setdefault("confirm_tool", ctx.extras["approve_tool"])
        try:
            value = await aexecute_tool(spec, arguments, ctx, node=_agent_worker(spec))
            observation = observation_text(value)
        except (ToolArgumentError, ToolDenied) as exc:
            observation = f"Error: {exc}"
        except AgentLimitReached:
            raise
        except NodeError as exc:
            observation = f"Error: {exc}"
        self.step(ctx, budget, "observation", {"tool": spec["name"], "result": observation})
        return observation


class ReactAgent(AgentNode):
    """Thought / Action / Observation, so small local models can use tools too."""

    type = "agent.react"
    title = "ReAct Agent"
    description = (
        "Reasons step by step (Thought, Action, Observation, Final Answer): in the ReAct text format "
        "on API models, as grammar-constrained JSON steps on local models, so even a small model "
        "names a real tool with arguments that fit it."
    )
    Config = ToolUseConfig

    async def solve(
        self,
        task: str,
        tools: list[dict[str, Any]],
        history: list[dict[str, Any]],
        ctx: RunContext,
        budget: _Budget,
    ) -> str:
        if is_local_model(self.config.model):  # type: ignore[attr-defined]
            return await self.solve_constrained(task, tools, history, ctx, budget)
        names = ", ".join(t["name"] for t in tools) or "none"
        system = REACT_INSTRUCTIONS.format(tools=describe_tools(tools) or "(no tools)", names=names)
        messages = self.conversation(system, history, task)
        seen: dict[str, str] = {}
        while True:
            result = await self.chat(messages, ctx, budget, stop=["Observation:", "\nObservation"])
            step = parse_react(result.text)
            if step.thought:
                self.step(ctx, budget, "thought", step.thought)
            if step.action is None:
                answer = (step.final_answer or "").strip()
                if tools and self.choices(budget, tools) == (False, True):  # must use a tool first
                    messages += [
                        {"role": "assistant", "content": result.text.strip()},
                        {"role": "user", "content": USE_A_TOOL},
                    ]
                    continue
                self.step(ctx, budget, "final answer", answer)
                return answer
            messages.append({"role": "assistant", "content": result.text.strip()})
            spec, inline = find_tool(step.action, tools)
            if spec is None:
                observation = (
                    f"Error: there is no tool {step.action!r}. Use one of: {names}, "
                    f"or write the Final Answer."
                )
                self.step(ctx, budget, "observation", {"tool": step.action, "result": observation})
            else:
                arguments = coerce_arguments(step.action_input or inline, spec)
                observation = await self.act(spec, arguments, ctx, budget, seen)
            messages.append({"role": "user", "content": f"Observation: {observation}"})

    async def solve_constrained(
        self,
        task: str,
        tools: list[dict[str, Any]],
        history: list[dict[str, Any]],
        ctx: RunContext,
        budget: _Budget,
    ) -> str:
        """ReAct for local models: each step is JSON held by a grammar to a real tool and
        arguments of its shape, or the final answer (the only choice on the last reply)."""
        names = ", ".join(t["name"] for t in tools) or "none"
        system = REACT_JSON_INSTRUCTIONS.format(tools=describe_tools(tools) or "(no tools)", names=names)
        messages = self.conversation(system, history, task)
        seen: dict[str, str] = {}
        while True:
            may_answer, may_call = self.choices(budget, tools)
            schema = react_step_schema(tools, plain=True, may_answer=may_answer, may_call=may_call)
            result = await self.chat(messages, ctx, budget, schema=schema)
            reply = result.parsed if result is not None and isinstance(result.parsed, dict) else None
            if reply is None:  # cut off at max_reply_tokens: say so and let it try again
                self.step(ctx, budget, "thought", result.text[:200] if result is not None else "")
                if budget.iterations >= budget.config.max_iterations and self.has_observation(budget):
                    # The last reply was cut off too: answer with what the tools gave, and say so.
                    answer = self.fallback_answer(budget)
                    self.step(ctx, budget, "gave up", {"why": "the last allowed reply was cut off"})
                    self.step(ctx, budget, "final answer", answer)
                    return answer
                messages.append({"role": "user", "content": "Reply with one short JSON object."})
                continue
            if str(reply.get("thought") or "").strip():
                self.step(ctx, budget, "thought", reply["thought"].strip())
            messages.append({"role": "assistant", "content": json.dumps(reply, ensure_ascii=False)})
            if "final_answer" in reply:
                answer = str(reply["final_answer"]).strip() or self.fallback_answer(budget)
                self.step(ctx, budget, "final answer", answer)
                return answer
            # The grammar names only wired tools; a model without it (or a bad reply) is told.
            spec, _ = find_tool(str(reply.get("action") or ""), tools)
            if spec is None:
                observation = f"Error: no tool {reply.get('action')!r}; use one of: {names}, or final_answer."
                self.step(ctx, budget, "observation", {"tool": reply.get("action"), "result": observation})
            else:
                observation = await self.act(spec, reply.get("action_input") or {}, ctx, budget, seen)
            messages.append({"role": "user", "content": f"Observation: {observation}"})


_CALLING_INSTRUCTIONS = """You can call tools to help answer. Tools:
{tools}

Reply with JSON only. To call a tool: {{"tool": "<tool name>", "arguments": {{...}}}}
When you know the answer: {{"answer": "<the final answer>"}}"""


class ToolCallingAgent(AgentNode):
    """Calls tools with structured (JSON) calls and answers when it is done."""

    type = "agent.tool_calling"
    title = "Tool-Calling Agent"
    description = (
        "Calls tools with structured JSON calls (a tool name and arguments checked against the tool's "
        "schema), reads the results and answers."
    )
    Config = ToolUseConfig

    async def solve(
        self,
        task: str,
        tools: list[dict[str, Any]],
        history: list[dict[str, Any]],
        ctx: RunContext,
        budget: _Budget,
    ) -> str:
        if tools and supports_native_tools(self.config.model):  # type: ignore[attr-defined]
            return await self.solve_native(task, tools, history, ctx, budget)
        system = _CALLING_INSTRUCTIONS.format(tools=describe_tools(tools) or "(no tools)")
        messages = self.conversation(system, history, task)
        plain = is_local_model(self.config.model)  # type: ignore[attr-defined]
        seen: dict[str, str] = {}
        while True:
            may_answer, may_call = self.choices(budget, tools) if plain else (True, True)
            schema = answer_or_tool_schema(tools, plain=plain, may_answer=may_answer, may_call=may_call)
            result = await self.chat(messages, ctx, budget, json_mode=True, schema=schema)
            reply = result.parsed if result is not None else None
            if isinstance(reply, dict) and "answer" in reply and not reply.get("tool"):
                answer = reply["answer"] if isinstance(reply["answer"], str) else json.dumps(reply["answer"])
                answer = answer.strip() or self.fallback_answer(budget)
                self.step(ctx, budget, "final answer", answer)
                return answer
            if not (isinstance(reply, dict) and isinstance(reply.get("tool"), str)):
                shown = result.text[:200] if result is not None else "(not JSON)"
                self.step(ctx, budget, "thought", shown)
                messages += [
                    {"role": "assistant", "content": shown},
                    {
                        "role": "user",
                        "content": 'Reply with JSON only: {"tool": ..., "arguments": {...}} '
                        'or {"answer": ...}.',
                    },
                ]
                continue
            messages.append({"role": "assistant", "content": json.dumps(reply, ensure_ascii=False)})
            spec, _ = find_tool(reply["tool"], tools)
            if spec is None:
                names = ", ".join(t["name"] for t in tools)
                observation = f"Error: there is no tool {reply['tool']!r}; tools: {names}"
                self.step(ctx, budget, "observation", {"tool": reply["tool"], "result": observation})
            else:
                observation = await self.act(spec, reply.get("arguments") or {}, ctx, budget, seen)
            messages.append({"role": "user", "content": f"Result of {reply['tool']}: {observation}"})

    async def solve_native(
        self,
        task: str,
        tools: list[dict[str, Any]],
        history: list[dict[str, Any]],
        ctx: RunContext,
        budget: _Budget,
    ) -> str:
        """The provider's own function calling (litellm `tools=`): API models only."""
        from studio.runtime.agents.llm import run_native_tools
        from studio.runtime.llm.facade import ChatRequest, LLMError

        config: AgentConfig = self.config  # type: ignore[assignment]
        prompt = f"Use the tools when they help, then answer.\n{config.instructions}".strip()
        system = {"role": "system", "content": prompt}

        def before_call() -> None:
            budget.next_iteration()
            ctx.raise_if_cancelled()

        def spent(result: Any) -> None:
            ctx.add_usage(result.prompt_tokens, result.completion_tokens, result.cost_usd)
            budget.spend(result.prompt_tokens + result.completion_tokens, result.cost_usd)

        request = ChatRequest(
            model=config.model,
            temperature=config.temperature,
            max_tokens=config.max_reply_tokens,
            messages=[system, *history, {"role": "user", "content": task}],
            api_base=config.api_base or None,
            api_key_name=config.api_key.secret if config.api_key else None,
        )
        try:
            return await run_native_tools(
                request,
                tools,
                before_call=before_call,
                spent=spent,
                step=lambda kind, data: self.step(ctx, budget, kind, data),
                call_tool=lambda spec, arguments: self.use_tool(spec, arguments, ctx, budget),
                must_call_first=self.config.must_use_tools,  # type: ignore[attr-defined]
            )
        except LLMError as exc:
            raise NodeError(f"agent {config.name!r}: the model failed: {exc}") from None
