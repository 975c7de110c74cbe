"""Conversation memory: turns and a running summary per (flow id, session id), kept in SQLite.

One file, `<data dir>/memory/memory.sqlite`, shared by `studio chat`, the GUI's chat panel and the
memory nodes. WAL mode and a busy timeout let several processes share it. A connection is opened
per operation, so the store is safe to use from the engine's worker threads.

History is never lost on our side: a locked database is an error that says so (nothing written,
nothing dropped), and a corrupt file is left exactly as it is, with an error that names it and
says how to recover it. We never delete or recreate an existing file.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from studio.runtime.paths import sub_dir

__all__ = ["ROLES", "SCHEMA_VERSION", "MemoryStore", "MemoryStoreError", "default_store"]

SCHEMA_VERSION = 1
ROLES = ("system", "user", "assistant", "tool")
MAX_ID = 200

_SCHEMA = """
CREATE TABLE IF NOT EXISTS turns (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    flow_id TEXT NOT NULL,
    session_id TEXT NOT NULL,
    role TEXT NOT NULL,
    content TEXT NOT NULL,
    ts REAL NOT NULL,
    metadata TEXT
);
CREATE INDEX IF NOT EXISTS turns_by_session ON turns (flow_id, session_id, id);
CREATE TABLE IF NOT EXISTS summaries (
    flow_id TEXT NOT NULL,
    session_id TEXT NOT NULL,
    text TEXT NOT NULL,
    covered_up_to INTEGER NOT NULL,
    updated REAL NOT NULL,
    PRIMARY KEY (flow_id, session_id)
);
"""


class MemoryStoreError(Exception):
    """The memory store cannot be used (locked, corrupt, newer format); the message names the file."""


def _check_id(kind: str, value: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{kind} must be a non-empty string, got {value!r}")
    if len(value) > MAX_ID:
        raise ValueError(f"{kind} is longer than {MAX_ID} characters")
    return value


class MemoryStore:
    """Turns and summaries of conversations, keyed by flow id and session id."""

    def __init__(self, path: str | Path | None = None, *, timeout_s: float = 5.0):
        self.path = Path(path) if path is not None else sub_dir("memory") / "memory.sqlite"
        self.timeout_s = timeout_s
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as db:
            version = db.execute("PRAGMA user_version").fetchone()[0]
            if version > SCHEMA_VERSION:
                raise MemoryStoreError(
                    f"the memory store {self.path} was written by a newer Chain Studio "
                    f"(format {version}, this one knows {SCHEMA_VERSION}); it was left untouched"
                )
            db.execute("PRAGMA journal_mode=WAL")  # outside a transaction, or SQLite refuses
        with self._connect(write=True) as db:
            for statement in _SCHEMA.split(";"):  # not executescript: it would COMMIT early
                if statement.strip():
                    db.execute(statement)
            db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    # -- plumbing ---------------------------------------------------------------------------------

    @contextlib.contextmanager
    def _connect(self, *, write: bool = False) -> Iterator[sqlite3.Connection]:
        """A short-lived connection; SQLite errors become MemoryStoreError naming the file."""
        db: sqlite3.Connection | None = None
        try:
            db = sqlite3.connect(self.path, timeout=self.timeout_s, isolation_level=None)
            db.execute(f"PRAGMA busy_timeout = {int(self.timeout_s * 1000)}")
            if write:
                db.execute("BEGIN IMMEDIATE")
            yield db
            if write:
                db.execute("COMMIT")
        except sqlite3.OperationalError as exc:
            self._rollback(db)
            text = str(exc).lower()
            if "locked" in text or "busy" in text:
                raise MemoryStoreError(
                    f"the memory store {self.path} is locked by another program (waited "
                    f"{self.timeout_s:g} s); nothing was changed, try again when it is free"
                ) from None
            if "unable to open" in text or "readonly" in text or "read-only" in text:
                raise MemoryStoreError(f"cannot write the memory store {self.path}: {exc}") from None
            raise self._corrupt(exc) from None
        except sqlite3.DatabaseError as exc:
            self._rollback(db)
            raise self._corrupt(exc) from None
        except BaseException:
            self._rollback(db)
            raise
        finally:
            if db is not None:
                db.close()

    @staticmethod
    def _rollback(db: sqlite3.Connection | None) -> None:
        if db is not None and db.in_transaction:
            with contextlib.suppress(sqlite3.Error):
                db.execute("ROLLBACK")

    def _corrupt(self, exc: Exception) -> MemoryStoreError:
        return MemoryStoreError(
            f"the memory store {self.path} is damaged or not a memory database ({exc}). It was left "
            f"untouched: move it aside and a new store will be started; its history can often be "
            f"recovered with `sqlite3 {self.path.name} .recover`"
        )

    # -- turns ------------------------------------------------------------------------------------

    def add_turn(
        self,
        flow_id: str,
        session_id: str,
        role: str,
        content: Any,
        *,
        ts: float | None = None,
        metadata: dict[str, Any] | None = None,
    ) -> int:
        """Append one turn; returns its id (ids grow, so they order a session)."""
        return self.add_turns(
            flow_id, session_id, [{"role": role, "content": content, "ts": ts, "metadata": metadata}]
        )[0]

    def add_turns(self, flow_id: str, session_id: str, turns: list[dict[str, Any]]) -> list[int]:
        """Append several turns in one transaction (a user message and its answer go in together)."""
        _check_id("flow id", flow_id)
        _check_id("session id", session_id)
        rows = []
        for turn in turns:
            role = turn.get("role")
            if role not in ROLES:
                raise ValueError(f"turn role must be one of {', '.join(ROLES)}, got {role!r}")
            content = turn.get("content")
            if not isinstance(content, str):
                content = json.dumps(content, ensure_ascii=False)
            metadata = turn.get("metadata")
            rows.append(
                (
                    flow_id,
                    session_id,
                    role,
                    content,
                    turn.get("ts") or time.time(),
                    json.dumps(metadata, ensure_ascii=False) if metadata else None,
                )
            )
        ids = []
        with self._connect(write=True) as db:
            for row in rows:
                cursor = db.execute(
                    "INSERT INTO turns (flow_id, session_id, role, content, ts, metadata) "
                    "VALUES (?, ?, ?, ?, ?, ?)",
                    row,
                )
                ids.append(int(cursor.lastrowid or 0))
        return ids

    def turns(
        self, flow_id: str, session_id: str, *, last: int | None = None, after_id: int | None = None
    ) -> list[dict[str, Any]]:
        """Turns of a session, oldest first: all, the `last` N, or those after turn `after_id`."""
        query = "SELECT id, role, content, ts, metadata FROM turns WHERE flow_id = ? AND session_id = ?"
        params: list[Any] = [flow_id, session_id]
        if after_id is not None:
            query += " AND id > ?"
            params.append(after_id)
        query += " ORDER BY id DESC"
        if last is not None:
            query += " LIMIT ?"
            params.append(max(0, int(last)))
        with self._connect() as db:
            rows = db.execute(query, params).fetchall()
        result = []
        for row_id, role, content, ts, metadata in reversed(rows):
            turn: dict[str, Any] = {"id": row_id, "role": role, "content": content, "ts": ts}
            if metadata:
                turn["metadata"] = json.loads(metadata)
            result.append(turn)
        return result

    def messages(self, flow_id: str, session_id: str, *, last: int | None = None) -> list[dict[str, str]]:
        """The session as chat messages ({"role", "content"}), oldest first."""
        turns = self.turns(flow_id, session_id, last=last)
        return [{"role": t["role"], "content": t["content"]} for t in turns]

    # -- summary ----------------------------------------------------------------------------------

    def summary(self, flow_id: str, session_id: str) -> dict[str, Any] | None:
        """The running summary: {"text", "covered_up_to" (last folded turn id), "updated"}."""
        with self._connect() as db:
            row = db.execute(
                "SELECT text, covered_up_to, updated FROM summaries WHERE flow_id = ? AND session_id = ?",
                (flow_id, session_id),
            ).fetchone()
        if row is None:
            return None
        return {"text": row[0], "covered_up_to": row[1], "updated": row[2]}

    def set_summary(self, flow_id: str, session_id: str, text: str, covered_up_to: int) -> None:
        """Store the running summary and the id of the last turn it covers (turns stay stored)."""
        _check_id("flow id", flow_id)
        _check_id("session id", session_id)
        with self._connect(write=True) as db:
            db.execute(
                "INSERT INTO summaries (flow_id, session_id, text, covered_up_to, updated) "
                "VALUES (?, ?, ?, ?, ?) ON CONFLICT (flow_id, session_id) DO UPDATE SET "
                "text = excluded.text, covered_up_to = excluded.covered_up_to, updated = excluded.updated",
                (flow_id, session_id, text, int(covered_up_to), time.time()),
            )

    # -- sessions ---------------------------------------------------------------------------------

    def sessions(self, flow_id: str | None = None) -> list[dict[str, Any]]:
        """Sessions with their turn counts and times, most recently used first."""
        query = (
            "SELECT t.flow_id, t.session_id, COUNT(*), MIN(t.ts), MAX(t.ts), "
            "EXISTS (SELECT 1 FROM summaries s WHERE s.flow_id = t.flow_id AND s.session_id = t.session_id) "
            "FROM turns t"
        )
        params: list[Any] = []
        if flow_id is not None:
            query += " WHERE t.flow_id = ?"
            params.append(flow_id)
        query += " GROUP BY t.flow_id, t.session_id ORDER BY MAX(t.ts) DESC, t.session_id"
        with self._connect() as db:
            rows = db.execute(query, params).fetchall()
        return [
            {
                "flow_id": r[0],
                "session_id": r[1],
                "turns": r[2],
                "first_ts": r[3],
                "last_ts": r[4],
                "has_summary": bool(r[5]),
            }
            for r in rows
        ]

    def export(self, flow_id: str, session_id: str) -> dict[str, Any]:
        """A session as one JSON-ready document (turns, summary, export time)."""
        return {
            "format": "chain-studio-memory",
            "version": SCHEMA_VERSION,
            "flow_id": flow_id,
            "session_id": session_id,
            "exported_at": time.time(),
            "summary": self.summary(flow_id, session_id),
            "turns": self.turns(flow_id, session_id),
        }

    def clear(self, flow_id: str, session_id: str) -> int:
        """Delete a session's turns, summary and recall index (the user asked for it); returns
        the number of turns deleted."""
        with self._connect(write=True) as db:
            deleted = db.execute(
                "DELETE FROM turns WHERE flow_id = ? AND session_id = ?", (flow_id, session_id)
            ).rowcount
            db.execute("DELETE FROM summaries WHERE flow_id = ? AND session_id = ?", (flow_id, session_id))
        delete_vector_memory(flow_id, session_id)
        return int(deleted)


def vector_kb_name(flow_key: str, session: str) -> str:
    """The knowledge base holding one session's turns for vector recall."""
    import hashlib

    return "memory-" + hashlib.sha1(f"{flow_key}\0{session}".encode()).hexdigest()[:20]


def delete_vector_memory(flow_key: str, session: str) -> bool:
    """Remove a session's vector-recall knowledge base, if it has one; True when one was removed."""
    from studio.runtime.knowledge.vectorstore import KnowledgeBase, list_knowledge_bases

    name = vector_kb_name(flow_key, session)
    if name not in list_knowledge_bases():
        return False
    KnowledgeBase.delete(name)
    return True


_default: dict[Path, MemoryStore] = {}


def default_store() -> MemoryStore:
    """The store in the current user data folder (one instance per folder)."""
    path = sub_dir("memory") / "memory.sqlite"
    store = _default.get(path)
    if store is None or not path.exists():
        store = _default[path] = MemoryStore(path)
    return store
