"""`studio kb create | add | remove | reindex` on real knowledge bases (fastembed + LanceDB)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from studio.cli import main
from studio.runtime.knowledge.vectorstore import KnowledgeBase
from studio.runtime.preferences import set_preference

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "assets" / "sample_docs"


@pytest.fixture
def docs(tmp_path: Path) -> Path:
    """A folder of the user's own (outside any allowed folder): two of the sample documents."""
    folder = tmp_path / "my_docs"
    folder.mkdir()
    for name in ("aurora_manual_en.md", "aurora_troubleshooting_en.html"):
        shutil.copy(SAMPLES / name, folder / name)
    return folder


def _show(name: str, capsys: pytest.CaptureFixture[str]) -> dict:
    assert main(["kb", "show", name, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_create_add_remove_and_reingest(docs: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["kb", "create", "mine", "--splitter", "markdown"]) == 0
    assert "local/all-minilm-l6-v2" in capsys.readouterr().out
    assert main(["kb", "add", "mine", str(docs)]) == 0
    captured = capsys.readouterr()
    assert "2 of 2 files ingested" in captured.out and "0 skipped" in captured.out
    assert "files" in captured.err  # progress went to stderr
    shown = _show("mine", capsys)
    assert set(shown["sources"]) == {"my_docs/aurora_manual_en.md", "my_docs/aurora_troubleshooting_en.html"}
    assert shown["chunks"] > 2

    # Adding again changes nothing; a changed file is re-ingested with --changed.
    assert main(["kb", "add", "mine", str(docs)]) == 0
    assert "0 chunks added" in capsys.readouterr().out
    (docs / "aurora_manual_en.md").write_text("# Kettle\n\nDescale the kettle monthly with vinegar.\n")
    assert main(["kb", "add", "mine", "--changed"]) == 0
    assert "1 of 1 files ingested" in capsys.readouterr().out
    assert main(["kb", "search", "mine", "descale vinegar", "-k", "1"]) == 0
    assert "my_docs/aurora_manual_en.md" in capsys.readouterr().out

    assert main(["kb", "remove", "mine", "my_docs/aurora_manual_en.md"]) == 0
    assert "removed" in capsys.readouterr().out
    assert list(_show("mine", capsys)["sources"]) == ["my_docs/aurora_troubleshooting_en.html"]
    assert main(["kb", "remove", "mine", "nope.md"]) == 2
    assert "knowledge base 'mine' has no source 'nope.md'" in capsys.readouterr().err


def test_bad_files_are_listed_and_the_others_ingested(docs: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (docs / "broken.pdf").write_bytes(b"%PDF-1.4 this is not really a pdf")
    assert main(["kb", "create", "mine"]) == 0
    assert main(["kb", "add", "mine", str(docs), str(docs / "missing.txt")]) == 0
    captured = capsys.readouterr()
    assert "skipped my_docs/broken.pdf" in captured.err
    assert "missing.txt: no such file or folder" in captured.err
    assert "2 of 3 files ingested" in captured.out
    assert main(["kb", "add", "nope", str(docs)]) == 2
    assert "knowledge base 'nope' does not exist" in capsys.readouterr().err


def test_new_kb_takes_default_embedding_model_and_keeps_its_own(
    docs: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    set_preference("default_embedding_model", "sentence-transformers/all-MiniLM-L6-v2")
    assert main(["kb", "create", "mine"]) == 0
    capsys.readouterr()
    assert KnowledgeBase.open("mine").embedding_model == "sentence-transformers/all-MiniLM-L6-v2"
    # A later change of the default does not change an existing knowledge base.
    set_preference("default_embedding_model", "BAAI/bge-small-zh-v1.5")
    assert main(["kb", "add", "mine", str(docs)]) == 0
    capsys.readouterr()
    assert KnowledgeBase.open("mine").embedding_model == "sentence-transformers/all-MiniLM-L6-v2"
    # Another model for search or ingest is a clear error naming both.
    assert main(["kb", "search", "mine", "reset", "--embedding", "BAAI/bge-small-zh-v1.5"]) == 2
    err = capsys.readouterr().err
    assert "'sentence-transformers/all-MiniLM-L6-v2'" in err and "'BAAI/bge-small-zh-v1.5'" in err
    assert "kb reindex mine" in err
    assert main(["kb", "add", "mine", str(docs), "--embedding", "BAAI/bge-small-zh-v1.5"]) == 2
    assert "'BAAI/bge-small-zh-v1.5'" in capsys.readouterr().err


def test_reindex_rebuilds_into_a_new_version(
    docs: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from studio.runtime.knowledge import manage

    monkeypatch.setattr(manage, "_BATCH_CHUNKS", 3)  # batches smaller than a file: none is split
    assert main(["kb", "create", "mine"]) == 0
    assert main(["kb", "add", "mine", str(docs)]) == 0
    capsys.readouterr()
    before = _show("mine", capsys)
    # The built-in model under its fastembed name: the same vectors, a new version of the base.
    assert main(["kb", "reindex", "mine", "--embedding", "sentence-transformers/all-MiniLM-L6-v2"]) == 0
    assert "rebuilt knowledge base 'mine'" in capsys.readouterr().out
    after = _show("mine", capsys)
    assert after["chunks"] == before["chunks"] and after["sources"] == before["sources"]
    assert after["embedding_model"] == "sentence-transformers/all-MiniLM-L6-v2"
    assert after["generation"] == before["generation"] + 1
    assert main(["kb", "search", "mine", "error code lid", "-k", "1", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)[0]["metadata"]["source"].startswith("my_docs/")
    assert main(["kb", "list"]) == 0
    assert capsys.readouterr().out.split()[0] == "mine"  # no staging folder is listed
    # An unknown model leaves the old base as it was.
    assert main(["kb", "reindex", "mine", "--embedding", "no-such/model-xyz"]) == 2
    capsys.readouterr()
    assert _show("mine", capsys)["chunks"] == before["chunks"]
