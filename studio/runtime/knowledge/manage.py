"""Managing knowledge bases: create, add files and folders, remove a source, re-ingest changed
files, rebuild with another embedding model, search. The one implementation behind both
`studio kb ...` and the Studio's Knowledge page.

Paths handed to `add_paths` were chosen by the user (picked in a dialog, dropped, typed on a
command line), so they are allowed for that use; the allowed-folders list is only for paths
written in a shared flow file.

`kb.json` gains, besides what `vectorstore` writes: `splitter` (a preset name), `files`
(source -> absolute path, size, mtime of what was ingested, so changed files can be re-ingested),
`updated` (UTC time of the last change) and `generation` (1, +1 per rebuild).
"""

from __future__ import annotations

import json
import os
import shutil
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from studio.runtime.knowledge.documents import LOADERS, DocumentError, load_file
from studio.runtime.knowledge.embeddings import DEFAULT_MODEL, ENGLISH_ONLY, EmbeddingError, get_embedder
from studio.runtime.knowledge.lock import WriterLock
from studio.runtime.knowledge.rows import KnowledgeBaseError, schema, write_json
from studio.runtime.knowledge.splitter_presets import DEFAULT_SPLITTER, SPLITTER_PRESETS
from studio.runtime.knowledge.splitters import SplitterError, markdown_split, recursive_split, token_split
from studio.runtime.knowledge.vectorstore import (
    META_FILE,
    TABLE,
    KnowledgeBase,
    SearchResult,
    _lancedb,
    kb_root,
)

__all__ = [
    "DEFAULT_SPLITTER",
    "SPLITTER_PRESETS",
    "AddReport",
    "EmbeddingModelMismatch",
    "FileError",
    "IngestCancelled",
    "IngestProgress",
    "KBSummary",
    "add_paths",
    "check_model",
    "create",
    "default_embedding_model",
    "reindex",
    "reingest_changed",
    "remove_source",
    "search",
    "summaries",
]

_BATCH_CHUNKS = 256  # chunks embedded and committed together: whole files only
_STAGING = ".staging"  # under the kb root; holds rebuilds until they replace the old base


class EmbeddingModelMismatch(KnowledgeBaseError):
    """A knowledge base was asked to work with another embedding model than it was built with."""


class IngestCancelled(KnowledgeBaseError):
    """The user stopped an ingest or a rebuild; what was committed before stays, whole files only."""


@dataclass
class FileError:
    """A file that could not be ingested, and why, in words."""

    source: str
    message: str


@dataclass
class IngestProgress:
    """Where an ingest is: files read of all, chunks done, the file being read."""

    files_done: int
    files_total: int
    chunks: int
    elapsed_s: float
    current: str = ""

    @property
    def chunks_per_s(self) -> float:
        """Chunks embedded (or found unchanged) per second so far."""
        return self.chunks / self.elapsed_s if self.elapsed_s > 0 else 0.0


@dataclass
class AddReport:
    """What an add or re-ingest did."""

    files_total: int = 0
    files_ingested: int = 0
    chunks_added: int = 0
    chunks_removed: int = 0
    changed_sources: list[str] = field(default_factory=list)
    unchanged_sources: list[str] = field(default_factory=list)
    errors: list[FileError] = field(default_factory=list)
    cancelled: bool = False
    elapsed_s: float = 0.0
    chunks: int = 0


@dataclass
class KBSummary:
    """One line of the knowledge base list."""

    name: str
    chunks: int
    embedding_model: str
    size_bytes: int
    updated: str
    sources: int
    splitter: str


Progress = Callable[[IngestProgress], None]
Cancel = Callable[[], bool]


def default_embedding_model() -> str:
    """The model new knowledge bases take: the user's default (Models page), else the built-in."""
    from studio.runtime.preferences import get_preference

    chosen = get_preference("default_embedding_model")
    return chosen.strip() if isinstance(chosen, str) and chosen.strip() else DEFAULT_MODEL


def _same_model(a: str, b: str) -> bool:
    def norm(name: str) -> str:
        name = name.strip().lower()
        return DEFAULT_MODEL if name in ENGLISH_ONLY else name

    return norm(a) == norm(b)


def check_model(kb: KnowledgeBase, model: str | None) -> None:
    """Refuse another embedding model than the knowledge base was built with (None: its own)."""
    if model and not _same_model(model, kb.embedding_model):
        raise EmbeddingModelMismatch(
            f"knowledge base '{kb.name}' was built with the embedding model '{kb.embedding_model}', "
            f"not '{model}': use '{kb.embedding_model}', or rebuild it with "
            f"`studio kb reindex {kb.name} --embedding {model}`"
        )


