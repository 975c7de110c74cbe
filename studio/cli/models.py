"""`studio models list | pull | add | rm | test` and `studio embeddings list | pull`: the model
manager from the shell (the same runtime as the Studio's Models page)."""

from __future__ import annotations

import argparse
import json
import logging
import sys
import threading
import time
from pathlib import Path
from typing import Any

from studio.cli.common import EXIT_BAD_INPUT, EXIT_CANCELLED, EXIT_OK


def _fail(message: str) -> int:
    print(message, file=sys.stderr)
    return EXIT_BAD_INPUT


def cmd_list(args: argparse.Namespace) -> int:
    """Installed models, models on local servers, and (with --catalogue) what can be pulled."""
    from studio.runtime.models.catalogue import format_size, load_catalogue
    from studio.runtime.models.discovery import discover
    from studio.runtime.models.downloads import partial_downloads
    from studio.runtime.models.installed import list_installed

    installed = list_installed()
    servers = discover()
    rows: dict[str, Any] = {
        "installed": [
            {"model": m.model, "size_bytes": m.size_bytes, "builtin": m.builtin} for m in installed
        ],
        "servers": [
            {"provider": s.provider, "url": s.url, "found": s.found, "models": [m.model for m in s.models]}
            for s in servers
        ],
        "partial": [{"name": n, "bytes": b} for n, b in partial_downloads()],
    }
    catalogue = load_catalogue().chat
    if args.catalogue:
        rows["catalogue"] = [e.name for e in catalogue]
    if args.json:
        print(json.dumps(rows, indent=2, ensure_ascii=False))
        return EXIT_OK
    print("Installed:")
    for model in installed:
        note = "  (built-in)" if model.builtin else ""
        print(f"  {model.model:<44} {format_size(model.size_bytes):>8}{note}")
    for name, done in partial_downloads():
        print(f"  {name:<44} {format_size(done):>8}  (partly downloaded: `studio models pull` resumes)")
    for status in servers:
        if status.found:
            print(f"{status.provider} at {status.url}:")
            for server_model in status.models:
                print(f"  {server_model.model}  (api_base {server_model.api_base})")
            if not status.models:
                print("  (no models)")
        else:
            print(
                f"{status.provider}: not found at {status.url}"
                + (f"; {status.problem}" if status.problem else "")
            )
    if args.catalogue:
        print("Catalogue (studio models pull NAME):")
        have = {m.name for m in installed}
        for entry in catalogue:
            mark = "installed" if entry.name in have or entry.builtin else format_size(entry.size_bytes)
            zh = "  good in Chinese" if entry.good_in_chinese else ""
            print(f"  {entry.name:<26} {mark:>9}  RAM {entry.ram_gb:g} GB  {entry.licence}{zh}")
    return EXIT_OK


class _Bar:
    """A progress bar on stderr: bytes, percent and speed, redrawn at most 10 times a second."""

    def __init__(self) -> None:
        self.start = time.monotonic()
        self.first: int | None = None
        self.last = 0.0

    def __call__(self, done: int, total: int | None) -> None:
        from studio.runtime.models.catalogue import format_size

        now = time.monotonic()
        if self.first is None:
            self.first = done
        if now - self.last < 0.1 and (total is None or done < total):
            return
        self.last = now
        speed = (done - self.first) / max(now - self.start, 1e-6)
        if total:
            filled = int(30 * done / total)
            bar = f"[{'#' * filled}{'.' * (30 - filled)}]"
            text = f"\r{bar} {100 * done / total:5.1f}%  {format_size(done)} / {format_size(total)}"
        else:
            text = f"\r{format_size(done)}"
        sys.stderr.write(f"{text}  {format_size(int(speed))}/s ")
        sys.stderr.flush()


