"""Per-model local settings (threads, context length, GPU layers), kept in preferences and applied
by the LLM runtime when it loads the model (`studio.runtime.llm.local.model_settings`)."""

from __future__ import annotations

from typing import Any

from studio.runtime.llm.local import SETTINGS_PREFERENCE


def gpu_offload_supported() -> bool:
    """Whether llama-cpp-python was built with a GPU backend (else GPU layers do nothing)."""
    try:
        import llama_cpp

        return bool(llama_cpp.llama_supports_gpu_offload())
    except Exception:
        return False


def get_model_settings(name: str) -> dict[str, int]:
    """The saved settings of a model (by name, i.e. its file stem); empty means defaults."""
    from studio.runtime.preferences import get_preference

    saved = get_preference(SETTINGS_PREFERENCE, {})
    mine = saved.get(name, {}) if isinstance(saved, dict) else {}
    return {k: v for k, v in mine.items() if isinstance(v, int)} if isinstance(mine, dict) else {}


def save_model_settings(name: str, **values: int | None) -> dict[str, int]:
    """Update a model's settings (threads, context_length, gpu_layers; None resets one)."""
    from studio.runtime.preferences import get_preference, set_preference

    allowed = {"threads", "context_length", "gpu_layers"}
    unknown = set(values) - allowed
    if unknown:
        raise ValueError(f"unknown model settings {sorted(unknown)}; use {sorted(allowed)}")
    saved: Any = get_preference(SETTINGS_PREFERENCE, {})
    saved = dict(saved) if isinstance(saved, dict) else {}
    mine = get_model_settings(name)
    for key, value in values.items():
        if value is None:
            mine.pop(key, None)
        else:
            mine[key] = int(value)
    if mine:
        saved[name] = mine
    else:
        saved.pop(name, None)
    set_preference(SETTINGS_PREFERENCE, saved or None)
    return mine
