"""Real clients against real servers on loopback: the official openai client and httpx against
`studio serve` processes, a client that goes away mid-stream, and SIGTERM during a run."""

from __future__ import annotations

import shutil
import signal
import threading
from pathlib import Path

import httpx
import pytest

from tests.fakes.openai_server import FakeOpenAI, Reply
from tests.server.conftest import (
    AUTH,
    KEY,
    ROOT,
    StudioServe,
    ThreadServer,
    chat_flow_on,
    make_app,
    prompt_flow_on,
    runs,
    sse_events,
    wait_for,
)

# uvicorn ends a server stopped by SIGTERM by raising the signal again (after its clean shutdown).
STOPPED = (0, -signal.SIGTERM)


def test_openai_client_and_httpx_against_studio_serve_with_a_fake_provider(
    flows_dir: Path, fake: FakeOpenAI, studio_home: Path
) -> None:
    from openai import OpenAI

    chat_flow_on(fake, flows_dir / "memory_chatbot.json")
    fake.reply("First answer.", "Second answer, streamed.")
    server = StudioServe(str(flows_dir), home=studio_home)
    try:
        client = OpenAI(base_url=f"{server.url}/v1", api_key=KEY, max_retries=0)
        assert [m.id for m in client.models.list()] == ["memory-chatbot"]
        completion = client.chat.completions.create(
            model="memory-chatbot", messages=[{"role": "user", "content": "hi"}]
        )
        assert completion.choices[0].message.content == "First answer."
        assert completion.choices[0].finish_reason == "stop"
        assert completion.usage is not None and completion.usage.completion_tokens > 0
        stream = client.chat.completions.create(
            model="memory-chatbot",
            messages=[
                {"role": "user", "content": "hi"},
                {"role": "assistant", "content": "First answer."},
                {"role": "user", "content": "again"},
            ],
            stream=True,
            stream_options={"include_usage": True},
        )
        chunks = list(stream)
        text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
        assert text == "Second answer, streamed."
        assert [c.choices[0].finish_reason for c in chunks if c.choices][-1] == "stop"
        assert chunks[-1].usage is not None
        # REST over real HTTP, and a wrong key.
        rest = httpx.post(
            f"{server.url}/api/v1/flows/echo/run", json={"inputs": {"topic": "tea"}}, headers=AUTH
        )
        assert rest.json()["outputs"] == {"result": "about: tea"}
        assert (
            httpx.get(f"{server.url}/api/v1/flows", headers={"Authorization": "Bearer nope"}).status_code
            == 401
        )
    finally:
        code, err = server.stop()
    assert code in STOPPED, err
    assert KEY not in err
    assert sorted(r.status for r in runs()) == ["succeeded"] * 3


@pytest.mark.real_llm
def test_openai_client_on_the_built_in_model(tmp_path: Path, studio_home: Path) -> None:
    from openai import OpenAI

    folder = tmp_path / "flows"
    folder.mkdir()
    for name in ("basic_prompt.json", "memory_chatbot.json"):
        shutil.copy(ROOT / "flows" / name, folder / name)
    server = StudioServe(str(folder), home=studio_home)
    try:
        client = OpenAI(base_url=f"{server.url}/v1", api_key=KEY, max_retries=0, timeout=300)
        completion = client.chat.completions.create(
            model="memory-chatbot", messages=[{"role": "user", "content": "Hi! I like tea."}]
        )
        assert completion.object == "chat.completion"
        assert (
            isinstance(completion.choices[0].message.content, str) and completion.choices[0].message.content
        )
        assert completion.choices[0].finish_reason == "stop"
        assert completion.usage is not None and completion.usage.prompt_tokens > 0
        chunks = list(
            client.chat.completions.create(
                model="memory-chatbot", messages=[{"role": "user", "content": "Hello"}], stream=True
            )
        )
        assert all(c.object == "chat.completion.chunk" for c in chunks)
        assert "".join(c.choices[0].delta.content or "" for c in chunks if c.choices).strip()
        assert chunks[-1].choices[0].finish_reason == "stop"
        with httpx.stream(
            "POST",
            f"{server.url}/api/v1/flows/basic-prompt/run?stream=true",
            json={"inputs": {"topic": "tea"}},
            headers=AUTH,
            timeout=300,
        ) as response:
            events = sse_events(response.read().decode())
        names = [name for name, _ in events]
        assert "token" in names and names[-1] == "result"
        assert events[-1][1]["status"] == "succeeded" and events[-1][1]["outputs"]["answer"]
    finally:
        code, err = server.stop()
    assert code in STOPPED, err
    assert [r.status for r in runs()] == ["succeeded"] * 3


def test_a_client_that_disconnects_mid_stream_stops_the_run(flows_dir: Path, fake: FakeOpenAI) -> None:
    prompt_flow_on(fake, flows_dir / "basic_prompt.json")
    fake.reply(Reply(" ".join(f"word{i}" for i in range(200)), chunk_delay_s=0.1))
    with ThreadServer(make_app(flows_dir)) as server:
        with httpx.stream(
            "POST",
            f"{server.url}/api/v1/flows/basic-prompt/run?stream=true",
            json={"inputs": {"topic": "tea"}},
            headers=AUTH,
        ) as response:
            for line in response.iter_lines():
                if line == "event: token":
                    break  # one token seen: hang up
        stopped = wait_for(
            lambda: [r for r in runs() if r.status == "cancelled"], "the run to be recorded stopped"
        )
        assert len(stopped) == 1 and len(runs()) == 1
        # The provider's stream was abandoned too, long before its 200 words.
        wait_for(lambda: fake.active == 0, "the provider call to end")


def test_an_openai_client_that_leaves_mid_stream_stops_the_run(flows_dir: Path, fake: FakeOpenAI) -> None:
    from openai import OpenAI

    chat_flow_on(fake, flows_dir / "memory_chatbot.json")
    fake.reply(Reply(" ".join(f"word{i}" for i in range(200)), chunk_delay_s=0.1))
    with ThreadServer(make_app(flows_dir)) as server:
        client = OpenAI(base_url=f"{server.url}/v1", api_key=KEY, max_retries=0)
        stream = client.chat.completions.create(
            model="memory-chatbot", messages=[{"role": "user", "content": "hi"}], stream=True
        )
        for chunk in stream:
            if chunk.choices and chunk.choices[0].delta.content:
                break  # the first words came: leave
        stream.close()
        stopped = wait_for(
            lambda: [r for r in runs() if r.status == "cancelled"], "the run to be recorded stopped"
        )
        assert len(stopped) == 1
        wait_for(lambda: fake.active == 0, "the provider call to end")


def test_sigterm_stops_the_runs_and_writes_their_records(
    flows_dir: Path, fake: FakeOpenAI, studio_home: Path
) -> None:
    prompt_flow_on(fake, flows_dir / "basic_prompt.json")
    fake.stall_next(1)
    server = StudioServe(str(flows_dir), "--shutdown-grace", "1", home=studio_home)
    answers: list[httpx.Response | Exception] = []

    def call() -> None:
        try:
            answers.append(
                httpx.post(
                    f"{server.url}/api/v1/flows/basic-prompt/run",
                    json={"inputs": {"topic": "x"}},
                    headers=AUTH,
                    timeout=60,
                )
            )
        except httpx.HTTPError as error:
            answers.append(error)

    caller = threading.Thread(target=call)
    caller.start()
    wait_for(lambda: fake.active, "the run to reach the provider")
    code, err = server.stop()
    caller.join(60)
    assert code in STOPPED, err
    assert [r.status for r in runs()] == ["cancelled"]
    assert answers  # the client got an answer or a closed connection, not a hang
