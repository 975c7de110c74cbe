"""Every edit of a flow as one QUndoCommand. Undo puts nodes and edges back at their old places in
the lists, so an undone edit leaves the saved file byte-for-byte as it was."""

from __future__ import annotations

import copy
import weakref
from typing import Any

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QUndoCommand

from studio.flow import Comment, EdgeSpec, NodeSpec
from studio.gui.flow_primitives import FlowPrimitives
from studio.gui.graph import EdgeKey, edge_key

translate = QCoreApplication.translate
MOVE_ID = 1001
CONFIG_ID = 1002


def _remove_edges_at(doc: FlowPrimitives, keys: list[EdgeKey]) -> list[tuple[int, EdgeSpec]]:
    """Remove edges and return (index, edge) pairs, ready for _restore_edges."""
    removed = [(doc._edge_index(k), k) for k in keys]
    removed.sort(reverse=True)  # from the back, so earlier indices stay valid
    out = []
    for _index, key in removed:
        out.append(doc._remove_edge(key))
    out.sort(key=lambda pair: pair[0])
    return out


def _restore_edges(doc: FlowPrimitives, removed: list[tuple[int, EdgeSpec]]) -> None:
    for index, edge in sorted(removed, key=lambda pair: pair[0]):
        doc._insert_edge(index, edge)


class _Command(QUndoCommand):
    """Holds its document weakly: the document owns its undo stack, which owns the commands, so
    a strong reference back would make a cycle Python's collector frees after Qt has gone."""

    _doc: weakref.ReferenceType[FlowPrimitives]

    @property
    def doc(self) -> FlowPrimitives:
        doc = self._doc()
        if doc is None:
            raise RuntimeError("the document of this edit is gone")
        return doc


class AddNode(_Command):
    """Place one node at the end of the node list."""

    def __init__(self, doc: FlowPrimitives, spec: NodeSpec):
        super().__init__(translate("Commands", "Add %s") % spec.type)
        self._doc, self.spec = weakref.ref(doc), spec
        self.index = len(doc.flow.nodes)

    def redo(self) -> None:
        self.doc._insert_node(self.index, self.spec)

    def undo(self) -> None:
        self.doc._remove_node(self.spec.id)


class RemoveNodes(_Command):
    """Delete nodes together with every wire touching them."""

    def __init__(self, doc: FlowPrimitives, node_ids: list[str]):
        super().__init__(translate("Commands", "Delete nodes"))
        self._doc = weakref.ref(doc)
        self.node_ids = list(node_ids)
        self.nodes: list[tuple[int, NodeSpec]] = []
        self.edges: list[tuple[int, EdgeSpec]] = []

    def redo(self) -> None:
        chosen = set(self.node_ids)
        keys = [edge_key(e) for e in self.doc.edges_of(chosen)]
        self.edges = _remove_edges_at(self.doc, keys)
        indexed = sorted(((self.doc.flow.nodes.index(self.doc.node(i)), i) for i in chosen), reverse=True)
        self.nodes = [self.doc._remove_node(node_id) for _index, node_id in indexed]
        self.nodes.sort(key=lambda pair: pair[0])

    def undo(self) -> None:
        for index, spec in self.nodes:
            self.doc._insert_node(index, spec)
        _restore_edges(self.doc, self.edges)


class _Positions(_Command):
    def __init__(self, doc: FlowPrimitives, positions: dict[str, tuple[float, float]], text: str):
        super().__init__(text)
        self._doc = weakref.ref(doc)
        self.before = {i: copy.deepcopy(doc.node(i).ui) for i in positions}
        self.after = {i: (float(x), float(y)) for i, (x, y) in positions.items()}

    def redo(self) -> None:
        for node_id, pos in self.after.items():
            self.doc._set_position(node_id, pos)

    def undo(self) -> None:
        for node_id, ui in self.before.items():
            self.doc._set_ui(node_id, copy.deepcopy(ui))


