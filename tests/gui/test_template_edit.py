"""{{variable}} completion in the prompt-template field of the inspector."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QTextCursor
from PySide6.QtTest import QTest

from studio.flow import Variable
from studio.gui.template_edit import TemplateEdit, template_names


def _template_field(window):
    tab = window.new_flow()
    tab.doc.add_node("test.text_in", (0, 0), {"name": "question", "value": ""})
    tpl = tab.doc.add_node("test.template", (300, 0), {"template": "Hi {{user}}"})
    tab.doc.flow.variables.append(Variable(name="tone"))
    tab.scene.select_nodes([tpl])
    edit = window.inspector.editors["template"].main
    assert isinstance(edit, TemplateEdit)
    return tab, tpl, edit


def test_names_offered_are_ports_flow_inputs_and_variables(window):
    tab, tpl, _edit = _template_field(window)
    assert template_names(tab.doc, tpl) == ["question", "tone", "user"]
    window.inspector.show_node(tab.doc, tpl)
    assert window.inspector.editors["template"].main.names() == ["question", "tone", "user"]


def test_typing_braces_offers_names_and_enter_inserts_a_closed_variable(window, qtbot):
    tab, tpl, _edit = _template_field(window)
    window.inspector.show_node(tab.doc, tpl)
    edit = window.inspector.editors["template"].main
    edit.setFocus()
    edit.moveCursor(QTextCursor.MoveOperation.End)
    QTest.keyClicks(edit, " and {{qu")
    popup = edit.completer.popup()
    qtbot.waitUntil(popup.isVisible)
    assert edit.completer.currentCompletion() == "question"
    QTest.keyClick(popup, Qt.Key.Key_Return)
    assert edit.toPlainText() == "Hi {{user}} and {{ question }}"
    assert not popup.isVisible()
    # the edit reached the document: the template now has a `question` port
    assert tab.doc.node(tpl).config["template"] == "Hi {{user}} and {{ question }}"
    assert [p.name for p in tab.doc.ports(tpl)[0]] == ["user", "question"]


def test_no_popup_outside_braces_or_without_a_match(window, qtbot):
    _tab, _tpl, edit = _template_field(window)
    edit.setFocus()
    edit.moveCursor(QTextCursor.MoveOperation.End)
    QTest.keyClicks(edit, " plain words")
    assert not edit.completer.popup().isVisible()
    QTest.keyClicks(edit, " {{zz")
    assert not edit.completer.popup().isVisible()
