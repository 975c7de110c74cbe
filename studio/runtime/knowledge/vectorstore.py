"""Knowledge bases: one LanceDB database folder per knowledge base in the user data folder.

Layout of `<data>/kb/<name>/`: `kb.json` (embedding model, dimension, metric, created), the
LanceDB table `chunks.lance/`, and `writer.lock` (see kb_lock.py). A folder without `kb.json` is
not a knowledge base (a create that did not finish).

A row is one chunk: `id` (hash of source, position, text and metadata), `doc_id` (the source),
`chunk` (position in the source), `text`, `text_tokens` (the text with Chinese cut into words,
for the full-text index), `vector`, `metadata` (JSON), `page`, `heading`, `hash` (sha256 of the
text). `upsert_documents` is idempotent: a source whose chunks are unchanged is skipped, a changed
source has its chunks replaced in one atomic commit (LanceDB `merge_insert`), so a killed ingest
leaves the table at its last committed version.
"""

from __future__ import annotations

import builtins
import json
import os
import re
import shutil
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from studio.runtime import paths
from studio.runtime.knowledge.embeddings import DEFAULT_MODEL, Embedder, get_embedder
from studio.runtime.knowledge.fts_tokens import segment_query
from studio.runtime.knowledge.languages import default_vector_weight
from studio.runtime.knowledge.lock import DEFAULT_TIMEOUT_S, WriterLock
from studio.runtime.knowledge.query import (
    matches,
    reciprocal_rank_fusion,
    similarity,
    split_filter,
    sql_str,
)
from studio.runtime.knowledge.rows import (
    KnowledgeBaseError,
    build_ann,
    maintain_indices,
    row_for,
    schema,
    source_of,
    write_json,
)

__all__ = [
    "DimensionMismatch",
    "IngestReport",
    "KnowledgeBase",
    "KnowledgeBaseError",
    "KnowledgeBaseNotFound",
    "SearchResult",
    "kb_root",
    "list_knowledge_bases",
    "open_or_create",
    "reciprocal_rank_fusion",
]

TABLE = "chunks"
META_FILE = "kb.json"
METRICS = ("cosine", "l2", "dot")
ANN_THRESHOLD = 50_000  # rows; below this an exact (flat) scan is fast enough and exact
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
# Columns a metadata filter can address directly in SQL; other keys are filtered in Python.
_ROWS_PER_COMMIT = 4096
_OUT_COLUMNS = ["id", "doc_id", "chunk", "text", "metadata"]
_POOL: Any = None


def _search_pool() -> Any:
    """Threads that run the vector half of hybrid searches."""
    global _POOL
    if _POOL is None:
        from concurrent.futures import ThreadPoolExecutor

        _POOL = ThreadPoolExecutor(max_workers=4, thread_name_prefix="kb-search")
    return _POOL


def _lancedb() -> Any:
    """lancedb on first use, its log quiet below errors (else a first ingest prints a WARN)."""
    os.environ.setdefault("LANCEDB_LOG", "error")
    import lancedb

    return lancedb


class KnowledgeBaseNotFound(KnowledgeBaseError):
    """No knowledge base of that name exists."""


class DimensionMismatch(KnowledgeBaseError):
    """Vectors of the wrong length for this knowledge base."""


@dataclass
class SearchResult:
    """Documents found, best first, and the table version they were read from."""

    documents: list[dict[str, Any]]
    version: int
    kb: str


@dataclass
class IngestReport:
    """What an upsert did."""

    added_chunks: int = 0
    removed_chunks: int = 0
    changed_sources: list[str] = field(default_factory=list)
    unchanged_sources: list[str] = field(default_factory=list)
    embedded: int = 0  # texts the model actually embedded (the rest came from the cache)
    version: int = 0

    def as_dict(self) -> dict[str, Any]:
        """JSON-friendly form."""
        return {
            "added_chunks": self.added_chunks,
            "removed_chunks": self.removed_chunks,
            "changed_sources": self.changed_sources,
            "unchanged_sources": len(self.unchanged_sources),
            "embedded": self.embedded,
            "version": self.version,
        }


def kb_root() -> Path:
    """The folder holding every knowledge base."""
    return paths.sub_dir("kb")


def check_name(name: str) -> str:
    """A knowledge base name is also a folder name: letters, digits, '_', '-', '.'."""
    if not isinstance(name, str) or not _NAME.match(name):
        raise KnowledgeBaseError(
            f"invalid knowledge base name {name!r}: use 1-64 letters, digits, '_', '-' or '.',"
            " starting with a letter or digit"
        )
    return name


