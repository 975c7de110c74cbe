"""Memory nodes: a chat remembers its session across runs; sessions and flows stay apart."""

from __future__ import annotations

from typing import Any

import pytest

from studio.engine import run_flow
from studio.runtime.llm import facade as llm
from studio.runtime.llm.types import ChatResult
from studio.runtime.memory import MemoryStore, default_store
from tests.builders import flow_of

REPLIES: list[str] = []


@pytest.fixture(autouse=True)
def scripted_llm(monkeypatch: pytest.MonkeyPatch) -> None:
    """The LLM node answers with the next scripted reply (summaries have their own fake)."""

    async def fake_chat(request: Any, on_token: Any = None, **_: Any) -> ChatResult:
        text = REPLIES.pop(0) if REPLIES else "ok"
        return ChatResult(
            text=text,
            model=request.model,
            prompt_tokens=1,
            completion_tokens=1,
            cost_usd=0.0,
            finish_reason="stop",
        )

    monkeypatch.setattr(llm, "chat", fake_chat)
    REPLIES.clear()


def chat_flow(memory_type: str = "memory.buffer", **memory_config: Any) -> Any:
    """message -> memory -> LLM -> save: the save waits for the reply, as in a real chatbot."""
    return flow_of(
        ("msg", "io.text_input", {"name": "message"}),
        ("mem", memory_type, memory_config),
        ("llm", "llm.chat", {"temperature": 0.0}),
        ("save", "memory.save", {}),
        ("o", "io.output", {"name": "messages"}),
        ("o2", "io.output", {"name": "reply"}),
        wires=[
            "msg.text->mem.message",
            "mem.messages->o.value",
            "mem.messages->llm.prompt",
            "llm.text->save.reply",
            "msg.text->save.message",
            "save.reply->o2.value",
        ],
    )


def turn(flow: Any, message: str, reply: str, session: str, flow_id: str = "chatbot") -> list[dict[str, Any]]:
    REPLIES.append(reply)
    result = run_flow(
        flow,
        {"message": message},
        record=False,
        use_cache=False,
        extras={"session_id": session, "flow_id": flow_id},
    )
    assert result.status == "succeeded", {k: v.error for k, v in result.failures().items()}
    assert result.outputs["reply"] == reply
    messages: list[dict[str, Any]] = result.outputs["messages"]
    return messages


def test_buffer_memory_recalls_earlier_turns_of_the_same_session() -> None:
    flow = chat_flow()
    first = turn(flow, "Hi, I'm Alice", "Hello Alice", "alice")
    assert first == [{"role": "user", "content": "Hi, I'm Alice"}]
    second = turn(flow, "What's my name?", "Alice", "alice")
    assert second == [
        {"role": "user", "content": "Hi, I'm Alice"},
        {"role": "assistant", "content": "Hello Alice"},
        {"role": "user", "content": "What's my name?"},
    ]
    assert turn(flow, "Who am I?", "?", "bob") == [{"role": "user", "content": "Who am I?"}]
    assert turn(flow, "Who am I?", "?", "alice", flow_id="other-flow") == [
        {"role": "user", "content": "Who am I?"}
    ]
    assert len(default_store().messages("chatbot", "alice")) == 4  # stored in the user data folder


def test_buffer_memory_limits_turns_and_tokens() -> None:
    store = default_store()
    for i in range(10):
        store.add_turn("chatbot", "s", "user" if i % 2 == 0 else "assistant", f"turn {i} " + "word " * 20)
    recalled = turn(chat_flow(max_turns=4), "now", "ok", "s")
    assert [m["content"].split()[1] for m in recalled[:-1]] == ["6", "7", "8", "9"]
    budget = turn(chat_flow(max_tokens=60), "now", "ok", "s")
    assert 1 <= len(budget) - 1 < 4


