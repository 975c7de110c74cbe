"""Building a flow through the real widgets: palette, canvas gestures, inspector, undo/redo."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDoubleSpinBox, QSpinBox

from studio.flow import dumps
from tests.gui.helpers import drag_node, drag_wire


def _add_from_palette(window, qtbot, type_name: str) -> str:
    """Double-click the node type in the palette; returns the new node's id."""
    tab = window.current_tab()
    before = set(tab.doc._nodes)
    tree = window.node_palette.tree
    for index in range(tree.topLevelItemCount()):
        category = tree.topLevelItem(index)
        for child_index in range(category.childCount()):
            child = category.child(child_index)
            if child.data(0, Qt.ItemDataRole.UserRole) == type_name:
                tree.itemActivated.emit(child, 0)
    (new,) = set(tab.doc._nodes) - before
    return new


def test_build_edit_undo_everything_and_redo(window, qtbot):
    tab = window.new_flow()
    empty = dumps(tab.doc.flow)
    text_in = _add_from_palette(window, qtbot, "test.text_in")
    template = _add_from_palette(window, qtbot, "test.template")
    chat = _add_from_palette(window, qtbot, "test.chat")
    tab.doc.move_nodes({template: (320, 0), chat: (640, 0), text_in: (0, 0)})
    tab.view.fit_to_view()
    qtbot.wait(10)

    drag_wire(tab, text_in, "text", template, "name")
    drag_wire(tab, template, "text", chat, "prompt")
    assert [(e.source, e.target) for e in tab.doc.flow.edges] == [(text_in, template), (template, chat)]
    assert len(tab.scene.edges) == 2

    drag_node(tab, chat, 0, 60)
    assert tab.doc.position(chat)[1] > 0

    # Select the chat node: the inspector shows its settings; change one through the widget.
    tab.scene.select_nodes([chat])
    editor = window.inspector.editors["max_tokens"]
    assert isinstance(editor.main, QSpinBox)
    editor.main.setValue(12)
    assert tab.doc.node(chat).config["max_tokens"] == 12
    temperature = window.inspector.editors["temperature"].main
    assert isinstance(temperature, QDoubleSpinBox) and temperature.maximum() == 2.0
    assert "•" in window.tabs.tabText(window.tabs.currentIndex())  # unsaved marker

    full = dumps(tab.doc.flow)
    while tab.doc.undo_stack.canUndo():
        window.edits.undo()
    assert dumps(tab.doc.flow) == empty
    assert not tab.scene.nodes and not tab.scene.edges
    while tab.doc.undo_stack.canRedo():
        window.edits.redo()
    assert dumps(tab.doc.flow) == full
    assert len(tab.scene.nodes) == 3 and len(tab.scene.edges) == 2


def test_incompatible_wire_is_refused_with_the_reason(window, qtbot):
    tab = window.new_flow()
    count = tab.doc.add_node("test.count", (0, 0))
    chat = tab.doc.add_node("test.chat", (400, 0))
    tab.view.fit_to_view()
    qtbot.wait(10)
    drag_wire(tab, count, "count", chat, "prompt")
    assert tab.doc.flow.edges == []
    assert "number output cannot feed a messages input" in window.statusBar().currentMessage()


def test_dragging_a_wire_dims_ports_that_do_not_fit(window, qtbot):
    tab = window.new_flow()
    embed = tab.doc.add_node("test.embed", (0, 0))
    count = tab.doc.add_node("test.count", (400, 0))
    join = tab.doc.add_node("test.join", (400, 200))
    tab.scene._start_wire(tab.scene.nodes[embed], ("vector", True))
    assert tab.scene.nodes[count].allowed == set()  # embedding cannot feed text
    assert tab.scene.nodes[join].allowed == set()
    output = tab.doc.add_node("test.output", (400, 400))
    tab.scene._finish_wire(tab.scene.nodes[embed].scenePos())
    tab.scene._start_wire(tab.scene.nodes[embed], ("vector", True))
    assert tab.scene.nodes[output].allowed == {("value", False)}  # `any` takes everything
    tab.scene._finish_wire(tab.scene.nodes[embed].scenePos())
    assert all(item.allowed is None for item in tab.scene.nodes.values())


def test_delete_copy_paste_duplicate_through_actions(window, qtbot):
    tab = window.new_flow()
    a = tab.doc.add_node("test.text_in", (0, 0))
    b = tab.doc.add_node("test.count", (300, 0))
    tab.doc.connect_ports(a, "text", b, "text")
    tab.scene.select_nodes([a, b])
    window.actions_by_name["copy"].trigger()
    window.actions_by_name["paste"].trigger()
    assert len(tab.doc.flow.nodes) == 4 and len(tab.doc.flow.edges) == 2
    window.actions_by_name["duplicate"].trigger()
    assert len(tab.doc.flow.nodes) == 6
    window.actions_by_name["delete"].trigger()
    assert len(tab.doc.flow.nodes) == 4
    window.edits.undo()
    assert len(tab.doc.flow.nodes) == 6
    # Paste into another tab.
    other = window.new_flow()
    window.actions_by_name["paste"].trigger()
    assert len(other.doc.flow.nodes) == 2 and len(other.doc.flow.edges) == 1


def test_find_node_selects_it(window):
    tab = window.new_flow()
    tab.doc.add_node("test.text_in", (0, 0))
    chat = tab.doc.add_node("test.chat", (300, 0))
    assert window.edits.find_node("chat model") == chat
    assert tab.scene.selected_node_ids() == [chat]


def test_inspector_marks_invalid_json_inline_and_keeps_last_good_value(window, qtbot):
    tab = window.new_flow()
    chat = tab.doc.add_node("test.chat", (0, 0))
    tab.scene.select_nodes([chat])
    extra = window.inspector.editors["extra"]
    extra.main.setPlainText('{"a": 1}')
    assert tab.doc.node(chat).config["extra"] == {"a": 1}
    extra.main.setPlainText('{"a": ')
    assert "Not valid JSON" in extra.property("error")
    assert tab.doc.node(chat).config["extra"] == {"a": 1}
    secret = window.inspector.editors["api_key"]
    secret.main.setEditText("sk-live-12345 oops")
    assert "NAME" in window.inspector.problem_label.text()


def test_template_edit_redraws_ports(window, qtbot):
    tab = window.new_flow()
    template = tab.doc.add_node("test.template", (0, 0))
    tab.scene.select_nodes([template])
    window.inspector.editors["template"].main.setPlainText("{{a}} and {{b}}")
    assert [p.name for p in tab.scene.nodes[template].inputs] == ["a", "b"]


def test_standard_shortcuts(window):
    from PySide6.QtGui import QKeySequence

    def keys(name):
        return {k.toString() for k in window.actions_by_name[name].shortcuts()}

    assert "Ctrl+N" in keys("new") and "Ctrl+O" in keys("open") and "Ctrl+S" in keys("save")
    assert "Ctrl+Z" in keys("undo") and "Ctrl+Y" in keys("redo")
    assert "Ctrl+C" in keys("copy") and "Ctrl+V" in keys("paste") and "Ctrl+D" in keys("duplicate")
    assert "Del" in keys("delete") and "Ctrl+F" in keys("find")
    assert keys("run") == {"F5"} and keys("stop") == {"Shift+F5"}
    assert QKeySequence("Ctrl+Y").toString() == "Ctrl+Y"
