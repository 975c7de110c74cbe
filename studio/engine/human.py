"""Human in the loop: a run that waits for a person's answer, checkpointed so it can resume later.

A node that needs a person raises `WaitingForInput(question)`. The scheduler marks it "waiting",
leaves what depends on it pending, lets the other branches finish, and ends the run with status
"waiting". The run record is the checkpoint: every node that finished keeps its outputs there, and
the waiting node keeps its question in its trace. `resume_run` reads the record back (in this
process or a new one), restores the finished nodes (they are not run again), hands the answers to
the waiting nodes and runs the rest under the same run id.

Tools set to "require confirmation" (side-effect tools: `has_side_effects`) ask through the
`confirm_tool` callback; `ApprovalGate` is that callback for runs where nobody can be asked on
the spot: it pauses the run with an approve/deny question, and the resumed run lets exactly the
approved call through.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from studio.engine.errors import BadInput
from studio.engine.waiting import WaitingForInput

if TYPE_CHECKING:
    from studio.engine.graph import CompiledFlow
    from studio.engine.runstore import RunStore
    from studio.engine.scheduler import NodeState, RunResult
    from studio.flow.schema import Flow

__all__ = [
    "ANSWERS_KEY",
    "APPROVE",
    "DENY",
    "ApprovalGate",
    "Checkpoint",
    "WaitingForInput",
    "aresume_run",
    "human_extras",
    "load_checkpoint",
    "make_question",
    "pending_questions",
    "resolve_answers",
    "resume_run",
]

# The run's extras key holding the answers, by node id (the Human Input node reads it).
ANSWERS_KEY = "human_answers"
APPROVE, DENY = "approve", "deny"
_APPROVAL_WORDS = {"approve": APPROVE, "yes": APPROVE, "y": APPROVE, "deny": DENY, "no": DENY, "n": DENY}


def make_question(
    text: str,
    *,
    choices: list[str] | None = None,
    default: str | None = None,
    timeout_s: float = 0.0,
    kind: str = "input",
    **extra: Any,
) -> dict[str, Any]:
    """A pending question as stored in the run record (plain JSON)."""
    return {
        "kind": kind,
        "text": text,
        "choices": list(choices or []),
        "default": default,
        "timeout_s": float(timeout_s),
        "asked_at": time.time(),
        **extra,
    }


def call_fingerprint(name: str, arguments: Any) -> str:
    """Identifies one tool call (name and arguments), so an approval lets only that call through."""
    text = json.dumps([name, arguments], sort_keys=True, ensure_ascii=False, default=repr)
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:32]


class ApprovalGate:
    """The `confirm_tool` callback of a run nobody can be asked in: approve/deny by checkpoint."""

    def __init__(self, approvals: Mapping[str, bool] | None = None):
        self.approvals = dict(approvals or {})

    def __call__(self, name: str, arguments: Any) -> bool:
        fingerprint = call_fingerprint(name, arguments)
        if fingerprint in self.approvals:
            return self.approvals[fingerprint]
        raise WaitingForInput(
            make_question(
                f"Allow the call to tool {name!r}?",
                choices=[APPROVE, DENY],
                default=DENY,
                kind="approval",
                tool=name,
                arguments=arguments,
                fingerprint=fingerprint,
            )
        )


def human_extras(
    answers: Mapping[str, Any] | None = None, approvals: Mapping[str, bool] | None = None
) -> dict[str, Any]:
    """What a run's `extras` need so that human nodes and approvals pause (and resume)."""
    return {ANSWERS_KEY: dict(answers or {}), "confirm_tool": ApprovalGate(approvals)}


@dataclass
class Checkpoint:
    """A paused run, as read back from the run store."""

    run_id: str
    flow_id: str
    flow_path: str | None
    inputs: dict[str, Any]
    questions: dict[str, dict[str, Any]]  # node id -> its pending question
    restored: dict[str, NodeState] = field(default_factory=dict)  # finished nodes


def pending_questions(store: RunStore, run_id: str) -> dict[str, dict[str, Any]]:
    """The questions a waiting run is asking, by node id (empty when it waits for nothing)."""
    found = store.get_run(run_id)
    if found is None:
        return {}
    return _questions(found[1])


