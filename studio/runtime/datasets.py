"""Datasets: rows of input values from JSONL, JSON, CSV or XLSX files, read as a stream.

Batch runs and evaluations read their rows here, so both accept the same files and report a bad
row the same way (file, line or row number, and what is wrong). JSONL and CSV are streamed line by
line, and XLSX sheets row by row (openpyxl's read-only mode), so a file of a million rows is never
held whole; a JSON file is one list and is parsed whole.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SUFFIXES = (".jsonl", ".ndjson", ".json", ".csv", ".xlsx")


class DatasetError(ValueError):
    """A dataset file that cannot be read as rows of inputs."""


# Told of a row that cannot be read (its number and why) instead of stopping there.
BadRowHandler = Callable[[int, str], None]


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


def _jsonl(path: Path, handle: io.TextIOWrapper, on_bad_row: BadRowHandler | None) -> Iterator[Row]:
    for number, line in enumerate(handle, start=1):
        if not line.strip():
            continue
        problem = None
        try:
            value = json.loads(line)
        except json.JSONDecodeError as error:
            problem = f"{path}: line {number}: not valid JSON ({error.msg})"
        except RecursionError:
            problem = f"{path}: line {number}: JSON nested too deeply"
        else:
            if not isinstance(value, dict):
                problem = f"{path}: line {number} is not an object of input values"
        if problem is None:
            yield Row(number, value)
        elif on_bad_row is None:
            raise DatasetError(problem)
        else:
            on_bad_row(number, problem)


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


def _cell(value: Any) -> Any:
    # Dates and times are not JSON; give them as ISO text, the way a CSV would hold them.
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def _xlsx(path: Path) -> Iterator[Row]:
    """The first sheet: the first row is the header, empty rows are skipped, row numbers as in Excel."""
    try:
        import openpyxl
    except ImportError:  # pragma: no cover - a broken install
        raise DatasetError(f"{path}: reading .xlsx needs the package 'openpyxl'") from None
    if path.is_dir():
        raise DatasetError(f"{path}: is a folder, not a dataset file")
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except FileNotFoundError:
        raise DatasetError(f"{path}: file not found") from None
    except Exception as error:  # openpyxl raises zipfile/KeyError/InvalidFileException variants
        raise DatasetError(f"{path}: not a readable .xlsx workbook ({type(error).__name__})") from None
    try:
        sheet = book.worksheets[0] if book.worksheets else None
        if sheet is None:
            return
        header: list[str | None] = []
        for number, cells in enumerate(sheet.iter_rows(values_only=True), start=1):
            if not header:
                header = [None if c is None else str(c).strip() or None for c in cells]
                if not any(header):
                    raise DatasetError(f"{path}: row 1 must name the columns")
                continue
            if all(c is None or c == "" for c in cells):
                continue
            values = {
                name: _cell(value)
                for name, value in zip(header, cells, strict=False)
                if name is not None and value is not None
            }
            yield Row(number, values)
    finally:
        book.close()


def iter_rows(path: str | Path, *, on_bad_row: BadRowHandler | None = None) -> Iterator[Row]:
    """Rows of `path` one at a time (.jsonl/.ndjson, .json list of objects, .csv or .xlsx with a header)."""
    path = Path(path)
    if path.suffix.lower() == ".xlsx":
        yield from _xlsx(path)
        return
    handle = _open(path)
    suffix = path.suffix.lower()
    try:
        if suffix == ".csv":
            yield from _csv(handle)
        elif suffix == ".json":
            yield from _json(path, handle)
        else:
            yield from _jsonl(path, handle, on_bad_row)
    except UnicodeDecodeError:
        raise DatasetError(f"{path}: not UTF-8 text") from None
    finally:
        handle.close()


def read_rows(path: str | Path) -> list[dict[str, Any]]:
    """Every row's values, in order (for small datasets; large ones use `iter_rows`)."""
    return [row.values for row in iter_rows(path)]
