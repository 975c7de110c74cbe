"""Query latency over 100,000 chunks: vector, full-text and hybrid search, p50 and p95.

    .venv/bin/python benchmarks/query_latency.py [--rows 100000] [--queries 200]

The chunks are synthetic (80 words drawn with Zipf frequencies from a 1,500-word vocabulary;
10% are Chinese) with random unit
vectors, so building the table takes a minute rather than the ~15 minutes embedding 100k chunks
would; query latency does not depend on where the vectors came from. Query embedding is excluded
(the issue asks for search latency); the automatic ANN index (IVF-PQ past 50,000 rows) is used.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

EN = [
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
    "firmware",
    "update",
    "network",
    "router",
    "support",
    "repair",
    "seal",
    "display",
    "error",
    "code",
    "sensor",
]
ZH = [
    "水壶",
    "烧水",
    "温度",
    "壶盖",
    "过滤网",
    "除垢",
    "柠檬酸",
    "保修",
    "电池",
    "应用",
    "账户",
    "密码",
    "重置",
    "按键",
    "光环",
    "底座",
    "固件",
    "网络",
    "维修",
    "错误",
]


def zipf_words(rng: random.Random, base: list[str], size: int) -> tuple[list[str], list[float]]:
    """A vocabulary of `size` words (the base words first) with Zipf weights, like real text."""
    words = base + [f"{a}{b}" for a in base for b in base][: max(0, size - len(base))]
    rng.shuffle(words)
    return words, [1.0 / (rank + 1) for rank in range(len(words))]


def percentile(values: list[float], p: float) -> float:
    """The p-th percentile (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--dim", type=int, default=384)
    args = parser.parse_args()
    os.environ["CHAIN_STUDIO_HOME"] = tempfile.mkdtemp(prefix="studio-bench-home-")
    import numpy as np

    from studio.runtime.knowledge.vectorstore import KnowledgeBase

    rng = random.Random(3)
    vocab, weights = zipf_words(rng, EN, 1500)
    nrng = np.random.default_rng(3)
    kb = KnowledgeBase.create("latency", dimension=args.dim, embedding_model="test/random")
    start = time.perf_counter()
    batch = 10_000
    for first in range(0, args.rows, batch):
        chunks = []
        for i in range(first, min(first + batch, args.rows)):
            if i % 10 == 0:
                text = "".join(rng.choice(ZH) for _ in range(30)) + "。"
            else:
                text = " ".join(rng.choices(vocab, weights, k=80)) + f" item {i}."
            chunks.append({"text": text, "metadata": {"source": f"doc{i // 20}.md", "chunk": i % 20}})
        vectors = nrng.standard_normal((len(chunks), args.dim)).astype("float32")
        vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
        kb.upsert_documents(chunks, vectors=vectors)
    build_s = time.perf_counter() - start
    info = kb.info()
    print(
        f"{kb.count()} chunks written in {build_s:.1f} s (jieba segmentation, FTS and ANN index "
        f"included); indices: {', '.join(i['name'] for i in info['indices'])}"
    )

    queries = [" ".join(rng.choices(vocab, weights, k=4)) for _ in range(args.queries - args.queries // 10)]
    queries += ["".join(rng.choice(ZH) for _ in range(2)) for _ in range(args.queries // 10)]
    qvecs = nrng.standard_normal((len(queries), args.dim)).astype("float32")
    qvecs /= np.linalg.norm(qvecs, axis=1, keepdims=True)
    searches = {
        "vector": lambda q, v: kb.search_vector(v, 5),
        "full-text": lambda q, v: kb.search_text(q, 5),
        # vector_weight=1 so Chinese queries run both searches too (worst case).
        "hybrid": lambda q, v: kb.search_hybrid(q, v, 5, vector_weight=1.0),
    }
    print(
        f"{'search':<10} {'p50 ms':>8} {'p95 ms':>8} {'mean ms':>8}   ({len(queries)} queries, k=5, "
        f"load average {os.getloadavg()[0]:.1f})"
    )
    for name, search in searches.items():
        for q, v in list(zip(queries, qvecs, strict=True))[:10]:  # warm caches
            search(q, v.tolist())
        times = []
        for q, v in zip(queries, qvecs, strict=True):
            vector = v.tolist()
            t = time.perf_counter()
            result = search(q, vector)
            times.append((time.perf_counter() - t) * 1000)
            assert result.documents or name == "full-text"
        print(
            f"{name:<10} {percentile(times, 50):8.1f} {percentile(times, 95):8.1f} "
            f"{statistics.mean(times):8.1f}"
        )


if __name__ == "__main__":
    main()
