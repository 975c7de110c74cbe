"""The flow file, schema version 1: what a saved flow holds, validated strictly."""

from __future__ import annotations

import re
import uuid
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from studio.flow.errors import Problem, brief

SCHEMA_VERSION = 1

# Port names and interface names appear in templates and on the command line, so keep them simple.
NAME_PATTERN = r"^[A-Za-z_][A-Za-z0-9_]*$"
TYPE_PATTERN = r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$"

PortTypeName = Literal[
    "text", "messages", "documents", "number", "boolean", "json", "embedding", "tool", "any"
]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True)


class SecretRef(_Strict):
    """A pointer to a secret held in the OS keyring or the environment, never the secret itself."""

    secret: str = Field(pattern=r"^[A-Za-z_][A-Za-z0-9_]*$")


class RunPolicy(_Strict):
    """Per-node timeout and retry settings; absent fields take the engine's defaults."""

    timeout_s: float | None = Field(default=None, gt=0)
    retries: int | None = Field(default=None, ge=0, le=10)
    retry_backoff_s: float | None = Field(default=None, ge=0)


class NodeSpec(_Strict):
    """One node placed in a flow."""

    id: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.:-]+$")
    type: str = Field(max_length=200, pattern=TYPE_PATTERN)
    version: int = Field(default=1, ge=1)
    config: dict[str, Any] = Field(default_factory=dict)
    ui: dict[str, Any] = Field(default_factory=dict)
    # Serve this node from the cache even when it is not deterministic (the user "pins" a result).
    pinned: bool | None = None
    policy: RunPolicy | None = None


class EdgeSpec(_Strict):
    """A wire from one node's output port to another node's input port."""

    source: str
    source_port: str = Field(pattern=NAME_PATTERN)
    target: str
    target_port: str = Field(pattern=NAME_PATTERN)


class InterfacePort(_Strict):
    """One entry of a flow's declared interface (its inputs or outputs)."""

    name: str = Field(pattern=NAME_PATTERN)
    type: PortTypeName = "text"
    description: str = ""
    required: bool | None = None
    default: Any = None


class Variable(_Strict):
    """A named value shared by every node of a run."""

    name: str = Field(pattern=NAME_PATTERN)
    type: PortTypeName = "text"
    default: Any = None
    description: str = ""


class Comment(_Strict):
    """A note on the canvas that frames a group of nodes; the runner ignores it."""

    id: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.:-]+$")
    text: str = ""
    x: float = 0
    y: float = 0
    width: float = Field(default=320, gt=0)
    height: float = Field(default=200, gt=0)
    color: str | None = Field(default=None, pattern=r"^#[0-9a-fA-F]{6}$")


class ReferenceProblems(ValueError):
    """Several cross-reference problems of one flow, each with its own path (see studio.flow.io)."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("; ".join(str(problem) for problem in problems))


class Flow(_Strict):
    """A whole flow file."""

    schema_version: int = SCHEMA_VERSION
    id: str = Field(default_factory=lambda: str(uuid.uuid4()), min_length=1)
    name: str = Field(default="Untitled flow", min_length=1, max_length=200)
    description: str = ""
    nodes: list[NodeSpec] = Field(default_factory=list)
    edges: list[EdgeSpec] = Field(default_factory=list)
    inputs: list[InterfacePort] = Field(default_factory=list)
    outputs: list[InterfacePort] = Field(default_factory=list)
    variables: list[Variable] = Field(default_factory=list)
    # Canvas comments (absent from files that have none, so older files stay byte-identical).
    comments: list[Comment] | None = None

    @field_validator("schema_version")
    @classmethod
    def _known_version(cls, value: int) -> int:
        if value != SCHEMA_VERSION:
            raise ValueError(f"expected schema_version {SCHEMA_VERSION} after migration, got {value}")
        return value

    @model_validator(mode="after")
    def _references_are_consistent(self) -> Flow:
        problems: list[Problem] = []
        seen: set[str] = set()
        for index, node in enumerate(self.nodes):
            if node.id in seen:
                problems.append(Problem(f"$.nodes[{index}].id", f"duplicate node id {brief(node.id)}"))
            seen.add(node.id)
        for index, edge in enumerate(self.edges):
            for end in ("source", "target"):
                node_id = getattr(edge, end)
                if node_id not in seen:
                    problems.append(Problem(f"$.edges[{index}].{end}", f"no node with id {brief(node_id)}"))
        for kind in ("inputs", "outputs", "variables"):
            counts: dict[str, int] = {}
            for item in getattr(self, kind):
                counts[item.name] = counts.get(item.name, 0) + 1
            for name in sorted(n for n, count in counts.items() if count > 1):
                problems.append(Problem(f"$.{kind}", f"name {brief(name)} is declared more than once"))
        if problems:
            # pydantic keeps the exception in the error's context; studio.flow.io unpacks it.
            raise ReferenceProblems(problems)
        return self

    def node(self, node_id: str) -> NodeSpec:
        """The node with this id (KeyError if there is none)."""
        for node in self.nodes:
            if node.id == node_id:
                return node
        raise KeyError(node_id)

    def label(self, node_id: str) -> str:
        """A human name for a node in messages: its title from `ui`, else its type, plus its id."""
        try:
            return node_label(self.node(node_id))
        except KeyError:
            return repr(node_id)


def node_label(node: NodeSpec) -> str:
    """How messages name a node: its title (or type) and the start of its id."""
    title = node.ui.get("title") if isinstance(node.ui.get("title"), str) else None
    name = title or node.type
    if len(name) > 60:  # titles are free text: keep messages to one readable line
        name = name[:59] + "…"
    return f"'{name}' ({short_id(node.id)})"


def short_id(node_id: str) -> str:
    """The first block of a uuid: enough to tell nodes apart in messages."""
    match = re.match(r"^[0-9a-f]{8}-", node_id)
    return node_id[:8] if match else node_id


def new_node_id() -> str:
    """A fresh node id."""
    return str(uuid.uuid4())
