"""Subflow and Map: saved flows as nodes, one run per item, recursion and bad files refused."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from nodes.subflows import SubflowNode, interface_of
from studio.engine import run_flow
from studio.flow import Flow, InterfacePort
from studio.flow.io import save_flow
from tests.builders import flow_of


def save(flow: Flow, path: Path, inputs: list[str], outputs: list[str]) -> Path:
    flow = flow.model_copy(
        update={
            "inputs": [InterfacePort(name=n) for n in inputs],
            "outputs": [InterfacePort(name=n) for n in outputs],
        }
    )
    save_flow(flow, path)
    return path


@pytest.fixture
def summarise(tmp_path: Path) -> Path:
    flow = flow_of(
        ("in", "io.text_input", {"name": "item"}),
        ("style", "io.text_input", {"name": "style", "default": "short", "required": False}),
        ("f", "text.format", {"template": "{style} summary of {text}"}),
        ("o", "io.output", {"name": "summary"}),
        wires=["in.text->f.text", "style.text->f.style", "f.text->o.value"],
    )
    return save(flow, tmp_path / "summarise_one.json", ["item", "style"], ["summary"])


def test_interface_of_reads_the_declared_ports(summarise: Path) -> None:
    interface = interface_of(summarise)
    assert [e["name"] for e in interface["inputs"]] == ["item", "style"]
    assert [e["name"] for e in interface["outputs"]] == ["summary"]
    ports = SubflowNode.input_ports(SubflowNode.Config.model_validate({"path": "x.json", **interface}))
    assert [p.name for p in ports] == ["item", "style"]


def test_subflow_runs_as_one_node(summarise: Path) -> None:
    parent = flow_of(
        ("in", "io.text_input", {"name": "doc"}),
        ("sub", "control.subflow", {"path": summarise.name, **interface_of(summarise)}),
        ("o", "io.output", {"name": "result"}),
        wires=["in.text->sub.item", "sub.summary->o.value"],
    )
    result = run_flow(parent, {"doc": "tides"}, record=False, use_cache=False, base_dir=summarise.parent)
    assert result.status == "succeeded", {k: v.error for k, v in result.failures().items()}
    assert result.outputs == {"result": "short summary of tides"}


def run_map(subflow: Path, items: list[Any], **config: Any) -> Any:
    """texts (JSON text) -> parse.json -> Map over the subflow."""
    import json

    parent = flow_of(
        ("in", "io.text_input", {"name": "texts"}),
        ("parse", "parse.json", {}),
        ("map", "control.map", {"path": subflow.name, "output": "summary", **config}),
        ("o", "io.output", {"name": "summaries"}),
        ("e", "io.output", {"name": "errors"}),
        wires=["in.text->parse.text", "parse.json->map.items", "map.results->o.value", "map.errors->e.value"],
    )
    return run_flow(
        parent, {"texts": json.dumps(items)}, record=False, use_cache=False, base_dir=subflow.parent
    )


def test_map_runs_the_subflow_per_item_in_order(summarise: Path) -> None:
    result = run_map(summarise, ["a", "b", "c", "d", "e"], concurrency=2)
    assert result.status == "succeeded", {k: v.error for k, v in result.failures().items()}
    assert result.outputs["summaries"] == [f"short summary of {x}" for x in "abcde"]
    assert result.outputs["errors"] == {}


def test_map_over_an_empty_list_and_a_wrong_output_name(summarise: Path) -> None:
    assert run_map(summarise, []).outputs["summaries"] == []
    wrong = run_map(summarise, ["a"], output="nope")
    assert wrong.status == "failed"
    assert "no output 'nope'" in (wrong.nodes["map"].error or "")


def test_missing_subflow_file_is_named(tmp_path: Path) -> None:
    result = run_map(tmp_path / "missing.json", ["a"])
    assert result.status == "failed"
    assert "missing.json does not exist" in (result.nodes["map"].error or "")
    (tmp_path / "broken.json").write_text("{not json", encoding="utf-8")
    broken = run_map(tmp_path / "broken.json", ["a"])
    assert "broken.json is invalid" in (broken.nodes["map"].error or "")


def test_a_flow_that_reaches_itself_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "loop.json"
    flow = flow_of(
        ("in", "io.text_input", {"name": "item"}),
        (
            "sub",
            "control.subflow",
            {"path": "loop.json", "inputs": [{"name": "item"}], "outputs": [{"name": "summary"}]},
        ),
        ("o", "io.output", {"name": "summary"}),
        wires=["in.text->sub.item", "sub.summary->o.value"],
    )
    save(flow, path, ["item"], ["summary"])
    result = run_flow(flow, {"item": "x"}, record=False, use_cache=False, base_dir=tmp_path)
    assert result.status == "failed"
    errors = " ".join(state.error or "" for state in result.failures().values())
    assert "recursion refused" in errors
    assert "loop.json -> loop.json" in errors


def test_a_saved_flow_is_offered_as_a_tool(summarise: Path) -> None:
    from nodes.subflows import FlowTool
    from tests.nodes.test_tools import call_tool

    config = {"name": "summarise", "path": summarise.name, **interface_of(summarise)}
    spec = FlowTool.tool_spec(FlowTool.Config.model_validate(config))
    assert spec["parameters"] == {
        "type": "object",
        "properties": {"item": {"type": "string"}, "style": {"type": "string"}},
        "required": [],
    }
    assert call_tool(FlowTool, config, {"item": "tides", "style": "long"}, base_dir=summarise.parent) == (
        "long summary of tides"
    )
