"""Saving, reopening, unsaved-change prompts and crash recovery from the autosave folder."""

from __future__ import annotations

from studio.flow import dumps, load_flow
from studio.gui import autosave


def _some_flow(tab) -> None:
    a = tab.doc.add_node("test.text_in", (0, 0))
    b = tab.doc.add_node("test.template", (300, 0))
    tab.doc.connect_ports(a, "text", b, "name")
    tab.doc.set_config_value(b, "template", "Hi {{name}}, how are you?")


def test_save_and_reopen_gives_the_same_flow(window, tmp_path):
    tab = window.new_flow()
    _some_flow(tab)
    path = tmp_path / "mine.json"
    assert window.save_tab(tab, path)
    assert not tab.doc.dirty and "•" not in window.tabs.tabText(window.tabs.currentIndex())
    assert dumps(load_flow(path)) == dumps(tab.doc.flow)
    window.close_current_tab()
    reopened = window.open_path(path)
    assert reopened is not None and reopened.doc.text() == path.read_text(encoding="utf-8")
    assert window.open_path(path) is reopened  # opening it again shows the same tab


def test_closing_a_dirty_tab_asks_and_cancel_keeps_it(window):
    tab = window.new_flow()
    _some_flow(tab)
    asked = []
    window.ask_unsaved = lambda t: asked.append(t) or "cancel"
    assert not window.close_current_tab()
    assert asked == [tab] and window.current_tab() is tab
    window.ask_unsaved = lambda t: "discard"
    assert window.close_current_tab()


def test_open_reports_a_broken_file_without_crashing(window, tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('{"schema_version": 99, "nodes": []}', encoding="utf-8")
    assert window.open_path(bad) is None
    assert "newer Chain Studio" in window.outputs.text.toPlainText()


def test_autosave_then_crash_then_recover(make_window, tmp_path):
    first = make_window(autosave_enabled=True)
    tab = first.new_flow()
    _some_flow(tab)
    saved_path = tmp_path / "named.json"
    tab.doc.save(saved_path)
    tab.doc.add_node("test.count", (0, 300))  # unsaved work
    expected = dumps(tab.doc.flow)
    assert first.autosaver.save_now() == 1
    # The app "crashes": no closeEvent, the autosave stays. A new session offers it back.
    second = make_window()
    (recovered,) = second.offer_recovery(ask=False)
    assert dumps(recovered.doc.flow) == expected
    assert recovered.doc.dirty and recovered.doc.path == saved_path
    # Saving the recovered flow clears the autosave.
    second.save_tab(recovered)
    assert autosave.find_recoverable() == []


def test_clean_close_leaves_nothing_to_recover(make_window):
    win = make_window(autosave_enabled=True)
    tab = win.new_flow()
    _some_flow(tab)
    win.autosaver.save_now()
    assert autosave.find_recoverable()
    win.close()
    assert autosave.find_recoverable() == []


def test_start_page_lists_templates_and_opens_a_copy(make_window, tmp_path):
    folder = tmp_path / "flows"
    folder.mkdir()
    (folder / "hello.json").write_text(
        '{"schema_version": 1, "name": "Hello", "description": "Says hello", "nodes": [], "edges": []}',
        encoding="utf-8",
    )
    win = make_window(templates=folder)
    item = win.start_page.templates.item(0)
    assert item.text() == "Hello\nSays hello"
    win.start_page.templates.itemActivated.emit(item)
    tab = win.current_tab()
    assert tab is not None and tab.doc.flow.name == "Hello" and tab.doc.path is None
