"""Knowledge bases on real LanceDB folders: upsert, search, locking, crashes and bad input."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from studio.runtime.knowledge.embeddings import get_embedder
from studio.runtime.knowledge.lock import KBLockTimeout, WriterLock
from studio.runtime.knowledge.vectorstore import (
    DimensionMismatch,
    KnowledgeBase,
    KnowledgeBaseError,
    KnowledgeBaseNotFound,
    reciprocal_rank_fusion,
)

ROOT = Path(__file__).resolve().parents[3]

DOCS = [
    {
        "text": "To reset your password, open Settings > Account and choose Reset password.",
        "metadata": {"source": "manual.md", "heading": "Account > Password"},
    },
    {
        "text": "The battery lasts ten hours on a full charge and charges in two hours.",
        "metadata": {"source": "manual.md", "heading": "Battery"},
    },
    {
        "text": "Error code E42 means the water tank is empty; refill it and press Start.",
        "metadata": {"source": "troubleshooting.md", "heading": "Error codes", "page": 3},
    },
    {
        "text": "如何重置密码：打开“设置”>“账户”，然后选择“重置密码”。",
        "metadata": {"source": "manual_zh.md", "heading": "账户 > 密码"},
    },
    {
        "text": "电池充满电后可以使用十个小时，充电需要两个小时。",
        "metadata": {"source": "manual_zh.md", "heading": "电池"},
    },
]


def test_create_ingest_and_search_every_way() -> None:
    kb = KnowledgeBase.create("faq")
    report = kb.upsert_documents(DOCS)
    assert report.added_chunks == 5 and report.version == kb.version
    embed = get_embedder().embed_query

    hits = kb.search_vector(embed("How can I change my password?"), k=2)
    assert hits.documents[0]["metadata"]["source"] == "manual.md"
    assert hits.documents[0]["metadata"]["heading"] == "Account > Password"
    assert hits.version == kb.version and hits.documents[0]["metadata"]["kb_version"] == kb.version

    text = kb.search_text("E42 water tank", k=2)
    assert text.documents[0]["metadata"]["source"] == "troubleshooting.md"
    assert text.documents[0]["metadata"]["page"] == 3

    chinese = kb.search_text("怎么重置密码", k=2)  # jieba-cut query against jieba-cut index
    assert chinese.documents and chinese.documents[0]["metadata"]["heading"] == "账户 > 密码"

    hybrid = kb.search_hybrid("电池 使用 多久", embed("电池 使用 多久"), k=3)
    assert hybrid.documents[0]["metadata"]["heading"] == "电池"
    # The built-in model is English-only: a Chinese query fuses the full-text ranking alone...
    assert set(hybrid.documents[0]["metadata"]["ranks"]) == {"text"}
    # ...unless the vector ranking is weighted in explicitly.
    weighted = kb.search_hybrid("电池 使用 多久", embed("电池 使用 多久"), k=3, vector_weight=1.0)
    assert any(set(d["metadata"]["ranks"]) == {"vector", "text"} for d in weighted.documents)
    english = kb.search_hybrid("battery charge", embed("battery charge"), k=1)
    assert english.documents[0]["metadata"]["ranks"] == {"vector": 1, "text": 1}


def test_filter_and_threshold() -> None:
    kb = KnowledgeBase.create("faq")
    kb.upsert_documents(DOCS)
    vec = get_embedder().embed_query("password")
    only_zh = kb.search_vector(vec, k=5, filter={"source": "manual_zh.md"})
    assert {d["metadata"]["source"] for d in only_zh.documents} == {"manual_zh.md"}
    by_heading = kb.search_vector(vec, k=5, filter={"heading": ["Battery", "电池"]})
    assert {d["metadata"]["heading"] for d in by_heading.documents} == {"Battery", "电池"}
    strict = kb.search_vector(vec, k=5, threshold=0.99)
    assert strict.documents == []
    scores = [d["score"] for d in kb.search_vector(vec, k=5).documents]
    assert scores == sorted(scores, reverse=True)


def test_upsert_is_idempotent_and_replaces_changed_sources() -> None:
    kb = KnowledgeBase.create("faq")
    kb.upsert_documents(DOCS)
    version = kb.version
    again = kb.upsert_documents(DOCS)
    assert again.changed_sources == [] and again.embedded == 0 and kb.version == version
    changed = [dict(d) for d in DOCS]
    changed[1] = {"text": "The battery lasts twelve hours.", "metadata": {"source": "manual.md"}}
    report = kb.upsert_documents(changed)
    assert report.changed_sources == ["manual.md"]
    assert report.added_chunks == 1 and report.removed_chunks == 1 and report.embedded == 1
    assert kb.sources() == {"manual.md": 2, "troubleshooting.md": 1, "manual_zh.md": 2}
    # A shorter source drops its old tail; removing a source deletes its chunks.
    kb.upsert_documents(changed[:1])
    assert kb.sources()["manual.md"] == 1
    assert kb.remove_sources(["manual_zh.md"]) == 2
    assert "manual_zh.md" not in kb.sources()


@pytest.mark.parametrize("metric", ["cosine", "l2", "dot"])
def test_metric_per_knowledge_base(metric: str) -> None:
    kb = KnowledgeBase.create(f"kb-{metric}", metric=metric)
    kb.upsert_documents(DOCS)
    hits = kb.search_vector(get_embedder().embed_query("battery life"), k=1)
    assert hits.documents[0]["metadata"]["heading"] == "Battery"
    assert KnowledgeBase.open(f"kb-{metric}").metric == metric


def test_missing_knowledge_base_is_a_clear_error() -> None:
    KnowledgeBase.create("exists")
    with pytest.raises(KnowledgeBaseNotFound, match=r"'nope' does not exist \(existing: exists\)"):
        KnowledgeBase.open("nope")
    with pytest.raises(KnowledgeBaseError, match="invalid knowledge base name"):
        KnowledgeBase.open("../etc")
    with pytest.raises(KnowledgeBaseError, match="metric"):
        KnowledgeBase.create("x", metric="manhattan")


def test_dimension_mismatch_writes_nothing() -> None:
    kb = KnowledgeBase.create("small", dimension=8, embedding_model="test/eight")
    kb.upsert_documents(DOCS[:1], vectors=[[0.1] * 8])
    version, count = kb.version, kb.count()
    with pytest.raises(DimensionMismatch, match=r"8-dimensional.*384-dimensional.*nothing was written"):
        kb.upsert_documents(DOCS, embedder=get_embedder())
    with pytest.raises(DimensionMismatch, match=r"8-dimensional.*3-dimensional"):
        kb.upsert_documents(DOCS[:1], vectors=[[0.1, 0.2, 0.3]])
    with pytest.raises(DimensionMismatch):
        kb.search_vector([0.0] * 384)
    assert (kb.version, kb.count()) == (version, count)


def test_bad_chunks_name_the_chunk() -> None:
    kb = KnowledgeBase.create("faq")
    with pytest.raises(KnowledgeBaseError, match=r"chunk #1 has no metadata\.source"):
        kb.upsert_documents([DOCS[0], {"text": "orphan", "metadata": {}}])
    with pytest.raises(KnowledgeBaseError, match="chunk #0 is not a document"):
        kb.upsert_documents([{"content": "x"}])
    assert kb.count() == 0


def test_second_writer_waits_then_gets_a_clear_error() -> None:
    kb = KnowledgeBase.create("busy", dimension=4, embedding_model="test/four")
    with WriterLock(kb.folder, name="busy"):
        start = time.monotonic()
        with pytest.raises(KBLockTimeout, match=rf"'busy' is being written.*pid {os.getpid()}"):
            kb.upsert_documents(DOCS[:1], vectors=[[1, 0, 0, 0]], lock_timeout=0.3)
        assert time.monotonic() - start >= 0.3
    kb.upsert_documents(DOCS[:1], vectors=[[1, 0, 0, 0]], lock_timeout=1)
    assert kb.count() == 1


def test_list_show_delete() -> None:
    KnowledgeBase.create("a", dimension=4, embedding_model="test/four")
    KnowledgeBase.create("b", dimension=4, embedding_model="test/four")
    assert KnowledgeBase.list() == ["a", "b"]
    info = KnowledgeBase.open("a").info()
    assert info["dimension"] == 4 and info["chunks"] == 0 and info["metric"] == "cosine"
    KnowledgeBase.delete("a")
    assert KnowledgeBase.list() == ["b"]
    with pytest.raises(KnowledgeBaseNotFound):
        KnowledgeBase.delete("a")


def test_rrf_rewards_agreement() -> None:
    a = [{"id": "1", "text": "x"}, {"id": "2", "text": "y"}, {"id": "3", "text": "z"}]
    b = [{"id": "3", "text": "z"}, {"id": "2", "text": "y"}]
    fused = reciprocal_rank_fusion([a, b], names=["v", "t"])
    # 3: 1/63 + 1/61 beats 2: 1/62 + 1/62 (barely), and both beat 1 (found once).
    assert [d["id"] for d in fused] == ["3", "2", "1"]
    assert fused[0]["metadata"]["ranks"].keys() == {"v", "t"}
    weighted = reciprocal_rank_fusion([a, b], names=["v", "t"], weights=[0.0, 1.0])
    assert [d["id"] for d in weighted][:2] == ["3", "2"] and weighted[2]["score"] == 0.0


_WRITER = textwrap.dedent("""
    import random, sys
    from studio.runtime.knowledge.vectorstore import KnowledgeBase
    kb = KnowledgeBase.create("crash", dimension=16, embedding_model="test/sixteen")
    rng = random.Random(1)
    for batch in range(10_000):
        docs = [{"text": f"doc {batch} chunk {i} " + "filler " * 50,
                 "metadata": {"source": f"s{batch}"}} for i in range(500)]
        vecs = [[rng.random() for _ in range(16)] for _ in docs]
        kb.upsert_documents(docs, vectors=vecs)
        print("committed", batch, flush=True)
