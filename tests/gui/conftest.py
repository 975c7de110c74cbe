"""GUI tests run offscreen with a private data folder; Qt is configured before it is imported."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
os.environ.setdefault("CHAIN_STUDIO_NO_KEYRING", "1")

import pytest

from studio.engine.registry import Registry
from tests.gui import fake_nodes


@pytest.fixture(autouse=True)
def studio_home(tmp_path, monkeypatch):
    """Each test gets its own data folder (autosaves, settings, runs)."""
    home = tmp_path / "home"
    monkeypatch.setenv("CHAIN_STUDIO_HOME", str(home))
    return home


@pytest.fixture
def registry() -> Registry:
    """A small registry of test node types with every kind of port and setting."""
    return Registry.of(fake_nodes.ALL)
