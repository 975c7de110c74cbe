"""Reading enough of a GGUF file's header to tell a whole model from a truncated or foreign file.

The header (magic `GGUF`, version, metadata, tensor table) says where every tensor's data starts and
how big it is; a file shorter than the end of its last tensor was cut off (a download that stopped,
a copy that did not finish). Standard library only.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

MAGIC = b"GGUF"
DEFAULT_ALIGNMENT = 32
# ggml tensor types -> (elements per block, bytes per block), from ggml.h / gguf-py constants.
_TYPE_SIZES: dict[int, tuple[int, int]] = {
    0: (1, 4), 1: (1, 2), 2: (32, 18), 3: (32, 20), 6: (32, 22), 7: (32, 24), 8: (32, 34),
    9: (32, 36), 10: (256, 84), 11: (256, 110), 12: (256, 144), 13: (256, 176), 14: (256, 210),
    15: (256, 292), 16: (256, 66), 17: (256, 74), 18: (256, 98), 19: (256, 50), 20: (32, 18),
    21: (256, 110), 22: (256, 82), 23: (256, 136), 24: (1, 1), 25: (1, 2), 26: (1, 4), 27: (1, 8),
    28: (1, 8), 29: (256, 56), 30: (1, 2), 34: (256, 54), 35: (256, 66), 39: (32, 17),
}  # fmt: skip
# Metadata value types: fixed-size scalars as struct formats; 8 is a string, 9 an array.
_SCALARS = {
    0: "<B",
    1: "<b",
    2: "<H",
    3: "<h",
    4: "<I",
    5: "<i",
    6: "<f",
    7: "<?",
    10: "<Q",
    11: "<q",
    12: "<d",
}
_STRING, _ARRAY = 8, 9
# Guards against a garbage header making us read gigabytes of "metadata".
_MAX_COUNT = 1 << 24
_MAX_STRING = 1 << 26


class GGUFError(ValueError):
    """The file is not a usable GGUF model; the message says why, in words."""


@dataclass
class GGUFInfo:
    """What the header says about a model file."""

    version: int
    tensor_count: int
    metadata: dict[str, Any] = field(default_factory=dict)
    data_start: int = 0
    # Where the last tensor's data ends (0 when a tensor type is unknown to us).
    data_end: int = 0

    @property
    def architecture(self) -> str:
        """The model architecture ("llama", "qwen2", ...), or ""."""
        return str(self.metadata.get("general.architecture", ""))

    @property
    def context_length(self) -> int:
        """The context length the model was trained with (0 when unknown)."""
        value = self.metadata.get(f"{self.architecture}.context_length", 0)
        return int(value) if isinstance(value, int) else 0


class _Reader:
    def __init__(self, handle: BinaryIO):
        self.handle = handle

    def read(self, size: int) -> bytes:
        data = self.handle.read(size)
        if len(data) != size:
            raise GGUFError("the file ends inside its header (it is truncated)")
        return data

    def unpack(self, fmt: str) -> Any:
        return struct.unpack(fmt, self.read(struct.calcsize(fmt)))[0]

    def count(self, version: int) -> int:
        value = int(self.unpack("<I" if version == 1 else "<Q"))
        if value > _MAX_COUNT:
            raise GGUFError("its header is damaged (an impossible count)")
        return value

    def string(self, version: int) -> str:
        size = int(self.unpack("<I" if version == 1 else "<Q"))
        if size > _MAX_STRING:
            raise GGUFError("its header is damaged (an impossible string length)")
        return self.read(size).decode("utf-8", errors="replace")

    def value(self, kind: int, version: int, keep: bool) -> Any:
        if kind in _SCALARS:
            return self.unpack(_SCALARS[kind])
        if kind == _STRING:
            return self.string(version)
        if kind == _ARRAY:
            item_kind = int(self.unpack("<I"))
            count = self.count(version)
            if item_kind in _SCALARS and not keep:
                # Skip big arrays (token scores) without decoding them one by one.
                self.read(struct.calcsize(_SCALARS[item_kind]) * count)
                return None
            items = [self.value(item_kind, version, keep) for _ in range(count)]
            return items if keep else None
        raise GGUFError(f"its header is damaged (unknown metadata type {kind})")


def read_header(path: Path) -> GGUFInfo:
    """Parse a GGUF file's header and tensor table; GGUFError says what is wrong."""
    try:
        size = path.stat().st_size
        with path.open("rb") as raw:
            return _parse(_Reader(raw), size)
    except OSError as exc:
        raise GGUFError(f"it cannot be read ({exc.strerror or exc})") from exc


def _parse(reader: _Reader, file_size: int) -> GGUFInfo:
    if reader.handle.read(4) != MAGIC:
        raise GGUFError("it is not a GGUF model file (it does not start with 'GGUF')")
    version = int(reader.unpack("<I"))
    if version not in (1, 2, 3):
        raise GGUFError(f"it is GGUF version {version}, which this version of Chain Studio cannot read")
    tensor_count = reader.count(version)
    kv_count = reader.count(version)
    info = GGUFInfo(version=version, tensor_count=tensor_count)
    for _ in range(kv_count):
        key = reader.string(version)
        kind = int(reader.unpack("<I"))
        # Keep scalars and strings; the tokenizer's long arrays are skipped.
        value = reader.value(kind, version, keep=kind != _ARRAY)
        if value is not None:
            info.metadata[key] = value
    tensors: list[tuple[int, int | None]] = []
    for _ in range(tensor_count):
        reader.string(version)
        n_dims = int(reader.unpack("<I"))
        if n_dims > 8:
            raise GGUFError("its tensor table is damaged")
        elements = 1
        for _ in range(n_dims):
            elements *= int(reader.unpack("<Q" if version > 1 else "<I"))
        kind = int(reader.unpack("<I"))
        offset = int(reader.unpack("<Q"))
        block = _TYPE_SIZES.get(kind)
        nbytes = None if block is None else (elements + block[0] - 1) // block[0] * block[1]
        tensors.append((offset, nbytes))
    alignment = info.metadata.get("general.alignment", DEFAULT_ALIGNMENT)
    alignment = alignment if isinstance(alignment, int) and alignment > 0 else DEFAULT_ALIGNMENT
    position = reader.handle.tell()
    info.data_start = (position + alignment - 1) // alignment * alignment
    if tensors:
        if all(nbytes is not None for _, nbytes in tensors):
            info.data_end = info.data_start + max(offset + (nbytes or 0) for offset, nbytes in tensors)
        else:  # a tensor type newer than our table: at least the last tensor must start inside
            info.data_end = info.data_start + max(offset for offset, _ in tensors) + 1
    if info.data_end > file_size:
        missing = info.data_end - file_size
        raise GGUFError(
            f"it is truncated: its tensors need {info.data_end:,} bytes but the file has {file_size:,} "
            f"({missing:,} missing; copy or download it again)"
        )
    return info
