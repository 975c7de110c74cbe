"""Token counts, context windows and trimming, for the local model and for API models."""

from __future__ import annotations

from pathlib import Path

import pytest

from studio.runtime.llm.facade import BUILTIN_MODEL, ModelNotFound
from studio.runtime.llm.tokenizer import (
    DEFAULT_CONTEXT_WINDOW,
    ELLIPSIS,
    context_window,
    count_message_tokens,
    count_tokens,
    estimate_tokens,
    trim_text_to_tokens,
)

LOCAL = BUILTIN_MODEL
API = "openai/gpt-4o-mini"
LONG = " ".join(f"Sentence number {i} is about foxes and dogs." for i in range(200))


def test_estimate_counts_cjk_characters_one_each() -> None:
    assert estimate_tokens("") == 0
    assert estimate_tokens("abcd" * 10) == 10
    assert estimate_tokens("你好世界") == 4
    assert estimate_tokens("こんにちは") == 5
    assert estimate_tokens("你好 world!") == 2 + 2  # two ideographs + ceil(7 / 4)


def test_local_model_uses_its_own_tokenizer() -> None:
    assert count_tokens(LOCAL, "") == 0
    short = count_tokens(LOCAL, "Hello world")
    assert 1 <= short <= 4
    assert count_tokens(LOCAL, LONG) > 10 * short


def test_local_message_count_includes_the_chat_template() -> None:
    messages = [
        {"role": "system", "content": "You are brief."},
        {"role": "user", "content": "Hello world"},
    ]
    contents = count_tokens(LOCAL, "You are brief.") + count_tokens(LOCAL, "Hello world")
    total = count_message_tokens(LOCAL, messages)
    assert total > contents + 4  # role markers and the generation prompt
    # Same number as the model itself reports for this prompt (checked in test_llm_local).
    assert count_message_tokens(LOCAL, [{"role": "user", "content": "Say hello in five words."}]) == 36


def test_local_context_window_is_what_the_model_is_loaded_with() -> None:
    assert context_window(LOCAL) == 2048


def test_missing_local_model_is_an_error_not_a_guess(tmp_path: Path) -> None:
    with pytest.raises(ModelNotFound, match=r"absent\.gguf"):
        count_tokens(str(tmp_path / "absent.gguf"), "text")


def test_api_model_counts_with_litellm_offline() -> None:
    assert count_tokens(API, "hello world") == 2
    assert count_message_tokens(API, [{"role": "user", "content": "hello world"}]) > 2
    assert context_window(API) == 128000


def test_names_that_would_download_a_tokenizer_do_not() -> None:
    # "llama-3" names make litellm fetch a Hugging Face tokenizer unless told not to.
    assert count_tokens("groq/llama-3.1-8b-instant", "hello world") >= 1


def test_unknown_api_model_falls_back() -> None:
    assert context_window("openai/some-model-on-my-lm-studio") == DEFAULT_CONTEXT_WINDOW
    assert count_tokens("openai/some-model-on-my-lm-studio", "hello world") >= 1


def test_fallback_when_litellm_is_unusable(monkeypatch: pytest.MonkeyPatch) -> None:
    from studio.runtime.llm import tokenizer

    monkeypatch.setattr(tokenizer, "_litellm", lambda: None)
    assert count_tokens(API, "abcdefgh") == 2
    assert count_message_tokens(API, [{"role": "user", "content": "abcdefgh"}]) == 3 + 4 + 2
    assert context_window(API) == DEFAULT_CONTEXT_WINDOW


@pytest.mark.parametrize("model", [LOCAL, API])
def test_text_that_fits_is_untouched(model: str) -> None:
    assert trim_text_to_tokens(model, "short text", 100) == "short text"


@pytest.mark.parametrize("model", [LOCAL, API])
def test_keep_start(model: str) -> None:
    trimmed = trim_text_to_tokens(model, LONG, 50, "start")
    assert LONG.startswith(trimmed)
    assert 40 <= count_tokens(model, trimmed) <= 50
    assert LONG[len(trimmed)] == " "  # cut between words


@pytest.mark.parametrize("model", [LOCAL, API])
def test_keep_end(model: str) -> None:
    trimmed = trim_text_to_tokens(model, LONG, 50, "end")
    assert LONG.endswith(trimmed)
    assert 40 <= count_tokens(model, trimmed) <= 50
    # cut between words: at a space or just after one
    assert trimmed[0] == " " or LONG[len(LONG) - len(trimmed) - 1] == " "


@pytest.mark.parametrize("model", [LOCAL, API])
def test_keep_middle_cuts_the_middle_out(model: str) -> None:
    trimmed = trim_text_to_tokens(model, LONG, 60, "middle")
    head, tail = trimmed.split(ELLIPSIS)
    assert LONG.startswith(head) and LONG.endswith(tail)
    assert head and tail
    assert count_tokens(model, trimmed) <= 60


def test_trim_edge_cases() -> None:
    assert trim_text_to_tokens(API, LONG, 0) == ""
    assert trim_text_to_tokens(API, "", 10) == ""
    with pytest.raises(ValueError, match="keep"):
        trim_text_to_tokens(API, LONG, 10, "both")  # type: ignore[arg-type]


def test_trim_cjk_text_without_spaces() -> None:
    text = "这是一个很长的中文句子。" * 50
    trimmed = trim_text_to_tokens(LOCAL, text, 20, "start")
    assert text.startswith(trimmed) and trimmed
    assert count_tokens(LOCAL, trimmed) <= 20
