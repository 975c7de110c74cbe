"""The Knowledge page as a user works it: drop a folder, watch it fill, search it, answer from it
with the RAG template (built-in model, real fastembed, real LanceDB), cancel an ingest, see why a
file was not added, delete with a confirmation; and the `kb` dropdown in the inspector."""

from __future__ import annotations

import shutil
import threading
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication, QMessageBox

from studio.engine.registry import default_registry
from studio.gui.start_page import PATH_ROLE
from studio.runtime.knowledge.vectorstore import KnowledgeBase

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "assets" / "sample_docs"


@pytest.fixture
def real_window(make_window, qtbot):
    win = make_window(registry=default_registry())
    win.show()
    qtbot.waitExposed(win)
    yield win
    if win.knowledge.page is not None:
        win.knowledge.page.cancel()
        win.knowledge.page.wait()


@pytest.fixture
def my_docs(tmp_path: Path) -> Path:
    """A copy of the sample documents in a folder of the user's own (not an allowed folder)."""
    folder = tmp_path / "my_docs"
    folder.mkdir()
    for path in SAMPLES.iterdir():
        if path.suffix in (".md", ".html", ".pdf"):
            shutil.copy(path, folder / path.name)
    return folder


def drop(widget, paths: list[Path]) -> None:
    """Drag files from a file manager and drop them on the widget."""
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    at = QPointF(widget.rect().center())
    actions = Qt.DropAction.CopyAction
    enter = QDragEnterEvent(
        QPoint(int(at.x()), int(at.y())),
        actions,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(widget, enter)
    assert enter.isAccepted()
    event = QDropEvent(at, actions, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(widget, event)


def open_page(window, qtbot):
    window.knowledge.action.trigger()  # Window > Knowledge Bases…
    page = window.knowledge.page
    qtbot.waitExposed(page)
    qtbot.waitUntil(lambda: page._list_task is None or page._list_task.isFinished(), timeout=60_000)
    return page


def new_kb_from_drop(page, qtbot, folder: Path, name: str) -> None:
    drop(page, [folder])
    dialog = page.new_dialog  # nothing was selected: the drop asks for a new knowledge base
    assert dialog is not None and dialog.isVisible()
    assert dialog.name.text() == folder.name
    dialog.name.selectAll()
    qtbot.keyClicks(dialog.name, name)
    assert dialog.model.currentText() == "local/all-minilm-l6-v2"  # the default embedding model
    qtbot.mouseClick(dialog.ok_button(), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.task is None, timeout=300_000)
    qtbot.waitUntil(lambda: name in page.names() and page.selected_name() == name, timeout=60_000)


def test_drop_a_folder_search_it_and_answer_from_the_rag_template(real_window, qtbot, my_docs, monkeypatch):
    monkeypatch.chdir(my_docs.parent)  # the Studio started somewhere else than the repository
    page = open_page(real_window, qtbot)
    progress_seen: list[str] = []

    def remember(_progress: object) -> None:
        progress_seen.append(page.progress.format())

    drop(page, [my_docs])
    dialog = page.new_dialog
    assert dialog is not None
    dialog.name.selectAll()
    qtbot.keyClicks(dialog.name, "manuals")
    qtbot.mouseClick(dialog.ok_button(), Qt.MouseButton.LeftButton)
    assert page.task is not None
    page.task.progressed.connect(remember)
    qtbot.waitUntil(lambda: page.task is None, timeout=300_000)
    qtbot.waitUntil(lambda: page.selected_name() == "manuals", timeout=60_000)
    assert progress_seen and "files" in progress_seen[-1]
    assert "chunks/s" in page.progress_label.text()
    assert page.errors.count() == 0
    row = page.names().index("manuals")
    assert int(page.table.item(row, 1).text()) > 5  # chunks
    assert page.table.item(row, 2).text() == "local/all-minilm-l6-v2"
    assert page.table.item(row, 3).text().endswith("KB") or page.table.item(row, 3).text().endswith("MB")
    assert "UTC" in page.table.item(row, 4).text()
    assert page.sources.count() == 6  # every Markdown, HTML and PDF file

    qtbot.keyClicks(page.search_box, "descale the kettle")
    qtbot.keyPress(page.search_box, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: page.results.rowCount() > 0, timeout=60_000)
    assert float(page.results.item(0, 0).text()) > 0  # a score
    assert page.results.item(0, 1).text().startswith("my_docs/")  # and its source

    # The RAG template from the Start page, its knowledge base picked in the inspector's dropdown.
    templates = real_window.start_page.templates
    item = next(
        templates.item(i)
        for i in range(templates.count())
        if str(templates.item(i).data(PATH_ROLE)).endswith("document_qa.json")
    )
    real_window.start_page.openRequested.emit(Path(item.data(PATH_ROLE)))
    tab = real_window.current_tab()
    assert tab is not None and tab.doc.path is None  # an unsaved copy
    retriever = next(n.id for n in tab.doc.flow.nodes if n.type == "knowledge.vector_retriever")
    tab.scene.select_nodes([retriever])
    combo = real_window.inspector.editors["kb"].main
    combo.showPopup()
    combo.hidePopup()
    assert "manuals" in [combo.itemText(i) for i in range(combo.count())]
    combo.setCurrentIndex(combo.findText("manuals"))
    assert real_window.inspector.editors["kb"].kb_hint.isHidden()
    assert tab.doc.flow.node(retriever).config["kb"] == "manuals"
    with qtbot.waitSignal(real_window.runFinished, timeout=600_000) as finished:
        assert real_window.run_control.run_all({"question": "How do I descale the kettle?"})
    result = finished.args[0]
    assert result.status == "succeeded", result.error
    assert isinstance(result.outputs["answer"], str) and result.outputs["answer"].strip()
    out = next(n.id for n in tab.doc.flow.nodes if n.type == "io.output" and n.config.get("name") == "answer")
    tab.scene.select_nodes([out])
    assert real_window.outputs.text.toPlainText().strip()  # the answer is in the Output panel
    assert result.outputs["sources"]  # answered from the new knowledge base, with citations


def test_the_ingest_template_opened_from_the_start_page_finds_its_folder(
    real_window, qtbot, tmp_path, monkeypatch
):
    monkeypatch.chdir(tmp_path)  # not the repository: '../assets/sample_docs' must follow the flow file
    templates = real_window.start_page.templates
    item = next(
        templates.item(i)
        for i in range(templates.count())
        if str(templates.item(i).data(PATH_ROLE)).endswith("ingest_documents.json")
    )
    templates.setFocus()
    templates.setCurrentItem(item)
    qtbot.keyClick(templates, Qt.Key.Key_Return)  # opens the template like a double-click does
    tab = real_window.current_tab()
    assert tab is not None and tab.doc.path is None and tab.doc.base_dir == ROOT / "flows"
    with qtbot.waitSignal(real_window.runFinished, timeout=600_000) as finished:
        assert real_window.run_control.run_all({"kb": "from_template"})
    result = finished.args[0]
    assert result.status == "succeeded", result.error
    assert KnowledgeBase.open("from_template").count() > 5


def test_cancel_mid_ingest_keeps_whole_files_and_the_kb_usable(real_window, qtbot, tmp_path, monkeypatch):
    from studio.runtime.knowledge import manage

    folder = tmp_path / "many"
    folder.mkdir()
    text = (SAMPLES / "aurora_manual_en.md").read_text(encoding="utf-8")
    for n in range(12):
        (folder / f"manual_{n:02}.md").write_text(text.replace("Aurora", f"Aurora {n}"), encoding="utf-8")
    monkeypatch.setattr(manage, "_BATCH_CHUNKS", 4)  # commit every file or so
    clicked = threading.Event()
    real_load = manage.load_file
    loaded: list[str] = []

    def load_file(path, **options):
        loaded.append(path.name)
        if len(loaded) == 5:  # the fifth file waits until the user has pressed Cancel
            clicked.wait(30)
        return real_load(path, **options)

    monkeypatch.setattr(manage, "load_file", load_file)
    page = open_page(real_window, qtbot)
    drop(page, [folder])
    page.new_dialog.name.setText("partial")
    qtbot.mouseClick(page.new_dialog.ok_button(), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(loaded) >= 5, timeout=120_000)
    assert page.cancel_button.isEnabled()
    qtbot.mouseClick(page.cancel_button, Qt.MouseButton.LeftButton)
    clicked.set()
    qtbot.waitUntil(lambda: page.task is None, timeout=120_000)
    assert "Stopped" in page.message.text()
    kb = KnowledgeBase.open("partial")
    sources = kb.sources()
    assert 0 < len(sources) < 12
    assert len(set(sources.values())) == 1  # every file that is in is in whole
    assert kb.search_text("descale", 2).documents  # still searchable
    # Adding the folder again completes it.
    qtbot.waitUntil(lambda: page.selected_name() == "partial", timeout=60_000)
    drop(page, [folder])
    qtbot.waitUntil(lambda: page.task is None, timeout=300_000)
    assert len(KnowledgeBase.open("partial").sources()) == 12


def test_a_broken_file_is_listed_in_words_and_delete_asks_first(real_window, qtbot, tmp_path):
    folder = tmp_path / "mixed"
    folder.mkdir()
    shutil.copy(SAMPLES / "aurora_manual_en.md", folder / "manual.md")
    (folder / "broken.pdf").write_bytes(b"%PDF-1.4 not really a PDF")
    page = open_page(real_window, qtbot)
    new_kb_from_drop(page, qtbot, folder, "mixed")
    errors = [page.errors.item(i).text() for i in range(page.errors.count())]
    assert len(errors) == 1 and errors[0].startswith("mixed/broken.pdf: ")
    assert "Traceback" not in errors[0]
    assert list(KnowledgeBase.open("mixed").sources()) == ["mixed/manual.md"]

    # Remove a source, then delete the knowledge base after saying yes.
    page.sources.item(0).setSelected(True)
    qtbot.mouseClick(page.remove_source_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.task is None and page.sources.count() == 0, timeout=60_000)
    qtbot.mouseClick(page.delete_button, Qt.MouseButton.LeftButton)
    box = page.confirm
    assert box is not None and "mixed" in box.text()
    qtbot.mouseClick(box.button(QMessageBox.StandardButton.Yes), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.task is None and "mixed" not in page.names(), timeout=60_000)
    assert KnowledgeBase.list() == []


def test_kb_setting_is_a_dropdown_with_a_hint_for_a_new_name(real_window, qtbot):
    KnowledgeBase.create("handbook")
    tab = real_window.new_flow()
    node = tab.doc.add_node("knowledge.hybrid_retriever", (0, 0), {"kb": "handbook"})
    tab.scene.select_nodes([node])
    editor = real_window.inspector.editors["kb"]
    combo = editor.main
    assert combo.isEditable() and [combo.itemText(i) for i in range(combo.count())] == ["handbook"]
    assert editor.kb_hint.isHidden()
    combo.lineEdit().selectAll()
    qtbot.keyClicks(combo.lineEdit(), "not_made_yet")
    assert not editor.kb_hint.isHidden() and editor.kb_hint.text() == "does not exist yet"
    assert tab.doc.flow.node(node).config["kb"] == "not_made_yet"  # typing a new name is allowed


def test_settings_folders_are_a_list_with_add_and_remove(real_window, qtbot, tmp_path, monkeypatch):
    from studio.gui import folder_list
    from studio.gui.settings_dialog import SettingsDialog
    from studio.runtime.preferences import get_preference

    chosen = iter([str(tmp_path / "one"), str(tmp_path / "two")])
    monkeypatch.setattr(folder_list.QFileDialog, "getExistingDirectory", lambda *a, **k: next(chosen))
    dialog = SettingsDialog(real_window)
    qtbot.addWidget(dialog)
    editor = dialog.allowed_folders
    qtbot.mouseClick(editor.add_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(editor.add_button, Qt.MouseButton.LeftButton)
    assert editor.values() == [str(tmp_path / "one"), str(tmp_path / "two")]
    editor.folders.item(0).setSelected(True)
    qtbot.mouseClick(editor.remove_button, Qt.MouseButton.LeftButton)
    dialog.apply()
    assert get_preference("allowed_folders") == [str(tmp_path / "two")]
