"""The main window's Run / Run to / Run from / Stop and chat turns, and showing results in the output
panel: one object the window owns, handed what it shows things in (it never imports the window).

Its strings keep the "RunMixin" translation context they had when this code was a mixin of the
window, so assets/i18n/studio_zh_CN.ts still applies; renaming the context means renaming it there
too (and recompiling the .qm).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, QObject, Signal
from PySide6.QtWidgets import QDockWidget, QInputDialog, QLabel, QWidget

from studio.engine import events as ev
from studio.gui.chat_panel import ChatPanel
from studio.gui.editor import EditorTab, format_duration, format_tokens
from studio.gui.history_panel import HistoryPanel
from studio.gui.output_panel import OutputPanel
from studio.gui.run_controller import RunController

if TYPE_CHECKING:
    from studio.engine.scheduler import RunResult

translate = QCoreApplication.translate


class RunControl(QObject):
    """Starts runs of the current tab on a `RunController` (the worker thread) and shows their
    events on the canvas, the output, chat and history panels and the status label."""

    runFinished = Signal(object)  # the RunResult, or None when the run could not start
    runningChanged = Signal(bool)  # a run started (True) or ended (False)

    def __init__(
        self,
        *,
        current_tab: Callable[[], EditorTab | None],
        outputs: OutputPanel,
        output_dock: QDockWidget,
        chat: ChatPanel,
        history: HistoryPanel,
        status_label: QLabel,
        show_message: Callable[[str, int], None],
        dialog_parent: QWidget,
    ):
        super().__init__(dialog_parent)
        self._current_tab = current_tab
        self._outputs = outputs
        self._output_dock = output_dock
        self._chat = chat
        self._history = history
        self._label = status_label
        self._show_message = show_message
        self._dialog_parent = dialog_parent
        self.run_tab: EditorTab | None = None  # the tab whose flow runs (or ran last)
        self._chat_turn = False
        self.runner = RunController(self)
        self.runner.runEvent.connect(self._on_run_event)
        self.runner.finished.connect(self._on_run_finished)
        self.runner.crashed.connect(self._on_run_crashed)

    @property
    def running(self) -> bool:
        return self.runner.running

    def _flow_inputs(self, tab: EditorTab, given: dict[str, Any] | None) -> dict[str, Any] | None:
        """Values for the flow's inputs: given ones, else remembered ones, else asked for."""
        values = dict(tab.last_inputs)
        if given is not None:
            values.update(given)
            return values
        for node in tab.doc.flow.nodes:
            node_class = tab.doc.registry.types.get(node.type)
            if node_class is None or node_class.interface != "input":
                continue
            name = node.config.get("name")
            if not isinstance(name, str) or name in values:
                continue
            if node.config.get("default") not in (None, "") or node.config.get("required") is False:
                continue
            text, ok = QInputDialog.getMultiLineText(
                self._dialog_parent,
                translate("RunMixin", "Run flow"),
                translate("RunMixin", "Value for input '%s':") % name,
                "",
            )
            if not ok:
                return None
            values[name] = text
        return values

    def run_all(self, inputs: dict[str, Any] | None = None) -> bool:
        """Run the current flow (F5). Returns False when it could not start."""
        return self._start_run(inputs)

    def run_to_selected(self, inputs: dict[str, Any] | None = None) -> bool:
        """Run the selected node(s) and what they need."""
        selected = self._selected()
        if not selected:
            self._show_message(translate("RunMixin", "Select a node first."), 5000)
            return False
        return self._start_run(inputs, only=selected)

    def run_from_selected(self, inputs: dict[str, Any] | None = None) -> bool:
        """Re-run the selected node(s) and everything downstream."""
        selected = self._selected()
        if not selected:
            self._show_message(translate("RunMixin", "Select a node first."), 5000)
            return False
        return self._start_run(inputs, rerun=selected)

    def _selected(self) -> set[str]:
        tab = self._current_tab()
        return set(tab.scene.selected_node_ids()) if tab else set()

    def _start_run(
        self,
        inputs: dict[str, Any] | None,
        *,
        only: set[str] | None = None,
        rerun: set[str] | None = None,
        extras: dict[str, Any] | None = None,
    ) -> bool:
        tab = self._current_tab()
        if tab is None:
            return False
        if self.runner.running:
            self._show_message(translate("RunMixin", "A run is already going."), 5000)
            return False
        from studio.engine import validate_flow

        problems = validate_flow(tab.doc.flow, tab.doc.registry)
        if problems:
            lines = "\n".join(str(p) for p in problems)
            self._outputs.show_node(
                translate("RunMixin", "Cannot run"),
                translate("RunMixin", "fix these first"),
                None,
                error=lines,
            )
            self._output_dock.raise_()
            self.set_status(translate("RunMixin", "Cannot run: %s") % str(problems[0]))
            return False
        values = self._flow_inputs(tab, inputs)
        if values is None:
            return False
        tab.last_inputs = values
        self.run_tab = tab
        tab.clear_run()
        base_dir = tab.doc.path.parent if tab.doc.path else None
        try:
            self.runner.start(
                tab.doc.flow,
                values,
                registry=tab.doc.registry,
                base_dir=base_dir,
                flow_path=str(tab.doc.path) if tab.doc.path else None,
                only=only,
                rerun=rerun,
                extras=extras,
            )
        except Exception as error:
            self.set_status(translate("RunMixin", "Could not start the run: %s") % error)
            return False
        self.runningChanged.emit(True)
        self.set_status(translate("RunMixin", "Running…"))
        return True

    def chat_send(self, text: str) -> bool:
        """Run the current flow for one chat turn: the message goes to its Chat Input."""
        tab = self._current_tab()
        name = None
        if tab is not None:
            for node in tab.doc.flow.nodes:
                if node.type == "io.chat_input":
                    name = node.config.get("name", "message")
                    break
        if tab is None or not isinstance(name, str):
            self._chat.finished(
                None, translate("RunMixin", "This flow has no Chat Input node to send messages to.")
            )
            return False
        session = self._chat.session.text() or "default"
        extras = {"chat_history": list(self._chat.history), "session_id": session}
        self._chat_turn = True
        self._chat.started(text)
        if not self._start_run({name: text}, extras=extras):
            self._chat_turn = False
            self._chat.finished(None, self._label.text())
            return False
        return True

    def stop_run(self) -> None:
        """Stop the current run (Shift+F5)."""
        if self.runner.running:
            self.runner.stop()
            self.set_status(translate("RunMixin", "Stopping…"))

    def stop_and_wait(self, timeout: float) -> None:
        """Stop a run that is going and give it `timeout` seconds to end (closing a tab or the app)."""
        if self.runner.running:
            self.runner.stop()
            self.runner.wait(timeout)

    def _on_run_event(self, event: ev.Event) -> None:
        tab = self.run_tab
        if tab is None:
            return
        tab.apply_event(event)
        token = event.text if isinstance(event, ev.TokenStreamed) else None
        if self._chat_turn and token is not None:
            self._chat.stream(token)
        node_id = getattr(event, "node_id", None)
        if node_id is not None and node_id == self._shown_node_id(tab):
            if token is not None and not tab.node_run(node_id).outputs:
                self._outputs.append_stream(token)
            else:
                self.show_outputs_of(tab, node_id)

    def _on_run_finished(self, result: RunResult) -> None:
        self.runningChanged.emit(False)
        tokens = result.usage.total_tokens if getattr(result, "usage", None) else 0
        status = {
            "succeeded": translate("RunMixin", "Run succeeded"),
            "failed": translate("RunMixin", "Run failed"),
            "cancelled": translate("RunMixin", "Run stopped"),
        }.get(result.status, result.status)
        estimated = bool(getattr(getattr(result, "usage", None), "estimated", False))
        detail = translate("RunMixin", "%s in %s, %s") % (
            status,
            format_duration(result.duration_s),
            format_tokens(tokens, estimated),
        )
        if result.status == "failed":
            failures = result.failures()
            if failures:
                node_id, state = next(iter(failures.items()))
                label = self.run_tab.doc.flow.label(node_id) if self.run_tab else node_id
                detail += " — " + translate("RunMixin", "%s: %s") % (label, state.error)
        self.set_status(detail)
        tab = self.run_tab
        if tab is not None:
            shown = self._shown_node_id(tab)
            if shown:
                self.show_outputs_of(tab, shown)
            elif result.outputs:
                self._outputs.show_node(translate("RunMixin", "Flow outputs"), status, dict(result.outputs))
        self._history.refresh()
        if self._chat_turn:
            self._chat_turn = False
            reply = next((v for v in result.outputs.values() if isinstance(v, str) and v.strip()), None)
            self._chat.finished(reply, "" if reply else detail)
        self.runFinished.emit(result)

    def _on_run_crashed(self, message: str) -> None:
        self.runningChanged.emit(False)
        self.set_status(translate("RunMixin", "The run could not start: %s") % message.splitlines()[0])
        self._outputs.show_node(
            translate("RunMixin", "Run"), translate("RunMixin", "could not start"), None, error=message
        )
        if self._chat_turn:
            self._chat_turn = False
            self._chat.finished(None, message)
        self.runFinished.emit(None)

    @staticmethod
    def _shown_node_id(tab: EditorTab) -> str | None:
        selected = tab.scene.selected_node_ids()
        return selected[0] if len(selected) == 1 else None

    def show_outputs_of(self, tab: EditorTab, node_id: str | None) -> None:
        """Fill the output panel with a node's last run."""
        if node_id is None or not tab.doc.has_node(node_id):
            if tab.last_outputs:
                self._outputs.show_node(
                    translate("RunMixin", "Flow outputs"), tab.last_status, tab.last_outputs
                )
            else:
                self._outputs.show_nothing()
            return
        item = tab.scene.nodes.get(node_id)
        title = item.title if item else node_id
        state = tab.runs.get(node_id)
        if state is None:
            self._outputs.show_node(title, "", None, streamed=translate("RunMixin", "(not run yet)"))
            return
        from studio.gui.canvas.node_item import status_label

        status = status_label(state.status)
        if state.duration_s is not None:
            status += f" · {format_duration(state.duration_s)}"
        if state.tokens:
            status += " · " + format_tokens(state.tokens, state.tokens_estimated)
        self._outputs.show_node(
            title,
            status,
            state.outputs,
            streamed=state.streamed,
            error=state.error if state.status in ("failed", "skipped") else "",
        )

    def set_status(self, text: str) -> None:
        """Show a line about the run in the status bar's run label."""
        self._label.setText(text)
        self._label.setToolTip(text)
