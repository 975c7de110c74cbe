"""The example RAG flows end to end on the sample documents (the chat model scripted, except in
the `real_llm` test)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import studio.runtime.llm.facade
from studio.engine import run_flow
from studio.engine.cache import OutputCache
from studio.flow import load_flow
from studio.runtime.llm.types import ChatResult

ROOT = Path(__file__).resolve().parents[2]
FLOWS = ROOT / "flows"
EXTRAS = {"allowed_folders": [str(ROOT), str(FLOWS)]}


def _run(name: str, **inputs: str) -> Any:
    result = run_flow(
        load_flow(FLOWS / name),
        inputs,
        cache=OutputCache(),
        use_cache=False,
        record=False,
        base_dir=FLOWS,
        extras=EXTRAS,
    )
    assert result.status == "succeeded", {k: s.error for k, s in result.nodes.items() if s.error}
    return result


@pytest.fixture
def scripted_llm(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    prompts: list[str] = []

    async def fake_chat(request: Any, on_token: Any = None, **_: Any) -> ChatResult:
        prompts.append(request.messages[-1]["content"])
        return ChatResult(
            text="Open Settings > Account > Reset password.",
            model=request.model,
            prompt_tokens=1,
            completion_tokens=1,
            cost_usd=0.0,
            finish_reason="stop",
        )

    monkeypatch.setattr(studio.runtime.llm.facade, "chat", fake_chat)
    return prompts


def test_ingest_then_answer_with_citations(scripted_llm: list[str]) -> None:
    report = _run("ingest_documents.json", folder=str(ROOT / "assets" / "sample_docs"), kb="product_faq")
    assert report.outputs["report"]["changed_sources"] and report.outputs["skipped"] == []
    sources = set(report.outputs["report"]["changed_sources"])
    assert {"aurora_manual_en.md", "aurora_manual_zh.md", "aurora_manual.pdf"} <= sources

    for flow in ("document_qa.json", "hybrid_rag.json"):
        result = _run(flow, kb="product_faq", question="How do I reset my password?")
        answer = result.outputs["answer"]
        assert answer.startswith("Open Settings")
        assert (
            "[1] aurora_manual_en.md, Aurora K2 Smart Kettle — User Manual > Account and password" in answer
        )
        assert result.outputs["sources"][0]["heading"].endswith("Account and password")
        assert "Reset password" in scripted_llm[-1]  # the retrieved text reached the prompt

    chinese = _run("hybrid_rag.json", kb="product_faq", question="如何重置密码？")
    assert chinese.outputs["sources"][0]["source"] in {"aurora_manual_zh.md", "aurora_manual_zh.pdf"}

    again = _run("ingest_documents.json", folder=str(ROOT / "assets" / "sample_docs"), kb="product_faq")
    assert again.outputs["report"]["embedded"] == 0 and again.outputs["report"]["changed_sources"] == []


def test_answer_from_a_missing_kb_fails_clearly(scripted_llm: list[str]) -> None:
    result = run_flow(
        load_flow(FLOWS / "hybrid_rag.json"),
        {"kb": "nope", "question": "x"},
        cache=OutputCache(),
        use_cache=False,
        record=False,
        base_dir=FLOWS,
    )
    assert result.status == "failed"
    errors = [s.error for s in result.nodes.values() if s.error and s.caused_by is None]
    assert any("knowledge base 'nope' does not exist" in e for e in errors)


@pytest.mark.real_llm
@pytest.mark.slow
def test_rag_fusion_with_the_real_local_model() -> None:
    _run("ingest_documents.json", folder=str(ROOT / "assets" / "sample_docs"), kb="product_faq")
    result = _run("rag_fusion.json", kb="product_faq", question="How long is the warranty?")
    assert "aurora_manual.pdf, page 1" in result.outputs["answer"]
    assert result.outputs["answer"].split("Sources:")[0].strip()  # the model said something
