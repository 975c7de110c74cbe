"""The exception a node raises to pause the run for a person (`studio.engine.human` resumes it),
and what the scheduler does with it.

Its own module, importing only the events, so that the scheduler can catch it without importing
what resumes runs (which imports the scheduler).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, Protocol

from studio.engine.events import Event, NodeWaiting


class _NodeState(Protocol):
    """The part of the scheduler's NodeState a pause changes (named here: no import circle)."""

    status: str
    trace: list[dict[str, Any]]


__all__ = ["WaitingForInput", "pause"]


class WaitingForInput(Exception):
    """Raised by a node that needs a person's answer: the run pauses at this node."""

    def __init__(self, question: dict[str, Any]):
        super().__init__(str(question.get("text") or "waiting for input"))
        self.question = question


def pause(
    state: _NodeState, waiting: WaitingForInput, emit: Callable[[Event], None], run_id: str, node_id: str
) -> None:
    """Mark a node as waiting; the run record keeps its question (the checkpoint to resume from)."""
    state.status = "waiting"
    state.trace.append({"label": "question", "data": waiting.question, "time": time.time()})
    emit(NodeWaiting(run_id, node_id=node_id, question=waiting.question))
