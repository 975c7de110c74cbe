"""API models through litellm, against a fake OpenAI-compatible server on 127.0.0.1."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from typing import Any

import pytest

from studio.runtime.llm import remote as llm_remote
from studio.runtime.llm.facade import (
    ChatRequest,
    ChatResult,
    InvalidJSONOutput,
    LLMError,
    LLMTimeout,
    MissingApiKey,
    ProviderError,
    chat,
)
from studio.runtime.llm.json_output import parse_json_reply
from tests.fakes.openai_server import FakeOpenAI, Reply

SECRET = "sk-test-9f8e7d6c5b4a-super-secret"


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
    """A request for the fake server."""
    options.setdefault("model", "openai/gpt-4o-mini")
    return ChatRequest(messages=[{"role": "user", "content": text}], api_base=server.base_url, **options)


def run(request: ChatRequest, tokens: list[str] | None = None) -> ChatResult:
    return asyncio.run(chat(request, on_token=tokens.append if tokens is not None else None))


def test_streams_tokens_and_reports_usage_and_cost(server: FakeOpenAI) -> None:
    server.reply("one two three four")
    tokens: list[str] = []
    result = run(ask(server, "count to four"), tokens)
    assert result.text == "one two three four"
    assert tokens == ["one", " two", " three", " four"]
    # The fake server's usage chunk (sent because we asked for include_usage) is what we report.
    assert (result.prompt_tokens, result.completion_tokens) == (6, 4)
    assert result.finish_reason == "stop"
    assert result.cost_usd > 0  # gpt-4o-mini is in litellm's bundled price list
    sent = server.requests[-1].body
    assert sent["stream"] is True and sent["stream_options"] == {"include_usage": True}
    assert sent["messages"] == [{"role": "user", "content": "count to four"}]


def test_sampling_settings_reach_the_server(server: FakeOpenAI) -> None:
    run(ask(server, temperature=0.0, max_tokens=12, top_p=0.5, seed=7, stop=["END"]))
    body = server.requests[-1].body
    assert body["temperature"] == 0.0
    assert body["max_tokens"] == 12
    assert body["top_p"] == 0.5
    assert body["seed"] == 7
    assert body["stop"] == ["END"]


def test_unpriced_model_costs_zero_without_crashing(server: FakeOpenAI) -> None:
    result = run(ask(server, model="openai/my-lm-studio-model"))
    assert result.cost_usd == 0.0
    assert result.text == server.default_text


def test_custom_api_base_gets_a_placeholder_key_not_the_real_one(
    server: FakeOpenAI, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", SECRET)
    run(ask(server))
    assert server.requests[-1].headers["authorization"] == "Bearer not-needed"
    assert SECRET not in server.log_text()


def test_named_key_is_sent_to_the_server(server: FakeOpenAI, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MY_LOCAL_KEY", SECRET)
    run(ask(server, api_key_name="MY_LOCAL_KEY"))
    assert server.requests[-1].headers["authorization"] == f"Bearer {SECRET}"


@pytest.mark.parametrize("status", [429, 500, 503])
def test_retries_transient_errors_then_succeeds(server: FakeOpenAI, status: int) -> None:
    server.fail(2, status=status).reply("finally")
    tokens: list[str] = []
    result = run(ask(server, retries=2), tokens)
    assert result.text == "finally"
    assert server.count == 3
    assert "".join(tokens) == "finally"  # failed attempts streamed nothing


def test_honours_retry_after(server: FakeOpenAI, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(llm_remote, "BACKOFF_MAX_S", 5.0)
    server.fail(1, status=429, retry_after=0.6).reply("ok")
    start = time.monotonic()
    assert run(ask(server, retries=1)).text == "ok"
    assert time.monotonic() - start >= 0.6


def test_gives_up_after_the_retries_with_the_status(server: FakeOpenAI) -> None:
    server.fail(3, status=500, error_message="the GPUs are on fire")
    with pytest.raises(ProviderError) as caught:
        run(ask(server, retries=2))
    assert server.count == 3
    assert caught.value.status_code == 500
    message = str(caught.value)
    assert "500" in message and "the GPUs are on fire" in message and "3 attempts" in message


@pytest.mark.parametrize("status", [400, 401, 404])
def test_client_errors_are_not_retried(server: FakeOpenAI, status: int) -> None:
    server.fail(1, status=status, error_message="no such thing")
    with pytest.raises(ProviderError) as caught:
        run(ask(server, retries=3))
    assert server.count == 1
    assert caught.value.status_code == status


def test_api_key_never_appears_in_errors(server: FakeOpenAI, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MY_LOCAL_KEY", SECRET)
    # A provider that echoes the key back in its error message (some do, partially).
    server.fail(1, status=401, error_message=f"Incorrect API key provided: {SECRET}")
    with pytest.raises(ProviderError) as caught:
        run(ask(server, api_key_name="MY_LOCAL_KEY", retries=0))
    assert SECRET not in str(caught.value)
    assert SECRET not in repr(caught.value.args)
    assert "***" in str(caught.value)


def test_stalled_server_times_out_within_the_cap(server: FakeOpenAI) -> None:
    server.stall = True
    start = time.monotonic()
    with pytest.raises(LLMTimeout) as caught:
        run(ask(server, timeout_s=0.5, retries=1))
    elapsed = time.monotonic() - start
    assert server.count == 2  # the timeout was retried once
    assert elapsed < 3.0
    assert "0.5 s" in str(caught.value)


def test_total_timeout_caps_all_attempts(server: FakeOpenAI) -> None:
    server.stall = True
    start = time.monotonic()
    with pytest.raises(LLMTimeout) as caught:
        run(ask(server, timeout_s=30, retries=3, total_timeout_s=0.8))
    assert time.monotonic() - start < 2.5
    assert "total_timeout_s" in str(caught.value)


def test_silence_mid_stream_times_out_without_retrying(server: FakeOpenAI) -> None:
    server.reply(Reply("alpha beta gamma delta", stall_after_chunks=2))
    tokens: list[str] = []
    with pytest.raises(LLMTimeout):
        run(ask(server, timeout_s=0.5, retries=2), tokens)
    # Tokens already shown cannot be taken back, so no second attempt repeats them.
    assert tokens == ["alpha", " beta"]
    assert server.count == 1


def test_missing_openai_key_names_the_variable_and_keyring(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CHAIN_STUDIO_NO_KEYRING", "1")
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    request = ChatRequest(model="openai/gpt-4o-mini", messages=[{"role": "user", "content": "hi"}])
    with pytest.raises(MissingApiKey) as caught:
        run(request)
    message = str(caught.value)
    assert "OPENAI_API_KEY" in message
    assert "keyring" in message and "chain-studio" in message
    assert "openai" in message.lower()


@pytest.mark.parametrize(
    ("model", "variable"),
    [
        ("anthropic/claude-3-5-haiku-latest", "ANTHROPIC_API_KEY"),
        ("gemini/gemini-2.0-flash", "GEMINI_API_KEY"),
        ("openrouter/meta-llama/llama-3.1-8b-instruct", "OPENROUTER_API_KEY"),
        ("groq/llama-3.1-8b-instant", "GROQ_API_KEY"),
        ("deepseek/deepseek-chat", "DEEPSEEK_API_KEY"),
        ("dashscope/qwen-turbo", "DASHSCOPE_API_KEY"),
        ("gpt-4o-mini", "OPENAI_API_KEY"),
        ("claude-3-5-sonnet-latest", "ANTHROPIC_API_KEY"),
    ],
)
def test_each_provider_asks_for_its_own_key(
    monkeypatch: pytest.MonkeyPatch, model: str, variable: str
) -> None:
    monkeypatch.setenv("CHAIN_STUDIO_NO_KEYRING", "1")
    monkeypatch.delenv(variable, raising=False)
    with pytest.raises(MissingApiKey) as caught:
        run(ChatRequest(model=model, messages=[{"role": "user", "content": "hi"}]))
    assert caught.value.env_var == variable
    assert variable in str(caught.value)


def test_named_key_missing_names_that_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CHAIN_STUDIO_NO_KEYRING", "1")
    monkeypatch.delenv("TEAM_OPENAI_KEY", raising=False)
    with pytest.raises(MissingApiKey, match="TEAM_OPENAI_KEY"):
        run(
            ChatRequest(
                model="openai/gpt-4o-mini",
                messages=[{"role": "user", "content": "hi"}],
                api_key_name="TEAM_OPENAI_KEY",
            )
        )


def test_local_servers_need_no_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CHAIN_STUDIO_NO_KEYRING", "1")
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    ollama = ChatRequest(model="ollama/llama3.1", messages=[])
    assert llm_remote.api_key_for(ollama, llm_remote.provider_of(ollama.model)) is None
    lm_studio = ChatRequest(model="openai/qwen", messages=[], api_base="http://127.0.0.1:1234/v1")
    assert llm_remote.api_key_for(lm_studio, "openai") is None


def test_json_mode_parses_the_reply_and_asks_for_json(server: FakeOpenAI) -> None:
    server.reply({"city": "Paris", "population": 2100000})
    result = run(ask(server, "Capital of France as JSON", response_format="json"))
    assert result.parsed == {"city": "Paris", "population": 2100000}
    body = server.requests[-1].body
    assert body["response_format"] == {"type": "json_object"}
    # OpenAI refuses JSON mode unless a message mentions JSON: we add a system note.
    assert body["messages"][0]["role"] == "system" and "JSON" in body["messages"][0]["content"]


def test_fenced_json_is_repaired(server: FakeOpenAI) -> None:
    server.reply('Sure! Here it is:\n```json\n{"answer": 42}\n```\nAnything else?')
    assert run(ask(server, response_format="json")).parsed == {"answer": 42}


def test_invalid_json_reply_raises_with_a_snippet(server: FakeOpenAI) -> None:
    server.reply("I am sorry, I cannot produce JSON today.")
    with pytest.raises(InvalidJSONOutput) as caught:
        run(ask(server, response_format="json"))
    assert "cannot produce JSON today" in str(caught.value)
    assert caught.value.reply.startswith("I am sorry")


def test_json_schema_mismatch_names_the_path(server: FakeOpenAI) -> None:
    schema = {
        "type": "object",
        "properties": {"name": {"type": "string"}, "age": {"type": "integer"}},
        "required": ["name", "age"],
    }
    server.reply({"name": "Ada", "age": "thirty-six"})
    with pytest.raises(InvalidJSONOutput) as caught:
        run(ask(server, response_format="json_schema", json_schema=schema))
    assert caught.value.path == "$.age"
    assert "$.age" in str(caught.value)
    sent = server.requests[-1].body["response_format"]
    assert sent["type"] == "json_schema" and sent["json_schema"]["schema"] == schema


def test_json_schema_match_is_parsed(server: FakeOpenAI) -> None:
    schema = {"type": "array", "items": {"type": "string"}}
    server.reply(["red", "green"])
    assert run(ask(server, response_format="json_schema", json_schema=schema)).parsed == [
        "red",
        "green",
    ]


def test_bad_requests_are_refused_before_sending(server: FakeOpenAI) -> None:
    with pytest.raises(LLMError, match="json_schema"):
        run(ask(server, response_format="json_schema"))
    with pytest.raises(LLMError, match="messages"):
        run(ChatRequest(model="openai/x", messages=[], api_base=server.base_url))
    with pytest.raises(LLMError, match=r"messages\[0\]\.role"):
        run(ChatRequest(model="openai/x", messages=[{"role": "robot", "content": "x"}]))
    assert server.count == 0


@pytest.mark.parametrize(
    ("reply", "expected"),
    [
        ('{"a": 1}', {"a": 1}),
        ("  [1, 2]\n", [1, 2]),
        ('```\n{"a": [1, {"b": 2}]}\n```', {"a": [1, {"b": 2}]}),
        ('The answer is {"ok": true}. Hope that helps!', {"ok": True}),
        ('Result: ["x", "y"] done', ["x", "y"]),
    ],
)
def test_parse_json_reply_repairs_common_wrapping(reply: str, expected: Any) -> None:
    assert parse_json_reply(reply) == expected


def test_concurrent_requests_are_answered_concurrently(server: FakeOpenAI) -> None:
    server.delay_s = 0.2

    async def many() -> list[ChatResult]:
        return await asyncio.gather(*(chat(ask(server, f"q{i}")) for i in range(32)))

    run(ask(server))  # import litellm and open the client before timing
    start = time.monotonic()
    results = asyncio.run(many())
    elapsed = time.monotonic() - start
    assert len(results) == 32 and all(r.text == server.default_text for r in results)
    assert server.max_active >= 16
    assert elapsed < 32 * 0.2 / 2  # far less than one after the other


def test_unreachable_server_is_a_clear_connection_error() -> None:
    import socket

    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    request = ChatRequest(
        model="openai/gpt-4o-mini",
        messages=[{"role": "user", "content": "hi"}],
        api_base=f"http://127.0.0.1:{port}/v1",
        retries=1,
        timeout_s=5,
    )
    start = time.monotonic()
    with pytest.raises(ProviderError, match="could not connect") as caught:
        run(request)
    assert time.monotonic() - start < 5
    assert caught.value.status_code is None


def test_unknown_bare_model_name_says_how_to_write_it() -> None:
    with pytest.raises(LLMError, match="provider/model"):
        run(ChatRequest(model="my-favourite-model", messages=[{"role": "user", "content": "hi"}]))


def test_azure_with_its_endpoint_still_needs_its_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CHAIN_STUDIO_NO_KEYRING", "1")
    monkeypatch.delenv("AZURE_API_KEY", raising=False)
    request = ChatRequest(
        model="azure/my-deployment",
        messages=[{"role": "user", "content": "hi"}],
        api_base="https://example-resource.openai.azure.com",
    )
    with pytest.raises(MissingApiKey, match="AZURE_API_KEY"):
        run(request)


def test_errors_raised_by_on_token_pass_through_unretried(server: FakeOpenAI) -> None:
    class Stop(Exception):
        pass

    def on_token(piece: str) -> None:
        raise Stop("the user pressed Stop")

    with pytest.raises(Stop):
        asyncio.run(chat(ask(server, retries=3), on_token=on_token))
    assert server.count == 1


def test_json_cut_off_by_max_tokens_says_so(server: FakeOpenAI) -> None:
    server.reply(Reply('{"summary": "a long text that never', finish_reason="length"))
    with pytest.raises(InvalidJSONOutput, match="max_tokens=16"):
        run(ask(server, response_format="json", max_tokens=16))


def test_schema_check_without_the_jsonschema_package(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    from studio.runtime.llm.json_output import schema_problem

    monkeypatch.setitem(sys.modules, "jsonschema", None)  # `import jsonschema` now fails
    schema = {
        "type": "object",
        "required": ["items"],
        "properties": {"items": {"type": "array", "items": {"type": "integer"}}},
    }
    assert schema_problem({"items": [1, 2]}, schema) is None
    assert schema_problem({}, schema) == "$: 'items' is a required property"
    assert schema_problem({"items": [1, "x"]}, schema) == "$.items[1]: 'x' is not of type 'integer'"
    assert schema_problem({"items": [True]}, schema) == "$.items[0]: True is not of type 'integer'"
