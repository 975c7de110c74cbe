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