def _now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


def _write_meta(kb: KnowledgeBase, **changes: Any) -> None:
    """Merge changes into kb.json (re-read first: another process may have written it)."""
    with WriterLock(kb.folder, name=kb.name):
        path = kb.folder / META_FILE
        if not path.is_file():
            raise KnowledgeBaseError(f"knowledge base '{kb.name}' does not exist (deleted)")
        meta = json.loads(path.read_text(encoding="utf-8"))
        for key, value in changes.items():
            if key == "files":  # a dict of changes: None removes a source
                files = dict(meta.get("files") or {})
                for source, entry in value.items():
                    if entry is None:
                        files.pop(source, None)
                    else:
                        files[source] = entry
                meta["files"] = files
            else:
                meta[key] = value
        write_json(path, meta)
        kb.meta = meta


def create(
    name: str, *, embedding_model: str | None = None, splitter: str = DEFAULT_SPLITTER
) -> KnowledgeBase:
    """Create an empty knowledge base with the default embedding model unless one is given."""
    if splitter not in SPLITTER_PRESETS:
        raise KnowledgeBaseError(
            f"unknown splitter preset {splitter!r}: use one of {', '.join(SPLITTER_PRESETS)}"
        )
    model = (embedding_model or "").strip() or default_embedding_model()
    try:
        kb = KnowledgeBase.create(name, embedding_model=model)
    except EmbeddingError as exc:
        raise KnowledgeBaseError(f"knowledge base '{name}': {exc}") from exc
    _write_meta(kb, splitter=splitter, files={}, updated=_now(), generation=1)
    return kb


def _folder_size(folder: Path) -> int:
    total = 0
    for root, _dirs, files in os.walk(folder):
        for file in files:
            try:
                total += (Path(root) / file).stat().st_size
            except OSError:
                continue
    return total


def summaries() -> list[KBSummary]:
    """Every knowledge base with its size and last change, for `kb list` and the Knowledge page."""
    out = []
    for name in KnowledgeBase.list():
        try:
            kb = KnowledgeBase.open(name)
            chunks, sources = kb.count(), len(kb.sources())
        except KnowledgeBaseError:
            continue  # deleted meanwhile
        out.append(
            KBSummary(
                name=name,
                chunks=chunks,
                embedding_model=kb.embedding_model,
                size_bytes=_folder_size(kb.folder),
                updated=str(kb.meta.get("updated") or kb.meta.get("created") or ""),
                sources=sources,
                splitter=str(kb.meta.get("splitter") or DEFAULT_SPLITTER),
            )
        )
    return out


# ----------------------------------------------------------------------------- files in


@dataclass
class _File:
    path: Path
    source: str


def _collect(paths: Iterable[str | os.PathLike[str]], errors: list[FileError]) -> list[_File]:
    """Files to ingest: each file given, and every supported file under each folder given.

    A folder's files are named `<folder name>/<path inside it>`, a single file by its name, so
    the sources of two dropped folders do not collide.
    """
    files: list[_File] = []
    for raw in paths:
        path = Path(raw).expanduser()
        if not path.exists():
            errors.append(FileError(str(raw), f"{raw}: no such file or folder"))
            continue
        path = path.resolve()
        if path.is_dir():
            for found in sorted(path.rglob("*")):
                relative = found.relative_to(path)
                if any(part.startswith(".") for part in relative.parts):
                    continue  # hidden files and folders (.git, .DS_Store)
                if found.is_file() and found.suffix.lower() in LOADERS:
                    files.append(_File(found, f"{path.name}/{relative.as_posix()}"))
        else:
            files.append(_File(path, path.name))
    return files


def _split(documents: list[dict[str, Any]], preset: str) -> list[dict[str, Any]]:
    options = dict(SPLITTER_PRESETS.get(preset) or SPLITTER_PRESETS[DEFAULT_SPLITTER])
    kind = options.pop("kind")
    if kind == "markdown":
        return markdown_split(documents, **options)
    if kind == "tokens":
        return token_split(documents, **options)
    return recursive_split(documents, **options)


