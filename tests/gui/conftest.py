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
def make_window(qtbot, registry):
    """Build main windows on the test registry; unsaved-changes prompts answer 'discard' (a modal
    dialog would hang an offscreen test)."""
    from studio.gui.main_window import MainWindow

    def make(**options):
        options.setdefault("autosave_enabled", False)
        win = MainWindow(options.pop("registry", registry), **options)
        win.ask_unsaved = lambda tab: "discard"  # type: ignore[method-assign]
        qtbot.addWidget(win)
        win.resize(1300, 800)
        return win

    return make


@pytest.fixture
def window(qtbot, make_window):
    """A shown main window."""
    win = make_window()
    win.show()
    qtbot.waitExposed(win)
    return win
