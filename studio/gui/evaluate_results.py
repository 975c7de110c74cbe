"""The Evaluate panel's results: a grid of rows x variants (output and scores per cell), per-metric
mean bars per variant, and a person's thumbs/stars rating of the selected cell.

The widgets here only show what `studio.evaluation.load_cells` / `load_run` return; saving a
rating is the panel's job (it owns the evaluation store), told through `ratingChosen`.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QRectF, QSize, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QPainter, QPaintEvent
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from studio.gui.editor import EditorTab, format_duration, preview

CELL_ROLE = Qt.ItemDataRole.UserRole  # (row number, variant name) of a grid cell
RUN_ROLE = Qt.ItemDataRole.UserRole + 1  # the engine run record id of a grid cell
FAILED = QColor(250, 205, 205)
PALETTE = ["#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#edc948", "#b07aa1", "#9c755f"]
ANSWER_CHARS = 160
# Plain symbols, not emoji: an emoji font is often missing and a box would show instead.
UP, DOWN = "▲", "▼"


def _number(value: float | None) -> str:
    if value is None:
        return "–"
    return f"{value:.3g}" if abs(value) < 1000 else f"{value:,.0f}"


def cell_text(cell: dict[str, Any]) -> str:
    """What a grid cell shows: the answer (or the error), then one `metric: score` line each."""
    sample = cell.get("sample") or {}
    if cell.get("status") == "succeeded":
        head = str(sample.get("answer") or "")
    else:
        head = "✗ " + str(cell.get("error") or cell.get("status"))
    head = " ".join(head.split())
    if len(head) > ANSWER_CHARS:
        head = head[: ANSWER_CHARS - 1] + "…"
    lines = [head]
    for label, score in (cell.get("scores") or {}).items():
        lines.append(f"{label}: {_number(score['value'])}")
    rating = cell.get("rating") or {}
    marks = []
    if rating.get("thumb"):
        marks.append(UP if rating["thumb"] > 0 else DOWN)
    if rating.get("stars"):
        marks.append("★" * int(rating["stars"]))
    if marks:
        lines.append(" ".join(marks))
    return "\n".join(lines)


class ResultsGrid(QTableWidget):
    """Dataset rows down, variants across; a failed cell is tinted red, its tooltip has the detail."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.setSelectionMode(QTableWidget.SelectionMode.SingleSelection)
        self.setWordWrap(True)
        self.horizontalHeader().setDefaultSectionSize(260)
        self.horizontalHeader().setStretchLastSection(True)
        self._rows: list[int] = []
        self._variants: list[str] = []

    def show_cells(self, variants: list[str], cells: list[dict[str, Any]]) -> None:
        """Fill the grid from a run's cells (rows that have no cell yet stay empty)."""
        rows = sorted({int(c["row"]) for c in cells})
        self._rows, self._variants = rows, list(variants)
        self.clear()
        self.setRowCount(len(rows))
        self.setColumnCount(len(variants))
        self.setHorizontalHeaderLabels(variants)
        self.setVerticalHeaderLabels([str(r) for r in rows])
        for cell in cells:
            self.update_cell(cell)
        self.resizeRowsToContents()

    def update_cell(self, cell: dict[str, Any]) -> None:
        """Show (or refresh) one cell."""
        row, variant = int(cell["row"]), str(cell["variant"])
        if row not in self._rows or variant not in self._variants:
            return
        item = QTableWidgetItem(cell_text(cell))
        item.setData(CELL_ROLE, (row, variant))
        item.setData(RUN_ROLE, cell.get("flow_run_id") or "")
        item.setTextAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        sample = cell.get("sample") or {}
        tip = [str(sample.get("question") or "")]
        if cell.get("status") != "succeeded":
            item.setBackground(QBrush(FAILED))
            tip.append(str(cell.get("error") or ""))
        else:
            tip.append(str(sample.get("answer") or "")[:2000])
        for label, score in (cell.get("scores") or {}).items():
            detail = score.get("reason") or score.get("note") or ""
            tip.append(f"{label}: {_number(score['value'])}" + (f" — {detail}" if detail else ""))
        item.setToolTip("\n".join(t for t in tip if t))
        self.setItem(self._rows.index(row), self._variants.index(variant), item)
        self.resizeRowToContents(self._rows.index(row))

    def current_cell_key(self) -> tuple[int, str] | None:
        """(row number, variant) of the selected cell."""
        item = self.currentItem()
        if item is None:
            return None
        key = item.data(CELL_ROLE)
        return (int(key[0]), str(key[1])) if key else None

    def current_run_id(self) -> str:
        """The engine run record id of the selected cell ("" when it has none)."""
        item = self.currentItem()
        return str(item.data(RUN_ROLE) or "") if item is not None else ""

    def select_cell(self, row: int, variant: str) -> None:
        """Make a cell current (tests and keyboard users)."""
        if row in self._rows and variant in self._variants:
            self.setCurrentCell(self._rows.index(row), self._variants.index(variant))


