"""Which embedding models understand Chinese, and what that means for hybrid search weights.

The model catalogue (`studio.runtime.models.catalogue`, data in `assets/models/catalogue.json`)
says per embedder whether it is good in Chinese. A model it does not list falls back to the old
rule: only the built-in English-only model (and its aliases) is treated as not knowing Chinese.
"""

from __future__ import annotations

from studio.runtime.knowledge.embeddings import ENGLISH_ONLY
from studio.runtime.knowledge.fts_tokens import has_cjk

__all__ = ["default_vector_weight", "good_in_chinese"]


def _catalogue_says(model: str) -> bool | None:
    """The catalogue's `good_in_chinese` for this model name, or None when it does not list it."""
    try:
        from studio.runtime.models.catalogue import embedder_entry
    except ImportError:  # a build without the model catalogue: fall back to the built-in rule
        return None
    for name in dict.fromkeys((model, model.removeprefix("local/"), model.removeprefix("fastembed/"))):
        try:
            entry = embedder_entry(name)
        except Exception:  # an unreadable catalogue must not break searching
            return None
        if entry is not None:
            return bool(entry.good_in_chinese)
    return None


def good_in_chinese(model: str) -> bool:
    """Whether vectors of this embedding model carry meaning for Chinese text."""
    said = _catalogue_says(model)
    if said is not None:
        return said
    return model.strip().lower() not in ENGLISH_ONLY


def default_vector_weight(model: str, query: str) -> float:
    """The vector half's weight in hybrid search when the user set none.

    1 (equal to full text), except for a Chinese (CJK) query on a model that does not know
    Chinese: its vectors would only add noise there, so the weight is 0 (hybrid = full text).
    """
    if not has_cjk(query):
        return 1.0
    return 1.0 if good_in_chinese(model) else 0.0
