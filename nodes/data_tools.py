"""Tool nodes over local data: a read-only SQL query on a SQLite file and a file reader, both
confined to the flow's folder."""

from __future__ import annotations

import asyncio
import json
import os
import sqlite3
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from nodes.tools import TOOL_NAME, ToolArgumentError, ToolConfig, ToolNode
from studio.engine.context import RunContext
from studio.engine.errors import NodeError
from studio.engine.node import NodeConfig, setting

__all__ = ["FileReadTool", "SqlQueryTool"]


# --- SQL query --------------------------------------------------------------------------------

_READ_PRAGMAS = {"table_info", "table_xinfo", "table_list", "index_list", "index_info", "foreign_key_list"}


def _authorizer(action: int, arg1: str | None, arg2: str | None, db: str | None, source: str | None) -> int:
    """Allow reading only: SELECT, reads, functions, CTEs and a few schema pragmas."""
    allowed = {sqlite3.SQLITE_SELECT, sqlite3.SQLITE_READ, sqlite3.SQLITE_FUNCTION, sqlite3.SQLITE_RECURSIVE}
    if action in allowed:
        return sqlite3.SQLITE_OK
    if action == sqlite3.SQLITE_PRAGMA and (arg1 or "").lower() in _READ_PRAGMAS:
        return sqlite3.SQLITE_OK
    return sqlite3.SQLITE_DENY


class SqlQueryTool(ToolNode):
    """A read-only SQL query on a SQLite file."""

    type = "tool.sql"
    title = "SQL Query"
    description = "Runs a read-only SQL query on a SQLite database file and returns the rows."
    default_description = "Run a read-only SQL (SQLite) SELECT query and get the rows back."
    deterministic = False  # the file may change between runs

    class Config(ToolConfig):
        name: str = setting("sql", pattern=TOOL_NAME, description="The tool's name as agents see it.")
        database: str = setting(
            ..., widget="file", description="The SQLite file (relative to the flow's folder)."
        )
        max_rows: int = setting(200, ge=1, le=100_000, description="Rows returned at most.")
        timeout_s: float = setting(5.0, gt=0, le=300, description="Time limit for one query.")
        describe_schema: bool = setting(True, description="Tell agents the tables and columns.")

    @classmethod
    def parameters(cls, config: NodeConfig) -> dict[str, Any]:
        return {
            "type": "object",
            "properties": {
                "query": {"type": "string", "description": "One SQLite SELECT statement."},
                "params": {"type": "array", "description": "Values for ? placeholders."},
            },
            "required": ["query"],
        }

    def _open(self, ctx: RunContext) -> sqlite3.Connection:
        config: SqlQueryTool.Config = self.config  # type: ignore[assignment]
        path = ctx.resolve_path(config.database)
        if not path.is_file():
            raise NodeError(f"database: no SQLite file at {path}")
        try:
            db = sqlite3.connect(
                f"{path.resolve().as_uri()}?mode=ro",
                uri=True,
                timeout=config.timeout_s,
                check_same_thread=False,
            )
            db.execute("PRAGMA query_only = ON")
        except sqlite3.Error as exc:
            raise NodeError(f"database: cannot open {path} read-only: {exc}") from None
        db.set_authorizer(_authorizer)
        return db

    def schema_text(self, ctx: RunContext) -> str:
        """'table(col type, ...)' lines describing the database, for the tool description."""
        db = self._open(ctx)
        try:
            tables = [
                r[0]
                for r in db.execute(
                    "SELECT name FROM sqlite_master WHERE type IN ('table', 'view') "
                    "AND name NOT LIKE 'sqlite_%' ORDER BY name"
                )
            ]
            lines = []
            for table in tables:
                columns = db.execute(f"PRAGMA table_info({json.dumps(table)})").fetchall()
                lines.append(f"{table}({', '.join(f'{c[1]} {c[2]}'.strip() for c in columns)})")
            return "\n".join(lines)
        finally:
            db.close()

    async def run(self, inputs: Mapping[str, Any], ctx: RunContext) -> dict[str, Any]:
        outputs = await super().run(inputs, ctx)
        config: SqlQueryTool.Config = self.config  # type: ignore[assignment]
        if config.describe_schema:
            try:
                schema = await asyncio.to_thread(self.schema_text, ctx)
            except (NodeError, sqlite3.Error):
                schema = ""
            if schema:
                outputs["tool"]["description"] += "\nTables:\n" + schema
        return outputs

    def call(self, arguments: dict[str, Any], ctx: RunContext) -> Any:
        config: SqlQueryTool.Config = self.config  # type: ignore[assignment]
        query = str(arguments["query"]).strip().rstrip(";")
        db = self._open(ctx)
        deadline = time.monotonic() + config.timeout_s
        db.set_progress_handler(lambda: 1 if time.monotonic() > deadline else 0, 10_000)
        try:
            cursor = db.execute(query, list(arguments.get("params") or []))
            rows = cursor.fetchmany(config.max_rows + 1)
            columns = [d[0] for d in cursor.description or []]
        except sqlite3.Warning as exc:  # "You can only execute one statement at a time."
            raise ToolArgumentError(f"query: {exc}") from None
        except sqlite3.DatabaseError as exc:
            text = str(exc)
            if "interrupted" in text:
                text = f"the query ran past its {config.timeout_s:g} s time limit"
            elif "not authorized" in text or "readonly" in text or "read-only" in text:
                text = "only read-only queries (SELECT) are allowed"
            raise NodeError(f"query failed: {text}") from None
        finally:
            db.close()
        truncated = len(rows) > config.max_rows
        return {
            "columns": columns,
            "rows": [list(r) for r in rows[: config.max_rows]],
            "truncated": truncated,
        }


