"""What node and comment items need from the scene that holds them.

The scene builds the items, so the item modules cannot import the scene module back (that would be
an import circle). The scene hands each item itself as an `ItemHost` instead; mypy checks that
`FlowScene` fits this Protocol where it does so.
"""

from __future__ import annotations

import weakref
from collections.abc import Mapping
from typing import TYPE_CHECKING, Protocol

from PySide6.QtWidgets import QGraphicsItem

if TYPE_CHECKING:
    from studio.gui.document import FlowDocument


class ItemHost(Protocol):
    """The scene as its items see it."""

    syncing: bool  # True while positions come from the document: no snapping, no undo step

    @property
    def snap(self) -> bool:
        """Whether dragged items align to the grid."""
        ...

    @property
    def doc(self) -> FlowDocument:
        """The document every edit goes to."""
        ...

    @property
    def nodes(self) -> Mapping[str, QGraphicsItem]:
        """The node items by node id."""
        ...

    def node_item_moved(self, node_id: str) -> None:
        """A node item moved (dragged, or synced from the document): its wires follow."""
        ...


class HostLink:
    """An item's link to its scene. Weak: the scene holds its items, so a strong link back would
    make a cycle that Python's collector frees only after Qt has deleted the C++ objects."""

    def __init__(self, host: ItemHost):
        self._ref = weakref.ref(host)

    def get(self, item: QGraphicsItem) -> ItemHost | None:
        """The host while `item` is in its scene; None before it is added and after removal."""
        return self._ref() if item.scene() is not None else None
