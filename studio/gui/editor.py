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
from studio.gui.find_bar import FindBar


@dataclass
class NodeRun:
    """What the GUI knows about one node in the current or last run."""

    status: str = ""
    outputs: dict[str, Any] | None = None
    streamed: str = ""
    error: str = ""
    error_type: str = ""  # the engine's exception type name ("UpstreamFailed": not run)
    caused_by: str = ""  # the node whose failure stopped this one
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
        layout.setSpacing(0)
        self.find_bar = FindBar(self.scene, self.view, self)  # Ctrl+F; hidden until then
        layout.addWidget(self.find_bar)
        layout.addWidget(self.view)
        self.runs: dict[str, NodeRun] = {}
        self.last_inputs: dict[str, Any] = {}
        self.last_status = ""
        self.last_run_id = ""
        self.last_outputs: dict[str, Any] = {}
        # What earlier runs produced, kept to show (marked stale) where the last run produced
        # nothing: never shown as if the last run had made it.
        self.earlier_runs: dict[str, NodeRun] = {}
        self.earlier_outputs: dict[str, Any] = {}
        self.last_problem: tuple[str, str] = ("", "")  # what failed in the last run, its details

    def _skip_text(self, reason: str) -> str:
        """The engine's reason for a node switched off (or fed by one) in the UI language."""
        import re

        from studio.engine.disabled import DISABLED_REASON

        if reason == DISABLED_REASON:
            return self.tr("Not run: this node is switched off (right-click it to enable it).")
        upstream = re.fullmatch(r"not run: upstream node (.+) is disabled", reason)
        if upstream:
            return self.tr("Not run: %s before it is switched off.") % upstream.group(1)
        return reason

    def node_run(self, node_id: str) -> NodeRun:
        return self.runs.setdefault(node_id, NodeRun())

    def clear_run(self) -> None:
        for node_id, run in self.runs.items():
            if run.outputs:
                self.earlier_runs[node_id] = run
        if self.last_outputs:
            self.earlier_outputs = self.last_outputs
            self.last_outputs = {}
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
        elif isinstance(event, ev.NodeWaiting):
            state.status = "waiting"
            item.set_run_state("waiting", "", self.tr("Waiting for your answer (Human Input panel)"))
        elif isinstance(event, ev.NodeSkipped):
            # Switched off in the editor, or fed only by such a node: "not run", not "skipped".
            skipped = "not_run" if event.reason.startswith("not run") else "skipped"
            state.status, state.error = skipped, self._skip_text(event.reason)
            item.set_run_state(skipped, "", state.error)
        elif isinstance(event, ev.NodeFailed):
            from studio.gui.error_text import explain

            # A node that never ran because an upstream one failed is "not run", not "failed".
            upstream = event.error_type == "UpstreamFailed"
            state.status = "not_run" if upstream else "failed"
            state.error, state.error_type = event.error, event.error_type
            state.caused_by = event.caused_by or ""
            cause = self.scene.nodes.get(state.caused_by) if upstream else None
            text = explain(event.error, event.error_type, upstream=cause.title if cause else "")
            item.set_run_state(
                state.status, format_duration(event.duration_s) if event.duration_s else "", text.sentence
            )
        self.nodeRunChanged.emit(node_id)
