"""What a node type is: a pydantic Config, typed ports and one `run`."""

from __future__ import annotations

import builtins
from collections.abc import Awaitable, Mapping
from typing import TYPE_CHECKING, Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field
from pydantic.config import JsonDict, JsonValue

from studio.engine.ports import Port, PortType

if TYPE_CHECKING:
    from studio.engine.context import RunContext

__all__ = ["Node", "NodeConfig", "Port", "PortType", "setting"]


class NodeConfig(BaseModel):
    """Base of every node's settings. Unknown keys are errors, so typos in files are caught."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True)


def setting(
    default: Any = ...,
    *,
    description: str = "",
    title: str | None = None,
    multiline: bool = False,
    secret: bool = False,
    choices: list[str] | None = None,
    widget: str | None = None,
    advanced: bool = False,
    **constraints: Any,
) -> Any:
    """A Config field with the UI hints the Studio's property panel reads from the JSON schema.

    widget: "model", "file", "folder", "json", "code" or "template" where the plain type is not
    enough to pick an editor.
    """
    ui: JsonDict = {}
    if multiline:
        ui["multiline"] = True
    if secret:
        ui["secret"] = True
    if choices is not None:
        ui["choices"] = list[JsonValue](choices)
    if widget is not None:
        ui["widget"] = widget
    if advanced:
        ui["advanced"] = True
    extra: JsonDict | None = {"ui": ui} if ui else None
    return Field(default, description=description, title=title, json_schema_extra=extra, **constraints)


class Node:
    """Base class of every node type.

    Subclasses set `type` (a stable dotted string saved in files), `version`, `title`, `category`,
    `description`, a nested `Config`, and `inputs`/`outputs` (or override `input_ports` and
    `output_ports` when ports follow the config). `run` returns a mapping of output port names to
    values; a router returns only the ports of the branch it takes.
    """

    type: ClassVar[str] = ""
    version: ClassVar[int] = 1
    title: ClassVar[str] = ""
    category: ClassVar[str] = "Other"
    description: ClassVar[str] = ""
    Config: ClassVar[builtins.type[NodeConfig]] = NodeConfig
    inputs: ClassVar[tuple[Port, ...]] = ()
    outputs: ClassVar[tuple[Port, ...]] = ()
    # Same config and inputs give the same outputs, so the cache may serve them.
    deterministic: ClassVar[bool] = True
    # Synchronous `run` goes to a worker thread unless it is trivially cheap.
    run_in_thread: ClassVar[bool] = True
    # A node that feeds one of the flow's declared inputs or outputs (Input / Output nodes).
    interface: ClassVar[str | None] = None  # "input" | "output" | None

    def __init__(self, config: NodeConfig):
        self.config = config

    @classmethod
    def input_ports(cls, config: NodeConfig) -> list[Port]:
        """The input ports for this config (override when ports follow the config)."""
        return list(cls.inputs)

    @classmethod
    def output_ports(cls, config: NodeConfig) -> list[Port]:
        """The output ports for this config."""
        return list(cls.outputs)

    @classmethod
    def is_deterministic(cls, config: NodeConfig) -> bool:
        """Whether outputs depend only on config and inputs (an LLM with temperature 0 does)."""
        return cls.deterministic

    @classmethod
    def migrate_config(cls, config: dict[str, Any], from_version: int) -> dict[str, Any]:
        """Upgrade a config saved by an older version of this node type."""
        raise ValueError(f"no migration from version {from_version} to {cls.version}")

    @classmethod
    def check(cls, config: NodeConfig) -> list[str]:
        """Problems the Config schema cannot express (e.g. a template that does not parse)."""
        return []

    @classmethod
    def variables_used(cls, config: NodeConfig) -> list[str]:
        """Names of the flow variables this node reads or sets (checked against the flow's own)."""
        return []

    @classmethod
    def interface_name(cls, config: NodeConfig) -> str | None:
        """For Input and Output nodes: the name of the flow input or output they stand for."""
        return getattr(config, "name", None) if cls.interface else None

    def run(
        self, inputs: Mapping[str, Any], ctx: RunContext
    ) -> Mapping[str, Any] | Awaitable[Mapping[str, Any]]:
        """Compute outputs from inputs. May be `async def`."""
        raise NotImplementedError
