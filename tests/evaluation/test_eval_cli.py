"""`studio eval` end to end offline: run, report, thresholds, list/show/compare, bad input, resume."""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any

import pytest

from studio.cli import main
from studio.evaluation import EvalError, EvalSpec, load_cells, load_run, run_evaluation, save_rating
from studio.evaluation.variants import VariantsError, load_variants
from tests.evaluation.helpers import echo_flow, jsonl

ROWS = [
    {"question": "one", "reference": "Answer: one"},
    {"question": "two", "reference": "Answer: two"},
    {"question": "three"},
]


def _eval(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["eval", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_run_report_and_thresholds(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    flow, data = echo_flow(tmp_path), jsonl(tmp_path / "d.jsonl", ROWS)
    report = tmp_path / "r.html"
    code, out, err = _eval(
        capsys,
        str(flow),
        "--dataset",
        str(data),
        "--metrics",
        "exact_match,latency",
        "--out",
        str(report),
        "--fail-under",
        "exact_match=0.9",
    )
    assert code == 0, err
    assert "exact_match" in out and "1.00 [1.00-1.00]" in out
    assert "exact_match needs a 'reference' column" in out  # row 3 skipped with a note
    html = report.read_text(encoding="utf-8")
    assert "<svg" in html and "http" not in html.replace('xmlns="http://www.w3.org/2000/svg"', "")

    code, out, _ = _eval(capsys, "list")
    run_id = out.splitlines()[2].split()[0]
    code, out, _ = _eval(capsys, "show", run_id, "--json")
    shown = json.loads(out)
    assert shown["summary"]["default"]["metrics"]["exact_match"]["mean"] == 1.0

    bad_flow = echo_flow(tmp_path / "..", template="Nope: {q}")
    code, _, err = _eval(
        capsys,
        str(bad_flow),
        "--dataset",
        str(data),
        "--metrics",
        "exact_match",
        "--fail-under",
        "exact_match=0.5",
    )
    assert code == 4 and "below 0.5" in err
    code, out, _ = _eval(capsys, "list", "--json")
    newest = json.loads(out)[0]["run_id"]
    code, out, _ = _eval(capsys, "compare", run_id, newest)
    assert code == 0 and "exact_match" in out and "-1.000" in out and "rows that got worse (2)" in out


def test_variants_run_side_by_side_and_unchanged_ones_come_from_cache(tmp_path: Path) -> None:
    flow, data = echo_flow(tmp_path), jsonl(tmp_path / "d.jsonl", ROWS)
    variants = tmp_path / "v.yaml"
    variants.write_text("plain: {}\nshout: {fmt: {template: 'Reply {q}'}}\n", encoding="utf-8")
    spec = EvalSpec(str(flow), str(data), metrics=["exact_match"], variants=load_variants(variants))
    first = run_evaluation(spec)
    means = {v: s["metrics"]["exact_match"]["mean"] for v, s in load_run(first.run_id)["summary"].items()}
    assert means == {"plain": 1.0, "shout": 0.0}
    variants.write_text("plain: {}\nshout: {fmt: {template: 'Reply: {q}'}}\n", encoding="utf-8")
    second = run_evaluation(
        EvalSpec(str(flow), str(data), metrics=["exact_match"], variants=load_variants(variants))
    )
    summary = load_run(second.run_id)["summary"]
    assert summary["plain"]["cached"] == 3 and summary["shout"]["cached"] == 0


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ('{"a": {"fmt": {"templat": "x"}}}', "$.a.fmt.templat"),
        ('{"a": {"nope": {"template": "x"}}}', "$.a.nope"),
        ('{"variants": [{"name": "a"}, {"overrides": {}}]}', "$.variants[1]"),
        ('{"a": {"fmt": "x"}}', "$.a.fmt"),
        ('{"a": ', "not valid JSON"),
    ],
)
def test_a_malformed_variants_file_names_the_json_path(tmp_path: Path, text: str, where: str) -> None:
    flow, data = echo_flow(tmp_path), jsonl(tmp_path / "d.jsonl", ROWS)
    path = tmp_path / "v.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises((VariantsError, EvalError)) as caught:
        run_evaluation(
            EvalSpec(str(flow), str(data), variants=load_variants(path), variants_source=str(path))
        )
    assert where in str(caught.value) and "v.json" in str(caught.value)


def test_columns_that_match_no_input_are_refused_with_both_lists(tmp_path: Path) -> None:
    flow, data = echo_flow(tmp_path), jsonl(tmp_path / "d.jsonl", [{"q": "x", "answer": "y"}])
    with pytest.raises(EvalError, match=r"inputs are: question; the file's columns are: q, answer"):
        run_evaluation(EvalSpec(str(flow), str(data)))


def test_an_unavailable_judge_fails_before_any_cell(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    flow, data = echo_flow(tmp_path), jsonl(tmp_path / "d.jsonl", ROWS)
    for judge in ("openai/gpt-4o-mini", "local/no-such-model"):
        with pytest.raises(EvalError, match=f"judge model '{judge}' is not available"):
            run_evaluation(EvalSpec(str(flow), str(data), metrics=["faithfulness_judge"], judge=judge))
    with pytest.raises(EvalError, match="needs a judge model"):
        run_evaluation(EvalSpec(str(flow), str(data), metrics=["geval:be nice"]))


def test_a_failing_row_is_marked_failed_and_the_run_continues(tmp_path: Path) -> None:
    flow = echo_flow(tmp_path)
    data = jsonl(
        tmp_path / "d.jsonl", [{"question": "ok"}, {"question": ["not", "text"]}, {"question": "ok2"}]
    )
    outcome = run_evaluation(EvalSpec(str(flow), str(data), metrics=["length"]))
    cells = {c["row"]: c for c in load_cells(outcome.run_id)}
    assert outcome.status == "finished" and len(cells) == 3
    assert cells[1]["status"] == "succeeded" and cells[3]["status"] == "succeeded"
    assert cells[2]["status"] == "failed" and cells[2]["error"]
    assert load_run(outcome.run_id)["summary"]["default"]["failed"] == 1


def test_stop_keeps_finished_cells_and_resume_finishes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    flow = echo_flow(tmp_path)
    data = jsonl(
        tmp_path / "d.jsonl", [{"question": f"q{i}", "reference": f"Answer: q{i}"} for i in range(40)]
    )
    cancel = threading.Event()

    def stop_after_five(progress: Any) -> None:
        if progress.done >= 5:
            cancel.set()

    first = run_evaluation(
        EvalSpec(str(flow), str(data), metrics=["exact_match"], concurrency=1),
        on_progress=stop_after_five,
        cancel=cancel,
    )
    assert first.status == "stopped"
    kept = len(load_cells(first.run_id))
    assert 5 <= kept < 40
    code, _out, err = _eval(capsys, "--resume", first.run_id)
    assert code == 0, err
    assert len(load_cells(first.run_id)) == 40
    assert load_run(first.run_id)["run"]["status"] == "finished"


def test_human_rating_saved_for_a_cell(tmp_path: Path) -> None:
    flow, data = echo_flow(tmp_path), jsonl(tmp_path / "d.jsonl", ROWS)
    outcome = run_evaluation(EvalSpec(str(flow), str(data), metrics=["length"]))
    save_rating(outcome.run_id, 1, "default", thumb=1, stars=4)
    stats = load_run(outcome.run_id)["summary"]["default"]["metrics"]["human_rating"]
    assert stats["mean"] == 4.0 and stats["n"] == 1
    with pytest.raises(ValueError, match="stars"):
        save_rating(outcome.run_id, 1, "default", stars=9)


def test_xlsx_and_csv_datasets(tmp_path: Path) -> None:
    import openpyxl

    flow = echo_flow(tmp_path)
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["question", "reference", "tag"])
    sheet.append(["one", "Answer: one", "x"])
    sheet.append([None, None, None])
    sheet.append(["two", "wrong", "y"])
    book.save(tmp_path / "d.xlsx")
    (tmp_path / "d.csv").write_text("question,reference\none,Answer: one\ntwo,wrong\n", encoding="utf-8")
    for name in ("d.xlsx", "d.csv"):
        outcome = run_evaluation(EvalSpec(str(flow), str(tmp_path / name), metrics=["exact_match"]))
        assert load_run(outcome.run_id)["summary"]["default"]["metrics"]["exact_match"]["mean"] == 0.5


def test_a_large_csv_is_streamed_not_loaded(tmp_path: Path) -> None:
    import tracemalloc

    from studio.evaluation.dataset import EvalDataset, FlowInterface

    path = tmp_path / "big.csv"
    with open(path, "w", encoding="utf-8") as handle:
        handle.write("question,reference\n")
        for i in range(60_000):
            handle.write(f"question number {i} {'x' * 60},reference {i}\n")
    assert path.stat().st_size > 5_000_000
    dataset = EvalDataset(path, FlowInterface(["question"], [], ["answer"]))
    tracemalloc.start()
    count = sum(1 for _ in dataset)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert count == 60_000
    assert peak < 2_000_000  # far below the file's size: rows are read one at a time
