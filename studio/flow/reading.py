"""Reading flow files defensively: a flow file may come from anyone, so reading it must not hang,
exhaust memory or crash, whatever the path points at or the file holds.

`read_flow_bytes` refuses anything but a regular file of bounded size before reading it (a FIFO
would block the reader forever, `/dev/zero` never ends). `parse_json` parses with limits on number
size, nesting depth and text validity, so that nothing downstream (pydantic, the GUI, saving) meets
data it cannot handle.
"""

from __future__ import annotations

import errno
import json
import math
import os
import stat
from typing import Any

from studio.flow.errors import FlowError, Problem, brief, json_path

MAX_FLOW_BYTES = 50 * 1024 * 1024
# Deeper than any real flow (a JSON schema in a node's settings nests perhaps ten levels), and
# shallow enough that recursive code downstream (validation, copying, the GUI) never runs out of stack.
MAX_DEPTH = 100
# Python refuses to convert longer digit strings to int (CVE-2020-10735); say so in a sentence.
MAX_INT_DIGITS = 4300

_READ_CHUNK = 1024 * 1024


class _Refused(Exception):
    """Raised from inside the JSON parser's hooks to stop at the first unacceptable number."""


def _kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def _os_problem(error: OSError) -> str:
    """A sentence for why a path cannot be read (the errno, not Python's wording)."""
    reasons = {
        errno.ENOENT: "file not found",
        errno.ENOTDIR: "a part of the path is a file, not a folder",
        errno.EISDIR: "is a folder, not a flow file",
        errno.EACCES: "permission denied",
        errno.EPERM: "permission denied",
        errno.ELOOP: "too many levels of symbolic links (a symbolic link loop?)",
        errno.ENAMETOOLONG: "the file name is too long for this system",
    }
    reason = reasons.get(error.errno or 0)
    return reason or f"cannot read the file: {error.strerror or error}"


def _check_stat(info: os.stat_result, source: str) -> None:
    if stat.S_ISDIR(info.st_mode):
        raise FlowError("is a folder, not a flow file", source=source)
    if not stat.S_ISREG(info.st_mode):
        raise FlowError(
            f"is {_kind(info.st_mode)}, not a flow file; give the path of a .json file", source=source
        )
    if info.st_size > MAX_FLOW_BYTES:
        raise FlowError(
            f"the file is {info.st_size:,} bytes; a flow file is at most {MAX_FLOW_BYTES:,}", source=source
        )


def read_flow_bytes(path: str | os.PathLike[str]) -> bytes:
    """The bytes of a flow file, or FlowError: not found, not a regular file, too big, unreadable."""
    source = os.fsdecode(path)
    try:
        # stat first: opening a FIFO for reading blocks until a writer comes, so never open one.
        _check_stat(os.stat(path), source)
        # O_NONBLOCK: should the path be swapped for a FIFO after the stat, open still returns
        # (and the fstat below refuses it). It changes nothing for a regular file.
        flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
        fd = os.open(path, flags | getattr(os, "O_BINARY", 0) | getattr(os, "O_CLOEXEC", 0))
    except FlowError:
        raise
    except OSError as error:
        raise FlowError(_os_problem(error), source=source) from None
    except ValueError as error:  # a NUL byte in the path
        raise FlowError(f"not a usable path: {error}", source=source) from None
    try:
        _check_stat(os.fstat(fd), source)
        chunks: list[bytes] = []
        total = 0
        while True:  # read at most one byte past the limit: the file may grow after the stat
            chunk = os.read(fd, min(_READ_CHUNK, MAX_FLOW_BYTES + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
            if total > MAX_FLOW_BYTES:
                raise FlowError(
                    f"the file is over {MAX_FLOW_BYTES:,} bytes, the limit of a flow file", source=source
                )
    except OSError as error:
        raise FlowError(_os_problem(error), source=source) from None
    finally:
        os.close(fd)
    return b"".join(chunks)


def decode_flow_bytes(data: bytes, source: str | None = None) -> str:
    """UTF-8 text (a byte-order mark is allowed), or FlowError naming the first bad byte."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise FlowError(f"not UTF-8 text (byte {error.start})", source=source) from None


def _parse_int(text: str) -> int:
    digits = len(text.lstrip("-"))
    if digits > MAX_INT_DIGITS:
        raise _Refused(
            f"a number has {digits:,} digits; numbers in a flow file have at most {MAX_INT_DIGITS:,}"
        )
    return int(text)


def _parse_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise _Refused(f"the number {brief(text)} is too large for a 64-bit float")
    return value


def _parse_constant(text: str) -> Any:
    raise _Refused(f"{text} is not a JSON number (JSON has no NaN or Infinity)")


def parse_json(text: str, *, source: str | None = None) -> Any:
    """Parse flow JSON text within the limits above; FlowError says which limit or syntax error."""
    try:
        data = json.loads(
            text, parse_int=_parse_int, parse_float=_parse_float, parse_constant=_parse_constant
        )
    except json.JSONDecodeError as error:
        raise FlowError(
            Problem("", f"not valid JSON: {error.msg} at line {error.lineno}, column {error.colno}"),
            source=source,
        ) from None
    except _Refused as error:
        raise FlowError(Problem("", f"not accepted: {error}"), source=source) from None
    except RecursionError:
        raise FlowError(
            Problem("", f"not accepted: the JSON is nested more than {MAX_DEPTH} levels deep"), source=source
        ) from None
    problem = check_structure(data)
    if problem is not None:
        raise FlowError(problem, source=source)
    return data


def check_structure(data: Any) -> Problem | None:
    """The first place where parsed data nests too deep or holds text that is not valid Unicode.

    Lone surrogates (`"\\ud800"` is valid JSON but not Unicode text) cannot be printed, saved as
    UTF-8 or stored, so they are refused here rather than crashing whatever meets them later.
    Iterative, so that it cannot itself run out of stack.
    """
    # Each entry: (value, depth, path so far as a linked tuple (parent, key) to keep it cheap).
    stack: list[tuple[Any, int, Any]] = [(data, 0, None)]
    while stack:
        value, depth, where = stack.pop()
        if isinstance(value, str):
            if not value.isascii() and not _is_unicode(value):
                return Problem(_path(where), "the text holds a lone surrogate (not valid Unicode)")
            continue
        if not isinstance(value, dict | list):
            continue
        if depth >= MAX_DEPTH:
            return Problem(_path(where), f"nested more than {MAX_DEPTH} levels deep")
        if isinstance(value, list):
            stack.extend((item, depth + 1, (where, index)) for index, item in enumerate(value))
            continue
        for key, item in value.items():
            if not key.isascii() and not _is_unicode(key):
                return Problem(_path(where), "a key holds a lone surrogate (not valid Unicode)")
            stack.append((item, depth + 1, (where, key)))
    return None


def _is_unicode(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _path(where: Any) -> str:
    parts: list[str | int] = []
    while where is not None:
        where, key = where
        parts.append(key)
    return json_path(reversed(parts))
