"""One open flow in a tab: its document, scene and view, and what the last run showed."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QVBoxLayout, QWidget

from studio.engine import events as ev
from studio.gui.canvas.scene import FlowScene
from studio.gui.canvas.view import FlowView
from studio.gui.document import FlowDocument


@dataclass
class NodeRun:
    """What the GUI knows about one node in the current or last run."""

    status: str = ""
    outputs: dict[str, Any] | None = None
    streamed: str = ""
    error: str = ""
    duration_s: float | None = None
    tokens: int = 0
    tokens_estimated: bool = False  # counted here: the provider reported no usage
    traces: list[str] = field(default_factory=list)


def preview(outputs: dict[str, Any]) -> str:
    """A one-line taste of a node's outputs for the node's footer."""
    for value in outputs.values():
        if value is None:
            continue
        text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
        return " ".join(text.split())[:120]
    return ""


def format_tokens(count: int, estimated: bool = False) -> str:
    """ "123 tokens", or "≈123 tokens (estimated)" when they were counted here because the
    provider reported none (the figure may differ from the provider's bill)."""
    from PySide6.QtCore import QCoreApplication

    if estimated:
        return QCoreApplication.translate("RunMixin", "≈%d tokens (estimated)") % count
    return QCoreApplication.translate("RunMixin", "%d tokens") % count


def format_duration(seconds: float | None) -> str:
    if seconds is None:
        return ""
    return f"{seconds * 1000:.0f} ms" if seconds < 1 else f"{seconds:.1f} s"


class EditorTab(QWidget):
    """Canvas for one document, plus the per-node run states shown on it."""

    nodeRunChanged = Signal(str)  # node id whose run state changed

    def __init__(self, doc: FlowDocument, parent: QWidget | None = None):
        super().__init__(parent)
        self.doc = doc
        doc.setParent(self)  # the document lives and dies with its tab
        self.scene = FlowScene(doc, self)
        self.view = FlowView(self.scene, self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.view)
        self.runs: dict[str, NodeRun] = {}
        self.last_inputs: dict[str, Any] = {}
        self.last_status = ""
        self.last_run_id = ""
        self.last_outputs: dict[str, Any] = {}

    def node_run(self, node_id: str) -> NodeRun:
        return self.runs.setdefault(node_id, NodeRun())

    def clear_run(self) -> None:
        self.runs.clear()
        self.scene.clear_run_state()

    def apply_event(self, event: ev.Event) -> None:
        """Show one engine event on the canvas."""
        node_id = getattr(event, "node_id", None)
        if isinstance(event, ev.RunStarted):
            self.clear_run()
            self.last_run_id = event.run_id
            for item in self.scene.nodes.values():
                item.set_run_state("queued", "", "")
            return
        if isinstance(event, ev.RunFinished):
            self.last_status = event.status
            self.last_outputs = dict(event.outputs)
            for nid, item in self.scene.nodes.items():
                if item.status in ("queued", "running"):  # never reached (Run to selected) or stopped
                    item.set_run_state("" if item.status == "queued" else "cancelled", "", None)
                    if nid in self.runs and item.status == "":
                        self.runs.pop(nid)
            return
        if node_id is None or node_id not in self.scene.nodes:
            return
        item = self.scene.nodes[node_id]
        state = self.node_run(node_id)
        if isinstance(event, ev.NodeQueued):
            state.status = "queued"
            item.set_run_state("queued", "", "")
        elif isinstance(event, ev.NodeStarted):
            state.status, state.streamed, state.error = "running", "", ""
            item.set_run_state("running", "", "")
        elif isinstance(event, ev.TokenStreamed):
            state.streamed += event.text
            item.set_run_state("running", "", state.streamed[-100:])
        elif isinstance(event, ev.NodeTrace):
            state.traces.append(event.label)
        elif isinstance(event, ev.NodeFinished):
            state.status, state.outputs, state.duration_s = "done", dict(event.outputs), event.duration_s
            state.tokens = event.usage.total_tokens
            state.tokens_estimated = event.usage.estimated
            item.set_run_state("done", format_duration(event.duration_s), preview(event.outputs))
        elif isinstance(event, ev.NodeCached):
            state.status, state.outputs = "cached", dict(event.outputs)
            item.set_run_state("cached", "", preview(event.outputs))
        elif isinstance(event, ev.NodeSkipped):
            state.status, state.error = "skipped", event.reason
            item.set_run_state("skipped", "", event.reason)
        elif isinstance(event, ev.NodeFailed):
            state.status = "failed"
            cause = ""
            if event.caused_by and event.caused_by != node_id:
                cause = "\n" + self.tr("(because %s failed)") % self.doc.flow.label(event.caused_by)
            state.error = f"{event.error_type}: {event.error}{cause}"
            item.set_run_state(
                "failed", format_duration(event.duration_s) if event.duration_s else "", event.error
            )
        self.nodeRunChanged.emit(node_id)
