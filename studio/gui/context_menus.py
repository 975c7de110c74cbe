"""Right-click menus of the canvas: on a node (run to / from here, copy, duplicate, rename, disable,
delete, docs), on a wire (delete, insert a node into it) and on empty canvas (add a node, paste,
select all, auto layout). Each entry calls the same code as the window's menus.

Dialogs the entries open go through `ask_text` and `choose_type`, which tests replace (a modal
dialog would hang an offscreen test), as `MainWindow.ask_unsaved` does.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, QPoint, QPointF, Qt
from PySide6.QtGui import QAction, QCursor, QKeySequence
from PySide6.QtWidgets import QDialog, QInputDialog, QMenu, QTextBrowser, QVBoxLayout, QWidget

from studio.engine.node import Node
from studio.engine.ports import Port
from studio.engine.registry import Registry
from studio.gui import node_edits
from studio.gui.canvas.node_item import TYPE_WORDS
from studio.gui.editor import EditorTab
from studio.gui.graph import EdgeKey
from studio.gui.i18n import catalogue_text
from studio.gui.window_edit import CanvasEdits

translate = QCoreApplication.translate
# Menu entries that do what a window action does (for its shortcut), by entry name.
WINDOW_ACTION = {"add_node": "quick_add", "delete_wire": "delete"}


class CanvasMenus:
    """Builds and shows the right-click menu for whatever is under the mouse."""

    def __init__(
        self,
        registry: Registry,
        edits: CanvasEdits,
        run_to: Callable[[], object],
        run_from: Callable[[], object],
        dialog_parent: QWidget,
    ):
        self._registry = registry
        self._edits = edits
        self._run_to = run_to
        self._run_from = run_from
        self._parent = dialog_parent
        self.docs: QDialog | None = None  # the last node docs window (non-modal)

    # -- what tests replace -------------------------------------------------------------------

    def ask_text(self, title: str, label: str, text: str) -> str | None:
        """Ask for one line of text; None when cancelled."""
        value, ok = QInputDialog.getText(self._parent, title, label, text=text)
        return value if ok else None

    def choose_type(self, classes: list[type[Node]]) -> str | None:
        """Pick a node type among these (the quick-add search); None when cancelled."""
        from studio.gui.palette import QuickAdd

        return QuickAdd(self._registry, classes, parent=self._parent).pick(QCursor.pos())

    # -- menus --------------------------------------------------------------------------------

    def popup(self, tab: EditorTab, scene_pos: QPointF, screen_pos: QPoint) -> None:
        """Show the menu for what is at `scene_pos` (without blocking)."""
        menu = self.build(tab, scene_pos)
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)  # one menu per right-click, then gone
        menu.popup(screen_pos)

    def build(self, tab: EditorTab, scene_pos: QPointF) -> QMenu:
        """The menu for a node, a wire or the empty canvas at this scene point. Like other editors,
        right-clicking a node outside the selection selects it alone first."""
        menu = QMenu(tab.view)
        thing = tab.scene.thing_at(scene_pos)
        if isinstance(thing, str):
            if thing not in tab.scene.selected_node_ids():
                tab.scene.select_nodes([thing])
            self._node_menu(menu, tab, thing)
        elif isinstance(thing, tuple):
            tab.scene.clearSelection()
            tab.scene.edges[thing].setSelected(True)
            self._wire_menu(menu, tab, thing)
        else:
            self._canvas_menu(menu, tab, scene_pos)
        return menu

    def _add(self, menu: QMenu, name: str, text: str, handler: Callable[[], object]) -> QAction:
        # The window's shortcut for the same command, shown in the menu's shortcut column.
        same = getattr(self._parent, "actions_by_name", {}).get(WINDOW_ACTION.get(name, name))
        keys = same.shortcut().toString(QKeySequence.SequenceFormat.NativeText) if same else ""
        action = menu.addAction(f"{text}\t{keys}" if keys else text)
        action.setObjectName(name)  # tests and screenshots find entries by name, in any language
        action.triggered.connect(lambda _checked=False: handler())
        return action

    def _node_menu(self, menu: QMenu, tab: EditorTab, node_id: str) -> None:
        selected = tab.scene.selected_node_ids() or [node_id]
        off = all(node_edits.is_disabled(tab.doc, i) for i in selected)
        self._add(menu, "run_to", translate("ContextMenu", "Run to Here"), self._run_to)
        self._add(menu, "run_from", translate("ContextMenu", "Run from Here"), self._run_from)
        menu.addSeparator()
        self._add(menu, "copy", translate("ContextMenu", "Copy"), self._edits.copy)
        self._add(menu, "duplicate", translate("ContextMenu", "Duplicate"), self._edits.duplicate)
        self._add(menu, "rename", translate("ContextMenu", "Rename…"), lambda: self.rename_node(tab, node_id))
        self._add(
            menu,
            "enable" if off else "disable",
            translate("ContextMenu", "Enable") if off else translate("ContextMenu", "Disable"),
            lambda: node_edits.set_disabled(tab.doc, selected, not off),
        )
        self._add(menu, "delete", translate("ContextMenu", "Delete"), self._edits.delete_selection)
        menu.addSeparator()
        docs = self._add(
            menu, "docs", translate("ContextMenu", "Open Docs"), lambda: self.show_docs(tab, node_id)
        )
        docs.setEnabled(tab.doc.node_class(node_id) is not None)

    def _wire_menu(self, menu: QMenu, tab: EditorTab, key: EdgeKey) -> None:
        self._add(
            menu,
            "delete_wire",
            translate("ContextMenu", "Delete Wire"),
            lambda: tab.doc.disconnect_edges([key]),
        )
        self._add(
            menu, "insert_node", translate("ContextMenu", "Insert Node…"), lambda: self.insert_node(tab, key)
        )

    def _canvas_menu(self, menu: QMenu, tab: EditorTab, scene_pos: QPointF) -> None:
        self._add(
            menu,
            "add_node",
            translate("ContextMenu", "Add Node…"),
            lambda: self._edits.quick_add(scene_pos, tab),
        )
        self._add(menu, "paste", translate("ContextMenu", "Paste"), lambda: self._edits.paste(scene_pos))
        self._add(menu, "select_all", translate("ContextMenu", "Select All"), self._edits.select_all)
        self._add(menu, "auto_layout", translate("ContextMenu", "Auto Layout"), self._edits.auto_layout)

    # -- what the entries do ------------------------------------------------------------------

    def rename_node(self, tab: EditorTab, node_id: str) -> None:
        """Give the node its own title (empty: back to the type's title)."""
        current = tab.doc.node(node_id).ui.get("title") or tab.scene.nodes[node_id].title
        title = self.ask_text(
            translate("ContextMenu", "Rename node"),
            translate("ContextMenu", "Title (empty for the default):"),
            str(current),
        )
        if title is not None:
            node_edits.rename_node(tab.doc, node_id, title)

    def insert_node(self, tab: EditorTab, key: EdgeKey) -> str | None:
        """Split the wire with a node chosen among the types that fit both of its ends."""
        classes = node_edits.wire_classes(self._registry, tab.doc, key)
        type_name = self.choose_type(classes)
        if not type_name:
            return None
        new_id = node_edits.insert_on_wire(tab.doc, key, type_name)
        tab.scene.select_nodes([new_id])
        return new_id

    def show_docs(self, tab: EditorTab, node_id: str) -> QDialog | None:
        """A window with the node type's description, ports and settings, in the UI language."""
        node_class = tab.doc.node_class(node_id)
        if node_class is None:
            return None
        dialog = QDialog(self._parent)
        dialog.setObjectName("node-docs")
        dialog.setWindowTitle(catalogue_text(node_class.title))
        browser = QTextBrowser(dialog)
        browser.setHtml(node_docs_html(node_class, *tab.doc.ports(node_id)))
        QVBoxLayout(dialog).addWidget(browser)
        dialog.resize(520, 460)
        dialog.show()
        self.docs = dialog
        return dialog


def node_docs_html(node_class: type[Node], inputs: list[Port], outputs: list[Port]) -> str:
    """The node type's documentation as HTML: description, inputs, outputs and settings."""
    from html import escape

    parts = [
        f"<h2>{escape(catalogue_text(node_class.title))}</h2>",
        f"<p><code>{escape(node_class.type)}</code> · {escape(catalogue_text(node_class.category))}</p>",
        f"<p>{escape(catalogue_text(node_class.description))}</p>",
    ]
    fixed = {p.name for p in (*node_class.inputs, *node_class.outputs)}
    for heading, ports in (
        (translate("ContextMenu", "Inputs"), inputs),
        (translate("ContextMenu", "Outputs"), outputs),
    ):
        if ports:
            parts.append(f"<h3>{escape(heading)}</h3><ul>")
            for port in ports:
                # Shown name, then what flows through it; the file's name of the port is in code.
                label = escape(catalogue_text(port.name) if port.name in fixed else port.name)
                kind = escape(translate("NodeItem", str(TYPE_WORDS.get(port.type.value, port.type.value))))
                text = escape(catalogue_text(port.description or ""))
                parts.append(f"<li><b>{label}</b> <code>{escape(port.name)}</code> ({kind}) {text}</li>")
            parts.append("</ul>")
    from studio.gui.fields import field_infos

    infos = field_infos(node_class.Config.model_json_schema())
    if infos:
        heading = translate("ContextMenu", "Settings")
        parts.append(f"<h3>{escape(heading)}</h3><ul>")
        for info in infos:
            help_text = escape(catalogue_text(info.description))
            parts.append(f"<li><b>{escape(catalogue_text(info.title))}</b> {help_text}</li>")
        parts.append("</ul>")
    return "".join(parts)
