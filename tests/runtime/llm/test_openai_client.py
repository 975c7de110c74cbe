"""OpenAI-compatible servers through the openai SDK, against the loopback fake server: what is
retried, the json_schema fallback, estimated usage, cut streams, and parity with litellm."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import pytest

from studio.runtime.llm import remote as llm_remote
from studio.runtime.llm.facade import (
    ChatRequest,
    ChatResult,
    InvalidJSONOutput,
    LLMError,
    ProviderError,
    chat,
)
from tests.fakes.openai_server import FakeOpenAI, Reply

SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {"name": {"type": "string"}, "age": {"type": "integer"}},
    "required": ["name", "age"],
}


@pytest.fixture
def server() -> Iterator[FakeOpenAI]:
    with FakeOpenAI() as fake:
        yield fake


@pytest.fixture(autouse=True)
def fast_backoff(monkeypatch: pytest.MonkeyPatch) -> None:
    """Retries wait milliseconds, not seconds."""
    monkeypatch.setattr(llm_remote, "BACKOFF_BASE_S", 0.01)
    monkeypatch.setattr(llm_remote, "BACKOFF_MAX_S", 0.05)


def ask(server: FakeOpenAI, text: str = "Hi there", **options: Any) -> ChatRequest:
    options.setdefault("model", "openai/gpt-4o-mini")
    return ChatRequest(messages=[{"role": "user", "content": text}], api_base=server.base_url, **options)


def run(request: ChatRequest, tokens: list[str] | None = None) -> ChatResult:
    return asyncio.run(chat(request, on_token=tokens.append if tokens is not None else None))


def test_goes_through_the_sdk_not_litellm(server: FakeOpenAI) -> None:
    # The SDK path is chosen for an OpenAI-compatible api_base: litellm is never asked.
    assert llm_remote.sdk_target(ask(server), "openai") is not None
    assert (
        llm_remote.sdk_target(ChatRequest(model="anthropic/claude-haiku-4-5", messages=[]), "anthropic")
        is None
    )


@pytest.mark.parametrize("status", [400, 401, 404, 422])
def test_deterministic_4xx_is_not_retried(server: FakeOpenAI, status: int) -> None:
    server.fail(3, status=status, error_message="bad request body")
    with pytest.raises(ProviderError) as caught:
        run(ask(server, retries=2))
    assert server.count == 1
    assert caught.value.status_code == status
    assert server.base_url in str(caught.value)


@pytest.mark.parametrize("status", [429, 503])
def test_rate_limits_and_unavailable_are_retried(server: FakeOpenAI, status: int) -> None:
    server.fail(2, status=status).reply("third time lucky")
    result = run(ask(server, retries=2))
    assert result.text == "third time lucky"
    assert server.count == 3


def test_retries_run_out_and_say_how_many(server: FakeOpenAI) -> None:
    server.fail(5, status=503)
    with pytest.raises(ProviderError, match="after 2 attempts"):
        run(ask(server, retries=1))
    assert server.count == 2


@pytest.mark.parametrize("streaming", [False, True])
def test_json_schema_refused_falls_back_to_json_object(server: FakeOpenAI, streaming: bool) -> None:
    server.reject_json_schema = True
    server.reply({"name": "Ada", "age": 36})
    result = run(
        ask(server, response_format="json_schema", json_schema=SCHEMA, retries=3), [] if streaming else None
    )
    # One refusal, not retried; then the json_object request that succeeds.
    assert server.count == 2
    formats = [r.body["response_format"]["type"] for r in server.requests]
    assert formats == ["json_schema", "json_object"]
    assert result.parsed == {"name": "Ada", "age": 36}
    assert any("json_object" in note and "schema" in note for note in result.notes)
    # The next call to the same server does not ask for json_schema again.
    server.reply({"name": "Bob", "age": 7})
    again = run(ask(server, response_format="json_schema", json_schema=SCHEMA))
    assert server.requests[-1].body["response_format"]["type"] == "json_object"
    assert again.parsed == {"name": "Bob", "age": 7} and again.notes


def test_json_object_fallback_still_checks_the_schema(server: FakeOpenAI) -> None:
    server.reject_json_schema = True
    server.reply({"name": "Ada"})  # valid JSON, but "age" is missing
    with pytest.raises(InvalidJSONOutput, match="age"):
        run(ask(server, response_format="json_schema", json_schema=SCHEMA))
    assert server.count == 2


def test_streaming_without_a_usage_chunk_is_marked_estimated(server: FakeOpenAI) -> None:
    server.send_usage = False
    server.reply("one two three four")
    result = run(ask(server, "count to four please"), [])
    assert result.text == "one two three four"
    assert result.usage_estimated and result.usage()["usage_estimated"] is True
    # Counted with the model's tokenizer (tiktoken for gpt-4o-mini): the reply is 4 tokens.
    assert result.completion_tokens == 4
    assert result.prompt_tokens > 4
    assert result.cost_usd > 0


def test_reported_usage_is_not_marked_estimated(server: FakeOpenAI) -> None:
    server.reply("one two three four")
    streamed = run(ask(server), [])
    whole = run(ask(server))
    assert not streamed.usage_estimated and not whole.usage_estimated
    assert streamed.prompt_tokens == whole.prompt_tokens


def test_cut_stream_keeps_the_partial_text_and_its_tokens(server: FakeOpenAI) -> None:
    server.send_usage = False
    server.reply(Reply("alpha beta gamma delta epsilon", cut_after_chunks=3))
    tokens: list[str] = []
    with pytest.raises(LLMError) as caught:
        run(ask(server, retries=2), tokens)
    # Tokens were shown, so no retry (they cannot be taken back).
    assert server.count == 1
    assert "before it was complete" in str(caught.value)
    partial = caught.value.partial
    assert partial is not None
    assert partial.text == "alpha beta gamma" == "".join(tokens)
    assert partial.completion_tokens == 3 and partial.prompt_tokens > 0
    assert partial.usage_estimated and partial.finish_reason is None


def test_usage_and_cost_match_the_litellm_path(server: FakeOpenAI, monkeypatch: pytest.MonkeyPatch) -> None:
    server.reply("The capital of France is Paris.")
    sdk = run(ask(server, "Capital of France?", temperature=0))
    monkeypatch.setattr(llm_remote, "sdk_target", lambda request, provider: None)
    server.reply("The capital of France is Paris.")
    via_litellm = run(ask(server, "Capital of France?", temperature=0))
    assert server.count == 2
    assert server.requests[0].body["messages"] == server.requests[1].body["messages"]
    assert (sdk.text, sdk.finish_reason) == (via_litellm.text, via_litellm.finish_reason)
    assert (sdk.prompt_tokens, sdk.completion_tokens) == (
        via_litellm.prompt_tokens,
        via_litellm.completion_tokens,
    )
    assert sdk.cost_usd == pytest.approx(via_litellm.cost_usd) and sdk.cost_usd > 0
    assert sdk.usage_estimated is via_litellm.usage_estimated is False
