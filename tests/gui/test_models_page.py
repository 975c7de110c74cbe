"""The Models page: opened from Window > Models…, pulls from the hub stand-in with a progress
bar, Cancel keeps the part file and Pull resumes, defaults saved, Remove."""

from __future__ import annotations

import pytest

from studio.runtime.llm.local import list_local_models, models_folder
from studio.runtime.preferences import get_preference
from tests.fakes.hf_hub import FakeHub
from tests.runtime.models.conftest import FILE, REPO, SPEC


@pytest.fixture
def hub(monkeypatch):
    from studio.runtime.llm.local import builtin_model_path

    with FakeHub({REPO: {FILE: builtin_model_path()}}) as server:
        monkeypatch.setenv("HF_ENDPOINT", server.url)
        yield server


def _open(window, qtbot):
    action = window.models.action
    assert action in window.action_set.menus["window"].actions()
    action.trigger()
    page = window.models.page
    qtbot.waitExposed(page)
    return page


def test_pull_with_progress_cancel_and_resume(window, qtbot, hub):
    page = _open(window, qtbot)
    assert page.catalogue.topLevelItemCount() >= 9
    hub.delay_s = 0.05  # slow enough to cancel half-way
    seen: list[int] = []
    page.progressed.connect(lambda done, total: seen.append(done))
    page.pull(SPEC)
    assert page.progress.isVisible() and page.cancel_button.isEnabled()
    qtbot.waitUntil(lambda: page.progress.value() > 100, timeout=20_000)
    qtbot.mouseClick(page.cancel_button, qtbot_button())
    qtbot.waitUntil(lambda: page.worker is None, timeout=20_000)
    assert "cancelled" in page.status.text()
    assert "local/smollm2-135m" not in list_local_models()  # a partial download is no model
    assert list((models_folder() / ".downloads").glob("*.part"))
    hub.delay_s = 0.0
    page.pull(SPEC)
    qtbot.waitUntil(lambda: page.worker is None, timeout=60_000)
    assert page.status.text() == "Download complete."
    assert any(r.range for r in hub.requests if r.method == "GET")  # resumed, not restarted
    names = [page.installed.topLevelItem(i).text(0) for i in range(page.installed.topLevelItemCount())]
    assert names == ["local/smollm2-135m-instruct", "local/smollm2-135m"]


def test_defaults_and_remove(window, qtbot, hub):
    page = _open(window, qtbot)
    page.pull(SPEC)
    qtbot.waitUntil(lambda: page.worker is None, timeout=60_000)
    page.default_chat.setCurrentIndex(page.default_chat.findText("local/smollm2-135m"))
    page.default_chat.activated.emit(page.default_chat.currentIndex())
    index = page.default_embedding.findData("BAAI/bge-small-zh-v1.5")
    page.default_embedding.setCurrentIndex(index)
    page.default_embedding.activated.emit(index)
    assert get_preference("default_chat_model") == "local/smollm2-135m"
    assert get_preference("default_embedding_model") == "BAAI/bge-small-zh-v1.5"
    page.installed.setCurrentItem(page.installed.topLevelItem(1))
    qtbot.mouseClick(page.remove_button, qtbot_button())
    assert "local/smollm2-135m" not in list_local_models()
    page.installed.setCurrentItem(page.installed.topLevelItem(0))
    qtbot.mouseClick(page.remove_button, qtbot_button())
    assert "built-in" in page.status.text()


def test_test_button_shows_tokens_per_second(window, qtbot):
    """Real llama-cpp on the built-in model."""
    page = _open(window, qtbot)
    page.installed.setCurrentItem(page.installed.topLevelItem(0))
    qtbot.mouseClick(page.test_button, qtbot_button())
    qtbot.waitUntil(lambda: "tokens/s" in page.status.text(), timeout=120_000)


def test_per_model_settings_are_saved(window, qtbot):
    from studio.runtime.llm.local import builtin_model_path, model_settings
    from studio.runtime.models.settings import get_model_settings

    page = _open(window, qtbot)
    page.installed.setCurrentItem(page.installed.topLevelItem(0))
    page.context_length.setValue(1024)
    page.threads.setValue(1)
    qtbot.mouseClick(page.save_settings_button, qtbot_button())
    stem = builtin_model_path().stem
    assert get_model_settings(stem) == {"context_length": 1024, "threads": 1}
    assert model_settings(builtin_model_path())[:2] == (1, 1024)  # what the next load uses
    assert "Settings saved" in page.status.text()


def test_download_the_default_embedding_model(window, qtbot, monkeypatch):
    """Real fastembed through the hub stand-in: the chosen embedder is downloaded for new KBs."""
    from studio.runtime.models.catalogue import embedder_entry
    from studio.runtime.models.check import embedder_downloaded
    from tests.runtime.models.conftest import embedder_files

    with FakeHub({"Qdrant/bge-small-en-v1.5-onnx-Q": embedder_files()}) as server:
        monkeypatch.setenv("HF_ENDPOINT", server.url)
        page = _open(window, qtbot)
        page.default_embedding.setCurrentIndex(page.default_embedding.findData("BAAI/bge-small-en-v1.5"))
        qtbot.mouseClick(page.pull_embedding_button, qtbot_button())
        qtbot.waitUntil(lambda: page.pull_embedding_button.isEnabled(), timeout=60_000)
    assert "is ready for new knowledge bases" in page.status.text()
    entry = embedder_entry("bge-small-en-v1.5")
    assert entry is not None and embedder_downloaded(entry)


def qtbot_button():
    from PySide6.QtCore import Qt

    return Qt.MouseButton.LeftButton
