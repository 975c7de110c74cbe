"""Run one node outside a flow, with a real RunContext, collecting its trace events."""

from __future__ import annotations

import asyncio
import inspect
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from studio.engine.context import RunContext
from studio.engine.node import Node


def run_node(
    node_class: type[Node],
    config: Mapping[str, Any] | None = None,
    inputs: Mapping[str, Any] | None = None,
    *,
    base_dir: Path | None = None,
    extras: dict[str, Any] | None = None,
) -> tuple[dict[str, Any], list[Any]]:
    """(outputs, events) of one run of a node."""
    events: list[Any] = []

    async def go() -> dict[str, Any]:
        ctx = RunContext(
            run_id="test",
            node_id="n",
            node_label=node_class.title,
            emit=events.append,
            loop=asyncio.get_running_loop(),
            cancelled=threading.Event(),
            flow_inputs={},
            variables={},
            base_dir=base_dir,
            extras=extras,
        )
        node = node_class(node_class.Config(**(config or {})))
        result = node.run(dict(inputs or {}), ctx)
        if inspect.isawaitable(result):
            result = await result
        return dict(result)

    return asyncio.run(go()), events
