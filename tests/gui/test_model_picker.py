"""The model picker in LLM nodes: grouped by provider, local servers found off the GUI thread."""

from __future__ import annotations

import shutil

import pytest
from PySide6.QtCore import Qt

from nodes.llm import LLMChatNode
from studio.engine.registry import Registry
from studio.gui import model_picker
from studio.gui.model_picker import ModelPicker
from tests.fakes.ollama_server import FakeOllama
from tests.runtime.models.conftest import closed_port


@pytest.fixture
def llm_window(make_window, qtbot):
    win = make_window(registry=Registry.of([LLMChatNode]))
    win.show()
    qtbot.waitExposed(win)
    return win


@pytest.fixture(autouse=True)
def _fresh_discovery(monkeypatch):
    model_picker.forget_discovery()
    yield
    model_picker.forget_discovery()


def _texts(picker: ModelPicker) -> list[str]:
    return [picker.itemText(i) for i in range(picker.count())]


def _pick(qtbot, picker: ModelPicker, text: str) -> None:
    """Open the list and click the entry, as a user does."""
    index = picker.findText(text)
    assert index >= 0, _texts(picker)
    picker.showPopup()
    view = picker.view()
    rect = view.visualRect(picker.model().index(index, 0))
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.waitUntil(lambda: picker.currentText() == text)


def test_pick_an_ollama_model_from_the_inspector(llm_window, qtbot, monkeypatch):
    with FakeOllama(["qwen2.5:1.5b"]) as ollama:
        monkeypatch.setattr(model_picker, "DISCOVERY_OPTIONS", {"ollama": ollama.url, "openai_servers": {}})
        tab = llm_window.new_flow()
        node = tab.doc.add_node("llm.chat", (0, 0))
        tab.scene.select_nodes([node])
        picker = llm_window.inspector.editors["model"].main
        assert isinstance(picker, ModelPicker)
        # The inspector is there before the servers answer; Ollama's group arrives afterwards.
        qtbot.waitUntil(lambda: "ollama_chat/qwen2.5:1.5b" in _texts(picker), timeout=5000)
        texts = _texts(picker)
        assert (
            texts.index("Built-in")
            < texts.index("local/smollm2-135m-instruct")
            < texts.index(f"Ollama ({ollama.url})")
        )
        assert texts[-1] == picker.add_label
        _pick(qtbot, picker, "ollama_chat/qwen2.5:1.5b")
    config = tab.doc.node(node).config
    assert config["model"] == "ollama_chat/qwen2.5:1.5b"
    assert config["api_base"] == ollama.url
    # Back to the built-in model: the server's address goes with it.
    _pick(qtbot, picker, "local/smollm2-135m-instruct")
    assert tab.doc.node(node).config["model"] == "local/smollm2-135m-instruct"
    assert not tab.doc.node(node).config.get("api_base")


def test_installed_files_and_keyed_providers_are_grouped(qtbot, monkeypatch, gguf_copy):
    monkeypatch.setattr(
        model_picker,
        "DISCOVERY_OPTIONS",
        {"ollama": f"http://127.0.0.1:{closed_port()}", "openai_servers": {}},
    )
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-not-a-real-key-000000")
    picker = ModelPicker()
    qtbot.addWidget(picker)
    qtbot.waitUntil(lambda: picker.statuses is not None, timeout=5000)
    texts = _texts(picker)
    assert (
        texts.index("Installed GGUF")
        < texts.index("local/colleague")
        < texts.index("OpenAI")
        < texts.index("openai/gpt-4o-mini")
    )
    assert not any(t.startswith("Ollama") for t in texts)  # not running: no group


def test_add_a_provider_opens_the_key_dialog_and_keeps_the_model(llm_window, qtbot, monkeypatch):
    monkeypatch.setattr(
        model_picker,
        "DISCOVERY_OPTIONS",
        {"ollama": f"http://127.0.0.1:{closed_port()}", "openai_servers": {}},
    )
    opened = []
    monkeypatch.setattr(llm_window, "open_settings", lambda: opened.append(True))  # the modal Settings
    tab = llm_window.new_flow()
    node = tab.doc.add_node("llm.chat", (0, 0))
    tab.scene.select_nodes([node])
    picker = llm_window.inspector.editors["model"].main
    _pick(qtbot, picker, "local/smollm2-135m-instruct")
    index = picker.findText(picker.add_label)
    picker.showPopup()
    rect = picker.view().visualRect(picker.model().index(index, 0))
    qtbot.mouseClick(picker.view().viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.waitUntil(lambda: bool(opened))
    assert picker.currentText() == "local/smollm2-135m-instruct"
    assert tab.doc.node(node).config["model"] == "local/smollm2-135m-instruct"


@pytest.fixture
def gguf_copy(tmp_path):
    from studio.runtime.llm.local import builtin_model_path
    from studio.runtime.models.installed import add

    source = tmp_path / "colleague.gguf"
    shutil.copyfile(builtin_model_path(), source)
    return add(source)
