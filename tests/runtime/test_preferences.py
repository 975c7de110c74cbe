"""Preferences shared by the GUI and the runtime: the local model folder."""

from __future__ import annotations

from pathlib import Path

from studio.runtime.llm.facade import list_local_models, models_folder
from studio.runtime.preferences import get_preference, set_preference


def test_a_chosen_models_folder_is_where_local_models_are_found(tmp_path: Path, studio_home: Path) -> None:
    assert models_folder() == studio_home / "models"
    (tmp_path / "tiny-chat.gguf").write_bytes(b"GGUF")
    set_preference("models_folder", str(tmp_path))
    assert models_folder() == tmp_path
    assert "local/tiny-chat" in list_local_models()
    set_preference("models_folder", None)
    assert get_preference("models_folder") is None and models_folder() == studio_home / "models"


def test_a_missing_chosen_folder_falls_back_and_a_broken_file_is_kept(studio_home: Path) -> None:
    set_preference("models_folder", str(studio_home / "gone"))
    assert models_folder() == studio_home / "models"
    (studio_home / "preferences.json").write_text("{not json", encoding="utf-8")
    assert get_preference("models_folder") is None
    assert (studio_home / "preferences.json").read_text(encoding="utf-8") == "{not json"
