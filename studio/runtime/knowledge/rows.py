"""The row layout of a knowledge base table, and the indices kept on it.

A row is one chunk (see vectorstore.py). The full-text index covers `text_tokens`, the chunk text
with Chinese cut into words by jieba; the ANN index (IVF-PQ) is built once the table is big
enough that an exact scan would be slow.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from studio.runtime.knowledge.embeddings import text_hash
from studio.runtime.knowledge.fts_tokens import segment_for_index


class KnowledgeBaseError(RuntimeError):
    """A knowledge base operation failed; the message names the knowledge base and the cause."""


class ChunkError(KnowledgeBaseError):
    """A chunk handed to an ingest is malformed; the message names its position."""


def schema(dimension: int) -> Any:
    import pyarrow as pa

    return pa.schema(
        [
            pa.field("id", pa.string(), nullable=False),
            pa.field("doc_id", pa.string(), nullable=False),
            pa.field("chunk", pa.int32()),
            pa.field("text", pa.string()),
            pa.field("text_tokens", pa.string()),
            pa.field("vector", pa.list_(pa.float32(), dimension)),
            pa.field("metadata", pa.string()),
            pa.field("page", pa.int32()),
            pa.field("heading", pa.string()),
            pa.field("hash", pa.string()),
        ]
    )


def source_of(chunk: Mapping[str, Any], index: int) -> str:
    if not isinstance(chunk, Mapping) or not isinstance(chunk.get("text"), str):
        raise ChunkError(f"chunk #{index} is not a document with a 'text' string")
    metadata = chunk.get("metadata") or {}
    if not isinstance(metadata, Mapping):
        raise ChunkError(f"chunk #{index}: 'metadata' must be an object")
    source = metadata.get("source")
    if not source:
        raise ChunkError(f"chunk #{index} has no metadata.source (the file it came from)")
    return str(source)


def row_for(chunk: Mapping[str, Any], index: int, position: int) -> dict[str, Any]:
    source = source_of(chunk, index)
    text: str = chunk["text"]
    metadata = dict(chunk.get("metadata") or {})
    for transient in ("kb", "kb_version", "ranks"):
        metadata.pop(transient, None)
    metadata_json = json.dumps(metadata, ensure_ascii=False, sort_keys=True, default=str)
    chunk_no = metadata.get("chunk", position)
    content = text_hash(text)
    row_id = text_hash(f"{source}\x00{chunk_no}\x00{content}\x00{metadata_json}")[:32]
    page = metadata.get("page")
    heading = metadata.get("heading")
    return {
        "id": row_id,
        "doc_id": source,
        "chunk": int(chunk_no) if isinstance(chunk_no, int) else position,
        "text": text,
        "text_tokens": segment_for_index(text),
        "metadata": metadata_json,
        "page": page if isinstance(page, int) else None,
        "heading": heading if isinstance(heading, str) else None,
        "hash": content,
    }


def write_json(path: Path, data: Mapping[str, Any]) -> None:
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "w", encoding="utf-8") as handle:
        json.dump(data, handle, indent=2, sort_keys=True)
        handle.write("\n")
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)


def maintain_indices(table: Any, *, metric: str, dimension: int, ann_threshold: int) -> None:
    """Full-text index from the first rows on; ANN index past the size threshold."""
    from lancedb.index import FTS

    rows = table.count_rows()
    if rows == 0:
        return
    indices = {i.name: i for i in table.list_indices()}
    if "text_tokens_idx" not in indices:
        # "simple" splits on spaces/punctuation: right for the jieba-cut Chinese as well.
        config = FTS(base_tokenizer="simple", stem=True, remove_stop_words=True, ascii_folding=True)
        table.create_index("text_tokens", config=config, replace=True)
    if "vector_idx" not in indices and rows >= ann_threshold:
        build_ann(table, metric=metric, dimension=dimension)
        indices = {i.name: i for i in table.list_indices()}
    # Rows added since an index was built are still found, but by a scan that tokenizes them at
    # query time: 10,000 such rows made full-text queries over 100k chunks 50x slower (310 ms
    # instead of 6 ms). So fold new rows into the indices after every ingest (incremental).
    stats = [table.index_stats(name) for name in indices]
    unindexed = max((s.num_unindexed_rows for s in stats if s is not None), default=0)
    if unindexed > 0:
        from datetime import timedelta

        table.optimize(cleanup_older_than=timedelta(days=7))


def build_ann(table: Any, *, metric: str, dimension: int) -> None:
    """Build (or rebuild) the IVF-PQ vector index for the table's metric."""
    from lancedb.index import IvfPq

    partitions = max(16, int(table.count_rows() ** 0.5))
    sub_vectors = dimension // 8 if dimension % 8 == 0 else None
    config = IvfPq(
        distance_type=metric,  # type: ignore[arg-type]
        num_partitions=partitions,
        num_sub_vectors=sub_vectors,
    )
    table.create_index("vector", config=config, replace=True)


def has_ann(table: Any) -> bool:
    """Whether the vector column has an ANN index."""
    return any(i.name == "vector_idx" for i in table.list_indices())
