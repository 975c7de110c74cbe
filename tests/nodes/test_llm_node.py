"""The LLM node: settings to request, streaming into the run, usage, errors, and inside a flow."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from nodes.io import Output, TextInput
from nodes.llm import LLMChatNode
from studio.engine import run_flow
from studio.engine.cache import OutputCache
from studio.engine.context import Cancelled, RunContext
from studio.engine.errors import NodeError
from studio.engine.events import Event, NodeTrace, TokenStreamed
from studio.engine.registry import Registry
from studio.runtime.llm import remote as llm_remote
from studio.runtime.llm.facade import (
    BUILTIN_MODEL,
    InvalidJSONOutput,
    LLMError,
    MissingApiKey,
    ModelNotFound,
)
from tests.builders import FlowBuilder
from tests.fakes.openai_server import FakeOpenAI, Reply


@pytest.fixture
def server() -> Iterator[FakeOpenAI]:
    with FakeOpenAI() as fake:
        yield fake


@pytest.fixture(autouse=True)
def fast_backoff(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(llm_remote, "BACKOFF_BASE_S", 0.01)


def run_node(
    config: dict[str, Any],
    inputs: dict[str, Any],
    base_dir: Path | None = None,
    cancelled: threading.Event | None = None,
) -> tuple[dict[str, Any], list[Event], RunContext]:
    """Run the node's `run` directly with a real RunContext; return outputs, events, context."""
    events: list[Event] = []

    async def main() -> tuple[dict[str, Any], RunContext]:
        ctx = RunContext(
            run_id="run-1",
            node_id="llm",
            node_label="LLM",
            emit=events.append,
            loop=asyncio.get_running_loop(),
            cancelled=cancelled or threading.Event(),
            flow_inputs={},
            variables={},
            base_dir=base_dir,
        )
        node = LLMChatNode(LLMChatNode.Config(**config))
        outputs = await node.run(inputs, ctx)
        await asyncio.sleep(0)  # let tokens emitted from worker threads arrive
        return dict(outputs), ctx

    outputs, ctx = asyncio.run(main())
    return outputs, events, ctx


def remote(server: FakeOpenAI, **config: Any) -> dict[str, Any]:
    return {"model": "openai/gpt-4o-mini", "api_base": server.base_url, **config}


def test_defaults_run_the_builtin_model_offline() -> None:
    config = LLMChatNode.Config()
    assert config.model == BUILTIN_MODEL
    assert config.temperature == 0.7 and config.response_format == "text"
    assert [p.name for p in LLMChatNode.inputs] == ["prompt", "system"]
    assert [p.name for p in LLMChatNode.outputs] == ["text", "json", "usage"]


def test_streams_tokens_and_counts_usage(server: FakeOpenAI) -> None:
    server.reply("The answer is forty-two.")
    outputs, events, ctx = run_node(remote(server), {"prompt": "What is the answer?"})
    assert outputs["text"] == "The answer is forty-two."
    assert outputs["json"] is None
    streamed = [e.text for e in events if isinstance(e, TokenStreamed)]
    assert len(streamed) > 1 and "".join(streamed) == outputs["text"]
    assert outputs["usage"]["completion_tokens"] == ctx.usage.completion_tokens == 4
    assert ctx.usage.prompt_tokens > 0
    assert ctx.usage.cost_usd == outputs["usage"]["cost_usd"] > 0


def test_text_prompt_and_system_become_messages(server: FakeOpenAI) -> None:
    run_node(remote(server), {"prompt": "Hello", "system": "Be terse."})
    assert server.requests[-1].body["messages"] == [
        {"role": "system", "content": "Be terse."},
        {"role": "user", "content": "Hello"},
    ]


def test_system_input_joins_an_existing_system_message(server: FakeOpenAI) -> None:
    prompt = [{"role": "system", "content": "Answer in French."}, {"role": "user", "content": "Hi"}]
    run_node(remote(server), {"prompt": prompt, "system": "Be terse."})
    sent = server.requests[-1].body["messages"]
    assert sent[0] == {"role": "system", "content": "Be terse.\n\nAnswer in French."}
    assert len(sent) == 2


