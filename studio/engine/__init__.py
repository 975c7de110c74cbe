"""The engine: check a flow, then run it on asyncio with caching, events and run records.

Names are loaded on first use, so that importing a small part (the registry, the ports) does not
pay for asyncio, the scheduler and the run store: the GUI's start-up depends on it.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from studio.engine.api import arun_flow, run_flow
    from studio.engine.errors import BadInput, NodeError
    from studio.engine.events import Event
    from studio.engine.graph import CompiledFlow, compile_flow, validate_flow
    from studio.engine.runstore import RunStore
    from studio.engine.scheduler import NodeState, RunResult

_WHERE = {
    "arun_flow": "studio.engine.api",
    "run_flow": "studio.engine.api",
    "BadInput": "studio.engine.errors",
    "NodeError": "studio.engine.errors",
    "Event": "studio.engine.events",
    "CompiledFlow": "studio.engine.graph",
    "compile_flow": "studio.engine.graph",
    "validate_flow": "studio.engine.graph",
    "RunStore": "studio.engine.runstore",
    "NodeState": "studio.engine.scheduler",
    "RunResult": "studio.engine.scheduler",
}

__all__ = [
    "BadInput",
    "CompiledFlow",
    "Event",
    "NodeError",
    "NodeState",
    "RunResult",
    "RunStore",
    "arun_flow",
    "compile_flow",
    "run_flow",
    "validate_flow",
]


def __getattr__(name: str) -> Any:
    try:
        module = _WHERE[name]
    except KeyError:
        raise AttributeError(f"module 'studio.engine' has no attribute {name!r}") from None
    return getattr(importlib.import_module(module), name)