class MoveNodes(_Positions):
    """Move nodes; consecutive moves of the same nodes merge into one undo step."""

    def __init__(self, doc: FlowPrimitives, positions: dict[str, tuple[float, float]]):
        super().__init__(doc, positions, translate("Commands", "Move nodes"))

    def id(self) -> int:
        return MOVE_ID

    def mergeWith(self, other: QUndoCommand) -> bool:
        if not isinstance(other, MoveNodes) or set(other.after) != set(self.after):
            return False
        self.after = dict(other.after)
        return True


class AutoLayout(_Positions):
    """Arrange nodes in layers."""

    def __init__(self, doc: FlowPrimitives, positions: dict[str, tuple[float, float]]):
        super().__init__(doc, positions, translate("Commands", "Auto layout"))


class Connect(_Command):
    """Draw a wire. A single-wire input that already has one gets the new wire instead."""

    def __init__(self, doc: FlowPrimitives, edge: EdgeSpec):
        super().__init__(translate("Commands", "Connect"))
        self._doc, self.edge = weakref.ref(doc), edge
        self.replaced: list[tuple[int, EdgeSpec]] = []

    def redo(self) -> None:
        port = self.doc.port(self.edge.target, self.edge.target_port, output=False)
        old = []
        if port is not None and not port.multi:
            old = [
                edge_key(e)
                for e in self.doc.flow.edges
                if e.target == self.edge.target and e.target_port == self.edge.target_port
            ]
        self.replaced = _remove_edges_at(self.doc, old)
        self.doc._insert_edge(len(self.doc.flow.edges), self.edge)

    def undo(self) -> None:
        self.doc._remove_edge(edge_key(self.edge))
        _restore_edges(self.doc, self.replaced)


class Disconnect(_Command):
    """Remove wires."""

    def __init__(self, doc: FlowPrimitives, keys: list[EdgeKey]):
        super().__init__(translate("Commands", "Disconnect"))
        self._doc, self.keys = weakref.ref(doc), list(keys)
        self.removed: list[tuple[int, EdgeSpec]] = []

    def redo(self) -> None:
        self.removed = _remove_edges_at(self.doc, self.keys)

    def undo(self) -> None:
        _restore_edges(self.doc, self.removed)


class SetConfig(_Command):
    """Change a node's settings. Wires into ports the new settings no longer have are removed in
    the same step (a template variable deleted from the text drops its wire)."""

    def __init__(self, doc: FlowPrimitives, node_id: str, config: dict[str, Any]):
        super().__init__(translate("Commands", "Change settings"))
        self._doc, self.node_id = weakref.ref(doc), node_id
        self.before = copy.deepcopy(doc.node(node_id).config)
        self.after = config
        self.dropped: list[tuple[int, EdgeSpec]] = []
        self.keys_changed = {k for k in set(self.before) | set(config) if self.before.get(k) != config.get(k)}

    def id(self) -> int:
        return CONFIG_ID

    def mergeWith(self, other: QUndoCommand) -> bool:
        # Typing into one field gives one step, but a step that dropped wires stays on its own.
        if (
            not isinstance(other, SetConfig)
            or other.node_id != self.node_id
            or other.keys_changed != self.keys_changed
            or self.dropped
            or other.dropped
        ):
            return False
        self.after = copy.deepcopy(other.after)
        return True

    def redo(self) -> None:
        self.doc._set_config(self.node_id, self.after)
        node_class = self.doc.node_class(self.node_id)
        if node_class is None:
            self.dropped = []
            return
        try:
            config = node_class.Config.model_validate(self.after)
        except Exception:  # half-typed settings: keep the wires until the settings are valid
            self.dropped = []
            return
        inputs = {p.name for p in node_class.input_ports(config)}
        outputs = {p.name for p in node_class.output_ports(config)}
        stale = [
            edge_key(e)
            for e in self.doc.flow.edges
            if (e.target == self.node_id and e.target_port not in inputs)
            or (e.source == self.node_id and e.source_port not in outputs)
        ]
        self.dropped = _remove_edges_at(self.doc, stale)

    def undo(self) -> None:
        self.doc._set_config(self.node_id, self.before)
        _restore_edges(self.doc, self.dropped)


