"""Find is a bar over the canvas, not a dialog: Ctrl+F opens it, typing highlights and jumps to the
matching nodes, Enter goes to the next, Esc closes it and the canvas keeps working."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QDialog


def test_ctrl_f_type_to_highlight_enter_for_next_esc_to_close(window, qtbot):
    tab = window.new_flow()
    first = tab.doc.add_node("test.chat", (0, 0))
    tab.doc.add_node("test.count", (400, 0))
    second = tab.doc.add_node("test.chat", (3000, 2000))
    tab.view.fit_to_view()
    tab.view.setFocus()
    QTest.keyClick(tab.view, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    bar = tab.find_bar
    assert bar.isVisible() and bar.edit.hasFocus()
    assert not [w for w in QApplication.topLevelWidgets() if isinstance(w, QDialog) and w.isVisible()]

    QTest.keyClicks(bar.edit, "chat")
    assert set(tab.scene.selected_node_ids()) == {first, second}  # every match highlighted
    assert bar.count.text() == "1 of 2"
    QTest.keyClick(bar.edit, Qt.Key.Key_Return)
    assert tab.scene.selected_node_ids() == [second] and bar.count.text() == "2 of 2"
    centre = tab.view.mapToScene(tab.view.viewport().rect().center())
    assert tab.scene.nodes[second].sceneBoundingRect().adjusted(-50, -50, 50, 50).contains(centre)
    QTest.keyClick(bar.edit, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)
    assert tab.scene.selected_node_ids() == [first] and bar.count.text() == "1 of 2"

    QTest.keyClicks(bar.edit, "zzz")
    assert bar.count.text() == "No match"
    QTest.keyClick(bar.edit, Qt.Key.Key_Escape)
    assert not bar.isVisible() and tab.view.hasFocus()
    # The window stays usable while the bar is open: it is not modal.
    QTest.keyClick(tab.view, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert bar.isVisible() and bar.edit.selectedText() == "chatzzz"  # ready to type over


def test_find_matches_the_english_title_and_type_when_titles_are_translated(window):
    from studio.gui.find_bar import matching_nodes

    tab = window.new_flow()
    node = tab.doc.add_node("test.retrieve", (0, 0))
    tab.scene.nodes[node].title = "检索"  # as shown in Chinese
    assert matching_nodes(tab.scene, "retrieve") == [node]
    assert matching_nodes(tab.scene, "检索") == [node]
    assert matching_nodes(tab.scene, "test.retr") == [node]
    assert window.edits.find_node("RETRIEVE") == node
