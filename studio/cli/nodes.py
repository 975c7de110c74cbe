"""`studio nodes`: the node catalogue with ports and settings."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from studio.cli.common import EXIT_OK


def catalogue() -> list[dict[str, Any]]:
    """Every installed node type with its ports (for default settings) and settings schema."""
    from studio.engine.registry import default_registry

    entries = []
    for node_class in default_registry():
        try:
            config = node_class.Config()
        except Exception:  # a Config with required fields: show ports of the unfilled form
            config = node_class.Config.model_construct()

        def ports(items: list[Any]) -> list[dict[str, Any]]:
            return [
                {
                    "name": p.name,
                    "type": p.type.value,
                    "required": p.required,
                    "multi": p.multi,
                    "description": p.description,
                }
                for p in items
            ]

        entries.append(
            {
                "type": node_class.type,
                "version": node_class.version,
                "title": node_class.title,
                "category": node_class.category,
                "description": node_class.description,
                "deterministic": node_class.deterministic,
                "inputs": ports(node_class.input_ports(config)),
                "outputs": ports(node_class.output_ports(config)),
                "settings": node_class.Config.model_json_schema(),
            }
        )
    return entries


def cmd_nodes(args: argparse.Namespace) -> int:
    """Print the node catalogue."""
    from studio.engine.registry import default_registry

    entries = catalogue()
    if args.json:
        print(json.dumps(entries, ensure_ascii=False, indent=2))
        return EXIT_OK
    category = None
    for entry in entries:
        if entry["category"] != category:
            category = entry["category"]
            print(f"\n{category}")
        print(f"  {entry['type']:<24} {entry['title']} — {entry['description']}")
        for label, key in (("in ", "inputs"), ("out", "outputs")):
            if entry[key]:
                names = ", ".join(
                    f"{p['name']}: {p['type']}{'' if p['required'] or key == 'outputs' else '?'}"
                    + ("*" if p["multi"] else "")
                    for p in entry[key]
                )
                print(f"      {label} {names}")
    for name, problem in default_registry().broken.items():
        print(f"\n! node package {name!r} failed to load: {problem}", file=sys.stderr)
    return EXIT_OK


def add_commands(sub: Any) -> None:
    """Add `studio nodes` to the CLI."""
    nodes = sub.add_parser("nodes", help="list the node catalogue")
    nodes.add_argument("--json", action="store_true", help="machine-readable, with settings schemas")
    nodes.set_defaults(handler=cmd_nodes)