def test_settings_reach_the_request(server: FakeOpenAI, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MY_PROXY_KEY", "sk-proxy-abcdef123456")
    config = remote(
        server,
        temperature=0.0,
        max_tokens=20,
        top_p=0.9,
        seed=3,
        stop=["\n\n"],
        api_key={"secret": "MY_PROXY_KEY"},
    )
    run_node(config, {"prompt": "x"})
    request = server.requests[-1]
    assert request.body["temperature"] == 0.0
    assert request.body["max_tokens"] == 20
    assert request.body["top_p"] == 0.9
    assert request.body["seed"] == 3
    assert request.body["stop"] == ["\n\n"]
    assert request.headers["authorization"] == "Bearer sk-proxy-abcdef123456"


def test_json_output_port(server: FakeOpenAI) -> None:
    server.reply('```json\n{"sentiment": "positive"}\n```')
    schema = {"type": "object", "properties": {"sentiment": {"enum": ["positive", "negative"]}}}
    outputs, _, _ = run_node(
        remote(server, response_format="json_schema", json_schema=schema), {"prompt": "I love it"}
    )
    assert outputs["json"] == {"sentiment": "positive"}


def test_errors_keep_their_class_and_are_node_errors(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CHAIN_STUDIO_NO_KEYRING", "1")
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    with pytest.raises(MissingApiKey) as caught:
        run_node({"model": "openai/gpt-4o-mini"}, {"prompt": "hi"})
    assert isinstance(caught.value, NodeError) and isinstance(caught.value, LLMError)
    assert type(caught.value).__name__ == "MissingApiKey"
    assert "OPENAI_API_KEY" in str(caught.value)


def test_invalid_json_reply_fails_the_node(server: FakeOpenAI) -> None:
    server.reply("no json here, sorry")
    with pytest.raises(InvalidJSONOutput, match="no json here"):
        run_node(remote(server, response_format="json"), {"prompt": "x"})


def test_stop_pressed_while_streaming_cancels(server: FakeOpenAI) -> None:
    stop = threading.Event()
    stop.set()
    with pytest.raises(Cancelled):
        run_node(remote(server, retries=3), {"prompt": "hi"}, cancelled=stop)
    assert server.count == 1


@pytest.mark.real_llm
def test_stop_pressed_cancels_the_local_model() -> None:
    stop = threading.Event()
    stop.set()
    with pytest.raises(Cancelled):
        run_node({"max_tokens": 50}, {"prompt": "hi"}, cancelled=stop)


def test_relative_gguf_path_is_relative_to_the_flow_folder(tmp_path: Path) -> None:
    with pytest.raises(ModelNotFound) as caught:
        run_node({"model": "models/mine.gguf"}, {"prompt": "hi"}, base_dir=tmp_path)
    assert str(tmp_path / "models" / "mine.gguf") in str(caught.value)


def test_empty_prompt_is_refused() -> None:
    with pytest.raises(NodeError, match="prompt"):
        run_node({}, {"prompt": []})
    with pytest.raises(NodeError, match=r"prompt.*\[0\]"):
        run_node({}, {"prompt": [{"text": "no role"}]})


def test_config_is_checked() -> None:
    with pytest.raises(ValueError, match="temperature"):
        LLMChatNode.Config(temperature=3)
    with pytest.raises(ValueError, match="response_format"):
        LLMChatNode.Config(response_format="xml")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="api_key"):
        LLMChatNode.Config(api_key={"secret": "not a name!"})  # type: ignore[arg-type]
    assert LLMChatNode.check(LLMChatNode.Config(response_format="json_schema")) == [
        "json_schema: response format 'json_schema' needs a JSON schema"
    ]
    problems = LLMChatNode.check(
        LLMChatNode.Config(response_format="json_schema", json_schema={"type": "nonsense"})
    )
    assert problems and problems[0].startswith("json_schema:")


def test_secret_setting_is_a_reference_never_a_value() -> None:
    schema = LLMChatNode.Config.model_json_schema()
    assert schema["properties"]["api_key"]["ui"]["secret"] is True
    assert schema["properties"]["model"]["ui"]["widget"] == "model"


def test_determinism_follows_temperature_and_seed() -> None:
    assert not LLMChatNode.is_deterministic(LLMChatNode.Config())
    assert LLMChatNode.is_deterministic(LLMChatNode.Config(temperature=0))
    assert LLMChatNode.is_deterministic(LLMChatNode.Config(temperature=1.2, seed=5))


def llm_flow(**config: Any) -> Any:
    return (
        FlowBuilder()
        .node("question", "io.text_input", name="question")
        .node("llm", "llm.chat", **config)
        .node("answer", "io.output", name="answer")
        .chain("question.text", "llm.prompt", "llm.text", "answer.value")
        .build()
    )


REGISTRY = Registry.of([TextInput, Output, LLMChatNode])


def test_runs_inside_a_flow_with_events_and_usage(server: FakeOpenAI) -> None:
    server.reply("Paris is the capital.")
    events: list[Event] = []
    result = run_flow(
        llm_flow(**remote(server)),
        {"question": "Capital of France?"},
        registry=REGISTRY,
        cache=OutputCache(),
        record=False,
        on_event=events.append,
    )
    assert result.status == "succeeded", result.error
    assert result.outputs["answer"] == "Paris is the capital."
    assert any(isinstance(e, TokenStreamed) and e.node_id == "llm" for e in events)
    assert result.usage.completion_tokens == 4


def test_failure_in_a_flow_names_the_error_type(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CHAIN_STUDIO_NO_KEYRING", "1")
    monkeypatch.delenv("ANTHROPIC_API_KEY", raising=False)
    result = run_flow(
        llm_flow(model="anthropic/claude-haiku-4-5"),
        {"question": "hi"},
        registry=REGISTRY,
        cache=OutputCache(),
        record=False,
    )
    assert result.status == "failed"
    state = result.nodes["llm"]
    assert state.error_type == "MissingApiKey"
    assert state.error and "ANTHROPIC_API_KEY" in state.error
    assert not state.error.startswith("MissingApiKey:")  # reported as a node error, plainly


def test_seeded_call_is_served_from_the_cache(server: FakeOpenAI) -> None:
    cache = OutputCache()
    flow = llm_flow(**remote(server, temperature=0))
    first = run_flow(flow, {"question": "q"}, registry=REGISTRY, cache=cache, record=False)
    second = run_flow(flow, {"question": "q"}, registry=REGISTRY, cache=cache, record=False)
    assert first.outputs == second.outputs
    assert server.count == 1


@pytest.mark.real_llm
def test_builtin_model_answers_in_a_flow() -> None:
    events: list[Event] = []
    result = run_flow(
        llm_flow(max_tokens=12, temperature=0),
        {"question": "Say hello."},
        registry=REGISTRY,
        cache=OutputCache(),
        record=False,
        on_event=events.append,
    )
    assert result.status == "succeeded", result.error
    assert result.outputs["answer"].strip()
    assert len([e for e in events if isinstance(e, TokenStreamed)]) > 1
    assert result.usage.prompt_tokens > 0 and result.usage.cost_usd == 0.0
    assert not [e for e in events if isinstance(e, NodeTrace) and e.label == "retry"]


def test_retries_are_shown_as_trace_events(server: FakeOpenAI) -> None:
    from studio.engine.events import NodeTrace

    server.fail(2, status=503)
    server.reply("third time lucky")
    outputs, events, _ = run_node(remote(server, retries=2), {"prompt": "hi"})
    assert outputs["text"] == "third time lucky"
    retries = [e for e in events if isinstance(e, NodeTrace) and e.label == "retry"]
    assert [e.data["attempt"] for e in retries] == [1, 2]
    assert all("503" in e.data["error"] for e in retries)


def traces(events: list[Event], label: str) -> list[Any]:
    return [e.data for e in events if isinstance(e, NodeTrace) and e.label == label]


def test_json_schema_fallback_is_in_the_trace(server: FakeOpenAI) -> None:
    # llama.cpp's server refuses json_schema with HTTP 500: asked once, never retried.
    server.reject_json_schema = True
    server.reply({"city": "Paris"})
    schema = {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}
    outputs, events, _ = run_node(
        remote(server, response_format="json_schema", json_schema=schema, retries=3), {"prompt": "Where?"}
    )
    assert outputs["json"] == {"city": "Paris"}
    assert server.count == 2
    notes = traces(events, "note")
    assert len(notes) == 1 and "json_object" in notes[0] and server.base_url in notes[0]


def test_estimated_usage_is_marked_in_the_run_record(server: FakeOpenAI, tmp_path: Path) -> None:
    from studio.engine.runstore import RunStore

    server.send_usage = False
    server.reply("Paris is the capital.")
    store = RunStore(tmp_path / "runs.sqlite")
    result = run_flow(
        llm_flow(**remote(server)),
        {"question": "Capital of France?"},
        registry=REGISTRY,
        cache=OutputCache(),
        store=store,
        on_event=lambda event: None,  # someone watches: the reply is streamed
    )
    assert result.status == "succeeded", result.error
    state = result.nodes["llm"]
    assert state.usage.estimated and result.usage.estimated
    assert state.outputs["usage"]["usage_estimated"] is True
    recorded = store.get_run(result.run_id)
    assert recorded is not None
    llm = next(node for node in recorded[1] if node["node_id"] == "llm")
    assert any(step["label"] == "usage estimated" for step in llm["trace"])
    store.close()


def test_reported_usage_is_not_marked(server: FakeOpenAI) -> None:
    server.reply("Paris is the capital.")
    _, events, ctx = run_node(remote(server), {"prompt": "Capital of France?"})
    assert not ctx.usage.estimated
    assert not traces(events, "usage estimated")


def test_cut_stream_fails_with_the_partial_reply_recorded(server: FakeOpenAI) -> None:
    server.send_usage = False
    server.reply(Reply("one two three four five six", cut_after_chunks=2))
    result = run_flow(
        llm_flow(**remote(server, retries=2)),
        {"question": "count"},
        registry=REGISTRY,
        cache=OutputCache(),
        record=False,
        on_event=lambda event: None,
    )
    assert result.status == "failed"
    state = result.nodes["llm"]
    assert state.status == "failed" and "before it was complete" in (state.error or "")
    assert server.count == 1  # tokens were shown: no retry
    partial = [step["data"] for step in state.trace if step["label"] == "partial reply"]
    assert len(partial) == 1 and partial[0]["text"] == "one two"
    assert partial[0]["completion_tokens"] == 2
    # The tokens it cost stay on the node's (and the run's) usage, marked as counted here.
    assert state.usage.completion_tokens == 2 and state.usage.prompt_tokens > 0
    assert state.usage.estimated and result.usage.completion_tokens == 2
