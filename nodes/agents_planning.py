"""Agents that plan or delegate: plan-and-execute, and a supervisor over several agents.

They share the plumbing of `nodes.agents.AgentNode` (inputs, limits, model and tool calls, traces).
"""

from __future__ import annotations

import json
from typing import Any

from nodes.agent_protocols import (
    coerce_arguments,
    describe_tools,
    find_tool,
    substitute_results,
)
from nodes.agents import AgentConfig, AgentNode, _Budget
from studio.engine.context import RunContext
from studio.engine.errors import NodeError
from studio.engine.node import setting
from studio.runtime.agents.schemas import plan_schema, supervisor_schema
from studio.runtime.llm.local import is_local_model

__all__ = ["PlannerAgent", "SupervisorAgent"]


_PLAN_INSTRUCTIONS = """Make a plan that reaches the goal using these tools:
{tools}

Reply with JSON only: {{"steps": [{{"tool": "<tool name>", "arguments": {{...}}}}, ...]}}
Use at most {max_steps} steps. In arguments, write {{{{step1}}}} for the result of step 1, and so on."""


class PlannerAgent(AgentNode):
    """Plan first (JSON steps over the tools), then run the steps; re-plan when a step fails."""

    type = "agent.planner"
    title = "Plan-and-Execute Agent"
    description = (
        "Asks the model for a plan (JSON steps over the tools), runs the steps in order with each "
        "result available to later steps, re-plans when a step fails, then writes the answer."
    )

    class Config(AgentConfig):
        max_steps: int = setting(6, ge=1, le=50, description="Steps in one plan at most.")
        max_replans: int = setting(2, ge=0, le=10, description="New plans after a failed step.")

    async def _plan(
        self, goal: str, tools: list[dict[str, Any]], notes: str, ctx: RunContext, budget: _Budget
    ) -> list[dict[str, Any]]:
        config: PlannerAgent.Config = self.config  # type: ignore[assignment]
        system = _PLAN_INSTRUCTIONS.format(tools=describe_tools(tools), max_steps=config.max_steps)
        if config.instructions:
            system += "\n" + config.instructions
        prompt = f"Goal: {goal}" + (f"\n\n{notes}" if notes else "")
        plain = is_local_model(config.model)  # grammar-constrained: keep string arguments plain
        for _attempt in range(2):
            result = await self.chat(
                [{"role": "system", "content": system}, {"role": "user", "content": prompt}],
                ctx,
                budget,
                json_mode=True,
                schema=plan_schema(tools, config.max_steps, plain=plain) if tools else None,
            )
            parsed = result.parsed if result is not None else None
            steps = (
                parsed.get("steps")
                if isinstance(parsed, dict)
                else parsed
                if isinstance(parsed, list)
                else None
            )
            if isinstance(steps, list) and all(isinstance(s, dict) and s.get("tool") for s in steps):
                plan = steps[: config.max_steps]
                self.step(ctx, budget, "plan", plan)
                return plan
            prompt += '\n\nYour reply was not a plan. Reply with JSON only: {"steps": [...]}'
        raise NodeError(f"agent {config.name!r}: the model did not produce a usable plan")

    async def solve(
        self,
        task: str,
        tools: list[dict[str, Any]],
        history: list[dict[str, Any]],
        ctx: RunContext,
        budget: _Budget,
    ) -> str:
        config: PlannerAgent.Config = self.config  # type: ignore[assignment]
        done: list[str] = []
        notes = ""
        for replan in range(config.max_replans + 1):
            plan = await self._plan(task, tools, notes, ctx, budget)
            results: dict[int, Any] = {}
            failure = ""
            for number, planned in enumerate(plan, start=1):
                spec, _ = find_tool(str(planned["tool"]), tools)
                if spec is None:
                    failure = f"step {number}: there is no tool {planned['tool']!r}"
                    break
                arguments = substitute_results(planned.get("arguments") or {}, results)
                observation = await self.use_tool(spec, arguments, ctx, budget)
                if observation.startswith("Error:"):
                    failure = f"step {number} ({spec['name']}) failed: {observation[7:]}"
                    break
                try:
                    results[number] = json.loads(observation)
                except ValueError:
                    results[number] = observation
                done.append(f"{spec['name']}({json.dumps(arguments, ensure_ascii=False)}) -> {observation}")
            if not failure:
                break
            self.step(ctx, budget, "replan", failure)
            if replan == config.max_replans:
                raise budget.stop(f"the plan kept failing ({failure}); max_replans={config.max_replans}")
            notes = (
                "Done so far:\n"
                + "\n".join(done)
                + f"\n\nThe last plan failed: {failure}. Plan what remains."
            )
        summary = "\n".join(done) or "(no steps were needed)"
        result = await self.chat(
            [
                {"role": "system", "content": "Answer the goal from the results of the steps. Be brief."},
                {"role": "user", "content": f"Goal: {task}\n\nResults:\n{summary}\n\nAnswer:"},
            ],
            ctx,
            budget,
        )
        answer = result.text.strip()
        self.step(ctx, budget, "final answer", answer)
        return str(answer)