def list_knowledge_bases() -> list[str]:
    """Names of the existing knowledge bases, sorted."""
    root = kb_root()
    return sorted(p.name for p in root.iterdir() if (p / META_FILE).is_file())


class KnowledgeBase:
    """An open knowledge base. Create with `create`, open with `open`."""

    def __init__(self, name: str, folder: Path, meta: dict[str, Any]):
        self.name = name
        self.folder = folder
        self.meta = meta
        self._table: Any = None
        self._index_cache: tuple[int, set[str]] | None = None

    # ----------------------------------------------------------------- lifecycle
    @classmethod
    def create(
        cls,
        name: str,
        *,
        embedding_model: str = DEFAULT_MODEL,
        metric: str = "cosine",
        dimension: int | None = None,
        exist_ok: bool = False,
        lock_timeout: float = DEFAULT_TIMEOUT_S,
    ) -> KnowledgeBase:
        """Create an empty knowledge base (or open it when `exist_ok` and it exists)."""
        check_name(name)
        if metric not in METRICS:
            raise KnowledgeBaseError(f"metric must be one of {', '.join(METRICS)}, not {metric!r}")
        folder = kb_root() / name
        if (folder / META_FILE).is_file():
            if exist_ok:
                return cls.open(name)
            raise KnowledgeBaseError(f"knowledge base '{name}' already exists")
        if dimension is None:
            dimension = get_embedder(embedding_model).dimension
        with WriterLock(folder, name=name, timeout=lock_timeout):
            if (folder / META_FILE).is_file():  # made by another process while we waited
                if exist_ok:
                    return cls.open(name)
                raise KnowledgeBaseError(f"knowledge base '{name}' already exists")
            db = _lancedb().connect(str(folder))
            db.create_table(TABLE, schema=schema(dimension), mode="overwrite")
            meta = {
                "name": name,
                "embedding_model": embedding_model,
                "dimension": int(dimension),
                "metric": metric,
                "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                "format": 1,
                "ann_threshold": ANN_THRESHOLD,
            }
            write_json(folder / META_FILE, meta)  # last: its presence means "complete"
        return cls(name, folder, meta)

    @classmethod
    def open(cls, name: str) -> KnowledgeBase:
        """Open an existing knowledge base; a clear error (listing the existing ones) if absent."""
        check_name(name)
        folder = kb_root() / name
        meta_path = folder / META_FILE
        if not meta_path.is_file():
            existing = list_knowledge_bases()
            hint = f"existing: {', '.join(existing)}" if existing else "there are none yet"
            raise KnowledgeBaseNotFound(
                f"knowledge base '{name}' does not exist ({hint}); ingest documents into it first"
            )
        try:
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise KnowledgeBaseError(f"knowledge base '{name}': cannot read {meta_path}: {exc}") from exc
        return cls(name, folder, meta)

    @staticmethod
    def list() -> builtins.list[str]:
        """Names of the existing knowledge bases."""
        return list_knowledge_bases()

    @staticmethod
    def delete(name: str, *, lock_timeout: float = DEFAULT_TIMEOUT_S) -> None:
        """Delete a knowledge base and its files (waits for a running writer first)."""
        check_name(name)
        folder = kb_root() / name
        if not (folder / META_FILE).is_file():
            KnowledgeBase.open(name)  # raises the not-found error
        with WriterLock(folder, name=name, timeout=lock_timeout):
            # Remove the marker first so no one opens a half-deleted folder.
            (folder / META_FILE).unlink(missing_ok=True)
            for child in folder.iterdir():
                if child.name == "writer.lock":
                    continue
                if child.is_dir() and not child.is_symlink():
                    shutil.rmtree(child)
                else:
                    child.unlink()
        shutil.rmtree(folder, ignore_errors=True)

    # ----------------------------------------------------------------- properties
    @property
    def embedding_model(self) -> str:
        return str(self.meta["embedding_model"])

    @property
    def dimension(self) -> int:
        return int(self.meta["dimension"])

    @property
    def metric(self) -> str:
        return str(self.meta["metric"])

    def table(self) -> Any:
        """The LanceDB table, opened on first use and refreshed to the latest version."""
        if self._table is None:
            try:
                self._table = _lancedb().connect(str(self.folder)).open_table(TABLE)
            except Exception as exc:
                raise KnowledgeBaseError(
                    f"knowledge base '{self.name}': cannot open its table: {exc}"
                ) from exc
        else:
            self._table.checkout_latest()
        return self._table

    def _indices(self, table: Any, version: int) -> set[str]:
        """Index names of the table, remembered per table version (listing costs a file read)."""
        if self._index_cache is None or self._index_cache[0] != version:
            self._index_cache = (version, {i.name for i in table.list_indices()})
        return self._index_cache[1]

    @property
    def version(self) -> int:
        """The table version readers currently see."""
        return int(self.table().version)

    def count(self) -> int:
        """Number of chunks."""
        return int(self.table().count_rows())

    def info(self) -> dict[str, Any]:
        """Settings and size, for `studio kb show`."""
        table = self.table()
        indices = []
        for index in table.list_indices():
            indices.append(
                {"name": index.name, "type": str(index.index_type), "columns": list(index.columns)}
            )
        return {
            **self.meta,
            "chunks": int(table.count_rows()),
            "sources": len(self.sources()),
            "version": int(table.version),
            "indices": indices,
            "path": str(self.folder),
        }

    def sources(self) -> dict[str, int]:
        """Chunk count per source."""
        counts: dict[str, int] = {}
        for doc_id in self._scan(["doc_id"])["doc_id"].to_pylist():
            counts[doc_id] = counts.get(doc_id, 0) + 1
        return counts

    def _scan(self, columns: builtins.list[str], where: str | None = None) -> Any:
        query = self.table().search().select(columns)
        if where:
            query = query.where(where)
        return query.limit(None).to_arrow()

    def embedder(self) -> Embedder:
        """The embedder of this knowledge base's model."""
        return get_embedder(self.embedding_model)

    # ----------------------------------------------------------------- writing
    def upsert_documents(
        self,
        chunks: Sequence[Mapping[str, Any]],
        *,
        embedder: Embedder | None = None,
        vectors: Sequence[Sequence[float]] | None = None,
        lock_timeout: float = DEFAULT_TIMEOUT_S,
        on_progress: Callable[[int, int], None] | None = None,
        check_cancel: Callable[[], None] | None = None,
    ) -> IngestReport:
        """Add or replace chunks, grouped by `metadata.source`; unchanged sources are skipped.

        `vectors` (one per chunk) skips embedding; otherwise `embedder` (default: the knowledge
        base's model) embeds the chunks of changed sources. Vectors of another length than the
        knowledge base's dimension raise DimensionMismatch before anything is written.
        """
        import numpy as np

        if vectors is not None and len(vectors) != len(chunks):
            raise KnowledgeBaseError(f"{len(vectors)} vectors given for {len(chunks)} chunks")
        for vec in vectors if vectors is not None else ():
            if len(vec) != self.dimension:
                raise self._mismatch(len(vec), "the given vectors")
        if embedder is not None and vectors is None and embedder.dimension != self.dimension:
            raise self._mismatch(embedder.dimension, embedder.model_name)
        rows_by_source: dict[str, builtins.list[dict[str, Any]]] = {}
        for index, chunk in enumerate(chunks):
            row = row_for(chunk, index, len(rows_by_source.get(source_of(chunk, index), [])))
            if vectors is not None:
                row["_vector"] = vectors[index]
            rows_by_source.setdefault(row["doc_id"], []).append(row)

        report = IngestReport()
        existing: dict[str, set[str]] = {}
        if rows_by_source:
            for doc_id, row_id in zip(*self._scan_ids(), strict=True):
                existing.setdefault(doc_id, set()).add(row_id)
        changed = []
        for source, rows in rows_by_source.items():
            if {r["id"] for r in rows} == existing.get(source, set()):
                report.unchanged_sources.append(source)
            else:
                changed.append(source)
        report.changed_sources = changed
        todo = [r for s in changed for r in rows_by_source[s]]

        if todo and vectors is None:
            embedder = embedder or self.embedder()
            if embedder.dimension != self.dimension:
                raise self._mismatch(embedder.dimension, embedder.model_name)
            before = embedder.embedded_count
            array = embedder.embed_array([r["text"] for r in todo], on_progress=on_progress)
            report.embedded = embedder.embedded_count - before
        elif todo:
            array = np.asarray([r.pop("_vector") for r in todo], dtype=np.float32)
        else:
            array = np.zeros((0, self.dimension), dtype=np.float32)
        if todo and (array.ndim != 2 or array.shape[1] != self.dimension):
            got = array.shape[1] if array.ndim == 2 else "ragged"
            raise self._mismatch(got, embedder.model_name if embedder else "the given vectors")
        for row, vec in zip(todo, array, strict=True):
            row.pop("_vector", None)
            row["vector"] = vec

        if not changed:
            report.version = self.version
            return report
        with WriterLock(self.folder, name=self.name, timeout=lock_timeout):
            if not (self.folder / META_FILE).is_file():
                raise KnowledgeBaseNotFound(f"knowledge base '{self.name}' does not exist (deleted)")
            table = self.table()
            # Commit a few thousand rows at a time, whole sources per commit, so that a source
            # is never half replaced and a huge ingest shows progress in committed versions.
            batch: builtins.list[str] = []
            size = 0
            for source in changed:
                batch.append(source)
                size += len(rows_by_source[source])
                if size >= _ROWS_PER_COMMIT:
                    self._commit(table, batch, rows_by_source, existing, report)
                    batch, size = [], 0
                    if check_cancel:
                        check_cancel()
            if batch:
                self._commit(table, batch, rows_by_source, existing, report)
            self._maintain_indices(table)
            report.version = int(table.version)
        return report

    def _mismatch(self, got: Any, model: str) -> DimensionMismatch:
        return DimensionMismatch(
            f"knowledge base '{self.name}' holds {self.dimension}-dimensional vectors "
            f"(model {self.embedding_model!r}), but {model!r} gives {got}-dimensional vectors; "
            "nothing was written. Use the knowledge base's model or a new knowledge base."
        )

    def _scan_ids(self) -> tuple[builtins.list[str], builtins.list[str]]:
        data = self._scan(["doc_id", "id"])
        return data["doc_id"].to_pylist(), data["id"].to_pylist()

    def _commit(
        self,
        table: Any,
        sources: builtins.list[str],
        rows_by_source: dict[str, builtins.list[dict[str, Any]]],
        existing: dict[str, set[str]],
        report: IngestReport,
    ) -> None:
        import pyarrow as pa

        rows = [r for s in sources for r in rows_by_source[s]]
        new_ids = {r["id"] for r in rows}
        old_ids = set().union(*(existing.get(s, set()) for s in sources))
        fresh = [r for r in rows if r["id"] not in old_ids]
        # All rows of the sources go in: rows that match by id stay as they are, rows that are
        # new are inserted, and rows of these sources that are not in `data` are deleted.
        data = pa.Table.from_pylist(rows, schema=schema(self.dimension))
        condition = "doc_id IN (" + ", ".join(sql_str(s) for s in sources) + ")"
        # One commit: insert the new chunks and delete the old chunks of these sources.
        (
            table.merge_insert("id")
            .when_not_matched_insert_all()
            .when_not_matched_by_source_delete(condition)
            .execute(data)
        )
        report.added_chunks += len(fresh)
        report.removed_chunks += len(old_ids - new_ids)

    def remove_sources(self, sources: Iterable[str], *, lock_timeout: float = DEFAULT_TIMEOUT_S) -> int:
        """Delete every chunk of these sources; returns how many chunks went."""
        sources = list(sources)
        if not sources:
            return 0
        with WriterLock(self.folder, name=self.name, timeout=lock_timeout):
            table = self.table()
            before = table.count_rows()
            table.delete("doc_id IN (" + ", ".join(sql_str(s) for s in sources) + ")")
            return int(before - table.count_rows())

    def _maintain_indices(self, table: Any) -> None:
        threshold = int(self.meta.get("ann_threshold", ANN_THRESHOLD))
        maintain_indices(table, metric=self.metric, dimension=self.dimension, ann_threshold=threshold)

    def build_ann_index(self, *, lock_timeout: float = DEFAULT_TIMEOUT_S) -> None:
        """Build (or rebuild) the ANN index now, whatever the size."""
        with WriterLock(self.folder, name=self.name, timeout=lock_timeout):
            table = self.table()
            build_ann(table, metric=self.metric, dimension=self.dimension)

    def search_vector(
        self,
        vector: Sequence[float],
        k: int = 4,
        *,
        filter: Mapping[str, Any] | None = None,
        where: str | None = None,
        threshold: float | None = None,
        with_vectors: bool = False,
        table: Any = None,
    ) -> SearchResult:
        """Nearest chunks by the knowledge base's metric; `score` is a similarity (higher: closer).

        cosine: 1 - cosine distance; dot: the dot product; l2: 1 / (1 + squared L2 distance).
        `threshold` drops results scoring below it. `table`: an already opened table version
        (hybrid search passes one so both of its searches read the same version).
        """
        if len(vector) != self.dimension:
            raise self._mismatch(len(vector), "the query vector")
        table = table if table is not None else self.table()
        version = int(table.version)  # each read of it is a call into LanceDB: read it once
        sql, py_filter = split_filter(filter, where)
        fetch = k if not py_filter else k * 5
        query = table.search(list(map(float, vector)), query_type="vector").distance_type(self.metric)
        if "vector_idx" in self._indices(table, version):
            query = query.nprobes(20).refine_factor(10)
        if sql:
            query = query.where(sql, prefilter=True)
        columns = [*_OUT_COLUMNS, "_distance", *(["vector"] if with_vectors else [])]
        rows = query.select(columns).limit(fetch).to_list()
        docs = []
        for row in rows:
            score = similarity(self.metric, float(row["_distance"]))
            if threshold is not None and score < threshold:
                continue
            doc = self._doc(row, score, version)
            if with_vectors:
                doc["vector"] = [float(x) for x in row["vector"]]
            if matches(doc["metadata"], py_filter):
                docs.append(doc)
        return SearchResult(docs[:k], version, self.name)

    def search_text(
        self,
        query: str,
        k: int = 4,
        *,
        filter: Mapping[str, Any] | None = None,
        where: str | None = None,
        table: Any = None,
    ) -> SearchResult:
        """Keyword search (BM25) over the chunk texts; Chinese queries are cut into words first."""
        table = table if table is not None else self.table()
        version = int(table.version)
        terms = segment_query(query).strip()
        # No index means no rows were ever written (it is made with the first rows).
        if not terms or "text_tokens_idx" not in self._indices(table, version):
            return SearchResult([], version, self.name)
        sql, py_filter = split_filter(filter, where)
        fetch = k if not py_filter else k * 5
        search = table.search(terms, query_type="fts", fts_columns="text_tokens")
        if sql:
            search = search.where(sql, prefilter=True)
        rows = search.select([*_OUT_COLUMNS, "_score"]).limit(fetch).to_list()
        docs = [self._doc(row, float(row["_score"]), version) for row in rows]
        docs = [d for d in docs if matches(d["metadata"], py_filter)]
        return SearchResult(docs[:k], version, self.name)

    def search_hybrid(
        self,
        query: str,
        vector: Sequence[float],
        k: int = 4,
        *,
        filter: Mapping[str, Any] | None = None,
        where: str | None = None,
        rrf_k: int = 60,
        candidates: int | None = None,
        vector_weight: float | None = None,
    ) -> SearchResult:
        """Vector and full-text results fused by reciprocal rank fusion:
        score = vector_weight / (rrf_k + vector rank) + 1 / (rrf_k + text rank).

        `vector_weight` None means 1, except for a Chinese (CJK) query on a knowledge base whose
        embedding model does not know Chinese (the built-in English-only one; the model catalogue
        says for the others): there the weight is 0 and hybrid equals full-text search.
        """
        n = candidates or max(20, 4 * k)
        if vector_weight is None:
            vector_weight = default_vector_weight(self.embedding_model, query)
        table = self.table()
        self._indices(table, int(table.version))  # fill the cache here, not in two threads
        pending = None
        if vector_weight > 0:  # both searches at once: LanceDB releases the GIL while it searches
            pending = _search_pool().submit(
                self.search_vector, vector, n, filter=filter, where=where, table=table
            )
        by_text = self.search_text(query, n, filter=filter, where=where, table=table)
        lists, names, weights = [by_text.documents], ["text"], [1.0]
        if pending is not None:
            by_vector = pending.result()
            lists.insert(0, by_vector.documents)
            names.insert(0, "vector")
            weights.insert(0, vector_weight)
        fused = reciprocal_rank_fusion(lists, rrf_k=rrf_k, names=names, weights=weights)
        return SearchResult(fused[:k], by_text.version, self.name)

    def _doc(self, row: Mapping[str, Any], score: float, version: int) -> dict[str, Any]:
        try:
            metadata = json.loads(row["metadata"] or "{}")
        except ValueError:
            metadata = {}
        metadata.setdefault("source", row["doc_id"])
        metadata["chunk"] = row["chunk"]
        metadata["kb"] = self.name
        metadata["kb_version"] = version
        return {
            "id": row["id"],
            "text": row["text"],
            "metadata": metadata,
            "score": round(score, 6),
        }


def open_or_create(
    name: str, *, embedding_model: str = DEFAULT_MODEL, metric: str = "cosine"
) -> KnowledgeBase:
    """Open a knowledge base, creating it with these settings when it does not exist yet."""
    return KnowledgeBase.create(name, embedding_model=embedding_model, metric=metric, exist_ok=True)