def test_summary_memory_folds_old_turns_with_the_llm(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[list[dict[str, Any]]] = []

    async def fake_chat(request: Any, on_token: Any = None, **_: Any) -> ChatResult:
        if request.max_tokens != 200:  # the chat LLM, not the summariser
            return ChatResult(
                text="hi",
                model=request.model,
                prompt_tokens=1,
                completion_tokens=1,
                cost_usd=0.0,
                finish_reason="stop",
            )
        seen.append(request.messages)
        return ChatResult(
            text="Alice likes tea.",
            model=request.model,
            prompt_tokens=30,
            completion_tokens=5,
            cost_usd=0.0,
            finish_reason="stop",
        )

    monkeypatch.setattr(llm, "chat", fake_chat)
    store = default_store()
    for i in range(8):
        store.add_turn("chatbot", "alice", "user" if i % 2 == 0 else "assistant", f"t{i}")
    messages = turn(chat_flow("memory.summary", keep_recent=2, fold_every=4), "hello", "hi", "alice")
    assert len(seen) == 1
    assert "t0" in seen[0][1]["content"] and "t5" in seen[0][1]["content"]
    assert messages[0] == {
        "role": "system",
        "content": "Summary of the conversation so far: Alice likes tea.",
    }
    assert [m["content"] for m in messages[1:]] == ["t6", "t7", "hello"]
    summary = store.summary("chatbot", "alice")
    assert summary is not None and summary["text"] == "Alice likes tea."
    assert len(store.turns("chatbot", "alice")) == 10  # folding never deletes turns


def test_a_corrupt_store_fails_the_node_with_the_file_named(tmp_path: Any) -> None:
    path = tmp_path / "memory.sqlite"
    path.write_bytes(b"garbage" * 50)
    flow = chat_flow()
    result = run_flow(
        flow,
        {"message": "x"},
        record=False,
        use_cache=False,
        extras={"session_id": "s", "memory_store": _broken_store(path)},
    )
    assert result.status == "failed"
    assert str(path) in (result.nodes["mem"].error or "")
    assert path.read_bytes() == b"garbage" * 50


def _broken_store(path: Any) -> MemoryStore:
    store = MemoryStore.__new__(MemoryStore)  # a store whose file went bad after it was opened
    store.path = path
    store.timeout_s = 0.2
    return store


def test_vector_memory_recalls_the_relevant_old_turn() -> None:
    from nodes.memory import VectorMemory
    from tests.nodes.rag_helpers import run_node

    store = default_store()
    for role, content in [
        ("user", "My cat is called Miso and she loves tuna."),
        ("assistant", "Miso sounds lovely!"),
        ("user", "Please send the invoice to the accounting department."),
        ("assistant", "Done, the invoice is on its way."),
        ("user", "The weather is rainy today."),
        ("assistant", "Take an umbrella."),
    ]:
        store.add_turn("chatbot", "alice", role, content)
    extras = {"session_id": "alice", "flow_id": "chatbot"}
    outputs, _ = run_node(
        VectorMemory, {"k": 1, "recent_turns": 2}, {"message": "What is my pet's name?"}, extras=extras
    )
    assert outputs["recalled"] == [{"role": "user", "content": "My cat is called Miso and she loves tuna."}]
    assert outputs["history"][0]["role"] == "system" and "Miso" in outputs["history"][0]["content"]
    assert [m["content"] for m in outputs["history"][1:]] == [
        "The weather is rainy today.",
        "Take an umbrella.",
    ]
    assert outputs["messages"][-1] == {"role": "user", "content": "What is my pet's name?"}
    again, _ = run_node(
        VectorMemory, {"k": 1, "recent_turns": 2}, {"message": "Where did the invoice go?"}, extras=extras
    )  # turns are indexed once; the second recall reuses them
    assert "invoice" in again["recalled"][0]["content"]


def test_clearing_a_session_also_forgets_its_vector_recall() -> None:
    from nodes.memory import VectorMemory
    from studio.runtime.knowledge.vectorstore import list_knowledge_bases
    from studio.runtime.memory import vector_kb_name
    from tests.nodes.rag_helpers import run_node

    store = default_store()
    store.add_turn("chatbot", "bob", "user", "My dog is called Rex.")
    store.add_turn("chatbot", "bob", "assistant", "Nice name!")
    extras = {"session_id": "bob", "flow_id": "chatbot"}
    run_node(VectorMemory, {"k": 1, "recent_turns": 0}, {"message": "dog?"}, extras=extras)
    assert vector_kb_name("chatbot", "bob") in list_knowledge_bases()
    assert store.clear("chatbot", "bob") == 2
    assert vector_kb_name("chatbot", "bob") not in list_knowledge_bases()
    outputs, _ = run_node(VectorMemory, {"k": 1, "recent_turns": 0}, {"message": "dog?"}, extras=extras)
    assert outputs["recalled"] == []
