"""A run that waits for a person: checkpointed in the run store, resumed without re-running nodes."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

from nodes.human import HumanInput
from studio.engine import BadInput, RunStore
from studio.engine.api import run_flow
from studio.engine.events import Event, NodeCached, NodeStarted, NodeWaiting, RunFinished
from studio.engine.graph import compile_flow
from studio.engine.human import human_extras, load_checkpoint, pending_questions, resume_run
from studio.engine.registry import Registry
from tests.builders import flow_of
from tests.engine.fake_nodes import CALLS, FAKE_NODES, reset_calls


def _registry() -> Registry:
    from nodes.io import Output, TextInput

    return Registry.of([*FAKE_NODES, TextInput, Output, HumanInput])


def _flow(**human: Any) -> Any:
    """const -> upper -> human (asks about it) -> concat with a side branch -> output."""
    config = {"question": "Publish {{ draft }}?", **human}
    return compile_flow(
        flow_of(
            ("a", "t.const", {"value": "tea"}),
            ("up", "t.upper", {}),
            ("side", "t.const", {"value": "side"}),
            ("ask", "human.input", config),
            ("after", "t.upper", {}),
            ("out", "io.output", {"name": "result"}),
            wires=["a.out->up.text", "up.out->ask.draft", "ask.answer->after.text", "after.out->out.value"],
        ),
        _registry(),
    )


def _run(compiled: Any, store: RunStore, events: list[Event] | None = None, **options: Any) -> Any:
    return run_flow(
        compiled,
        {},
        store=store,
        use_cache=False,
        on_event=events.append if events is not None else None,
        extras=human_extras(),
        **options,
    )


@pytest.fixture
def store(tmp_path: Path) -> RunStore:
    return RunStore(tmp_path / "runs.sqlite")


def test_a_paused_run_is_a_waiting_record_with_its_finished_outputs_and_the_question(store: RunStore) -> None:
    reset_calls()
    events: list[Event] = []
    result = _run(_flow(choices=["yes", "no"]), store, events)
    assert result.status == "waiting"
    assert result.nodes["ask"].status == "waiting"
    assert result.nodes["after"].status == "pending" and "after" not in CALLS
    assert CALLS == {"a": 1, "up": 1, "side": 1}  # the other branch finished anyway
    waiting = [e for e in events if isinstance(e, NodeWaiting)]
    assert waiting and waiting[0].question["text"] == "Publish TEA?"
    finished = [e for e in events if isinstance(e, RunFinished)]
    assert finished[0].status == "waiting"
    summary, nodes = store.get_run(result.run_id)  # type: ignore[misc]
    assert summary.status == "waiting"
    assert {n["node_id"]: n["status"] for n in nodes}["up"] == "done"
    assert {n["node_id"]: n["outputs"] for n in nodes}["up"] == {"out": "TEA"}
    question = pending_questions(store, result.run_id)["ask"]
    assert question["choices"] == ["yes", "no"] and question["text"] == "Publish TEA?"


def test_resume_runs_only_the_nodes_that_had_not_finished(store: RunStore) -> None:
    reset_calls()
    compiled = _flow(choices=["yes", "no"])
    paused = _run(compiled, store)
    events: list[Event] = []
    result = resume_run(paused.run_id, {"ask": "yes"}, flow=compiled, store=store, on_event=events.append)
    assert result.status == "succeeded"
    assert result.run_id == paused.run_id
    assert result.outputs == {"result": "YES"}
    assert CALLS == {"a": 1, "up": 1, "side": 1, "after": 1}  # nothing ran twice
    started = {e.node_id for e in events if isinstance(e, NodeStarted)}
    assert started == {"ask", "after", "out"}
    assert {e.node_id for e in events if isinstance(e, NodeCached)} >= {"a", "up", "side"}
    summary, nodes = store.get_run(paused.run_id)  # type: ignore[misc]
    assert summary.status == "succeeded"
    assert {n["node_id"]: n["outputs"] for n in nodes}["ask"] == {"answer": "yes"}


def test_an_answer_not_in_the_choices_is_refused_and_the_run_still_waits(store: RunStore) -> None:
    compiled = _flow(choices=["yes", "no"])
    paused = _run(compiled, store)
    with pytest.raises(BadInput, match=r"node ask: answer 'maybe' is not one of the choices: yes, no"):
        resume_run(paused.run_id, {"ask": "maybe"}, flow=compiled, store=store)
    with pytest.raises(BadInput, match=r"not waiting for an answer from 'nope'; it waits for: ask"):
        resume_run(paused.run_id, {"nope": "yes"}, flow=compiled, store=store)
    assert store.get_run(paused.run_id)[0].status == "waiting"  # type: ignore[index]
    assert resume_run(paused.run_id, {"ask": "no"}, flow=compiled, store=store).outputs == {"result": "NO"}


def test_a_finished_run_cannot_be_resumed_twice(store: RunStore) -> None:
    compiled = _flow()
    paused = _run(compiled, store)
    resume_run(paused.run_id, {"ask": "fine"}, flow=compiled, store=store)
    with pytest.raises(BadInput, match="is not waiting for input"):
        resume_run(paused.run_id, {"ask": "again"}, flow=compiled, store=store)
    with pytest.raises(BadInput, match="no run with id 'missing'"):
        resume_run("missing", {"ask": "x"}, flow=compiled, store=store)


def test_when_the_time_runs_out_the_default_answer_is_used(store: RunStore) -> None:
    compiled = _flow(choices=["yes", "no"], timeout_s=0.01, default="no")
    paused = _run(compiled, store)
    time.sleep(0.05)  # past the question's time limit: nobody answered
    result = resume_run(paused.run_id, {}, flow=compiled, store=store)
    assert result.status == "succeeded" and result.outputs == {"result": "NO"}


def test_a_question_without_a_time_limit_stays_open(store: RunStore) -> None:
    compiled = _flow()
    paused = _run(compiled, store)
    with pytest.raises(BadInput, match=r"waits for an answer from ask: give one with --answer NODE=VALUE"):
        resume_run(paused.run_id, {}, flow=compiled, store=store)
    checkpoint = load_checkpoint(store, paused.run_id)
    assert set(checkpoint.restored) == {"a", "up", "side"}


def test_a_run_of_another_flow_is_refused(store: RunStore) -> None:
    paused = _run(_flow(), store)
    other = compile_flow(flow_of(("x", "t.const", {})), _registry())
    other.flow.id = "another-flow"
    with pytest.raises(BadInput, match="was a run of flow 'test-flow', not of 'another-flow'"):
        resume_run(paused.run_id, {"ask": "x"}, flow=other, store=store)
