"""Typed events a run emits. The CLI prints them, the GUI turns them into signals, the store keeps them."""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field
from typing import Any, ClassVar


@dataclass
class Usage:
    """Tokens and money one node spent."""

    prompt_tokens: int = 0
    completion_tokens: int = 0
    cost_usd: float = 0.0
    # Some of the tokens were counted here, not reported by the provider (a stream that sent no
    # usage): the figures are an estimate and may differ from the provider's bill.
    estimated: bool = False

    def add(self, other: Usage) -> None:
        """Accumulate another usage into this one."""
        self.prompt_tokens += other.prompt_tokens
        self.completion_tokens += other.completion_tokens
        self.cost_usd += other.cost_usd
        self.estimated = self.estimated or other.estimated

    @property
    def total_tokens(self) -> int:
        return self.prompt_tokens + self.completion_tokens


@dataclass
class Event:
    """Base of all run events."""

    kind: ClassVar[str] = "event"
    run_id: str
    time: float = field(default_factory=time.time, kw_only=True)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form, with the event's kind."""
        return {"event": self.kind, **asdict(self)}


@dataclass
class RunStarted(Event):
    kind: ClassVar[str] = "run_started"
    flow_id: str
    flow_name: str
    inputs: dict[str, Any]
    node_count: int


@dataclass
class NodeQueued(Event):
    kind: ClassVar[str] = "node_queued"
    node_id: str


@dataclass
class NodeStarted(Event):
    kind: ClassVar[str] = "node_started"
    node_id: str
    node_type: str
    attempt: int = 1


@dataclass
class TokenStreamed(Event):
    kind: ClassVar[str] = "token"
    node_id: str
    text: str


@dataclass
class NodeTrace(Event):
    """Something a node wants the user to see while it works: an agent's thought, a skipped file."""

    kind: ClassVar[str] = "node_trace"
    node_id: str
    label: str
    data: Any = None


@dataclass
class NodeFinished(Event):
    kind: ClassVar[str] = "node_finished"
    node_id: str
    outputs: dict[str, Any]
    duration_s: float
    usage: Usage = field(default_factory=Usage)


@dataclass
class NodeCached(Event):
    kind: ClassVar[str] = "node_cached"
    node_id: str
    outputs: dict[str, Any]


@dataclass
class NodeSkipped(Event):
    kind: ClassVar[str] = "node_skipped"
    node_id: str
    reason: str


@dataclass
class NodeFailed(Event):
    kind: ClassVar[str] = "node_failed"
    node_id: str
    error: str
    error_type: str
    # The node where the failure started, when this node failed only because an upstream one did.
    caused_by: str | None = None
    duration_s: float = 0.0


@dataclass
class RunFinished(Event):
    kind: ClassVar[str] = "run_finished"
    status: str  # "succeeded" | "failed" | "cancelled" | "waiting"
    outputs: dict[str, Any]
    duration_s: float
    usage: Usage = field(default_factory=Usage)
    error: str | None = None


@dataclass
class NodeWaiting(Event):
    """A node waits for a person (a Human Input node, a tool call to approve): the run pauses."""

    kind: ClassVar[str] = "node_waiting"
    node_id: str
    question: dict[str, Any]
