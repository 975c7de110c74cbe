"""The main window's Run / Run to / Run from / Stop, and showing results in the output panel."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QInputDialog

from studio.gui.editor import EditorTab, format_duration

if TYPE_CHECKING:
    from studio.gui.main_window import MainWindow


class RunMixin:
    """Mixed into MainWindow; kept apart so each file stays small."""

    def _flow_inputs(self: MainWindow, tab: EditorTab, given: dict[str, Any] | None) -> dict[str, Any] | None:
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
                self, self.tr("Run flow"), self.tr("Value for input '%s':") % name, ""
            )
            if not ok:
                return None
            values[name] = text
        return values

    def run_all(self: MainWindow, inputs: dict[str, Any] | None = None) -> bool:
        """Run the current flow (F5). Returns False when it could not start."""
        return self._start_run(inputs)

    def run_to_selected(self: MainWindow, inputs: dict[str, Any] | None = None) -> bool:
        """Run the selected node(s) and what they need."""
        tab = self.current_tab()
        selected = set(tab.scene.selected_node_ids()) if tab else set()
        if not selected:
            self.statusBar().showMessage(self.tr("Select a node first."), 5000)
            return False
        return self._start_run(inputs, only=selected)

    def run_from_selected(self: MainWindow, inputs: dict[str, Any] | None = None) -> bool:
        """Re-run the selected node(s) and everything downstream."""
        tab = self.current_tab()
        selected = set(tab.scene.selected_node_ids()) if tab else set()
        if not selected:
            self.statusBar().showMessage(self.tr("Select a node first."), 5000)
            return False
        return self._start_run(inputs, rerun=selected)

    def _start_run(
        self: MainWindow,
        inputs: dict[str, Any] | None,
        *,
        only: set[str] | None = None,
        rerun: set[str] | None = None,
        extras: dict[str, Any] | None = None,
    ) -> bool:
        tab = self.current_tab()
        if tab is None:
            return False
        if self.runner.running:
            self.statusBar().showMessage(self.tr("A run is already going."), 5000)
            return False
        from studio.engine import validate_flow

        problems = validate_flow(tab.doc.flow, tab.doc.registry)
        if problems:
            lines = "\n".join(str(p) for p in problems)
            self.outputs.show_node(self.tr("Cannot run"), self.tr("fix these first"), None, error=lines)
            self.output_dock.raise_()
            self.set_run_status(self.tr("Cannot run: %s") % str(problems[0]))
            return False
        values = self._flow_inputs(tab, inputs)
        if values is None:
            return False
        tab.last_inputs = values
        self._run_tab = tab
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
            self.set_run_status(self.tr("Could not start the run: %s") % error)
            return False
        self.actions_by_name["stop"].setEnabled(True)
        self.actions_by_name["run"].setEnabled(False)
        self.set_run_status(self.tr("Running…"))
        return True

    def chat_send(self: MainWindow, text: str) -> bool:
        """Run the current flow for one chat turn: the message goes to its Chat Input."""
        tab = self.current_tab()
        name = None
        if tab is not None:
            for node in tab.doc.flow.nodes:
                if node.type == "io.chat_input":
                    name = node.config.get("name", "message")
                    break
        if tab is None or not isinstance(name, str):
            self.chat.finished(None, self.tr("This flow has no Chat Input node to send messages to."))
            return False
        session = self.chat.session.text() or "default"
        extras = {"chat_history": list(self.chat.history), "session_id": session}
        self._chat_turn = True
        self.chat.started(text)
        if not self._start_run({name: text}, extras=extras):
            self._chat_turn = False
            self.chat.finished(None, self.run_label.text())
            return False
        return True

    def stop_run(self: MainWindow) -> None:
        """Stop the current run (Shift+F5)."""
        if self.runner.running:
            self.runner.stop()
            self.set_run_status(self.tr("Stopping…"))

    def _on_run_event(self: MainWindow, event: Any) -> None:
        tab = self._run_tab
        if tab is None:
            return
        tab.apply_event(event)
        if self._chat_turn and getattr(event, "kind", "") == "token":
            self.chat.stream(event.text)
        node_id = getattr(event, "node_id", None)
        if node_id is not None and node_id == self._shown_node_id(tab):
            if getattr(event, "kind", "") == "token" and not tab.node_run(node_id).outputs:
                self.outputs.append_stream(event.text)
            else:
                self.show_outputs_of(tab, node_id)

    def _on_run_finished(self: MainWindow, result: Any) -> None:
        self.actions_by_name["stop"].setEnabled(False)
        self.actions_by_name["run"].setEnabled(True)
        tokens = result.usage.total_tokens if getattr(result, "usage", None) else 0
        status = {
            "succeeded": self.tr("Run succeeded"),
            "failed": self.tr("Run failed"),
            "cancelled": self.tr("Run stopped"),
        }.get(result.status, result.status)
        detail = self.tr("%s in %s, %d tokens") % (status, format_duration(result.duration_s), tokens)
        if result.status == "failed":
            failures = result.failures()
            if failures:
                node_id, state = next(iter(failures.items()))
                label = self._run_tab.doc.flow.label(node_id) if self._run_tab else node_id
                detail += " — " + self.tr("%s: %s") % (label, state.error)
        self.set_run_status(detail)
        tab = self._run_tab
        if tab is not None:
            shown = self._shown_node_id(tab)
            if shown:
                self.show_outputs_of(tab, shown)
            elif result.outputs:
                self.outputs.show_node(self.tr("Flow outputs"), status, dict(result.outputs))
        self.history.refresh()
        if self._chat_turn:
            self._chat_turn = False
            reply = next((v for v in result.outputs.values() if isinstance(v, str) and v.strip()), None)
            self.chat.finished(reply, "" if reply else detail)
        self.runFinished.emit(result)

    def _on_run_crashed(self: MainWindow, message: str) -> None:
        self.actions_by_name["stop"].setEnabled(False)
        self.actions_by_name["run"].setEnabled(True)
        self.set_run_status(self.tr("The run could not start: %s") % message.splitlines()[0])
        self.outputs.show_node(self.tr("Run"), self.tr("could not start"), None, error=message)
        if self._chat_turn:
            self._chat_turn = False
            self.chat.finished(None, message)
        self.runFinished.emit(None)

    def _shown_node_id(self: MainWindow, tab: EditorTab) -> str | None:
        selected = tab.scene.selected_node_ids()
        return selected[0] if len(selected) == 1 else None

    def show_outputs_of(self: MainWindow, tab: EditorTab, node_id: str | None) -> None:
        """Fill the output panel with a node's last run."""
        if node_id is None or not tab.doc.has_node(node_id):
            if tab.last_outputs:
                self.outputs.show_node(self.tr("Flow outputs"), tab.last_status, tab.last_outputs)
            else:
                self.outputs.show_nothing()
            return
        item = tab.scene.nodes.get(node_id)
        title = item.title if item else node_id
        state = tab.runs.get(node_id)
        if state is None:
            self.outputs.show_node(title, "", None, streamed=self.tr("(not run yet)"))
            return
        from studio.gui.canvas.node_item import status_label

        status = status_label(state.status)
        if state.duration_s is not None:
            status += f" · {format_duration(state.duration_s)}"
        if state.tokens:
            status += " · " + self.tr("%d tokens") % state.tokens
        self.outputs.show_node(
            title,
            status,
            state.outputs,
            streamed=state.streamed,
            error=state.error if state.status in ("failed", "skipped") else "",
        )

    def set_run_status(self: MainWindow, text: str) -> None:
        self.run_label.setText(text)
        self.run_label.setToolTip(text)
