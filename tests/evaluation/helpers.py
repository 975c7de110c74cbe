"""A trivial echo flow and small datasets for evaluation tests."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from studio.flow import dumps
from tests.builders import FlowBuilder


def echo_flow(folder: Path, template: str = "Answer: {q}") -> Path:
    """question -> text.format -> answer; a template with {boom} makes every row fail."""
    b = FlowBuilder("echo")
    b.node("question", "io.text_input", name="question")
    b.node("fmt", "text.format", template=template)
    b.node("answer", "io.output", name="answer")
    b.wire("question.text", "fmt.q").wire("fmt.text", "answer.value")
    path = folder / "echo.json"
    path.write_text(dumps(b.build()), encoding="utf-8")
    return path


def jsonl(path: Path, rows: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path
