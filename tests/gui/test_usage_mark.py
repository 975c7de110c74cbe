"""Token counts the provider did not report are shown as estimates."""

from __future__ import annotations

from studio.gui.editor import format_tokens


def test_estimated_tokens_are_marked() -> None:
    assert format_tokens(38) == "38 tokens"
    shown = format_tokens(38, estimated=True)
    assert "38" in shown and shown.startswith("≈") and "estimated" in shown
