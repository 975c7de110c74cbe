"""Datasets: rows of input values from JSONL, JSON or CSV files, read as a stream.

Batch runs and evaluations read their rows here, so both accept the same files and report a bad
row the same way (file, line or row number, and what is wrong). JSONL and CSV are streamed line by
line, so a file of a million rows is never held whole; a JSON file is one list and is parsed whole.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SUFFIXES = (".jsonl", ".ndjson", ".json", ".csv")


class DatasetError(ValueError):
    """A dataset file that cannot be read as rows of inputs."""


@dataclass(frozen=True)
class Row:
    """One row: its 1-based number in the file (the line for JSONL and CSV) and its values."""

    number: int
    values: dict[str, Any]


def _open(path: Path) -> io.TextIOWrapper:
    try:
        if path.is_dir():
            raise DatasetError(f"{path}: is a folder, not a dataset file")
        return open(path, encoding="utf-8-sig", newline="")
    except FileNotFoundError:
        raise DatasetError(f"{path}: file not found") from None
    except OSError as error:
        raise DatasetError(f"{path}: cannot read ({error.strerror})") from None


def _jsonl(path: Path, handle: io.TextIOWrapper) -> Iterator[Row]:
    for number, line in enumerate(handle, start=1):
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except json.JSONDecodeError as error:
            raise DatasetError(f"{path}: line {number}: not valid JSON ({error.msg})") from None
        except RecursionError:
            raise DatasetError(f"{path}: line {number}: JSON nested too deeply") from None
        if not isinstance(value, dict):
            raise DatasetError(f"{path}: line {number} is not an object of input values")
        yield Row(number, value)


def _csv(handle: io.TextIOWrapper) -> Iterator[Row]:
    reader = csv.DictReader(handle)
    for values in reader:
        # A header-less extra cell lands under the key None: keep only named columns.
        yield Row(reader.line_num, {k: v for k, v in values.items() if k is not None})


def _json(path: Path, handle: io.TextIOWrapper) -> Iterator[Row]:
    try:
        rows = json.load(handle)
    except json.JSONDecodeError as error:
        raise DatasetError(f"{path}: not valid JSON ({error.msg}, line {error.lineno})") from None
    except RecursionError:
        raise DatasetError(f"{path}: JSON nested too deeply") from None
    if not isinstance(rows, list):
        raise DatasetError(f"{path}: expected a JSON list of objects")
    for index, value in enumerate(rows, start=1):
        if not isinstance(value, dict):
            raise DatasetError(f"{path}: row {index} is not an object of input values")
        yield Row(index, value)


def iter_rows(path: str | Path) -> Iterator[Row]:
    """Rows of `path` one at a time (.jsonl/.ndjson, .json list of objects, .csv with a header)."""
    path = Path(path)
    handle = _open(path)
    suffix = path.suffix.lower()
    try:
        if suffix == ".csv":
            yield from _csv(handle)
        elif suffix == ".json":
            yield from _json(path, handle)
        else:
            yield from _jsonl(path, handle)
    except UnicodeDecodeError:
        raise DatasetError(f"{path}: not UTF-8 text") from None
    finally:
        handle.close()


def read_rows(path: str | Path) -> list[dict[str, Any]]:
    """Every row's values, in order (for small datasets; large ones use `iter_rows`)."""
    return [row.values for row in iter_rows(path)]
