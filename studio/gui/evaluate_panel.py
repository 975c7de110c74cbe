"""The Evaluate panel: run the current tab's flow over a dataset under variants, score, compare.

Setup (a tab): the dataset (a file; its first rows shown in a table that can be edited in place and
is then saved back as JSONL), variants (name, node id, setting, value rows, or loaded from a
variants file), and the metrics to compute (checkable, each with a tooltip of what it needs).
Run evaluates in a worker thread (`EvalWorker`, the same queued-signal pattern as
run_controller.py) with a progress bar and Stop; Results (a tab) shows the rows x variants grid,
per-metric mean bars, a thumbs/stars rating of the selected cell saved to the evaluation store,
and opens the self-contained HTML report.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from studio.gui.evaluate_metrics import MetricPicker
from studio.gui.evaluate_results import CompareView, ResultsView
from studio.gui.evaluate_worker import EvalWorker

SHOWN_ROWS = 500  # the table shows (and edits) at most this many rows; bigger files are read-only
VALUE_ROLE = Qt.ItemDataRole.UserRole  # a dataset cell's original value (kept for its JSON type)


def _parse_value(text: str) -> Any:
    """A typed setting value: JSON when it parses (0.2, 6, true, [..]), else the text itself."""
    try:
        return json.loads(text)
    except ValueError:
        return text


class EvaluatePanel(QWidget):
    """The Evaluate dock. `flow_file()` gives the current tab's flow file (None: no flow open)."""

    statusMessage = Signal(str)
    cellRunRequested = Signal(str)  # the engine run record of a cell, to show on the canvas

    def __init__(self, flow_file: Callable[[], Path | None], parent: QWidget | None = None):
        super().__init__(parent)
        self.flow_file = flow_file
        self.open_url: Callable[[QUrl], object] = QDesktopServices.openUrl  # tests replace it
        self.dataset_path: Path | None = None
        self.dataset_dirty = False
        self.run_id: str | None = None
        self._store: Any = None
        self._variant_names: list[str] = []
        self._status: Callable[[], str] = lambda: self.tr("Ready")
        self._dataset_text: Callable[[], str] | None = None
        self.worker = EvalWorker(self)
        self.worker.started.connect(self._on_started)
        self.worker.progressed.connect(self._on_progress)
        self.worker.finished.connect(self._on_finished)
        self.worker.crashed.connect(self._on_crashed)
        self._build()
        self.retranslate()

    # -- layout -------------------------------------------------------------------------------

    def _build(self) -> None:
        self.dataset_box = QGroupBox(self)
        self.dataset_label = QLabel(self)
        self.dataset_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.choose_dataset = QPushButton(self)
        self.choose_dataset.clicked.connect(self.pick_dataset)
        self.save_dataset_button = QPushButton(self)
        self.save_dataset_button.clicked.connect(self.save_dataset)
        self.save_dataset_button.setEnabled(False)
        self.dataset_table = QTableWidget(self)
        self.dataset_table.itemChanged.connect(self._on_dataset_edited)
        top = QHBoxLayout()
        top.addWidget(self.dataset_label, 1)
        top.addWidget(self.choose_dataset)
        top.addWidget(self.save_dataset_button)
        box = QVBoxLayout(self.dataset_box)
        box.addLayout(top)
        box.addWidget(self.dataset_table, 1)

        self.variants_box = QGroupBox(self)
        self.variants_table = QTableWidget(0, 4, self)
        self.variants_table.horizontalHeader().setStretchLastSection(True)
        self.add_variant_row = QPushButton(self)
        self.add_variant_row.clicked.connect(lambda: self.add_override("", "", "", ""))
        self.remove_variant_row = QPushButton(self)
        self.remove_variant_row.clicked.connect(self._remove_override)
        self.load_variants_button = QPushButton(self)
        self.load_variants_button.clicked.connect(self.pick_variants)
        buttons = QHBoxLayout()
        for button in (self.add_variant_row, self.remove_variant_row, self.load_variants_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        box = QVBoxLayout(self.variants_box)
        box.addWidget(self.variants_table, 1)
        box.addLayout(buttons)

        self.metrics_box = self.metric_picker = MetricPicker(self)
        self.metrics_list, self.judge_edit = self.metric_picker.metrics_list, self.metric_picker.judge_edit

        setup = self.setup_page = QWidget(self)
        row = QHBoxLayout(setup)
        row.setContentsMargins(4, 4, 4, 4)
        row.addWidget(self.dataset_box, 5)
        row.addWidget(self.variants_box, 3)
        row.addWidget(self.metrics_box, 2)

        self.results = ResultsView(self)
        self.results.grid.currentCellChanged.connect(lambda *_a: self._on_cell_chosen())
        self.results.rating.ratingChosen.connect(self.rate_current)
        self.results.rating.show_run.clicked.connect(self.show_current_run)
        self.results.grid.itemDoubleClicked.connect(lambda _item: self.show_current_run())

        self.pages = QTabWidget(self)
        self.pages.addTab(setup, "")
        self.pages.addTab(self.results, "")
        self.compare = CompareView(self)
        self.pages.addTab(self.compare, "")

        self.run_button = QPushButton(self)
        self.run_button.clicked.connect(self.run)
        self.stop_button = QPushButton(self)
        self.stop_button.clicked.connect(self.worker.stop)
        self.stop_button.setEnabled(False)
        self.resume_button = QPushButton(self)
        self.resume_button.clicked.connect(self.resume)
        self.resume_button.setEnabled(False)
        self.progress = QProgressBar(self)
        self.progress.setRange(0, 1)
        self.progress.setValue(0)
        self.status = QLabel(self)
        self.report_button = QPushButton(self)
        self.report_button.clicked.connect(self.open_report)
        self.report_button.setEnabled(False)
        controls = QHBoxLayout()
        controls.addWidget(self.run_button)
        controls.addWidget(self.stop_button)
        controls.addWidget(self.resume_button)
        controls.addWidget(self.progress, 1)
        controls.addWidget(self.status, 2)
        controls.addWidget(self.report_button)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(controls)
        layout.addWidget(self.pages, 1)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def retranslate(self) -> None:
        """Re-read every visible string (after a language switch)."""
        self.dataset_box.setTitle(self.tr("Dataset"))
        self.choose_dataset.setText(self.tr("Choose…"))
        self.save_dataset_button.setText(self.tr("Save as JSONL"))
        self.save_dataset_button.setToolTip(self.tr("Write the edited rows back to the dataset (JSONL)"))
        if self.dataset_path is None:
            self._dataset_text = lambda: self.tr("No dataset chosen (JSONL, JSON, CSV or XLSX)")
        self.variants_box.setTitle(self.tr("Variants"))
        self.variants_table.setHorizontalHeaderLabels(
            [self.tr("Variant"), self.tr("Node"), self.tr("Setting"), self.tr("Value")]
        )
        self.variants_table.setToolTip(
            self.tr("Each variant overrides node settings; no rows: the flow as it is")
        )
        self.add_variant_row.setText(self.tr("Add"))
        self.remove_variant_row.setText(self.tr("Remove"))
        self.load_variants_button.setText(self.tr("Load file…"))
        self.pages.setTabText(0, self.tr("Setup"))
        self.pages.setTabText(1, self.tr("Results"))
        self.pages.setTabText(2, self.tr("Compare runs"))
        self.compare.prompt.setText(self.tr("Compare with the earlier run:"))
        self.compare.table.setHorizontalHeaderLabels(
            [self.tr("Variant"), self.tr("Metric"), self.tr("Before"), self.tr("After"), self.tr("Change")]
        )
        self.compare.worse_text = self.tr("%d cells got worse")
        self.results.bars.scatter_title = self.tr("Cost (y) against mean latency (x) per variant")
        self.run_button.setText(self.tr("Run evaluation"))
        self.stop_button.setText(self.tr("Stop"))
        self.resume_button.setText(self.tr("Resume"))
        self.resume_button.setToolTip(self.tr("Run the cells this evaluation has not finished yet"))
        self.report_button.setText(self.tr("Open report"))
        self.results.bars.empty_text = self.tr("Mean scores appear here after a run")
        self.results.rating.label.setText(self.tr("Your rating of the selected cell:"))
        self.results.rating.show_run.setText(self.tr("Show on canvas"))
        self.results.rating.show_run.setToolTip(
            self.tr("Show this cell's run on the flow's canvas (each node's output); double-click a cell too")
        )
        self.results.rating.up.setToolTip(self.tr("Good answer"))
        self.results.rating.down.setToolTip(self.tr("Bad answer"))
        self.results.rating.up.setText(self.tr("▲ Good"))
        self.results.rating.down.setText(self.tr("▼ Bad"))
        self.status.setText(self._status())
        if self._dataset_text is not None:
            self.dataset_label.setText(self._dataset_text())
        self.results.bars.update()

    def set_status(self, text: Callable[[], str]) -> None:
        """Show a status line; it is a callable so a language switch can render it again."""
        self._status = text
        self.status.setText(text())

    # -- dataset ------------------------------------------------------------------------------

    def pick_dataset(self) -> None:
        """Ask for a dataset file and show it."""
        name, _ = QFileDialog.getOpenFileName(
            self,
            self.tr("Choose a dataset"),
            "",
            self.tr("Datasets (*.jsonl *.ndjson *.json *.csv *.xlsx);;All files (*)"),
        )
        if name:
            self.set_dataset(Path(name))

    def set_dataset(self, path: Path) -> bool:
        """Show a dataset's first rows in the table (editable unless the file has more)."""
        from studio.runtime.datasets import DatasetError, iter_rows

        rows: list[dict[str, Any]] = []
        try:
            for row in iter_rows(path):  # one past what is shown tells whether the file has more
                rows.append(dict(row.values))
                if len(rows) > SHOWN_ROWS:
                    break
        except (DatasetError, OSError, ValueError) as error:
            message = str(error)
            self.set_status(lambda: self.tr("Cannot read %s: %s") % (path.name, message))
            return False
        more = len(rows) > SHOWN_ROWS
        del rows[SHOWN_ROWS:]
        self.dataset_path = Path(path)
        columns: list[str] = []
        for values in rows:
            columns += [c for c in values if c not in columns]
        table = self.dataset_table
        table.blockSignals(True)
        table.clear()
        table.setColumnCount(len(columns))
        table.setRowCount(len(rows))
        table.setHorizontalHeaderLabels(columns)
        for r, values in enumerate(rows):
            for c, column in enumerate(columns):
                value = values.get(column)
                text = value if isinstance(value, str) else "" if value is None else json.dumps(value)
                item = QTableWidgetItem(text)
                item.setData(VALUE_ROLE, value)
                if more:
                    item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
                table.setItem(r, c, item)
        table.blockSignals(False)
        table.resizeColumnsToContents()
        self.dataset_dirty = False
        self.save_dataset_button.setEnabled(False)
        name, count = self.dataset_path.name, len(rows)
        if more:
            self._dataset_text = lambda: self.tr("%s — first %d rows (read-only)") % (name, count)
        else:
            self._dataset_text = lambda: self.tr("%s — %d rows") % (name, count)
        self.dataset_label.setText(self._dataset_text())
        self.dataset_label.setToolTip(str(self.dataset_path))
        return True

    def _on_dataset_edited(self, _item: QTableWidgetItem) -> None:
        self.dataset_dirty = True
        self.save_dataset_button.setEnabled(True)

    def dataset_rows(self) -> list[dict[str, Any]]:
        """The table's rows; an edited cell keeps its JSON type when the new text parses as it."""
        table = self.dataset_table
        headers = (table.horizontalHeaderItem(c) for c in range(table.columnCount()))
        columns = [h.text() if h is not None else "" for h in headers]
        rows = []
        for r in range(table.rowCount()):
            row: dict[str, Any] = {}
            for c, column in enumerate(columns):
                item = table.item(r, c)
                if item is None:
                    continue
                original, text = item.data(VALUE_ROLE), item.text()
                if isinstance(original, str):
                    row[column] = text
                elif original is None and text == "":
                    continue
                else:
                    row[column] = _parse_value(text)
            rows.append(row)
        return rows

    def save_dataset(self) -> Path | None:
        """Write the edited table as JSONL: over a JSONL file, else beside it as <name>.jsonl."""
        if self.dataset_path is None:
            return None
        path = self.dataset_path
        if path.suffix.lower() not in (".jsonl", ".ndjson"):
            path = path.with_suffix(".jsonl")
            if path.exists():
                path = path.with_name(f"{path.stem}.edited.jsonl")
        rows = self.dataset_rows()
        path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
        self.dataset_path = path
        self.dataset_dirty = False
        self.save_dataset_button.setEnabled(False)
        count = len(rows)
        self._dataset_text = lambda: self.tr("%s — %d rows") % (path.name, count)
        self.dataset_label.setText(self._dataset_text())
        self.dataset_label.setToolTip(str(path))
        self.statusMessage.emit(self.tr("Saved %s") % path)
        return path

    # -- variants -----------------------------------------------------------------------------

    def add_override(self, variant: str, node: str, setting: str, value: str) -> None:
        """Add a row to the variants table."""
        table = self.variants_table
        row = table.rowCount()
        table.insertRow(row)
        for column, text in enumerate((variant, node, setting, value)):
            table.setItem(row, column, QTableWidgetItem(text))

    def _remove_override(self) -> None:
        rows = sorted({index.row() for index in self.variants_table.selectedIndexes()}, reverse=True)
        for row in rows or [self.variants_table.rowCount() - 1]:
            if row >= 0:
                self.variants_table.removeRow(row)

    def pick_variants(self) -> None:
        """Ask for a variants file (JSON or YAML) and fill the table from it."""
        name, _ = QFileDialog.getOpenFileName(
            self, self.tr("Load variants"), "", self.tr("Variants (*.json *.yaml *.yml);;All files (*)")
        )
        if name:
            self.load_variants_file(Path(name))

    def load_variants_file(self, path: Path) -> bool:
        """Replace the table with a variants file's overrides; a bad file's message is shown."""
        from studio.evaluation import VariantsError, load_variants

        try:
            variants = load_variants(path)
        except VariantsError as error:
            message = str(error)
            self.set_status(lambda: message)
            return False
        self.variants_table.setRowCount(0)
        for variant in variants:
            if not variant.overrides:
                self.add_override(variant.name, "", "", "")
            for node, settings in variant.overrides.items():
                for setting, value in settings.items():
                    text = value if isinstance(value, str) else json.dumps(value)
                    self.add_override(variant.name, node, setting, text)
        return True

    def variants(self) -> list[Any]:
        """The table as studio.evaluation Variants (the flow as it is when the table is empty)."""
        from studio.evaluation import Variant

        overrides: dict[str, dict[str, dict[str, Any]]] = {}
        table = self.variants_table
        for row in range(table.rowCount()):
            items = [table.item(row, c) for c in range(4)]
            cells = [item.text().strip() if item is not None else "" for item in items]
            name, node, setting, value = cells
            if not name:
                continue
            settings = overrides.setdefault(name, {})
            if node and setting:
                settings.setdefault(node, {})[setting] = _parse_value(value)
        if not overrides:
            return [Variant("default")]
        return [Variant(name, settings) for name, settings in overrides.items()]

    # -- metrics ------------------------------------------------------------------------------

    def checked_metrics(self) -> list[str]:
        """The metrics ticked in the list, in list order, with their options ("regex:^A")."""
        return self.metric_picker.specs()

    def set_metrics(self, names: list[str]) -> None:
        """Tick exactly these metrics."""
        self.metric_picker.set_checked(names)

    # -- running ------------------------------------------------------------------------------

    def store(self) -> Any:
        """The evaluation store (opened on first use)."""
        if self._store is None:
            from studio.evaluation import EvalStore

            self._store = EvalStore()
        return self._store

    def run(self) -> bool:
        """Start evaluating the current flow; False (with the reason shown) when it cannot start."""
        from studio.evaluation import EvalSpec

        flow = self.flow_file()
        if flow is None:
            self.set_status(lambda: self.tr("Open a flow first"))
            return False
        if self.dataset_path is None:
            self.set_status(lambda: self.tr("Choose a dataset first"))
            return False
        if self.dataset_dirty and self.save_dataset() is None:
            return False
        problem = self.metric_picker.problem()
        if problem is not None:
            self.set_status(lambda: problem)
            return False
        metrics = self.checked_metrics()
        variants = self.variants()
        self._variant_names = [v.name for v in variants]
        spec = EvalSpec(
            str(flow),
            str(self.dataset_path),
            metrics=metrics,
            variants=variants,
            judge=self.metric_picker.judge(),
        )
        self.run_id = None
        self.progress.setRange(0, 0)  # busy until the first cell tells the total
        self.set_status(lambda: self.tr("Starting…"))
        self._set_running(True)
        self.worker.start(spec, self.store())
        return True

    def resume(self) -> bool:
        """Continue the shown evaluation run where it stopped (its finished cells are kept)."""
        if self.run_id is None or self.worker.running:
            return False
        info = self.store().get_run(self.run_id)
        if info is None or info.status == "finished":
            return False
        self._variant_names = [str(v.get("name")) for v in info.config.get("variants", [])]
        self.progress.setRange(0, 0)
        self.set_status(lambda: self.tr("Resuming…"))
        self._set_running(True)
        self.worker.start(None, self.store(), resume=self.run_id)
        return True

    def _set_running(self, running: bool) -> None:
        self.run_button.setEnabled(not running)
        self.stop_button.setEnabled(running)
        self.resume_button.setEnabled(False)
        self.setup_page.setEnabled(not running)

    def _on_started(self, run_id: str) -> None:
        self.run_id = run_id
        self.results.grid.show_cells(self._variant_names, [])

    def _on_progress(self, progress: Any) -> None:
        total = progress.total or 0
        self.progress.setRange(0, max(total, progress.done, 1))
        self.progress.setValue(progress.done)
        # The worker keeps updating the same Progress: take the figures now.
        done, failed = progress.done, progress.failed
        self.set_status(lambda: self.tr("%d of %d cells, %d failed") % (done, max(total, done), failed))

    def _on_finished(self, outcome: Any) -> None:
        self._set_running(False)
        self.run_id = outcome.run_id
        self.progress.setRange(0, max(1, outcome.progress.done))
        self.progress.setValue(outcome.progress.done)
        finished, p = outcome.status == "finished", outcome.progress
        self.set_status(
            lambda: (
                self.tr("%s: %d cells, %d failed, %d from cache")
                % (self.tr("Finished") if finished else self.tr("Stopped"), p.done, p.failed, p.cached)
            )
        )
        self.show_run(outcome.run_id)
        self.pages.setCurrentIndex(1)

    def _on_crashed(self, message: str) -> None:
        self._set_running(False)
        self.progress.setRange(0, 1)
        self.progress.setValue(0)
        first = message.splitlines()[0] if message else ""
        self.set_status(lambda: first or self.tr("The evaluation failed"))
        self.status.setToolTip(message)
        self.statusMessage.emit(message)

    def show_run(self, run_id: str) -> None:
        """Show a stored run's cells, means and ratings."""
        from studio.evaluation import load_cells, load_run

        report = load_run(run_id, self.store())
        variants = [v["name"] for v in report["run"]["config"].get("variants", [])]
        self._variant_names = variants
        self.run_id = run_id
        self.results.grid.show_cells(variants, load_cells(run_id, self.store()))
        self.results.bars.show_report(report)
        self.compare.set_run(self.store(), run_id)
        self.report_button.setEnabled(True)
        # A stopped run, or one whose process ended mid-way ("running" left behind), can go on.
        unfinished = report["run"]["status"] in ("stopped", "failed", "running")
        self.resume_button.setEnabled(unfinished and not self.worker.running)

    # -- rating and report --------------------------------------------------------------------

    def _on_cell_chosen(self) -> None:
        key = self.results.grid.current_cell_key()
        rating = self.results.rating
        rating.setEnabled(key is not None and self.run_id is not None)
        if key is not None and self.run_id is not None:
            rating.show_rating(self.store().rating(self.run_id, *key))

    def rate_current(self, thumb: int | None, stars: int | None) -> None:
        """Save the selected cell's rating (it becomes that cell's human_rating score)."""
        from studio.evaluation import load_cells, save_rating

        key = self.results.grid.current_cell_key()
        if key is None or self.run_id is None:
            return
        save_rating(self.run_id, key[0], key[1], thumb=thumb, stars=stars, store=self.store())
        for cell in load_cells(self.run_id, self.store()):
            if (cell["row"], cell["variant"]) == key:
                self.results.grid.update_cell(cell)
        self.statusMessage.emit(self.tr("Rating saved"))

    def show_current_run(self) -> None:
        """Ask the window to show the selected cell's run record on the canvas."""
        run_id = self.results.grid.current_run_id()
        if run_id:
            self.cellRunRequested.emit(run_id)

    def write_report(self) -> Path | None:
        """Write the run's self-contained HTML report in the user data folder."""
        from studio.evaluation import load_run
        from studio.evaluation.report_html import html_report
        from studio.runtime.paths import data_dir

        if self.run_id is None:
            return None
        folder = data_dir() / "eval_reports"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{self.run_id}.html"
        path.write_text(html_report(load_run(self.run_id, self.store())), encoding="utf-8")
        return path

    def open_report(self) -> None:
        """Write the HTML report and open it in the browser."""
        path = self.write_report()
        if path is not None:
            self.open_url(QUrl.fromLocalFile(str(path)))

    def shutdown(self, timeout: float = 10) -> None:
        """Stop a running evaluation and close the store (window close)."""
        self.worker.stop()
        self.worker.wait(timeout)
        if self._store is not None:
            self._store.close()
            self._store = None
