"""The one place litellm is imported: quietly, offline, and only when a call needs it."""

from __future__ import annotations

import os
from typing import Any


def import_litellm() -> Any:
    """Import litellm quietly and offline (its price list is read from the package, not fetched)."""
    os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
    import litellm

    litellm.suppress_debug_info = True
    return litellm
