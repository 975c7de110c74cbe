"""Loader, splitter, ingest and retriever nodes on real files, fastembed and LanceDB."""

from __future__ import annotations

from pathlib import Path

import pytest

from nodes.knowledge import (
    EmbedNode,
    HybridRetrieverNode,
    IngestNode,
    MMRRetrieverNode,
    TextRetrieverNode,
    VectorRetrieverNode,
)
from nodes.loaders import FolderLoaderNode, LoadFileNode
from nodes.splitters import MarkdownSplitterNode, RecursiveSplitterNode, TokenSplitterNode
from studio.engine.errors import NodeError
from tests.nodes.rag_helpers import run_node

MANUAL = """# Aurora K2 Kettle

## Resetting the password
Open the app, choose Settings > Account and tap Reset password. A code arrives by e-mail.

## Battery
The base battery lasts ten hours and charges in two hours.

## Error codes
E42 means the water tank is empty. Refill it and press Start.
"""
MANUAL_ZH = """# Aurora K2 电水壶

## 重置密码
打开应用，选择“设置”>“账户”，然后点击“重置密码”。验证码会发送到您的邮箱。

## 电池
底座电池可使用十个小时，充电需要两个小时。
"""


@pytest.fixture
def docs_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "manual.md").write_text(MANUAL, encoding="utf-8")
    (folder / "manual_zh.md").write_text(MANUAL_ZH, encoding="utf-8")
    (folder / "broken.txt").write_bytes(b"\x00\x01binary")
    return folder


def _ingest(folder: Path, kb: str = "faq") -> dict:
    loaded, events = run_node(
        FolderLoaderNode, {"folder": str(folder)}, extras={"allowed_folders": [str(folder)]}
    )
    assert [e["source"] for e in loaded["errors"]] == ["broken.txt"]
    assert any(getattr(e, "label", "") == "skipped file" for e in events)
    chunks, _ = run_node(MarkdownSplitterNode, {"chunk_size": 400}, {"documents": loaded["documents"]})
    report, _ = run_node(IngestNode, {"kb": kb}, {"chunks": chunks["chunks"]})
    return report


def test_folder_to_kb_to_every_retriever(docs_folder: Path) -> None:
    report = _ingest(docs_folder)
    assert report["kb"] == "faq" and report["report"]["added_chunks"] == 7

    found, events = run_node(
        VectorRetrieverNode, {"kb": "faq", "k": 2}, {"query": "How do I reset my password?"}
    )
    top = found["documents"][0]
    assert top["metadata"]["source"] == "manual.md"
    assert top["metadata"]["heading"] == "Aurora K2 Kettle > Resetting the password"
    trace = next(e for e in events if getattr(e, "label", "") == "retrieved")
    assert trace.data["kb_version"] == top["metadata"]["kb_version"]

    text, _ = run_node(TextRetrieverNode, {"kb": "faq", "k": 1}, {"query": "E42"})
    assert "E42" in text["documents"][0]["text"]

    zh, _ = run_node(HybridRetrieverNode, {"kb": "faq", "k": 2}, {"query": "怎么重置密码？"})
    assert zh["documents"][0]["metadata"]["source"] == "manual_zh.md"
    assert "重置密码" in zh["documents"][0]["text"]

    mmr, _ = run_node(MMRRetrieverNode, {"kb": "faq", "k": 3, "diversity": 0.7}, {"query": "battery"})
    assert len(mmr["documents"]) == 3 and "vector" not in mmr["documents"][0]

    filtered, _ = run_node(
        VectorRetrieverNode, {"kb": "faq", "k": 5, "filter": {"source": "manual_zh.md"}}, {"query": "battery"}
    )
    assert {d["metadata"]["source"] for d in filtered["documents"]} == {"manual_zh.md"}


def test_reingest_of_unchanged_folder_embeds_nothing(docs_folder: Path) -> None:
    _ingest(docs_folder)
    again = _ingest(docs_folder)["report"]
    assert again["embedded"] == 0 and again["added_chunks"] == 0 and again["changed_sources"] == []


