"""Fixtures for node tests: a RunContext that collects the events a node emits."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest

from studio.engine.context import RunContext
from studio.engine.events import Event
from studio.engine.node import Node


@pytest.fixture
def events() -> list[Event]:
    """The events emitted through `ctx`, in order."""
    return []


@pytest.fixture
def ctx(events: list[Event], tmp_path: Path) -> Iterator[RunContext]:
    """A RunContext for calling `node.run(inputs, ctx)` directly, outside the engine."""
    loop = asyncio.new_event_loop()
    context = RunContext(
        run_id="test-run",
        node_id="node-1",
        node_label="node under test",
        emit=events.append,
        loop=loop,
        cancelled=threading.Event(),
        flow_inputs={},
        variables={},
        base_dir=tmp_path,
    )
    yield context
    loop.close()


def run_node(
    node_class: type[Node], config: Mapping[str, Any], inputs: Mapping[str, Any], ctx: RunContext
) -> dict[str, Any]:
    """Build a node from a config dict (validated like a saved file) and run it once."""
    node = node_class(node_class.Config.model_validate(dict(config)))
    result = node.run(inputs, ctx)
    assert isinstance(result, dict), "these nodes run synchronously"
    return result


def port_names(node_class: type[Node], config: Mapping[str, Any]) -> list[str]:
    """The input port names a config gives, in order."""
    return [p.name for p in node_class.input_ports(node_class.Config.model_validate(dict(config)))]


def problems(node_class: type[Node], config: Mapping[str, Any]) -> list[str]:
    """What `check()` reports for a config."""
    return node_class.check(node_class.Config.model_validate(dict(config)))