class Paste(_Command):
    """Add copied nodes, the wires between them and copied comment boxes."""

    def __init__(
        self,
        doc: FlowPrimitives,
        nodes: list[NodeSpec],
        edges: list[EdgeSpec],
        comments: list[Comment] | None = None,
    ):
        super().__init__(translate("Commands", "Paste"))
        self._doc, self.nodes, self.edges = weakref.ref(doc), nodes, edges
        self.comments = list(comments or [])
        self.was_none = doc.flow.comments is None  # undo leaves a file without comments untouched

    def redo(self) -> None:
        for comment in self.comments:  # boxes first: they are drawn under the nodes
            self.doc._insert_comment(len(self.doc.flow.comments or []), comment)
        for spec in self.nodes:
            self.doc._insert_node(len(self.doc.flow.nodes), spec)
        for edge in self.edges:
            self.doc._insert_edge(len(self.doc.flow.edges), edge)

    def undo(self) -> None:
        for edge in reversed(self.edges):
            self.doc._remove_edge(edge_key(edge))
        for spec in reversed(self.nodes):
            self.doc._remove_node(spec.id)
        for comment in reversed(self.comments):
            self.doc._remove_comment(comment.id, drop_list=self.was_none)


# -- comment boxes ------------------------------------------------------------------------------


class AddComment(_Command):
    """Put a comment box on the canvas."""

    def __init__(self, doc: FlowPrimitives, comment: Comment):
        super().__init__(translate("Commands", "Add comment"))
        self._doc, self.comment = weakref.ref(doc), comment
        self.was_none = doc.flow.comments is None  # undo leaves a file without comments untouched
        self.index = len(doc.flow.comments or [])

    def redo(self) -> None:
        self.doc._insert_comment(self.index, self.comment)

    def undo(self) -> None:
        self.doc._remove_comment(self.comment.id, drop_list=self.was_none)


class RemoveComments(_Command):
    """Delete comment boxes (the nodes inside stay)."""

    def __init__(self, doc: FlowPrimitives, comment_ids: list[str]):
        super().__init__(translate("Commands", "Delete comments"))
        self._doc, self.ids = weakref.ref(doc), list(comment_ids)
        self.removed: list[tuple[int, Comment]] = []

    def redo(self) -> None:
        comments = self.doc.flow.comments or []
        order = sorted(((comments.index(self.doc.comment(i)), i) for i in self.ids), reverse=True)
        self.removed = [self.doc._remove_comment(i) for _index, i in order]
        self.removed.sort(key=lambda pair: pair[0])

    def undo(self) -> None:
        for index, comment in self.removed:
            self.doc._insert_comment(index, comment)


class ChangeComment(_Command):
    """Move, resize or retitle a comment box; a move carries the nodes inside it along."""

    def __init__(
        self,
        doc: FlowPrimitives,
        comment_id: str,
        changes: dict[str, Any],
        text: str,
        positions: dict[str, tuple[float, float]] | None = None,
    ):
        super().__init__(text)
        self._doc, self.comment_id = weakref.ref(doc), comment_id
        self.before = doc.comment(comment_id)
        self.after = self.before.model_copy(update=changes)
        self.nodes_before = {i: copy.deepcopy(doc.node(i).ui) for i in positions or {}}
        self.nodes_after = {i: (float(x), float(y)) for i, (x, y) in (positions or {}).items()}

    def redo(self) -> None:
        self.doc._set_comment(self.after)
        for node_id, pos in self.nodes_after.items():
            self.doc._set_position(node_id, pos)

    def undo(self) -> None:
        self.doc._set_comment(self.before)
        for node_id, ui in self.nodes_before.items():
            self.doc._set_ui(node_id, copy.deepcopy(ui))