def _ingest(
    kb: KnowledgeBase,
    files: Sequence[_File],
    report: AddReport,
    on_progress: Progress | None,
    cancel: Cancel | None,
) -> AddReport:
    """Load, split, embed and commit the files, a few hundred chunks (whole files) at a time.

    A cancel is honoured between files and during embedding; a batch that was not committed is
    dropped whole, so the knowledge base holds only complete files.
    """
    start = time.monotonic()
    preset = str(kb.meta.get("splitter") or DEFAULT_SPLITTER)
    report.files_total = len(files)
    pending: list[dict[str, Any]] = []
    pending_files: dict[str, dict[str, Any]] = {}

    def progress(done: int, current: str = "", extra: int = 0) -> None:
        if on_progress is not None:
            elapsed = time.monotonic() - start
            on_progress(IngestProgress(done, len(files), report.chunks + extra, elapsed, current))

    def stop_if_cancelled() -> None:
        if cancel is not None and cancel():
            raise IngestCancelled(f"ingest into knowledge base '{kb.name}' was cancelled")

    def flush(done: int) -> None:
        if not pending:
            return

        def embedded(count: int, _total: int) -> None:
            stop_if_cancelled()  # raising here drops the batch before anything is written
            progress(done, "", count)

        result = kb.upsert_documents(pending, on_progress=embedded, check_cancel=stop_if_cancelled)
        report.chunks += len(pending)
        report.chunks_added += result.added_chunks
        report.chunks_removed += result.removed_chunks
        report.changed_sources += result.changed_sources
        report.unchanged_sources += result.unchanged_sources
        report.files_ingested += len(pending_files)
        _write_meta(kb, files=dict(pending_files), updated=_now())
        pending.clear()
        pending_files.clear()

    try:
        for done, item in enumerate(files):
            stop_if_cancelled()
            progress(done, item.source)
            try:
                stat = item.path.stat()
                documents = list(load_file(item.path, source=item.source))
                chunks = _split(documents, preset)
            except (DocumentError, SplitterError) as exc:
                report.errors.append(FileError(item.source, str(exc)))
                continue
            except OSError as exc:
                report.errors.append(FileError(item.source, f"{item.source}: {exc.strerror or exc}"))
                continue
            if not chunks:
                report.errors.append(FileError(item.source, f"{item.source}: no text found in it"))
                continue
            pending.extend(chunks)
            pending_files[item.source] = {
                "path": str(item.path),
                "size": stat.st_size,
                "mtime": stat.st_mtime,
            }
            if len(pending) >= _BATCH_CHUNKS:
                flush(done + 1)
        flush(len(files))
    except IngestCancelled:
        report.cancelled = True
    except EmbeddingError as exc:
        raise KnowledgeBaseError(f"knowledge base '{kb.name}': {exc}") from exc
    report.elapsed_s = time.monotonic() - start
    progress(report.files_total if not report.cancelled else report.files_ingested)
    return report


def add_paths(
    name: str,
    paths: Iterable[str | os.PathLike[str]],
    *,
    embedding_model: str | None = None,
    on_progress: Progress | None = None,
    cancel: Cancel | None = None,
) -> AddReport:
    """Ingest files and folders the user chose into an existing knowledge base.

    Unchanged files are skipped, changed ones replaced; files that cannot be read are listed in
    `report.errors` and never stop the others. `embedding_model`, when given, must be the one
    the knowledge base was built with.
    """
    kb = KnowledgeBase.open(name)
    check_model(kb, embedding_model)
    report = AddReport()
    files = _collect(paths, report.errors)
    return _ingest(kb, files, report, on_progress, cancel)


def reingest_changed(
    name: str, *, on_progress: Progress | None = None, cancel: Cancel | None = None
) -> AddReport:
    """Ingest again the files whose size or modification time changed since they were ingested."""
    kb = KnowledgeBase.open(name)
    report = AddReport()
    files = []
    for source, entry in sorted((kb.meta.get("files") or {}).items()):
        path = Path(str(entry.get("path", "")))
        try:
            stat = path.stat()
        except OSError:
            report.errors.append(
                FileError(source, f"{source}: the file {path} is gone; remove it as a source or add it again")
            )
            continue
        if stat.st_size != entry.get("size") or stat.st_mtime != entry.get("mtime"):
            files.append(_File(path, source))
    return _ingest(kb, files, report, on_progress, cancel)


def remove_source(name: str, source: str) -> int:
    """Delete every chunk of one source; returns how many went. An unknown source is an error."""
    kb = KnowledgeBase.open(name)
    sources = kb.sources()
    if source not in sources:
        known = ", ".join(sorted(sources)[:10]) or "none"
        raise KnowledgeBaseError(f"knowledge base '{name}' has no source '{source}' (its sources: {known})")
    removed = kb.remove_sources([source])
    _write_meta(kb, files={source: None}, updated=_now())
    return removed


