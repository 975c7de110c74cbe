"""Ingest throughput, end to end (load, split, embed, write), against raw fastembed on the same
chunks in the same run; then a re-ingest of the unchanged folder.

    .venv/bin/python benchmarks/ingest_throughput.py [--files 200] [--batch 64]

Builds a synthetic folder of Markdown files (unique sentences, so no chunk is a duplicate) in a
temporary directory; uses a temporary data folder (empty embedding cache). Offline.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

WORDS = [
    "kettle",
    "water",
    "boil",
    "temperature",
    "lid",
    "filter",
    "descale",
    "citric",
    "acid",
    "warranty",
    "battery",
    "app",
    "account",
    "password",
    "reset",
    "button",
    "light",
    "ring",
    "blue",
    "orange",
    "purple",
    "red",
    "base",
    "cord",
    "steel",
    "tea",
    "coffee",
    "green",
    "oolong",
    "black",
    "white",
    "formula",
    "minute",
    "hour",
    "second",
    "litre",
    "watt",
    "volt",
    "setting",
    "update",
    "firmware",
    "night",
    "network",
    "router",
    "support",
    "repair",
    "part",
    "seal",
    "display",
    "error",
    "code",
    "sensor",
    "heat",
    "plate",
    "noise",
    "taste",
]


def make_corpus(folder: Path, files: int, seed: int = 7) -> None:
    """Markdown files with headings and unique sentences (about 8 chunks of 600 characters each)."""
    rng = random.Random(seed)
    for f in range(files):
        lines = [f"# Product note {f}\n"]
        for section in range(4):
            lines.append(f"## Section {section} of note {f}\n")
            for s in range(12):
                words = " ".join(rng.choice(WORDS) for _ in range(rng.randint(8, 16)))
                lines.append(f"Note {f}.{section}.{s}: the {words}.")
            lines.append("")
        (folder / f"note_{f:04d}.md").write_text("\n".join(lines), encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--files", type=int, default=60)
    parser.add_argument("--batch", type=int, default=64, help="embedding batch size for both runs")
    parser.add_argument("--rounds", type=int, default=2, help="raw/end-to-end pairs, interleaved")
    args = parser.parse_args()
    os.environ["CHAIN_STUDIO_HOME"] = tempfile.mkdtemp(prefix="studio-bench-home-")
    from studio.runtime.knowledge.documents import load_folder
    from studio.runtime.knowledge.embeddings import _load_fastembed, get_embedder
    from studio.runtime.knowledge.splitters import markdown_split
    from studio.runtime.knowledge.vectorstore import KnowledgeBase

    folder = Path(tempfile.mkdtemp(prefix="studio-bench-docs-"))
    make_corpus(folder, args.files)
    model = _load_fastembed("local/all-minilm-l6-v2")  # load once, outside every timing
    list(model.embed(["warm up"]))

    def ingest(name: str) -> tuple[float, int, object]:
        start = time.perf_counter()
        docs = list(load_folder(folder, allowed_roots=[folder]))
        chunks = markdown_split(docs, chunk_size=600, chunk_overlap=80)
        embedder = get_embedder()
        embedder.batch_size = args.batch
        kb = KnowledgeBase.create(name, exist_ok=True)
        report = kb.upsert_documents(chunks, embedder=embedder)
        return time.perf_counter() - start, len(chunks), report

    docs = list(load_folder(folder, allowed_roots=[folder]))
    texts = [c["text"] for c in markdown_split(docs, chunk_size=600, chunk_overlap=80)]
    chars = sum(len(t) for t in texts)
    print(
        f"corpus: {args.files} Markdown files, {len(texts)} chunks, {chars / 1e6:.2f} M characters; "
        f"batch {args.batch}; {os.cpu_count()} CPUs; load average {os.getloadavg()[0]:.1f}"
    )
    by_length = sorted(texts, key=len)  # what the Embedder does: batches of similar length
    raws, sorted_raws, firsts = [], [], []
    for round_no in range(args.rounds):
        # Raw fastembed on exactly the chunks the ingest embeds, then the full ingest into a
        # fresh data folder (empty embedding cache), alternating so machine load hits both alike.
        start = time.perf_counter()
        list(model.embed(texts, batch_size=args.batch))
        raws.append(time.perf_counter() - start)
        start = time.perf_counter()
        list(model.embed(by_length, batch_size=args.batch))
        sorted_raws.append(time.perf_counter() - start)
        os.environ["CHAIN_STUDIO_HOME"] = tempfile.mkdtemp(prefix="studio-bench-home-")
        first_s, n_chunks, report = ingest("bench_ingest")
        firsts.append(first_s)
        print(
            f"round {round_no + 1}: raw {raws[-1]:6.2f} s ({n_chunks / raws[-1]:6.1f} chunks/s), "
            f"raw length-sorted {sorted_raws[-1]:6.2f} s, "
            f"end-to-end {first_s:6.2f} s ({n_chunks / first_s:6.1f} chunks/s), "
            f"embedded {report.embedded}, added {report.added_chunks}"
        )
    again_s, _, again = ingest("bench_ingest")
    raw_s, sorted_s, first_s = sum(raws), sum(sorted_raws), sum(firsts)
    print(
        f"end-to-end ingest (load+split+embed+write) = {raw_s / first_s:.1%} of raw fastembed "
        f"throughput in chunk order, {sorted_s / first_s:.1%} of raw fastembed on length-sorted "
        f"chunks (sums over {args.rounds} rounds)"
    )
    print(
        f"re-ingest of the unchanged folder: {again_s:.2f} s = {again_s / firsts[-1]:.1%} of the "
        f"first ingest (embedded {again.embedded}, added {again.added_chunks})"
    )


if __name__ == "__main__":
    main()
