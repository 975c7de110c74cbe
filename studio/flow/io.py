"""Reading and writing flow files: strict, deterministic, atomic.

Loading only parses JSON and validates data. It never imports a module, runs code, opens a socket
or starts a process, whatever the file says.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from studio.flow.errors import FlowError, Problem, json_path
from studio.flow.migrations import migrate
from studio.flow.schema import Flow
from studio.flow.secret_scan import find_secrets

MAX_FLOW_BYTES = 50 * 1024 * 1024
BACKUP_SUFFIX = ".bak"


def to_data(flow: Flow) -> dict[str, Any]:
    """The flow as plain JSON data, optional unset fields left out."""
    return flow.model_dump(mode="json", exclude_none=True)


def dumps(flow: Flow) -> str:
    """Serialise deterministically: sorted keys, 2-space indent, UTF-8 text, newline at the end."""
    return json.dumps(to_data(flow), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def _validation_problems(error: ValidationError) -> list[Problem]:
    problems = []
    for item in error.errors():
        message = item["msg"].removeprefix("Value error, ")
        if not item["loc"] and ";" in message:
            # Our cross-reference validator joins several problems, each with its own path.
            for part in message.split("; "):
                where, _, what = part.partition(": ")
                problems.append(Problem("$." + where, what))
            continue
        problems.append(Problem(json_path(item["loc"]), message))
    return problems


def from_data(raw: Any, *, source: str | None = None) -> Flow:
    """Validate (after migrating) already-parsed JSON data into a Flow."""
    if not isinstance(raw, dict):
        raise FlowError(Problem("$", f"expected a JSON object, got {type(raw).__name__}"), source=source)
    try:
        upgraded = migrate(raw)
        return Flow.model_validate(upgraded)
    except FlowError as error:
        error.source = source
        raise FlowError(error.problems, source=source) from None
    except ValidationError as error:
        raise FlowError(_validation_problems(error), source=source) from None


def loads(text: str, *, source: str | None = None) -> Flow:
    """Parse and validate flow JSON text."""
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as error:
        raise FlowError(
            Problem("", f"not valid JSON: {error.msg} at line {error.lineno}, column {error.colno}"),
            source=source,
        ) from None
    return from_data(raw, source=source)


def load_flow(path: str | os.PathLike[str]) -> Flow:
    """Read a flow file from disk."""
    file = Path(path)
    source = str(path)
    try:
        size = file.stat().st_size
        if size > MAX_FLOW_BYTES:
            raise FlowError(f"file is {size} bytes; a flow file is at most {MAX_FLOW_BYTES}", source=source)
        data = file.read_bytes()
    except FileNotFoundError:
        raise FlowError("file not found", source=source) from None
    except IsADirectoryError:
        raise FlowError("is a folder, not a flow file", source=source) from None
    except PermissionError:
        raise FlowError("permission denied", source=source) from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise FlowError(f"not UTF-8 text (byte {error.start})", source=source) from None
    return loads(text, source=source)


def write_atomic(path: Path, text: str, *, backup: bool = True) -> None:
    """Write text to path so that a crash leaves either the old or the new file, never half of one.

    The previous version, if any, is kept beside it as `<name>.bak`.
    """
    path = path.absolute()
    folder = path.parent
    folder.mkdir(parents=True, exist_ok=True)
    handle, temp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as temp:
            temp.write(text)
            temp.flush()
            os.fsync(temp.fileno())
        if backup and path.exists():
            backup_path = path.with_name(path.name + BACKUP_SUFFIX)
            previous = path.read_bytes()
            backup_handle, backup_temp = tempfile.mkstemp(prefix=f".{path.name}.", dir=folder)
            with os.fdopen(backup_handle, "wb") as out:
                out.write(previous)
                out.flush()
                os.fsync(out.fileno())
            os.replace(backup_temp, backup_path)
        os.replace(temp_name, path)
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise
    _fsync_folder(folder)


def _fsync_folder(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return  # not supported on this platform (Windows): the file itself was synced
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def save_flow(flow: Flow, path: str | os.PathLike[str]) -> None:
    """Validate, then write the flow atomically, keeping the previous file as a backup.

    Refuses (FlowError) a flow holding something shaped like an API key: files are shared.
    """
    checked = Flow.model_validate(to_data(flow))
    secrets = find_secrets(checked)
    if secrets:
        raise FlowError(secrets, source=str(path))
    write_atomic(Path(path), dumps(checked))
