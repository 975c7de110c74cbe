"""`studio kb list | show | search | delete | create | add | remove | reindex`: knowledge bases
from the shell, through the same service (`runtime/knowledge/manage.py`) as the Knowledge page."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from studio.cli.common import EXIT_BAD_INPUT, EXIT_OK


def _fail(message: str) -> int:
    print(message, file=sys.stderr)
    return EXIT_BAD_INPUT


def cmd_list(args: argparse.Namespace) -> int:
    """Print the knowledge bases, one a line (name, chunks, model, metric)."""
    from studio.runtime.knowledge.vectorstore import KnowledgeBase, kb_root

    rows: list[dict[str, Any]] = []
    for name in KnowledgeBase.list():
        kb = KnowledgeBase.open(name)
        rows.append(
            {
                "name": name,
                "chunks": kb.count(),
                "embedding_model": kb.embedding_model,
                "metric": kb.metric,
                "version": kb.version,
            }
        )
    if args.json:
        print(json.dumps(rows, indent=2, ensure_ascii=False))
    elif not rows:
        print(f"no knowledge bases (in {kb_root()})")
    else:
        width = max(len(r["name"]) for r in rows)
        for r in rows:
            print(
                f"{r['name']:<{width}}  {r['chunks']:>7} chunks  {r['embedding_model']}  {r['metric']}"
                f"  v{r['version']}"
            )
    return EXIT_OK


def cmd_show(args: argparse.Namespace) -> int:
    """Print a knowledge base's settings, size, indices and sources."""
    from studio.runtime.knowledge.vectorstore import KnowledgeBase, KnowledgeBaseError

    try:
        kb = KnowledgeBase.open(args.name)
    except KnowledgeBaseError as error:
        return _fail(str(error))
    info: dict[str, Any] = kb.info()
    info["sources"] = kb.sources()
    if args.json:
        print(json.dumps(info, indent=2, ensure_ascii=False))
        return EXIT_OK
    for key in ("name", "path", "embedding_model", "dimension", "metric", "chunks", "version", "created"):
        print(f"{key + ':':<17} {info.get(key)}")
    print(f"{'indices:':<17} {', '.join(i['name'] for i in info['indices']) or 'none'}")
    print(f"sources ({len(info['sources'])}):")
    for source, count in sorted(info["sources"].items()):
        print(f"  {source}  ({count} chunks)")
    return EXIT_OK


def cmd_search(args: argparse.Namespace) -> int:
    """Search a knowledge base and print the best chunks with their citations."""
    from studio.runtime.knowledge.embeddings import EmbeddingError
    from studio.runtime.knowledge.manage import search
    from studio.runtime.knowledge.vectorstore import KnowledgeBaseError

    try:
        result = search(args.name, args.query, args.k, mode=args.mode, embedding_model=args.embedding)
    except (KnowledgeBaseError, EmbeddingError) as error:
        return _fail(str(error))
    if args.json:
        print(json.dumps(result.documents, indent=2, ensure_ascii=False))
        return EXIT_OK
    for n, doc in enumerate(result.documents, start=1):
        meta = doc["metadata"]
        where = ", ".join(
            str(x)
            for x in (
                meta.get("source"),
                meta.get("heading"),
                f"page {meta['page']}" if meta.get("page") else None,
            )
            if x
        )
        text = " ".join(doc["text"].split())
        print(f"[{n}] {doc['score']:.4f}  {where}\n    {text[:300]}")
    print(f"(table version {result.version})", file=sys.stderr)
    return EXIT_OK


def cmd_delete(args: argparse.Namespace) -> int:
    """Delete a knowledge base (asks first on a terminal unless --yes)."""
    from studio.runtime.knowledge.lock import KBLockTimeout
    from studio.runtime.knowledge.vectorstore import KnowledgeBase, KnowledgeBaseError

    try:
        kb = KnowledgeBase.open(args.name)
        if not args.yes and sys.stdin.isatty():
            answer = input(f"Delete knowledge base '{args.name}' ({kb.count()} chunks)? [y/N] ")
            if answer.strip().lower() not in ("y", "yes"):
                print("not deleted")
                return EXIT_OK
        KnowledgeBase.delete(args.name, lock_timeout=args.wait)
    except (KnowledgeBaseError, KBLockTimeout) as error:
        return _fail(str(error))
    print(f"deleted knowledge base '{args.name}'")
    return EXIT_OK


def add_commands(subparsers: Any) -> None:
    """Add `kb` and its subcommands to the `studio` parser."""
    kb = subparsers.add_parser("kb", help="create, fill, inspect, search and delete knowledge bases")
    sub = kb.add_subparsers(dest="kb_command", required=True)
    listing = sub.add_parser("list", help="the knowledge bases")
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(handler=cmd_list)
    show = sub.add_parser("show", help="settings, size and sources of one knowledge base")
    show.add_argument("name")
    show.add_argument("--json", action="store_true")
    show.set_defaults(handler=cmd_show)
    search = sub.add_parser("search", help="search a knowledge base")
    search.add_argument("name")
    search.add_argument("query")
    search.add_argument("--mode", choices=["hybrid", "vector", "text"], default="hybrid")
    search.add_argument("-k", type=int, default=4)
    search.add_argument("--json", action="store_true")
    search.add_argument("--embedding", help="check that the knowledge base uses this embedding model")
    search.set_defaults(handler=cmd_search)
    delete = sub.add_parser("delete", help="delete a knowledge base and its files")
    delete.add_argument("name")
    delete.add_argument("--yes", "-y", action="store_true", help="do not ask")
    delete.add_argument("--wait", type=float, default=30.0, help="seconds to wait for a running ingest")
    delete.set_defaults(handler=cmd_delete)
    from studio.cli.kb_manage import add_manage_commands

    add_manage_commands(sub)  # create, add, remove, reindex
