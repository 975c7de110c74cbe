"""The `studio` argument parser, built from the command modules (each adds its own subcommands)."""

from __future__ import annotations

import argparse

from studio.cli import batch, chat, eval, gui, kb, mcp, models, nodes, run, serve, validate

# In the order `studio --help` lists them.
COMMAND_MODULES = (run, validate, nodes, batch, eval, chat, kb, models, serve, mcp, gui)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of `studio`."""
    parser = argparse.ArgumentParser(prog="studio", description="Chain Studio: build and run LLM flows.")
    sub = parser.add_subparsers(dest="command", required=True)
    for module in COMMAND_MODULES:
        module.add_commands(sub)
    return parser
