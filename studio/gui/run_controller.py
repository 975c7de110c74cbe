"""Runs a flow off the GUI thread and hands its events back as Qt signals (queued connections)."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal, Slot

from studio.flow import Flow, to_data


class RunController(QObject):
    """One run at a time for one document. `runEvent` carries studio.engine.events objects (not
    named `event`: that would hide QObject.event, which Qt calls for every event it delivers)."""

    runEvent = Signal(object)
    finished = Signal(object)  # RunResult
    crashed = Signal(str)  # the run could not start or the engine raised
    _deliver = Signal(object)  # from the worker thread; re-emitted as `runEvent` on the GUI thread

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self._thread: threading.Thread | None = None
        self._cancel: threading.Event | None = None
        self.started_at = 0.0
        self._deliver.connect(self._on_deliver, Qt.ConnectionType.QueuedConnection)

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def start(
        self,
        flow: Flow,
        inputs: dict[str, Any],
        *,
        registry: Any = None,
        base_dir: Path | None = None,
        flow_path: str | None = None,
        only: set[str] | None = None,
        rerun: set[str] | None = None,
        extras: dict[str, Any] | None = None,
        resume: tuple[str, dict[str, Any]] | None = None,
    ) -> None:
        """Start a run of a snapshot of the flow: edits made during the run do not affect it.
        `resume` (run id, answers) continues a run that waits for answers instead."""
        if self.running:
            raise RuntimeError("a run is already going")
        snapshot = Flow.model_validate(to_data(flow))
        self._cancel = threading.Event()
        self.started_at = time.monotonic()
        options: dict[str, Any] = {
            "registry": registry,
            "on_event": self._deliver.emit,
            "base_dir": base_dir,
            "cancel": self._cancel,
            "only": only,
            "rerun": rerun,
        }
        if flow_path:
            options["flow_path"] = flow_path
        from studio.engine.human import human_extras  # a Human Input node or a tool to approve pauses

        options["extras"] = {**human_extras(), **(extras or {})}
        if resume:
            options["resume"] = resume
        self._thread = threading.Thread(
            target=self._work, args=(snapshot, dict(inputs), options), name="studio-run", daemon=True
        )
        self._thread.start()

    def stop(self) -> None:
        """Ask the run to stop; nodes see it at their next cancellation check."""
        if self._cancel is not None:
            self._cancel.set()

    def wait(self, timeout: float | None = None) -> bool:
        """Block until the worker ends (tests and shutdown)."""
        if self._thread is not None:
            self._thread.join(timeout)
            return not self._thread.is_alive()
        return True

    def _work(self, flow: Flow, inputs: dict[str, Any], options: dict[str, Any]) -> None:
        try:
            from studio.engine import run_flow  # the engine (and what it imports) loads on first run
            from studio.engine.human import resume_run

            resume = options.pop("resume", None)  # a waiting run continued with its answers
            if resume:
                result = resume_run(*resume, flow=flow, **options)
            else:
                result = run_flow(flow, inputs, **options)
        except Exception as error:  # invalid flow, bad inputs, engine bug: show it, keep the app
            describe = getattr(error, "describe", None)
            message = describe() if callable(describe) else f"{type(error).__name__}: {error}"
            self._deliver.emit(("crashed", message))
            return
        self._deliver.emit(("finished", result))

    @Slot(object)
    def _on_deliver(self, item: object) -> None:
        if isinstance(item, tuple) and len(item) == 2 and item[0] in ("finished", "crashed"):
            if item[0] == "finished":
                self.finished.emit(item[1])
            else:
                self.crashed.emit(item[1])
            return
        self.runEvent.emit(item)
