"""Upgrades of older flow files, one small function per schema version step.

Each step takes the raw JSON object of version N and returns version N+1. Steps never look up node
types or import anything named in the file: they only reshape data.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from studio.flow.errors import FlowError, Problem, brief
from studio.flow.schema import SCHEMA_VERSION

RawFlow = dict[str, Any]


def _split_endpoint(value: Any, where: str) -> tuple[str, str] | Problem:
    if not isinstance(value, str) or ":" not in value:
        return Problem(where, f"expected 'node:port', got {brief(value)}")
    node, port = value.rsplit(":", 1)
    return node, port


def _list(raw: RawFlow, key: str, problems: list[Problem]) -> list[Any]:
    value = raw.get(key, [])
    if isinstance(value, list):
        return value
    problems.append(Problem(f"$.{key}", f"expected a list, got {brief(value)}"))
    return []


def _v0_to_v1(raw: RawFlow) -> RawFlow:
    """Version 0 (the prototype format): `params`, `position: [x, y]`, edges as "node:port" strings.

    Every value is type-checked before it is reshaped: a version-0 file is as untrusted as any.
    """
    problems: list[Problem] = []
    nodes = []
    for index, node in enumerate(_list(raw, "nodes", problems)):
        if not isinstance(node, dict):
            problems.append(Problem(f"$.nodes[{index}]", f"expected an object, got {brief(node)}"))
            continue
        upgraded = {k: v for k, v in node.items() if k not in ("params", "position", "title")}
        upgraded["config"] = node.get("params", {})
        ui: dict[str, Any] = {}
        position = node.get("position")
        if isinstance(position, list) and len(position) == 2:
            ui["x"], ui["y"] = position
        if "title" in node:
            ui["title"] = node["title"]
        upgraded["ui"] = ui
        upgraded.setdefault("version", 1)
        nodes.append(upgraded)
    edges = []
    for index, edge in enumerate(_list(raw, "edges", problems)):
        where = f"$.edges[{index}]"
        if not isinstance(edge, dict):
            problems.append(Problem(where, f"expected an object, got {brief(edge)}"))
            continue
        ends = [
            _split_endpoint(edge.get("from"), where + ".from"),
            _split_endpoint(edge.get("to"), where + ".to"),
        ]
        bad = [end for end in ends if isinstance(end, Problem)]
        problems.extend(bad)
        if bad:
            continue
        (source, source_port), (target, target_port) = ends  # type: ignore[misc]
        edges.append(
            {"source": source, "source_port": source_port, "target": target, "target_port": target_port}
        )
    if problems:
        raise FlowError(problems)
    upgraded_flow = {k: v for k, v in raw.items() if k not in ("nodes", "edges", "title")}
    upgraded_flow.update(
        schema_version=1,
        name=raw.get("title", raw.get("name", "Untitled flow")),
        nodes=nodes,
        edges=edges,
    )
    for key in ("inputs", "outputs", "variables"):
        upgraded_flow.setdefault(key, [])
    upgraded_flow.setdefault("description", "")
    return upgraded_flow


# MIGRATIONS[n] upgrades version n to n + 1.
MIGRATIONS: dict[int, Callable[[RawFlow], RawFlow]] = {0: _v0_to_v1}


def migrate(raw: RawFlow) -> RawFlow:
    """Bring a raw flow object up to the current schema version, or explain why it cannot be."""
    version = raw.get("schema_version")
    if version is None:
        raise FlowError(Problem("$.schema_version", "missing: this is not a Chain Studio flow file"))
    if not isinstance(version, int) or isinstance(version, bool) or version < 0:
        raise FlowError(Problem("$.schema_version", f"expected a whole number, got {brief(version)}"))
    if version > SCHEMA_VERSION:
        raise FlowError(
            Problem(
                "$.schema_version",
                f"this flow was saved by a newer Chain Studio (schema version {brief(version)}); this "
                f"version reads schema versions up to {SCHEMA_VERSION}. Update Chain Studio to open it.",
            )
        )
    while version < SCHEMA_VERSION:
        raw = MIGRATIONS[version](raw)
        version = raw["schema_version"]
    return raw
