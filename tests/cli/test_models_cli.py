"""`studio models` / `studio embeddings` against the hub stand-in and loopback servers."""

from __future__ import annotations

import json
import shutil

from studio.cli import main
from tests.fakes.hf_hub import FakeHub
from tests.runtime.models.conftest import FILE, REPO, SPEC, embedder_files


def test_pull_shows_what_then_progress_then_lists_and_removes(capsys, monkeypatch):
    from studio.runtime.llm.local import builtin_model_path

    with FakeHub({REPO: {FILE: builtin_model_path()}}) as hub:
        monkeypatch.setenv("HF_ENDPOINT", hub.url)
        assert main(["models", "pull", SPEC]) == 0
    out, err = capsys.readouterr()
    assert "use the model local/smollm2-135m" in out and "100.0%" in err
    assert main(["models", "list"]) == 0
    out, _ = capsys.readouterr()
    assert "local/smollm2-135m " in out and "Ollama" in out
    assert main(["models", "rm", "smollm2-135m"]) == 0
    capsys.readouterr()


def test_catalogue_pull_shows_size_languages_ram_and_licence_first(capsys, monkeypatch, tmp_path):
    from tests.runtime.models.conftest import closed_port

    monkeypatch.setenv("HF_ENDPOINT", f"http://127.0.0.1:{closed_port()}")
    assert main(["models", "pull", "qwen2.5-1.5b-instruct", "-q"]) == 2
    _, err = capsys.readouterr()
    assert "1.1 GB" in err and "languages zh" in err and "RAM about 2 GB" in err and "Apache-2.0" in err
    assert "could not connect to the Hugging Face hub" in err and "Traceback" not in err


def test_unknown_name_suggests_and_bad_files_are_refused(capsys, tmp_path):
    assert main(["models", "pull", "lama3"]) == 2
    assert "did you mean llama-3.2-3b-instruct" in capsys.readouterr().err
    bad = tmp_path / "broken.gguf"
    bad.write_bytes(b"not a model")
    assert main(["models", "add", str(bad)]) == 2
    assert "not a GGUF model file" in capsys.readouterr().err
    assert main(["embeddings", "pull", "bge-zh-small"]) == 2
    assert "not an embedding model of the catalogue" in capsys.readouterr().err
    assert main(["embeddings", "list"]) == 0
    assert "bge-small-zh-v1.5" in capsys.readouterr().out


def test_add_then_test_prints_tokens_per_second(capsys, tmp_path):
    """Real llama-cpp: `models test` on an added copy of the built-in model."""
    from studio.runtime.llm.local import builtin_model_path

    copy = tmp_path / "mine.gguf"
    shutil.copyfile(builtin_model_path(), copy)
    assert main(["models", "add", str(copy)]) == 0
    assert main(["models", "test", "mine", "--max-tokens", "4"]) == 0
    assert "tokens/s" in capsys.readouterr().err


def test_settings_are_kept_per_model(capsys):
    assert main(["models", "settings", "smollm2-135m-instruct", "--context-length", "4096", "--json"]) == 0
    assert '"context_length": 4096' in capsys.readouterr().out
    assert main(["models", "settings", "smollm2-135m-instruct", "--context-length", "0"]) == 0
    assert "defaults" in capsys.readouterr().out


def test_embeddings_pull_goes_through_hf_endpoint_and_the_model_embeds(capsys, monkeypatch):
    """Real fastembed and huggingface_hub against the hub stand-in (snapshot API + resolve)."""
    with FakeHub({"Qdrant/bge-small-en-v1.5-onnx-Q": embedder_files()}) as hub:
        monkeypatch.setenv("HF_ENDPOINT", hub.url)
        assert main(["embeddings", "pull", "bge-small-en-v1.5"]) == 0, capsys.readouterr().err
        assert any(r.path.startswith("/api/models/Qdrant/bge-small-en-v1.5-onnx-Q") for r in hub.requests)
    assert "BAAI/bge-small-en-v1.5 is ready" in capsys.readouterr().out
    assert main(["embeddings", "list", "--json"]) == 0
    rows = {row["short_name"]: row for row in json.loads(capsys.readouterr().out)}
    assert rows["bge-small-en-v1.5"]["downloaded"] and not rows["bge-small-zh-v1.5"]["downloaded"]
    from fastembed import TextEmbedding

    from studio.runtime.models.check import fastembed_cache

    model = TextEmbedding("BAAI/bge-small-en-v1.5", cache_dir=str(fastembed_cache()), local_files_only=True)
    (vector,) = list(model.embed(["descale the kettle"]))
    assert len(vector) == 384


def test_embeddings_pull_without_network_is_one_clear_sentence(capsys, monkeypatch):
    from tests.runtime.models.conftest import closed_port

    monkeypatch.setenv("HF_ENDPOINT", f"http://127.0.0.1:{closed_port()}")
    assert main(["embeddings", "pull", "bge-small-zh-v1.5"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("could not connect to the Hugging Face hub at http://127.0.0.1:")
    assert "Traceback" not in err and len(err.splitlines()) == 1
