"""`studio run` and paused runs: `--answer NODE=VALUE`, terminal prompts, `--resume RUN_ID`.

A run that reaches a Human Input node (or a tool call to approve) pauses with status "waiting".
Answers given with `--answer` are handed over at once; on a terminal the question is asked; else
the command says how to continue and exits with EXIT_WAITING, and `studio run --resume RUN_ID
--answer NODE=VALUE` (in any later process) continues the run from its checkpoint.
"""

from __future__ import annotations

import argparse
import json
import select
import sys
import time
from typing import TYPE_CHECKING, Any

from studio.cli.common import EXIT_BAD_INPUT, CliError

if TYPE_CHECKING:
    from studio.engine import CompiledFlow, RunResult, RunStore
    from studio.runtime.safety.secrets import Scrubber

# The run waits for a person: `studio run --resume RUN_ID --answer NODE=VALUE` continues it.
EXIT_WAITING = 5


class Answers:
    """The `--answer` values not handed to the run yet, by node id."""

    def __init__(self, values: dict[str, str]):
        self.values = values

    def pop_for(self, store: RunStore, run_id: str) -> dict[str, str]:
        """The answers for the questions the run `run_id` is asking now (taken out of the rest)."""
        from studio.engine.human import pending_questions

        asked = pending_questions(store, run_id)
        return {node_id: self.values.pop(node_id) for node_id in list(self.values) if node_id in asked}


def parse_answers(pairs: list[str], compiled: CompiledFlow) -> Answers:
    """`--answer NODE=VALUE` pairs; a node the flow does not have is an error naming it."""
    values: dict[str, str] = {}
    for pair in pairs:
        node_id, sep, value = pair.partition("=")
        if not sep or not node_id:
            raise CliError(
                f"--answer {pair!r}: write NODE=VALUE (the node's id, then its answer)", EXIT_BAD_INPUT
            )
        if node_id not in compiled.nodes:
            raise CliError(f"--answer {pair!r}: this flow has no node with id {node_id!r}", EXIT_BAD_INPUT)
        values[node_id] = value
    return Answers(values)


def resume_target(args: argparse.Namespace, store: RunStore) -> str:
    """The flow file of the run `--resume` continues (the one given, else the run's own)."""
    if args.input or args.inputs:
        raise CliError("--resume continues a paused run with its own inputs: leave out --input/--inputs")
    if store.get_run(args.resume) is None:
        raise CliError(f"--resume {args.resume}: no run with this id in the run history")
    path = args.flow or store.flow_path(args.resume)
    if not path:
        raise CliError(f"--resume {args.resume}: the run did not come from a flow file; give the flow too")
    return str(path)


def answer_until_done(
    result: RunResult,
    answers: Answers,
    compiled: CompiledFlow,
    store: RunStore,
    options: dict[str, Any],
    flow_path: str,
) -> RunResult:
    """Resume the run as long as answers come (`--answer`, a terminal prompt, a time limit)."""
    from studio.engine.human import pending_questions, resume_run

    while result.status == "waiting":
        given = answers.pop_for(store, result.run_id)
        questions = pending_questions(store, result.run_id)
        if not given and sys.stdin.isatty():
            given = ask_on_terminal(questions, compiled)
        if not given and not _timed_out(questions):
            return result  # nobody to answer here: the caller says how to continue
        result = resume_run(result.run_id, given, flow=compiled, **options)
    return result


def _timed_out(questions: dict[str, dict[str, Any]]) -> bool:
    now = time.time()
    return any(
        q.get("timeout_s") and now >= float(q.get("asked_at") or 0) + q["timeout_s"]
        for q in questions.values()
    )


def _describe(question: dict[str, Any]) -> str:
    """The question as a person reads it (a tool to approve shows the call)."""
    text = str(question.get("text") or "")
    if question.get("kind") == "approval":
        text += "\n  arguments: " + json.dumps(question.get("arguments"), ensure_ascii=False, default=repr)
    choices = question.get("choices") or []
    if choices:
        text += f"\n  [{' / '.join(map(str, choices))}]"
    if question.get("timeout_s"):
        text += f" (no answer in {question['timeout_s']:g} s: {question.get('default') or ''!r})"
    return text


def _read_line(timeout_s: float | None) -> str | None:
    """A line from standard input; None at end of input or when the time runs out."""
    if timeout_s is not None:
        ready, _, _ = select.select([sys.stdin], [], [], max(0.0, timeout_s))
        if not ready:
            return None
    line = sys.stdin.readline()
    return line.rstrip("\n") if line else None


def ask_on_terminal(questions: dict[str, dict[str, Any]], compiled: CompiledFlow) -> dict[str, str]:
    """Ask each question on the terminal; an answer that is not a choice is asked again."""
    from studio.engine import BadInput
    from studio.engine.human import normalise_answer

    given: dict[str, str] = {}
    for node_id, question in sorted(questions.items()):
        label = compiled.label(node_id)
        print(f"\n? {label}: {_describe(question)}", file=sys.stderr)
        deadline = float(question.get("asked_at") or 0) + float(question.get("timeout_s") or 0)
        while True:
            print("> ", end="", file=sys.stderr, flush=True)
            line = _read_line(deadline - time.time() if question.get("timeout_s") else None)
            if line is None:
                print("", file=sys.stderr)
                return given  # end of input or time is up (the default applies then)
            try:
                given[node_id] = normalise_answer(
                    label, question, line.strip() if question.get("choices") else line
                )
                break
            except BadInput as error:
                print(f"  {error}", file=sys.stderr)
    return given


def report_waiting(
    result: RunResult,
    compiled: CompiledFlow,
    store: RunStore,
    flow_path: str,
    *,
    as_json: bool,
    scrubber: Scrubber,
) -> None:
    """Say which node waits for what, and the command that continues the run."""
    from studio.engine.human import pending_questions

    questions = scrubber.value(pending_questions(store, result.run_id))
    if as_json:
        payload = {"status": "waiting", "run_id": result.run_id, "questions": questions}
        sys.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2, default=repr) + "\n")
    for node_id, question in sorted(questions.items()):
        print(
            f"{flow_path}: run {result.run_id} is waiting for input at node {compiled.label(node_id)}: "
            f"{_describe(question)}",
            file=sys.stderr,
        )
    first = min(questions) if questions else "NODE"
    print(f"continue it with: studio run --resume {result.run_id} --answer {first}=VALUE", file=sys.stderr)
