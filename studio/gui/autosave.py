"""Crash safety: every 30 s each unsaved flow is written to the autosave folder; a clean close
removes those files, so any found at start-up are offered for recovery."""

from __future__ import annotations

import contextlib
import json
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QObject, QTimer

from studio.flow import to_data
from studio.flow.io import write_atomic
from studio.gui.document import FlowDocument
from studio.runtime.paths import sub_dir

INTERVAL_MS = 30_000


def autosave_dir() -> Path:
    return sub_dir("autosave")


@dataclass
class Recoverable:
    """An autosaved flow left behind by a session that did not close cleanly."""

    flow_file: Path
    original: Path | None
    name: str
    saved_at: float

    def discard(self) -> None:
        self.flow_file.unlink(missing_ok=True)
        self.flow_file.with_suffix(".meta").unlink(missing_ok=True)


def _key(doc: FlowDocument) -> str:
    # The document's own id too: two open copies of one flow must not overwrite each other.
    return f"{doc.flow.id}-{doc.uid}"


def write_autosave(doc: FlowDocument) -> Path:
    """Write one document's current state to the autosave folder, scrubbed of secrets.

    Saving refuses a flow holding a secret; an autosave must not fail, so it keeps the work and
    writes `***` where a secret value (or a key-shaped text) was typed.
    """
    from studio.engine.scrub import flow_scrubber

    scrubber = flow_scrubber(doc.flow, patterns=True)
    folder = autosave_dir()
    target = folder / f"{_key(doc)}.json"
    data = scrubber.value(to_data(doc.flow))
    text = json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    write_atomic(target, text.encode("utf-8", "backslashreplace").decode("utf-8"), backup=False)
    meta = {
        "path": str(doc.path) if doc.path else None,
        "name": scrubber.text(doc.flow.name),
        "time": time.time(),
    }
    write_atomic(target.with_suffix(".meta"), json.dumps(meta), backup=False)
    return target


def remove_autosave(doc: FlowDocument) -> None:
    """Forget a document's autosave (after a save or a deliberate close)."""
    target = autosave_dir() / f"{_key(doc)}.json"
    target.unlink(missing_ok=True)
    target.with_suffix(".meta").unlink(missing_ok=True)


def find_recoverable() -> list[Recoverable]:
    """Autosaves found in the folder, newest first."""
    found = []
    for file in autosave_dir().glob("*.json"):
        meta: dict[str, object] = {}
        with contextlib.suppress(OSError, ValueError):
            meta = json.loads(file.with_suffix(".meta").read_text(encoding="utf-8"))
        original = meta.get("path")
        found.append(
            Recoverable(
                flow_file=file,
                original=Path(str(original)) if original else None,
                name=str(meta.get("name") or file.stem),
                saved_at=float(meta.get("time") or file.stat().st_mtime),  # type: ignore[arg-type]
            )
        )
    found.sort(key=lambda r: r.saved_at, reverse=True)
    return found


class Autosaver(QObject):
    """Writes the dirty documents every INTERVAL_MS."""

    def __init__(
        self,
        documents: Callable[[], Iterable[FlowDocument]],
        parent: QObject | None = None,
        interval_ms: int = INTERVAL_MS,
    ):
        super().__init__(parent)
        self.documents = documents
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self.save_now)
        self.timer.start()

    def save_now(self) -> int:
        """Autosave every unsaved document now; returns how many were written."""
        count = 0
        for doc in self.documents():
            if doc.dirty:
                try:
                    write_autosave(doc)
                    count += 1
                except OSError:
                    pass  # a full disk must not interrupt editing; the next tick tries again
        return count
