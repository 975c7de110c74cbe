"""`studio run` with a Human Input node: --answer, the waiting exit, --resume in a new process, a
terminal prompt."""

from __future__ import annotations

import json
import os
import pty
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from studio.engine import RunStore
from studio.flow.io import save_flow
from tests.builders import flow_of
from tests.conftest import ROOT

STUDIO = Path(sys.executable).parent / "studio"  # the console script beside this interpreter


@pytest.fixture
def flow_file(tmp_path: Path) -> Path:
    """topic -> draft (template) -> ask (yes/no) -> reply (template) -> output."""
    flow = flow_of(
        ("topic", "io.text_input", {"name": "topic"}),
        ("draft", "prompt.template", {"template": "A note about {{ topic }}"}),
        ("ask", "human.input", {"question": "Publish '{{ note }}'?", "choices": ["yes", "no"]}),
        ("reply", "prompt.template", {"template": "publish={{ answer }}"}),
        ("out", "io.output", {"name": "result"}),
        wires=[
            "topic.text->draft.topic",
            "draft.prompt->ask.note",
            "ask.answer->reply.answer",
            "reply.prompt->out.value",
        ],
    )
    path = tmp_path / "approve_note.json"
    save_flow(flow, path)
    return path


def _studio(*args: str, home: Path, stdin: Any = subprocess.DEVNULL) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "CHAIN_STUDIO_HOME": str(home)}
    return subprocess.run(
        [str(STUDIO), *args], cwd=ROOT, env=env, stdin=stdin, capture_output=True, text=True, timeout=120
    )


def test_answers_given_up_front_finish_the_run(flow_file: Path, studio_home: Path) -> None:
    done = _studio("run", str(flow_file), "--input", "topic=tea", "--answer", "ask=yes", home=studio_home)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "publish=yes"


def test_without_an_answer_the_run_waits_and_resumes_in_a_new_process(
    flow_file: Path, studio_home: Path
) -> None:
    paused = _studio("run", str(flow_file), "--input", "topic=tea", "--json", home=studio_home)
    assert paused.returncode == 5, paused.stderr
    waiting = json.loads(paused.stdout)
    run_id = waiting["run_id"]
    assert waiting["status"] == "waiting"
    assert waiting["questions"]["ask"]["text"] == "Publish 'A note about tea'?"
    assert f"continue it with: studio run --resume {run_id} --answer ask=VALUE" in paused.stderr
    assert "Traceback" not in paused.stderr
    before = {n["node_id"]: n for n in RunStore().get_run(run_id)[1]}  # type: ignore[index]
    assert before["draft"]["status"] == "done" and before["reply"]["status"] == "pending"

    refused = _studio("run", "--resume", run_id, "--answer", "ask=maybe", home=studio_home)
    assert refused.returncode == 2
    assert "node ask: answer 'maybe' is not one of the choices: yes, no" in refused.stderr

    resumed = _studio("run", "--resume", run_id, "--answer", "ask=no", "--events", "jsonl", home=studio_home)
    assert resumed.returncode == 0, resumed.stderr
    events = [json.loads(line) for line in resumed.stdout.splitlines()]
    started = {e["node_id"] for e in events if e["event"] == "node_started"}
    assert started == {"ask", "reply", "out"}  # topic and draft are not run again
    assert {e["node_id"] for e in events if e["event"] == "node_cached"} == {"topic", "draft"}
    assert events[-1]["event"] == "run_finished" and events[-1]["outputs"] == {"result": "publish=no"}
    summary, nodes = RunStore().get_run(run_id)  # type: ignore[misc]
    after = {n["node_id"]: n for n in nodes}
    assert summary.status == "succeeded"
    assert after["draft"]["started"] == before["draft"]["started"]  # the record of its one run
    assert after["ask"]["outputs"] == {"answer": "no"}

    again = _studio("run", "--resume", run_id, "--answer", "ask=yes", home=studio_home)
    assert again.returncode == 2 and "is not waiting for input" in again.stderr


def test_bad_answers_and_resumes_are_one_clear_line(flow_file: Path, studio_home: Path) -> None:
    unknown = _studio("run", str(flow_file), "--input", "topic=x", "--answer", "nobody=yes", home=studio_home)
    assert unknown.returncode == 2 and "this flow has no node with id 'nobody'" in unknown.stderr
    missing = _studio("run", "--resume", "no-such-run", home=studio_home)
    assert missing.returncode == 2 and "no run with this id in the run history" in missing.stderr
    neither = _studio("run", home=studio_home)
    assert neither.returncode == 2 and "--resume RUN_ID" in neither.stderr


def test_on_a_terminal_the_question_is_asked_and_a_wrong_choice_asked_again(
    flow_file: Path, studio_home: Path
) -> None:
    primary, secondary = pty.openpty()
    try:
        os.write(primary, b"perhaps\nyes\n")
        done = _studio("run", str(flow_file), "--input", "topic=tea", home=studio_home, stdin=secondary)
    finally:
        os.close(primary)
        os.close(secondary)
    assert done.returncode == 0, done.stderr
    assert "(ask): Publish 'A note about tea'?\n  [yes / no]" in done.stderr
    assert "answer 'perhaps' is not one of the choices: yes, no" in done.stderr
    assert done.stdout.strip() == "publish=yes"
