"""Comment boxes: every edit undoes to the same file text, and dragging a box carries its nodes."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest

from studio.flow import dumps, load_flow
from studio.gui.document import FlowDocument
from tests.gui.test_document import _round_trip


def _doc_with_comment(qapp, registry) -> tuple[FlowDocument, str, str, str]:
    doc = FlowDocument(registry=registry)
    inside = doc.add_node("test.text_in", (100, 100))
    outside = doc.add_node("test.chat", (800, 100))
    comment_id = doc.add_comment((60, 40, 400, 300), "Inputs")
    return doc, comment_id, inside, outside


def test_add_comment_round_trip_leaves_a_comment_free_file_unchanged(qapp, registry):
    doc = FlowDocument(registry=registry)
    doc.add_node("test.text_in", (0, 0))
    plain = dumps(doc.flow)
    assert "comments" not in plain
    _round_trip(doc, lambda: doc.add_comment((0, 0, 300, 200), "Notes"))
    (comment,) = doc.flow.comments
    assert comment.text == "Notes" and (comment.width, comment.height) == (300, 200)
    doc.undo_stack.undo()
    assert dumps(doc.flow) == plain


def test_remove_move_resize_and_retitle_round_trip(qapp, registry):
    doc, comment_id, inside, outside = _doc_with_comment(qapp, registry)
    _round_trip(doc, lambda: doc.move_comment(comment_id, (160, 90)))
    # the node inside moved by the same distance, the one outside stayed
    assert doc.position(inside) == (200.0, 150.0) and doc.position(outside) == (800.0, 100.0)
    _round_trip(doc, lambda: doc.resize_comment(comment_id, 500, 360))
    assert (doc.comment(comment_id).width, doc.comment(comment_id).height) == (500, 360)
    _round_trip(doc, lambda: doc.set_comment_text(comment_id, "Where the question comes in"))
    _round_trip(doc, lambda: doc.remove_comments([comment_id]))
    assert doc.flow.comments == [] and len(doc.flow.nodes) == 2  # the nodes stay


def test_comment_around_nodes_frames_them(qapp, registry):
    doc = FlowDocument(registry=registry)
    a = doc.add_node("test.text_in", (0, 0))
    b = doc.add_node("test.chat", (400, 200))
    comment_id = doc.add_comment_around([a, b], "Group")
    assert set(doc.nodes_inside(comment_id)) == {a, b}
    c = doc.comment(comment_id)
    assert c.x < 0 and c.y < 0 and c.x + c.width > 400 + 210 and c.y + c.height > 200
    assert doc.add_comment_around([]) is None


def test_comments_survive_save_and_reopen(qapp, registry, tmp_path):
    doc, _comment_id, _inside, _outside = _doc_with_comment(qapp, registry)
    path = doc.save(tmp_path / "c.json")
    again = FlowDocument.open(path, registry=registry)
    assert again.text() == doc.text()
    assert load_flow(path).comments[0].text == "Inputs"


def test_dragging_a_comment_carries_its_nodes_in_one_undo_step(window):
    tab = window.new_flow()
    doc = tab.doc
    inside = doc.add_node("test.text_in", (100, 100))
    outside = doc.add_node("test.chat", (800, 100))
    comment_id = doc.add_comment((60, 40, 400, 300), "Inputs")
    tab.view.resetTransform()
    tab.view.centerOn(260, 190)
    item = tab.scene.comments[comment_id]
    assert item.zValue() < tab.scene.nodes[inside].zValue()  # drawn behind the nodes
    before = dumps(doc.flow)
    viewport = tab.view.viewport()
    start = tab.view.mapFromScene(item.mapToScene(150, 12))  # on the title bar
    end = start + QPoint(80, 40)
    QTest.mousePress(viewport, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, start)
    QTest.mouseMove(viewport, start + QPoint(40, 20))
    QTest.mouseMove(viewport, end)
    QTest.mouseRelease(viewport, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, end)
    assert (doc.comment(comment_id).x, doc.comment(comment_id).y) == (140.0, 80.0)
    assert doc.position(inside) == (180.0, 140.0) and doc.position(outside) == (800.0, 100.0)
    assert tab.scene.nodes[inside].pos().x() == 180.0
    window.edits.undo()
    assert dumps(doc.flow) == before
    assert tab.scene.nodes[inside].pos().x() == 100.0 and item.pos().x() == 60.0


def test_resizing_by_the_corner_and_editing_the_title(window):
    tab = window.new_flow()
    doc = tab.doc
    comment_id = doc.add_comment((0, 0, 300, 200), "")
    tab.view.resetTransform()
    tab.view.centerOn(150, 100)
    item = tab.scene.comments[comment_id]
    viewport = tab.view.viewport()
    start = tab.view.mapFromScene(item.mapToScene(295, 195))
    end = start + QPoint(100, 60)
    QTest.mousePress(viewport, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, start)
    QTest.mouseMove(viewport, start + QPoint(50, 30))
    QTest.mouseMove(viewport, end)
    QTest.mouseRelease(viewport, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, end)
    assert (doc.comment(comment_id).width, doc.comment(comment_id).height) == (400.0, 260.0)

    title = tab.view.mapFromScene(item.mapToScene(100, 12))
    QTest.mouseDClick(viewport, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, title)
    assert item.title.hasFocus()
    QTest.keyClicks(viewport, "Retrieval")
    QTest.keyClick(viewport, Qt.Key.Key_Return)
    assert doc.comment(comment_id).text == "Retrieval"
    assert doc.undo_stack.undoText() == "Edit comment"
    window.edits.undo()
    assert doc.comment(comment_id).text == "" and item.title.toPlainText() == "Comment"


def test_ctrl_g_frames_the_selection_and_delete_removes_the_box(window):
    tab = window.new_flow()
    a = tab.doc.add_node("test.text_in", (0, 0))
    b = tab.doc.add_node("test.chat", (300, 0))
    tab.scene.select_nodes([a, b])
    assert window.actions_by_name["add_comment"].shortcut().toString() == "Ctrl+G"
    window.actions_by_name["add_comment"].trigger()
    (comment,) = tab.doc.flow.comments
    assert set(tab.doc.nodes_inside(comment.id)) == {a, b}
    tab.scene.clearSelection()
    tab.scene.comments[comment.id].setSelected(True)
    window.edits.delete_selection()
    assert tab.doc.flow.comments == [] and len(tab.doc.flow.nodes) == 2
    window.edits.undo()
    assert len(tab.doc.flow.comments) == 1 and comment.id in tab.scene.comments


def test_colour_menu_recolours_and_delete_from_the_menu(window):
    tab = window.new_flow()
    doc = tab.doc
    comment_id = doc.add_comment((0, 0, 300, 200), "Notes")
    _round_trip(doc, lambda: doc.set_comment_color(comment_id, "#43a047"))
    doc.undo_stack.undo()
    menu = tab.scene.comments[comment_id].context_menu()
    (colours,) = [a.menu() for a in menu.actions() if a.menu() is not None]
    green = next(a for a in colours.actions() if a.text() == "Green")
    green.trigger()
    assert doc.comment(comment_id).color == "#43a047"
    assert tab.scene.comments[comment_id].colour().name() == "#43a047"
    menu = tab.scene.comments[comment_id].context_menu()
    next(a for a in menu.actions() if a.text() == "Delete Comment").trigger()
    assert doc.flow.comments == [] and comment_id not in tab.scene.comments


def test_copy_paste_and_duplicate_take_comment_boxes_along(qapp, registry):
    doc, comment_id, inside, _outside = _doc_with_comment(qapp, registry)
    payload = doc.copy_nodes([inside], [comment_id])
    before = dumps(doc.flow)
    new_ids: list[str] = []
    _round_trip(doc, lambda: new_ids.extend(doc.paste(payload, offset=(500, 0))))
    assert len(doc.flow.comments) == 2 and len(doc.flow.nodes) == 3
    pasted = doc.flow.comments[1]
    assert pasted.id != comment_id and new_ids == [doc.flow.nodes[2].id, pasted.id]
    assert (pasted.text, pasted.x, pasted.y, pasted.width) == ("Inputs", 560, 40, 400)
    doc.undo_stack.undo()
    assert dumps(doc.flow) == before
    _round_trip(doc, lambda: doc.duplicate([], [comment_id]))
    assert [c.text for c in doc.flow.comments] == ["Inputs", "Inputs"]


def test_pasting_a_comment_into_a_comment_free_flow_undoes_to_the_same_file(qapp, registry):
    source, comment_id, inside, _outside = _doc_with_comment(qapp, registry)
    target = FlowDocument(registry=registry)
    target.add_node("test.chat", (0, 0))
    plain = dumps(target.flow)
    target.paste(source.copy_nodes([inside], [comment_id]))
    assert len(target.flow.comments) == 1
    target.undo_stack.undo()
    assert dumps(target.flow) == plain and "comments" not in plain


def test_window_copy_and_duplicate_of_a_selected_box_bring_its_nodes(window, qtbot):
    tab = window.new_flow()
    inside = tab.doc.add_node("test.text_in", (70, 60))  # not inside the shifted copy
    tab.doc.add_node("test.chat", (800, 100))
    comment_id = tab.doc.add_comment((60, 40, 400, 300), "Inputs")
    tab.scene.select_nodes([comment_id])
    assert tab.scene.selected_comment_ids() == [comment_id]
    window.edits.duplicate()
    assert len(tab.doc.flow.comments) == 2 and len(tab.doc.flow.nodes) == 3
    copy_id = tab.doc.flow.comments[1].id
    # The copies are selected: the new box and the node copied with it.
    assert tab.scene.selected_comment_ids() == [copy_id]
    assert tab.scene.selected_node_ids() == [tab.doc.flow.nodes[2].id]
    assert tab.doc.flow.nodes[2].id in tab.doc.nodes_inside(copy_id)
    assert inside not in tab.scene.selected_node_ids()
    tab.doc.undo_stack.undo()
    tab.scene.select_nodes([comment_id])
    assert window.edits.copy()
    window.edits.paste()
    assert len(tab.doc.flow.comments) == 2 and len(tab.doc.flow.nodes) == 3
    window.edits.cut()  # takes the pasted box and its node away
    assert len(tab.doc.flow.comments) == 1 and len(tab.doc.flow.nodes) == 2
