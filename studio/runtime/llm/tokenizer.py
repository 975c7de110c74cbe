"""Count tokens, know a model's context window, and cut text to fit it.

Local models use their own GGUF tokenizer (loaded vocabulary-only, cached). API models use
litellm's tokenizers (bundled, never downloaded) and fall back to an estimate: one token per CJK
character, one per four other characters.
"""

from __future__ import annotations

import math
import re
from typing import Any, Literal

from studio.runtime.llm.local import is_local_model

Keep = Literal["start", "end", "middle"]

# When litellm does not know a model's window (a local server's model, an offline lookup).
DEFAULT_CONTEXT_WINDOW = 4096
# What "middle" puts where it cut text out.
ELLIPSIS = "\n…\n"
# Tokens of role markup around each message in a chat prompt, when only an estimate is possible.
_PER_MESSAGE = 4
_PER_REPLY = 3

# CJK ideographs, kana, hangul and full-width forms: about one token each in common tokenizers.
_CJK = re.compile(
    "[\u2e80-\u2fdf\u3000-\u303f\u3040-\u30ff\u3100-\u312f\u3130-\u318f\u31a0-\u31ff"
    "\u3400-\u4dbf\u4e00-\u9fff\ua960-\ua97f\uac00-\ud7af\uf900-\ufaff\uff00-\uffef"
    "\U00020000-\U0002fa1f]"
)


def estimate_tokens(text: str) -> int:
    """A tokenizer-free estimate: each CJK character is a token, other text ~4 characters each."""
    if not text:
        return 0
    cjk = len(_CJK.findall(text))
    return cjk + math.ceil((len(text) - cjk) / 4)


def _content_text(message: dict[str, Any]) -> str:
    content = message.get("content")
    if content is None:
        return ""
    if isinstance(content, str):
        return content
    if isinstance(content, list):  # OpenAI-style parts: count the text ones
        return "".join(str(part.get("text", "")) for part in content if isinstance(part, dict))
    return str(content)


def _local(model: str) -> Any:
    from studio.runtime.llm.local import load_model, resolve_local_model

    return load_model(resolve_local_model(model), vocab_only=True)


def _litellm() -> Any | None:
    """litellm, set never to download a tokenizer (offline it would hang); None if unusable."""
    try:
        from studio.runtime.llm.litellm_import import import_litellm

        litellm = import_litellm()
    except Exception:
        return None
    # Without this, "llama-3"/"command-r" names fetch a tokenizer from the Hugging Face Hub.
    litellm.disable_hf_tokenizer_download = True
    return litellm


def count_tokens(model: str, text: str) -> int:
    """Tokens `text` takes for `model` (ModelNotFound for a missing local .gguf)."""
    if not text:
        return 0
    if is_local_model(model):
        loaded = _local(model)
        with loaded.lock:
            return len(loaded.llama.tokenize(text.encode("utf-8"), add_bos=False, special=False))
    litellm = _litellm()
    if litellm is not None:
        try:
            return int(litellm.token_counter(model=model, text=text))
        except Exception:
            pass
    return estimate_tokens(text)


def count_message_tokens(model: str, messages: list[dict[str, Any]]) -> int:
    """Tokens a message list takes as a prompt for `model`, role markup included."""
    if not messages:
        return 0
    if is_local_model(model):
        from studio.runtime.llm.local import count_prompt_tokens

        loaded = _local(model)
        with loaded.lock:
            return count_prompt_tokens(loaded.llama, messages)
    litellm = _litellm()
    if litellm is not None:
        try:
            return int(litellm.token_counter(model=model, messages=messages))
        except Exception:
            pass
    return _PER_REPLY + sum(_PER_MESSAGE + estimate_tokens(_content_text(message)) for message in messages)


def context_window(model: str) -> int:
    """How many tokens of input the model takes (for local models: what they are loaded with)."""
    if is_local_model(model):
        from studio.runtime.llm.local import LOCAL_N_CTX, trained_context

        trained = trained_context(_local(model).llama)
        return min(LOCAL_N_CTX, trained) if trained > 0 else LOCAL_N_CTX
    litellm = _litellm()
    if litellm is not None:
        try:
            info = litellm.get_model_info(model=model)
            window = info.get("max_input_tokens") or info.get("max_tokens")
            if window:
                return int(window)
        except Exception:
            pass
    return DEFAULT_CONTEXT_WINDOW


def _longest(fits: Any, length: int) -> int:
    """The largest n in [0, length] with fits(n) true, assuming fits is monotone."""
    low, high = 0, length
    while low < high:
        middle = (low + high + 1) // 2
        if fits(middle):
            low = middle
        else:
            high = middle - 1
    return low


_WORD_SLACK = 40  # characters we give up to avoid cutting a word in half


def _cut_back(text: str, n: int) -> int:
    """Move a cut at `n` (keeping text[:n]) back to the previous space if it splits a word."""
    if 0 < n < len(text) and not text[n].isspace() and not text[n - 1].isspace():
        space = max(text.rfind(" ", n - _WORD_SLACK, n), text.rfind("\n", n - _WORD_SLACK, n))
        if space > 0:
            return space
    return n


def _cut_forward(text: str, start: int) -> int:
    """Move a cut at `start` (keeping text[start:]) forward past a split word."""
    if 0 < start < len(text) and not text[start].isspace() and not text[start - 1].isspace():
        candidates = [
            i
            for i in (text.find(" ", start, start + _WORD_SLACK), text.find("\n", start, start + _WORD_SLACK))
            if i >= 0
        ]
        if candidates:
            return min(candidates) + 1
    return start


def trim_text_to_tokens(model: str, text: str, max_tokens: int, keep: Keep = "start") -> str:
    """Cut `text` to at most `max_tokens` tokens for `model`.

    keep="start" keeps the beginning, "end" the end, and "middle" cuts the middle out, keeping
    the beginning and the end joined by an ellipsis line.
    """
    if keep not in ("start", "end", "middle"):
        raise ValueError(f"keep: {keep!r} is not one of start, end, middle")
    if max_tokens <= 0 or not text:
        return ""
    if count_tokens(model, text) <= max_tokens:
        return text
    if keep == "start":
        n = _longest(lambda n: count_tokens(model, text[:n]) <= max_tokens, len(text))
        return text[: _cut_back(text, n)]
    if keep == "end":
        n = _longest(lambda n: count_tokens(model, text[len(text) - n :]) <= max_tokens, len(text))
        return text[_cut_forward(text, len(text) - n) :]
    budget = max_tokens - count_tokens(model, ELLIPSIS)
    if budget <= 1:
        return trim_text_to_tokens(model, text, max_tokens, "start")
    head_budget = (budget + 1) // 2
    head_len = _longest(lambda n: count_tokens(model, text[:n]) <= head_budget, len(text))
    head = text[: _cut_back(text, head_len)]
    rest = text[len(head) :]

    def tail_fits(n: int) -> bool:
        candidate = head + ELLIPSIS + rest[len(rest) - n :]
        return count_tokens(model, candidate) <= max_tokens

    tail_len = _longest(tail_fits, len(rest))
    return head + ELLIPSIS + rest[_cut_forward(rest, len(rest) - tail_len) :]
