"""The editor's model: a Flow wrapped in a QObject that announces every change, with undo.

Views never change the flow directly. They call the public edit methods here, which push one
QUndoCommand each (see commands.py); the commands call the `_`-prefixed primitives, which change
the flow and emit the signals the canvas and inspector redraw from.
"""

from __future__ import annotations

import copy
import uuid
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoStack

from studio.engine.ports import Port, can_connect, explain_mismatch
from studio.engine.registry import Registry
from studio.flow import Comment, EdgeSpec, Flow, NodeSpec, dumps, load_flow, new_node_id, save_flow
from studio.gui import graph
from studio.gui.graph import EdgeKey, edge_key


class ConnectionRefused(ValueError):
    """A wire the user tried to draw that cannot be made; the message says why."""


class FlowDocument(QObject):
    """One open flow: the model every view of it reads, the only place edits happen."""

    nodeAdded = Signal(str)
    nodeRemoved = Signal(str)
    nodeMoved = Signal(str)
    nodeConfigChanged = Signal(str)
    edgeAdded = Signal(object)  # EdgeKey
    edgeRemoved = Signal(object)  # EdgeKey
    dirtyChanged = Signal(bool)
    pathChanged = Signal(object)  # Path | None
    nameChanged = Signal(str)  # the flow's name (renamed, or following Save As)
    commentAdded = Signal(str)
    commentRemoved = Signal(str)
    commentChanged = Signal(str)
    flowChanged = Signal()  # after any edit: for cheap "something changed" listeners

    def __init__(
        self,
        flow: Flow | None = None,
        *,
        registry: Registry | None = None,
        path: Path | None = None,
        parent: QObject | None = None,
    ):
        super().__init__(parent)
        if registry is None:
            from studio.engine.registry import default_registry

            registry = default_registry()
        self.registry = registry
        # A new flow is named in the UI language (the name is the user's from then on).
        self.flow = flow if flow is not None else Flow(name=self.tr("Untitled flow"))
        self.path = path
        # An unsaved copy of a template keeps resolving its relative paths against the template's
        # folder (not the app's working folder) until it is saved somewhere.
        self.template_dir: Path | None = None
        self.uid = uuid.uuid4().hex[:8]  # this open document, for autosave file names
        self._nodes: dict[str, NodeSpec] = {n.id: n for n in self.flow.nodes}
        self._ports: dict[str, tuple[list[Port], list[Port]]] = {}
        self.undo_stack = QUndoStack(self)
        # Bound methods, not lambdas: Qt drops them when the document goes, the stack's own
        # destruction then emits into nothing.
        self.undo_stack.cleanChanged.connect(self._on_clean_changed)
        self.undo_stack.indexChanged.connect(self._on_index_changed)

    def _on_clean_changed(self, clean: bool) -> None:
        self.dirtyChanged.emit(not clean)

    def _on_index_changed(self, _index: int) -> None:
        self.flowChanged.emit()

    # -- files ---------------------------------------------------------------------------------

    @classmethod
    def open(cls, path: Path, *, registry: Registry | None = None) -> FlowDocument:
        """Load a flow file (FlowError explains what is wrong with it)."""
        return cls(load_flow(path), registry=registry, path=Path(path))

    @property
    def base_dir(self) -> Path | None:
        """The folder relative paths in the flow resolve against: the flow file's folder."""
        return self.path.parent if self.path else self.template_dir

    def save(self, path: Path | None = None) -> Path:
        """Write the flow atomically to `path` (or where it came from) and mark it clean."""
        target = Path(path) if path is not None else self.path
        if target is None:
            raise ValueError("this flow has never been saved: choose a file name")
        if target != self.path and target.stem:  # the name follows Save As (not an undo step)
            self._set_name(target.stem[:200])
        save_flow(self.flow, target)
        if target != self.path:
            self.path = target
            self.pathChanged.emit(target)
        self.undo_stack.setClean()
        return target

    @property
    def dirty(self) -> bool:
        """Whether there are edits since the last save (or since opening)."""
        return not self.undo_stack.isClean()

    def title(self) -> str:
        """What a tab shows: the flow's name (it follows Save As; the tooltip shows the file)."""
        return self.flow.name

    def text(self) -> str:
        """The flow as it would be saved."""
        return dumps(self.flow)

    # -- reading -------------------------------------------------------------------------------

    def node(self, node_id: str) -> NodeSpec:
        """The node with this id (KeyError if none)."""
        return self._nodes[node_id]

    def has_node(self, node_id: str) -> bool:
        return node_id in self._nodes

    def node_class(self, node_id: str) -> Any:
        """The registered class of a node, or None when its type is not installed."""
        return self.registry.types.get(self._nodes[node_id].type)

    def ports(self, node_id: str) -> tuple[list[Port], list[Port]]:
        """(inputs, outputs) for the node's current config, cached until the config changes."""
        cached = self._ports.get(node_id)
        if cached is None:
            node = self._nodes[node_id]
            touching = [e for e in self.flow.edges if node_id in (e.source, e.target)]
            cached = graph.node_ports(node, self.registry, touching)
            self._ports[node_id] = cached
        return cached

    def port(self, node_id: str, name: str, *, output: bool) -> Port | None:
        """One port by name, or None."""
        inputs, outputs = self.ports(node_id)
        for port in outputs if output else inputs:
            if port.name == name:
                return port
        return None

    def edges_of(self, node_ids: set[str]) -> list[EdgeSpec]:
        """Edges touching any of these nodes."""
        return [e for e in self.flow.edges if e.source in node_ids or e.target in node_ids]

    def check_connection(self, source: str, source_port: str, target: str, target_port: str) -> str | None:
        """Why this wire cannot be drawn, or None when it can."""
        if source == target:
            return "a node cannot feed itself"
        out = self.port(source, source_port, output=True)
        into = self.port(target, target_port, output=False)
        if out is None:
            return f"{self.flow.label(source)} has no output {source_port!r}"
        if into is None:
            return f"{self.flow.label(target)} has no input {target_port!r}"
        if not can_connect(out.type, into.type):
            return explain_mismatch(out.type, into.type)
        key = (source, source_port, target, target_port)
        if any(edge_key(e) == key for e in self.flow.edges):
            return "these ports are already connected"
        if graph.would_cycle(self.flow, source, target):
            return "this wire would make a loop; a flow runs in one direction"
        return None

    # -- edits (each one undoable command) -----------------------------------------------------

    def add_node(
        self, type_name: str, pos: tuple[float, float] = (0.0, 0.0), config: dict[str, Any] | None = None
    ) -> str:
        """Place a new node of a registered type; returns its id."""
        from studio.gui.commands import AddNode

        node_class = self.registry.get(type_name)
        spec = NodeSpec(
            id=new_node_id(),
            type=type_name,
            version=node_class.version,
            config=config if config is not None else graph.default_config(node_class),
            ui={"x": float(pos[0]), "y": float(pos[1])},
        )
        self.undo_stack.push(AddNode(self, spec))
        return spec.id

    def remove_nodes(self, node_ids: set[str] | list[str]) -> None:
        """Delete nodes and every wire touching them."""
        from studio.gui.commands import RemoveNodes

        ids = [i for i in node_ids if i in self._nodes]
        if ids:
            self.undo_stack.push(RemoveNodes(self, ids))

    def move_nodes(self, positions: dict[str, tuple[float, float]]) -> None:
        """Move nodes to new top-left positions (consecutive moves of one set merge into one)."""
        from studio.gui.commands import MoveNodes

        changed = {i: p for i, p in positions.items() if self.position(i) != (float(p[0]), float(p[1]))}
        if changed:
            self.undo_stack.push(MoveNodes(self, changed))

    def connect_ports(self, source: str, source_port: str, target: str, target_port: str) -> EdgeKey:
        """Draw a wire; raises ConnectionRefused with the reason when the ports do not fit."""
        from studio.gui.commands import Connect

        reason = self.check_connection(source, source_port, target, target_port)
        if reason:
            raise ConnectionRefused(reason)
        edge = EdgeSpec(source=source, source_port=source_port, target=target, target_port=target_port)
        self.undo_stack.push(Connect(self, edge))
        return edge_key(edge)

    def disconnect_edges(self, keys: list[EdgeKey]) -> None:
        """Remove wires."""
        from studio.gui.commands import Disconnect

        present = {edge_key(e) for e in self.flow.edges}
        keys = [k for k in keys if k in present]
        if keys:
            self.undo_stack.push(Disconnect(self, keys))

    def set_config(self, node_id: str, config: dict[str, Any]) -> None:
        """Replace a node's settings (typing into one field merges into one undo step)."""
        from studio.gui.commands import SetConfig

        if self._nodes[node_id].config != config:
            self.undo_stack.push(SetConfig(self, node_id, copy.deepcopy(config)))

    def set_config_value(self, node_id: str, key: str, value: Any) -> None:
        """Change one setting."""
        config = copy.deepcopy(self._nodes[node_id].config)
        config[key] = value
        self.set_config(node_id, config)

    def copy_nodes(self, node_ids: Iterable[str], comment_ids: Iterable[str] = ()) -> dict[str, Any]:
        """A clipboard payload: the nodes, the wires between them and comment boxes, as JSON data."""
        chosen = set(node_ids)
        nodes = [n.model_dump(mode="json", exclude_none=True) for n in self.flow.nodes if n.id in chosen]
        edges = [
            e.model_dump(mode="json") for e in self.flow.edges if e.source in chosen and e.target in chosen
        ]
        payload: dict[str, Any] = {"chain_studio_clipboard": 1, "nodes": nodes, "edges": edges}
        framed = set(comment_ids)
        comments = [
            c.model_dump(mode="json", exclude_none=True) for c in self.flow.comments or [] if c.id in framed
        ]
        if comments:
            payload["comments"] = comments
        return payload

    def paste(self, payload: dict[str, Any], offset: tuple[float, float] = (40.0, 40.0)) -> list[str]:
        """Add copies of clipboard nodes (and comment boxes) with fresh ids, shifted by `offset`;
        returns the new ids, nodes first, then comments."""
        from studio.gui.commands import Paste

        renamed: dict[str, str] = {}
        nodes = []
        for raw in payload.get("nodes", []):
            spec = NodeSpec.model_validate(raw)
            new_id = new_node_id()
            renamed[spec.id] = new_id
            ui = dict(spec.ui)
            ui["x"] = float(ui.get("x", 0)) + offset[0]
            ui["y"] = float(ui.get("y", 0)) + offset[1]
            nodes.append(spec.model_copy(update={"id": new_id, "ui": ui}, deep=True))
        edges = []
        for raw in payload.get("edges", []):
            edge = EdgeSpec.model_validate(raw)
            if edge.source in renamed and edge.target in renamed:
                edges.append(
                    edge.model_copy(update={"source": renamed[edge.source], "target": renamed[edge.target]})
                )
        comments = []
        for raw in payload.get("comments", []):
            comment = Comment.model_validate(raw)
            comments.append(
                comment.model_copy(
                    update={
                        "id": "comment-" + uuid.uuid4().hex[:8],
                        "x": comment.x + offset[0],
                        "y": comment.y + offset[1],
                    }
                )
            )
        if nodes or comments:
            self.undo_stack.push(Paste(self, nodes, edges, comments))
        return [n.id for n in nodes] + [c.id for c in comments]

    def duplicate(self, node_ids: Iterable[str], comment_ids: Iterable[str] = ()) -> list[str]:
        """Copy and paste in one go (comment boxes too); returns the new ids."""
        return self.paste(self.copy_nodes(node_ids, comment_ids))

    def auto_layout(self, node_ids: set[str] | None = None) -> None:
        """Arrange the flow (or the selection) in left-to-right layers."""
        from studio.gui.commands import AutoLayout

        positions = graph.layered_layout(self.flow, node_ids, heights=self.node_heights())
        changed = {i: p for i, p in positions.items() if self.position(i) != p}
        if changed:
            self.undo_stack.push(AutoLayout(self, changed))

    def node_heights(self) -> dict[str, float]:
        """How tall each node is drawn (header, one row per port, footer), for layouts."""
        heights = {}
        for node in self.flow.nodes:
            inputs, outputs = self.ports(node.id)
            heights[node.id] = 28.0 + max(len(inputs), len(outputs), 1) * 22.0 + 28.0
        return heights

    # -- comment boxes -------------------------------------------------------------------------

    def comment(self, comment_id: str) -> Comment:
        """The comment box with this id (KeyError if none)."""
        for comment in self.flow.comments or []:
            if comment.id == comment_id:
                return comment
        raise KeyError(comment_id)

    def has_comment(self, comment_id: str) -> bool:
        return any(c.id == comment_id for c in self.flow.comments or [])

    def nodes_inside(self, comment_id: str) -> list[str]:
        """Nodes whose top-left corner lies inside a comment box (they move with it)."""
        c = self.comment(comment_id)
        inside = []
        for node in self.flow.nodes:
            x, y = self.position(node.id)
            if c.x <= x <= c.x + c.width and c.y <= y <= c.y + c.height:
                inside.append(node.id)
        return inside

    def add_comment(
        self, rect: tuple[float, float, float, float], text: str = "", color: str | None = None
    ) -> str:
        """Put a comment box at (x, y, width, height); returns its id."""
        from studio.gui.commands import AddComment

        x, y, width, height = (float(v) for v in rect)
        comment = Comment(
            id="comment-" + uuid.uuid4().hex[:8],
            text=text,
            x=x,
            y=y,
            width=max(width, 40.0),
            height=max(height, 40.0),
            color=color,
        )
        self.undo_stack.push(AddComment(self, comment))
        return comment.id

    def add_comment_around(self, node_ids: list[str], text: str = "", margin: float = 40.0) -> str | None:
        """A comment box framing these nodes (None when there are none)."""
        ids = [i for i in node_ids if i in self._nodes]
        if not ids:
            return None
        heights = self.node_heights()
        xs = [self.position(i)[0] for i in ids]
        ys = [self.position(i)[1] for i in ids]
        right = max(self.position(i)[0] + 210.0 for i in ids)
        bottom = max(self.position(i)[1] + heights[i] for i in ids)
        # Extra room on top for the comment's title.
        left, top = min(xs) - margin, min(ys) - margin - 20.0
        return self.add_comment((left, top, right + margin - left, bottom + margin - top), text)

    def remove_comments(self, comment_ids: list[str]) -> None:
        """Delete comment boxes; the nodes inside them stay."""
        from studio.gui.commands import RemoveComments

        present = {c.id for c in self.flow.comments or []}
        ids = [i for i in comment_ids if i in present]
        if ids:
            self.undo_stack.push(RemoveComments(self, ids))

    def move_comment(
        self, comment_id: str, pos: tuple[float, float], node_ids: list[str] | None = None
    ) -> None:
        """Move a comment box and the nodes inside it (or `node_ids`) by the same distance."""
        from studio.gui.commands import ChangeComment

        c = self.comment(comment_id)
        dx, dy = float(pos[0]) - c.x, float(pos[1]) - c.y
        if not dx and not dy:
            return
        inside = self.nodes_inside(comment_id) if node_ids is None else node_ids
        positions = {i: (self.position(i)[0] + dx, self.position(i)[1] + dy) for i in inside}
        self.undo_stack.push(
            ChangeComment(
                self, comment_id, {"x": float(pos[0]), "y": float(pos[1])}, self.tr("Move comment"), positions
            )
        )

    def resize_comment(self, comment_id: str, width: float, height: float) -> None:
        """Change a comment box's size."""
        from studio.gui.commands import ChangeComment

        c = self.comment(comment_id)
        size = {"width": max(float(width), 40.0), "height": max(float(height), 40.0)}
        if (c.width, c.height) != (size["width"], size["height"]):
            self.undo_stack.push(ChangeComment(self, comment_id, size, self.tr("Resize comment")))

    def set_comment_text(self, comment_id: str, text: str) -> None:
        """Change a comment box's title."""
        from studio.gui.commands import ChangeComment

        if self.comment(comment_id).text != text:
            self.undo_stack.push(ChangeComment(self, comment_id, {"text": text}, self.tr("Edit comment")))

    def set_comment_color(self, comment_id: str, color: str | None) -> None:
        """Change a comment box's colour ("#rrggbb", or None for the default)."""
        from studio.gui.commands import ChangeComment

        if self.comment(comment_id).color != color:
            self.undo_stack.push(ChangeComment(self, comment_id, {"color": color}, self.tr("Colour comment")))

    def begin_macro(self, text: str) -> None:
        """Group the following edits into one undo step until end_macro()."""
        self.undo_stack.beginMacro(text)

    def end_macro(self) -> None:
        self.undo_stack.endMacro()

    # -- primitives used by the commands: change the flow, then announce it --------------------

    def position(self, node_id: str) -> tuple[float, float]:
        ui = self._nodes[node_id].ui
        return float(ui.get("x", 0.0)), float(ui.get("y", 0.0))

    def _insert_node(self, index: int, spec: NodeSpec) -> None:
        self.flow.nodes.insert(index, spec)
        self._nodes[spec.id] = spec
        self.nodeAdded.emit(spec.id)

    def _remove_node(self, node_id: str) -> tuple[int, NodeSpec]:
        spec = self._nodes.pop(node_id)
        index = self.flow.nodes.index(spec)
        del self.flow.nodes[index]
        self._ports.pop(node_id, None)
        self.nodeRemoved.emit(node_id)
        return index, spec

    def _set_ui(self, node_id: str, ui: dict[str, Any]) -> None:
        self._nodes[node_id].ui = ui
        self.nodeMoved.emit(node_id)

    def _set_name(self, name: str) -> None:
        self.flow.name = name
        self.nameChanged.emit(name)

    def _set_position(self, node_id: str, pos: tuple[float, float]) -> None:
        ui = dict(self._nodes[node_id].ui)
        ui["x"], ui["y"] = float(pos[0]), float(pos[1])
        self._set_ui(node_id, ui)

    def _set_config(self, node_id: str, config: dict[str, Any]) -> None:
        self._nodes[node_id].config = copy.deepcopy(config)
        self._ports.pop(node_id, None)
        self.nodeConfigChanged.emit(node_id)

    def _insert_comment(self, index: int, comment: Comment) -> None:
        if self.flow.comments is None:
            self.flow.comments = []
        self.flow.comments.insert(index, comment)
        self.commentAdded.emit(comment.id)

    def _remove_comment(self, comment_id: str, *, drop_list: bool = False) -> tuple[int, Comment]:
        comments = self.flow.comments or []
        comment = self.comment(comment_id)
        index = comments.index(comment)
        del comments[index]
        if drop_list and not comments:
            self.flow.comments = None
        self.commentRemoved.emit(comment_id)
        return index, comment

    def _set_comment(self, comment: Comment) -> None:
        comments = self.flow.comments or []
        comments[comments.index(self.comment(comment.id))] = comment
        self.commentChanged.emit(comment.id)

    def _insert_edge(self, index: int, edge: EdgeSpec) -> None:
        self.flow.edges.insert(index, edge)
        self._ports.pop(edge.source, None)
        self._ports.pop(edge.target, None)
        self.edgeAdded.emit(edge_key(edge))

    def _remove_edge(self, key: EdgeKey) -> tuple[int, EdgeSpec]:
        for index, edge in enumerate(self.flow.edges):
            if edge_key(edge) == key:
                del self.flow.edges[index]
                self._ports.pop(edge.source, None)
                self._ports.pop(edge.target, None)
                self.edgeRemoved.emit(key)
                return index, edge
        raise KeyError(key)

    def _edge_index(self, key: EdgeKey) -> int:
        for index, edge in enumerate(self.flow.edges):
            if edge_key(edge) == key:
                return index
        raise KeyError(key)
