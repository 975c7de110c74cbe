"""The Evaluate panel: pick a dataset, variants and metrics, run, read the grid, rate, report."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QUrl

from studio.engine.registry import default_registry
from studio.evaluation import EvalStore
from studio.gui import i18n
from studio.gui.evaluate_results import FAILED
from tests.evaluation.helpers import echo_flow, jsonl

ROWS = [
    {"question": "forty-two", "reference": "forty-two"},
    {"question": "蓝色", "reference": "蓝色"},
    {"question": ["not", "text"], "reference": "x"},  # the flow fails on this row
]


@pytest.fixture
def eval_window(make_window, tmp_path):
    """A main window (real node registry) with the echo flow open and the Evaluate dock shown."""
    flow = echo_flow(tmp_path)
    win = make_window(registry=default_registry())
    win.resize(1500, 950)
    win.show()
    win.open_path(flow)
    win.evaluate_dock.show()
    win.evaluate_dock.raise_()
    win.resizeDocks([win.evaluate_dock], [620], Qt.Orientation.Vertical)
    yield win
    win.evaluate.shutdown(10)


def _variants_file(folder: Path) -> Path:
    path = folder / "variants.json"
    path.write_text(json.dumps({"plain": {}, "bare": {"fmt": {"template": "{q}"}}}), encoding="utf-8")
    return path


def _run(qtbot, panel) -> None:
    """Click Run and wait until the evaluation has ended (finished or not) and is shown."""
    ended: list[object] = []
    panel.worker.finished.connect(ended.append)
    panel.worker.crashed.connect(ended.append)
    qtbot.mouseClick(panel.run_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(ended), timeout=120_000)
    assert not isinstance(ended[0], str), ended[0]


def test_evaluate_panel_runs_scores_rates_and_reports(qtbot, eval_window, tmp_path):
    panel = eval_window.evaluate
    assert panel.set_dataset(jsonl(tmp_path / "qa.jsonl", ROWS))  # where the file dialog would open
    assert panel.dataset_table.rowCount() == 3
    assert panel.load_variants_file(_variants_file(tmp_path))
    qtbot.mouseClick(panel.add_variant_row, Qt.MouseButton.LeftButton)  # a third variant, typed in
    last = panel.variants_table.rowCount() - 1
    for column, text in enumerate(("prefixed", "fmt", "template", "Q: {q}")):
        panel.variants_table.item(last, column).setText(text)
    panel.set_metrics([])
    for index in range(panel.metrics_list.count()):  # tick two model-free metrics, as a user would
        item = panel.metrics_list.item(index)
        if item.text() in ("exact_match", "length"):
            item.setCheckState(Qt.CheckState.Checked)
            assert "Needs:" in item.toolTip()
    assert panel.checked_metrics() == ["exact_match", "length"] or set(panel.checked_metrics()) == {
        "exact_match",
        "length",
    }

    _run(qtbot, panel)

    grid = panel.results.grid
    assert panel.pages.currentIndex() == 1
    assert (grid.rowCount(), grid.columnCount()) == (3, 3)
    assert [grid.horizontalHeaderItem(c).text() for c in range(3)] == ["plain", "bare", "prefixed"]
    for row in range(3):
        for column in range(3):
            text = grid.item(row, column).text()
            assert "exact_match:" in text and "length:" in text
    assert grid.item(0, 0).text().startswith("Answer: forty-two")
    assert grid.item(0, 1).text().startswith("forty-two\nexact_match: 1")
    assert grid.item(1, 2).text().startswith("Q: 蓝色")
    assert all(grid.item(2, c).background().color() == FAILED for c in range(3))
    assert grid.item(0, 0).background().color() != FAILED
    assert "3 failed" in panel.status.text()
    means = {label: dict(bars) for label, bars, _high in panel.results.bars.bars()}
    assert means["exact_match"]["bare"] == 1.0 and means["exact_match"]["plain"] == 0.0
    assert means["exact_match"]["prefixed"] == 0.0  # the failed row is skipped, not scored 0

    grid.select_cell(1, "bare")  # JSONL rows are numbered by line
    assert panel.results.rating.isEnabled()
    qtbot.mouseClick(panel.results.rating.up, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(panel.results.rating.star_buttons[3], Qt.MouseButton.LeftButton)
    store = EvalStore()
    try:
        assert store.rating(panel.run_id, 1, "bare") == {"thumb": 1, "stars": 4, "comment": ""}
        assert store.cell_scores(panel.run_id, 1, "bare")["human_rating"].value == 4.0
    finally:
        store.close()
    assert "★★★★" in grid.item(0, 1).text()

    qtbot.mouseClick(panel.results.rating.show_run, Qt.MouseButton.LeftButton)  # the cell on the canvas
    tab = eval_window.current_tab()
    assert tab.runs["answer"].outputs == {"value": "forty-two"}
    assert tab.scene.nodes["fmt"].status == "done"

    opened: list[QUrl] = []
    panel.open_url = opened.append
    qtbot.mouseClick(panel.report_button, Qt.MouseButton.LeftButton)
    report = Path(opened[0].toLocalFile())
    assert report.read_text(encoding="utf-8").lstrip().lower().startswith("<!doctype html")

    eval_window.grab().save("/tmp/evaluate_panel_en.png")
    panel.pages.setCurrentIndex(0)
    eval_window.grab().save("/tmp/evaluate_panel_setup_en.png")
    panel.pages.setCurrentIndex(1)
    try:
        assert i18n.install_language("zh_CN")
        qtbot.wait(50)
        assert panel.run_button.text() != "Run evaluation"
        assert "Finished" not in panel.status.text()  # the last status is shown again, translated
        eval_window.grab().save("/tmp/evaluate_panel_zh.png")
    finally:
        i18n.install_language("en")


def test_edited_dataset_is_saved_as_jsonl_and_evaluated(qtbot, eval_window, tmp_path):
    source = tmp_path / "qa.csv"
    with source.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=["question", "reference"])
        writer.writeheader()
        writer.writerows(
            [{"question": "forty-two", "reference": "forty-two"}, {"question": "Paris", "reference": "Paris"}]
        )
    panel = eval_window.evaluate
    assert panel.set_dataset(source)
    panel.set_metrics(["exact_match"])
    panel.dataset_table.item(1, 0).setText("London")  # edited in place
    assert panel.save_dataset_button.isEnabled()

    _run(qtbot, panel)

    saved = tmp_path / "qa.jsonl"
    assert panel.dataset_path == saved
    assert [json.loads(line) for line in saved.read_text(encoding="utf-8").splitlines()] == [
        {"question": "forty-two", "reference": "forty-two"},
        {"question": "London", "reference": "Paris"},
    ]
    assert "Answer: London" in panel.results.grid.item(1, 0).text()


def test_dataset_matching_no_input_is_explained_before_any_cell(qtbot, eval_window, tmp_path):
    panel = eval_window.evaluate
    assert panel.set_dataset(jsonl(tmp_path / "bad.jsonl", [{"prompt_text": "hi"}]))
    with qtbot.waitSignal(panel.worker.crashed, timeout=60_000) as crashed:
        qtbot.mouseClick(panel.run_button, Qt.MouseButton.LeftButton)
    assert "question" in crashed.args[0] and "prompt_text" in crashed.args[0]
    assert panel.run_button.isEnabled() and not panel.stop_button.isEnabled()
    assert panel.results.grid.rowCount() == 0


def test_a_second_run_is_compared_with_the_first(qtbot, eval_window, tmp_path):
    panel = eval_window.evaluate
    assert panel.set_dataset(jsonl(tmp_path / "qa.jsonl", ROWS[:2]))
    panel.set_metrics(["exact_match"])  # not latency: its changes are timing, not the variant
    panel.add_override("bare", "fmt", "template", "{q}")
    _run(qtbot, panel)
    first = panel.run_id
    panel.variants_table.item(0, 3).setText("Answer: {q}")  # the variant gets worse
    _run(qtbot, panel)

    compare = panel.compare
    assert panel.run_id != first and compare.runs.currentData() == first
    rows = {
        compare.table.item(r, 1).text(): [compare.table.item(r, c).text() for c in range(5)]
        for r in range(compare.table.rowCount())
    }
    assert rows["exact_match"] == ["bare", "exact_match", "1", "0", "-1"]
    red = compare.table.item(list(rows).index("exact_match"), 4).background().color()
    assert red == FAILED
    assert compare.summary.text() == "2 cells got worse"
    panel.pages.setCurrentWidget(compare)
    eval_window.grab().save("/tmp/evaluate_panel_compare_en.png")


def test_stop_keeps_the_finished_cells(qtbot, eval_window, tmp_path):
    panel = eval_window.evaluate
    rows = [{"question": f"q{i}", "reference": f"q{i}"} for i in range(3000)]
    assert panel.set_dataset(jsonl(tmp_path / "many.jsonl", rows))
    assert not panel.dataset_table.item(0, 0).flags() & Qt.ItemFlag.ItemIsEditable  # too big to edit
    panel.set_metrics(["exact_match"])
    panel.worker.progressed.connect(lambda _p: panel.stop_button.click())  # Stop once cells arrive
    _run(qtbot, panel)

    assert "Stopped" in panel.status.text()
    store = EvalStore()
    try:
        stored = list(store.iter_cells(panel.run_id))
        assert store.get_run(panel.run_id).status == "stopped"
    finally:
        store.close()
    assert 0 < len(stored) < 3000
    assert panel.results.grid.rowCount() == len(stored)
    assert panel.run_button.isEnabled() and not panel.stop_button.isEnabled()


def _ended(qtbot, panel, click) -> None:
    ended: list[object] = []
    panel.worker.finished.connect(ended.append)
    panel.worker.crashed.connect(ended.append)
    qtbot.mouseClick(click, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(ended), timeout=120_000)
    assert not isinstance(ended[0], str), ended[0]


def test_resume_finishes_a_stopped_evaluation(qtbot, eval_window, tmp_path):
    panel = eval_window.evaluate
    rows = [{"question": f"q{i}", "reference": f"Answer: q{i}"} for i in range(600)]
    assert panel.set_dataset(jsonl(tmp_path / "many.jsonl", rows))
    panel.set_metrics(["exact_match"])
    stop_once = [True]

    def stop(_progress) -> None:
        if stop_once and stop_once.pop():
            panel.stop_button.click()

    panel.worker.progressed.connect(stop)
    assert not panel.resume_button.isEnabled()
    _run(qtbot, panel)
    assert "Stopped" in panel.status.text() and panel.resume_button.isEnabled()
    run_id = panel.run_id

    _ended(qtbot, panel, panel.resume_button)

    assert panel.run_id == run_id and "Finished" in panel.status.text()
    assert panel.results.grid.rowCount() == 600
    assert not panel.resume_button.isEnabled()
    store = EvalStore()
    try:
        assert store.get_run(run_id).status == "finished"
        assert len(list(store.iter_cells(run_id))) == 600
    finally:
        store.close()


def test_option_metrics_are_given_their_option_in_the_panel(qtbot, eval_window, tmp_path):
    panel = eval_window.evaluate
    picker = panel.metric_picker
    assert panel.set_dataset(jsonl(tmp_path / "qa.jsonl", ROWS[:2]))
    panel.set_metrics([])
    names = [
        picker.metrics_list.item(i).data(Qt.ItemDataRole.UserRole)["name"]
        for i in range(picker.metrics_list.count())
    ]
    assert {"regex", "json_schema", "geval", "contains"} <= set(names)

    # Select regex as a user would and type a pattern into the option box.
    regex = picker.metrics_list.item(names.index("regex"))
    picker.metrics_list.setCurrentItem(regex)
    assert picker.option_edit.isEnabled() and "regular expression" in picker.option_edit.placeholderText()
    qtbot.keyClicks(picker.option_edit, "^Answer")
    assert regex.checkState() == Qt.CheckState.Checked and regex.text() == "regex: ^Answer"

    # A JSON schema read from a file chosen in the dialog.
    schema = tmp_path / "schema.json"
    schema.write_text('{"type": "object"}', encoding="utf-8")
    picker.choose_file = lambda: str(schema)
    picker.metrics_list.setCurrentItem(picker.metrics_list.item(names.index("json_schema")))
    qtbot.mouseClick(picker.option_file, Qt.MouseButton.LeftButton)
    assert panel.checked_metrics() == ["json_schema:@" + str(schema), "regex:^Answer"] or set(
        panel.checked_metrics()
    ) == {"json_schema:@" + str(schema), "regex:^Answer"}

    _run(qtbot, panel)

    report = panel.store().get_run(panel.run_id)
    assert any(m.startswith("regex:") for m in report.config["metrics"])
    cells = {c.row: c for c in panel.store().iter_cells(panel.run_id)}
    scores = panel.store().cell_scores(panel.run_id, 1, cells[1].variant)
    assert scores["regex:^Answer"].value == 1.0  # "Answer: forty-two" matches
    assert scores[next(k for k in scores if k.startswith("json_schema"))].value == 0.0  # not JSON


def test_an_option_metric_without_its_option_is_explained_before_running(qtbot, eval_window, tmp_path):
    panel = eval_window.evaluate
    assert panel.set_dataset(jsonl(tmp_path / "qa.jsonl", ROWS[:2]))
    panel.set_metrics(["regex"])
    assert panel.run() is False
    assert "regex" in panel.status.text()
    assert panel.run_id is None
