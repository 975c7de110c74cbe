"""What an API call cost: dollars from litellm's price table, and tokens counted here when the
server reported none.

litellm takes seconds to import, so a model that is not in its bundled price table (a model behind
LM Studio or a llama.cpp server) is priced at 0 from the table's JSON alone, without importing it.
"""

from __future__ import annotations

import functools
import importlib.util
import json
import os
from pathlib import Path
from typing import Any

PRICE_TABLE = "model_prices_and_context_window_backup.json"


@functools.cache
def _priced_names() -> frozenset[str] | None:
    """The model names litellm's bundled price table lists; None when it cannot be read."""
    try:
        spec = importlib.util.find_spec("litellm")
        if spec is None or spec.origin is None:
            return None
        table = json.loads((Path(spec.origin).parent / PRICE_TABLE).read_text(encoding="utf-8"))
    except (OSError, ValueError, ImportError):
        return None
    return frozenset(str(name).lower() for name in table) if isinstance(table, dict) else None


def may_be_priced(model: str) -> bool:
    """Whether litellm's price table may know `model` (as written, or without its provider)."""
    if os.environ.get("LITELLM_LOCAL_MODEL_COST_MAP", "").lower() != "true":
        return True  # litellm uses a downloaded table we cannot see: let it decide
    names = _priced_names()
    if names is None:
        return True
    lowered = model.strip().lower()
    return lowered in names or lowered.split("/", 1)[-1] in names


# Models litellm could not price: asking again costs CPU on every call for the same answer.
_unpriced: set[str] = set()


def cost_usd(model: str, prompt_tokens: int, completion_tokens: int) -> float:
    """Dollars for the tokens, from litellm's price list; 0.0 when the model is not priced."""
    if model in _unpriced or not may_be_priced(model):
        return 0.0
    from studio.runtime.llm.litellm_import import import_litellm

    litellm = import_litellm()
    try:
        prompt_cost, completion_cost = litellm.cost_per_token(
            model=model, prompt_tokens=prompt_tokens, completion_tokens=completion_tokens
        )
        return float(prompt_cost) + float(completion_cost)
    except Exception:
        _unpriced.add(model)
        return 0.0


def counted_usage(model: str, messages: list[dict[str, Any]], text: str) -> tuple[int, int]:
    """(prompt, completion) tokens counted here, with the model's tokenizer where litellm knows
    it (tiktoken for OpenAI models), else an estimate."""
    from studio.runtime.llm.tokenizer import count_message_tokens, count_tokens

    return count_message_tokens(model, messages), count_tokens(model, text) if text else 0
