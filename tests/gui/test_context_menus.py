"""Right-click menus on nodes, wires and the canvas, used as a person would: a right-click on the
canvas opens the menu, an entry is chosen, the flow changes (and one Undo puts it back)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPointF
from PySide6.QtGui import QContextMenuEvent
from PySide6.QtWidgets import QApplication, QMenu, QTextBrowser

from studio.engine.registry import default_registry
from studio.flow import dumps


def right_click(tab, scene_point: QPointF) -> QMenu:
    """Right-click the canvas at a scene point; returns the menu that popped up."""
    viewport = tab.view.viewport()
    local = tab.view.mapFromScene(scene_point)
    event = QContextMenuEvent(QContextMenuEvent.Reason.Mouse, local, viewport.mapToGlobal(local))
    QApplication.sendEvent(viewport, event)
    menu = QApplication.activePopupWidget()
    assert isinstance(menu, QMenu), "no menu popped up"
    return menu


def choose(menu: QMenu, name: str) -> None:
    """Pick a menu entry (by its name: the same in every language) and close the menu."""
    (action,) = [a for a in menu.actions() if a.objectName() == name]
    assert action.isEnabled()
    menu.close()
    action.trigger()


def entries(menu: QMenu) -> list[str]:
    return [a.objectName() for a in menu.actions() if not a.isSeparator()]


def on_node(tab, node_id: str) -> QPointF:
    return tab.scene.nodes[node_id].mapToScene(60, 12)  # the title bar


def on_wire(tab, key) -> QPointF:
    return tab.scene.edges[key].path().pointAtPercent(0.5)


@pytest.fixture
def chain(window):
    """Text In -> Output, wired, shown in the window."""
    tab = window.new_flow()
    source = tab.doc.add_node("test.text_in", (0, 0))
    sink = tab.doc.add_node("test.output", (500, 0))
    key = tab.doc.connect_ports(source, "text", sink, "value")
    tab.view.fit_to_view()
    return tab, source, sink, key


def test_node_menu_duplicate_rename_disable_copy_delete(window, chain, qtbot):
    tab, source, sink, _key = chain
    menu = right_click(tab, on_node(tab, source))
    assert entries(menu) == [
        "run_to",
        "run_from",
        "copy",
        "duplicate",
        "rename",
        "disable",
        "delete",
        "docs",
    ]
    assert tab.scene.selected_node_ids() == [source]  # a right-click selects the node
    choose(menu, "duplicate")
    assert len(tab.doc.flow.nodes) == 3
    copy_id = tab.doc.flow.nodes[-1].id
    assert tab.scene.selected_node_ids() == [copy_id]

    window.canvas_menus.ask_text = lambda title, label, text: "My question"
    choose(right_click(tab, on_node(tab, copy_id)), "rename")
    assert tab.scene.nodes[copy_id].title.startswith("My question")  # (": question", its input name)
    assert tab.doc.node(copy_id).ui["title"] == "My question"

    choose(right_click(tab, on_node(tab, copy_id)), "disable")
    assert tab.doc.node(copy_id).ui["disabled"] is True
    assert tab.scene.nodes[copy_id].opacity() < 1.0  # drawn faded
    menu = right_click(tab, on_node(tab, copy_id))
    assert "enable" in entries(menu)
    choose(menu, "enable")
    assert "disabled" not in tab.doc.node(copy_id).ui  # switched back: the file is as before

    choose(right_click(tab, on_node(tab, copy_id)), "copy")
    assert '"chain_studio_clipboard"' in QApplication.clipboard().text()

    choose(right_click(tab, on_node(tab, copy_id)), "delete")
    assert [n.id for n in tab.doc.flow.nodes] == [source, sink]


def test_open_docs_shows_the_node_types_description_ports_and_settings(window, chain):
    tab, source, _sink, _key = chain
    choose(right_click(tab, on_node(tab, source)), "docs")
    docs = window.canvas_menus.docs
    assert docs is not None and docs.isVisible() and docs.windowTitle() == "Text In"
    browser = docs.findChild(QTextBrowser)
    assert browser is not None
    shown = browser.toPlainText()
    assert "A piece of text typed by the user." in shown and "text" in shown and "Flow input name" in shown


def test_wire_menu_deletes_a_wire_and_inserts_a_node_in_one_undo_step(window, chain):
    tab, source, sink, key = chain
    before = dumps(tab.doc.flow)
    menu = right_click(tab, on_wire(tab, key))
    assert entries(menu) == ["delete_wire", "insert_node"]
    offered: list[str] = []

    def pick(classes):
        offered.extend(c.type for c in classes)
        return "test.join"

    window.canvas_menus.choose_type = pick
    choose(menu, "insert_node")
    assert "test.join" in offered and "test.count" in offered  # both fit text -> any
    assert "test.retrieve" in offered and "test.embed" in offered
    assert "test.text_in" not in offered  # no input for the wire's text
    (new_id,) = [n.id for n in tab.doc.flow.nodes if n.type == "test.join"]
    wires = {(e.source, e.source_port, e.target, e.target_port) for e in tab.doc.flow.edges}
    assert wires == {(source, "text", new_id, "parts"), (new_id, "text", sink, "value")}
    sx, nx, tx = (tab.doc.position(i)[0] for i in (source, new_id, sink))
    assert sx < nx < tx  # placed between the wire's ends
    window.edits.undo()  # one step takes the whole insertion back
    assert dumps(tab.doc.flow) == before

    choose(right_click(tab, on_wire(tab, key)), "delete_wire")
    assert tab.doc.flow.edges == []


def test_canvas_menu_adds_pastes_at_the_click_selects_all_and_lays_out(window, chain):
    tab, source, sink, _key = chain
    empty_spot = QPointF(200, 400)
    menu = right_click(tab, empty_spot)
    assert entries(menu) == ["add_node", "paste", "select_all", "auto_layout"]
    menu.close()
    tab.scene.select_nodes([source])
    assert window.edits.copy()
    choose(right_click(tab, empty_spot), "paste")
    pasted = tab.doc.flow.nodes[-1]
    assert pasted.id not in (source, sink)
    # At the click (to the pixel the click landed on).
    assert abs(pasted.ui["x"] - empty_spot.x()) < 2 and abs(pasted.ui["y"] - empty_spot.y()) < 2

    choose(right_click(tab, QPointF(200, 700)), "select_all")
    assert set(tab.scene.selected_node_ids()) == {n.id for n in tab.doc.flow.nodes}
    tab.scene.clearSelection()
    choose(right_click(tab, QPointF(200, 700)), "auto_layout")
    assert tab.doc.position(pasted.id) != (200.0, 400.0)  # arranged into the layers


def test_disabled_node_is_not_run_and_neither_is_what_needs_it(make_window, qtbot):
    window = make_window(registry=default_registry())
    window.show()
    qtbot.waitExposed(window)
    tab = window.new_flow()
    doc = tab.doc
    source = doc.add_node("io.text_input", (0, 0), {"name": "question", "required": True})
    fmt = doc.add_node("text.format", (300, 0), {"template": "You asked: {q}"})
    out = doc.add_node("io.output", (600, 0), {"name": "answer"})
    doc.connect_ports(source, "text", fmt, "q")
    doc.connect_ports(fmt, "text", out, "value")
    tab.view.fit_to_view()
    choose(right_click(tab, on_node(tab, fmt)), "disable")
    with qtbot.waitSignal(window.runFinished, timeout=60_000) as finished:
        assert window.run_control.run_all({"question": "why?"})
    result = finished.args[0]
    assert result.nodes[source].status == "done"
    assert result.nodes[fmt].status == "skipped" and result.nodes[out].status == "skipped"
    assert tab.scene.nodes[fmt].status == "not_run" and tab.scene.nodes[out].status == "not_run"
    assert tab.scene.nodes[fmt].footer.startswith("Not run: this node is switched off")
    assert "before it is switched off" in tab.scene.nodes[out].footer
