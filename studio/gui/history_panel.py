"""Run history: past runs (status, time, duration, tokens, cost); open one to see each node."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QSplitter, QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget

RUN_ROLE = Qt.ItemDataRole.UserRole


class HistoryPanel(QWidget):
    """Reads the engine's run store lazily (only when shown or after a run)."""

    nodeRecordChosen = Signal(str, object)  # node id, record dict

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.runs = QTreeWidget(self)
        self.runs.setRootIsDecorated(False)
        self.nodes = QTreeWidget(self)
        self.nodes.setRootIsDecorated(False)
        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.addWidget(self.runs)
        splitter.addWidget(self.nodes)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(splitter)
        self.runs.currentItemChanged.connect(self._open_run)
        self.nodes.itemActivated.connect(self._open_node)
        self._records: dict[str, dict[str, Any]] = {}
        # (node id, node type) -> the node's title; given by the run control, which knows the flow.
        self.labeller: Callable[[str, str], str] | None = None
        self.retranslate()

    def readable_time(self, started: float, now: float | None = None) -> str:
        """A run's local start time as people say it: "Today 14:05", "Yesterday 09:12", a date."""
        from datetime import date

        moment = time.localtime(started)
        clock = time.strftime("%H:%M:%S", moment)
        days = (
            date.fromtimestamp(now if now is not None else time.time()) - date.fromtimestamp(started)
        ).days
        if days == 0:
            return self.tr("Today %s") % clock
        if days == 1:
            return self.tr("Yesterday %s") % clock
        return time.strftime("%Y-%m-%d %H:%M", moment)

    def node_title(self, node_id: str, node_type: str) -> str:
        """The title to list a node under (its id only when nothing better is known)."""
        if self.labeller is not None:
            title = self.labeller(node_id, node_type)
            if title:
                return title
        return node_type or node_id[:8]

    def status_word(self, record: dict[str, Any]) -> str:
        """A node's outcome in words; one that failed only because an upstream node did is "not run"."""
        from studio.gui.canvas.node_item import status_label

        status = str(record.get("status") or "")
        if status == "failed" and record.get("caused_by"):
            status = "not_run"
        return status_label(status)

    def retranslate(self) -> None:
        self.runs.setHeaderLabels(
            [
                self.tr("When"),
                self.tr("Flow"),
                self.tr("Status"),
                self.tr("Duration"),
                self.tr("Tokens"),
                self.tr("Cost"),
            ]
        )
        self.nodes.setHeaderLabels(
            [self.tr("Node"), self.tr("Status"), self.tr("Duration"), self.tr("Output")]
        )
        self.runs.setToolTip(self.tr("Past runs; select one to see what each node did"))

    def _store(self) -> Any:
        from studio.engine.runstore import RunStore

        return RunStore()

    def refresh(self) -> None:
        """Reload the latest runs."""
        if not self.isVisible():
            return
        try:
            store = self._store()
            summaries = store.list_runs(100)
            store.close()
        except Exception:  # no store yet, or a locked database: show nothing rather than fail
            return
        self.runs.clear()
        for run in summaries:
            when = self.readable_time(run.started)
            tokens = run.prompt_tokens + run.completion_tokens
            status = {
                "succeeded": self.tr("succeeded"),
                "failed": self.tr("failed"),
                "cancelled": self.tr("stopped"),
            }.get(run.status, run.status)
            item = QTreeWidgetItem(
                [
                    when,
                    run.flow_name,
                    status,
                    f"{run.duration_s:.2f} s",
                    str(tokens),
                    f"${run.cost_usd:.4f}",
                ]
            )
            item.setData(0, RUN_ROLE, run.run_id)
            full_time = time.strftime("%Y-%m-%d %H:%M:%S %Z", time.localtime(run.started))
            inputs = json.dumps(run.inputs, ensure_ascii=False)[:500]
            item.setToolTip(0, f"{full_time}\n{inputs}")
            self.runs.addTopLevelItem(item)

    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        self.refresh()

    def _open_run(self, item: QTreeWidgetItem | None, _previous: object = None) -> None:
        self.nodes.clear()
        self._records = {}
        if item is None:
            return
        try:
            store = self._store()
            found = store.get_run(item.data(0, RUN_ROLE))
            store.close()
        except Exception:
            return
        if found is None:
            return
        _summary, records = found
        for record in records:
            output = json.dumps(record.get("outputs"), ensure_ascii=False)[:200]
            node_id = str(record["node_id"])
            row = QTreeWidgetItem(
                [
                    self.node_title(node_id, str(record.get("node_type") or "")),
                    self.status_word(record),
                    f"{record.get('duration_s') or 0:.2f} s",
                    output,
                ]
            )
            row.setToolTip(0, node_id)  # the id stays one hover away (it is what files and logs use)
            row.setData(0, RUN_ROLE, record["node_id"])
            self._records[record["node_id"]] = record
            self.nodes.addTopLevelItem(row)

    def _open_node(self, item: QTreeWidgetItem, _column: int) -> None:
        node_id = item.data(0, RUN_ROLE)
        self.nodeRecordChosen.emit(node_id, self._records.get(node_id))
