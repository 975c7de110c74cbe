"""Runs exported as OpenTelemetry traces (OTLP/HTTP, OpenInference names) to a collector on loopback."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest

from nodes.io import Output, TextInput
from nodes.llm import LLMChatNode
from nodes.prompts import PromptTemplateNode
from studio.engine import run_flow
from studio.engine.context import RunContext
from studio.engine.graph import compile_flow
from studio.engine.node import Node, NodeConfig, Port, PortType
from studio.engine.registry import Registry
from studio.runtime import tracing
from studio.runtime.preferences import set_preference
from tests.builders import flow_of
from tests.conftest import ROOT
from tests.fakes.openai_server import FakeOpenAI
from tests.fakes.otlp_receiver import OtlpReceiver, ReceivedSpan

SECRET = "sk-trace-test-4f9a1c7e2b"  # the API key; the user also pastes it into an input


class FakeRetriever(Node):
    """Three scored documents about the query."""

    type = "retrievers.fake"
    title = "Fake Retriever"
    run_in_thread = False
    inputs = (Port("query", PortType.TEXT),)
    outputs = (Port("documents", PortType.DOCUMENTS),)

    class Config(NodeConfig):
        pass

    def run(self, inputs: Mapping[str, Any], ctx: RunContext) -> dict[str, Any]:
        docs = [
            {
                "text": f"doc {i} about {inputs['query']}",
                "metadata": {"source": f"f{i}.md"},
                "score": 1 - i / 10,
                "id": f"d{i}",
            }
            for i in range(3)
        ]
        return {"documents": docs}


@pytest.fixture
def receiver(monkeypatch: pytest.MonkeyPatch) -> Iterator[OtlpReceiver]:
    with OtlpReceiver() as running:
        monkeypatch.setenv("OTEL_EXPORTER_OTLP_ENDPOINT", running.base_url)
        monkeypatch.delenv("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", raising=False)
        yield running


def _flow(server: FakeOpenAI) -> Any:
    registry = Registry.of([TextInput, PromptTemplateNode, LLMChatNode, Output, FakeRetriever])
    llm = {
        "model": "openai/fake-model",
        "api_base": server.base_url,
        "api_key": {"secret": "TRACE_TEST_API_KEY"},
        "retries": 0,
        "max_tokens": 16,
    }
    return compile_flow(
        flow_of(
            ("topic", "io.text_input", {"name": "topic"}),
            ("prompt", "prompt.template", {"template": "Write about {{ topic }}"}),
            ("llm", "llm.chat", llm),
            ("search", "retrievers.fake", {}),
            ("out", "io.output", {"name": "answer"}),
            wires=[
                "topic.text->prompt.topic",
                "prompt.prompt->llm.prompt",
                "llm.text->out.value",
                "topic.text->search.query",
            ],
        ),
        registry,
    )


def _by_name(spans: list[ReceivedSpan]) -> dict[str, ReceivedSpan]:
    return {span.attributes.get("studio.node_id") or "run": span for span in spans}


def test_a_run_becomes_a_trace_of_node_spans_with_openinference_attributes(
    receiver: OtlpReceiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TRACE_TEST_API_KEY", SECRET)
    with FakeOpenAI() as server:
        server.reply("Tea is a drink.")
        result = run_flow(_flow(server), {"topic": f"tea (my key is {SECRET})"}, use_cache=False)
    assert result.status == "succeeded"
    spans = _by_name(receiver.wait_for(lambda got: any(s.attributes.get("studio.run_id") for s in got)))
    root = spans["run"]
    assert root.name == "test flow" and root.parent_span_id == ""
    assert root.attributes["openinference.span.kind"] == "CHAIN"
    assert root.attributes["studio.run_id"] == result.run_id
    assert root.attributes["studio.status"] == "succeeded"
    assert set(spans) == {"run", "topic", "prompt", "llm", "search", "out"}
    for node_id in ("topic", "prompt", "llm", "search", "out"):
        assert spans[node_id].parent_span_id == root.span_id  # node spans are the run's children
        assert spans[node_id].trace_id == root.trace_id
    llm = spans["llm"]
    assert llm.attributes["openinference.span.kind"] == "LLM"
    assert llm.attributes["llm.model_name"] == "openai/fake-model"
    assert llm.attributes["output.value"] == "Tea is a drink."
    assert llm.attributes["input.value"].startswith("Write about tea")
    assert llm.attributes["llm.token_count.total"] == (
        llm.attributes["llm.token_count.prompt"] + llm.attributes["llm.token_count.completion"]
    )
    assert llm.attributes["llm.token_count.total"] > 0
    search = spans["search"]
    assert search.attributes["openinference.span.kind"] == "RETRIEVER"
    assert search.attributes["retrieval.documents.0.document.content"].startswith("doc 0 about tea")
    assert search.attributes["retrieval.documents.1.document.score"] == pytest.approx(0.9)
    assert search.attributes["retrieval.documents.2.document.id"] == "d2"
    assert spans["prompt"].attributes["openinference.span.kind"] == "CHAIN"
    assert spans["llm"].start_ns >= root.start_ns and spans["llm"].end_ns <= root.end_ns
    everything = b"".join(receiver.raw)
    assert SECRET.encode() not in everything  # scrubbed by value from every attribute
    assert "tea (my key is" in spans["topic"].attributes["output.value"]


def test_a_failed_node_is_an_error_span(receiver: OtlpReceiver) -> None:
    with FakeOpenAI() as server:
        server.fail(1, status=400)
        result = run_flow(_flow(server), {"topic": "tea"}, use_cache=False)
    assert result.status == "failed"
    spans = _by_name(receiver.wait_for(lambda got: any(s.attributes.get("studio.status") for s in got)))
    assert spans["llm"].status_code == 2 and spans["llm"].status_message
    assert spans["run"].status_code == 2 and spans["run"].attributes["studio.status"] == "failed"


def test_with_the_collector_down_a_run_finishes_normally_and_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    import socket

    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{probe.getsockname()[1]}"
    with socket.socket() as stalled:  # and a collector that takes connections and never answers
        stalled.bind(("127.0.0.1", 0))
        stalled.listen(16)
        for endpoint in (dead, f"http://127.0.0.1:{stalled.getsockname()[1]}"):
            monkeypatch.setenv("OTEL_EXPORTER_OTLP_ENDPOINT", endpoint)
            registry = Registry.of([TextInput, PromptTemplateNode, Output])
            flow = compile_flow(
                flow_of(
                    ("topic", "io.text_input", {"name": "topic"}),
                    ("prompt", "prompt.template", {"template": "About {{ topic }}"}),
                    ("out", "io.output", {"name": "answer"}),
                    wires=["topic.text->prompt.topic", "prompt.prompt->out.value"],
                ),
                registry,
            )
            clock = time.perf_counter()
            result = run_flow(flow, {"topic": "tea"}, use_cache=False)
            took = time.perf_counter() - clock
            print(f"run with collector {endpoint} down: {took * 1000:.1f} ms")
            assert result.status == "succeeded" and result.outputs == {"answer": "About tea"}
            # The export runs in the background: the run never waits for the export's time limit.
            assert took < tracing.EXPORT_TIMEOUT_S


def test_the_cli_exits_promptly_when_the_collector_is_down(tmp_path: Path, studio_home: Path) -> None:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{probe.getsockname()[1]}"
    env = {**os.environ, "CHAIN_STUDIO_HOME": str(studio_home), "OTEL_EXPORTER_OTLP_ENDPOINT": dead}
    flow = flow_of(
        ("topic", "io.text_input", {"name": "topic"}),
        ("out", "io.output", {"name": "answer"}),
        wires=["topic.text->out.value"],
    )
    path = tmp_path / "echo.json"
    path.write_text(json.dumps(flow.model_dump(mode="json", exclude_none=True)), encoding="utf-8")
    studio = Path(sys.executable).parent / "studio"
    clock = time.perf_counter()
    done = subprocess.run(
        [str(studio), "run", str(path), "--input", "topic=tea"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    print(f"`studio run` with a dead collector: {time.perf_counter() - clock:.2f} s, exit {done.returncode}")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "tea"
    assert "Traceback" not in done.stderr


def test_tracing_is_off_by_default_and_imports_nothing(studio_home: Path) -> None:
    code = (
        "import sys, json; from studio.runtime import tracing; from studio.engine import run_flow; "
        "from tests.builders import flow_of; "
        "r = run_flow(flow_of(('a', 'io.text_input', {'name': 'a'})), {'a': 'x'}); "
        "otel = any(m.startswith('opentelemetry') for m in sys.modules); "
        "print(json.dumps([tracing.traces_url(), r.status, otel]))"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("OTEL_")}
    env["CHAIN_STUDIO_HOME"] = str(studio_home)
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == [None, "succeeded", False]


def test_the_settings_preference_turns_tracing_on(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OTEL_EXPORTER_OTLP_ENDPOINT", raising=False)
    monkeypatch.delenv("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", raising=False)
    assert tracing.traces_url() is None
    set_preference(tracing.PREFERENCE, "http://127.0.0.1:4318/")
    assert tracing.traces_url() == "http://127.0.0.1:4318/v1/traces"
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4318")  # the environment wins
    assert tracing.traces_url() == "http://collector:4318/v1/traces"
    monkeypatch.setenv("OTEL_SDK_DISABLED", "true")
    assert tracing.traces_url() is None
