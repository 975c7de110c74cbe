"""Canvas behaviour: zoom, fit, snapping, palette search, quick-add, wires into space, file drops."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QPoint, QPointF, Qt

from studio.gui.palette import QuickAdd, fuzzy_score
from tests.gui import fake_nodes
from tests.gui.helpers import drag_node


def test_zoom_is_clamped_and_fit_shows_every_node(window):
    tab = window.new_flow()
    for i in range(6):
        tab.doc.add_node("test.count", (i * 900.0, i * 500.0))
    tab.view.fit_to_view()
    visible = tab.view.mapToScene(tab.view.viewport().rect()).boundingRect()
    for item in tab.scene.nodes.values():
        assert visible.contains(item.sceneBoundingRect())
    for _ in range(60):
        tab.view.zoom_by(1.5)
    assert tab.view.zoom() == 3.0
    for _ in range(80):
        tab.view.zoom_by(0.5)
    assert abs(tab.view.zoom() - 0.05) < 1e-9
    assert tab.scene.overview  # far out: nodes drawn as blocks by the view


def test_dragging_a_node_snaps_to_the_grid_and_is_one_undo_step(window, qtbot):
    tab = window.new_flow()
    node = tab.doc.add_node("test.count", (0, 0))
    tab.view.fit_to_view()
    steps = tab.doc.undo_stack.count()
    drag_node(tab, node, 33, 47)
    x, y = tab.doc.position(node)
    assert (x, y) != (0, 0) and x % 20 == 0 and y % 20 == 0
    assert tab.doc.undo_stack.count() == steps + 1
    window.edits.undo()
    assert tab.doc.position(node) == (0.0, 0.0)
    assert tab.scene.nodes[node].pos() == QPointF(0, 0)


def test_palette_search_filters_by_fuzzy_match(window):
    window.node_palette.search.setText("chmod")  # letters of "Chat Model" in order
    tree = window.node_palette.tree
    shown = []
    for i in range(tree.topLevelItemCount()):
        category = tree.topLevelItem(i)
        for j in range(category.childCount()):
            if not category.isHidden() and not category.child(j).isHidden():
                shown.append(category.child(j).text(0))
    assert shown == ["Chat Model"]
    assert fuzzy_score("templ", fake_nodes.Template) > fuzzy_score("templ", fake_nodes.Chat)


def test_quick_add_enter_picks_the_best_match(window, qtbot):
    dialog = QuickAdd(window.registry, parent=window)
    qtbot.addWidget(dialog)
    dialog.edit.setText("join")
    assert dialog.list.currentItem().text().startswith("Join")
    dialog._take(dialog.list.currentItem())
    assert dialog.chosen == "test.join"


def test_wire_dropped_in_space_offers_only_fitting_nodes_and_wires_the_new_one(window):
    from studio.engine.ports import PortType
    from studio.gui import wiring

    tab = window.new_flow()
    embed = tab.doc.add_node("test.embed", (0, 0))
    fitting = {c.type for c in wiring.compatible_classes(window.registry, PortType.EMBEDDING, True)}
    assert fitting == {"test.output"}  # only `any` takes an embedding
    steps = tab.doc.undo_stack.count()
    new = window.edits.wire_to_new_node(tab, embed, "vector", True, QPointF(400, 0), type_name="test.output")
    assert [(e.source, e.target, e.target_port) for e in tab.doc.flow.edges] == [(embed, new, "value")]
    assert tab.doc.undo_stack.count() == steps + 1  # node and wire are one step
    window.edits.undo()
    assert len(tab.doc.flow.nodes) == 1


def test_dropping_a_file_adds_a_loader_node(make_window, tmp_path):
    from studio.engine.registry import default_registry

    win = make_window(registry=default_registry())
    tab = win.new_flow()
    note = tmp_path / "notes.md"
    note.write_text("# hi", encoding="utf-8")
    added = win.edits.add_file_nodes(tab, [Path(note)], QPointF(0, 0))
    if "loaders.file" not in default_registry():
        assert added == []
        return
    (node_id,) = added
    assert tab.doc.node(node_id).type == "loaders.file"
    assert tab.doc.node(node_id).config["path"] == str(note)


def test_tab_on_the_canvas_opens_quick_add_and_places_the_node(window, qtbot, monkeypatch):

    monkeypatch.setattr(QuickAdd, "pick", lambda self, at: "test.count")
    tab = window.new_flow()
    tab.view.setFocus()
    qtbot.keyClick(tab.view, Qt.Key.Key_Tab)
    assert [n.type for n in tab.doc.flow.nodes] == ["test.count"]
    assert tab.scene.selected_node_ids() == [tab.doc.flow.nodes[0].id]


def test_minimap_appears_for_big_flows_and_moves_the_view(window, qtbot):
    tab = window.new_flow()
    assert not tab.view.minimap.isVisible()
    for i in range(30):
        tab.doc.add_node("test.count", ((i % 6) * 300.0, (i // 6) * 200.0))
    tab.view.set_zoom(1.0)
    qtbot.waitUntil(tab.view.minimap.isVisible)
    minimap = tab.view.minimap
    minimap.repaint()
    before = tab.view.mapToScene(tab.view.viewport().rect().center())
    qtbot.mouseClick(minimap, Qt.MouseButton.LeftButton, pos=minimap.rect().topLeft() + QPoint(6, 6))
    after = tab.view.mapToScene(tab.view.viewport().rect().center())
    assert after != before


def test_minimap_draws_comment_boxes(window, qtbot):
    tab = window.new_flow()
    for i in range(30):
        tab.doc.add_node("test.count", ((i % 6) * 300.0, (i // 6) * 200.0))
    tab.doc.add_comment((0, 1400, 1800, 600), "Notes", color="#e53935")
    tab.view.set_zoom(1.0)
    qtbot.waitUntil(tab.view.minimap.isVisible)
    minimap = tab.view.minimap
    minimap._picture = None
    minimap._fit()
    picture = minimap._draw_nodes().toImage()
    box = minimap._to_map(tab.scene.comments[tab.doc.flow.comments[0].id].sceneBoundingRect())
    inside = picture.pixelColor(box.center().toPoint())
    background = picture.pixelColor(3, 3)
    assert inside != background and inside.red() > inside.blue()
