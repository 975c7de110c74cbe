"""Nodes switched off in the editor (`ui.disabled`): the scheduler treats them as not run, and so
every node that gets its inputs only from them. No schema change: `ui` is the editor's own dict."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

DISABLED_REASON = "not run: this node is disabled"


def is_disabled(ui: Mapping[str, Any]) -> bool:
    """Whether the editor switched this node off."""
    return bool(ui.get("disabled"))


def not_taken_reason(
    incoming: list[Any], errors: Mapping[str, str | None], label: Callable[[str], str]
) -> str:
    """Why a node none of whose inputs arrived is not run: a disabled upstream node, else a branch."""
    for wire in incoming:
        if errors.get(wire.source) == DISABLED_REASON:
            return f"not run: upstream node {label(wire.source)} is disabled"
    return "every input comes from a branch that was not taken"