""")


@pytest.mark.slow
def test_killed_ingest_leaves_the_last_committed_version(studio_home: Path) -> None:
    env = {**os.environ, "CHAIN_STUDIO_HOME": str(studio_home), "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(
        [sys.executable, "-c", _WRITER],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert proc.stdout is not None
    committed = -1
    while committed < 3:
        line = proc.stdout.readline()
        assert line, "the writer died before committing"
        committed = int(line.split()[1])
    time.sleep(random.uniform(0.0, 0.2))  # land somewhere inside the next write
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    kb = KnowledgeBase.open("crash")
    count = kb.count()
    assert count % 500 == 0 and count >= 2000  # whole sources only, nothing half-written
    assert all(n == 500 for n in kb.sources().values())
    assert kb.search_vector([0.5] * 16, k=3).documents
    # The kernel released the dead writer's lock: the next ingest goes through at once.
    kb.upsert_documents(
        [{"text": "after", "metadata": {"source": "after"}}], vectors=[[0.1] * 16], lock_timeout=2
    )
    assert kb.count() == count + 1


def test_ann_index_is_built_past_the_threshold() -> None:
    import numpy as np

    kb = KnowledgeBase.create("big", dimension=16, embedding_model="test/sixteen")
    kb.meta["ann_threshold"] = 600  # the real threshold is 50,000 rows
    rng = np.random.default_rng(0)
    vectors = rng.standard_normal((700, 16)).astype("float32")
    docs = [{"text": f"row {i}", "metadata": {"source": f"s{i // 10}"}} for i in range(700)]
    kb.upsert_documents(docs[:500], vectors=vectors[:500])
    assert "vector_idx" not in {i["name"] for i in kb.info()["indices"]}
    kb.upsert_documents(docs, vectors=vectors)
    assert "vector_idx" in {i["name"] for i in kb.info()["indices"]}
    hits = kb.search_vector(vectors[123].tolist(), k=3)
    assert hits.documents[0]["text"] == "row 123"


_CONCURRENT = textwrap.dedent("""
    import sys
    from studio.runtime.knowledge.vectorstore import KnowledgeBase
    kb = KnowledgeBase.open("shared")
    tag = sys.argv[1]
    for batch in range(5):
        docs = [{"text": f"{tag} {batch} {i}", "metadata": {"source": f"{tag}-{batch}"}} for i in range(40)]
        kb.upsert_documents(docs, vectors=[[float(i), 1.0, 0.0, 0.0] for i in range(40)], lock_timeout=60)