def _questions(nodes: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    questions = {}
    for record in nodes:
        if record["status"] == "waiting":
            for entry in reversed(record["trace"] or []):
                if isinstance(entry, dict) and entry.get("label") == "question":
                    questions[record["node_id"]] = dict(entry.get("data") or {})
                    break
    return questions


def load_checkpoint(store: RunStore, run_id: str) -> Checkpoint:
    """The paused run `run_id`; BadInput when there is no such run or it is not waiting."""
    from studio.engine.cache import make_key, stable_json
    from studio.engine.events import Usage
    from studio.engine.scheduler import NodeState

    found = store.get_run(run_id)
    if found is None:
        raise BadInput(f"no run with id {run_id!r} in the run history")
    summary, nodes = found
    if summary.status != "waiting":
        raise BadInput(f"run {run_id} is not waiting for input (its status is {summary.status!r})")
    restored = {}
    for record in nodes:
        if record["status"] not in ("done", "cached"):
            continue
        outputs = record["outputs"] if isinstance(record["outputs"], dict) else {}
        state = NodeState(
            record["node_type"],
            status=record["status"],
            inputs=record["inputs"] if isinstance(record["inputs"], dict) else {},
            outputs=outputs,
            started=record["started"],
            duration_s=record["duration_s"] or 0.0,
            usage=Usage(
                record["prompt_tokens"] or 0, record["completion_tokens"] or 0, record["cost_usd"] or 0.0
            ),
            trace=list(record["trace"] or []),
        )
        # Downstream cache keys follow what the node produced, as for a non-deterministic node.
        state.key = make_key([record["node_type"], "outputs", stable_json(outputs)])
        restored[record["node_id"]] = state
    return Checkpoint(
        run_id=run_id,
        flow_id=summary.flow_id,
        flow_path=store.flow_path(run_id),
        inputs=summary.inputs,
        questions=_questions(nodes),
        restored=restored,
    )


def normalise_answer(node_label: str, question: Mapping[str, Any], answer: Any) -> Any:
    """The answer as the node will get it; BadInput naming the node when it is not a choice."""
    choices = [str(choice) for choice in question.get("choices") or []]
    if question.get("kind") == "approval":
        word = _APPROVAL_WORDS.get(str(answer).strip().lower())
        if word is None:
            raise BadInput(f"node {node_label}: answer {APPROVE!r} or {DENY!r}, not {answer!r}")
        return word
    if choices and str(answer) not in choices:
        raise BadInput(
            f"node {node_label}: answer {answer!r} is not one of the choices: {', '.join(choices)}"
        )
    return str(answer) if choices else answer


def resolve_answers(
    checkpoint: Checkpoint, answers: Mapping[str, Any], *, now: float | None = None
) -> tuple[dict[str, Any], dict[str, bool]]:
    """Check the answers against the questions: (answers by node id, approvals by tool call).

    A question whose time limit has passed without an answer gets its default; BadInput names a
    node that is not waiting, an answer that is not one of the choices, or a question still open.
    """
    now = time.time() if now is None else now
    questions = checkpoint.questions
    unknown = sorted(set(answers) - set(questions))
    if unknown:
        raise BadInput(
            f"run {checkpoint.run_id} is not waiting for an answer from {', '.join(map(repr, unknown))}; "
            f"it waits for: {', '.join(sorted(questions)) or 'nothing'}"
        )
    given: dict[str, Any] = {}
    approvals: dict[str, bool] = {}
    for node_id, question in sorted(questions.items()):
        if node_id in answers:
            answer = normalise_answer(node_id, question, answers[node_id])
        elif (
            question.get("timeout_s") and now >= float(question.get("asked_at") or 0) + question["timeout_s"]
        ):
            answer = question.get("default") or ""  # nobody answered in time
        else:
            continue  # still open: the resumed run asks it again
        if question.get("kind") == "approval":
            approvals[str(question.get("fingerprint"))] = answer == APPROVE
        else:
            given[node_id] = answer
    if not given and not approvals:
        raise BadInput(
            f"run {checkpoint.run_id} waits for an answer from {', '.join(sorted(questions))}: "
            "give one with --answer NODE=VALUE"
        )
    return given, approvals


async def aresume_run(
    run_id: str,
    answers: Mapping[str, Any],
    *,
    flow: CompiledFlow | Flow | None = None,
    store: RunStore | None = None,
    extras: dict[str, Any] | None = None,
    **options: Any,
) -> RunResult:
    """Continue a paused run with the answers, running only the nodes that had not finished.

    `flow` is the flow, compiled or not (else the file the run came from); `options` go to
    `arun_flow`.
    BadInput for an unknown run, a run that is not waiting, or answers that do not fit.
    """
    from studio.engine.api import arun_flow
    from studio.engine.graph import CompiledFlow, compile_flow
    from studio.engine.registry import default_registry
    from studio.engine.runstore import RunStore

    store = store or RunStore()
    checkpoint = load_checkpoint(store, run_id)
    given, approvals = resolve_answers(checkpoint, answers)
    if flow is None:
        flow = _flow_of(checkpoint, options.get("registry"))
    elif not isinstance(flow, CompiledFlow):  # a Flow (the Studio's snapshot of its document)
        flow = compile_flow(flow, options.get("registry") or default_registry())
    if flow.flow.id != checkpoint.flow_id:
        raise BadInput(f"run {run_id} was a run of flow {checkpoint.flow_id!r}, not of {flow.flow.id!r}")
    # A second resume of the same run (a double click, two HTTP requests) finds it taken.
    if not store.claim_waiting(run_id):
        raise BadInput(f"run {run_id} is being resumed already")
    run_extras = dict(extras or {})
    earlier = run_extras.get("confirm_tool")
    gate = ApprovalGate(approvals)
    run_extras["confirm_tool"] = gate if earlier is None or isinstance(earlier, ApprovalGate) else earlier
    run_extras[ANSWERS_KEY] = {**dict(run_extras.get(ANSWERS_KEY) or {}), **given}
    try:
        return await arun_flow(
            flow,
            checkpoint.inputs,
            store=store,
            flow_path=checkpoint.flow_path,
            run_id=run_id,
            restored=checkpoint.restored,
            extras=run_extras,
            **options,
        )
    except BaseException:
        store.set_status(run_id, "waiting")  # nothing ran: it still waits
        raise


def resume_run(run_id: str, answers: Mapping[str, Any], **options: Any) -> RunResult:
    """Synchronous `aresume_run`."""
    return asyncio.run(aresume_run(run_id, answers, **options))


def _flow_of(checkpoint: Checkpoint, registry: Any) -> CompiledFlow:
    """The compiled flow of the file a paused run came from."""
    from pathlib import Path

    from studio.engine.graph import compile_flow
    from studio.engine.registry import default_registry
    from studio.flow.io import load_flow

    if not checkpoint.flow_path:
        raise BadInput(f"run {checkpoint.run_id} did not come from a flow file: give the flow to resume it")
    try:
        spec = load_flow(Path(checkpoint.flow_path))
    except Exception as error:  # a moved or broken file: say which, never a traceback
        raise BadInput(
            f"cannot read {checkpoint.flow_path} to resume run {checkpoint.run_id}: {error}"
        ) from None
    return compile_flow(spec, registry or default_registry())
