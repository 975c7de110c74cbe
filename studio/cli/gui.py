"""`studio gui [FLOW]`: open the Studio where a screen exists."""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any

from studio.cli.common import EXIT_OK


def has_screen() -> bool:
    """Whether a window can be shown here (always on macOS and Windows; X11 or Wayland on Linux)."""
    if sys.platform in ("darwin", "win32"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def cmd_gui(args: argparse.Namespace) -> int:
    """Open the Studio."""
    if args.if_display and not has_screen():
        print("no screen here, so the Studio was not opened (run `studio gui` on a desktop)", file=sys.stderr)
        return EXIT_OK
    from studio.gui.app import main as gui_app_main

    return gui_app_main([args.flow] if args.flow else [])


def add_commands(sub: Any) -> None:
    """Add `studio gui` to the CLI."""
    gui = sub.add_parser("gui", help="open the Studio (the desktop editor)")
    gui.add_argument("flow", nargs="?", help="a flow file to open")
    gui.add_argument(
        "--if-display",
        action="store_true",
        help="open only where a screen exists; otherwise say so and exit 0",
    )
    gui.set_defaults(handler=cmd_gui)
