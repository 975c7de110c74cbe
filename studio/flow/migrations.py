"""Upgrades of older flow files, one small function per schema version step.

Each step takes the raw JSON object of version N and returns version N+1. Steps never look up node
types or import anything named in the file: they only reshape data.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from studio.flow.errors import FlowError, Problem
from studio.flow.schema import SCHEMA_VERSION

RawFlow = dict[str, Any]


def _split_endpoint(value: Any, where: str) -> tuple[str, str]:
    if not isinstance(value, str) or ":" not in value:
        raise FlowError(Problem(where, f"expected 'node:port', got {value!r}"))
    node, port = value.rsplit(":", 1)
    return node, port


def _v0_to_v1(raw: RawFlow) -> RawFlow:
    """Version 0 (the prototype format): `params`, `position: [x, y]`, edges as "node:port" strings."""
    nodes = []
    for index, node in enumerate(raw.get("nodes", [])):
        if not isinstance(node, dict):
            raise FlowError(Problem(f"$.nodes[{index}]", "expected an object"))
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
    for index, edge in enumerate(raw.get("edges", [])):
        where = f"$.edges[{index}]"
        if not isinstance(edge, dict):
            raise FlowError(Problem(where, "expected an object"))
        source, source_port = _split_endpoint(edge.get("from"), where + ".from")
        target, target_port = _split_endpoint(edge.get("to"), where + ".to")
        edges.append(
            {"source": source, "source_port": source_port, "target": target, "target_port": target_port}
        )
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
        raise FlowError(Problem("$.schema_version", f"expected a whole number, got {version!r}"))
    if version > SCHEMA_VERSION:
        raise FlowError(
            Problem(
                "$.schema_version",
                f"this flow was saved by a newer Chain Studio (schema version {version}); this "
                f"version reads schema versions up to {SCHEMA_VERSION}. Update Chain Studio to open it.",
            )
        )
    while version < SCHEMA_VERSION:
        raw = MIGRATIONS[version](raw)
        version = raw["schema_version"]
    return raw
