"""Runs an evaluation off the GUI thread and hands its progress back as Qt signals (queued
connections, the pattern of run_controller.py)."""

from __future__ import annotations

import threading
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal, Slot


class EvalWorker(QObject):
    """One evaluation at a time, in a thread; results come back as signals on the GUI thread."""

    started = Signal(str)  # run id
    progressed = Signal(object)  # studio.evaluation.Progress
    finished = Signal(object)  # studio.evaluation.EvalOutcome
    crashed = Signal(str)  # the evaluation could not start, or failed
    _deliver = Signal(object)

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self._thread: threading.Thread | None = None
        self._cancel = threading.Event()
        self._deliver.connect(self._on_deliver, Qt.ConnectionType.QueuedConnection)

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def start(self, spec: Any, store: Any, resume: str | None = None) -> None:
        """Run `studio.evaluation.run_evaluation(spec)` (or resume run `resume`) off the GUI thread."""
        if self.running:
            raise RuntimeError("an evaluation is already running")
        self._cancel = threading.Event()
        self._thread = threading.Thread(
            target=self._work, args=(spec, store, self._cancel, resume), name="studio-eval", daemon=True
        )
        self._thread.start()

    def stop(self) -> None:
        """Stop scheduling cells; finished cells stay stored (the run can be resumed)."""
        self._cancel.set()

    def wait(self, timeout: float | None = None) -> bool:
        """Block until the worker ends (tests and shutdown)."""
        if self._thread is not None:
            self._thread.join(timeout)
            return not self._thread.is_alive()
        return True

    def _work(self, spec: Any, store: Any, cancel: threading.Event, resume: str | None) -> None:
        from studio.evaluation import run_evaluation

        try:
            outcome = run_evaluation(
                spec,
                resume=resume,
                store=store,
                cancel=cancel,
                on_start=lambda run_id: self._deliver.emit(("started", run_id)),
                on_progress=lambda progress: self._deliver.emit(("progress", progress)),
            )
        except Exception as error:  # EvalError says what to fix; anything else is shown, not raised
            message = (
                str(error) if type(error).__name__ == "EvalError" else f"{type(error).__name__}: {error}"
            )
            self._deliver.emit(("crashed", message))
            return
        self._deliver.emit(("finished", outcome))

    @Slot(object)
    def _on_deliver(self, item: object) -> None:
        assert isinstance(item, tuple)
        kind, value = item
        {"started": self.started, "progress": self.progressed, "finished": self.finished}.get(
            kind, self.crashed
        ).emit(value)
