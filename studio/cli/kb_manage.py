"""`studio kb create | add | remove | reindex`: building knowledge bases from the shell.

Paths typed on the command line are the user's choice, so they are allowed for that use (the
allowed-folders list is only for paths written in shared flow files).
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from studio.cli.common import EXIT_BAD_INPUT, EXIT_CANCELLED, EXIT_OK

__all__ = ["add_manage_commands"]


def _fail(message: str) -> int:
    print(message, file=sys.stderr)
    return EXIT_BAD_INPUT


def _progress_printer() -> Any:
    """A progress callback writing one updating line to stderr (a line per file when not a tty)."""
    tty = sys.stderr.isatty()
    last = [""]

    def show(progress: Any) -> None:
        line = (
            f"{progress.files_done}/{progress.files_total} files, {progress.chunks} chunks, "
            f"{progress.chunks_per_s:.0f} chunks/s"
        )
        if progress.current:
            line += f"  {progress.current}"
        if line == last[0]:
            return
        last[0] = line
        if tty:
            print("\r\x1b[K" + line, end="", file=sys.stderr, flush=True)
        elif progress.current:  # not a terminal: one line per file is enough
            print(line, file=sys.stderr, flush=True)

    def done() -> None:
        if tty and last[0]:
            print(file=sys.stderr)

    show.done = done  # type: ignore[attr-defined]
    return show


def cmd_create(args: argparse.Namespace) -> int:
    """Create an empty knowledge base (default embedding model unless --embedding)."""
    from studio.runtime.knowledge.manage import create
    from studio.runtime.knowledge.vectorstore import KnowledgeBaseError

    try:
        kb = create(args.name, embedding_model=args.embedding, splitter=args.splitter)
    except KnowledgeBaseError as error:
        return _fail(str(error))
    print(
        f"created knowledge base '{kb.name}' (embedding model {kb.embedding_model}, splitter {args.splitter})"
    )
    return EXIT_OK


def _print_report(name: str, report: Any) -> None:
    for error in report.errors:
        print(f"skipped {error.source}: {error.message}", file=sys.stderr)
    print(
        f"knowledge base '{name}': {report.files_ingested} of {report.files_total} files ingested, "
        f"{report.chunks_added} chunks added, {report.chunks_removed} removed, "
        f"{len(report.unchanged_sources)} files unchanged, {len(report.errors)} skipped"
        f" ({report.chunks / report.elapsed_s if report.elapsed_s else 0:.0f} chunks/s)"
    )


def cmd_add(args: argparse.Namespace) -> int:
    """Ingest files and folders into a knowledge base; progress on stderr."""
    from studio.runtime.knowledge.lock import KBLockTimeout
    from studio.runtime.knowledge.manage import add_paths, reingest_changed
    from studio.runtime.knowledge.vectorstore import KnowledgeBaseError

    if not args.paths and not args.changed:
        return _fail("kb add: give files or folders to add, or --changed to re-ingest changed files")
    printer = _progress_printer()
    reports = []
    try:
        if args.changed:
            reports.append(reingest_changed(args.name, on_progress=printer))
        if args.paths:
            reports.append(
                add_paths(args.name, args.paths, embedding_model=args.embedding, on_progress=printer)
            )
    except (KnowledgeBaseError, KBLockTimeout) as error:
        printer.done()
        return _fail(str(error))
    except KeyboardInterrupt:
        printer.done()
        print("stopped; the knowledge base keeps the files committed so far", file=sys.stderr)
        return EXIT_CANCELLED
    printer.done()
    for report in reports:
        _print_report(args.name, report)
    # Nothing could be read at all: say so by the exit code too (some files skipped is still 0).
    failed = all(r.errors and not r.files_ingested for r in reports)
    return EXIT_BAD_INPUT if failed else EXIT_OK


def cmd_remove(args: argparse.Namespace) -> int:
    """Remove one source (a file's chunks) from a knowledge base."""
    from studio.runtime.knowledge.lock import KBLockTimeout
    from studio.runtime.knowledge.manage import remove_source
    from studio.runtime.knowledge.vectorstore import KnowledgeBaseError

    try:
        removed = remove_source(args.name, args.source)
    except (KnowledgeBaseError, KBLockTimeout) as error:
        return _fail(str(error))
    print(f"removed '{args.source}' from knowledge base '{args.name}' ({removed} chunks)")
    return EXIT_OK


def cmd_reindex(args: argparse.Namespace) -> int:
    """Rebuild a knowledge base's vectors (optionally with another model) into a new version."""
    from studio.runtime.knowledge.lock import KBLockTimeout
    from studio.runtime.knowledge.manage import reindex
    from studio.runtime.knowledge.vectorstore import KnowledgeBaseError

    def show(progress: Any) -> None:
        print(f"\r{progress.chunks}/{progress.files_total} chunks", end="", file=sys.stderr, flush=True)

    try:
        kb = reindex(args.name, embedding_model=args.embedding, on_progress=show)
    except (KnowledgeBaseError, KBLockTimeout) as error:
        print(file=sys.stderr)
        return _fail(str(error))
    except KeyboardInterrupt:
        print("\nstopped; the knowledge base is unchanged", file=sys.stderr)
        return EXIT_CANCELLED
    print(file=sys.stderr)
    print(
        f"rebuilt knowledge base '{kb.name}': {kb.count()} chunks, embedding model {kb.embedding_model},"
        f" version {kb.meta.get('generation')}"
    )
    return EXIT_OK


def add_manage_commands(sub: Any) -> None:
    """Add create/add/remove/reindex to the `kb` subparsers."""
    from studio.runtime.knowledge.splitter_presets import DEFAULT_SPLITTER, SPLITTER_NAMES

    create = sub.add_parser("create", help="create an empty knowledge base")
    create.add_argument("name")
    create.add_argument("--embedding", help="embedding model (default: the default embedding model)")
    create.add_argument("--splitter", choices=SPLITTER_NAMES, default=DEFAULT_SPLITTER)
    create.set_defaults(handler=cmd_create)
    add = sub.add_parser("add", help="ingest files and folders (progress on stderr)")
    add.add_argument("name")
    add.add_argument("paths", nargs="*", help="files and folders")
    add.add_argument(
        "--changed", action="store_true", help="also re-ingest files changed since they were added"
    )
    add.add_argument("--embedding", help="check that the knowledge base uses this embedding model")
    add.set_defaults(handler=cmd_add)
    remove = sub.add_parser("remove", help="remove one source (file) from a knowledge base")
    remove.add_argument("name")
    remove.add_argument("source", help="the source as `kb show` lists it")
    remove.set_defaults(handler=cmd_remove)
    reindex = sub.add_parser(
        "reindex", help="rebuild the vectors into a new version (the old stays until done)"
    )
    reindex.add_argument("name")
    reindex.add_argument("--embedding", help="rebuild with this embedding model")
    reindex.set_defaults(handler=cmd_reindex)
