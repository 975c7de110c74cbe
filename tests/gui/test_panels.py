"""Output panel views, settings dialog, run history, and the app entry point."""

from __future__ import annotations

from pathlib import Path

from studio.gui import settings_store
from studio.gui.canvas import style
from studio.gui.output_panel import OutputPanel


def test_output_panel_picks_a_view_per_value(qtbot):
    panel = OutputPanel()
    qtbot.addWidget(panel)
    documents = [{"text": "Paris is in France.", "metadata": {"source": "geo.md"}, "score": 0.91}]
    panel.show_node("Retriever", "done", {"documents": documents})
    assert panel.stack.currentWidget() is panel.table
    assert [panel.table.item(0, c).text() for c in range(3)] == ["0.910", "geo.md", "Paris is in France."]
    panel.show_node("Chat", "done", {"messages": [{"role": "user", "content": "hi <b>"}]})
    assert panel.stack.currentWidget() is panel.chat and "hi <b>" in panel.chat.toPlainText()
    panel.show_node("Parser", "done", {"json": {"a": [1, 2]}})
    assert panel.stack.currentWidget() is panel.tree
    assert panel.tree.topLevelItem(0).child(0).text(0) == "a"
    panel.view_choice.setCurrentIndex(2)  # Markdown
    panel.show_node("LLM", "done", {"text": "# Title"})
    assert panel.stack.currentWidget() is panel.markdown
    panel.show_node("LLM", "failed", None, error="NodeError: boom")
    assert panel.text.toPlainText() == "NodeError: boom"


def test_settings_dialog_stores_keys_by_name_and_switches_theme(window, qtbot, monkeypatch):
    from studio.gui.settings_dialog import SettingsDialog

    stored = {}
    monkeypatch.setattr(
        "studio.runtime.safety.secrets.set_secret", lambda name, value: stored.update({name: value})
    )
    dialog = SettingsDialog(window)
    qtbot.addWidget(dialog)
    dialog.keys["OPENAI_API_KEY"].setText("sk-test-123")
    assert dialog.keys["OPENAI_API_KEY"].echoMode() == dialog.keys["OPENAI_API_KEY"].EchoMode.Password
    dialog.theme.setCurrentIndex(dialog.theme.findData("dark"))
    try:
        assert dialog.apply() == []
        assert stored == {"OPENAI_API_KEY": "sk-test-123"}
        assert "OPENAI_API_KEY" in settings_store.stored_secret_names()
        assert settings_store.get("theme") == "dark"
        assert style.theme["background"].name() == "#1e1f22"
    finally:
        window.apply_theme(False)
    ini = Path(settings_store.settings().fileName())
    assert "sk-test-123" not in ini.read_text(encoding="utf-8")  # names only, never values


def test_history_lists_the_run(make_window, qtbot):
    from studio.engine.registry import default_registry

    win = make_window(registry=default_registry())
    win.show()
    tab = win.new_flow()
    a = tab.doc.add_node("io.text_input", (0, 0), {"name": "q"})
    b = tab.doc.add_node("io.output", (300, 0), {"name": "out"})
    tab.doc.connect_ports(a, "text", b, "value")
    win.history_dock.show()
    win.history_dock.raise_()
    with qtbot.waitSignal(win.runFinished, timeout=60_000):
        assert win.run_control.run_all({"q": "hello"})
    qtbot.waitUntil(lambda: win.history.runs.topLevelItemCount() == 1)
    assert win.history.runs.topLevelItem(0).text(2) == "succeeded"
    win.history.runs.setCurrentItem(win.history.runs.topLevelItem(0))
    assert win.history.nodes.topLevelItemCount() == 2


def test_create_window_opens_the_files_given(qtbot, tmp_path):
    from studio.flow import Flow, save_flow
    from studio.gui.app import create_window

    path = tmp_path / "given.json"
    save_flow(Flow(name="Given"), path)
    win = create_window([str(path)])
    win.ask_unsaved = lambda tab: "discard"
    qtbot.addWidget(win)
    assert win.current_tab().doc.path == path


def test_chat_panel_runs_the_flow_per_message_with_the_history(make_window, qtbot):
    from studio.engine.registry import default_registry

    win = make_window(registry=default_registry())
    win.show()
    tab = win.new_flow()
    chat_in = tab.doc.add_node("io.chat_input", (0, 0), {"name": "message"})
    count = tab.doc.add_node("text.format", (300, 0), {"template": "{n} earlier turns; you said: {m}"})
    joined = tab.doc.add_node("text.join", (300, 200), {})
    out = tab.doc.add_node("io.output", (600, 0), {"name": "reply"})
    tab.doc.connect_ports(chat_in, "message", count, "m")
    tab.doc.connect_ports(chat_in, "history", joined, "texts")
    tab.doc.connect_ports(joined, "text", count, "n")
    tab.doc.connect_ports(count, "text", out, "value")
    for text in ("hello", "again"):
        win.chat.message.setText(text)
        with qtbot.waitSignal(win.runFinished, timeout=60_000):
            win.chat.send_button.click()
    assert [m["role"] for m in win.chat.history] == ["user", "assistant", "user", "assistant"]
    assert win.chat.history[1]["content"] == " earlier turns; you said: hello"
    assert "you said: again" in win.chat.history[3]["content"]
    assert "hello" in win.chat.history[3]["content"]  # the second turn saw the first
    assert "you said: again" in win.chat.transcript.toPlainText()


def test_chat_without_chat_input_explains(window):
    window.new_flow()
    window.chat.message.setText("hi")
    window.chat.send_button.click()
    assert "no Chat Input" in window.chat.transcript.toPlainText()
    assert window.chat.history == []