def cmd_pull(args: argparse.Namespace) -> int:
    """Show what is about to be downloaded, then download it with a progress bar (resumable)."""
    from studio.runtime.models.catalogue import format_size
    from studio.runtime.models.downloads import DownloadCancelled, DownloadError, pull, resolve_target

    logging.getLogger("huggingface_hub").setLevel(logging.ERROR)  # its retry notes are ours to word
    try:
        target = resolve_target(args.name)
    except DownloadError as error:
        return _fail(str(error))
    entry = target.entry
    if entry is not None:
        print(f"{entry.title}: {target.repo}/{target.file}", file=sys.stderr)
        print(
            f"  size {format_size(entry.size_bytes)}{' (about)' if entry.size_approximate else ''}, "
            f"{entry.quantisation}, context {entry.context_length:,} tokens, RAM about {entry.ram_gb:g} GB",
            file=sys.stderr,
        )
        zh = " (good in Chinese)" if entry.good_in_chinese else ""
        print(f"  languages {', '.join(entry.languages)}{zh}", file=sys.stderr)
        print(f"  licence {entry.licence}: {entry.licence_url}", file=sys.stderr)
    else:
        print(f"{target.repo}/{target.file} (revision {target.revision})", file=sys.stderr)
    cancel = threading.Event()
    bar = _Bar() if not args.quiet else None
    try:
        path = pull(args.name, progress=bar, cancel=cancel)
    except KeyboardInterrupt:
        print("\nstopped; run the same pull again to resume", file=sys.stderr)
        return EXIT_CANCELLED
    except DownloadCancelled as error:
        print(f"\n{error}", file=sys.stderr)
        return EXIT_CANCELLED
    except DownloadError as error:
        if bar is not None:
            sys.stderr.write("\n")
        return _fail(str(error))
    if bar is not None:
        sys.stderr.write("\n")
    print(f"installed {path.name}: use the model local/{path.stem}")
    return EXIT_OK


def cmd_add(args: argparse.Namespace) -> int:
    """Copy a GGUF file into the models folder after checking it."""
    from studio.runtime.models.installed import ModelError, add

    try:
        model = add(Path(args.path), name=args.name)
    except ModelError as error:
        return _fail(str(error))
    print(f"added {model.path.name}: use the model {model.model}")
    return EXIT_OK


def cmd_rm(args: argparse.Namespace) -> int:
    """Delete an installed model."""
    from studio.runtime.models.installed import ModelError, remove

    try:
        model = remove(args.name)
    except ModelError as error:
        return _fail(str(error))
    print(f"removed {model.path.name}")
    return EXIT_OK


def cmd_test(args: argparse.Namespace) -> int:
    """Generate a short reply with an installed model and print its speed."""
    from studio.runtime.models.check import test_model
    from studio.runtime.models.installed import ModelError, find_installed, memory_warning

    model = find_installed(args.name)
    if model is not None and (warning := memory_warning(model.path)):
        print(f"warning: {warning}", file=sys.stderr)
    try:
        result = test_model(args.name, max_tokens=args.max_tokens)
    except ModelError as error:
        return _fail(str(error))
    if args.json:
        print(
            json.dumps({**result.__dict__, "tokens_per_second": result.tokens_per_second}, ensure_ascii=False)
        )
    else:
        print(result.text.strip())
        print(
            f"{result.tokens} tokens in {result.seconds:.2f} s: {result.tokens_per_second:.1f} tokens/s "
            f"(loaded in {result.load_seconds:.2f} s)",
            file=sys.stderr,
        )
    return EXIT_OK


def cmd_settings(args: argparse.Namespace) -> int:
    """Show or change a local model's threads, context length and GPU layers (0 = default)."""
    from studio.runtime.models.installed import find_installed
    from studio.runtime.models.settings import get_model_settings, gpu_offload_supported, save_model_settings

    model = find_installed(args.name)
    if model is None:
        return _fail(f"no installed model called {args.name!r}; see `studio models list`")
    changes = {"threads": args.threads, "context_length": args.context_length, "gpu_layers": args.gpu_layers}
    if args.gpu_layers and not gpu_offload_supported():
        print("note: this llama-cpp-python has no GPU support, so GPU layers have no effect", file=sys.stderr)
    if any(value is not None for value in changes.values()):
        save_model_settings(model.path.stem, **{k: (v or None) for k, v in changes.items() if v is not None})
    saved = get_model_settings(model.path.stem)
    print(
        json.dumps({"model": model.model, **saved}) if args.json else f"{model.model}: {saved or 'defaults'}"
    )
    return EXIT_OK


