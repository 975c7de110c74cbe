"""Helpers that add a node and wire it in one undo step: a wire dropped in empty space, a file
dropped on the canvas."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from studio.engine.node import Node
from studio.engine.ports import Port, PortType, can_connect
from studio.engine.registry import Registry
from studio.gui.document import ConnectionRefused, FlowDocument

# Node types that load a file given its path in a "path" setting, by preference.
FILE_LOADERS = ("loaders.file",)


def _default_ports(node_class: type[Node]) -> tuple[list[Port], list[Port]]:
    try:
        config = node_class.Config()
        return list(node_class.input_ports(config)), list(node_class.output_ports(config))
    except Exception:
        return list(node_class.inputs), list(node_class.outputs)


def matching_port(node_class: type[Node], port_type: PortType, from_output: bool) -> str | None:
    """The first port of a fresh node of this class a wire of `port_type` fits (None if none)."""
    inputs, outputs = _default_ports(node_class)
    if from_output:
        for port in inputs:
            if can_connect(port_type, port.type):
                return port.name
    else:
        for port in outputs:
            if can_connect(port.type, port_type):
                return port.name
    return None


def compatible_classes(registry: Registry, port_type: PortType, from_output: bool) -> list[type[Node]]:
    """Node types a dangling wire could end on."""
    return [c for c in registry if matching_port(c, port_type, from_output) is not None]


def add_and_connect(
    doc: FlowDocument, node_id: str, port: str, from_output: bool, type_name: str, pos: tuple[float, float]
) -> str:
    """Place a node of `type_name` and wire it to the dangling port, as one undo step."""
    found = doc.port(node_id, port, output=from_output)
    port_type = found.type if found else PortType.ANY
    other_port = matching_port(doc.registry.get(type_name), port_type, from_output)
    # The new node's matching port lands near the cursor: inputs are on the left, outputs right.
    pos = (pos[0], pos[1] - 40) if from_output else (pos[0] - 210, pos[1] - 40)
    doc.begin_macro("Add and connect")
    try:
        new_id = doc.add_node(type_name, pos)
        if other_port is not None:
            try:
                if from_output:
                    doc.connect_ports(node_id, port, new_id, other_port)
                else:
                    doc.connect_ports(new_id, other_port, node_id, port)
            except ConnectionRefused:
                pass  # e.g. a loop: the node is still placed, unwired
    finally:
        doc.end_macro()
    return new_id


def loader_for(registry: Registry, path: Path) -> tuple[str, dict[str, Any]] | None:
    """(node type, config) of a node that loads this file, or None if no loader is installed."""
    for type_name in FILE_LOADERS:
        node_class = registry.types.get(type_name)
        if node_class is not None and "path" in node_class.Config.model_fields:
            from studio.gui.graph import default_config

            config = default_config(node_class)
            config["path"] = str(path)
            return type_name, config
    return None
