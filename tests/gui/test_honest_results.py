"""Honest results, clicked through as a person would: F5 asks for the inputs (the last values
filled in), a good run, then a failed run that must not look like the good one (failure, node and
reason shown, older outputs marked stale, downstream nodes "not run"), an empty flow, "don't ask
again", and Run history with node titles and a readable time. Real engine and nodes, real window
(offscreen)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtTest import QTest

from studio.engine.registry import default_registry


@pytest.fixture
def win(make_window, qtbot):
    window = make_window(registry=default_registry())
    window.show()
    qtbot.waitExposed(window)
    return window


def parser_flow(tab) -> dict[str, str]:
    """Text input -> JSON Parser -> Output: a run fails when the text typed is not JSON."""
    doc = tab.doc
    ids = {
        "in": doc.add_node("io.text_input", (0, 0), {"name": "raw"}),
        "parse": doc.add_node("parse.json", (300, 0), {"strict": True}),
        "out": doc.add_node("io.output", (600, 0), {"name": "data"}),
    }
    doc.connect_ports(ids["in"], "text", ids["parse"], "text")
    doc.connect_ports(ids["parse"], "json", ids["out"], "value")
    return ids


def press_f5(win) -> None:
    """Press F5 on the canvas (the window is made active first, as a person's click would)."""
    win.activateWindow()
    QTest.qWaitForWindowActive(win)
    view = win.current_tab().view
    view.setFocus()
    QTest.keyClick(view, Qt.Key.Key_F5)


def answer_inputs(
    win, qtbot, typed: dict[str, str] | None, *, dont_ask: bool = False, seen: list | None = None
):
    """When the run input dialog opens: note what it shows, type the values, tick the box, Run."""

    def answer() -> None:
        dialog = win.run_control.inputs_dialog
        if dialog is None or not dialog.isVisible():  # not open (laid out) yet
            QTimer.singleShot(20, answer)
            return
        QTest.qWaitForWindowExposed(dialog)
        if seen is not None:
            seen.append({name: box.toPlainText() for name, box in dialog.boxes.items()})
        for name, text in (typed or {}).items():
            box = dialog.boxes[name]
            box.setFocus()
            box.selectAll()
            QTest.keyClick(box, Qt.Key.Key_Delete)
            QTest.keyClicks(box, text)
        if dont_ask:
            box = dialog.dont_ask  # click the box itself (the widget is wider than its text)
            qtbot.mouseClick(box, Qt.MouseButton.LeftButton, pos=QPoint(8, box.height() // 2))
            assert box.isChecked()
        run_button = dialog.buttons.buttons()[0]
        for button in dialog.buttons.buttons():
            if dialog.buttons.buttonRole(button) == dialog.buttons.ButtonRole.AcceptRole:
                run_button = button
        qtbot.mouseClick(run_button, Qt.MouseButton.LeftButton)

    QTimer.singleShot(0, answer)


def run_with(win, qtbot, typed: dict[str, str], **options):
    answer_inputs(win, qtbot, typed, **options)
    with qtbot.waitSignal(win.runFinished, timeout=60_000) as finished:
        press_f5(win)
    return finished.args[0]


def test_a_failed_run_after_a_good_one_is_shown_as_failed_not_as_the_old_result(win, qtbot):
    tab = win.new_flow()
    ids = parser_flow(tab)
    seen: list[dict[str, str]] = []
    answer_inputs(win, qtbot, {"raw": '{"a": 1}'}, seen=seen)
    with qtbot.waitSignal(win.runFinished, timeout=60_000) as finished:
        press_f5(win)
    assert finished.args[0].status == "succeeded"
    assert seen == [{"raw": ""}]
    assert not win.outputs.problem.isVisible() and not win.outputs.stale
    assert win.outputs.outputs == {"data": {"a": 1}}

    # Second F5: the dialog shows the last value; the user changes it to something that fails.
    result = run_with(win, qtbot, {"raw": "this is not JSON"}, seen=seen)
    assert seen[1] == {"raw": '{"a": 1}'}
    assert result.status == "failed"

    # The status bar says which node failed and why, in one sentence.
    status = win.run_label.text()
    assert "Run failed" in status and "JSON Parser" in status
    # The Output panel shows the failure first, and the good run's output only marked stale.
    outputs = win.outputs
    assert outputs.problem.isVisible()
    assert "JSON Parser" in outputs.problem_text.text() and "failed" in outputs.problem_text.text()
    assert outputs.stale and outputs.stale_label.isVisible()
    assert "earlier run" in outputs.stale_label.text()
    assert outputs.outputs == {"data": {"a": 1}}
    assert "Traceback" not in outputs.problem_text.text()

    # On the canvas the parser failed (red) and the output after it did not run (grey, no red).
    parse, out = tab.scene.nodes[ids["parse"]], tab.scene.nodes[ids["out"]]
    assert parse.status == "failed" and parse.error
    assert out.status == "not_run" and not out.error
    assert "not run" in out.tip.lower() or "not run" in out.footer.lower()

    # Selecting the output node says it was not run and why; its old value is marked stale.
    tab.scene.select_nodes([ids["out"]])
    assert "not run" in outputs.title.text()
    assert "Not run" in outputs.problem_text.text() and "JSON Parser" in outputs.problem_text.text()
    assert outputs.stale

    # Selecting the parser shows its reason; Details… opens the technical text.
    tab.scene.select_nodes([ids["parse"]])
    assert "failed" in outputs.title.text()
    assert outputs.problem_text.text()
    qtbot.mouseClick(outputs.details_button, Qt.MouseButton.LeftButton)
    dialog = outputs.details_dialog
    assert dialog is not None and dialog.isVisible()
    assert dialog.details.toPlainText()
    dialog.close()


def test_an_empty_flow_says_there_is_nothing_to_run(win, qtbot):
    win.new_flow()
    with qtbot.assertNotEmitted(win.runFinished, wait=300):
        press_f5(win)
    assert not win.run_control.running
    assert "nothing to run" in win.run_label.text()
    assert "nothing to run" in win.outputs.text.toPlainText()


def test_dont_ask_again_is_remembered_for_that_flow_only(win, qtbot, tmp_path, make_window):
    tab = win.new_flow()
    parser_flow(tab)
    run_with(win, qtbot, {"raw": "[1, 2]"}, dont_ask=True)
    # Next F5: no dialog, the last value is used.
    with qtbot.waitSignal(win.runFinished, timeout=60_000) as finished:
        press_f5(win)
    assert win.run_control.inputs_dialog is None
    assert finished.args[0].inputs == {"raw": "[1, 2]"}
    # Saved and opened in another window: still not asked (remembered per flow). That window has
    # no last values, so the input's default (none here; not required) is used.
    path = tmp_path / "parser.json"
    assert win.save_tab(tab, path)
    second = make_window(registry=default_registry())
    second.show()
    qtbot.waitExposed(second)
    assert second.open_path(path) is not None
    second.current_tab().doc.flow.nodes[0].config["required"] = False
    with qtbot.waitSignal(second.runFinished, timeout=60_000):
        press_f5(second)
    assert second.run_control.inputs_dialog is None
    # Another flow still asks.
    other = win.new_flow()
    parser_flow(other)
    seen: list[dict[str, str]] = []
    run_with(win, qtbot, {"raw": "{}"}, seen=seen)
    assert seen == [{"raw": ""}]
    # Run with Inputs… (Alt+F5) asks again even for the first flow, the last value filled in.
    win.tabs.setCurrentWidget(tab)
    seen.clear()
    answer_inputs(win, qtbot, None, seen=seen)
    with qtbot.waitSignal(win.runFinished, timeout=60_000):
        win.activateWindow()
        QTest.qWaitForWindowActive(win)
        QTest.keyClick(tab.view, Qt.Key.Key_F5, Qt.KeyboardModifier.AltModifier)
    assert seen == [{"raw": "[1, 2]"}]


def test_cancelling_the_input_dialog_starts_no_run(win, qtbot):
    tab = win.new_flow()
    parser_flow(tab)

    def cancel() -> None:
        dialog = win.run_control.inputs_dialog
        if dialog is None:
            QTimer.singleShot(20, cancel)
            return
        QTest.keyClick(dialog, Qt.Key.Key_Escape)

    QTimer.singleShot(0, cancel)
    with qtbot.assertNotEmitted(win.runFinished, wait=300):
        press_f5(win)
    assert not win.run_control.running


def test_run_history_shows_node_titles_and_a_readable_time(win, qtbot):
    tab = win.new_flow()
    ids = parser_flow(tab)
    run_with(win, qtbot, {"raw": "not JSON"})
    win.history_dock.show()
    win.history_dock.raise_()
    qtbot.waitUntil(win.history.isVisible)
    win.history.refresh()
    runs = win.history.runs
    assert runs.topLevelItemCount() >= 1
    latest = runs.topLevelItem(0)
    assert latest.text(0).startswith("Today ")
    assert latest.text(2) == "failed"
    runs.setCurrentItem(latest)
    names = {win.history.nodes.topLevelItem(i).text(0) for i in range(win.history.nodes.topLevelItemCount())}
    assert "JSON Parser" in names
    assert not any(node_id[:8] in names for node_id in ids.values())
    statuses = {
        win.history.nodes.topLevelItem(i).text(0): win.history.nodes.topLevelItem(i).text(1)
        for i in range(win.history.nodes.topLevelItemCount())
    }
    assert statuses["JSON Parser"] == "failed"
    assert "not run" in statuses.values()


def test_history_times_read_like_people_say_them(win):
    import time

    now = time.mktime((2026, 12, 2, 15, 0, 0, 0, 0, -1))
    history = win.history
    assert history.readable_time(now - 60, now) == "Today 14:59:00"
    assert history.readable_time(now - 86_400, now).startswith("Yesterday ")
    assert history.readable_time(now - 30 * 86_400, now) == "2026-11-02 15:00"


def test_the_status_line_and_the_chat_belong_to_their_tab(win, qtbot):
    chat_tab = win.new_flow()
    doc = chat_tab.doc
    chat_in = doc.add_node("io.chat_input", (0, 0), {"name": "message"})
    echo = doc.add_node("text.format", (300, 0), {"template": "you said: {m}"})
    out = doc.add_node("io.output", (600, 0), {"name": "reply"})
    doc.connect_ports(chat_in, "message", echo, "m")
    doc.connect_ports(echo, "text", out, "value")
    win.chat.message.setText("hello")
    with qtbot.waitSignal(win.runFinished, timeout=60_000):
        qtbot.mouseClick(win.chat.send_button, Qt.MouseButton.LeftButton)
    assert "you said: hello" in win.chat.transcript.toPlainText()
    assert "Run succeeded" in win.run_label.text()

    failing = win.new_flow()  # a second tab, whose run fails
    parser_flow(failing)
    assert win.chat.history == [] and "you said" not in win.chat.transcript.toPlainText()
    assert "Run succeeded" not in win.run_label.text()
    run_with(win, qtbot, {"raw": "not JSON"})
    assert "Run failed" in win.run_label.text()

    win.tabs.setCurrentWidget(chat_tab)  # back: its conversation and its own status line
    assert "you said: hello" in win.chat.transcript.toPlainText()
    assert [m["role"] for m in win.chat.history] == ["user", "assistant"]
    assert "Run succeeded" in win.run_label.text()
    win.tabs.setCurrentWidget(failing)
    assert "Run failed" in win.run_label.text() and win.chat.history == []
