"""Running flows from the window: badges, outputs, validation blocking Run, the real local model."""

from __future__ import annotations

import pytest

from studio.engine.registry import default_registry


@pytest.fixture
def real_window(make_window, qtbot):
    win = make_window(registry=default_registry())
    win.show()
    qtbot.waitExposed(win)
    return win


def _format_flow(tab) -> dict[str, str]:
    doc = tab.doc
    ids = {
        "in": doc.add_node("io.text_input", (0, 0), {"name": "question", "required": True}),
        "fmt": doc.add_node("text.format", (300, 0), {"template": "You asked: {q}"}),
        "out": doc.add_node("io.output", (600, 0), {"name": "answer"}),
    }
    doc.connect_ports(ids["in"], "text", ids["fmt"], "q")
    doc.connect_ports(ids["fmt"], "text", ids["out"], "value")
    return ids


def test_run_shows_badges_and_outputs(real_window, qtbot):
    tab = real_window.new_flow()
    ids = _format_flow(tab)
    with qtbot.waitSignal(real_window.runFinished, timeout=60_000) as finished:
        assert real_window.run_control.run_all({"question": "why?"})
    result = finished.args[0]
    assert result.status == "succeeded" and result.outputs == {"answer": "You asked: why?"}
    assert {tab.scene.nodes[i].status for i in ids.values()} <= {"done", "cached"}
    assert "You asked: why?" in tab.scene.nodes[ids["fmt"]].footer
    tab.scene.select_nodes([ids["fmt"]])
    assert real_window.outputs.text.toPlainText() == "You asked: why?"
    assert "succeeded" in real_window.run_label.text()


def test_run_to_selected_runs_only_what_it_needs(real_window, qtbot):
    tab = real_window.new_flow()
    ids = _format_flow(tab)
    tab.scene.select_nodes([ids["fmt"]])
    with qtbot.waitSignal(real_window.runFinished, timeout=60_000):
        assert real_window.run_control.run_to_selected({"question": "x"})
    assert tab.scene.nodes[ids["fmt"]].status in ("done", "cached")
    assert tab.scene.nodes[ids["out"]].status == ""


def test_invalid_flow_blocks_run_with_a_clear_message(real_window):
    tab = real_window.new_flow()
    tab.doc.add_node("text.format", (0, 0), {"template": "{a}"})
    assert not real_window.run_control.run_all({})
    assert real_window.outputs.text.toPlainText()  # the problems are listed
    assert "Cannot run" in real_window.run_label.text()


@pytest.mark.real_llm
@pytest.mark.slow
def test_run_on_the_local_model_streams_and_shows_the_reply(real_window, qtbot):
    tab = real_window.new_flow()
    doc = tab.doc
    text_in = doc.add_node("io.text_input", (0, 0), {"name": "topic"})
    prompt = doc.add_node(
        "prompt.template", (300, 0), {"template": "Say one word about {{ topic }}.", "preset": "custom"}
    )
    llm = doc.add_node(
        "llm.chat", (600, 0), {"model": "local/smollm2-135m-instruct", "max_tokens": 8, "temperature": 0}
    )
    out = doc.add_node("io.output", (900, 0), {"name": "reply"})
    doc.connect_ports(text_in, "text", prompt, "topic")
    doc.connect_ports(prompt, "prompt", llm, "prompt")
    doc.connect_ports(llm, "text", out, "value")
    tab.scene.select_nodes([llm])
    with qtbot.waitSignal(real_window.runFinished, timeout=300_000) as finished:
        assert real_window.run_control.run_all({"topic": "cats"})
    result = finished.args[0]
    assert result.status == "succeeded", result.error
    reply = result.outputs["reply"]
    assert isinstance(reply, str) and reply.strip()
    assert tab.scene.nodes[llm].status in ("done", "cached")
    assert real_window.outputs.port_choice.currentText() == "text"
    assert real_window.outputs.text.toPlainText() == reply


def test_a_failed_node_shows_its_error_and_downstream_says_where_it_came_from(real_window, qtbot):
    tab = real_window.new_flow()
    doc = tab.doc
    text_in = doc.add_node("io.text_input", (0, 0), {"name": "raw"})
    parse = doc.add_node("parse.json", (300, 0), {"strict": True})
    out = doc.add_node("io.output", (600, 0), {"name": "data"})
    doc.connect_ports(text_in, "text", parse, "text")
    doc.connect_ports(parse, "json", out, "value")
    with qtbot.waitSignal(real_window.runFinished, timeout=60_000) as finished:
        assert real_window.run_control.run_all({"raw": "this is not JSON"})
    assert finished.args[0].status == "failed"
    assert tab.scene.nodes[parse].status == "failed"
    assert "Run failed" in real_window.run_label.text()
    tab.scene.select_nodes([parse])
    assert real_window.outputs.text.toPlainText()  # the parser's own error
    downstream = tab.scene.nodes[out].status
    if downstream == "failed":
        tab.scene.select_nodes([out])
        assert "because" in real_window.outputs.text.toPlainText()
