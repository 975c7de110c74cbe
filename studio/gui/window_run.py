"""The main window's Run / Run to / Run from / Stop and chat turns, and showing results in the output
panel: one object the window owns, handed what it shows things in (it never imports the window).

Its strings keep the "RunMixin" translation context they had when this code was a mixin of the
window, so assets/i18n/studio_zh_CN.ts still applies; renaming the context means renaming it there
too (and recompiling the .qm).
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, QObject, Signal
from PySide6.QtWidgets import QDockWidget, QLabel, QWidget

from studio.engine import events as ev
from studio.gui.chat_panel import ChatPanel, ChatState
from studio.gui.editor import EditorTab, format_duration, format_tokens
from studio.gui.error_text import ErrorText, explain, failure_line
from studio.gui.history_panel import HistoryPanel
from studio.gui.i18n import catalogue_text
from studio.gui.output_panel import OutputPanel
from studio.gui.run_controller import RunController
from studio.gui.run_inputs_dialog import FlowInput, RunInputsDialog, as_text, dont_ask, set_dont_ask
from studio.gui.status_line import StatusLine

if TYPE_CHECKING:
    from studio.engine.scheduler import RunResult
    from studio.gui.inspector import Inspector

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
        self.inputs_dialog: RunInputsDialog | None = None  # the run input dialog while it is open
        # Per tab: its last status line and (while another tab is shown) its conversation.
        self._statuses: weakref.WeakKeyDictionary[EditorTab, tuple[str, str]] = weakref.WeakKeyDictionary()
        self._chat_states: weakref.WeakKeyDictionary[EditorTab, ChatState] = weakref.WeakKeyDictionary()
        self._chat_tab: EditorTab | None = None  # whose conversation the chat panel shows
        self.inspector: Inspector | None = None  # given by the window: settings at fault get marked
        history.labeller = self._node_title
        self._chat_turn = False
        self.runner = RunController(self)
        self.runner.runEvent.connect(self._on_run_event)
        self.runner.finished.connect(self._on_run_finished)
        self.runner.crashed.connect(self._on_run_crashed)

    @property
    def running(self) -> bool:
        return self.runner.running

    def _declared_inputs(self, tab: EditorTab) -> list[FlowInput]:
        """The flow's inputs, prefilled with the last run's values (else their defaults)."""
        found: list[FlowInput] = []
        for node in tab.doc.flow.nodes:
            node_class = tab.doc.registry.types.get(node.type)
            if node_class is None or node_class.interface != "input":
                continue
            try:
                config = node_class.Config.model_validate(node.config)
            except ValueError:  # validation reports it; the dialog just leaves it out
                continue
            name = node_class.interface_name(config)
            if not isinstance(name, str) or not name or any(item.name == name for item in found):
                continue
            default = getattr(config, "default", None)
            value = tab.last_inputs.get(name, default)
            required = bool(getattr(config, "required", False)) and default in (None, "")
            found.append(FlowInput(name, as_text(value), required, catalogue_text(node_class.description)))
        return found

    def _flow_inputs(
        self, tab: EditorTab, given: dict[str, Any] | None, *, ask: bool = False
    ) -> dict[str, Any] | None:
        """Values for the flow's inputs: given ones; else asked for in the run input dialog with
        the last values filled in (unless the user said not to ask again for this flow)."""
        if given is not None:
            values = dict(tab.last_inputs)
            values.update(given)
            return values
        declared = self._declared_inputs(tab)
        if not declared:
            return {}
        prefilled = {item.name: item.value for item in declared}
        complete = all(item.value.strip() for item in declared if item.required)
        if not ask and complete and dont_ask(tab.doc.flow.id):
            return self._kept(declared, prefilled)
        dialog = RunInputsDialog(tab.doc.title(), declared, self._dialog_parent)
        dialog.dont_ask.setChecked(dont_ask(tab.doc.flow.id))
        self.inputs_dialog = dialog  # tests reach the open dialog through this
        try:
            if dialog.exec() != RunInputsDialog.DialogCode.Accepted:
                return None
            set_dont_ask(tab.doc.flow.id, dialog.dont_ask.isChecked())
            return self._kept(declared, dialog.values())
        finally:
            self.inputs_dialog = None
            dialog.deleteLater()

    @staticmethod
    def _kept(declared: list[FlowInput], values: dict[str, str]) -> dict[str, Any]:
        # An empty optional input is left out, so the node's own default applies.
        return {
            item.name: values[item.name]
            for item in declared
            if item.name in values and (values[item.name] != "" or item.required)
        }

    def run_with_inputs(self) -> bool:
        """Run the current flow, asking for its inputs even after "Don't ask again"."""
        return self._start_run(None, ask=True)

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
        ask: bool = False,
    ) -> bool:
        tab = self._current_tab()
        if tab is None:
            return False
        if self.runner.running:
            self._show_message(translate("RunMixin", "A run is already going."), 5000)
            return False
        if not tab.doc.flow.nodes:
            message = translate(
                "RunMixin",
                "This flow is empty: there is nothing to run. Add nodes from the Nodes panel first.",
            )
            self._outputs.show_node(translate("RunMixin", "Nothing to run"), "", None, error=message)
            self._output_dock.raise_()
            self.set_status(message)
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
        values = self._flow_inputs(tab, inputs, ask=ask)
        if values is None:
            return False
        from studio.gui.mcp_connect import approve_run, flow_key  # asks before an MCP server starts

        extras = approve_run(self._dialog_parent, tab.doc.flow, flow_key(tab.doc), extras)
        tab.last_inputs = values
        self.run_tab = tab
        tab.clear_run()
        base_dir = tab.doc.base_dir  # the flow file's folder (a template copy: the template's)
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
        self.set_status(translate("RunMixin", "Running…"), tab=tab)
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
            self.set_status(translate("RunMixin", "Stopping…"), tab=self.run_tab)

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
            if self._chat_shown(tab):
                self._chat.stream(token)
            else:  # the user switched tabs: the reply goes on in its own tab's conversation
                self._chat_states.setdefault(tab, ChatState()).pending += token
        node_id = getattr(event, "node_id", None)
        if node_id is not None and tab is self._current_tab() and node_id == self._shown_node_id(tab):
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
            "waiting": translate("RunMixin", "Run waiting for an answer (Human Input panel)"),
        }.get(result.status, result.status)
        estimated = bool(getattr(getattr(result, "usage", None), "estimated", False))
        detail = translate("RunMixin", "%s in %s, %s") % (
            status,
            format_duration(result.duration_s),
            format_tokens(tokens, estimated),
        )
        tab = self.run_tab
        problem, details = "", ""
        if result.status == "failed":
            failures = result.failures()
            if failures:
                node_id, state = next(iter(failures.items()))
                text = explain(state.error or "", state.error_type or "")
                problem = failure_line(self._node_title(node_id, state.node_type), text)
                details = text.details
                detail += " — " + problem
        self.set_status(detail, details, tab=tab)
        if tab is not None:
            tab.last_problem = (problem, details)
        if tab is not None and tab is self._current_tab():  # another tab's panel stays its own
            shown = self._shown_node_id(tab)
            if shown:
                self.show_outputs_of(tab, shown)
            elif result.outputs or problem:
                self._show_flow_outputs(tab, status)
            if problem:
                self._output_dock.raise_()
        self._history.refresh()
        if self._chat_turn:
            self._chat_turn = False
            reply = next((v for v in result.outputs.values() if isinstance(v, str) and v.strip()), None)
            self._chat_finished(tab, reply, "" if reply else (problem or detail))
        self.runFinished.emit(result)

    def _show_flow_outputs(self, tab: EditorTab, status: str) -> None:
        """The flow's outputs; after a failed run that made none, the last ones made, marked
        as from an earlier run, under what went wrong."""
        problem, details = tab.last_problem
        current = bool(tab.last_outputs)
        self._outputs.show_node(
            translate("RunMixin", "Flow outputs"),
            status,
            tab.last_outputs if current else (tab.earlier_outputs or None),
            streamed=translate("RunMixin", "(no output from this run)"),
            problem=problem,
            details=details,
            stale=not current,
        )

    def _on_run_crashed(self, message: str) -> None:
        self.runningChanged.emit(False)
        first = message.splitlines()[0] if message else ""
        self.set_status(
            translate("RunMixin", "The run could not start: %s") % first, message, tab=self.run_tab
        )
        self._outputs.show_node(
            translate("RunMixin", "Run"), translate("RunMixin", "could not start"), None, error=message
        )
        if self._chat_turn:
            self._chat_turn = False
            self._chat_finished(self.run_tab, None, message)
        self.runFinished.emit(None)

    # -- per-tab state: the status line and the chat belong to the tab they came from -----------

    def _chat_shown(self, tab: EditorTab | None) -> bool:
        return self._chat_tab is None or tab is None or tab is self._chat_tab

    def _chat_finished(self, tab: EditorTab | None, reply: str | None, error: str) -> None:
        if self._chat_shown(tab) or tab is None:
            self._chat.finished(reply, error)
        else:
            self._chat_states.setdefault(tab, ChatState()).finish(reply, error)

    def switch_tab(self, tab: EditorTab | None) -> None:
        """Another tab became current: show its conversation and its last status line."""
        if tab is self._chat_tab:
            return
        if self._chat_tab is not None:
            self._chat_states[self._chat_tab] = self._chat.state()
        self._chat_tab = tab
        kept = self._chat_states.pop(tab) if tab is not None and tab in self._chat_states else None
        self._chat.set_state(kept or ChatState())
        text, details = self._statuses.get(tab, ("", "")) if tab else ("", "")
        self._show_status(text or translate("RunMixin", "Ready"), details)

    def _node_title(self, node_id: str, node_type: str = "") -> str:
        """A node's title as the canvas shows it (for messages and Run history), not its id."""
        tab = self.run_tab or self._current_tab()
        if tab is not None:
            item = tab.scene.nodes.get(node_id)
            if item is not None:
                return item.title
            node_class = tab.doc.registry.types.get(node_type)
            if node_class is not None:  # a node deleted since: its type's title
                return catalogue_text(node_class.title)
        return node_type or node_id[:8]

    @staticmethod
    def _shown_node_id(tab: EditorTab) -> str | None:
        selected = tab.scene.selected_node_ids()
        return selected[0] if len(selected) == 1 else None

    def show_outputs_of(self, tab: EditorTab, node_id: str | None) -> None:
        """Fill the output panel with a node's last run. Outputs an earlier run made are shown
        only marked as such (greyed, "From an earlier run"), never as the last run's."""
        if node_id is None or not tab.doc.has_node(node_id):
            if tab.last_outputs or tab.last_problem[0]:
                self._show_flow_outputs(tab, tab.last_status)
            else:
                self._outputs.show_nothing()
            return
        item = tab.scene.nodes.get(node_id)
        title = item.title if item else node_id
        state = tab.runs.get(node_id)
        earlier = tab.earlier_runs.get(node_id)
        old = earlier.outputs if earlier is not None else None
        if state is None:
            if old and tab.last_run_id:
                self._outputs.show_node(
                    title,
                    translate("RunMixin", "not run in the last run"),
                    old,
                    stale=True,
                    port_names=self._port_names(tab, node_id),
                )
            else:
                self._outputs.show_node(title, "", None, streamed=translate("RunMixin", "(not run yet)"))
            return
        from studio.gui.canvas.node_item import status_label

        status = status_label(state.status)
        if state.duration_s is not None:
            status += f" · {format_duration(state.duration_s)}"
        if state.tokens:
            status += " · " + format_tokens(state.tokens, state.tokens_estimated)
        if state.status in ("failed", "not_run", "cancelled"):
            cause = self._node_title(state.caused_by) if state.caused_by else ""
            text = explain(state.error, state.error_type, upstream=cause)
            self._mark_field(tab, node_id, text)
            self._outputs.show_node(
                title,
                status,
                old,
                streamed=state.streamed or translate("RunMixin", "(no output from this run)"),
                problem=text.sentence,
                details=text.details,
                stale=True,
                port_names=self._port_names(tab, node_id),
            )
            return
        self._outputs.show_node(
            title,
            status,
            state.outputs,
            streamed=state.streamed,
            error=state.error if state.status == "skipped" else "",
            port_names=self._port_names(tab, node_id),
        )

    @staticmethod
    def _port_names(tab: EditorTab, node_id: str) -> dict[str, str]:
        """A node's output ports as the canvas shows them (its own ports in the UI language)."""
        item = tab.scene.nodes.get(node_id)
        label = getattr(item, "port_label", None)
        if item is None or not callable(label):
            return {}
        return {port.name: str(label(port)).rstrip("*") for port in item.outputs}

    def _mark_field(self, tab: EditorTab, node_id: str, text: ErrorText) -> None:
        """A failure caused by a setting is also shown on that setting's field in the inspector
        (red outline, the sentence as tooltip) while the node is shown there."""
        inspector = self.inspector
        if inspector is None or text.field is None or text.kind == "not_run":
            return
        if inspector.doc is not tab.doc or inspector.node_id != node_id:
            return
        editor = inspector.editors.get(text.field)
        if editor is not None:
            editor.set_error(text.sentence)

    def set_status(self, text: str, details: str = "", *, tab: EditorTab | None = None) -> None:
        """Show a line about a run of `tab` (default: the current tab) in the status bar's run
        line: kept for that tab, shown while it is current (elided when long: the whole text is
        in its tooltip and a click opens it, with `details`)."""
        target = tab if tab is not None else self._current_tab()
        if target is not None:
            self._statuses[target] = (text, details)
        if target is None or target is self._current_tab():
            self._show_status(text, details)

    def _show_status(self, text: str, details: str) -> None:
        if isinstance(self._label, StatusLine):
            self._label.set_message(text, details)
        else:
            self._label.setText(text)
            self._label.setToolTip(text)
