"""GUI tests run offscreen (tests/conftest.py sets QT_QPA_PLATFORM before Qt is imported) with a
private data folder per test."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest

from studio.engine.registry import Registry
from tests.gui import fake_nodes


@pytest.fixture
def registry() -> Registry:
    """A small registry of test node types with every kind of port and setting."""
    return Registry.of(fake_nodes.ALL)


@pytest.fixture
def window(qtbot, registry):
    """A main window on the test registry; unsaved-changes prompts answer 'discard'."""
    from studio.gui.main_window import MainWindow

    win = MainWindow(registry, autosave_enabled=False)
    win.ask_unsaved = lambda tab: "discard"  # type: ignore[method-assign]
    qtbot.addWidget(win)
    win.resize(1300, 800)
    win.show()
    qtbot.waitExposed(win)
    return win
