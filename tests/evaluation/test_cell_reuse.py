"""Re-running an evaluation: cells of an unchanged, wholly deterministic variant are taken from the
earlier run without entering the engine; anything that reads the world (a file) runs again."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from studio.engine import RunStore
from studio.evaluation import EvalSpec, Variant, load_cells, load_run, run_evaluation
from studio.flow import dumps
from tests.builders import FlowBuilder
from tests.evaluation.helpers import echo_flow, jsonl

ROWS = [{"question": f"q{i}", "reference": f"Answer: q{i}"} for i in range(6)]
PLAIN, CHANGED = Variant("plain"), Variant("other", {"fmt": {"template": "Reply: {q}"}})


def _records() -> int:
    store = RunStore()
    try:
        return len(store.list_runs(limit=100_000))
    finally:
        store.close()


def _cells(run_id: str) -> dict[tuple[int, str], Any]:
    return {(c["row"], c["variant"]): c for c in load_cells(run_id)}


def test_the_unchanged_variant_is_reused_and_the_changed_one_runs(tmp_path: Path) -> None:
    flow, data = echo_flow(tmp_path), jsonl(tmp_path / "d.jsonl", ROWS)
    first = run_evaluation(EvalSpec(str(flow), str(data), metrics=["exact_match"], variants=[PLAIN, CHANGED]))
    before = _records()
    changed_again = Variant("other", {"fmt": {"template": "Reply!: {q}"}})
    second = run_evaluation(
        EvalSpec(str(flow), str(data), metrics=["exact_match"], variants=[PLAIN, changed_again])
    )
    # Only the changed variant's cells entered the engine (one run record each).
    assert _records() - before == len(ROWS)
    summary = load_run(second.run_id)["summary"]
    assert summary["plain"]["cached"] == len(ROWS) and summary["other"]["cached"] == 0
    old, new = _cells(first.run_id), _cells(second.run_id)
    for row in range(1, len(ROWS) + 1):
        reused = new[(row, "plain")]
        assert reused["status"] == "succeeded" and reused["cached"]
        # The reused cell links to the run record that produced its answer.
        assert reused["flow_run_id"] == old[(row, "plain")]["flow_run_id"]
        assert reused["sample"]["answer"] == old[(row, "plain")]["sample"]["answer"]
    assert summary["plain"]["metrics"]["exact_match"]["mean"] == 1.0


def test_reused_cells_are_scored_again_against_the_new_references(tmp_path: Path) -> None:
    flow = echo_flow(tmp_path)
    run_evaluation(EvalSpec(str(flow), str(jsonl(tmp_path / "a.jsonl", ROWS)), metrics=["exact_match"]))
    fixed = [{"question": r["question"], "reference": "something else"} for r in ROWS]
    second = run_evaluation(
        EvalSpec(str(flow), str(jsonl(tmp_path / "b.jsonl", fixed)), metrics=["exact_match"])
    )
    summary = load_run(second.run_id)["summary"]
    (variant,) = summary
    assert summary[variant]["cached"] == len(ROWS)
    assert summary[variant]["metrics"]["exact_match"]["mean"] == 0.0


def test_no_cache_runs_every_cell(tmp_path: Path) -> None:
    flow, data = echo_flow(tmp_path), jsonl(tmp_path / "d.jsonl", ROWS)
    run_evaluation(EvalSpec(str(flow), str(data), metrics=["exact_match"]))
    before = _records()
    second = run_evaluation(EvalSpec(str(flow), str(data), metrics=["exact_match"], use_cache=False))
    assert _records() - before == len(ROWS)
    assert all(not c["cached"] for c in load_cells(second.run_id))


def test_a_flow_that_reads_a_file_runs_again_and_sees_the_new_text(tmp_path: Path) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("first version", encoding="utf-8")
    b = FlowBuilder("reads-a-file")
    b.node("question", "io.text_input", name="question")
    b.node("load", "loaders.file", path="notes.txt")
    b.node("fmt", "text.format", template="{q}: {docs}")
    b.node("answer", "io.output", name="answer")
    b.wire("question.text", "fmt.q").wire("load.documents", "fmt.docs").wire("fmt.text", "answer.value")
    flow = tmp_path / "reads.json"
    flow.write_text(dumps(b.build()), encoding="utf-8")
    data = jsonl(tmp_path / "d.jsonl", ROWS[:2])
    first = run_evaluation(EvalSpec(str(flow), str(data), metrics=["length"]))
    assert all("first version" in c["sample"]["answer"] for c in load_cells(first.run_id))
    notes.write_text("second version", encoding="utf-8")
    second = run_evaluation(EvalSpec(str(flow), str(data), metrics=["length"]))
    cells = load_cells(second.run_id)
    assert all("second version" in c["sample"]["answer"] and not c["cached"] for c in cells)


def test_a_stopped_run_keeps_every_cell_that_finished(tmp_path: Path) -> None:
    """Cells are written in groups: stopping still writes every cell that had finished."""
    flow = echo_flow(tmp_path)
    data = jsonl(tmp_path / "d.jsonl", [{"question": f"q{i}"} for i in range(300)])
    cancel, seen = threading.Event(), []

    def stop_after_some(progress: Any) -> None:
        seen.append(progress.done)
        if progress.done >= 120:
            cancel.set()

    outcome = run_evaluation(
        EvalSpec(str(flow), str(data), metrics=["length"], concurrency=1),
        on_progress=stop_after_some,
        cancel=cancel,
    )
    assert outcome.status == "stopped"
    assert len(load_cells(outcome.run_id)) == max(seen)
