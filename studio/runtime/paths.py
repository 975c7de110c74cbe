"""Where Chain Studio keeps its data: run records, cache, knowledge bases, memory, autosaves."""

from __future__ import annotations

import os
from pathlib import Path

APP_NAME = "chain-studio"
HOME_ENV = "CHAIN_STUDIO_HOME"


def data_dir() -> Path:
    """The user data folder (created on first use); `CHAIN_STUDIO_HOME` overrides it."""
    override = os.environ.get(HOME_ENV)
    if override:
        path = Path(override).expanduser()
    else:
        import platformdirs

        path = Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))
    path.mkdir(parents=True, exist_ok=True)
    return path


def sub_dir(name: str) -> Path:
    """A named folder inside the data folder, created on first use."""
    path = data_dir() / name
    path.mkdir(parents=True, exist_ok=True)
    return path
