"""The Settings "Test" button's work: one tiny real chat call with a stored API key, off the GUI
thread. The answer says whether the key works, or the provider's reason; it never holds the key."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable

# The cheapest model of each provider, for a one-token call.
TEST_MODELS: dict[str, str] = {
    "OPENAI_API_KEY": "openai/gpt-4o-mini",
    "ANTHROPIC_API_KEY": "anthropic/claude-3-5-haiku-latest",
    "GEMINI_API_KEY": "gemini/gemini-1.5-flash",
    "OPENROUTER_API_KEY": "openrouter/openai/gpt-4o-mini",
}


def check_key(key_name: str, model: str, api_base: str | None = None, timeout_s: float = 20.0) -> str | None:
    """Make a one-token call with the key stored under `key_name`; None when it worked, else why
    not (with the key itself scrubbed from the message)."""
    from studio.runtime.llm.facade import chat
    from studio.runtime.llm.types import ChatRequest
    from studio.runtime.safety.secrets import get_secret

    request = ChatRequest(
        model=model,
        messages=[{"role": "user", "content": "Hi"}],
        max_tokens=1,
        temperature=0.0,
        api_base=api_base,
        api_key_name=key_name,
        timeout_s=timeout_s,
        retries=0,
    )
    try:
        asyncio.run(chat(request))
    except Exception as error:  # every failure is something to show the user
        message = str(error) or type(error).__name__
        key = get_secret(key_name, required=False)
        if key:
            message = message.replace(key, "•••")
        return message
    return None


def check_key_in_thread(
    key_name: str, model: str, api_base: str | None, done: Callable[[str | None], None]
) -> threading.Thread:
    """Run check_key in a daemon thread and call `done(problem)` from that thread (connect a Qt
    signal to it, which brings the answer to the GUI thread)."""

    def work() -> None:
        done(check_key(key_name, model, api_base))

    thread = threading.Thread(target=work, name=f"test-{key_name}", daemon=True)
    thread.start()
    return thread
