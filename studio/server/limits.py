"""What a request may cost the server: body and input sizes, run time, runs at once, CORS.

- A body over `max_body_bytes` gets 413 (by its Content-Length before it is read, and while it
  is read when it comes chunked); one text input over `max_input_chars` gets 413 naming it.
- A run longer than `timeout_s` is stopped (recorded as stopped) and the request gets 504.
- At most `max_concurrency` runs at once; up to `max_waiting` more wait for a turn; beyond that
  the answer is 429 with Retry-After, at once, so a client backs off instead of piling up.
- CORS is off unless origins are given (`studio serve --cors ORIGIN`): browsers then may call
  from those origins only; the key is still needed.

fastapi/starlette are imported inside functions: this module is imported by the server only.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from starlette.applications import Starlette
    from starlette.requests import Request

__all__ = ["Busy", "Limits", "RunSlots", "TooLarge", "add_cors", "check_input_sizes", "read_body"]


@dataclass(frozen=True)
class Limits:
    """The server's limits; the defaults suit one person's machine."""

    max_body_bytes: int = 1_000_000
    max_input_chars: int = 200_000
    timeout_s: float = 300.0
    max_concurrency: int = 16
    max_waiting: int = 64
    retry_after_s: int = 1
    cors_origins: Sequence[str] = field(default_factory=tuple)


class TooLarge(Exception):
    """A body or an input over its limit (413); the message says which and the limit."""


class Busy(Exception):
    """Every run slot and waiting place is taken (429)."""


class RunSlots:
    """Runs at once, with a bounded wait for a turn: beyond running + waiting, `Busy` at once."""

    def __init__(self, running: int, waiting: int):
        self.running = max(1, running)
        self.capacity = self.running + max(0, waiting)
        self._semaphore: asyncio.Semaphore | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self.taken = 0  # running and waiting

    @contextlib.asynccontextmanager
    async def slot(self) -> AsyncIterator[None]:
        """Hold one run slot for the block; Busy when the server is full."""
        if self.taken >= self.capacity:
            raise Busy(
                f"the server is running {self.running} flows and has {self.capacity - self.running} waiting"
            )
        loop = asyncio.get_running_loop()
        if self._semaphore is None or self._loop is not loop:  # one per event loop (tests make several)
            self._semaphore, self._loop = asyncio.Semaphore(self.running), loop
        self.taken += 1
        try:
            async with self._semaphore:
                yield
        finally:
            self.taken -= 1


async def read_body(request: Request, limit: int) -> bytes:
    """The request body, refused (TooLarge) past `limit` bytes without reading the rest."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise TooLarge(f"the request body is {int(declared):,} bytes; this server accepts up to {limit:,}")
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise TooLarge(f"the request body is over {limit:,} bytes, the most this server accepts")
        chunks.append(chunk)
    return b"".join(chunks)


def check_input_sizes(inputs: Mapping[str, Any], limit: int) -> None:
    """Refuse (TooLarge) a text input longer than `limit` characters, naming it."""
    for name, value in inputs.items():
        if isinstance(value, str) and len(value) > limit:
            raise TooLarge(
                f"input {name!r} is {len(value):,} characters; this server accepts up to {limit:,}"
            )


def add_cors(app: Starlette, origins: Sequence[str]) -> None:
    """Let browsers on `origins` call the API (nothing is added when there are none)."""
    if not origins:
        return
    from starlette.middleware.cors import CORSMiddleware

    app.add_middleware(
        CORSMiddleware,
        allow_origins=list(origins),
        allow_methods=["GET", "POST"],
        allow_headers=["Authorization", "Content-Type"],
        allow_credentials=False,
    )
