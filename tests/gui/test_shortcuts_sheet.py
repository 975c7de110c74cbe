"""Help > Keyboard Shortcuts lists every action that has a shortcut, read from the actions, in the
UI language, and can be filtered."""

from __future__ import annotations

from PySide6.QtGui import QKeySequence

from studio.gui.i18n import install_language


def _sheet(window):
    window.action_set.by_name["shortcuts"].trigger()
    (sheet,) = [w for w in window.findChildren(object, "shortcuts-sheet") if w.isVisible()]
    return sheet


def _table(sheet) -> list[tuple[str, str, str]]:
    table = sheet.table
    return [
        tuple(table.item(r, c).text() for c in range(3))
        for r in range(table.rowCount())
        if not table.isRowHidden(r)
    ]


def test_the_sheet_lists_every_shortcut_of_the_menus(window):
    assert "help" in window.action_set.menus
    sheet = _sheet(window)
    rows = _table(sheet)
    keys = {what: key for _menu, what, key in rows}
    for name, action in window.action_set.by_name.items():
        shortcut = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
        if shortcut and action.isVisible():
            assert any(shortcut in key for key in keys.values()), f"{name} ({shortcut}) missing"
    assert keys["Save"] == QKeySequence(QKeySequence.StandardKey.Save).toString(
        QKeySequence.SequenceFormat.NativeText
    )
    assert keys["Run"] == "F5" and keys["Find Node"] == "Ctrl+F" and keys["Rename Flow"] == "F2"
    assert ("File", "Save", keys["Save"]) in rows
    assert any(menu == "Canvas" and "Right-click" in key for menu, _what, key in rows)
    sheet.filter.setText("F5")
    assert {what for _m, what, _k in _table(sheet)} >= {"Run", "Run to Selected", "Stop"}
    assert all("F5" in k or "F5" in w for _m, w, k in _table(sheet))


def test_the_sheet_is_in_chinese_when_the_app_is(window, qtbot):
    try:
        assert install_language("zh_CN")
        qtbot.waitUntil(lambda: window.palette_dock.windowTitle() == "节点")
        sheet = _sheet(window)
        assert sheet.windowTitle() == "键盘快捷键"
        rows = _table(sheet)
        assert (
            "文件",
            "保存",
            QKeySequence(QKeySequence.StandardKey.Save).toString(QKeySequence.SequenceFormat.NativeText),
        ) in rows
        assert any(menu == "画布" for menu, _w, _k in rows)
    finally:
        install_language("en")
