"""The node catalogue, found through the `studio.nodes` entry-point group.

An entry point names either a module (every Node subclass defined in it is registered) or a single
Node class. Flow files only ever name registered type strings: nothing in a file is imported.
"""

from __future__ import annotations

import difflib
import inspect
from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib.metadata import entry_points
from types import ModuleType

from studio.engine.node import Node

ENTRY_POINT_GROUP = "studio.nodes"


class UnknownNodeType(KeyError):
    """A flow names a node type no installed package provides."""

    def __init__(self, type_name: str, suggestions: list[str]):
        self.type_name = type_name
        self.suggestions = suggestions
        hint = f"; did you mean {', '.join(suggestions)}?" if suggestions else ""
        super().__init__(f"unknown node type {type_name!r}{hint}")

    def __str__(self) -> str:
        return str(self.args[0])


@dataclass
class Registry:
    """Node types by type string."""

    types: dict[str, type[Node]] = field(default_factory=dict)
    # Entry points that failed to load: name -> error. Shown by `studio nodes`, never fatal.
    broken: dict[str, str] = field(default_factory=dict)

    @classmethod
    def of(cls, classes: Iterable[type[Node]]) -> Registry:
        """A registry holding exactly these classes (tests and embedding use this)."""
        registry = cls()
        for node_class in classes:
            registry.add(node_class)
        return registry

    def add(self, node_class: type[Node]) -> None:
        """Register one node class; a second class with the same type string is an error."""
        if not node_class.type:
            raise ValueError(f"{node_class.__qualname__} has no `type`")
        existing = self.types.get(node_class.type)
        if existing is not None and existing is not node_class:
            raise ValueError(
                f"node type {node_class.type!r} is registered twice: "
                f"{existing.__module__}.{existing.__qualname__} and "
                f"{node_class.__module__}.{node_class.__qualname__}"
            )
        self.types[node_class.type] = node_class

    def get(self, type_name: str) -> type[Node]:
        """The class for a type string, or UnknownNodeType with close matches."""
        try:
            return self.types[type_name]
        except KeyError:
            close = difflib.get_close_matches(type_name, list(self.types), n=3, cutoff=0.6)
            raise UnknownNodeType(type_name, close) from None

    def __contains__(self, type_name: object) -> bool:
        return type_name in self.types

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(sorted(self.types.values(), key=lambda c: (c.category, c.title or c.type)))

    def __len__(self) -> int:
        return len(self.types)


def node_classes_in(module: ModuleType) -> list[type[Node]]:
    """The Node subclasses a module defines (not those it imports), in definition order."""
    found = []
    for value in vars(module).values():
        if (
            inspect.isclass(value)
            and issubclass(value, Node)
            and value.__module__ == module.__name__
            and value.type
            and not inspect.isabstract(value)
        ):
            found.append(value)
    return found


def load_entry_points(group: str = ENTRY_POINT_GROUP) -> Registry:
    """Build a registry from every installed package's `studio.nodes` entry points."""
    registry = Registry()
    for point in sorted(entry_points(group=group), key=lambda p: p.name):
        try:
            target = point.load()
            if isinstance(target, ModuleType):
                classes = node_classes_in(target)
            elif inspect.isclass(target) and issubclass(target, Node):
                classes = [target]
            else:
                raise TypeError(f"{point.value} is neither a module nor a Node class")
            for node_class in classes:
                registry.add(node_class)
        except Exception as error:  # a broken plug-in must not take the app down
            registry.broken[point.name] = f"{point.value}: {type(error).__name__}: {error}"
    return registry


_default: Registry | None = None


def default_registry() -> Registry:
    """The registry of installed node types, loaded once per process."""
    global _default
    if _default is None:
        _default = load_entry_points()
    return _default
