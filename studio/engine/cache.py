"""Content-addressed cache of node outputs, in memory and in SQLite shared by GUI, CLI and batch.

A node's key hashes its type, version, config and the keys of the values on its input wires, so a
change anywhere upstream changes every key downstream, and an unchanged subgraph is served whole.

Outputs that hold a secret are never cached, in memory or on disk: storing them would put the
secret in `cache.sqlite`, and storing them scrubbed would later serve `***` as if it were the
node's real output. The node simply runs again next time.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import sqlite3
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from studio.runtime.safety.secrets import Scrubber, process_scrubber

log = logging.getLogger(__name__)

KEY_FORMAT = 1  # bump to invalidate every stored entry when the key recipe changes
# The file's format (SQLite user_version). 2: entries holding secrets are no longer written, so
# older files, which may hold them unredacted, are emptied when opened.
STORE_FORMAT = 2
_SURROGATE = re.compile("[\ud800-\udfff]")


def stable_json(value: Any) -> str:
    """Canonical JSON for hashing: sorted keys, no whitespace, non-JSON values by their repr."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=repr)


def storable_json(value: Any, *, default: Callable[[Any], Any] | None = None) -> str:
    """JSON text SQLite can store: readable UTF-8, with lone surrogates (from arguments that were
    not UTF-8) written as JSON escapes, so they round-trip instead of failing to encode.

    Raises ValueError/TypeError for values that are not JSON (unless `default` converts them).
    """
    text = json.dumps(value, ensure_ascii=False, allow_nan=False, default=default)
    if not text.isascii() and _SURROGATE.search(text):  # isascii is a flag check: free
        text = json.dumps(value, ensure_ascii=True, allow_nan=False, default=default)
    return text


def make_key(parts: Iterable[str]) -> str:
    """Hash the parts of a key (strings, joined by a separator they cannot contain) into hex."""
    text = "\x1f".join([str(KEY_FORMAT), *parts])
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


class OutputCache:
    """Node outputs by key: an in-memory LRU in front of an optional SQLite file.

    Writes are buffered and committed by `flush()` at the end of a run, in one transaction.
    """

    def __init__(self, path: Path | None = None, memory_items: int = 4096):
        self.path = path
        self._memory: OrderedDict[str, dict[str, Any]] = OrderedDict()
        self._memory_items = memory_items
        self._pending: dict[str, str] = {}
        self._lock = threading.Lock()
        self._db: sqlite3.Connection | None = None

    def _connect(self) -> sqlite3.Connection | None:
        if self.path is None:
            return None
        if self._db is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            db = sqlite3.connect(self.path, timeout=10, check_same_thread=False)
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            db.execute(
                "CREATE TABLE IF NOT EXISTS outputs (key TEXT PRIMARY KEY, value TEXT NOT NULL,"
                " created REAL DEFAULT (unixepoch('subsec')))"
            )
            if db.execute("PRAGMA user_version").fetchone()[0] < STORE_FORMAT:
                with db:
                    db.execute("DELETE FROM outputs")
                db.execute(f"PRAGMA user_version = {STORE_FORMAT}")
                db.execute("VACUUM")  # deleted pages would still hold the old values
                db.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # and so would the write-ahead log
            self._db = db
        return self._db

    def get(self, key: str) -> dict[str, Any] | None:
        """The outputs stored under key, or None."""
        with self._lock:
            if key in self._memory:
                self._memory.move_to_end(key)
                return self._memory[key]
            text = self._pending.get(key)
            if text is None:
                db = self._connect()
                if db is None:
                    return None
                row = db.execute("SELECT value FROM outputs WHERE key = ?", (key,)).fetchone()
                if row is None:
                    return None
                text = row[0]
        value: dict[str, Any] = json.loads(text)
        self._remember(key, value)
        return value

    def put(self, key: str, outputs: dict[str, Any], *, scrubber: Scrubber | None = None) -> bool:
        """Store outputs under key (to disk at the next flush, if they are JSON); returns whether
        they were stored. Outputs holding a secret known to `scrubber` (the flow's; by default
        those the process resolved) are not."""
        if (scrubber if scrubber is not None else process_scrubber()).contains(outputs):
            with self._lock:
                self._memory.pop(key, None)
                self._pending.pop(key, None)
            return False
        self._remember(key, outputs)
        if self.path is None:
            return True
        try:
            text = storable_json(outputs)
        except (TypeError, ValueError, RecursionError):
            return True  # not JSON: kept in memory only
        with self._lock:
            self._pending[key] = text
        return True

    def _remember(self, key: str, value: dict[str, Any]) -> None:
        with self._lock:
            self._memory[key] = value
            self._memory.move_to_end(key)
            while len(self._memory) > self._memory_items:
                self._memory.popitem(last=False)

    def flush(self) -> None:
        """Write buffered entries to disk in one transaction.

        A cache that cannot be written (full disk, locked file) only costs speed: it is logged,
        never raised, so the run that produced the entries keeps its result.
        """
        with self._lock:
            pending, self._pending = self._pending, {}
            if not pending:
                return
            try:
                db = self._connect()
                if db is None:
                    return
                with db:
                    db.executemany(
                        "INSERT OR REPLACE INTO outputs (key, value) VALUES (?, ?)", pending.items()
                    )
            except (sqlite3.Error, OSError) as error:
                log.warning("could not write the output cache %s: %s", self.path, error)

    def clear(self) -> None:
        """Forget everything, in memory and on disk."""
        with self._lock:
            self._memory.clear()
            self._pending.clear()
            db = self._connect()
            if db is not None:
                with db:
                    db.execute("DELETE FROM outputs")

    def size_bytes(self) -> int:
        """Bytes the disk cache holds (for the Settings page)."""
        with self._lock:
            db = self._connect()
            if db is None:
                return 0
            row = db.execute("SELECT COALESCE(SUM(LENGTH(value)), 0) FROM outputs").fetchone()
            return int(row[0])


_default: OutputCache | None = None


def default_cache() -> OutputCache:
    """The per-process cache backed by `cache.sqlite` in the user data folder."""
    global _default
    if _default is None:
        from studio.runtime.paths import data_dir

        _default = OutputCache(data_dir() / "cache.sqlite")
    return _default


def reset_default_cache() -> None:
    """Drop the per-process cache object (tests switch data folders)."""
    global _default
    _default = None
