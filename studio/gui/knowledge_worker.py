"""Knowledge page work off the GUI thread: listing, ingesting, searching, deleting.

Each job is a plain function over `studio.runtime.knowledge.manage` (the service the CLI uses too)
run in a `KnowledgeTask` thread; its progress, result or failure come back as queued signals. A
failure the user can cause arrives as the runtime's sentence; anything else as a plain sentence
(the Python text goes to the log, never to the screen).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QThread, Signal

__all__ = ["KnowledgeTask", "user_errors"]

log = logging.getLogger(__name__)
Job = Callable[[Callable[[Any], None], Callable[[], bool]], Any]


def user_errors() -> tuple[type[BaseException], ...]:
    """The exceptions whose message is written for users (they name the knowledge base or file)."""
    from studio.runtime.knowledge.documents import DocumentError
    from studio.runtime.knowledge.embeddings import EmbeddingError
    from studio.runtime.knowledge.lock import KBLockTimeout
    from studio.runtime.knowledge.rows import KnowledgeBaseError

    return (KnowledgeBaseError, KBLockTimeout, DocumentError, EmbeddingError)


class KnowledgeTask(QThread):
    """Runs `job(report_progress, is_cancelled)` in a thread; `cancel()` asks it to stop."""

    progressed = Signal(object)
    succeeded = Signal(object)
    failed = Signal(str)

    def __init__(self, job: Job, failure: str, parent: Any = None):
        super().__init__(parent)
        self._job = job
        self._failure = failure  # the sentence shown when something unexpected breaks
        self._cancel = threading.Event()

    def cancel(self) -> None:
        """Ask the job to stop at its next check (between files, during embedding)."""
        self._cancel.set()

    @property
    def cancelled(self) -> bool:
        """Whether Cancel was pressed."""
        return self._cancel.is_set()

    def run(self) -> None:
        """The thread's body (called by QThread.start)."""
        try:
            result = self._job(self.progressed.emit, self._cancel.is_set)
        except user_errors() as error:
            self.failed.emit(str(error))
        except Exception:
            log.exception("knowledge task failed")
            self.failed.emit(self._failure)
        else:
            self.succeeded.emit(result)
