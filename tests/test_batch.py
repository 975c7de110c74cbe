"""`studio batch`: one run per dataset row, results in row order, failures counted."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT

ECHO = ROOT / "tests" / "fixtures" / "flows" / "echo.json"


def batch(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "studio.cli", "batch", str(ECHO), *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )


def test_jsonl_rows_run_in_order_and_bad_rows_are_reported(tmp_path: Path) -> None:
    data = tmp_path / "rows.jsonl"
    data.write_text('{"topic": "a"}\n{"topic": "中文"}\n{"wrong": 1}\n', encoding="utf-8")
    result = batch("--dataset", str(data), "--out", str(tmp_path / "out.jsonl"))
    assert result.returncode == 3
    assert "2 passed, 1 failed" in result.stderr
    rows = [json.loads(line) for line in (tmp_path / "out.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [r["outputs"].get("result") for r in rows] == ["about: a", "about: 中文", None]
    assert rows[2]["status"] == "bad_input" and "unknown input 'wrong'" in rows[2]["error"]


def test_csv_dataset(tmp_path: Path) -> None:
    data = tmp_path / "rows.csv"
    data.write_text("topic\nx\ny\n", encoding="utf-8")
    result = batch("--dataset", str(data))
    assert result.returncode == 0, result.stderr
    results = [json.loads(line)["outputs"]["result"] for line in result.stdout.splitlines()]
    assert results == ["about: x", "about: y"]


def test_unreadable_dataset_is_bad_input(tmp_path: Path) -> None:
    data = tmp_path / "rows.jsonl"
    data.write_text('{"topic": "a"}\nnot json\n', encoding="utf-8")
    result = batch("--dataset", str(data))
    assert result.returncode == 2 and "line 2: not valid JSON" in result.stderr


def rows_file(tmp_path: Path, count: int, name: str = "rows.jsonl") -> Path:
    data = tmp_path / name
    with data.open("w", encoding="utf-8") as handle:
        for number in range(count):
            handle.write(json.dumps({"topic": f"t{number}"}) + "\n")
    return data


def results(out: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]


def test_every_line_has_row_number_and_hashes_and_resume_redoes_a_torn_line(tmp_path: Path) -> None:
    data, out = rows_file(tmp_path, 10), tmp_path / "out.jsonl"
    assert batch("--dataset", str(data), "--out", str(out)).returncode == 0
    first = results(out)
    assert [r["row"] for r in first] == list(range(1, 11))
    assert all(len(str(r["row_hash"])) == 16 and r["flow_hash"] == first[0]["flow_hash"] for r in first)
    # A killed run leaves four whole lines and half of the fifth.
    lines = out.read_text(encoding="utf-8").splitlines(keepends=True)
    out.write_text("".join(lines[:4]) + lines[4][:20], encoding="utf-8")
    resumed = batch("--dataset", str(data), "--out", str(out), "--resume")
    assert resumed.returncode == 0, resumed.stderr
    assert "6 passed, 0 failed, 4 already done" in resumed.stderr
    again = results(out)
    assert [r["row"] for r in again] == list(range(1, 11))
    assert [r["outputs"] for r in again] == [r["outputs"] for r in first]


def test_resume_refuses_results_of_another_flow_or_dataset(tmp_path: Path) -> None:
    data, out = rows_file(tmp_path, 3), tmp_path / "out.jsonl"
    assert batch("--dataset", str(data), "--out", str(out)).returncode == 0
    other_flow = json.loads(ECHO.read_text(encoding="utf-8"))
    other_flow["nodes"][1]["config"]["template"] = "other: {topic}"
    other = tmp_path / "other.json"
    other.write_text(json.dumps(other_flow), encoding="utf-8")
    refused = subprocess.run(
        [
            sys.executable,
            "-m",
            "studio.cli",
            "batch",
            str(other),
            "--dataset",
            str(data),
            "--out",
            str(out),
            "--resume",
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert refused.returncode == 2
    flow_hash = results(out)[0]["flow_hash"]
    assert f"flow hash {flow_hash}" in refused.stderr and "this flow's is" in refused.stderr
    changed = tmp_path / "rows.jsonl"
    changed.write_text('{"topic": "t0"}\n{"topic": "CHANGED"}\n{"topic": "t2"}\n', encoding="utf-8")
    refused = batch("--dataset", str(changed), "--out", str(out), "--resume")
    assert (
        refused.returncode == 2
        and "row 2 has hash" in refused.stderr
        and "the dataset changed" in refused.stderr
    )


def test_a_malformed_line_stops_with_its_number_unless_skipped(tmp_path: Path) -> None:
    data = tmp_path / "rows.jsonl"
    data.write_text('{"topic": "a"}\n{oops\n{"topic": "c"}\n', encoding="utf-8")
    stopped = batch("--dataset", str(data), "--out", str(tmp_path / "a.jsonl"))
    assert stopped.returncode == 2 and "line 2: not valid JSON" in stopped.stderr
    skipped = batch("--dataset", str(data), "--out", str(tmp_path / "b.jsonl"), "--skip-bad-rows")
    assert skipped.returncode == 3, skipped.stderr
    got = results(tmp_path / "b.jsonl")
    assert [(r["row"], r["status"]) for r in got] == [(1, "succeeded"), (2, "bad_row"), (3, "succeeded")]
    assert "line 2: not valid JSON" in str(got[1]["error"])


def test_missing_dataset_and_resume_without_out_are_clear(tmp_path: Path) -> None:
    missing = batch("--dataset", str(tmp_path / "nope.jsonl"))
    assert missing.returncode == 2 and "nope.jsonl: file not found" in missing.stderr
    no_out = batch("--dataset", str(rows_file(tmp_path, 1)), "--resume")
    assert no_out.returncode == 2 and "--resume needs --out" in no_out.stderr


def test_progress_bar_shows_rows_rate_and_failures(tmp_path: Path) -> None:
    shown = batch("--dataset", str(rows_file(tmp_path, 5)), "--out", str(tmp_path / "o.jsonl"), "--progress")
    assert shown.returncode == 0
    final = shown.stderr.split("\r")[-1]
    assert "5/5 rows (100%)" in final and "rows/s" in final and "0 failed" in final