def test_missing_kb_and_empty_query_are_clear_errors() -> None:
    with pytest.raises(NodeError, match="setting 'kb': knowledge base 'nope' does not exist"):
        run_node(VectorRetrieverNode, {"kb": "nope"}, {"query": "x"})
    with pytest.raises(NodeError, match="input 'query': empty"):
        run_node(TextRetrieverNode, {"kb": "nope"}, {"query": "  "})
    with pytest.raises(NodeError, match="setting 'kb': no knowledge base named"):
        run_node(IngestNode, {}, {"chunks": [{"text": "x", "metadata": {"source": "a"}}]})


def test_load_file_refuses_paths_outside_allowed_folders(tmp_path: Path) -> None:
    inside = tmp_path / "inside"
    inside.mkdir()
    (tmp_path / "outside.txt").write_text("secret", encoding="utf-8")
    (inside / "link.txt").symlink_to(tmp_path / "outside.txt")
    with pytest.raises(NodeError, match="outside the allowed folders"):
        run_node(
            LoadFileNode, {"path": "link.txt"}, base_dir=inside, extras={"allowed_folders": [str(inside)]}
        )
    (inside / "ok.txt").write_text("fine", encoding="utf-8")
    out, _ = run_node(
        LoadFileNode, {"path": "ok.txt"}, base_dir=inside, extras={"allowed_folders": [str(inside)]}
    )
    assert out["documents"][0]["text"] == "fine"


@pytest.mark.parametrize(
    ("name", "content", "texts"),
    [
        (
            "faq.json",
            '{"q": "Reset?", "a": "Hold the button."}',
            ['{\n  "q": "Reset?",\n  "a": "Hold the button."\n}'],
        ),
        ("rows.jsonl", '{"q": "A"}\n[1, 2]\n', ['{\n  "q": "A"\n}', "[\n  1,\n  2\n]"]),
        (
            "faq.csv",
            "q,a\nReset?,Hold the button.\nWarranty?,\n",
            ["q: Reset?\na: Hold the button.", "q: Warranty?"],
        ),
        ("one.csv", "answer\nTwo years.\n", ["Two years."]),
    ],
)
def test_load_file_defaults_read_json_and_csv_whole(
    tmp_path: Path, name: str, content: str, texts: list[str]
) -> None:
    """With default settings, any JSON file and any CSV file loads: nothing to configure first."""
    (tmp_path / name).write_text(content, encoding="utf-8")
    out, _ = run_node(
        LoadFileNode, {"path": name}, base_dir=tmp_path, extras={"allowed_folders": [str(tmp_path)]}
    )
    assert [d["text"] for d in out["documents"]] == texts


def test_splitter_nodes_and_bad_settings() -> None:
    docs = [{"text": MANUAL, "metadata": {"source": "m.md"}}]
    out, _ = run_node(RecursiveSplitterNode, {"chunk_size": 120, "chunk_overlap": 20}, {"documents": docs})
    assert all(len(c["text"]) <= 120 for c in out["chunks"])
    out, _ = run_node(TokenSplitterNode, {"chunk_tokens": 30, "overlap_tokens": 5}, {"documents": docs})
    assert all(c["metadata"]["tokens"] <= 30 for c in out["chunks"])
    with pytest.raises(NodeError, match="chunk_overlap"):
        run_node(RecursiveSplitterNode, {"chunk_size": 10, "chunk_overlap": 50}, {"documents": docs})


def test_embed_node_text_and_documents() -> None:
    one, _ = run_node(EmbedNode, {}, {"input": "hello"})
    assert len(one["embedding"]) == 384
    many, _ = run_node(EmbedNode, {}, {"input": [{"text": "a", "metadata": {}}, "b"]})
    assert [len(v) for v in many["embedding"]] == [384, 384]
