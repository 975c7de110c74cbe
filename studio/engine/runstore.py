"""Run records in SQLite: every run's inputs, outputs, status, and each node's values and timings.

Every value is scrubbed of secrets before it is written: of the flow's own secret references,
resolved when the run is recorded (a run served from the cache resolved nothing), and of every
secret the process resolved. Any string can be stored, lone surrogates included (an argument that
was not UTF-8), so recording never loses a run.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from studio.engine.cache import storable_json
from studio.runtime.safety.secrets import Scrubber, process_scrubber

if TYPE_CHECKING:
    from studio.engine.scheduler import RunResult

MAX_VALUE_CHARS = 2_000_000
# Host parameters per INSERT: within SQLite's smallest limit (999, before 3.32).
_MAX_PARAMS = 999

_SCHEMA = """
CREATE TABLE IF NOT EXISTS runs (
    run_id TEXT PRIMARY KEY, flow_id TEXT, flow_name TEXT, flow_path TEXT,
    started REAL, duration_s REAL, status TEXT, inputs TEXT, outputs TEXT, error TEXT,
    prompt_tokens INTEGER, completion_tokens INTEGER, cost_usd REAL
);
CREATE INDEX IF NOT EXISTS runs_started ON runs (started DESC);
CREATE TABLE IF NOT EXISTS node_runs (
    run_id TEXT, node_id TEXT, node_type TEXT, status TEXT, inputs TEXT, outputs TEXT,
    error TEXT, caused_by TEXT, started REAL, duration_s REAL,
    prompt_tokens INTEGER, completion_tokens INTEGER, cost_usd REAL, trace TEXT,
    PRIMARY KEY (run_id, node_id)
);
"""


def _to_text(value: Any, scrubber: Scrubber) -> str:
    """Scrubbed JSON text of a value; a value that cannot be stored is recorded as why not."""
    if not value and type(value) in (dict, list):  # most nodes' traces, an input node's inputs
        return "{}" if type(value) is dict else "[]"
    try:
        # Scrub the data, not its JSON text: a replacement inside an escape would break the JSON.
        clean = scrubber.value(value)
        text = storable_json(clean, default=lambda item: scrubber.text(repr(item)))
    except (RecursionError, ValueError, TypeError) as error:
        text = json.dumps({"unstorable": f"{type(error).__name__}: {error}"[:500]})
    if len(text) > MAX_VALUE_CHARS:
        text = json.dumps({"truncated": True, "chars": len(text), "head": text[:10_000]})
    return text


def _plain(text: str | None, scrubber: Scrubber) -> str | None:
    """A scrubbed text column; a lone surrogate is kept as its escape (SQLite stores only UTF-8)."""
    if not text:
        return text
    text = scrubber.text(text)
    return text if text.isascii() else text.encode("utf-8", "backslashreplace").decode("utf-8")


def _insert(db: sqlite3.Connection, table: str, rows: list[tuple[Any, ...]], width: int) -> None:
    """INSERT OR REPLACE many rows, dozens per statement.

    The sqlite3 module lets go of the GIL at every statement step; one row per step made a
    batch's writer thread wait for the event loop's thread (up to 5 ms a time) at every row.
    Rows of one statement are inserted in order, exactly as one statement per row would be.
    """
    per = max(1, _MAX_PARAMS // width)
    one = "(" + ",".join("?" * width) + ")"
    for start in range(0, len(rows), per):
        chunk = rows[start : start + per]
        values = ",".join([one] * len(chunk))
        db.execute(  # the table is ours and the values are all parameters
            f"INSERT OR REPLACE INTO {table} VALUES {values}",
            [item for row in chunk for item in row],
        )


@dataclass
class RunSummary:
    """One row of the run history."""

    run_id: str
    flow_id: str
    flow_name: str
    started: float
    duration_s: float
    status: str
    inputs: dict[str, Any]
    outputs: dict[str, Any]
    error: str | None
    prompt_tokens: int
    completion_tokens: int
    cost_usd: float


class RunStore:
    """The run history database (`runs.sqlite` in the user data folder unless a path is given)."""

    def __init__(self, path: Path | None = None):
        if path is None:
            from studio.runtime.paths import data_dir

            path = data_dir() / "runs.sqlite"
        self.path = path
        self._lock = threading.Lock()
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(path, timeout=10, check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        # Under WAL, NORMAL keeps the database consistent after a crash (a power cut may lose the
        # last commits, never corrupt it) and saves an fsync per commit: ~5 ms a run record.
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.executescript(_SCHEMA)

    def record(
        self, result: RunResult, *, flow_path: str | None = None, scrubber: Scrubber | None = None
    ) -> None:
        """Write a finished run and all its nodes in one transaction.

        `scrubber` is the flow's (`studio.engine.scrub.flow_scrubber`); without one, the secrets
        the process resolved are removed.
        """
        self.record_many([result], flow_path=flow_path, scrubber=scrubber)

    def record_many(
        self,
        results: list[RunResult],
        *,
        flow_path: str | None = None,
        scrubber: Scrubber | None = None,
    ) -> None:
        """Write many finished runs in one transaction (a batch's rows: one commit per group)."""
        if not results:
            return
        # One look at the secrets for the whole group, not one per value or per run.
        clean = (scrubber if scrubber is not None else process_scrubber()).snapshot()
        path_text = _plain(flow_path, clean)
        run_rows = []
        node_rows = []
        for result in results:
            for node_id, state in result.nodes.items():
                node_rows.append(
                    (
                        result.run_id,  # ids and types are plain ASCII by their schema patterns
                        node_id,
                        state.node_type,
                        state.status,
                        _to_text(state.inputs, clean),
                        _to_text(state.outputs, clean),
                        _plain(state.error, clean),
                        _plain(state.caused_by, clean),
                        state.started,
                        state.duration_s,
                        state.usage.prompt_tokens,
                        state.usage.completion_tokens,
                        state.usage.cost_usd,
                        _to_text(state.trace, clean),
                    )
                )
            run_rows.append(
                (
                    result.run_id,
                    _plain(result.flow_id, clean),
                    _plain(result.flow_name, clean),
                    path_text,
                    result.started,
                    result.duration_s,
                    result.status,
                    _to_text(result.inputs, clean),
                    _to_text(result.outputs, clean),
                    _plain(result.error, clean),
                    result.usage.prompt_tokens,
                    result.usage.completion_tokens,
                    result.usage.cost_usd,
                )
            )
        with self._lock, self._db:
            _insert(self._db, "runs", run_rows, 13)
            _insert(self._db, "node_runs", node_rows, 14)

    def list_runs(self, limit: int = 50, flow_id: str | None = None) -> list[RunSummary]:
        """The most recent runs, newest first."""
        query = "SELECT * FROM runs"
        args: tuple[Any, ...] = ()
        if flow_id:
            query += " WHERE flow_id = ?"
            args = (flow_id,)
        query += " ORDER BY started DESC LIMIT ?"
        with self._lock:
            rows = self._db.execute(query, (*args, limit)).fetchall()
        return [self._summary(row) for row in rows]

    @staticmethod
    def _summary(row: tuple[Any, ...]) -> RunSummary:
        (
            run_id,
            flow_id,
            flow_name,
            _path,
            started,
            duration,
            status,
            inputs,
            outputs,
            error,
            prompt_tokens,
            completion_tokens,
            cost,
        ) = row
        return RunSummary(
            run_id,
            flow_id,
            flow_name,
            started,
            duration,
            status,
            json.loads(inputs),
            json.loads(outputs),
            error,
            prompt_tokens,
            completion_tokens,
            cost,
        )

    def get_run(self, run_id: str) -> tuple[RunSummary, list[dict[str, Any]]] | None:
        """A run and every node's record (inputs, outputs, status, timing, usage, trace)."""
        with self._lock:
            row = self._db.execute("SELECT * FROM runs WHERE run_id = ?", (run_id,)).fetchone()
            if row is None:
                return None
            cursor = self._db.execute("SELECT * FROM node_runs WHERE run_id = ? ORDER BY started", (run_id,))
            names = [column[0] for column in cursor.description]
            node_rows = cursor.fetchall()
        nodes = []
        for node_row in node_rows:
            record = dict(zip(names, node_row, strict=True))
            for key in ("inputs", "outputs", "trace"):
                record[key] = json.loads(record[key]) if record[key] else None
            nodes.append(record)
        return self._summary(row), nodes

    def flow_path(self, run_id: str) -> str | None:
        """The flow file a run came from (None when it was not run from a file)."""
        with self._lock:
            row = self._db.execute("SELECT flow_path FROM runs WHERE run_id = ?", (run_id,)).fetchone()
        return row[0] if row else None

    def claim_waiting(self, run_id: str) -> bool:
        """Mark a waiting run as being resumed; False when it is not waiting (taken already)."""
        with self._lock, self._db:
            cursor = self._db.execute(
                "UPDATE runs SET status = 'resuming' WHERE run_id = ? AND status = 'waiting'", (run_id,)
            )
        return cursor.rowcount == 1

    def set_status(self, run_id: str, status: str) -> None:
        """Change a run's status (a resume that could not start gives the run back as waiting)."""
        with self._lock, self._db:
            self._db.execute("UPDATE runs SET status = ? WHERE run_id = ?", (status, run_id))

    def close(self) -> None:
        """Close the database."""
        with self._lock:
            self._db.close()
