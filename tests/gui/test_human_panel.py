"""The Human Input panel in a real window: a run pauses, the panel asks, Continue resumes it."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QLineEdit

from studio.engine import RunStore
from studio.engine.registry import default_registry
from studio.gui.human_panel import HumanPanel


@pytest.fixture
def real_window(make_window, qtbot):
    win = make_window(registry=default_registry())
    win.show()
    qtbot.waitExposed(win)
    return win


def _ask_flow(tab, **human) -> dict[str, str]:
    doc = tab.doc
    ids = {
        "in": doc.add_node("io.text_input", (0, 0), {"name": "note", "required": True}),
        "ask": doc.add_node("human.input", (300, 0), {"question": "Publish {{ note }}?", **human}),
        "out": doc.add_node("io.output", (600, 0), {"name": "answer"}),
    }
    doc.connect_ports(ids["in"], "text", ids["ask"], "note")
    doc.connect_ports(ids["ask"], "answer", ids["out"], "value")
    return ids


def test_a_waiting_run_shows_its_question_and_continue_finishes_it(real_window, qtbot):
    tab = real_window.new_flow()
    ids = _ask_flow(tab, choices=["yes", "no"])
    panel = real_window.human
    assert not panel.isVisible()
    with qtbot.waitSignal(real_window.runFinished, timeout=60_000) as paused:
        assert real_window.run_control.run_all({"note": "the memo"})
    assert paused.args[0].status == "waiting"
    qtbot.waitUntil(panel.isVisible)
    assert "waiting for an answer" in real_window.run_label.text()
    assert "Publish the memo?" in " ".join(label.text() for label in panel.findChildren(type(panel.header)))
    box = panel.findChild(QComboBox, f"answer:{ids['ask']}")
    assert [box.itemText(i) for i in range(box.count())] == ["yes", "no"]
    box.setCurrentIndex(1)
    started_before = {n["node_id"]: n["started"] for n in RunStore().get_run(paused.args[0].run_id)[1]}
    with qtbot.waitSignal(real_window.runFinished, timeout=60_000) as finished:
        qtbot.mouseClick(panel.continue_button, Qt.MouseButton.LeftButton)
    result = finished.args[0]
    assert result.status == "succeeded" and result.outputs == {"answer": "no"}
    assert result.run_id == paused.args[0].run_id
    after = {n["node_id"]: n["started"] for n in RunStore().get_run(result.run_id)[1]}
    assert after[ids["in"]] == started_before[ids["in"]]  # the input node was not run again
    assert not panel.continue_button.isEnabled()  # nothing waits any more
    assert tab.scene.nodes[ids["out"]].status in ("done", "cached")


def test_a_free_text_answer_is_required_and_enter_continues(real_window, qtbot):
    tab = real_window.new_flow()
    ids = _ask_flow(tab)
    panel = real_window.human
    with qtbot.waitSignal(real_window.runFinished, timeout=60_000):
        assert real_window.run_control.run_all({"note": "x"})
    qtbot.waitUntil(panel.isVisible)
    box = panel.findChild(QLineEdit, f"answer:{ids['ask']}")
    qtbot.mouseClick(panel.continue_button, Qt.MouseButton.LeftButton)
    assert panel.message.text() == "Answer every question first."
    qtbot.keyClicks(box, "next week")
    with qtbot.waitSignal(real_window.runFinished, timeout=60_000) as finished:
        qtbot.keyClick(box, Qt.Key.Key_Return)
    assert finished.args[0].outputs == {"answer": "next week"}


def test_when_the_time_runs_out_the_panel_continues_with_the_default(real_window, qtbot):
    tab = real_window.new_flow()
    _ask_flow(tab, choices=["yes", "no"], timeout_s=1, default="no")
    panel = real_window.human
    with qtbot.waitSignal(real_window.runFinished, timeout=60_000):
        assert real_window.run_control.run_all({"note": "x"})
    qtbot.waitUntil(panel.isVisible)
    assert any("continues with “no”" in label.text() for label in panel.countdowns.values())
    with qtbot.waitSignal(real_window.runFinished, timeout=60_000) as finished:
        pass  # nobody answers
    assert finished.args[0].status == "succeeded" and finished.args[0].outputs == {"answer": "no"}


def test_the_panel_alone_shows_approvals_with_their_arguments(qtbot):
    asked: list[tuple[str, dict]] = []
    panel = HumanPanel(resume=lambda run_id, answers: asked.append((run_id, answers)) or True)
    qtbot.addWidget(panel)
    question = {
        "kind": "approval",
        "tool": "http_request",
        "arguments": {"url": "x"},
        "choices": ["approve", "deny"],
    }
    panel.show_questions("run-1", {"post": question})
    box = panel.findChild(QComboBox, "answer:post")
    assert [box.itemText(i) for i in range(box.count())] == ["Approve", "Deny"]
    box.setCurrentIndex(1)
    qtbot.mouseClick(panel.continue_button, Qt.MouseButton.LeftButton)
    assert asked == [("run-1", {"post": "deny"})]


def test_the_settings_dialog_keeps_the_trace_endpoint(window, qtbot):
    from studio.gui.settings_dialog import SettingsDialog
    from studio.runtime import tracing
    from studio.runtime.preferences import get_preference

    dialog = SettingsDialog(window)
    qtbot.addWidget(dialog)
    dialog.otlp_endpoint.setText("collector:4318")
    assert any("http://" in problem for problem in dialog.apply())
    dialog.otlp_endpoint.setText("http://127.0.0.1:4318")
    assert not dialog.apply()
    assert get_preference(tracing.PREFERENCE) == "http://127.0.0.1:4318"
