"""The flow file: schema, load and save, migrations."""

from studio.flow.errors import FlowError, Problem
from studio.flow.io import dumps, from_data, load_flow, loads, save_flow, to_data
from studio.flow.schema import (
    SCHEMA_VERSION,
    Comment,
    EdgeSpec,
    Flow,
    InterfacePort,
    NodeSpec,
    RunPolicy,
    SecretRef,
    Variable,
    new_node_id,
)

__all__ = [
    "SCHEMA_VERSION",
    "Comment",
    "EdgeSpec",
    "Flow",
    "FlowError",
    "InterfacePort",
    "NodeSpec",
    "Problem",
    "RunPolicy",
    "SecretRef",
    "Variable",
    "dumps",
    "from_data",
    "load_flow",
    "loads",
    "new_node_id",
    "save_flow",
    "to_data",
]
