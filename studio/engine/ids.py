"""Run ids: random (version 4) UUIDs drawn from a pool of OS random bytes."""

from __future__ import annotations

import os
import threading
import uuid

# Random bytes for run ids, 256 ids per system call: one call per id (which also hands the GIL to
# another thread) was a visible part of a batch row's cost. A forked child forgets its parent's.
_ids: list[bytes] = []
_id_lock = threading.Lock()
if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_ids.clear)


def new_run_id() -> str:
    """A random (version 4) UUID, as `str(uuid.uuid4())`, from the OS's random source."""
    with _id_lock:
        if not _ids:
            pool = os.urandom(16 * 256)
            _ids.extend(pool[index : index + 16] for index in range(0, len(pool), 16))
        raw = _ids.pop()
    return str(uuid.UUID(bytes=raw, version=4))
