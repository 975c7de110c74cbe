"""Every flow in flows/ loads, validates, round-trips byte for byte, and runs offline."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from studio.engine import run_flow, validate_flow
from studio.flow import dumps, load_flow
from tests.conftest import ROOT

FLOWS = sorted((ROOT / "flows").glob("*.json"))

# Inputs for flows whose inputs have no defaults (the rest run on their defaults, as the GUI does).
INPUTS: dict[str, dict[str, Any]] = json.loads(
    (ROOT / "tests" / "fixtures" / "example_flow_inputs.json").read_text(encoding="utf-8")
)


def test_the_issue_examples_exist() -> None:
    names = {path.name for path in FLOWS}
    assert {
        "basic_prompt.json",
        "structured_extraction.json",
        "chain_of_thought.json",
        "parallel_summaries.json",
    } <= names


@pytest.mark.parametrize("path", FLOWS, ids=[p.name for p in FLOWS])
def test_flow_loads_validates_and_round_trips(path: Path) -> None:
    flow = load_flow(path)
    assert validate_flow(flow) == []
    assert dumps(flow) == path.read_text(encoding="utf-8")
    assert flow.description, "templates describe themselves on the start page"


def run_example(path: Path) -> dict[str, Any]:
    flow = load_flow(path)
    # flows/mcp_agent.json starts the demo MCP server: the test approves it, as --allow-mcp does.
    extras = {"allow_mcp": True} if path.name == "mcp_agent.json" else None
    result = run_flow(flow, INPUTS.get(path.name, {}), base_dir=path.parent, use_cache=False, extras=extras)
    assert result.status == "succeeded", result.error
    assert set(result.outputs) == {port.name for port in flow.outputs}
    return result.outputs


@pytest.mark.real_llm
@pytest.mark.parametrize("path", FLOWS, ids=[p.name for p in FLOWS])
def test_flow_runs_offline(path: Path) -> None:
    flow = load_flow(path)
    if "kb" in {port.name for port in flow.inputs} and path.name != "ingest_documents.json":
        # A question-answering template needs the sample knowledge base, as a user would ingest it.
        run_example(ROOT / "flows" / "ingest_documents.json")
    outputs = run_example(path)
    for name, value in outputs.items():
        assert value is not None, f"output {name!r} is missing"
        if isinstance(value, str):
            assert value.strip(), f"output {name!r} is empty"
