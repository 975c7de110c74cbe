"""Edits the right-click menus make, each one undo step: switch nodes off and on, rename a node or
the flow, and insert a node into a wire (the wire is split: source -> new node -> target)."""

from __future__ import annotations

import weakref
from typing import Any

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QUndoCommand

from studio.engine.node import Node
from studio.engine.ports import PortType
from studio.engine.registry import Registry
from studio.gui import wiring
from studio.gui.document import ConnectionRefused, FlowDocument
from studio.gui.graph import EdgeKey

translate = QCoreApplication.translate


class _DocCommand(QUndoCommand):
    """Holds its document weakly (the document owns the stack that owns the command)."""

    def __init__(self, doc: FlowDocument, text: str):
        super().__init__(text)
        self._doc = weakref.ref(doc)

    @property
    def doc(self) -> FlowDocument:
        doc = self._doc()
        if doc is None:
            raise RuntimeError("the document of this edit is gone")
        return doc


class SetNodeUi(_DocCommand):
    """Set (or, with None, remove) one key of some nodes' `ui` dicts: "disabled", "title"."""

    def __init__(self, doc: FlowDocument, node_ids: list[str], key: str, value: Any, text: str):
        super().__init__(doc, text)
        self.key, self.value = key, value
        self.before = {i: dict(doc.node(i).ui) for i in node_ids}

    def redo(self) -> None:
        for node_id, ui in self.before.items():
            changed = dict(ui)
            if self.value is None:
                changed.pop(self.key, None)  # removed, so a file switched back is byte-identical
            else:
                changed[self.key] = self.value
            self.doc._set_ui(node_id, changed)

    def undo(self) -> None:
        for node_id, ui in self.before.items():
            self.doc._set_ui(node_id, dict(ui))


class RenameFlow(_DocCommand):
    """Change the flow's name (what its tab shows)."""

    def __init__(self, doc: FlowDocument, name: str):
        super().__init__(doc, translate("NodeEdits", "Rename flow"))
        self.before, self.after = doc.flow.name, name

    def redo(self) -> None:
        self.doc._set_name(self.after)

    def undo(self) -> None:
        self.doc._set_name(self.before)


def is_disabled(doc: FlowDocument, node_id: str) -> bool:
    """Whether the node is switched off (the engine does not run it)."""
    return bool(doc.node(node_id).ui.get("disabled"))


def set_disabled(doc: FlowDocument, node_ids: list[str], disabled: bool) -> None:
    """Switch nodes off (they and what needs only them are "not run") or back on."""
    ids = [i for i in node_ids if doc.has_node(i) and is_disabled(doc, i) != disabled]
    if ids:
        text = translate("NodeEdits", "Disable nodes") if disabled else translate("NodeEdits", "Enable nodes")
        doc.undo_stack.push(SetNodeUi(doc, ids, "disabled", True if disabled else None, text))


def rename_node(doc: FlowDocument, node_id: str, title: str) -> None:
    """Give a node its own title (an empty title goes back to the node type's)."""
    title = " ".join(title.split())[:120]
    if (doc.node(node_id).ui.get("title") or "") != title:
        text = translate("NodeEdits", "Rename node")
        doc.undo_stack.push(SetNodeUi(doc, [node_id], "title", title or None, text))


def rename_flow(doc: FlowDocument, name: str) -> bool:
    """Rename the flow; False (nothing done) for an empty or unchanged name."""
    name = " ".join(name.split())[:200]
    if not name or name == doc.flow.name:
        return False
    doc.undo_stack.push(RenameFlow(doc, name))
    return True


def wire_classes(registry: Registry, doc: FlowDocument, key: EdgeKey) -> list[type[Node]]:
    """Node types that fit into this wire: an input for its value and an output for its target."""
    source, source_port, target, target_port = key
    out = doc.port(source, source_port, output=True)
    into = doc.port(target, target_port, output=False)
    fits_in = wiring.compatible_classes(registry, out.type if out else PortType.ANY, True)
    return [
        c for c in fits_in if wiring.matching_port(c, into.type if into else PortType.ANY, False) is not None
    ]


def insert_on_wire(doc: FlowDocument, key: EdgeKey, type_name: str) -> str:
    """Split a wire with a new node of `type_name` placed between its ends, as one undo step."""
    source, source_port, target, target_port = key
    out = doc.port(source, source_port, output=True)
    into = doc.port(target, target_port, output=False)
    node_class = doc.registry.get(type_name)
    new_in = wiring.matching_port(node_class, out.type if out else PortType.ANY, True)
    new_out = wiring.matching_port(node_class, into.type if into else PortType.ANY, False)
    (sx, sy), (tx, ty) = doc.position(source), doc.position(target)
    doc.begin_macro(translate("NodeEdits", "Insert node"))
    try:
        new_id = doc.add_node(type_name, ((sx + tx) / 2, (sy + ty) / 2))
        doc.disconnect_edges([key])
        try:
            if new_in is not None:
                doc.connect_ports(source, source_port, new_id, new_in)
            if new_out is not None:
                doc.connect_ports(new_id, new_out, target, target_port)
        except ConnectionRefused:
            pass  # the node is placed and wired as far as it fits
    finally:
        doc.end_macro()
    return new_id
