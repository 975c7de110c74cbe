"""Reading and writing flow files: strict, deterministic, atomic.

Loading only parses JSON and validates data. It never imports a module, runs code, opens a socket
or starts a process, whatever the file says; and whatever the path points at (a FIFO, a device, a
symbolic link loop) or the file holds (huge numbers, deep nesting, invalid Unicode), it ends in a
FlowError naming the file and the problem (see studio.flow.reading).
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from studio.flow.errors import FlowError, Problem, json_path
from studio.flow.migrations import migrate
from studio.flow.reading import (
    MAX_FLOW_BYTES,
    check_structure,
    decode_flow_bytes,
    parse_json,
    read_flow_bytes,
)
from studio.flow.schema import (
    Comment,
    EdgeSpec,
    Flow,
    InterfacePort,
    NodeSpec,
    ReferenceProblems,
    Variable,
)
from studio.flow.secret_scan import find_secrets

__all__ = [
    "MAX_FLOW_BYTES",
    "check_data",
    "dumps",
    "from_data",
    "load_flow",
    "loads",
    "read_flow_data",
    "salvage",
    "save_flow",
    "to_data",
    "write_atomic",
]

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
        cause = (item.get("ctx") or {}).get("error")
        if isinstance(cause, ReferenceProblems):
            # The cross-reference check finds several problems, each with its own path.
            problems.extend(cause.problems)
            continue
        message = item["msg"].removeprefix("Value error, ")
        problems.append(Problem(json_path(item["loc"]), message))
    return problems


def check_data(raw: Any) -> tuple[Flow | None, list[Problem]]:
    """Every problem of already-parsed flow data, and the flow itself when it has none.

    When the file does not validate as a whole, the valid parts are still checked as far as they
    go (see `salvage`), so a caller can report all problems of a file in one pass.
    """
    if not isinstance(raw, dict):
        return None, [Problem("$", f"expected a JSON object, got a JSON {_json_kind(raw)}")]
    try:
        upgraded = migrate(raw)
    except FlowError as error:
        return None, error.problems
    try:
        return Flow.model_validate(upgraded), []
    except ValidationError as error:
        return None, _validation_problems(error)


def salvage(raw: Any) -> tuple[Flow | None, bool]:
    """The parts of invalid flow data that are valid on their own, as an unvalidated Flow, and
    whether nothing but cross-references (edges to missing nodes, repeated ids) had to be fixed.

    Invalid nodes, edges and interface entries are left out, and later entries with an already used
    id or name; edges to missing nodes are kept, so that the engine's checks do not call their
    inputs unconnected. `validate` runs the engine's checks on this to report node-level problems
    (unknown types, bad settings) alongside the file's structural ones. (None, False) when the data
    cannot even be migrated. Never run or save the result.
    """
    if not isinstance(raw, dict):
        return None, False
    try:
        upgraded = migrate(raw)
    except FlowError:
        return None, False
    items: dict[str, type[BaseModel]] = {
        "nodes": NodeSpec,
        "edges": EdgeSpec,
        "inputs": InterfacePort,
        "outputs": InterfacePort,
        "variables": Variable,
        "comments": Comment,
    }
    fields: dict[str, Any] = {}
    complete = True
    for name, value in upgraded.items():
        if name not in Flow.model_fields:
            complete = False
            continue
        if name in items:
            if isinstance(value, list):
                kept = [entry for entry in (_valid(items[name], item) for item in value) if entry]
                complete = complete and len(kept) == len(value)
                fields[name] = kept
            else:
                complete = complete and value is None and name == "comments"
            continue
        try:
            Flow.model_validate({name: value})
        except ValidationError:
            complete = False
            continue
        fields[name] = value
    for kind, key in (("nodes", "id"), ("inputs", "name"), ("outputs", "name"), ("variables", "name")):
        unique: dict[str, Any] = {}
        for entry in fields.get(kind, []):
            unique.setdefault(getattr(entry, key), entry)
        complete = complete and len(unique) == len(fields.get(kind, []))
        fields[kind] = list(unique.values())
    return Flow.model_construct(**fields), complete


def _valid(model: type[BaseModel], item: Any) -> Any:
    try:
        return model.model_validate(item)
    except ValidationError:
        return None


def _json_kind(value: Any) -> str:
    names = {list: "list", str: "string", int: "number", float: "number", bool: "boolean"}
    return names.get(type(value), "null" if value is None else type(value).__name__)


def from_data(raw: Any, *, source: str | None = None) -> Flow:
    """Validate (after migrating) already-parsed JSON data into a Flow; FlowError lists every problem."""
    problem = check_structure(raw)
    if problem is not None:
        raise FlowError(problem, source=source)
    return _validated(raw, source)


def _validated(raw: Any, source: str | None) -> Flow:
    flow, problems = check_data(raw)
    if flow is None:
        raise FlowError(problems, source=source)
    return flow


def loads(text: str, *, source: str | None = None) -> Flow:
    """Parse and validate flow JSON text."""
    return _validated(parse_json(text, source=source), source)


def load_flow(path: str | os.PathLike[str]) -> Flow:
    """Read a flow file from disk (a regular file of at most MAX_FLOW_BYTES, UTF-8 JSON)."""
    source = os.fsdecode(path)
    return loads(decode_flow_bytes(read_flow_bytes(path), source), source=source)


def read_flow_data(path: str | os.PathLike[str]) -> Any:
    """The parsed JSON of a flow file, within the reading limits, not yet validated as a flow."""
    source = os.fsdecode(path)
    return parse_json(decode_flow_bytes(read_flow_bytes(path), source), source=source)


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
