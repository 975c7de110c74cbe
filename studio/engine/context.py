"""What a running node can see and do besides its inputs: stream, trace, count usage, stop."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from studio.engine.events import Event, NodeTrace, TokenStreamed, Usage


class Cancelled(Exception):
    """The run was stopped by the user."""


def _unchanged(value: Any) -> Any:
    return value


class RunContext:
    """Per-node handle on the run. Safe to use from the worker thread a sync node runs in."""

    def __init__(
        self,
        *,
        run_id: str,
        node_id: str,
        node_label: str,
        emit: Callable[[Event], None],
        loop: asyncio.AbstractEventLoop,
        cancelled: threading.Event,
        flow_inputs: dict[str, Any],
        variables: dict[str, Any],
        base_dir: Path | None,
        extras: dict[str, Any] | None = None,
        streaming: bool = True,
        flow_id: str = "",
        timeout_s: float | None = None,
        scrub: Callable[[Any], Any] | None = None,
    ):
        self.run_id = run_id
        self.flow_id = flow_id
        self.node_id = node_id
        self.node_label = node_label
        self.usage = Usage()
        self.flow_inputs = flow_inputs
        self.variables = variables
        self.base_dir = base_dir
        # Services a host application hands to nodes (a chat session id, an allowed-folders list).
        self.extras = extras if extras is not None else {}
        # Whether anyone listens to streamed tokens; nodes may skip streaming when nobody does.
        self.streaming = streaming
        # The node's time limit (its policy's timeout_s), for work that enforces its own deadline
        # (templates, expressions); None means the node has none and picks its own default.
        self.timeout_s = timeout_s
        # Replaces the run's secrets in a value by a placeholder: for nodes that write to a store
        # of their own (chat memory), which the engine's sinks do not cover.
        self.scrub: Callable[[Any], Any] = scrub if scrub is not None else _unchanged
        self._emit = emit
        self._loop = loop
        self._cancelled = cancelled

    def emit(self, event: Event) -> None:
        """Send an event to the run's listeners, from the loop or from a worker thread."""
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is self._loop:
            self._emit(event)
        else:
            self._loop.call_soon_threadsafe(self._emit, event)

    def stream(self, text: str) -> None:
        """Show a piece of output (an LLM token) live."""
        if text:
            self.emit(TokenStreamed(self.run_id, node_id=self.node_id, text=text))

    def trace(self, label: str, data: Any = None) -> None:
        """Record a step the user should see (an agent thought, a skipped file, a retry)."""
        self.emit(NodeTrace(self.run_id, node_id=self.node_id, label=label, data=data))

    def add_usage(
        self,
        prompt_tokens: int = 0,
        completion_tokens: int = 0,
        cost_usd: float = 0.0,
        estimated: bool = False,
    ) -> None:
        """Count tokens and cost spent by this node; `estimated` when they were counted here
        rather than reported by the provider (the record and the UI then mark them)."""
        self.usage.add(Usage(prompt_tokens, completion_tokens, cost_usd, estimated))

    @property
    def cancelled(self) -> bool:
        return self._cancelled.is_set()

    @property
    def cancel_event(self) -> threading.Event:
        """The run's Stop signal, to hand to nested runs (subflows) so Stop reaches them too."""
        return self._cancelled

    def raise_if_cancelled(self) -> None:
        """Long-running sync code calls this between steps so Stop takes effect promptly."""
        if self._cancelled.is_set():
            raise Cancelled("the run was stopped")

    def resolve_path(self, value: str | Path) -> Path:
        """A path from a node's settings, relative to the flow file's folder when not absolute."""
        path = Path(value).expanduser()
        if not path.is_absolute() and self.base_dir is not None:
            path = self.base_dir / path
        return path