class MeanBars(QWidget):
    """One group of bars per metric (a bar per variant), scaled to the metric's range."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self._bars: list[tuple[str, list[tuple[str, float | None]], float]] = []
        self._variants: list[str] = []
        self._points: list[tuple[float, float]] = []  # (mean latency s, total cost) per variant
        self.empty_text = ""
        self.scatter_title = ""

    def sizeHint(self) -> QSize:
        return QSize(320, 200 + 22 * sum(len(b) for _l, b, _h in self._bars))

    def show_report(self, report: dict[str, Any]) -> None:
        """Take the means from a `load_run` report."""
        summary: dict[str, Any] = report.get("summary") or {}
        self._variants = list(summary)
        self._points = [(float(summary[v]["mean_latency_s"]), float(summary[v]["cost_usd"])) for v in summary]
        self._bars = []
        for label in report.get("run", {}).get("metrics", []):
            info = report.get("metrics", {}).get(label, {})
            means = [(v, summary[v]["metrics"].get(label, {}).get("mean")) for v in self._variants]
            known = [m for _v, m in means if m is not None]
            high = (info.get("range") or [None, None])[1]
            if high is None or (known and max(known) > high):
                high = max(known, default=1.0) or 1.0
            self._bars.append((label, means, float(high)))
        self.updateGeometry()
        self.update()

    def bars(self) -> list[tuple[str, list[tuple[str, float | None]], float]]:
        """What is drawn: (metric, [(variant, mean)], full-scale value)."""
        return list(self._bars)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        text = self.palette().windowText().color()
        if not self._bars:
            painter.setPen(text)
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, self.empty_text)
            return
        metrics = painter.fontMetrics()
        line = metrics.height() + 6
        label_w = min(self.width() // 3, 140)
        value_w = metrics.horizontalAdvance("0.000 ") + 8
        bar_w = max(20, self.width() - label_w - value_w - 16)
        y = 4.0
        for index, variant in enumerate(self._variants):  # legend
            painter.fillRect(QRectF(8 + index * 110, y + 3, 12, 12), QColor(PALETTE[index % len(PALETTE)]))
            painter.setPen(text)
            painter.drawText(QRectF(24 + index * 110, y, 90, line), Qt.AlignmentFlag.AlignVCenter, variant)
        y += line + 6
        for label, means, high in self._bars:
            painter.setPen(text)
            elided = metrics.elidedText(label, Qt.TextElideMode.ElideRight, label_w - 8)
            painter.drawText(QRectF(8, y, label_w - 8, line), Qt.AlignmentFlag.AlignVCenter, elided)
            for index, (_variant, mean) in enumerate(means):
                top = y + index * (line - 4)
                width = 0.0 if mean is None or high <= 0 else max(1.0, bar_w * min(1.0, mean / high))
                painter.fillRect(
                    QRectF(label_w, top + 2, width, line - 8), QColor(PALETTE[index % len(PALETTE)])
                )
                painter.setPen(text)
                painter.drawText(
                    QRectF(label_w + width + 4, top, value_w, line - 4),
                    Qt.AlignmentFlag.AlignVCenter,
                    _number(mean),
                )
            y += max(1, len(means)) * (line - 4) + 8
        self._paint_scatter(painter, QRectF(label_w, y + line + 4, bar_w, 110), line)

    def _paint_scatter(self, painter: QPainter, area: QRectF, line: int) -> None:
        """Cost against mean latency, one dot per variant (lower left is cheap and fast)."""
        if not self._points or area.height() <= 0:
            return
        text = self.palette().windowText().color()
        painter.setPen(text)
        painter.drawText(QRectF(8, area.top() - line, area.right(), line), self.scatter_title)
        painter.drawLine(area.bottomLeft(), area.bottomRight())
        painter.drawLine(area.bottomLeft(), area.topLeft())
        most_latency, most_cost = max(p[0] for p in self._points), max(p[1] for p in self._points)
        top_latency, top_cost = most_latency or 1.0, most_cost or 1.0  # all zero: dots on the axis
        for index, (latency, cost) in enumerate(self._points):
            x = area.left() + 6 + (area.width() - 12) * latency / top_latency
            y = area.bottom() - 6 - (area.height() - 12) * cost / top_cost
            painter.setBrush(QColor(PALETTE[index % len(PALETTE)]))
            painter.setPen(Qt.PenStyle.NoPen)
            painter.drawEllipse(QRectF(x - 5, y - 5, 10, 10))
        painter.setPen(text)
        painter.drawText(
            QRectF(area.left(), area.bottom() + 2, area.width(), line),
            Qt.AlignmentFlag.AlignRight,
            f"{most_latency:.3g} s",
        )
        painter.drawText(
            QRectF(8, area.top(), area.left() - 12, line), Qt.AlignmentFlag.AlignRight, f"${most_cost:.3g}"
        )


class RatingBar(QWidget):
    """Thumbs up/down and 1-5 stars for the selected cell; `ratingChosen(thumb, stars)`."""

    ratingChosen = Signal(object, object)  # thumb (1, -1 or None), stars (1-5 or None)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.label = QLabel(self)
        self.up = QPushButton(UP, self)
        self.down = QPushButton(DOWN, self)
        for button in (self.up, self.down):
            button.setCheckable(True)
        self.up.clicked.connect(lambda: self._thumb(1))
        self.down.clicked.connect(lambda: self._thumb(-1))
        self.stars = QButtonGroup(self)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.label, 1)
        self.show_run = QPushButton(self)  # text set by the panel (translated)
        layout.addWidget(self.show_run)
        layout.addWidget(self.up)
        layout.addWidget(self.down)
        self.star_buttons: list[QPushButton] = []
        for stars in range(1, 6):
            button = QPushButton(f"{stars}★", self)
            button.setCheckable(True)
            button.setFixedWidth(44)
            self.stars.addButton(button, stars)
            self.star_buttons.append(button)
            layout.addWidget(button)
        self.stars.idClicked.connect(lambda stars: self.ratingChosen.emit(self._thumb_value(), stars))
        self.show_rating(None)
        self.setEnabled(False)

    def _thumb_value(self) -> int | None:
        return 1 if self.up.isChecked() else -1 if self.down.isChecked() else None

    def _thumb(self, value: int) -> None:
        (self.down if value > 0 else self.up).setChecked(False)
        thumb = self._thumb_value()
        stars = self.stars.checkedId()
        self.ratingChosen.emit(thumb, stars if stars > 0 else None)

    def show_rating(self, rating: dict[str, Any] | None) -> None:
        """Reflect a saved rating (None: not rated)."""
        rating = rating or {}
        self.up.setChecked(rating.get("thumb") == 1)
        self.down.setChecked(rating.get("thumb") == -1)
        self.stars.setExclusive(False)
        for stars, button in enumerate(self.star_buttons, start=1):
            button.setChecked(rating.get("stars") == stars)
        self.stars.setExclusive(True)


class ResultsView(QWidget):
    """Grid on the left, mean bars on the right, rating bar under the grid."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.grid = ResultsGrid(self)
        self.bars = MeanBars(self)
        self.rating = RatingBar(self)
        left = QVBoxLayout()
        left.addWidget(self.grid, 1)
        left.addWidget(self.rating)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(left, 3)
        layout.addWidget(self.bars, 2)


