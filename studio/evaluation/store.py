"""Evaluation runs in SQLite (`evaluations.sqlite` in the user data folder).

A run holds its configuration (flow and dataset with their hashes, variants, metrics, judge); a
finished cell (row x variant) is stored with its scores and the id of the engine's run record, in
groups (`save_group`, one transaction per group of up to 256 cells or half a second), so a stopped
evaluation keeps every finished cell, a crashed one loses at most the last half second of cells,
and `--resume` knows exactly which ones to run again. A reusable cell (see `cells`) is also stored
under its key, so a later run of the same flow on the same row can take it without running.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from studio.evaluation.metrics.base import Score

_SCHEMA = """
CREATE TABLE IF NOT EXISTS eval_runs (
    run_id TEXT PRIMARY KEY, created REAL, updated REAL, status TEXT, flow_path TEXT,
    flow_name TEXT, flow_hash TEXT, dataset_path TEXT, dataset_hash TEXT, config TEXT
);
CREATE TABLE IF NOT EXISTS eval_cells (
    run_id TEXT, row INTEGER, variant TEXT, status TEXT, error TEXT, flow_run_id TEXT,
    duration_s REAL, prompt_tokens INTEGER, completion_tokens INTEGER, cost_usd REAL,
    cached INTEGER, sample TEXT, PRIMARY KEY (run_id, row, variant)
);
CREATE TABLE IF NOT EXISTS eval_scores (
    run_id TEXT, row INTEGER, variant TEXT, metric TEXT, value REAL, reason TEXT, note TEXT,
    PRIMARY KEY (run_id, row, variant, metric)
);
CREATE INDEX IF NOT EXISTS eval_scores_metric ON eval_scores (run_id, metric, variant);
CREATE TABLE IF NOT EXISTS eval_reusable (
    flow_hash TEXT, row_key TEXT, run_id TEXT, row INTEGER, variant TEXT,
    PRIMARY KEY (flow_hash, row_key)
);
CREATE TABLE IF NOT EXISTS eval_ratings (
    run_id TEXT, row INTEGER, variant TEXT, thumb INTEGER, stars INTEGER, comment TEXT, updated REAL,
    PRIMARY KEY (run_id, row, variant)
);
"""

MAX_SAMPLE_CHARS = 200_000


def _sample_text(sample: dict[str, Any]) -> str:
    text = json.dumps(sample, ensure_ascii=False, default=repr)
    if len(text) > MAX_SAMPLE_CHARS:
        text = json.dumps({"answer": str(sample.get("answer", ""))[:20_000], "truncated": True})
    return text


@dataclass
class EvalRunInfo:
    """One evaluation run as listed."""

    run_id: str
    created: float
    updated: float
    status: str
    flow_path: str
    flow_name: str
    flow_hash: str
    dataset_path: str
    dataset_hash: str
    config: dict[str, Any]

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return dict(self.__dict__)


@dataclass
class CellRecord:
    """A finished cell as stored (its sample holds question, answer, reference, contexts)."""

    row: int
    variant: str
    status: str
    error: str | None
    flow_run_id: str | None
    duration_s: float
    prompt_tokens: int
    completion_tokens: int
    cost_usd: float
    cached: bool
    sample: dict[str, Any]


class EvalStore:
    """The evaluation database; safe to share between threads."""

    def __init__(self, path: Path | None = None):
        if path is None:
            from studio.runtime.paths import data_dir

            path = data_dir() / "evaluations.sqlite"
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(path, timeout=30, check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        # Durable enough: WAL with NORMAL keeps every committed cell across a process crash.
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.executescript(_SCHEMA)
        self._lookups: sqlite3.Connection | None = None
        self._lookup_lock = threading.Lock()

    def close(self) -> None:
        """Close the database."""
        with self._lock:
            self._db.close()
        with self._lookup_lock:
            if self._lookups is not None:
                self._lookups.close()
                self._lookups = None

    # ------------------------------------------------------------------ runs

    def create_run(
        self,
        *,
        flow_path: str,
        flow_name: str,
        flow_hash: str,
        dataset_path: str,
        dataset_hash: str,
        config: dict[str, Any],
    ) -> str:
        """Start a run; returns its id."""
        run_id = time.strftime("%Y%m%d-%H%M%S-") + uuid.uuid4().hex[:6]
        now = time.time()
        with self._lock, self._db:
            self._db.execute(
                "INSERT INTO eval_runs VALUES (?,?,?,?,?,?,?,?,?,?)",
                (
                    run_id,
                    now,
                    now,
                    "running",
                    flow_path,
                    flow_name,
                    flow_hash,
                    dataset_path,
                    dataset_hash,
                    json.dumps(config, ensure_ascii=False),
                ),
            )
        return run_id

    def set_status(self, run_id: str, status: str) -> None:
        """running | finished | stopped | failed."""
        with self._lock, self._db:
            self._db.execute(
                "UPDATE eval_runs SET status = ?, updated = ? WHERE run_id = ?", (status, time.time(), run_id)
            )

    @staticmethod
    def _info(row: tuple[Any, ...]) -> EvalRunInfo:
        (
            run_id,
            created,
            updated,
            status,
            flow_path,
            flow_name,
            flow_hash,
            dataset_path,
            dataset_hash,
            config,
        ) = row
        return EvalRunInfo(
            run_id,
            created,
            updated,
            status,
            flow_path,
            flow_name,
            flow_hash,
            dataset_path,
            dataset_hash,
            json.loads(config),
        )

    def get_run(self, run_id: str) -> EvalRunInfo | None:
        """A run by id (a unique prefix of the id is enough)."""
        with self._lock:
            rows = self._db.execute(
                "SELECT * FROM eval_runs WHERE run_id = ? OR run_id LIKE ? LIMIT 2",
                (run_id, run_id.replace("%", "") + "%"),
            ).fetchall()
        exact = [row for row in rows if row[0] == run_id]
        if exact:
            return self._info(exact[0])
        return self._info(rows[0]) if len(rows) == 1 else None

    def list_runs(self, limit: int = 50) -> list[EvalRunInfo]:
        """The most recent runs, newest first."""
        with self._lock:
            rows = self._db.execute(
                "SELECT * FROM eval_runs ORDER BY created DESC LIMIT ?", (limit,)
            ).fetchall()
        return [self._info(row) for row in rows]

    def delete_run(self, run_id: str) -> None:
        """Forget a run and its cells."""
        with self._lock, self._db:
            for table in ("eval_runs", "eval_cells", "eval_scores", "eval_ratings", "eval_reusable"):
                self._db.execute(f"DELETE FROM {table} WHERE run_id = ?", (run_id,))

    # ----------------------------------------------------------------- cells

    def save_cell(
        self, run_id: str, cell: CellRecord, scores: dict[str, Score], key: tuple[str, str] | None = None
    ) -> None:
        """Write one finished cell and its scores in one transaction."""
        self.save_group(run_id, [(cell, scores, key)], [])

    def save_group(
        self,
        run_id: str,
        cells: list[tuple[CellRecord, dict[str, Score], tuple[str, str] | None]],
        scores: list[tuple[int, str, dict[str, Score]]],
    ) -> None:
        """Write finished cells (with their scores and (flow hash, row key) when reusable) and later
        scores in one transaction."""
        with self._lock, self._db:
            self._db.executemany(
                "INSERT OR REPLACE INTO eval_cells VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                [
                    (
                        run_id,
                        cell.row,
                        cell.variant,
                        cell.status,
                        cell.error,
                        cell.flow_run_id,
                        cell.duration_s,
                        cell.prompt_tokens,
                        cell.completion_tokens,
                        cell.cost_usd,
                        int(cell.cached),
                        _sample_text(cell.sample),
                    )
                    for cell, _, _ in cells
                ],
            )
            self._db.executemany(
                "INSERT OR REPLACE INTO eval_scores VALUES (?,?,?,?,?,?,?)",
                [
                    (run_id, cell.row, cell.variant, name, s.value, s.reason, s.note)
                    for cell, cell_scores, _ in cells
                    for name, s in cell_scores.items()
                ]
                + [
                    (run_id, row, variant, name, s.value, s.reason, s.note)
                    for row, variant, later in scores
                    for name, s in later.items()
                ],
            )
            self._db.executemany(
                "INSERT OR REPLACE INTO eval_reusable VALUES (?,?,?,?,?)",
                [
                    (*key, run_id, cell.row, cell.variant)
                    for cell, _, key in cells
                    if key is not None and cell.status == "succeeded"
                ],
            )
            self._db.execute("UPDATE eval_runs SET updated = ? WHERE run_id = ?", (time.time(), run_id))

    def has_reusable(self, flow_hash: str) -> bool:
        """Whether any stored cell of a flow that does this (`engine.batch.flow_hash`) can be reused."""
        with self._lock:
            found = self._db.execute("SELECT 1 FROM eval_reusable WHERE flow_hash = ? LIMIT 1", (flow_hash,))
            return found.fetchone() is not None

    def reusable_cell(self, flow_hash: str, row_key: str) -> tuple[dict[str, Any], str | None] | None:
        """(sample, run record id) of the latest succeeded cell under the key, if its sample is whole."""
        # Its own connection: under WAL a lookup reads while the cell writer's commit goes on,
        # instead of waiting for the writer's lock.
        if self._lookups is None:
            self._lookups = sqlite3.connect(self.path, timeout=30, check_same_thread=False)
        with self._lookup_lock:
            found = self._lookups.execute(
                "SELECT c.sample, c.flow_run_id FROM eval_reusable k JOIN eval_cells c "
                "ON c.run_id = k.run_id AND c.row = k.row AND c.variant = k.variant "
                "WHERE k.flow_hash = ? AND k.row_key = ? AND c.status = 'succeeded'",
                (flow_hash, row_key),
            ).fetchone()
        if found is None:
            return None
        sample = json.loads(found[0])
        return None if sample.get("truncated") else (sample, found[1])

    def save_scores(self, run_id: str, row: int, variant: str, scores: dict[str, Score]) -> None:
        """Add or replace scores of a stored cell (pairwise scores arrive after both cells)."""
        with self._lock, self._db:
            self._write_scores(run_id, row, variant, scores)

    def _write_scores(self, run_id: str, row: int, variant: str, scores: dict[str, Score]) -> None:
        self._db.executemany(
            "INSERT OR REPLACE INTO eval_scores VALUES (?,?,?,?,?,?,?)",
            [(run_id, row, variant, name, s.value, s.reason, s.note) for name, s in scores.items()],
        )

    def done_cells(self, run_id: str, first_row: int, last_row: int) -> set[tuple[int, str]]:
        """(row, variant) of the cells already stored with rows in [first_row, last_row]."""
        with self._lock:
            rows = self._db.execute(
                "SELECT row, variant FROM eval_cells WHERE run_id = ? AND row BETWEEN ? AND ?",
                (run_id, first_row, last_row),
            ).fetchall()
        return {(int(r), str(v)) for r, v in rows}

    def get_cell(self, run_id: str, row: int, variant: str) -> CellRecord | None:
        """One stored cell."""
        with self._lock:
            found = self._db.execute(
                "SELECT * FROM eval_cells WHERE run_id = ? AND row = ? AND variant = ?",
                (run_id, row, variant),
            ).fetchone()
        return self._cell(found) if found else None

    @staticmethod
    def _cell(found: tuple[Any, ...]) -> CellRecord:
        _run, row, variant, status, error, flow_run, duration, pt, ct, cost, cached, sample = found
        return CellRecord(
            row, variant, status, error, flow_run, duration, pt, ct, cost, bool(cached), json.loads(sample)
        )

    def iter_cells(self, run_id: str) -> Iterator[CellRecord]:
        """Every stored cell in row order (streamed from the database)."""
        cursor = self._reader().execute(
            "SELECT * FROM eval_cells WHERE run_id = ? ORDER BY row, variant", (run_id,)
        )
        for found in cursor:
            yield self._cell(found)

    def cell_scores(self, run_id: str, row: int, variant: str) -> dict[str, Score]:
        """The scores of one cell by metric."""
        with self._lock:
            rows = self._db.execute(
                "SELECT metric, value, reason, note FROM eval_scores "
                "WHERE run_id = ? AND row = ? AND variant = ?",
                (run_id, row, variant),
            ).fetchall()
        return {metric: Score(value, reason or "", note or "") for metric, value, reason, note in rows}

    def _reader(self) -> sqlite3.Connection:
        # A separate connection for long reads, so a report does not hold the writer's lock.
        return sqlite3.connect(self.path, timeout=30)

    def query(self, sql: str, args: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        """Rows of a read-only query (for the statistics and reports)."""
        connection = self._reader()
        try:
            return connection.execute(sql, args).fetchall()
        finally:
            connection.close()

    def iter_query(self, sql: str, args: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
        """Rows of a read-only query, streamed."""
        connection = self._reader()
        try:
            yield from connection.execute(sql, args)
        finally:
            connection.close()

    # --------------------------------------------------------------- ratings

    def save_rating(
        self,
        run_id: str,
        row: int,
        variant: str,
        *,
        thumb: int | None = None,
        stars: int | None = None,
        comment: str = "",
    ) -> None:
        """Save a person's rating of a cell; it becomes that cell's `human_rating` score."""
        from studio.evaluation.metrics.human import rating_value

        if thumb is not None and thumb not in (-1, 1):
            raise ValueError("thumb: use 1 (up) or -1 (down)")
        if stars is not None and not 1 <= stars <= 5:
            raise ValueError("stars: use 1 to 5")
        if self.get_cell(run_id, row, variant) is None:
            raise ValueError(f"run {run_id}: no cell for row {row}, variant {variant!r}")
        value = rating_value(stars, thumb)
        with self._lock, self._db:
            self._db.execute(
                "INSERT OR REPLACE INTO eval_ratings VALUES (?,?,?,?,?,?,?)",
                (run_id, row, variant, thumb, stars, comment, time.time()),
            )
            score = Score(value, comment, "" if value is not None else "rating cleared")
            self._write_scores(run_id, row, variant, {"human_rating": score})

    def rating(self, run_id: str, row: int, variant: str) -> dict[str, Any] | None:
        """A saved rating: {"thumb", "stars", "comment"}, or None."""
        with self._lock:
            found = self._db.execute(
                "SELECT thumb, stars, comment FROM eval_ratings WHERE run_id = ? AND row = ? AND variant = ?",
                (run_id, row, variant),
            ).fetchone()
        return {"thumb": found[0], "stars": found[1], "comment": found[2]} if found else None
