"""The Settings dialog: key Test button against a fake OpenAI server, default model, run cache,
local model folder and the follow-system theme."""

from __future__ import annotations

import pytest

from studio.gui import settings_store
from studio.gui.canvas import style
from studio.gui.settings_dialog import SettingsDialog, human_size
from tests.fakes.openai_server import FakeOpenAI

KEY = "sk-fake-secret-4242"


@pytest.fixture
def dialog(window, qtbot):
    d = SettingsDialog(window)
    qtbot.addWidget(d)
    return d


def test_key_test_button_makes_one_tiny_call_and_says_it_works(dialog, qtbot, monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    with FakeOpenAI() as server:
        dialog.test_targets["OPENAI_API_KEY"] = ("openai/fake", server.base_url)
        dialog.test_buttons["OPENAI_API_KEY"].click()
        assert not dialog.test_buttons["OPENAI_API_KEY"].isEnabled()  # the GUI did not wait
        label = dialog.test_results["OPENAI_API_KEY"]
        qtbot.waitUntil(lambda: label.text() == "The key works.", timeout=15000)
        assert server.count == 1
        request = server.requests[0]
        assert request.body["max_tokens"] == 1
        assert KEY in request.headers.get("authorization", "")
    assert dialog.test_buttons["OPENAI_API_KEY"].isEnabled()


def test_key_test_shows_the_providers_reason_without_the_key(dialog, qtbot, monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    with FakeOpenAI() as server:
        server.fail(1, status=401, error_message=f"Incorrect API key provided: {KEY}")
        dialog.test_targets["OPENAI_API_KEY"] = ("openai/fake", server.base_url)
        dialog.test_buttons["OPENAI_API_KEY"].click()
        label = dialog.test_results["OPENAI_API_KEY"]
        qtbot.waitUntil(lambda: label.text().startswith("The key did not work"), timeout=15000)
    shown = " ".join(w.text() for w in dialog.findChildren(type(label)))
    assert KEY not in shown  # never the key itself
    assert "Incorrect API key" in label.text()


def test_key_test_without_a_key_says_which_is_missing(dialog, qtbot, monkeypatch):
    monkeypatch.delenv("ANTHROPIC_API_KEY", raising=False)
    dialog.test_buttons["ANTHROPIC_API_KEY"].click()
    label = dialog.test_results["ANTHROPIC_API_KEY"]
    qtbot.waitUntil(lambda: label.text().startswith("The key did not work"), timeout=15000)
    assert "ANTHROPIC_API_KEY" in label.text()


def test_default_model_applies_to_new_llm_nodes(window, dialog):
    dialog.default_model.setEditText("openai/gpt-4o-mini")
    assert dialog.apply() == []
    assert settings_store.get("default_model") == "openai/gpt-4o-mini"
    tab = window.new_flow()
    node = tab.doc.add_node("test.chat", (0, 0))
    assert tab.doc.node(node).config["model"] == "openai/gpt-4o-mini"
    other = tab.doc.add_node("test.text_in", (0, 200))
    assert "model" not in tab.doc.node(other).config


def test_cache_size_and_clear(window, qtbot, monkeypatch, tmp_path):
    from studio.engine import cache

    store = cache.OutputCache(tmp_path / "cache.sqlite")
    monkeypatch.setattr(cache, "_default", store)
    store.put("k1", {"text": "x" * 5000})
    store.flush()
    d = SettingsDialog(window)
    qtbot.addWidget(d)
    assert d.cache_size.text().startswith(human_size(store.size_bytes()))
    assert store.size_bytes() >= 5000
    d.clear_cache.click()
    assert store.size_bytes() == 0 and store.get("k1") is None
    assert d.cache_size.text().startswith("0 B")


def test_local_model_folder_is_shown_with_the_models_in_it(window, qtbot):
    from studio.runtime.llm.facade import models_folder

    (models_folder() / "tiny-test.gguf").write_bytes(b"GGUF")
    d = SettingsDialog(window)
    qtbot.addWidget(d)
    assert d.models_folder.text() == str(models_folder())
    assert "local/tiny-test" in d.local_models
    assert d.default_model.findText("local/tiny-test") >= 0


def test_follow_system_theme(window, dialog, monkeypatch):
    monkeypatch.setattr("studio.gui.theme.system_is_dark", lambda: True)
    dialog.theme.setCurrentIndex(dialog.theme.findData("system"))
    try:
        assert dialog.apply() == []
        assert settings_store.get("theme") == "system"
        assert style.theme["background"].name() == "#1e1f22"
        monkeypatch.setattr("studio.gui.theme.system_is_dark", lambda: False)
        from studio.gui.theme import is_dark

        assert not is_dark("system") and is_dark("dark") and not is_dark("light")
    finally:
        window.apply_theme(False)


def test_another_local_model_folder_can_be_chosen(window, qtbot, tmp_path):
    from studio.runtime.llm.facade import list_local_models, models_folder

    (tmp_path / "my-model.gguf").write_bytes(b"GGUF")
    d = SettingsDialog(window)
    qtbot.addWidget(d)
    d.set_models_folder(str(tmp_path))
    assert models_folder() == tmp_path and d.models_folder.text() == str(tmp_path)
    assert "local/my-model" in d.local_models and "local/my-model" in d.models_found.text()
    assert "local/my-model" in list_local_models()  # the runtime (and so the CLI) sees it too
    assert d.default_model.findText("local/my-model") >= 0
