"""`studio kb list | show | search | delete` on a real knowledge base."""

from __future__ import annotations

import json

import pytest

from studio.cli import main
from studio.runtime.knowledge.vectorstore import KnowledgeBase


@pytest.fixture
def faq() -> KnowledgeBase:
    kb = KnowledgeBase.create("product_faq")
    kb.upsert_documents(
        [
            {
                "text": "To reset your password open Settings > Account.",
                "metadata": {"source": "manual.md", "heading": "Password"},
            },
            {"text": "Error E42 means the lid is open.", "metadata": {"source": "guide.pdf", "page": 2}},
        ]
    )
    return kb


def test_list_show_search_delete(faq: KnowledgeBase, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["kb", "list"]) == 0
    assert "product_faq" in capsys.readouterr().out
    assert main(["kb", "show", "product_faq", "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["chunks"] == 2 and shown["sources"] == {"manual.md": 1, "guide.pdf": 1}
    assert main(["kb", "search", "product_faq", "lid open error", "-k", "1"]) == 0
    assert "[1]" in (out := capsys.readouterr().out) and "guide.pdf, page 2" in out
    assert main(["kb", "delete", "product_faq", "--yes"]) == 0
    assert "deleted" in capsys.readouterr().out
    assert KnowledgeBase.list() == []


def test_missing_kb_is_a_clear_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["kb", "show", "nope"]) == 2
    assert "knowledge base 'nope' does not exist" in capsys.readouterr().err
    assert main(["kb", "delete", "nope", "--yes"]) == 2
    assert main(["kb", "search", "nope", "x"]) == 2
