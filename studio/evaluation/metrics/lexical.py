"""Text pieces the model-free metrics compare: words, figures, claims, and how well text supports text.

Chinese has no spaces, so CJK text is compared by character bigrams; Latin text by lower-cased
words without stop words. Figures (numbers with their units) are compared exactly, because an
invented figure is the error a small model makes most and the one a user is hurt by most.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

_WORD = re.compile(r"[a-z0-9]+(?:['.][a-z0-9]+)*|[\u3400-\u9fff\uf900-\ufaff]+")
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
# Latin sentence ends need a space after them ("1.7 litres" is one sentence); CJK ones do not.
_SENTENCE = re.compile(r"(?<=[.!?;])\s+|(?<=[。！？；])\s*|\n+")
# Citation markers and the "Sources:" block a RAG flow appends are not claims about the world.
_SOURCES_BLOCK = re.compile(r"\n\s*(sources|references|来源|参考)\s*[:：].*\Z", re.IGNORECASE | re.DOTALL)
_CITATION = re.compile(r"\[\d+(?:\s*[,-]\s*\d+)*\]")

_NUMBER_WORDS = {
    "one": "1",
    "two": "2",
    "twice": "2",
    "three": "3",
    "four": "4",
    "five": "5",
    "six": "6",
    "seven": "7",
    "eight": "8",
    "nine": "9",
    "ten": "10",
    "fifteen": "15",
    "twenty": "20",
    "thirty": "30",
    "一": "1",
    "两": "2",
    "二": "2",
    "三": "3",
    "四": "4",
    "五": "5",
    "六": "6",
    "十": "10",
}

STOP_WORDS = frozenset(
    [
        "a",
        "an",
        "the",
        "and",
        "or",
        "but",
        "of",
        "to",
        "in",
        "on",
        "at",
        "by",
        "for",
        "with",
        "from",
        "as",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "being",
        "it",
        "its",
        "this",
        "that",
        "these",
        "those",
        "you",
        "your",
        "yours",
        "we",
        "our",
        "they",
        "their",
        "he",
        "she",
        "his",
        "her",
        "i",
        "me",
        "my",
        "do",
        "does",
        "did",
        "can",
        "could",
        "will",
        "would",
        "should",
        "may",
        "might",
        "must",
        "shall",
        "have",
        "has",
        "had",
        "not",
        "no",
        "yes",
        "so",
        "if",
        "then",
        "than",
        "there",
        "here",
        "what",
        "which",
        "who",
        "whom",
        "when",
        "where",
        "why",
        "how",
        "about",
        "into",
        "out",
        "up",
        "down",
        "over",
        "under",
        "again",
        "also",
        "just",
        "only",
        "very",
        "too",
        "all",
        "any",
        "each",
        "both",
        "more",
        "most",
        "some",
        "such",
        "own",
        "same",
        "other",
        "please",
    ]
)


# Characters that carry grammar, not content (the CJK counterpart of STOP_WORDS).
_CJK_FUNCTION = frozenset("的了是在和与或也就都而及请您你我他她它们这那个把被将会吗呢吧啊")


def strip_citations(text: str) -> str:
    """The answer without citation markers ([1]) and a trailing "Sources:" block."""
    return _CITATION.sub("", _SOURCES_BLOCK.sub("", text or ""))


def normalise(text: str) -> str:
    """Lower case, single spaces, no surrounding punctuation (for exact comparison)."""
    return " ".join(re.sub(r"[^\w\s\u3400-\u9fff]", " ", (text or "").lower()).split())


def tokens(text: str) -> list[str]:
    """Content tokens: Latin words without stop words, CJK character bigrams (and single characters)."""
    out: list[str] = []
    for word in _WORD.findall((text or "").lower()):
        if _CJK.match(word):
            # Characters catch a paraphrase, pairs keep some word order: both count.
            out.extend(char for char in word if char not in _CJK_FUNCTION)
            out.extend(word[i : i + 2] for i in range(len(word) - 1))
        elif word not in STOP_WORDS:
            out.append(word)
    return out


def figures(text: str) -> set[str]:
    """The numbers a text states ("4 minutes", "2200 W", "两年" -> {"4", "2200", "2"})."""
    text = text or ""
    # Digits glued to letters before them are codes (E1, AK2), not figures.
    found = {n.replace(",", "") for n in re.findall(r"(?<![A-Za-z\d.])\d+(?:[.,]\d+)?", text)}
    lowered = text.lower()
    for word, digit in _NUMBER_WORDS.items():
        if _CJK.match(word):
            # A CJK numeral counts only before a measure word, so "一下" is not "1".
            if re.search(re.escape(word) + r"[个年次遍声秒分钟小时天周月升伏瓦位汤匙厘米千克度]", text):
                found.add(digit)
        elif re.search(rf"\b{word}\b", lowered):
            found.add(digit)
    return found


def claims(text: str) -> list[str]:
    """The sentences of a text that state something (citations and the sources block removed)."""
    pieces = [p.strip(" -*•\t") for p in _SENTENCE.split(strip_citations(text))]
    return [p for p in pieces if len(tokens(p)) >= 1 and re.search(r"\w", p)]


def recall(part: Iterable[str], whole: Iterable[str]) -> float:
    """The share of `part`'s tokens (with multiplicity) found in `whole`."""
    need = Counter(part)
    if not need:
        return 0.0
    have = Counter(whole)
    return sum(min(count, have[token]) for token, count in need.items()) / sum(need.values())


def f1(predicted: list[str], reference: list[str]) -> float:
    """Token F1 (SQuAD style) between two token lists."""
    if not predicted or not reference:
        return 0.0
    common = sum((Counter(predicted) & Counter(reference)).values())
    if common == 0:
        return 0.0
    precision = common / len(predicted)
    rec = common / len(reference)
    return 2 * precision * rec / (precision + rec)


def lcs_length(a: list[str], b: list[str]) -> int:
    """Length of the longest common subsequence (for ROUGE-L)."""
    if not a or not b:
        return 0
    previous = [0] * (len(b) + 1)
    for token in a:
        current = [0]
        for j, other in enumerate(b, start=1):
            current.append(previous[j - 1] + 1 if token == other else max(previous[j], current[j - 1]))
        previous = current
    return previous[-1]


SUPPORT_THRESHOLD = 0.6


def support(claim: str, sources: list[str]) -> tuple[float, set[str]]:
    """How well `sources` back a claim: its best token recall against one source, and its figures
    that no source states (a claim with an unsupported figure is unsupported whatever its words)."""
    claim_tokens = tokens(claim)
    best = max((recall(claim_tokens, tokens(source)) for source in sources), default=0.0)
    stated = set().union(*(figures(source) for source in sources)) if sources else set()
    return best, figures(claim) - stated


def supported(claim: str, sources: list[str]) -> bool:
    """Whether a claim is backed by the sources (enough of its words, and every figure)."""
    overlap, unsupported_figures = support(claim, sources)
    return overlap >= SUPPORT_THRESHOLD and not unsupported_figures
