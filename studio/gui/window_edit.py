"""What the Edit and View menus do to the flow in the current tab: undo and redo, the clipboard,
finding and placing nodes, wiring a new node to a dropped wire, comment boxes, layout and zoom.
One object the main window owns, handed what it needs (it never imports the window).

Its strings keep the "MainWindow" translation context they had when this was part of the window,
so the existing translations still apply.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QPointF
from PySide6.QtGui import QCursor, QGuiApplication
from PySide6.QtWidgets import QInputDialog, QWidget

from studio.engine.registry import Registry
from studio.gui.editor import EditorTab
from studio.gui.palette import QuickAdd

translate = QCoreApplication.translate


class CanvasEdits:
    """Edit and View commands on whichever tab is current."""

    def __init__(
        self,
        *,
        registry: Registry,
        current_tab: Callable[[], EditorTab | None],
        new_flow: Callable[[], EditorTab],
        open_path: Callable[[Path], object],
        show_message: Callable[[str, int], None],
        dialog_parent: QWidget,
    ):
        self._registry = registry
        self._current_tab = current_tab
        self._new_flow = new_flow
        self._open_path = open_path
        self._show_message = show_message
        self._dialog_parent = dialog_parent

    def undo(self) -> None:
        """Undo the last edit of the current flow (Ctrl+Z)."""
        if tab := self._current_tab():
            tab.doc.undo_stack.undo()

    def redo(self) -> None:
        """Redo the edit just undone."""
        if tab := self._current_tab():
            tab.doc.undo_stack.redo()

    def copy(self) -> bool:
        """Copy the selected nodes and comment boxes; False when nothing is selected."""
        tab = self._current_tab()
        nodes, comments = tab.scene.selection_to_copy() if tab else ([], [])
        if not tab or not (nodes or comments):
            return False
        # Plain JSON text (marked as ours): pastes between tabs and windows, and into a text editor.
        # (A Python-made QMimeData handed to the clipboard crashes PySide at exit.)
        QGuiApplication.clipboard().setText(json.dumps(tab.doc.copy_nodes(nodes, comments), indent=1))
        return True

    def cut(self) -> None:
        """Copy the selection, then delete it as one undo step."""
        if self.copy() and (tab := self._current_tab()):
            nodes, comments = tab.scene.selection_to_copy()
            tab.scene.select_nodes(nodes + comments)  # remove exactly what went to the clipboard
            tab.scene.delete_selection()

    def paste(self, pos: QPointF | None = None) -> None:
        """Paste Chain Studio nodes from the clipboard (other text is ignored), their top-left
        at `pos` or at the mouse cursor; with the cursor off the canvas, a little beside the copied."""
        tab = self._current_tab()
        if tab is None:
            return
        try:
            payload = json.loads(QGuiApplication.clipboard().text())
        except ValueError:
            return
        if isinstance(payload, dict) and payload.get("chain_studio_clipboard"):
            at = pos if pos is not None else tab.view.cursor_on_canvas()
            offset = _offset_to(payload, at) if at is not None else (40.0, 40.0)  # else beside the copied
            try:
                tab.scene.select_nodes(tab.doc.paste(payload, offset))
            except Exception as error:  # a clipboard from elsewhere that does not validate
                self._show_message(translate("MainWindow", "Cannot paste: %s") % error, 6000)

    def duplicate(self) -> None:
        """Copy and paste the selection in one go (Ctrl+D)."""
        tab = self._current_tab()
        nodes, comments = tab.scene.selection_to_copy() if tab else ([], [])
        if tab and (nodes or comments):
            tab.scene.select_nodes(tab.doc.duplicate(nodes, comments))

    def delete_selection(self) -> None:
        """Delete the selected nodes, wires and comment boxes."""
        if tab := self._current_tab():
            tab.scene.delete_selection()

    def select_all(self) -> None:
        """Select every node."""
        if tab := self._current_tab():
            for item in tab.scene.nodes.values():
                item.setSelected(True)

    def find_node(self, text: str | None = None) -> str | None:
        """Ctrl+F: open the find bar over the canvas (no text), or select and centre the first
        node whose title, type or name contains the text."""
        tab = self._current_tab()
        if tab is None:
            return None
        if text is None:
            tab.find_bar.open()
            return None
        from studio.gui.find_bar import matching_nodes

        found = matching_nodes(tab.scene, text)
        if found:
            tab.scene.select_nodes([found[0]])
            tab.view.centerOn(tab.scene.nodes[found[0]])
            return found[0]
        self._show_message(translate("MainWindow", "No node matches '%s'.") % text, 5000)
        return None

    def rename_flow(self, tab: EditorTab | None = None, name: str | None = None) -> bool:
        """Flow > Rename (or a double-click on the tab): ask for a new name, one undo step."""
        from studio.gui.node_edits import rename_flow

        tab = tab or self._current_tab()
        if tab is None:
            return False
        if name is None:
            name, ok = QInputDialog.getText(
                self._dialog_parent,
                translate("MainWindow", "Rename flow"),
                translate("MainWindow", "Name of this flow:"),
                text=tab.doc.flow.name,
            )
            if not ok:
                return False
        return rename_flow(tab.doc, name)

    def quick_add(self, pos: QPointF | None = None, tab: EditorTab | None = None) -> str | None:
        """Search for a node type and place it at the cursor (Tab, double-click, Ctrl+Space)."""
        tab = tab or self._current_tab()
        if tab is None:
            return None
        pos = pos if pos is not None else tab.view.cursor_scene_pos()
        chosen = QuickAdd(self._registry, parent=self._dialog_parent).pick(QCursor.pos())
        return tab.view.add_node_at(chosen, pos) if chosen else None

    def wire_to_new_node(
        self,
        tab: EditorTab,
        node_id: str,
        port: str,
        from_output: bool,
        pos: QPointF,
        type_name: str | None = None,
    ) -> str | None:
        """A wire dropped in empty space: offer only the node types it fits, then add and wire."""
        from studio.engine.ports import PortType
        from studio.gui import wiring

        found = tab.doc.port(node_id, port, output=from_output)
        classes = wiring.compatible_classes(
            self._registry, found.type if found else PortType.ANY, from_output
        )
        if type_name is None:
            type_name = QuickAdd(self._registry, classes, parent=self._dialog_parent).pick(QCursor.pos())
        if not type_name:
            return None
        new_id = wiring.add_and_connect(tab.doc, node_id, port, from_output, type_name, (pos.x(), pos.y()))
        tab.scene.select_nodes([new_id])
        return new_id

    def add_file_nodes(self, tab: EditorTab, paths: list[Path], pos: QPointF) -> list[str]:
        """Files dropped on the canvas: a loader node for each (flow files open in a tab)."""
        from studio.gui import wiring

        added = []
        for index, path in enumerate(paths):
            if path.suffix.lower() == ".json" and self._is_flow_file(path):
                self._open_path(path)
                continue
            found = wiring.loader_for(self._registry, path)
            if found is None:
                self._show_message(translate("MainWindow", "No installed node loads %s") % path.name, 6000)
                continue
            type_name, config = found
            added.append(tab.doc.add_node(type_name, (pos.x(), pos.y() + 160 * index), config))
        if added:
            tab.scene.select_nodes(added)
        return added

    @staticmethod
    def _is_flow_file(path: Path) -> bool:
        try:
            return '"schema_version"' in path.read_text(encoding="utf-8", errors="replace")[:4096]
        except OSError:
            return False

    def add_from_palette(self, type_name: str) -> None:
        """A node type chosen in the palette: place it mid-view (in a new flow when none is open)."""
        tab = self._current_tab() or self._new_flow()
        centre = tab.view.mapToScene(tab.view.viewport().rect().center())
        tab.view.add_node_at(type_name, centre, centred=True)

    def auto_layout(self) -> None:
        """Arrange the selection (two nodes or more), else the whole flow, left to right."""
        if tab := self._current_tab():
            selected = set(tab.scene.selected_node_ids())
            tab.doc.auto_layout(selected if len(selected) > 1 else None)
            tab.view.fit_to_view()

    def add_comment_around_selection(self) -> str | None:
        """Frame the selected nodes with a comment box (an empty box mid-view when none are)."""
        tab = self._current_tab()
        if tab is None:
            return None
        comment_id = tab.doc.add_comment_around(tab.scene.selected_node_ids())
        if comment_id is None:
            centre = tab.view.mapToScene(tab.view.viewport().rect().center())
            comment_id = tab.doc.add_comment((centre.x() - 160, centre.y() - 100, 320, 200))
        return comment_id

    def fit_view(self) -> None:
        """Show the whole flow."""
        if tab := self._current_tab():
            tab.view.fit_to_view()

    def zoom_in(self) -> None:
        """Zoom in one step."""
        if tab := self._current_tab():
            tab.view.zoom_by(1.25)

    def zoom_out(self) -> None:
        """Zoom out one step."""
        if tab := self._current_tab():
            tab.view.zoom_by(0.8)


def _offset_to(payload: dict[str, Any], pos: QPointF) -> tuple[float, float]:
    """The shift that puts the top-left of the copied nodes and boxes at `pos`."""
    corners = []
    for key in ("nodes", "comments"):
        for raw in payload.get(key) or []:
            if isinstance(raw, dict):
                place = raw.get("ui", raw) if key == "nodes" else raw
                corners.append((float(place.get("x", 0)), float(place.get("y", 0))))
    if not corners:
        return 40.0, 40.0
    return pos.x() - min(x for x, _ in corners), pos.y() - min(y for _, y in corners)
