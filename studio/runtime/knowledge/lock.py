"""One writer at a time per knowledge base, across threads and processes (GUI and CLI together).

A writer holds an exclusive `flock` on `<kb folder>/writer.lock` for the whole write. The kernel
releases the lock when the holder exits, even when it is killed, so a crashed ingest never
leaves a knowledge base locked. Readers take no lock: LanceDB readers see the last committed
table version.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from types import TracebackType

DEFAULT_TIMEOUT_S = 60.0


class KBLockTimeout(RuntimeError):
    """Another writer kept the knowledge base busy for longer than we were willing to wait."""


class WriterLock:
    """Exclusive writer lock on a knowledge base folder; use as a context manager."""

    def __init__(
        self,
        folder: Path,
        *,
        name: str = "",
        timeout: float = DEFAULT_TIMEOUT_S,
        poll: float = 0.05,
    ):
        self.path = folder / "writer.lock"
        self.name = name or folder.name
        self.timeout = timeout
        self.poll = poll
        self._fd: int | None = None

    def acquire(self) -> None:
        """Wait up to `timeout` seconds for the lock, then raise KBLockTimeout naming the holder."""
        import fcntl  # POSIX only; Windows support would use msvcrt.locking here.

        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        deadline = time.monotonic() + self.timeout
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    holder = self._holder()
                    os.close(fd)
                    raise KBLockTimeout(
                        f"knowledge base '{self.name}' is being written by another process"
                        f"{holder}; waited {self.timeout:g} s. Try again when that ingest finishes."
                    ) from None
                time.sleep(self.poll)
        # Record who holds it, so a waiter's error message can say.
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"pid {os.getpid()} since {time.strftime('%H:%M:%S')}".encode(), 0)
        self._fd = fd

    def _holder(self) -> str:
        try:
            text = self.path.read_text(encoding="utf-8").strip()
        except OSError:
            return ""
        return f" ({text})" if text else ""

    def release(self) -> None:
        """Give the lock back."""
        if self._fd is None:
            return
        import fcntl

        try:
            os.ftruncate(self._fd, 0)
            fcntl.flock(self._fd, fcntl.LOCK_UN)
        finally:
            os.close(self._fd)
            self._fd = None

    def __enter__(self) -> WriterLock:
        self.acquire()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.release()
