"""Evaluation datasets: rows of a file mapped onto a flow's inputs, plus reference columns.

A column named like one of the flow's inputs feeds that input. `reference` (the expected answer),
`reference_contexts` (passages that hold it) and `human_rating` are read by metrics; any other
column is kept with the row (for filtering and reports) but not sent to the flow, which would
refuse an input it does not declare.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from studio.runtime.datasets import SUFFIXES, DatasetError, iter_rows

if TYPE_CHECKING:
    from studio.engine import CompiledFlow

REFERENCE = "reference"
REFERENCE_CONTEXTS = "reference_contexts"
METRIC_COLUMNS = frozenset({REFERENCE, REFERENCE_CONTEXTS, "human_rating"})
# The input metrics read as "the question", in order of preference.
QUESTION_NAMES = ("question", "query", "input", "message", "prompt", "text", "topic")


@dataclass(frozen=True)
class FlowInterface:
    """The inputs a flow declares (with the required ones) and its outputs, in file order."""

    inputs: list[str]
    required: list[str]
    outputs: list[str]

    @property
    def question_input(self) -> str | None:
        """The input whose value metrics judge relevance against."""
        for name in QUESTION_NAMES:
            if name in self.inputs:
                return name
        return self.inputs[0] if self.inputs else None


def flow_interface(compiled: CompiledFlow) -> FlowInterface:
    """The flow's declared inputs and outputs, read from its interface nodes."""
    inputs: list[str] = []
    required: list[str] = []
    outputs: list[str] = []
    for node in compiled.nodes.values():
        name = node.node_class.interface_name(node.config)
        if not name:
            continue
        if node.node_class.interface == "input":
            inputs.append(name)
            if getattr(node.config, "required", False) and getattr(node.config, "default", None) in (
                None,
                "",
            ):
                required.append(name)
        elif node.node_class.interface == "output":
            outputs.append(name)
    return FlowInterface(inputs, required, outputs)


@dataclass
class EvalRow:
    """One dataset row: its number in the file, the flow inputs and what metrics read."""

    number: int
    inputs: dict[str, Any]
    reference: str | None = None
    reference_contexts: list[str] | None = None
    values: dict[str, Any] = field(default_factory=dict)


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)


def _contexts(value: Any, path: Path, number: int) -> list[str] | None:
    if value is None or value == "":
        return None
    if isinstance(value, str):
        stripped = value.strip()
        if stripped.startswith("["):
            # A CSV or XLSX cell holds the list as JSON text.
            try:
                value = json.loads(stripped)
            except json.JSONDecodeError:
                raise DatasetError(
                    f"{path}: row {number}: reference_contexts looks like a JSON list but is not valid JSON"
                ) from None
        else:
            return [value]
    if not isinstance(value, list):
        raise DatasetError(f"{path}: row {number}: reference_contexts must be a list of texts")
    texts = []
    for item in value:
        if isinstance(item, dict):
            item = item.get("text", "")
        texts.append(str(item))
    return texts


class EvalDataset:
    """A dataset file read as a stream of `EvalRow`s for one flow."""

    def __init__(self, path: str | Path, interface: FlowInterface):
        self.path = Path(path)
        self.interface = interface
        if self.path.suffix.lower() not in SUFFIXES:
            raise DatasetError(
                f"{self.path}: unknown dataset type {self.path.suffix or '(none)'!r}; use "
                + ", ".join(SUFFIXES)
            )

    def check(self) -> None:
        """Refuse a file whose columns feed none of the flow's inputs, before any cell runs."""
        first = next(iter_rows(self.path), None)
        if first is None:
            raise DatasetError(f"{self.path}: the dataset has no rows")
        columns = list(first.values)
        inputs = self.interface.inputs
        if inputs and not set(columns) & set(inputs):
            raise DatasetError(
                f"{self.path}: no column matches an input of the flow; the flow's inputs are: "
                f"{', '.join(inputs)}; the file's columns are: {', '.join(columns) or 'none'}"
            )
        missing = [name for name in self.interface.required if name not in columns]
        if missing:
            raise DatasetError(
                f"{self.path}: the flow needs the input(s) {', '.join(missing)}, and the file has no such "
                f"column (its columns are: {', '.join(columns)})"
            )

    def __iter__(self) -> Iterator[EvalRow]:
        inputs = set(self.interface.inputs)
        for row in iter_rows(self.path):
            values = row.values
            yield EvalRow(
                number=row.number,
                inputs={k: v for k, v in values.items() if k in inputs and v is not None},
                reference=_text(values.get(REFERENCE)),
                reference_contexts=_contexts(values.get(REFERENCE_CONTEXTS), self.path, row.number),
                values=values,
            )


def file_hash(path: str | Path) -> str:
    """sha256 of a file's bytes, read in blocks (a 200 MB dataset is never held whole)."""
    digest = hashlib.sha256()
    try:
        with open(path, "rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    except FileNotFoundError:
        raise DatasetError(f"{path}: file not found") from None
    except IsADirectoryError:
        raise DatasetError(f"{path}: is a folder, not a dataset file") from None
    return digest.hexdigest()


def estimate_rows(path: str | Path) -> int | None:
    """About how many rows a file has, cheaply (for the progress bar); None when unknown."""
    path = Path(path)
    suffix = path.suffix.lower()
    try:
        if suffix in (".jsonl", ".ndjson", ".csv"):
            count = 0
            last = b"\n"
            with open(path, "rb") as handle:
                for block in iter(lambda: handle.read(1 << 20), b""):
                    count += block.count(b"\n")
                    last = block[-1:]
            count += last != b"\n"
            return max(0, count - (suffix == ".csv"))
        if suffix == ".xlsx":
            import openpyxl

            book = openpyxl.load_workbook(path, read_only=True)
            try:
                rows = book.worksheets[0].max_row if book.worksheets else 0
            finally:
                book.close()
            return max(0, (rows or 1) - 1)
    except (OSError, ValueError, KeyError):
        return None
    return None
