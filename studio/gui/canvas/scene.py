"""The scene: graphics items kept in step with a FlowDocument, and the mouse gestures that edit it
(dragging nodes, drawing wires). Items never change the flow themselves: they ask the document."""

from __future__ import annotations

from collections import defaultdict

from PySide6.QtCore import QObject, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QPainter, QPainterPath, QPen, QTransform
from PySide6.QtWidgets import (
    QGraphicsItem,
    QGraphicsPathItem,
    QGraphicsScene,
    QGraphicsSceneMouseEvent,
    QToolTip,
)

from studio.engine.ports import can_connect, explain_mismatch
from studio.gui.canvas import style
from studio.gui.canvas.comment_item import CommentItem
from studio.gui.canvas.edge_item import EdgeItem, bezier
from studio.gui.canvas.node_item import NodeItem, PortRef
from studio.gui.document import ConnectionRefused, FlowDocument
from studio.gui.graph import EdgeKey
from studio.gui.i18n import catalogue_text

OVERVIEW_ZOOM = 0.3  # below this zoom, nodes are drawn as plain blocks


class FlowScene(QGraphicsScene):
    """Items for every node and edge of one document."""

    message = Signal(str)  # something to show in the status bar (a refused wire)
    wireDroppedInSpace = Signal(str, str, bool, QPointF)  # node, port, from output, scene pos

    def __init__(self, doc: FlowDocument, parent: QObject | None = None):
        super().__init__(parent)
        self.doc = doc
        self.snap = True
        self.nodes: dict[str, NodeItem] = {}
        self.edges: dict[EdgeKey, EdgeItem] = {}
        self.comments: dict[str, CommentItem] = {}
        self._edges_of: dict[str, set[EdgeKey]] = defaultdict(set)
        self.syncing = False  # True while positions come from the document
        self._drag_from: tuple[NodeItem, PortRef] | None = None
        self._drag_wire: QGraphicsPathItem | None = None
        self._press_positions: dict[str, QPointF] = {}
        self._cache_mode = QGraphicsItem.CacheMode.ItemCoordinateCache
        self.overview = False
        self._overview_wires: dict[str, QPainterPath] | None = None
        self.setItemIndexMethod(QGraphicsScene.ItemIndexMethod.BspTreeIndex)
        self.setSceneRect(QRectF(-50000, -50000, 100000, 100000))
        self._build()
        doc.nodeAdded.connect(self._on_node_added)
        doc.nodeRemoved.connect(self._on_node_removed)
        doc.nodeMoved.connect(self._on_node_moved)
        doc.nodeConfigChanged.connect(self._on_config_changed)
        doc.edgeAdded.connect(self._on_edge_added)
        doc.edgeRemoved.connect(self._on_edge_removed)
        doc.commentAdded.connect(self._on_comment_added)
        doc.commentRemoved.connect(self._on_comment_removed)
        doc.commentChanged.connect(self._on_comment_changed)

    # -- building from the document -------------------------------------------------------------

    def _build(self) -> None:
        for comment in self.doc.flow.comments or []:
            self._on_comment_added(comment.id)
        for node in self.doc.flow.nodes:
            self._on_node_added(node.id)
        for edge in self.doc.flow.edges:
            self._on_edge_added((edge.source, edge.source_port, edge.target, edge.target_port))

    def _title(self, node_id: str) -> tuple[str, str]:
        spec = self.doc.node(node_id)
        node_class = self.doc.node_class(node_id)
        custom = spec.ui.get("title")
        name = spec.config.get("name") if node_class is not None and node_class.interface else None
        if node_class is None:
            return (custom or spec.type) + " ?", "Unknown"
        # A custom title is shown translated when the catalogue has it (the templates' titles).
        title = catalogue_text(custom) if custom else catalogue_text(node_class.title) or spec.type
        if isinstance(name, str) and name:
            title = f"{title}: {name}"
        return title, node_class.category

    def retranslate(self) -> None:
        """Re-read the node titles after a language switch (a custom title stays as typed)."""
        for node_id, item in self.nodes.items():
            item.title, item.category = self._title(node_id)
            item.update()

    def _on_node_added(self, node_id: str) -> None:
        title, category = self._title(node_id)
        inputs, outputs = self.doc.ports(node_id)
        item = NodeItem(node_id, title, category, inputs, outputs, host=self)
        node_class = self.doc.node_class(node_id)
        if node_class is not None:  # its declared ports are translated, the user's names not
            item.fixed_ports = frozenset(p.name for p in (*node_class.inputs, *node_class.outputs))
        item.setCacheMode(self._cache_mode)
        item.setFlag(QGraphicsItem.GraphicsItemFlag.ItemHasNoContents, self.overview)
        self.syncing = True
        item.setPos(*self.doc.position(node_id))
        self.syncing = False
        self.nodes[node_id] = item
        self.addItem(item)
        self._show_disabled(node_id)

    def _on_node_removed(self, node_id: str) -> None:
        item = self.nodes.pop(node_id, None)
        if item is not None:
            self.removeItem(item)
        self._edges_of.pop(node_id, None)

    def _show_disabled(self, node_id: str) -> None:
        """A node switched off (ui.disabled) is drawn faded; it is not run."""
        self.nodes[node_id].setOpacity(0.4 if self.doc.node(node_id).ui.get("disabled") else 1.0)

    def _on_node_moved(self, node_id: str) -> None:
        # Any change of the node's `ui` lands here: position, own title, switched off.
        item = self.nodes[node_id]
        title, item.category = self._title(node_id)
        if title != item.title:
            item.title = title
            item.update()
        self._show_disabled(node_id)
        x, y = self.doc.position(node_id)
        if item.pos() != QPointF(x, y):
            self.syncing = True
            item.setPos(x, y)  # ItemPositionHasChanged updates the wires
            self.syncing = False

    def _on_config_changed(self, node_id: str) -> None:
        item = self.nodes[node_id]
        item.title, item.category = self._title(node_id)
        item.set_ports(*self.doc.ports(node_id))
        self._update_edges_of(node_id)

    def _on_comment_added(self, comment_id: str) -> None:
        item = CommentItem(self.doc.comment(comment_id), host=self)
        self.comments[comment_id] = item
        self.addItem(item)

    def _on_comment_removed(self, comment_id: str) -> None:
        item = self.comments.pop(comment_id, None)
        if item is not None:
            self.removeItem(item)

    def _on_comment_changed(self, comment_id: str) -> None:
        self.comments[comment_id].set_comment(self.doc.comment(comment_id))

    def _on_edge_added(self, key: EdgeKey) -> None:
        source, source_port, target, _target_port = key
        port = self.doc.port(source, source_port, output=True)
        edge = EdgeItem(key, port.type.value if port else "any")
        self.edges[key] = edge
        self._edges_of[source].add(key)
        self._edges_of[target].add(key)
        edge.setFlag(QGraphicsItem.GraphicsItemFlag.ItemHasNoContents, self.overview)
        self.addItem(edge)
        self._place_edge(edge)
        # A wire to a port the node did not have (unknown type) adds that port: redraw the ends.
        for node_id in (source, target):
            item = self.nodes[node_id]
            inputs, outputs = self.doc.ports(node_id)
            if len(inputs) != len(item.inputs) or len(outputs) != len(item.outputs):
                item.set_ports(inputs, outputs)

    def _on_edge_removed(self, key: EdgeKey) -> None:
        edge = self.edges.pop(key, None)
        self._overview_wires = None
        if edge is not None:
            self.removeItem(edge)
        for node_id in (key[0], key[2]):
            self._edges_of[node_id].discard(key)

    def _place_edge(self, edge: EdgeItem) -> None:
        self._overview_wires = None
        source, source_port, target, target_port = edge.key
        start = self.nodes[source].port_scene_pos(source_port, True)
        end = self.nodes[target].port_scene_pos(target_port, False)
        edge.set_ends(start, end)

    def _update_edges_of(self, node_id: str) -> None:
        for key in self._edges_of.get(node_id, ()):
            edge = self.edges.get(key)
            if edge is not None:
                self._place_edge(edge)

    def set_detail(self, zoom: float) -> None:
        """Choose how node drawings are cached for this zoom, so zooming and panning stay smooth:
        far out, plain blocks drawn directly (cheaper than any pixmap); up to 100 %, one pixmap per
        node at its own size that the view only scales (zooming re-renders nothing); closer
        than 100 %, pixmaps at screen resolution so text stays sharp."""
        mode = (
            QGraphicsItem.CacheMode.NoCache
            if zoom < OVERVIEW_ZOOM
            else QGraphicsItem.CacheMode.ItemCoordinateCache
            if zoom <= 1.0
            else QGraphicsItem.CacheMode.DeviceCoordinateCache
        )
        if mode != self._cache_mode:
            self._cache_mode = mode
            self.overview = zoom < OVERVIEW_ZOOM
            # In the overview the view draws every node as one batch of blocks (draw_overview);
            # the items stay for clicking and selecting but paint nothing.
            for item in self.nodes.values():
                item.setCacheMode(mode)
                item.setFlag(QGraphicsItem.GraphicsItemFlag.ItemHasNoContents, self.overview)
            for edge in self.edges.values():
                edge.setFlag(QGraphicsItem.GraphicsItemFlag.ItemHasNoContents, self.overview)

    def draw_overview(self, painter: QPainter) -> None:
        """All nodes as coloured blocks in a few calls (far zoom: thousands of nodes stay fluid)."""
        by_colour: dict[str, list[QRectF]] = defaultdict(list)
        for item in self.nodes.values():
            by_colour[item.category].append(item.sceneBoundingRect())
        if self._overview_wires is None:  # rebuilt only after wires or nodes changed
            wires: dict[str, QPainterPath] = {}
            for edge in self.edges.values():
                wires.setdefault(edge.port_type, QPainterPath()).addPath(edge.path())
            self._overview_wires = wires
        painter.setBrush(Qt.BrushStyle.NoBrush)
        for port_type, path in self._overview_wires.items():
            pen = QPen(style.port_colour(port_type), 1)
            pen.setCosmetic(True)
            painter.setPen(pen)
            painter.drawPath(path)
        painter.setPen(Qt.PenStyle.NoPen)
        for category, rects in by_colour.items():
            painter.setBrush(style.category_colour(category))
            painter.drawRects(rects)
        selected = [i.sceneBoundingRect() for i in self.selectedItems() if isinstance(i, NodeItem)]
        if selected:
            pen = QPen(style.theme["selected"], 3)
            pen.setCosmetic(True)
            painter.setPen(pen)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRects(selected)

    def node_item_moved(self, node_id: str) -> None:
        """A node item moved (dragged, or synced from the document): its wires follow."""
        self._update_edges_of(node_id)

    # -- selection helpers ----------------------------------------------------------------------

    def thing_at(self, pos: QPointF) -> str | EdgeKey | None:
        """What a right-click at this scene point is on: a node id, a wire's key, or None."""
        for item in self.items(
            pos, Qt.ItemSelectionMode.IntersectsItemShape, Qt.SortOrder.DescendingOrder, QTransform()
        ):
            if isinstance(item, NodeItem):
                return item.node_id
            if isinstance(item, EdgeItem):
                return item.key
        return None

    def selected_node_ids(self) -> list[str]:
        return [i.node_id for i in self.selectedItems() if isinstance(i, NodeItem)]

    def selected_edge_keys(self) -> list[EdgeKey]:
        return [i.key for i in self.selectedItems() if isinstance(i, EdgeItem)]

    def selected_comment_ids(self) -> list[str]:
        return [i.comment_id for i in self.selectedItems() if isinstance(i, CommentItem)]

    def select_nodes(self, node_ids: list[str]) -> None:
        """Select exactly these nodes (and comment boxes, by comment id)."""
        self.clearSelection()
        for node_id in node_ids:
            if node_id in self.nodes:
                self.nodes[node_id].setSelected(True)
            elif node_id in self.comments:
                self.comments[node_id].setSelected(True)

    def selection_to_copy(self) -> tuple[list[str], list[str]]:
        """(node ids, comment ids) a copy takes: the selection, and the nodes inside selected boxes
        (they belong to the box, as when it is moved)."""
        comments = self.selected_comment_ids()
        nodes = self.selected_node_ids()
        for comment_id in comments:
            nodes += [n for n in self.doc.nodes_inside(comment_id) if n not in nodes]
        return nodes, comments

    def delete_selection(self) -> None:
        """Delete the selected nodes and wires as one undo step."""
        nodes, edges = self.selected_node_ids(), self.selected_edge_keys()
        comments = self.selected_comment_ids()
        if not nodes and not edges and not comments:
            return
        self.doc.begin_macro(self.tr("Delete"))
        try:
            if comments:
                self.doc.remove_comments(comments)
            if edges:
                self.doc.disconnect_edges(edges)
            if nodes:
                self.doc.remove_nodes(nodes)
        finally:
            self.doc.end_macro()

    # -- run state ------------------------------------------------------------------------------

    def clear_run_state(self) -> None:
        for item in self.nodes.values():
            if item.status or item.footer:
                item.set_run_state("", "", "")

    # -- mouse: moving nodes and drawing wires --------------------------------------------------

    def _node_and_port(self, pos: QPointF) -> tuple[NodeItem | None, PortRef | None]:
        for item in self.items(
            pos, Qt.ItemSelectionMode.IntersectsItemShape, Qt.SortOrder.DescendingOrder, QTransform()
        ):
            if isinstance(item, NodeItem):
                return item, item.port_at(item.mapFromScene(pos))
        return None, None

    def mousePressEvent(self, event: QGraphicsSceneMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            node, port = self._node_and_port(event.scenePos())
            if node is not None and port is not None:
                self._start_wire(node, port)
                event.accept()
                return
        super().mousePressEvent(event)
        self._press_positions = {i.node_id: i.pos() for i in self.selectedItems() if isinstance(i, NodeItem)}

    def mouseMoveEvent(self, event: QGraphicsSceneMouseEvent) -> None:
        if self._drag_from is not None and self._drag_wire is not None:
            self._drag_wire_to(event)
            return
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event: QGraphicsSceneMouseEvent) -> None:
        if self._drag_from is not None:
            self._finish_wire(event.scenePos())
            event.accept()
            return
        super().mouseReleaseEvent(event)
        moved = {}
        for node_id, before in self._press_positions.items():
            item = self.nodes.get(node_id)
            if item is not None and item.pos() != before:
                moved[node_id] = (item.pos().x(), item.pos().y())
        self._press_positions = {}
        if moved:
            self.doc.move_nodes(moved)

    def _start_wire(self, node: NodeItem, ref: PortRef) -> None:
        self._drag_from = (node, ref)
        wire = QGraphicsPathItem()
        port = node.port(ref)
        wire.setPen(QPen(style.port_colour(port.type.value if port else "any"), 2, Qt.PenStyle.DashLine))
        wire.setZValue(5)
        self.addItem(wire)
        self._drag_wire = wire
        # Dim every port the wire could not end on.
        for item in self.nodes.values():
            allowed: set[PortRef] = set()
            if item is not node:
                for other in item.outputs if not ref[1] else item.inputs:
                    if self._reason(node, ref, item, (other.name, not ref[1])) is None:
                        allowed.add((other.name, not ref[1]))
            item.set_allowed(allowed)

    def _reason(self, a: NodeItem, a_ref: PortRef, b: NodeItem, b_ref: PortRef) -> str | None:
        """Why a wire between these two ports cannot be made (None when it can)."""
        if a_ref[1] == b_ref[1]:
            return self.tr("connect an output to an input")
        (src, src_ref), (dst, dst_ref) = ((a, a_ref), (b, b_ref)) if a_ref[1] else ((b, b_ref), (a, a_ref))
        src_port, dst_port = src.port(src_ref), dst.port(dst_ref)
        if src_port is None or dst_port is None:
            return self.tr("no such port")
        if not can_connect(src_port.type, dst_port.type):
            return explain_mismatch(src_port.type, dst_port.type)
        return None

    def _drag_wire_to(self, event: QGraphicsSceneMouseEvent) -> None:
        assert self._drag_from is not None and self._drag_wire is not None
        node, ref = self._drag_from
        anchor = node.port_scene_pos(*ref)
        pos = event.scenePos()
        self._drag_wire.setPath(bezier(anchor, pos) if ref[1] else bezier(pos, anchor))
        target, target_ref = self._node_and_port(pos)
        if target is not None and target_ref is not None and target is not node:
            reason = self._reason(node, ref, target, target_ref)
            if reason:
                QToolTip.showText(event.screenPos(), reason)
                self.message.emit(reason)
            else:
                QToolTip.hideText()

    def _finish_wire(self, pos: QPointF) -> None:
        assert self._drag_from is not None
        node, ref = self._drag_from
        self._drag_from = None
        if self._drag_wire is not None:
            self.removeItem(self._drag_wire)
            self._drag_wire = None
        for item in self.nodes.values():
            item.set_allowed(None)
        QToolTip.hideText()
        target, target_ref = self._node_and_port(pos)
        if target is None or target_ref is None:
            if target is None:
                self.wireDroppedInSpace.emit(node.node_id, ref[0], ref[1], pos)
            return
        self.try_connect(node.node_id, ref, target.node_id, target_ref)

    def try_connect(self, a: str, a_ref: PortRef, b: str, b_ref: PortRef) -> bool:
        """Connect two ports in whichever direction they fit; report a refusal on `message`."""
        if a_ref[1] == b_ref[1]:
            self.message.emit(self.tr("Connect an output to an input."))
            return False
        (src, src_port), (dst, dst_port) = (
            ((a, a_ref[0]), (b, b_ref[0])) if a_ref[1] else ((b, b_ref[0]), (a, a_ref[0]))
        )
        try:
            self.doc.connect_ports(src, src_port, dst, dst_port)
        except ConnectionRefused as refusal:
            self.message.emit(self.tr("Cannot connect: %s") % refusal)
            return False
        return True
