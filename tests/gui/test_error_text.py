"""Errors in plain words: the engine's error kinds -> one sentence that says what to do, in English
and 简体中文, the technical text one click away (Details…), shown on the node where it happened,
and a long status-bar message reachable in full. Messages come from the real runtime functions
(and real runs of the real nodes), not copies of their wording."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt

from studio.engine.registry import default_registry
from studio.gui.error_text import explain


def kb_missing_message() -> str:
    from studio.runtime.knowledge.vectorstore import KnowledgeBase, KnowledgeBaseNotFound

    with pytest.raises(KnowledgeBaseNotFound) as caught:
        KnowledgeBase.open("team_handbook")
    return f"setting 'kb': {caught.value}"


def missing_key_message() -> tuple[str, str]:
    from studio.runtime.llm.types import MissingApiKey

    error = MissingApiKey("openai", "OPENAI_API_KEY", "openai/gpt-4o-mini")
    return str(error), type(error).__name__


def unreachable_message() -> tuple[str, str]:
    from studio.runtime.http_client import connection_error_message

    text = connection_error_message(
        "http://127.0.0.1:9/v1", ConnectionRefusedError(111, "refused"), what="the OpenAI-compatible server"
    )
    return text, "ProviderError"


def outside_message(tmp_path) -> str:
    from studio.runtime.knowledge.documents import PathNotAllowed, check_allowed

    secret = tmp_path / "private" / "notes.txt"
    secret.parent.mkdir()
    secret.write_text("x", encoding="utf-8")
    allowed = tmp_path / "docs"
    allowed.mkdir()
    with pytest.raises(PathNotAllowed) as caught:
        check_allowed(secret, [allowed])
    return str(caught.value)


@pytest.fixture
def cases(tmp_path) -> dict[str, tuple[str, str]]:
    return {
        "kb_missing": (kb_missing_message(), "NodeError"),
        "missing_key": missing_key_message(),
        "unreachable": unreachable_message(),
        "outside_folders": (outside_message(tmp_path), "NodeError"),
        "not_run": ("not run: upstream node 'Vector search' (retrieve) failed", "UpstreamFailed"),
        "timeout": ("took longer than its 5 s time limit", "TimeoutError"),
        "internal": ("KeyError: 'choices'", "KeyError"),
    }


# kind -> (words the English sentence must contain, words the Chinese one must contain)
EXPECTED = {
    "kb_missing": (
        ["team_handbook", "does not exist", "Knowledge page"],
        ["team_handbook", "不存在", "知识库"],
    ),
    "missing_key": (["Add your OpenAI key in Settings → Models"], ["OpenAI", "设置 → 模型", "密钥"]),
    "unreachable": (["http://127.0.0.1:9/v1", "Could not reach"], ["http://127.0.0.1:9/v1", "无法连接"]),
    "outside_folders": (["notes.txt", "outside the allowed folders"], ["notes.txt", "不在允许的文件夹内"]),
    "not_run": (["Not run", "Vector search"], ["未运行", "Vector search"]),
    "timeout": (["too long", "time limit"], ["耗时过长"]),
    "internal": (["unexpected error", "Details"], ["意外错误"]),
}


def test_each_error_kind_becomes_one_sentence_that_says_what_to_do(qapp, cases):
    for kind, (message, error_type) in cases.items():
        text = explain(message, error_type)
        assert text.kind == kind, (kind, message)
        for words in EXPECTED[kind][0]:
            assert words in text.sentence, (kind, text.sentence)
        assert "Error:" not in text.sentence and "Traceback" not in text.sentence
        assert message in text.details  # the technical text is kept for Details…
    assert explain(*cases["kb_missing"]).field == "kb"
    assert explain(*cases["missing_key"]).field == "model"


def test_the_same_sentences_in_simplified_chinese(qapp, cases):
    from studio.gui import i18n

    assert i18n.install_language("zh_CN")
    try:
        for kind, (message, error_type) in cases.items():
            sentence = explain(message, error_type).sentence
            for words in EXPECTED[kind][1]:
                assert words in sentence, (kind, sentence)
    finally:
        i18n.install_language("en")


def test_details_shows_the_technical_text(qtbot):
    from studio.gui.output_panel import OutputPanel

    panel = OutputPanel()
    qtbot.addWidget(panel)
    panel.show()
    message, error_type = missing_key_message()
    text = explain(message, error_type)
    panel.show_node("LLM", "failed", None, problem=text.sentence, details=text.details)
    assert panel.problem.isVisible() and panel.details_button.isVisible()
    assert "OPENAI_API_KEY" not in panel.problem_text.text()  # the sentence is short
    qtbot.mouseClick(panel.details_button, Qt.MouseButton.LeftButton)
    dialog = panel.details_dialog
    assert dialog is not None and dialog.isVisible()
    assert "MissingApiKey" in dialog.details.toPlainText()
    assert "OPENAI_API_KEY" in dialog.details.toPlainText()
    assert dialog.sentence.text() == text.sentence


def test_a_long_status_bar_message_is_elided_and_reachable_in_full(window, qtbot):
    long = "Run failed in 2.1 s, 0 tokens — " + "Vector search failed: " + "a very long reason " * 30 + "END"
    window.run_control.set_status(long, "NodeError: technical text")
    line = window.run_label
    assert line.text() == long  # the full message is kept
    shown = super(type(line), line).text()
    assert shown != long and shown.endswith("…")  # elided to the space there is, not cut
    assert window.width() <= 1400  # and it did not widen the window
    assert long in line.toolTip()
    qtbot.mouseClick(line, Qt.MouseButton.LeftButton, pos=QPoint(5, line.height() // 2))
    dialog = line.last_dialog
    assert dialog.isVisible()
    assert dialog.sentence.text() == long
    assert "technical text" in dialog.details.toPlainText()
    dialog.close()


@pytest.fixture
def real_window(make_window, qtbot):
    win = make_window(registry=default_registry())
    win.show()
    qtbot.waitExposed(win)
    return win


def test_a_missing_knowledge_base_is_named_on_the_node_and_in_the_output(real_window, qtbot):
    tab = real_window.new_flow()
    doc = tab.doc
    question = doc.add_node("io.text_input", (0, 0), {"name": "question"})
    retrieve = doc.add_node("knowledge.vector_retriever", (300, 0), {"kb": "team_handbook"})
    out = doc.add_node("io.output", (600, 0), {"name": "documents"})
    doc.connect_ports(question, "text", retrieve, "query")
    doc.connect_ports(retrieve, "documents", out, "value")
    with qtbot.waitSignal(real_window.runFinished, timeout=60_000) as finished:
        assert real_window.run_control.run_all({"question": "holidays?"})
    assert finished.args[0].status == "failed"
    node = tab.scene.nodes[retrieve]
    assert node.status == "failed"
    assert "team_handbook" in node.tip and "Knowledge page" in node.tip  # the node's tooltip
    assert tab.scene.nodes[out].status == "not_run"
    assert "team_handbook" in real_window.run_label.text()
    tab.scene.select_nodes([retrieve])
    assert "team_handbook" in real_window.outputs.problem_text.text()
    # The setting at fault is marked in the inspector, with the sentence as its tooltip.
    field = real_window.inspector.editors["kb"]
    assert "team_handbook" in field.property("error")
    assert "Knowledge page" in field.main.toolTip()


def test_a_missing_api_key_names_the_provider_and_where_to_add_it(real_window, qtbot, monkeypatch):
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    tab = real_window.new_flow()
    doc = tab.doc
    text_in = doc.add_node("io.text_input", (0, 0), {"name": "q"})
    llm = doc.add_node("llm.chat", (300, 0), {"model": "openai/gpt-4o-mini", "max_tokens": 5})
    doc.connect_ports(text_in, "text", llm, "prompt")
    with qtbot.waitSignal(real_window.runFinished, timeout=120_000) as finished:
        assert real_window.run_control.run_all({"q": "hi"})
    assert finished.args[0].status == "failed"
    assert "Add your OpenAI key in Settings → Models" in tab.scene.nodes[llm].tip
    assert "Add your OpenAI key in Settings → Models" in real_window.run_label.text()


def test_an_unreachable_server_is_named_by_its_url(real_window, qtbot, monkeypatch):
    import socket

    with socket.socket() as probe:  # a loopback port with nothing listening on it
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"http://127.0.0.1:{port}/v1"
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-not-a-real-key")
    tab = real_window.new_flow()
    doc = tab.doc
    text_in = doc.add_node("io.text_input", (0, 0), {"name": "q"})
    llm = doc.add_node(
        "llm.chat", (300, 0), {"model": "openai/local-model", "api_base": url, "retries": 0, "max_tokens": 5}
    )
    doc.connect_ports(text_in, "text", llm, "prompt")
    with qtbot.waitSignal(real_window.runFinished, timeout=120_000) as finished:
        assert real_window.run_control.run_all({"q": "hi"})
    assert finished.args[0].status == "failed"
    tip = tab.scene.nodes[llm].tip
    assert url in tip and "Could not reach" in tip
