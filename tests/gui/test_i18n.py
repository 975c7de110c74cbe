"""Switching the language retranslates the window at once and keeps the open flows."""

from __future__ import annotations

from studio.flow import dumps
from studio.gui import i18n


def test_switch_to_chinese_and_back_keeps_work(window, qtbot):
    tab = window.new_flow()
    tab.doc.add_node("test.chat", (0, 0))
    before = dumps(tab.doc.flow)
    try:
        assert i18n.install_language("zh_CN")
        qtbot.waitUntil(lambda: window.palette_dock.windowTitle() != "Nodes")
        titles = [action.text() for action in window.menuBar().actions()]
        assert titles[:2] == ["文件(&F)", "编辑(&E)"]
        assert window.actions_by_name["run"].toolTip() == "运行整个流程 (F5)"
        assert window.palette_dock.windowTitle() == "节点"
        assert window.start_page.new_button.text() == "新建空白流程"
        # Strings from the run mixin translate too.
        window.run_to_selected({})
        assert window.statusBar().currentMessage() == "请先选择一个节点。"
        assert dumps(tab.doc.flow) == before and window.current_tab() is tab
        assert not tab.doc.undo_stack.isClean()  # still unsaved, nothing lost
    finally:
        assert i18n.install_language("en")
    qtbot.waitUntil(lambda: window.palette_dock.windowTitle() == "Nodes")
    assert window.menuBar().actions()[0].text() == "&File"


def test_every_visible_string_has_a_chinese_translation():
    import xml.etree.ElementTree as ET

    tree = ET.parse(i18n.i18n_dir() / "studio_zh_CN.ts")
    unfinished = [m.findtext("source") for m in tree.getroot().iter("message")
                  if m.find("translation").get("type") == "unfinished"]
    assert unfinished == []
    assert (i18n.i18n_dir() / "studio_zh_CN.qm").stat().st_size > 1000


def test_new_strings_translate(window, qtbot):
    from studio.gui.settings_dialog import SettingsDialog

    try:
        assert i18n.install_language("zh_CN")
        qtbot.waitUntil(lambda: window.palette_dock.windowTitle() == "节点")
        assert window.actions_by_name["add_comment"].text() == "为所选内容添加注释框(&C)"
        dialog = SettingsDialog(window)
        qtbot.addWidget(dialog)
        assert [dialog.tabs.tabText(i) for i in range(3)] == ["API 密钥", "模型和缓存", "外观"]
        assert dialog.test_buttons["OPENAI_API_KEY"].text() == "测试"
        assert dialog.theme.itemText(2) == "跟随系统"
        tab = window.new_flow()
        comment_id = tab.doc.add_comment((0, 0, 300, 200))
        assert tab.scene.comments[comment_id].title.toPlainText() == "注释"
    finally:
        assert i18n.install_language("en")