_SUPERVISOR_INSTRUCTIONS = """You lead a team. Workers:
{workers}

Decide who works next. Reply with JSON only:
{{"next": "<worker name>", "task": "<what the worker should do>"}}
or, when the user's request is fully answered, {{"next": "FINISH", "answer": "<final answer>"}}"""


class SupervisorAgent(AgentNode):
    """Routes work between several agents (wired into `tools`) until the task is done."""

    type = "agent.supervisor"
    title = "Supervisor"
    description = (
        "Multi-agent: hands parts of the task to worker agents (or tools) wired into 'tools', reads "
        "their answers and decides who works next, then answers."
    )

    async def solve(
        self,
        task: str,
        tools: list[dict[str, Any]],
        history: list[dict[str, Any]],
        ctx: RunContext,
        budget: _Budget,
    ) -> str:
        if not tools:
            raise NodeError("input 'tools': wire at least one worker agent (its 'tool' output)")
        workers = "\n".join(f"- {t['name']}: {t.get('description', '')}" for t in tools)
        messages = [
            {"role": "system", "content": _SUPERVISOR_INSTRUCTIONS.format(workers=workers)},
            *history,
            {"role": "user", "content": task},
        ]
        worker_replies: list[str] = []
        while True:
            result = await self.chat(
                messages,
                ctx,
                budget,
                json_mode=True,
                schema=supervisor_schema([t["name"] for t in tools], may_finish=bool(worker_replies)),
            )
            reply = result.parsed if result is not None and isinstance(result.parsed, dict) else {}
            chosen = str(reply.get("next") or "").strip()
            if chosen.upper() == "FINISH" or (not chosen and reply.get("answer")):
                answer = str(reply.get("answer") or "").strip() or "".join(worker_replies[-1:])
                if not answer:
                    note = "Nobody has worked on the request yet: choose a worker, or give the answer."
                    self.step(ctx, budget, "observation", {"tool": "FINISH", "result": note})
                    messages += [
                        {"role": "assistant", "content": json.dumps(reply, ensure_ascii=False)},
                        {"role": "user", "content": note},
                    ]
                    continue
                self.step(ctx, budget, "final answer", answer)
                return str(answer)
            spec, _ = find_tool(chosen, tools) if chosen else (None, "")
            if spec is None:
                names = ", ".join(t["name"] for t in tools)
                note = f"Error: no worker {chosen!r}; choose one of {names} or FINISH."
                self.step(ctx, budget, "observation", {"tool": chosen, "result": note})
                messages += [
                    {"role": "assistant", "content": json.dumps(reply)},
                    {"role": "user", "content": note},
                ]
                continue
            self.step(ctx, budget, "thought", f"delegate to {spec['name']}")
            arguments = {"task": str(reply.get("task") or task)}
            if "task" not in ((spec.get("parameters") or {}).get("properties") or {}):
                arguments = coerce_arguments(arguments["task"], spec)
            observation = await self.use_tool(spec, arguments, ctx, budget)
            if not observation.startswith("Error:"):
                worker_replies.append(observation)
            messages += [
                {"role": "assistant", "content": json.dumps(reply, ensure_ascii=False)},
                {"role": "user", "content": f"{spec['name']} replied: {observation}"},
            ]
