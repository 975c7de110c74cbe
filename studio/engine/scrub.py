"""Secrets out of a run's sinks: the flow's scrubber, and events scrubbed before any listener.

The scrubbing itself is `studio.runtime.safety.secrets.Scrubber`; this module only says which
secrets a flow brings (its `{"secret": NAME}` references, resolved now) and how events pass
through it, so the CLI's `--events jsonl`, the GUI's signals and `studio chat` never see a secret.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import TYPE_CHECKING

from studio.engine.events import Event, NodeCached, NodeFailed, NodeFinished, RunFinished, TokenStreamed
from studio.flow.schema import Flow
from studio.runtime.safety.secrets import Scrubber, StreamScrubber, install_log_scrubbing, secret_references

if TYPE_CHECKING:
    from studio.engine.graph import CompiledFlow

__all__ = ["ScrubbingListener", "flow_scrubber"]


def flow_scrubber(flow: Flow | CompiledFlow, *, patterns: bool = False) -> Scrubber:
    """The scrubber for a flow: the secrets its nodes refer to, resolved now, plus every secret
    the process resolved. `patterns` also removes key-shaped text (for files such as autosaves)."""
    spec = flow if isinstance(flow, Flow) else flow.flow
    install_log_scrubbing()
    names = secret_references([node.config for node in spec.nodes])
    return Scrubber.for_references(names, patterns=patterns)


class ScrubbingListener:
    """Wraps an event listener so that it only ever sees scrubbed events.

    Streamed tokens go through a `StreamScrubber` per node, so a secret split over two tokens is
    still removed; what a node's stream holds back is released before the node's next event.
    """

    def __init__(self, listener: Callable[[Event], None], scrubber: Scrubber):
        self.listener = listener
        self.scrubber = scrubber
        self._streams: dict[str, StreamScrubber] = {}

    def __call__(self, event: Event) -> None:
        if isinstance(event, TokenStreamed):
            stream = self._streams.setdefault(event.node_id, self.scrubber.stream())
            text = stream.feed(event.text)
            if text:
                self.listener(dataclasses.replace(event, text=text))
            return
        node_id = getattr(event, "node_id", None)
        if isinstance(event, NodeFinished | NodeCached | NodeFailed) and node_id in self._streams:
            self._release(node_id, event)
        elif isinstance(event, RunFinished):
            for pending in list(self._streams):
                self._release(pending, event)
        self.listener(self.scrubber.value(event))

    def _release(self, node_id: str, event: Event) -> None:
        text = self._streams.pop(node_id).flush()
        if text:
            self.listener(TokenStreamed(event.run_id, node_id=node_id, text=text))
