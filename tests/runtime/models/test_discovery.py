"""Local model servers found on loopback: a fake Ollama and an OpenAI-compatible fake."""

from __future__ import annotations

import time

import pytest

from studio.runtime.models.discovery import discover, ollama_url
from tests.fakes.ollama_server import FakeOllama
from tests.fakes.openai_server import FakeOpenAI
from tests.runtime.models.conftest import closed_port


def test_ollama_and_an_openai_compatible_server_are_listed_as_litellm_models() -> None:
    with FakeOllama(["qwen2.5:1.5b", "llama3.2:1b"]) as ollama, FakeOpenAI() as lm_studio:
        statuses = discover(ollama=ollama.url, openai_servers={"LM Studio": lm_studio.base_url})
    by_provider = {s.provider: s for s in statuses}
    assert by_provider["Ollama"].found
    assert [m.model for m in by_provider["Ollama"].models] == [
        "ollama_chat/qwen2.5:1.5b",
        "ollama_chat/llama3.2:1b",
    ]
    assert by_provider["Ollama"].models[0].api_base == ollama.url
    assert [(m.model, m.api_base) for m in by_provider["LM Studio"].models] == [
        ("openai/fake-model", lm_studio.base_url)
    ]


def test_nothing_running_is_listed_as_not_found_and_returns_quickly() -> None:
    start = time.monotonic()
    statuses = discover(
        ollama=f"http://127.0.0.1:{closed_port()}",
        openai_servers={"LM Studio": f"http://127.0.0.1:{closed_port()}/v1"},
    )
    assert [s.found for s in statuses] == [False, False]
    assert time.monotonic() - start < 5  # generous: refused connections return at once


def test_a_non_loopback_ollama_host_is_never_contacted(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OLLAMA_HOST", "192.0.2.1:11434")
    statuses = discover(openai_servers={})
    assert not statuses[0].found and "not on this machine" in statuses[0].problem
    monkeypatch.setenv("OLLAMA_HOST", "0.0.0.0")
    assert ollama_url() == "http://127.0.0.1:11434"
