"""The Studio's own preferences (theme, language, recent files, secret names) in an INI file in the
user data folder, so CHAIN_STUDIO_HOME isolates tests and portable installs."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings

from studio.runtime.paths import data_dir

MAX_RECENT = 10


def settings() -> QSettings:
    """The preferences file (created on first write)."""
    return QSettings(str(data_dir() / "studio-gui.ini"), QSettings.Format.IniFormat)


def get(key: str, default: str = "") -> str:
    value = settings().value(key, default)
    return str(value) if value is not None else default


def put(key: str, value: str) -> None:
    store = settings()
    store.setValue(key, value)
    store.sync()


def _string_list(raw: object) -> list[str]:
    """A stored list: QSettings gives back a one-entry list as a plain string, and none as None."""
    if isinstance(raw, str):
        return [raw]
    if isinstance(raw, list | tuple):
        return [str(item) for item in raw]
    return []


def recent_files() -> list[Path]:
    """Recently opened flows that still exist, newest first."""
    return [Path(p) for p in _string_list(settings().value("recent", [])) if Path(p).exists()]


def add_recent(path: Path) -> None:
    entries = [str(path.absolute())] + [str(p) for p in recent_files() if p.absolute() != path.absolute()]
    store = settings()
    store.setValue("recent", entries[:MAX_RECENT])
    store.sync()


def stored_secret_names() -> list[str]:
    """Names of secrets the user saved through Settings (the values live in the keyring only)."""
    return _string_list(settings().value("secret_names", []))


def remember_secret_name(name: str) -> None:
    names = sorted(set(stored_secret_names()) | {name})
    store = settings()
    store.setValue("secret_names", names)
    store.sync()