# --- file read --------------------------------------------------------------------------------


class FileReadTool(ToolNode):
    """Read a text file, or list a folder, inside the allowed folders only."""

    type = "tool.file_read"
    title = "Read File"
    description = "Reads a text file (or lists a folder) inside the allowed folders; nothing else."
    default_description = "Read a text file by its path (relative to the allowed folder), or list a folder."
    deterministic = False

    class Config(ToolConfig):
        name: str = setting("read_file", pattern=TOOL_NAME, description="The tool's name as agents see it.")
        folders: list[str] = setting(
            ["."], description="Folders the tool may read (relative to the flow's folder)."
        )
        max_bytes: int = setting(200_000, ge=1, le=50_000_000, description="Largest file read.")
        encoding: str = setting("utf-8", advanced=True, description="Text encoding of the files.")

    @classmethod
    def parameters(cls, config: NodeConfig) -> dict[str, Any]:
        return {
            "type": "object",
            "properties": {"path": {"type": "string", "description": "File or folder path."}},
            "required": ["path"],
        }

    def _roots(self, ctx: RunContext) -> list[Path]:
        config: FileReadTool.Config = self.config  # type: ignore[assignment]
        # Only the folders it was given: not the host's allowed folders, the working folder or
        # the flow's folder (unless its own list names it, as the default "." does).
        return [Path(os.path.realpath(ctx.resolve_path(folder))) for folder in config.folders]

    def call(self, arguments: dict[str, Any], ctx: RunContext) -> Any:
        config: FileReadTool.Config = self.config  # type: ignore[assignment]
        roots = self._roots(ctx)
        raw = str(arguments["path"]).strip()
        if "\0" in raw:
            raise ToolArgumentError("path: contains a NUL character")
        candidates = (
            [Path(raw).expanduser()] if Path(raw).expanduser().is_absolute() else [r / raw for r in roots]
        )
        for candidate in candidates:
            real = Path(os.path.realpath(candidate))  # symlinks resolved before the check
            if not any(real == root or root in real.parents for root in roots):
                continue
            if real.is_dir():
                return sorted(p.name + ("/" if p.is_dir() else "") for p in real.iterdir())
            if real.is_file():
                size = real.stat().st_size
                if size > config.max_bytes:
                    raise NodeError(f"{raw} is {size} bytes, over the {config.max_bytes}-byte limit")
                return real.read_text(encoding=config.encoding, errors="replace")
        if not any(
            any(
                Path(os.path.realpath(c)) == root or root in Path(os.path.realpath(c)).parents
                for root in roots
            )
            for c in candidates
        ):
            shown = ", ".join(str(r) for r in roots)
            raise NodeError(f"{raw!r} is outside the allowed folders ({shown})")
        raise NodeError(f"no file or folder {raw!r} in the allowed folders")
