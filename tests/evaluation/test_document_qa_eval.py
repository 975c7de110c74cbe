"""flows/document_qa.json evaluated unchanged on assets/eval/faq_qa.jsonl, after ingesting the samples."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import studio.runtime.llm.facade
from studio.cli import main
from studio.engine import run_flow
from studio.flow import load_flow
from studio.runtime.llm.types import ChatResult
from tests.conftest import ROOT

DATASET = ROOT / "assets" / "eval" / "faq_qa.jsonl"


def _ingest() -> None:
    result = run_flow(
        load_flow(ROOT / "flows" / "ingest_documents.json"),
        {"folder": str(ROOT / "assets" / "sample_docs"), "kb": "product_faq"},
        base_dir=ROOT / "flows",
        extras={"allowed_folders": [str(ROOT)]},
        record=False,
    )
    assert result.status == "succeeded", result.error


def test_the_example_dataset_is_labelled_in_both_languages() -> None:
    rows = [json.loads(line) for line in DATASET.read_text(encoding="utf-8").splitlines()]
    assert len(rows) >= 30 and {r["lang"] for r in rows} == {"en", "zh"}
    assert all(r["question"] and r["reference"] and r["reference_contexts"] for r in rows)


def test_document_qa_is_evaluated_with_retrieved_contexts(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    async def fake_chat(request: Any, on_token: Any = None, **_: Any) -> ChatResult:
        # The 135M model's typical failure: the right passage, an invented figure.
        return ChatResult(
            text="It takes about 9 minutes.",
            model=request.model,
            prompt_tokens=3,
            completion_tokens=2,
            cost_usd=0.0,
            finish_reason="stop",
        )

    monkeypatch.setattr(studio.runtime.llm.facade, "chat", fake_chat)
    _ingest()
    data = tmp_path / "one.jsonl"
    data.write_text(DATASET.read_text(encoding="utf-8").splitlines()[2] + "\n", encoding="utf-8")
    code = main(
        [
            "eval",
            str(ROOT / "flows" / "document_qa.json"),
            "--dataset",
            str(data),
            "--json",
            "--metrics",
            "faithfulness,context_recall,context_precision,sources_cited,latency,tokens",
        ]
    )
    report = json.loads(capsys.readouterr().out)
    assert code == 0
    metrics = report["summary"]["default"]["metrics"]
    assert metrics["faithfulness"]["mean"] == 0.0  # the invented figure is flagged
    assert "figure 9" in report["worst"]["faithfulness"][0]["reason"]
    assert metrics["context_recall"]["mean"] == 1.0  # retrieval found the passage
    assert metrics["context_precision"]["mean"] > 0
    assert metrics["tokens"]["mean"] == 5.0


@pytest.mark.real_llm
def test_document_qa_on_the_built_in_model(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    _ingest()
    data = tmp_path / "two.jsonl"
    data.write_text("\n".join(DATASET.read_text(encoding="utf-8").splitlines()[:2]) + "\n", encoding="utf-8")
    code = main(
        [
            "eval",
            str(ROOT / "flows" / "document_qa.json"),
            "--dataset",
            str(data),
            "--json",
            "--metrics",
            "faithfulness,answer_correctness,context_recall,latency",
        ]
    )
    report = json.loads(capsys.readouterr().out)
    assert code == 0 and report["summary"]["default"]["failed"] == 0
    for stats in report["summary"]["default"]["metrics"].values():
        assert stats["n"] == 2


def test_generate_drafts_rows_from_the_knowledge_base_on_the_built_in_model(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    _ingest()
    out = tmp_path / "drafted.jsonl"
    code = main(["eval", "generate", "product_faq", "--n", "2", "--out", str(out)])
    assert code == 0, capsys.readouterr().err
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    # The grammar holds the model to the schema; a row it could not fill is dropped, not faked.
    assert 1 <= len(rows) <= 2
    sources = {p.name for p in (ROOT / "assets" / "sample_docs").iterdir()}
    for row in rows:
        assert row["question"].strip() and row["reference"].strip()
        assert row["generated_by"] == "local/smollm2-135m-instruct"
        assert len(row["reference_contexts"]) == 1 and len(row["reference_contexts"][0]) >= 40
        assert any(name in row["source"] for name in sources), row["source"]
    # The drafted file is a dataset `studio eval` reads as it is.
    code = main(
        [
            "eval",
            str(ROOT / "flows" / "document_qa.json"),
            "--dataset",
            str(out),
            "--json",
            "--metrics",
            "context_recall,latency",
            "--limit",
            "1",
        ]
    )
    assert code == 0


def test_generate_from_a_missing_knowledge_base_is_a_clear_error(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code = main(["eval", "generate", "no_such_kb", "--n", "2", "--out", str(tmp_path / "x.jsonl")])
    err = capsys.readouterr().err
    assert code != 0 and "no_such_kb" in err and "Traceback" not in err
    assert not (tmp_path / "x.jsonl").exists()
