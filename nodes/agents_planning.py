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
from studio.runtime.agents.schemas import FINISH, plan_schema, supervisor_schema
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
        "result available to later steps, re-plans when a step fails, then writes the answer (when "
        "the re-plans run out, from the steps that worked, and it says so)."
    )

    class Config(AgentConfig):
        max_steps: int = setting(6, ge=1, le=50, description="Steps in one plan at most.")
        max_replans: int = setting(2, ge=0, le=10, description="New plans after a failed step.")

    async def _plan(
        self, goal: str, tools: list[dict[str, Any]], notes: str, ctx: RunContext, budget: _Budget
    ) -> list[dict[str, Any]] | None:
        """A plan from the model (two tries), or None when it gave none that is usable."""
        config: PlannerAgent.Config = self.config  # type: ignore[assignment]
        system = _PLAN_INSTRUCTIONS.format(tools=describe_tools(tools), max_steps=config.max_steps)
        if config.instructions:
            system += "\n" + config.instructions
        prompt = f"Goal: {goal}" + (f"\n\n{notes}" if notes else "")
        plain = is_local_model(config.model)  # grammar-constrained: tools, argument syntax
        for attempt in range(2):
            if attempt and not _room_to_plan(budget):
                break
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
            steps = steps if isinstance(steps, list) else []
            if steps and all(isinstance(s, dict) and s.get("tool") for s in steps):
                plan = steps[: config.max_steps]
                self.step(ctx, budget, "plan", plan)
                return plan
            prompt += '\n\nYour reply was not a plan. Reply with JSON only: {"steps": [...]}'
        return None

    async def _run_plan(
        self,
        plan: list[dict[str, Any]],
        tools: list[dict[str, Any]],
        done: list[str],
        ctx: RunContext,
        budget: _Budget,
    ) -> str:
        """Run the steps in order, each result available to later ones; why it failed, or ""."""
        results: dict[int, Any] = {}
        for number, planned in enumerate(plan, start=1):
            spec, _ = find_tool(str(planned["tool"]), tools)
            if spec is None:
                return f"step {number}: there is no tool {planned['tool']!r}"
            if not budget.may_call:
                return f"step {number}: max_tool_calls={budget.config.max_tool_calls} reached"
            arguments = substitute_results(planned.get("arguments") or {}, results)
            observation = await self.use_tool(spec, arguments, ctx, budget)
            if observation.startswith("Error:"):
                return f"step {number} ({spec['name']}) failed: {observation[7:]}"
            try:
                results[number] = json.loads(observation)
            except ValueError:
                results[number] = observation
            done.append(f"{spec['name']}({json.dumps(arguments, ensure_ascii=False)}) -> {observation}")
        return ""

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
        gave_up = ""
        for replan in range(config.max_replans + 1):
            plan = await self._plan(task, tools, notes, ctx, budget)
            failure = "the model gave no usable plan" if plan is None else ""
            if plan is not None:
                failure = await self._run_plan(plan, tools, done, ctx, budget)
            if not failure:
                break
            if replan == config.max_replans or not _room_to_plan(budget) or "max_tool_calls" in failure:
                # Out of re-plans (or of the limits a re-plan needs): answer from what worked.
                why = (
                    f"max_replans={config.max_replans}"
                    if replan == config.max_replans
                    else "its limits leave no room for another plan"
                )
                gave_up = f"the plan kept failing ({failure}); {why}"
                self.step(ctx, budget, "gave up", {"failure": failure, "replans": replan})
                break
            self.step(ctx, budget, "replan", failure)
            notes = (
                "Done so far:\n"
                + "\n".join(done)
                + f"\n\nThe last plan failed: {failure}. Plan what remains."
            )
        summary = "\n".join(done) or "(no step worked)"
        system = "Answer the goal from the results of the steps. Be brief."
        if gave_up:
            system += " Some steps failed: answer with what the results show, and say what is missing."
        result = await self.chat(
            [
                {"role": "system", "content": system},
                {"role": "user", "content": f"Goal: {task}\n\nResults:\n{summary}\n\nAnswer:"},
            ],
            ctx,
            budget,
        )
        answer = result.text.strip() or summary
        if gave_up:
            # Said by the agent itself, not left to the model: the answer is incomplete.
            answer += f"\n\n(Incomplete: {gave_up}; this answer rests only on the steps that worked.)"
        self.step(ctx, budget, "final answer", answer)
        return answer


def _room_to_plan(budget: _Budget) -> bool:
    """Whether the iterations left hold another plan and the final answer after it."""
    return budget.iterations + 2 <= budget.config.max_iterations


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
        seen: dict[str, str] = {}
        plain = is_local_model(self.config.model)  # type: ignore[attr-defined]
        while True:
            # On local models the last reply the limits allow must finish (with an answer).
            last = budget.last_reply
            schema = supervisor_schema(
                [t["name"] for t in tools],
                may_finish=bool(worker_replies),
                must_finish=plain and last,
                plain=plain,
            )
            result = await self.chat(messages, ctx, budget, json_mode=True, schema=schema)
            reply = result.parsed if result is not None and isinstance(result.parsed, dict) else {}
            chosen = str(reply.get("next") or "").strip()
            if last and worker_replies and chosen.upper() != "FINISH":
                # The limits leave no further reply, and this one did not finish (a small model's
                # answer cut off by max_reply_tokens parses as nothing): the last worker's reply
                # is the answer, and the trace says why.
                self.step(ctx, budget, "observation", {"tool": "FINISH", "result": "out of replies"})
                chosen, reply = FINISH, {"next": FINISH, "answer": ""}
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
            part = str(reply.get("task") or "").strip()
            # The worker also sees the user's request: a small model's hand-off is often one
            # word ("Analyse"), and a worker that gets only that has nothing to work on.
            handed = f"{part}\n(The user's request: {task})" if part and part != task.strip() else task
            arguments = {"task": handed}
            if "task" not in ((spec.get("parameters") or {}).get("properties") or {}):
                arguments = coerce_arguments(part or task, spec)
            observation = await self.act(spec, arguments, ctx, budget, seen)
            if not observation.startswith("Error:"):
                worker_replies.append(observation)
            messages += [
                {"role": "assistant", "content": json.dumps(reply, ensure_ascii=False)},
                {"role": "user", "content": f"{spec['name']} replied: {observation}"},
            ]