def show_run_on_tab(tab: EditorTab, records: list[dict[str, Any]]) -> int:
    """Show a stored run's node records on a flow's canvas, as if it had just run there (status,
    time and output preview per node; the output panel reads them from `tab.runs`). Returns how
    many of the flow's nodes the records covered."""
    tab.clear_run()
    shown = 0
    for record in records:
        node_id = str(record.get("node_id") or "")
        item = tab.scene.nodes.get(node_id)
        if item is None:
            continue
        state = tab.node_run(node_id)
        state.status = str(record.get("status") or "")
        state.outputs = dict(record.get("outputs") or {})
        state.duration_s = record.get("duration_s")
        state.error = str(record.get("error") or "")
        footer = state.error if state.status == "failed" else preview(state.outputs)
        item.set_run_state(state.status, format_duration(state.duration_s), footer)
        tab.nodeRunChanged.emit(node_id)
        shown += 1
    return shown


class CompareView(QWidget):
    """The diff of two evaluation runs: per variant and metric before, after and the change
    (green better, red worse), and how many rows got worse."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.runs = QComboBox(self)  # the earlier run to compare with (run ids as item data)
        self.prompt = QLabel(self)
        self.table = QTableWidget(0, 5, self)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.summary = QLabel(self)
        top = QHBoxLayout()
        top.addWidget(self.prompt)
        top.addWidget(self.runs, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.summary)
        self.worse_text = "%d"  # "%d rows got worse", translated by the panel
        self._store: Any = None
        self._run_id = ""
        self.runs.currentIndexChanged.connect(lambda _i: self._compare())

    def set_run(self, store: Any, run_id: str) -> None:
        """Offer the other stored runs of the same flow to compare the shown run with."""
        from studio.evaluation import list_runs

        self._store, self._run_id = store, run_id
        current = store.get_run(run_id)
        self.runs.blockSignals(True)
        self.runs.clear()
        for info in list_runs(200, store):
            if info.run_id != run_id and current is not None and info.flow_path == current.flow_path:
                self.runs.addItem(f"{info.run_id} · {info.status}", info.run_id)
        self.runs.blockSignals(False)
        self.table.setRowCount(0)
        self.summary.clear()
        if self.runs.count():
            self._compare()

    def _compare(self) -> None:
        from studio.evaluation import compare_runs
        from studio.evaluation.stats import metric_info

        earlier = self.runs.currentData()
        if not earlier or self._store is None:
            return
        result = compare_runs(str(earlier), self._run_id, self._store)
        labels = {label for metrics in result["deltas"].values() for label in metrics}
        better = {}
        for label in labels:
            info = metric_info(label)
            better[label] = bool(info["higher_is_better"]) if info["directional"] else None
        self.show_comparison(result, better)
        self.summary.setText(self.worse_text % result["worse_count"])

    def show_comparison(self, result: dict[str, Any], better: dict[str, bool | None]) -> None:
        """Fill the table from `studio.evaluation.compare_runs`; `better` is each metric's direction
        (True: higher is better, None: neither)."""
        rows = [
            (variant, label, d)
            for variant, metrics in result["deltas"].items()
            for label, d in metrics.items()
        ]
        self.table.setRowCount(len(rows))
        for index, (variant, label, d) in enumerate(rows):
            values = [variant, label, _number(d["before"]), _number(d["after"]), f"{d['delta']:+.3g}"]
            direction = better.get(label)
            for column, value in enumerate(values):
                item = QTableWidgetItem(value)
                if column == 4 and direction is not None and abs(d["delta"]) > 1e-9:
                    improved = (d["delta"] > 0) == direction
                    item.setBackground(QBrush(QColor(205, 240, 205) if improved else FAILED))
                self.table.setItem(index, column, item)
        self.table.resizeColumnsToContents()
