"""Query helpers for knowledge bases: metadata filters, scores, rank fusion and MMR.

Pure Python (no LanceDB), so the retriever nodes can fuse and diversify results from any source.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from studio.runtime.knowledge.embeddings import text_hash

# Columns a metadata filter can address directly in SQL; other keys are filtered in Python.
COLUMNS = {
    "source": "doc_id",
    "doc_id": "doc_id",
    "page": "page",
    "heading": "heading",
    "chunk": "chunk",
}


def sql_str(value: str) -> str:
    return "'" + str(value).replace("'", "''") + "'"


def sql_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    return sql_str(str(value))


def similarity(metric: str, distance: float) -> float:
    if metric == "cosine":
        return 1.0 - distance
    if metric == "dot":
        return 1.0 - distance  # LanceDB's dot "distance" is 1 - dot product
    return 1.0 / (1.0 + distance)


def split_filter(filter: Mapping[str, Any] | None, where: str | None) -> tuple[str | None, dict[str, Any]]:
    """SQL for filter keys that are columns (plus the raw `where`), and the rest for Python."""
    clauses = [f"({where})"] if where else []
    rest: dict[str, Any] = {}
    for key, value in (filter or {}).items():
        column = COLUMNS.get(key)
        if column is None:
            rest[key] = value
        elif isinstance(value, list | tuple | set):
            clauses.append(f"{column} IN (" + ", ".join(sql_value(v) for v in value) + ")")
        else:
            clauses.append(f"{column} = {sql_value(value)}")
    return (" AND ".join(clauses) or None), rest


def matches(metadata: Mapping[str, Any], wanted: Mapping[str, Any]) -> bool:
    for key, value in wanted.items():
        have = metadata.get(key)
        if isinstance(value, list | tuple | set):
            if have not in value:
                return False
        elif have != value:
            return False
    return True


def reciprocal_rank_fusion(
    rankings: Sequence[Sequence[Mapping[str, Any]]],
    *,
    rrf_k: int = 60,
    names: Sequence[str] | None = None,
    weights: Sequence[float] | None = None,
) -> list[dict[str, Any]]:
    """Fuse ranked document lists: each document scores sum(weight / (rrf_k + rank)) over the
    lists (weights default to 1).

    Documents are matched by `id` (or by text when they have none). The fused score replaces
    `score`; `metadata.ranks` records the rank in each list (1-based), so the fusion is visible.
    """
    scores: dict[str, float] = {}
    docs: dict[str, dict[str, Any]] = {}
    ranks: dict[str, dict[str, int]] = {}
    for list_index, ranking in enumerate(rankings):
        label = names[list_index] if names else str(list_index)
        weight = weights[list_index] if weights else 1.0
        for rank, doc in enumerate(ranking, start=1):
            key = str(doc.get("id") or text_hash(str(doc.get("text", ""))))
            scores[key] = scores.get(key, 0.0) + weight / (rrf_k + rank)
            docs.setdefault(key, dict(doc))
            ranks.setdefault(key, {}).setdefault(label, rank)
    order = sorted(scores, key=lambda key: -scores[key])
    out = []
    for key in order:
        doc = dict(docs[key])
        doc["metadata"] = {**doc.get("metadata", {}), "ranks": ranks[key]}
        doc["score"] = round(scores[key], 6)
        out.append(doc)
    return out


def mmr(
    query: Sequence[float],
    candidates: Sequence[Mapping[str, Any]],
    k: int,
    lambda_mult: float = 0.5,
) -> list[dict[str, Any]]:
    """Maximal marginal relevance: pick k candidates (each with a `vector`) that are relevant to
    the query and different from each other. lambda_mult 1 = pure relevance, 0 = pure diversity.
    """

    def cos(a: Sequence[float], b: Sequence[float]) -> float:
        dot = sum(x * y for x, y in zip(a, b, strict=True))
        norm = math.sqrt(sum(x * x for x in a)) * math.sqrt(sum(y * y for y in b))
        return dot / norm if norm else 0.0

    pool = [dict(c) for c in candidates]
    relevance = [cos(query, c["vector"]) for c in pool]
    chosen: list[int] = []
    while pool and len(chosen) < min(k, len(pool)):
        best, best_score = -1, -math.inf
        for i, candidate in enumerate(pool):
            if i in chosen:
                continue
            redundancy = max((cos(candidate["vector"], pool[j]["vector"]) for j in chosen), default=0.0)
            score = lambda_mult * relevance[i] - (1 - lambda_mult) * redundancy
            if score > best_score:
                best, best_score = i, score
        chosen.append(best)
    out = []
    for i in chosen:
        doc = {key: value for key, value in pool[i].items() if key != "vector"}
        doc["metadata"] = {**doc.get("metadata", {}), "relevance": round(relevance[i], 6)}
        out.append(doc)
    return out
