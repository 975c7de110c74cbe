"""Test-wide settings: an isolated user data folder per test, offline litellm, no real keyring."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ["LITELLM_LOCAL_MODEL_COST_MAP"] = "True"
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ["CHAIN_STUDIO_NO_KEYRING"] = "1"

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def studio_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Every test gets its own user data folder (run records, cache, knowledge bases)."""
    from studio.engine.cache import reset_default_cache

    home = tmp_path_factory.mktemp("studio-home")
    monkeypatch.setenv("CHAIN_STUDIO_HOME", str(home))
    reset_default_cache()
    yield home
    reset_default_cache()
