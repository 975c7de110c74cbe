"""User preferences the runtime needs too (not only the GUI): a small JSON file in the data folder."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from studio.runtime.paths import data_dir

FILE_NAME = "preferences.json"
_writes = 0  # preferences stored by this process (readers that cache compare it)


def writes() -> int:
    """How many times this process stored a preference: a cached reading older than that is stale."""
    return _writes


def _path() -> Path:
    return data_dir() / FILE_NAME


def load_preferences() -> dict[str, Any]:
    """All preferences; an unreadable file counts as empty (it is never deleted)."""
    try:
        value = json.loads(_path().read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError, OSError):
        return {}
    return value if isinstance(value, dict) else {}


def get_preference(name: str, default: Any = None) -> Any:
    """One preference, or `default`."""
    return load_preferences().get(name, default)


def set_preference(name: str, value: Any) -> None:
    """Store one preference (None removes it), written atomically."""
    from studio.flow.io import write_atomic

    global _writes
    _writes += 1
    preferences = load_preferences()
    if value is None:
        preferences.pop(name, None)
    else:
        preferences[name] = value
    write_atomic(
        _path(), json.dumps(preferences, indent=2, sort_keys=True, ensure_ascii=False) + "\n", backup=False
    )
