"""Installed models: add (validated), remove, the memory warning, per-model load settings."""

from __future__ import annotations

import shutil
import struct
from pathlib import Path

import pytest

from studio.runtime.llm import local
from studio.runtime.models.installed import ModelError, add, list_installed, memory_warning, remove


def test_add_copies_a_valid_gguf_and_rm_removes_it(gguf: Path, tmp_path: Path) -> None:
    source = tmp_path / "colleague.gguf"
    shutil.copyfile(gguf, source)
    model = add(source)
    assert model.model == "local/colleague"
    assert [m.model for m in list_installed()] == ["local/smollm2-135m-instruct", "local/colleague"]
    remove("colleague")
    assert [m.model for m in list_installed()] == ["local/smollm2-135m-instruct"]


def test_a_truncated_gguf_is_refused_with_why(gguf: Path, tmp_path: Path) -> None:
    cut = tmp_path / "cut.gguf"
    with gguf.open("rb") as source:
        cut.write_bytes(source.read(gguf.stat().st_size - 1000))
    with pytest.raises(
        ModelError, match=r"cut\.gguf cannot be used as a model: it is truncated.*1,000 missing"
    ):
        add(cut)
    assert [m.model for m in list_installed()] == ["local/smollm2-135m-instruct"]


def test_a_file_that_is_not_gguf_is_refused(tmp_path: Path) -> None:
    fake = tmp_path / "notes.gguf"
    fake.write_text("hello, not a model", encoding="utf-8")
    with pytest.raises(ModelError, match="not a GGUF model file"):
        add(fake)
    header_only = tmp_path / "header.gguf"
    header_only.write_bytes(b"GGUF" + struct.pack("<I", 3) + b"\x01")
    with pytest.raises(ModelError, match="ends inside its header"):
        add(header_only)
    unknown = tmp_path / "v9.gguf"
    unknown.write_bytes(b"GGUF" + struct.pack("<IQQ", 9, 0, 0))
    with pytest.raises(ModelError, match="version 9"):
        add(unknown)


def test_the_built_in_model_cannot_be_removed() -> None:
    with pytest.raises(ModelError, match="built-in"):
        remove("smollm2-135m-instruct")
    with pytest.raises(ModelError, match="no installed model called 'nope'"):
        remove("nope")


def test_a_model_too_large_for_free_memory_gets_a_warning(gguf: Path) -> None:
    warning = memory_warning(gguf, free=10_000_000)
    assert warning is not None and gguf.name in warning and "free" in warning
    assert memory_warning(gguf, free=10_000_000_000) is None


def test_per_model_settings_are_applied_and_reload_the_model(gguf: Path, tmp_path: Path) -> None:
    """Real llama-cpp: a saved context length is what the model is loaded with; changing it
    loads a fresh copy instead of reusing the cached one."""
    from studio.runtime.models.settings import save_model_settings

    path = tmp_path / "tiny.gguf"
    shutil.copyfile(gguf, path)
    save_model_settings("tiny", context_length=512, threads=1)
    first = local.load_model(path)
    assert first.llama.n_ctx() == 512
    save_model_settings("tiny", context_length=1024)
    second = local.load_model(path)
    assert second is not first and second.llama.n_ctx() == 1024
    assert local.load_model(path) is second  # unchanged settings: the cached copy
    local.forget_model(path)