""")


@pytest.mark.slow
def test_concurrent_writers_wait_and_lose_nothing(studio_home: Path) -> None:
    KnowledgeBase.create("shared", dimension=4, embedding_model="test/four")
    env = {**os.environ, "CHAIN_STUDIO_HOME": str(studio_home), "PYTHONPATH": str(ROOT)}
    procs = [
        subprocess.Popen([sys.executable, "-c", _CONCURRENT, tag], env=env, stderr=subprocess.PIPE, text=True)
        for tag in ("a", "b", "c")
    ]
    for proc in procs:
        _, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err[-2000:]
    kb = KnowledgeBase.open("shared")
    assert kb.count() == 3 * 5 * 40
    assert len(kb.sources()) == 15


def test_first_ingest_prints_nothing_on_stderr(tmp_path: Path) -> None:
    """Creating a knowledge base does not show LanceDB's 'No existing dataset' warning to the user."""
    code = (
        "from studio.runtime.knowledge.vectorstore import KnowledgeBase\n"
        "kb = KnowledgeBase.create('quiet', dimension=3)\n"
        "kb.upsert_documents([{'text': 'a', 'metadata': {'source': 's'}}], vectors=[[1.0, 0.0, 0.0]])\n"
        "print(kb.count())\n"
    )
    env = {**os.environ, "CHAIN_STUDIO_HOME": str(tmp_path)}
    env.pop("LANCEDB_LOG", None)
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "1"
    assert "WARN" not in result.stderr and "No existing dataset" not in result.stderr
