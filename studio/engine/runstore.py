"""Run records in SQLite: every run's inputs, outputs, status, and each node's values and timings.

Values are scrubbed of every secret the process resolved before they are written.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from studio.runtime.safety.secrets import redact

if TYPE_CHECKING:
    from studio.engine.scheduler import RunResult

MAX_VALUE_CHARS = 2_000_000

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


def _to_text(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False, default=repr)
    if len(text) > MAX_VALUE_CHARS:
        text = json.dumps({"truncated": True, "chars": len(text), "head": text[:10_000]})
    return redact(text)


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
        self._db.executescript(_SCHEMA)

    def record(self, result: RunResult, *, flow_path: str | None = None) -> None:
        """Write a finished run and all its nodes in one transaction."""
        rows = []
        for node_id, state in result.nodes.items():
            rows.append(
                (
                    result.run_id,
                    node_id,
                    state.node_type,
                    state.status,
                    _to_text(state.inputs),
                    _to_text(state.outputs),
                    redact(state.error) if state.error else None,
                    state.caused_by,
                    state.started,
                    state.duration_s,
                    state.usage.prompt_tokens,
                    state.usage.completion_tokens,
                    state.usage.cost_usd,
                    _to_text(state.trace),
                )
            )
        with self._lock, self._db:
            self._db.execute(
                "INSERT OR REPLACE INTO runs VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (
                    result.run_id,
                    result.flow_id,
                    result.flow_name,
                    flow_path,
                    result.started,
                    result.duration_s,
                    result.status,
                    _to_text(result.inputs),
                    _to_text(result.outputs),
                    redact(result.error) if result.error else None,
                    result.usage.prompt_tokens,
                    result.usage.completion_tokens,
                    result.usage.cost_usd,
                ),
            )
            self._db.executemany(
                "INSERT OR REPLACE INTO node_runs VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)", rows
            )

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

    def close(self) -> None:
        """Close the database."""
        with self._lock:
            self._db.close()
