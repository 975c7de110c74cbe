"""Errors the engine reports: invalid flows, bad run inputs, failing nodes."""

from __future__ import annotations


class NodeError(Exception):
    """A node could not do its job; the message should name the field or input at fault."""


class BadInput(ValueError):
    """The inputs given to a run do not fit the flow's declared inputs."""


class NodeTimeout(NodeError):
    """A node ran past its time limit."""
