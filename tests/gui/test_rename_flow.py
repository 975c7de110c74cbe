"""The flow's name is what its tab shows: it follows Save As, and can be renamed with a
double-click on the tab or File > Rename Flow (F2), as one undo step."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QFileDialog, QInputDialog

from studio.flow import load_flow


def _tab_text(window) -> str:
    return window.tabs.tabText(window.tabs.currentIndex())


def test_double_click_the_tab_renames_the_flow_and_undo_takes_it_back(window, monkeypatch):
    tab = window.new_flow()
    assert _tab_text(window) == "Untitled flow"
    asked = []

    def answer(parent, title, label, **kw):
        asked.append(kw.get("text"))
        return "Support bot", True

    monkeypatch.setattr(QInputDialog, "getText", staticmethod(answer))
    bar = window.tabs.tabBar()
    QTest.mouseDClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(window.tabs.currentIndex()).center())
    assert asked == ["Untitled flow"]  # the dialog starts from the current name
    assert tab.doc.flow.name == "Support bot"
    assert _tab_text(window) == "Support bot •"  # renamed, and unsaved
    assert window.windowTitle().startswith("Support bot")
    window.edits.undo()
    assert tab.doc.flow.name == "Untitled flow" and _tab_text(window) == "Untitled flow"

    monkeypatch.setattr(QInputDialog, "getText", staticmethod(lambda *a, **k: ("FAQ", True)))
    window.actions_by_name["rename_flow"].trigger()
    assert _tab_text(window).startswith("FAQ")
    monkeypatch.setattr(QInputDialog, "getText", staticmethod(lambda *a, **k: ("   ", True)))
    window.actions_by_name["rename_flow"].trigger()
    assert tab.doc.flow.name == "FAQ"  # an empty name is not taken


def test_the_name_follows_save_as_and_is_in_the_file(window, tmp_path, monkeypatch):
    tab = window.new_flow()
    tab.doc.add_node("test.count", (0, 0))
    target = tmp_path / "faq_bot.json"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(target), "")))
    assert window.save_current_as()
    assert tab.doc.flow.name == "faq_bot" and _tab_text(window) == "faq_bot"
    assert load_flow(target).name == "faq_bot"
    assert window.tabs.tabToolTip(window.tabs.currentIndex()) == str(target)
    second = tmp_path / "support.json"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(second), "")))
    assert window.save_current_as()
    assert _tab_text(window) == "support" and load_flow(second).name == "support"
    assert load_flow(target).name == "faq_bot"  # the earlier file is untouched
