"""Colours and sizes of the canvas, one place to change the look."""

from __future__ import annotations

from PySide6.QtGui import QColor

GRID = 20.0
NODE_WIDTH = 210.0
HEADER = 28.0
ROW = 22.0
FOOTER = 22.0
PORT_RADIUS = 6.0

PORT_COLOURS = {
    "text": "#4e9a06",
    "messages": "#3465a4",
    "documents": "#c17d11",
    "number": "#75507b",
    "boolean": "#cc0000",
    "json": "#888a85",
    "embedding": "#06989a",
    "tool": "#ce5c00",
    "any": "#babdb6",
}
# Shapes tell types apart for colour-blind users: circle, square or diamond.
PORT_SHAPES = {
    "text": "circle",
    "messages": "square",
    "documents": "square",
    "number": "diamond",
    "boolean": "diamond",
    "json": "circle",
    "embedding": "diamond",
    "tool": "square",
    "any": "circle",
}
CATEGORY_COLOURS = {
    "Inputs": "#2e7d32",
    "Inputs & Outputs": "#2e7d32",
    "Input / Output": "#2e7d32",
    "IO": "#2e7d32",
    "Outputs": "#1565c0",
    "Prompts": "#6a1b9a",
    "Models": "#ad1457",
    "LLM": "#ad1457",
    "Parsers": "#00838f",
    "Text": "#4e342e",
    "Tokens": "#5d4037",
    "Knowledge": "#ef6c00",
    "Memory": "#283593",
    "Tools": "#c62828",
    "Agents": "#37474f",
}
STATUS_COLOURS = {
    "queued": "#9e9e9e",
    "running": "#1e88e5",
    "cached": "#8e24aa",
    "done": "#43a047",
    "skipped": "#bdbdbd",
    "failed": "#e53935",
    "cancelled": "#fb8c00",
    "waiting": "#00897b",
}

_cache: dict[str, QColor] = {}


def colour(name: str) -> QColor:
    """A QColor by hex name, made once (painting must not allocate per frame)."""
    found = _cache.get(name)
    if found is None:
        found = _cache[name] = QColor(name)
    return found


def category_colour(category: str) -> QColor:
    """The header colour of a node category; unknown categories get a stable hashed hue."""
    known = CATEGORY_COLOURS.get(category)
    if known:
        return colour(known)
    hue = sum(map(ord, category)) * 37 % 360
    key = f"hue:{hue}"
    if key not in _cache:
        _cache[key] = QColor.fromHsv(hue, 140, 150)
    return _cache[key]


def port_colour(port_type: str) -> QColor:
    return colour(PORT_COLOURS.get(port_type, PORT_COLOURS["any"]))


LIGHT = {
    "background": "#f4f5f7",
    "grid": "#e1e4e8",
    "grid_major": "#cfd4da",
    "node": "#ffffff",
    "node_border": "#9aa0a6",
    "selected": "#f9a825",
    "text": "#202124",
    "muted": "#6b7075",
    "edge": "#7a7f85",
}
DARK = {
    "background": "#1e1f22",
    "grid": "#2a2c30",
    "grid_major": "#34373c",
    "node": "#2b2d31",
    "node_border": "#4a4d52",
    "selected": "#f9a825",
    "text": "#e8eaed",
    "muted": "#9aa0a6",
    "edge": "#a0a4a8",
}
theme: dict[str, QColor] = {}


def set_theme(dark: bool) -> None:
    """Switch the canvas colours; views repaint themselves after calling this."""
    theme.clear()
    theme.update({k: QColor(v) for k, v in (DARK if dark else LIGHT).items()})


set_theme(False)
