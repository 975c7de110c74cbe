"""Recall@5 on the labelled questions over assets/sample_docs: vector, full-text, hybrid, and
multi-query (the built-in local LLM rewrites each question; pass --no-llm to skip it).

    .venv/bin/python benchmarks/retrieval_quality.py [--k 5] [--no-llm]

Runs in a temporary data folder, offline.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def build_kb(name: str = "bench_docs") -> Any:
    """Load, split and ingest the sample documents (Markdown splitter, 600 characters)."""
    from studio.runtime.knowledge.documents import load_folder
    from studio.runtime.knowledge.splitters import markdown_split
    from studio.runtime.knowledge.vectorstore import KnowledgeBase

    folder = ROOT / "assets" / "sample_docs"
    docs = list(load_folder(folder, allowed_roots=[folder]))
    chunks = markdown_split(docs, chunk_size=600, chunk_overlap=80)
    kb = KnowledgeBase.create(name, exist_ok=True)
    kb.upsert_documents(chunks)
    return kb, len(docs), len(chunks)


def hit(doc: dict[str, Any], label: dict[str, Any]) -> bool:
    """Whether a retrieved chunk is the labelled answer (same file and heading, or page)."""
    meta = doc["metadata"]
    if meta.get("source") == "aurora_manual_zh.pdf" and label["source"] == "aurora_manual_zh.md":
        # The Chinese manual also ships as a PDF with one section per page, heading first.
        return str(doc.get("text", "")).lstrip().startswith(label["heading"])
    if meta.get("source") != label["source"]:
        return False
    if "page" in label:
        return meta.get("page") == label["page"]
    return str(meta.get("heading", "")).split(" > ")[-1] == label["heading"]


def run_multi_query(kb_name: str, question: str, fuse: bool, k: int) -> list[dict[str, Any]]:
    """The Multi-Query / RAG-Fusion node, run once outside a flow."""
    from nodes.retrievers import MultiQueryRetrieverNode, RAGFusionRetrieverNode
    from studio.engine.context import RunContext

    node_class = RAGFusionRetrieverNode if fuse else MultiQueryRetrieverNode

    async def go() -> dict[str, Any]:
        ctx = RunContext(
            run_id="bench",
            node_id="mq",
            node_label="mq",
            emit=lambda e: None,
            loop=asyncio.get_running_loop(),
            cancelled=threading.Event(),
            flow_inputs={},
            variables={},
            base_dir=None,
        )
        node = node_class(node_class.Config(kb=kb_name, k=k, n=3))
        return dict(await node.run({"query": question}, ctx))

    return asyncio.run(go())["documents"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--k", type=int, default=5)
    parser.add_argument("--no-llm", action="store_true", help="skip multi-query (needs the local LLM)")
    args = parser.parse_args()
    os.environ.setdefault("CHAIN_STUDIO_HOME", tempfile.mkdtemp(prefix="studio-bench-"))
    os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
    labels = json.loads((ROOT / "benchmarks" / "retrieval_labels.json").read_text(encoding="utf-8"))
    questions = labels["questions"]
    kb, n_docs, n_chunks = build_kb()
    embed = kb.embedder().embed_query
    print(f"sample docs: {n_docs} documents, {n_chunks} chunks; {len(questions)} questions; k={args.k}")

    modes: dict[str, Any] = {
        "vector": lambda q: kb.search_vector(embed(q), args.k).documents,
        "full-text": lambda q: kb.search_text(q, args.k).documents,
        "hybrid": lambda q: kb.search_hybrid(q, embed(q), args.k).documents,
    }
    if not args.no_llm:
        modes["multi-query"] = lambda q: run_multi_query(kb.name, q, False, args.k)
        modes["rag-fusion"] = lambda q: run_multi_query(kb.name, q, True, args.k)
    print(f"{'mode':<12} {'all':>7} {'en':>7} {'zh':>7}   time/question")
    for mode, search in modes.items():
        found = {"all": [0, 0], "en": [0, 0], "zh": [0, 0]}
        misses = []
        start = time.perf_counter()
        for label in questions:
            docs = search(label["question"])
            ok = any(hit(d, label) for d in docs[: args.k])
            for key in ("all", label["lang"]):
                found[key][0] += ok
                found[key][1] += 1
            if not ok:
                misses.append(label["question"])
        per_q = (time.perf_counter() - start) / len(questions) * 1000
        cells = " ".join(f"{found[key][0] / max(1, found[key][1]):>7.1%}" for key in ("all", "en", "zh"))
        print(f"{mode:<12} {cells}   {per_q:8.1f} ms")
        if os.environ.get("SHOW_MISSES"):
            for question in misses:
                print(f"    miss: {question}")


if __name__ == "__main__":
    main()