def search(
    name: str, query: str, k: int = 4, *, mode: str = "hybrid", embedding_model: str | None = None
) -> SearchResult:
    """Search a knowledge base with its own embedding model (another one is a clear error)."""
    kb = KnowledgeBase.open(name)
    check_model(kb, embedding_model)
    try:
        if mode == "text":
            return kb.search_text(query, k)
        vector = kb.embedder().embed_query(query)
    except EmbeddingError as exc:
        raise KnowledgeBaseError(f"knowledge base '{name}': {exc}") from exc
    if mode == "vector":
        return kb.search_vector(vector, k)
    return kb.search_hybrid(query, vector, k)


def _stored_chunks(kb: KnowledgeBase) -> list[dict[str, Any]]:
    """Every chunk of a knowledge base as a document, in source and chunk order."""
    data = kb.table().search().select(["doc_id", "chunk", "text", "metadata"]).limit(None).to_arrow()
    rows = sorted(data.to_pylist(), key=lambda r: (r["doc_id"], r["chunk"] or 0))
    chunks = []
    for row in rows:
        try:
            metadata = json.loads(row["metadata"] or "{}")
        except ValueError:
            metadata = {}
        metadata["source"] = row["doc_id"]
        metadata.setdefault("chunk", row["chunk"])
        chunks.append({"text": row["text"], "metadata": metadata})
    return chunks


def _whole_sources(chunks: list[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    """Batches of about `size` chunks that never split a source: an upsert replaces a source's
    chunks with the ones it is given, so half a source in one batch would delete the other half."""
    batch: list[dict[str, Any]] = []
    for index, chunk in enumerate(chunks):
        starts_source = index == 0 or chunk["metadata"]["source"] != chunks[index - 1]["metadata"]["source"]
        if starts_source and len(batch) >= size:
            yield batch
            batch = []
        batch.append(chunk)
    if batch:
        yield batch


def reindex(
    name: str,
    *,
    embedding_model: str | None = None,
    on_progress: Progress | None = None,
    cancel: Cancel | None = None,
) -> KnowledgeBase:
    """Rebuild a knowledge base's vectors (with another embedding model when given) into a new
    version; the old one keeps answering searches until the new one is complete, then the new
    folder takes its place. A cancel or a failure leaves the old one as it was."""
    old = KnowledgeBase.open(name)
    model = (embedding_model or "").strip() or old.embedding_model
    try:
        embedder = get_embedder(model)
        dimension = embedder.dimension
    except EmbeddingError as exc:
        raise KnowledgeBaseError(f"knowledge base '{name}': {exc}") from exc
    staging_root = kb_root() / _STAGING
    staging = staging_root / name
    shutil.rmtree(staging, ignore_errors=True)  # a rebuild that died before
    staging.mkdir(parents=True)
    try:
        _lancedb().connect(str(staging)).create_table(TABLE, schema=schema(dimension), mode="overwrite")
        meta = {
            **old.meta,
            "embedding_model": model,
            "dimension": int(dimension),
            "generation": int(old.meta.get("generation") or 1) + 1,
            "reindexed": _now(),
            "updated": _now(),
        }
        write_json(staging / META_FILE, meta)
        new = KnowledgeBase(name, staging, meta)
        chunks = _stored_chunks(old)
        start = time.monotonic()
        done = 0
        for batch in _whole_sources(chunks, _BATCH_CHUNKS):
            if cancel is not None and cancel():
                raise IngestCancelled(f"rebuilding knowledge base '{name}' was cancelled; it is unchanged")
            new.upsert_documents(batch, embedder=embedder)
            done += len(batch)
            if on_progress is not None:
                on_progress(IngestProgress(done, len(chunks), done, time.monotonic() - start))
        # Swap under the old base's writer lock: no ingest is half way through it.
        with WriterLock(old.folder, name=name):
            trash = staging_root / f"{name}.old-{os.getpid()}-{time.monotonic_ns()}"
            os.rename(old.folder, trash)
            os.rename(staging, kb_root() / name)
        shutil.rmtree(trash, ignore_errors=True)
    except EmbeddingError as exc:
        shutil.rmtree(staging, ignore_errors=True)
        raise KnowledgeBaseError(f"knowledge base '{name}': {exc}") from exc
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return KnowledgeBase.open(name)
