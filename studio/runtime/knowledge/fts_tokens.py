"""Words for the full-text index: Chinese is segmented with jieba, other text passes through.

LanceDB's full-text tokenizer splits on spaces and punctuation, which leaves a run of Chinese
characters as one huge "word". We therefore store a second, space-joined copy of each chunk's
text (`text_tokens`) in which Chinese runs are cut into words, index that column, and cut
queries the same way.
"""

from __future__ import annotations

import re
import threading
from typing import Any

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_lock = threading.Lock()
_ready = False


def has_cjk(text: str) -> bool:
    """Whether the text contains Chinese (CJK unified ideograph) characters."""
    return bool(_CJK.search(text))


def _jieba() -> Any:
    global _ready
    import jieba

    with _lock:
        if not _ready:
            import logging

            jieba.setLogLevel(logging.WARNING)  # it prints "Building prefix dict" otherwise
            jieba.initialize()
            _ready = True
    return jieba


def segment_for_index(text: str) -> str:
    """The text with Chinese cut into words (search-engine mode: short and long words both)."""
    if not has_cjk(text):
        return text
    words = _jieba().cut_for_search(text)
    return " ".join(w for w in (w.strip() for w in words) if w)


def segment_query(text: str) -> str:
    """A query cut the way the index was, so Chinese query words match indexed words."""
    if not has_cjk(text):
        return text
    words = _jieba().cut_for_search(text)
    return " ".join(w for w in (w.strip() for w in words) if w)
