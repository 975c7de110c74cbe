"""Run history: past runs (status, time, duration, tokens, cost); open one to see each node."""

from __future__ import annotations

import json
import time
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
        self.retranslate()

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
            when = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(run.started))
            tokens = run.prompt_tokens + run.completion_tokens
            item = QTreeWidgetItem(
                [
                    when,
                    run.flow_name,
                    run.status,
                    f"{run.duration_s:.2f} s",
                    str(tokens),
                    f"${run.cost_usd:.4f}",
                ]
            )
            item.setData(0, RUN_ROLE, run.run_id)
            item.setToolTip(0, json.dumps(run.inputs, ensure_ascii=False)[:500])
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
            row = QTreeWidgetItem(
                [record["node_id"][:8], record["status"], f"{record.get('duration_s') or 0:.2f} s", output]
            )
            row.setData(0, RUN_ROLE, record["node_id"])
            self._records[record["node_id"]] = record
            self.nodes.addTopLevelItem(row)

    def _open_node(self, item: QTreeWidgetItem, _column: int) -> None:
        node_id = item.data(0, RUN_ROLE)
        self.nodeRecordChosen.emit(node_id, self._records.get(node_id))
