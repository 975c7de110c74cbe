"""Conversation memory store: sessions survive restarts; locked or corrupt stores lose nothing."""

from __future__ import annotations

import json
import sqlite3
import threading
from pathlib import Path

import pytest

from studio.runtime.memory import MemoryStore, MemoryStoreError, default_store


def test_turns_survive_a_restart_and_come_back_in_order(tmp_path: Path) -> None:
    path = tmp_path / "memory.sqlite"
    store = MemoryStore(path)
    store.add_turn("flow-a", "alice", "user", "Hi, I'm Alice")
    store.add_turns(
        "flow-a",
        "alice",
        [
            {"role": "assistant", "content": "Hello Alice!"},
            {"role": "user", "content": "What's my name?"},
        ],
    )
    store.add_turn("flow-a", "bob", "user", "I'm Bob")
    reopened = MemoryStore(path)
    assert reopened.messages("flow-a", "alice") == [
        {"role": "user", "content": "Hi, I'm Alice"},
        {"role": "assistant", "content": "Hello Alice!"},
        {"role": "user", "content": "What's my name?"},
    ]
    assert [t["content"] for t in reopened.turns("flow-a", "alice", last=2)] == [
        "Hello Alice!",
        "What's my name?",
    ]
    assert reopened.messages("flow-a", "bob") == [{"role": "user", "content": "I'm Bob"}]
    assert reopened.messages("flow-b", "alice") == []  # sessions are per flow


def test_default_store_lives_in_the_user_data_folder(studio_home: Path) -> None:
    store = default_store()
    assert store.path == studio_home / "memory" / "memory.sqlite"
    store.add_turn("f", "s", "user", "x")
    assert default_store().messages("f", "s") == [{"role": "user", "content": "x"}]
    with sqlite3.connect(store.path) as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_summary_is_kept_alongside_the_turns(tmp_path: Path) -> None:
    store = MemoryStore(tmp_path / "m.sqlite")
    ids = store.add_turns("f", "s", [{"role": "user", "content": str(i)} for i in range(4)])
    assert store.summary("f", "s") is None
    store.set_summary("f", "s", "The user counted to 2.", covered_up_to=ids[2])
    store.set_summary("f", "s", "The user counted to 3.", covered_up_to=ids[3])
    summary = store.summary("f", "s")
    assert summary is not None
    assert summary["text"] == "The user counted to 3."
    assert summary["covered_up_to"] == ids[3]
    assert [t["content"] for t in store.turns("f", "s", after_id=ids[1])] == ["2", "3"]


def test_sessions_are_listed_exported_and_cleared(tmp_path: Path) -> None:
    store = MemoryStore(tmp_path / "m.sqlite")
    store.add_turn("f", "alice", "user", "a1", ts=100.0)
    store.add_turn("f", "alice", "assistant", {"answer": 1}, ts=101.0, metadata={"model": "x"})
    store.add_turn("f", "bob", "user", "b1", ts=200.0)
    store.add_turn("g", "carol", "user", "c1", ts=300.0)
    store.set_summary("f", "alice", "short", covered_up_to=1)
    listed = store.sessions("f")
    assert [(s["session_id"], s["turns"], s["has_summary"]) for s in listed] == [
        ("bob", 1, False),
        ("alice", 2, True),
    ]
    assert len(store.sessions()) == 3
    exported = store.export("f", "alice")
    json.dumps(exported)  # JSON-ready
    assert exported["session_id"] == "alice"
    assert exported["summary"]["text"] == "short"
    assert [t["content"] for t in exported["turns"]] == ["a1", '{"answer": 1}']
    assert exported["turns"][1]["metadata"] == {"model": "x"}
    assert store.clear("f", "alice") == 2
    assert store.messages("f", "alice") == []
    assert store.summary("f", "alice") is None
    assert store.messages("f", "bob") == [{"role": "user", "content": "b1"}]


def test_bad_roles_and_ids_are_refused(tmp_path: Path) -> None:
    store = MemoryStore(tmp_path / "m.sqlite")
    with pytest.raises(ValueError, match="role must be one of"):
        store.add_turn("f", "s", "robot", "x")
    with pytest.raises(ValueError, match="session id"):
        store.add_turn("f", "", "user", "x")


def test_a_locked_store_is_a_clear_error_and_loses_nothing(tmp_path: Path) -> None:
    path = tmp_path / "m.sqlite"
    store = MemoryStore(path, timeout_s=0.2)
    store.add_turn("f", "s", "user", "before")
    blocker = sqlite3.connect(path, isolation_level=None)
    blocker.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(MemoryStoreError, match=r"locked by another program") as caught:
            store.add_turn("f", "s", "user", "during")
        assert str(path) in str(caught.value)
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
    store.add_turn("f", "s", "user", "after")
    assert [m["content"] for m in store.messages("f", "s")] == ["before", "after"]


def test_a_corrupt_file_is_named_and_left_untouched(tmp_path: Path) -> None:
    path = tmp_path / "memory.sqlite"
    garbage = b"this is not a database, but it might be someone's history\n" * 100
    path.write_bytes(garbage)
    with pytest.raises(MemoryStoreError, match="damaged or not a memory database") as caught:
        MemoryStore(path)
    assert str(path) in str(caught.value)
    assert path.read_bytes() == garbage
    assert sorted(p.name for p in tmp_path.iterdir()) == ["memory.sqlite"]


def test_a_store_from_a_newer_version_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "m.sqlite"
    with sqlite3.connect(path) as db:
        db.execute("PRAGMA user_version = 99")
    with pytest.raises(MemoryStoreError, match="newer Chain Studio"):
        MemoryStore(path)


def test_concurrent_writers_from_threads_all_land(tmp_path: Path) -> None:
    store = MemoryStore(tmp_path / "m.sqlite")

    def write(n: int) -> None:
        for i in range(20):
            store.add_turn("f", f"s{n}", "user", f"{n}-{i}")

    threads = [threading.Thread(target=write, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(s["turns"] for s in store.sessions("f")) == 80
    assert [m["content"] for m in store.messages("f", "s2")] == [f"2-{i}" for i in range(20)]
