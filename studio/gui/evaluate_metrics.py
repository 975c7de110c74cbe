"""The Evaluate panel's metric picker: tick metrics, give those that take one their option (a
pattern, a JSON schema, a rubric: typed in, or read from a file), and name the judge model."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import (
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from studio.gui.i18n import catalogue_text

DEFAULT_METRICS = ("exact_match", "latency")
INFO_ROLE = Qt.ItemDataRole.UserRole  # the metric's description from `list_metrics`
OPTION_ROLE = Qt.ItemDataRole.UserRole + 1  # the option the user gave ("" when none)


class MetricPicker(QGroupBox):
    """Checkable metrics with an option editor under the list; `specs()` gives `studio eval` specs."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.choose_file = self._choose_file  # tests replace it
        self.metrics_list = QListWidget(self)
        self.metrics_list.currentItemChanged.connect(lambda *_a: self._show_option())
        self.option_edit = QLineEdit(self)
        self.option_edit.textEdited.connect(self._set_option)
        self.option_file = QPushButton(self)
        self.option_file.clicked.connect(self._option_from_file)
        self.judge_edit = QLineEdit(self)
        option_row = QHBoxLayout()
        option_row.addWidget(self.option_edit, 1)
        option_row.addWidget(self.option_file)
        box = QVBoxLayout(self)
        box.addWidget(self.metrics_list, 1)
        box.addLayout(option_row)
        box.addWidget(self.judge_edit)
        self._fill()
        self._show_option()
        self.retranslate()

    def _fill(self) -> None:
        from studio.evaluation import list_metrics

        self.metrics_list.clear()
        for info in sorted(list_metrics(), key=lambda i: (i["kind"], i["name"])):
            item = QListWidgetItem(catalogue_text(info["name"]), self.metrics_list)
            item.setData(INFO_ROLE, info)
            item.setData(OPTION_ROLE, "")
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            checked = info["name"] in DEFAULT_METRICS
            item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def retranslate(self) -> None:
        """Re-read every visible string (after a language switch)."""
        self.setTitle(self.tr("Metrics"))
        self.judge_edit.setPlaceholderText(self.tr("Judge model (for judge metrics)"))
        self.option_file.setText(self.tr("From file…"))
        self.option_file.setToolTip(self.tr("Read the option from a file (a JSON schema, a rubric)"))
        needs_text = {
            "reference": self.tr("a reference column"),
            "contexts": self.tr("retrieved contexts"),
            "judge": self.tr("a judge model"),
            "embeddings": self.tr("embeddings (offline)"),
            "variants": self.tr("two variants"),
        }
        for item in self._items():
            info = item.data(INFO_ROLE)
            # The metric's name in the UI language; its id (what `--metrics` takes) in the tip.
            item.setText(catalogue_text(info["name"]))
            needs = [needs_text.get(n, n) for n in info["needs"]]
            tip = f"`{info['name']}` — {catalogue_text(info['description'])}\n"
            tip += self.tr("Needs: %s") % (", ".join(needs) or self.tr("nothing"))
            if info.get("option"):
                option = catalogue_text(info["option"])
                tip += "\n" + self.tr("Option: %s (select the metric, then type it below)") % option
            item.setToolTip(tip)
        self._show_option()

    def _items(self) -> list[QListWidgetItem]:
        return [self.metrics_list.item(i) for i in range(self.metrics_list.count())]

    # -- options ------------------------------------------------------------------------------

    def _show_option(self) -> None:
        item = self.metrics_list.currentItem()
        info = item.data(INFO_ROLE) if item is not None else None
        takes = bool(info and info.get("option"))
        self.option_edit.setEnabled(takes)
        self.option_file.setEnabled(takes)
        self.option_edit.setText(item.data(OPTION_ROLE) if takes and item is not None else "")
        self.option_edit.setPlaceholderText(
            self.tr("Option of %s: %s") % (catalogue_text(info["name"]), catalogue_text(info["option"]))
            if takes and info
            else self.tr("Select a metric that takes an option (regex, json_schema, geval, …)")
        )

    def _set_option(self, text: str) -> None:
        item = self.metrics_list.currentItem()
        if item is None:
            return
        item.setData(OPTION_ROLE, text)
        name = item.data(INFO_ROLE)["name"]
        item.setText(f"{name}: {text}" if text else name)
        if text:  # giving an option means using the metric
            item.setCheckState(Qt.CheckState.Checked)

    def _choose_file(self) -> str:
        chosen, _filter = QFileDialog.getOpenFileName(self, self.tr("Option file"))
        return chosen

    def _option_from_file(self) -> None:
        chosen = self.choose_file()
        if chosen:
            text = "@" + str(Path(chosen))
            self.option_edit.setText(text)
            self._set_option(text)

    def set_option(self, name: str, option: str) -> None:
        """Give metric `name` its option (as a user typing it); it is ticked too."""
        for item in self._items():
            if item.data(INFO_ROLE)["name"] == name:
                self.metrics_list.setCurrentItem(item)
                self.option_edit.setText(option)
                self._set_option(option)
                return
        raise KeyError(name)

    # -- choosing -----------------------------------------------------------------------------

    def specs(self) -> list[str]:
        """The ticked metrics in list order, as `studio eval --metrics` specs ("regex:^A")."""
        chosen = []
        for item in self._items():
            if item.checkState() != Qt.CheckState.Checked:
                continue
            name, option = item.data(INFO_ROLE)["name"], item.data(OPTION_ROLE)
            chosen.append(f"{name}:{option}" if option else name)
        return chosen

    def names(self) -> list[str]:
        """The ticked metrics' names (without their options)."""
        return [s.partition(":")[0] for s in self.specs()]

    def set_checked(self, names: list[str]) -> None:
        """Tick exactly these metrics (by name)."""
        for item in self._items():
            checked = item.data(INFO_ROLE)["name"] in names
            item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)

    def judge(self) -> str | None:
        """The judge model typed in, if any."""
        return self.judge_edit.text().strip() or None

    def problem(self) -> str | None:
        """Why the chosen metrics cannot run (an option missing or wrong), in one sentence; None if fine."""
        from studio.evaluation.metrics.base import MetricError
        from studio.evaluation.metrics.registry import parse_metrics

        specs = self.specs()
        if not specs:
            return self.tr("Tick at least one metric")

        def read(name: str) -> str:
            try:
                return Path(name).read_text(encoding="utf-8")
            except OSError as error:
                raise MetricError(f"cannot read the option file {name} ({error.strerror or error})") from None

        try:
            parse_metrics(specs, read_file=read)
        except MetricError as error:
            return str(error)
        except Exception as error:  # an option the metric refuses (a bad pattern, a bad schema)
            return f"{error}"
        return None

    def selection(self) -> dict[str, Any]:
        """What is chosen, for tests and saving: specs and judge."""
        return {"metrics": self.specs(), "judge": self.judge()}
