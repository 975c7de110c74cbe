"""The OpenAI-compatible endpoints with httpx against the app: shapes, conversation, errors."""

from __future__ import annotations

import json
from pathlib import Path

from tests.fakes.openai_server import FakeOpenAI
from tests.server.conftest import AUTH, asgi_client, chat_flow_on, make_app, run_async, runs


def test_models_lists_the_chat_flows_only(flows_dir: Path, fake: FakeOpenAI) -> None:
    chat_flow_on(fake, flows_dir / "memory_chatbot.json")

    async def main() -> None:
        async with asgi_client(make_app(flows_dir)) as client:
            models = (await client.get("/v1/models", headers=AUTH)).json()
            assert models["object"] == "list"
            assert [m["id"] for m in models["data"]] == ["memory-chatbot"]
            assert models["data"][0]["object"] == "model"

    run_async(main)


def test_a_completion_gets_the_conversation_and_keeps_nothing(flows_dir: Path, fake: FakeOpenAI) -> None:
    chat_flow_on(fake, flows_dir / "memory_chatbot.json")
    fake.reply("Nice to meet you, Ada.", "You like tea.")
    conversation = [
        {"role": "user", "content": "I am Ada and I like tea."},
        {"role": "assistant", "content": "Nice to meet you, Ada."},
        {"role": "user", "content": [{"type": "text", "text": "What do I like?"}]},
    ]

    async def main() -> None:
        async with asgi_client(make_app(flows_dir)) as client:
            first = await client.post(
                "/v1/chat/completions",
                json={"model": "memory-chatbot", "messages": conversation[:1]},
                headers=AUTH,
            )
            body = first.json()
            assert body["object"] == "chat.completion"
            assert body["choices"][0]["message"] == {
                "role": "assistant",
                "content": "Nice to meet you, Ada.",
                "refusal": None,
            }
            assert body["choices"][0]["finish_reason"] == "stop"
            assert (
                body["usage"]["total_tokens"]
                == body["usage"]["prompt_tokens"] + body["usage"]["completion_tokens"]
            )
            second = await client.post(
                "/v1/chat/completions",
                json={"model": "memory-chatbot", "messages": conversation},
                headers=AUTH,
            )
            assert second.json()["choices"][0]["message"]["content"] == "You like tea."

    run_async(main)
    # The provider saw the client's conversation, once, and not a stored copy of it.
    sent = fake.requests[-1].body["messages"]
    contents = [m["content"] for m in sent if m["role"] != "system"]
    assert contents == ["I am Ada and I like tea.", "Nice to meet you, Ada.", "What do I like?"]
    assert len(runs()) == 2


def test_streaming_chunks_end_with_stop_usage_and_done(flows_dir: Path, fake: FakeOpenAI) -> None:
    chat_flow_on(fake, flows_dir / "memory_chatbot.json")
    fake.reply("Hello there, how are you?")

    async def main() -> None:
        async with asgi_client(make_app(flows_dir)) as client:
            answer = await client.post(
                "/v1/chat/completions",
                json={
                    "model": "memory-chatbot",
                    "messages": [{"role": "user", "content": "hi"}],
                    "stream": True,
                    "stream_options": {"include_usage": True},
                },
                headers=AUTH,
            )
            lines = [line[6:] for line in answer.text.splitlines() if line.startswith("data: ")]
            assert lines[-1] == "[DONE]"
            chunks = [json.loads(line) for line in lines[:-1]]
            assert all(c["object"] == "chat.completion.chunk" for c in chunks)
            assert chunks[0]["choices"][0]["delta"]["role"] == "assistant"
            text = "".join(c["choices"][0]["delta"].get("content") or "" for c in chunks if c["choices"])
            assert text == "Hello there, how are you?"
            assert chunks[-2]["choices"][0]["finish_reason"] == "stop"
            assert chunks[-1]["choices"] == [] and chunks[-1]["usage"]["completion_tokens"] > 0

    run_async(main)


def test_bad_chat_requests_name_what_is_wrong(flows_dir: Path, fake: FakeOpenAI) -> None:
    chat_flow_on(fake, flows_dir / "memory_chatbot.json")

    async def main() -> None:
        async with asgi_client(make_app(flows_dir)) as client:
            post = client.post
            unknown = await post(
                "/v1/chat/completions",
                json={"model": "gpt-4o", "messages": [{"role": "user", "content": "x"}]},
                headers=AUTH,
            )
            assert unknown.status_code == 404 and "memory-chatbot" in unknown.json()["error"]["message"]
            not_chat = await post(
                "/v1/chat/completions",
                json={"model": "echo", "messages": [{"role": "user", "content": "x"}]},
                headers=AUTH,
            )
            assert not_chat.status_code == 404 and "Chat Input" in not_chat.json()["error"]["message"]
            no_messages = await post("/v1/chat/completions", json={"model": "memory-chatbot"}, headers=AUTH)
            assert no_messages.status_code == 422 and "messages" in no_messages.json()["error"]["message"]
            bad_message = await post(
                "/v1/chat/completions",
                json={"model": "memory-chatbot", "messages": [{"role": "user", "content": 3}]},
                headers=AUTH,
            )
            assert bad_message.status_code == 422 and "messages[0]" in bad_message.json()["error"]["message"]
            last_not_user = await post(
                "/v1/chat/completions",
                json={"model": "memory-chatbot", "messages": [{"role": "assistant", "content": "x"}]},
                headers=AUTH,
            )
            assert last_not_user.status_code == 422
        assert runs() == []

    run_async(main)


def test_a_failing_chat_flow_is_an_error_naming_the_node(flows_dir: Path, fake: FakeOpenAI) -> None:
    chat_flow_on(fake, flows_dir / "memory_chatbot.json")
    fake.fail(2, status=400, error_message="bad model")

    async def main() -> None:
        async with asgi_client(make_app(flows_dir)) as client:
            request = {"model": "memory-chatbot", "messages": [{"role": "user", "content": "hi"}]}
            answer = await client.post("/v1/chat/completions", json=request, headers=AUTH)
            assert answer.status_code == 502
            error = answer.json()["error"]
            assert error["type"] == "flow_failed" and error["node"] == "llm"
            streamed = await client.post(
                "/v1/chat/completions", json={**request, "stream": True}, headers=AUTH
            )
            assert '"flow_failed"' in streamed.text and "[DONE]" not in streamed.text

    run_async(main)