def cmd_embeddings_list(args: argparse.Namespace) -> int:
    """The catalogue's embedding models and whether each is downloaded."""
    from studio.runtime.models.catalogue import format_size, load_catalogue
    from studio.runtime.models.check import embedder_downloaded

    rows = []
    for entry in load_catalogue().embedders:
        rows.append(
            {
                "name": entry.name,
                "short_name": entry.short_name,
                "downloaded": embedder_downloaded(entry),
                "dim": entry.dim,
                "languages": entry.languages,
                "good_in_chinese": entry.good_in_chinese,
                "pullable": entry.fastembed,
            }
        )
    if args.json:
        print(json.dumps(rows, indent=2, ensure_ascii=False))
        return EXIT_OK
    for entry in load_catalogue().embedders:
        state = (
            "built-in"
            if entry.builtin
            else ("downloaded" if embedder_downloaded(entry) else format_size(entry.size_bytes))
        )
        if not entry.fastembed:
            state = "not pullable"
        zh = "  good in Chinese" if entry.good_in_chinese else ""
        print(f"  {entry.short_name:<40} {state:>12}  dim {entry.dim}  {','.join(entry.languages)}{zh}")
    return EXIT_OK


def cmd_embeddings_pull(args: argparse.Namespace) -> int:
    """Download a fastembed model for new knowledge bases."""
    from studio.runtime.models.check import pull_embedder
    from studio.runtime.models.installed import ModelError

    try:
        entry = pull_embedder(args.name)
    except ModelError as error:
        return _fail(str(error))
    print(f"{entry.name} is ready: new knowledge bases can use the embedding model {entry.name}")
    return EXIT_OK


def add_commands(subparsers: Any) -> None:
    """Add `models` and `embeddings` to the `studio` parser."""
    models = subparsers.add_parser("models", help="list, pull, add, remove and test chat models")
    sub = models.add_subparsers(dest="models_command", required=True)
    listing = sub.add_parser("list", help="installed models and those on local servers (Ollama, LM Studio)")
    listing.add_argument("--catalogue", action="store_true", help="also the models that can be pulled")
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(handler=cmd_list)
    pull = sub.add_parser("pull", help="download a catalogue model or hf:OWNER/REPO/FILE.gguf (resumable)")
    pull.add_argument("name")
    pull.add_argument("--quiet", "-q", action="store_true", help="no progress bar")
    pull.set_defaults(handler=cmd_pull)
    add = sub.add_parser("add", help="add a .gguf file (checked first) to the models folder")
    add.add_argument("path")
    add.add_argument("--name", help="the model's name (default: the file name)")
    add.set_defaults(handler=cmd_add)
    rm = sub.add_parser("rm", help="delete an installed model")
    rm.add_argument("name")
    rm.set_defaults(handler=cmd_rm)
    test = sub.add_parser("test", help="a short prompt and the speed in tokens/s")
    test.add_argument("name")
    test.add_argument("--max-tokens", type=int, default=24)
    test.add_argument("--json", action="store_true")
    test.set_defaults(handler=cmd_test)
    settings = sub.add_parser("settings", help="threads, context length and GPU layers of a local model")
    settings.add_argument("name")
    settings.add_argument("--threads", type=int, help="worker threads (0: automatic)")
    settings.add_argument("--context-length", type=int, help="context in tokens (0: default 2048)")
    settings.add_argument("--gpu-layers", type=int, help="layers on the GPU (needs a GPU build of llama-cpp)")
    settings.add_argument("--json", action="store_true")
    settings.set_defaults(handler=cmd_settings)
    embeddings = subparsers.add_parser("embeddings", help="list and pull embedding models (fastembed)")
    esub = embeddings.add_subparsers(dest="embeddings_command", required=True)
    elist = esub.add_parser("list", help="embedding models of the catalogue")
    elist.add_argument("--json", action="store_true")
    elist.set_defaults(handler=cmd_embeddings_list)
    epull = esub.add_parser("pull", help="download an embedding model (HF_ENDPOINT mirrors honoured)")
    epull.add_argument("name")
    epull.set_defaults(handler=cmd_embeddings_pull)
