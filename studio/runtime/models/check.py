"""Trying a local model ("Test" on the Models page, `studio models test`): a short prompt, its reply
and the speed in tokens per second; and the embedding models fastembed keeps in the data folder."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from studio.runtime.models.catalogue import EmbedderEntry, load_catalogue
from studio.runtime.models.installed import ModelError, find_installed

TEST_PROMPT = "Say hello in one short sentence."


@dataclass(frozen=True)
class TestResult:
    """What a test generation gave."""

    model: str
    text: str
    tokens: int
    seconds: float
    load_seconds: float
    finish_reason: str | None

    @property
    def tokens_per_second(self) -> float:
        """Generation speed (tokens of the reply over the time generating them)."""
        return self.tokens / self.seconds if self.seconds > 0 else 0.0


def test_model(name: str, *, max_tokens: int = 24, prompt: str = TEST_PROMPT) -> TestResult:
    """Load an installed local model and generate a short reply; ModelError when it cannot."""
    from studio.runtime.llm.local import load_model
    from studio.runtime.llm.types import LLMError

    model = find_installed(name)
    if model is None:
        raise ModelError(f"no installed model called {name!r}; see `studio models list`")
    start = time.monotonic()
    try:
        loaded = load_model(model.path)
    except LLMError as exc:
        raise ModelError(f"{model.name} could not be loaded: {exc}") from exc
    loaded_at = time.monotonic()
    with loaded.lock:
        reply = loaded.llama.create_chat_completion(
            messages=[{"role": "user", "content": prompt}], max_tokens=max_tokens, temperature=0.0
        )
    took = time.monotonic() - loaded_at
    choice = reply["choices"][0]
    usage = reply.get("usage") or {}
    return TestResult(
        model=model.model,
        text=str(choice["message"].get("content") or ""),
        tokens=int(usage.get("completion_tokens") or 0),
        seconds=took,
        load_seconds=loaded_at - start,
        finish_reason=choice.get("finish_reason"),
    )


def fastembed_cache() -> Path:
    """Where fastembed keeps downloaded models (the same folder knowledge bases load them from)."""
    from studio.runtime import paths

    return paths.sub_dir("models") / "fastembed"


def embedder_downloaded(entry: EmbedderEntry) -> bool:
    """Whether an embedding model is on disk (the built-in one always is)."""
    if entry.builtin:
        return True
    if not entry.hf_repo:
        return False
    folder = fastembed_cache() / f"models--{entry.hf_repo.replace('/', '--')}"
    return folder.is_dir() and any(folder.glob("snapshots/*/*"))


def pull_embedder(name: str) -> EmbedderEntry:
    """Download a fastembed model of the catalogue (through huggingface_hub, so `HF_ENDPOINT`
    mirrors work) into the data folder; ModelError names close matches when it is unknown."""
    catalogue = load_catalogue()
    entry = catalogue.embedder_entry(name)
    if entry is None:
        matches = catalogue.close_matches(name, kind="embedders")
        hint = f"did you mean {', '.join(matches)}?" if matches else "see `studio embeddings list`"
        raise ModelError(f"{name!r} is not an embedding model of the catalogue: {hint}")
    if entry.builtin:
        return entry
    if not entry.fastembed:
        raise ModelError(
            f"{entry.short_name} cannot be pulled: {entry.notes or 'fastembed does not support it'}"
        )
    from studio.runtime.models.downloads import check_repo, endpoint, hub_endpoint

    # fastembed retries an unreachable hub for most of a minute and logs each try: ask first.
    check_repo(entry.hf_repo)
    try:
        from fastembed import TextEmbedding
    except ImportError as exc:
        raise ModelError("embedding models need the package fastembed, which is not installed") from exc
    try:
        with hub_endpoint():
            TextEmbedding(model_name=entry.name, cache_dir=str(fastembed_cache()))
    except Exception as exc:  # fastembed wraps network and hub errors in many types
        raise ModelError(
            f"{entry.short_name} could not be downloaded from {endpoint()}; check the network "
            "(or HF_ENDPOINT) and pull again"
        ) from exc
    return entry
