"""Switching the language retranslates the window at once and keeps the open flows."""

from __future__ import annotations

from PySide6.QtCore import Qt

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
        # Strings from the run control translate too.
        window.run_control.run_to_selected({})
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
    unfinished = [
        m.findtext("source")
        for m in tree.getroot().iter("message")
        if m.find("translation").get("type") == "unfinished"
    ]
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


def _palette_titles(palette) -> dict[str, str]:
    """Node type -> the title the palette shows for it."""
    from studio.gui.palette import TYPE_ROLE

    shown = {}
    for i in range(palette.tree.topLevelItemCount()):
        category = palette.tree.topLevelItem(i)
        for j in range(category.childCount()):
            child = category.child(j)
            shown[child.data(0, TYPE_ROLE)] = child.text(0)
    return shown


def test_node_catalogue_shows_in_chinese(make_window, qtbot):
    from PySide6.QtWidgets import QLabel

    from studio.engine.registry import default_registry
    from studio.gui.palette import QuickAdd

    window = make_window(registry=default_registry())
    window.show()
    tab = window.new_flow()
    llm = tab.doc.add_node("llm.chat", (0, 0))
    try:
        assert i18n.install_language("zh_CN")
        qtbot.waitUntil(lambda: window.palette_dock.windowTitle() == "节点")
        titles = _palette_titles(window.node_palette)
        assert titles["prompt.template"] == "提示词模板"
        assert titles["llm.chat"] == "大语言模型"
        assert titles["agent.react"] == "ReAct 智能体"
        categories = [
            window.node_palette.tree.topLevelItem(i).text(0)
            for i in range(window.node_palette.tree.topLevelItemCount())
        ]
        assert "提示词" in categories and "Prompts" not in categories
        # The node already on the canvas is retitled; the header colour still follows its category.
        assert tab.scene.nodes[llm].title == "大语言模型"
        assert tab.scene.nodes[llm].category == "Models"
        # The inspector labels and explains the settings in Chinese.
        tab.scene.select_nodes([llm])
        qtbot.waitUntil(lambda: "temperature" in window.inspector.editors)
        label = window.inspector.form.labelForField(window.inspector.editors["temperature"])
        assert isinstance(label, QLabel) and label.text() == "温度"
        assert label.toolTip() == "设为 0 时每次给出相同的答案；越高变化越大。"
        assert "大语言模型" in window.inspector.heading.text()
        # Quick-add finds a node by its Chinese or its English name and shows the Chinese one.
        dialog = QuickAdd(window.registry, parent=window)
        qtbot.addWidget(dialog)
        for query in ("提示词模板", "prompt templ"):
            dialog.edit.setText(query)
            assert dialog.list.currentItem().data(Qt.ItemDataRole.UserRole) == "prompt.template"
            assert dialog.list.currentItem().text() == "提示词模板  —  提示词"
    finally:
        assert i18n.install_language("en")
    qtbot.waitUntil(lambda: window.palette_dock.windowTitle() == "Nodes")
    assert _palette_titles(window.node_palette)["llm.chat"] == "LLM"
    assert tab.scene.nodes[llm].title == "LLM"


def _catalogue_translations() -> dict[str, str]:
    import xml.etree.ElementTree as ET

    tree = ET.parse(i18n.i18n_dir() / "studio_zh_CN.ts")
    for context in tree.getroot().iter("context"):
        if context.findtext("name") == i18n.CATALOGUE_CONTEXT:
            return {m.findtext("source"): m.findtext("translation") or "" for m in context.iter("message")}
    return {}


def test_every_node_type_has_a_chinese_title_category_and_description():
    from studio.engine.registry import default_registry

    translated = _catalogue_translations()
    missing = [
        f"{node_class.type}: {text!r}"
        for node_class in default_registry()
        for text in (node_class.title, node_class.category, node_class.description)
        if text and not translated.get(text)
    ]
    assert missing == [], (
        'add these to the "catalogue" section of assets/i18n/zh_CN.json and run '
        "packaging/build_translations.py"
    )


def test_settings_labels_of_the_template_flows_have_chinese_translations():
    import json

    from studio.engine.registry import default_registry
    from studio.gui.fields import field_infos

    translated = _catalogue_translations()
    registry = default_registry()
    flows = sorted((i18n.i18n_dir().parents[1] / "flows").glob("*.json"))
    assert flows
    types = {node["type"] for path in flows for node in json.loads(path.read_text(encoding="utf-8"))["nodes"]}
    missing = [
        f"{type_name}: {info.title!r}"
        for type_name in sorted(types)
        if type_name in registry.types
        for info in field_infos(registry.types[type_name].Config.model_json_schema())
        if not translated.get(info.title)
    ]
    assert missing == []
