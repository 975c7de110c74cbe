"""Content-addressed cache of node outputs, in memory and in SQLite shared by GUI, CLI and batch.

A node's key hashes its type, version, config and the keys of the values on its input wires, so a
change anywhere upstream changes every key downstream, and an unchanged subgraph is served whole.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import threading
from collections import OrderedDict
from collections.abc import Iterable
from pathlib import Path
from typing import Any

KEY_FORMAT = 1  # bump to invalidate every stored entry when the key recipe changes


def stable_json(value: Any) -> str:
    """Canonical JSON for hashing: sorted keys, no whitespace, non-JSON values by their repr."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=repr)


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

    def put(self, key: str, outputs: dict[str, Any]) -> None:
        """Store outputs under key (to disk at the next flush, if they are JSON)."""
        self._remember(key, outputs)
        if self.path is None:
            return
        try:
            text = json.dumps(outputs, ensure_ascii=False, allow_nan=False)
        except (TypeError, ValueError):
            return  # not JSON: kept in memory only
        with self._lock:
            self._pending[key] = text

    def _remember(self, key: str, value: dict[str, Any]) -> None:
        with self._lock:
            self._memory[key] = value
            self._memory.move_to_end(key)
            while len(self._memory) > self._memory_items:
                self._memory.popitem(last=False)

    def flush(self) -> None:
        """Write buffered entries to disk in one transaction."""
        with self._lock:
            pending, self._pending = self._pending, {}
            db = self._connect()
            if not pending or db is None:
                return
            with db:
                db.executemany("INSERT OR REPLACE INTO outputs (key, value) VALUES (?, ?)", pending.items())

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
