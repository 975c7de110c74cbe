"""Flow files: strict loading with JSON paths, deterministic and atomic saving, migrations."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from studio.flow import SCHEMA_VERSION, Flow, FlowError, dumps, load_flow, loads, save_flow
from tests.builders import flow_of

FIXTURES = Path(__file__).parent / "fixtures"


def sample() -> Flow:
    return flow_of(
        ("a", "io.text_input", {"name": "topic"}),
        ("b", "io.output", {"name": "result"}),
        wires=["a.text->b.value"],
    )


def messages(text: str) -> list[str]:
    with pytest.raises(FlowError) as raised:
        loads(text, source="f.json")
    return list(raised.value.lines())


def test_dump_is_deterministic_sorted_and_ends_with_newline() -> None:
    text = dumps(sample())
    assert text.endswith("}\n") and not text.endswith("\n\n")
    data = json.loads(text)
    assert list(data) == sorted(data)
    assert '\n  "description"' in text  # two-space indent
    assert dumps(loads(text)) == text


def test_chinese_text_is_written_as_utf8_not_escaped(tmp_path: Path) -> None:
    flow = sample()
    flow.description = "产品问答流程"
    save_flow(flow, tmp_path / "f.json")
    raw = (tmp_path / "f.json").read_bytes()
    assert "产品问答流程".encode() in raw
    assert load_flow(tmp_path / "f.json").description == "产品问答流程"


def test_malformed_json_reports_line_and_column() -> None:
    [line] = messages('{"schema_version": 1,\n "nodes": [}')
    assert line.startswith("f.json: not valid JSON") and "line 2" in line


def test_wrong_types_report_json_paths() -> None:
    raw = json.loads(dumps(sample()))
    raw["nodes"][1]["config"] = "not an object"
    raw["edges"][0]["source_port"] = 5
    lines = messages(json.dumps(raw))
    assert any("$.nodes[1].config" in line for line in lines)
    assert any("$.edges[0].source_port" in line for line in lines)


def test_unknown_top_level_field_is_refused() -> None:
    raw = json.loads(dumps(sample()))
    raw["nodez"] = []
    [line] = messages(json.dumps(raw))
    assert "$.nodez" in line and "Extra inputs are not permitted" in line


def test_dangling_edge_and_duplicate_ids() -> None:
    raw = json.loads(dumps(sample()))
    raw["edges"].append({"source": "ghost", "source_port": "text", "target": "b", "target_port": "value"})
    raw["nodes"].append(dict(raw["nodes"][0]))
    lines = messages(json.dumps(raw))
    assert "f.json: $.nodes[2].id: duplicate node id 'a'" in lines
    assert "f.json: $.edges[1].source: no node with id 'ghost'" in lines


def test_newer_schema_version_is_refused_with_advice() -> None:
    raw = json.loads(dumps(sample()))
    raw["schema_version"] = SCHEMA_VERSION + 1
    [line] = messages(json.dumps(raw))
    assert "$.schema_version" in line and "newer Chain Studio" in line and "Update" in line


def test_missing_schema_version_is_not_a_flow() -> None:
    [line] = messages('{"nodes": []}')
    assert "$.schema_version: missing" in line


def test_v0_prototype_file_is_migrated() -> None:
    flow = load_flow(FIXTURES / "v0_prototype.json")
    assert flow.schema_version == SCHEMA_VERSION
    assert flow.name == "Prototype summary flow"
    assert flow.node("in").config == {"name": "topic"}
    assert flow.node("in").ui == {"x": 40, "y": 80, "title": "Topic"}
    assert [(e.source, e.source_port, e.target, e.target_port) for e in flow.edges] == [
        ("in", "text", "tpl", "topic"),
        ("tpl", "prompt", "out", "value"),
    ]
    assert dumps(loads(dumps(flow))) == dumps(flow)


def test_broken_v0_edge_names_its_path() -> None:
    raw = json.loads((FIXTURES / "v0_prototype.json").read_text())
    raw["edges"][1]["to"] = "no-port-here"
    [line] = messages(json.dumps(raw))
    assert "$.edges[1].to" in line and "expected 'node:port'" in line


def test_save_is_atomic_and_keeps_one_backup(tmp_path: Path) -> None:
    path = tmp_path / "flow.json"
    first = sample()
    save_flow(first, path)
    assert not (tmp_path / "flow.json.bak").exists()
    second = first.model_copy(update={"name": "Second"})
    save_flow(second, path)
    assert load_flow(path).name == "Second"
    assert load_flow(tmp_path / "flow.json.bak").name == first.name
    assert sorted(p.name for p in tmp_path.iterdir()) == ["flow.json", "flow.json.bak"]


def test_failed_save_leaves_the_old_file_intact(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "flow.json"
    save_flow(sample(), path)
    before = path.read_bytes()

    def crash(*args: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr("os.replace", crash)
    with pytest.raises(OSError, match="disk full"):
        save_flow(sample().model_copy(update={"name": "New"}), path)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def test_loading_never_imports_what_a_file_names(tmp_path: Path) -> None:
    raw = json.loads(dumps(sample()))
    raw["nodes"][0]["type"] = "antigravity.fly"
    raw["nodes"][0]["config"] = {"__import__": "webbrowser", "module": "antigravity"}
    path = tmp_path / "evil.json"
    path.write_text(json.dumps(raw))
    before = set(sys.modules)
    flow = load_flow(path)  # loading only validates data
    assert flow.nodes[0].type == "antigravity.fly"
    assert not {"antigravity", "webbrowser"} & (set(sys.modules) - before)


def test_secret_reference_round_trips_and_holds_no_value() -> None:
    flow = flow_of(("l", "llm.chat", {"api_key": {"secret": "OPENAI_API_KEY"}}))
    text = dumps(flow)
    assert '"secret": "OPENAI_API_KEY"' in text
    assert dumps(loads(text)) == text


def test_file_errors_name_the_file(tmp_path: Path) -> None:
    with pytest.raises(FlowError, match=r"nothere\.json: file not found"):
        load_flow(tmp_path / "nothere.json")
    (tmp_path / "latin1.json").write_bytes(b'{"name": "caf\xe9"}')
    with pytest.raises(FlowError, match=r"latin1\.json: not UTF-8 text"):
        load_flow(tmp_path / "latin1.json")


@pytest.mark.parametrize(
    "key",
    [
        "sk-proj-" + "a1B2" * 10,
        "sk-ant-api03-" + "x" * 30,
        "AIza" + "b" * 35,
        "AKIA" + "ABCDEFGHIJKLMNOP",
    ],
)
def test_a_pasted_api_key_is_never_saved(tmp_path: Path, key: str) -> None:
    flow = sample()
    flow.nodes[0].config["default"] = f"my key is {key}"
    with pytest.raises(FlowError) as raised:
        save_flow(flow, tmp_path / "f.json")
    [line] = raised.value.lines()
    assert "$.nodes[0].config.default" in line and "keyring" in line
    assert key not in line
    assert not (tmp_path / "f.json").exists()


def test_ordinary_text_is_not_mistaken_for_a_key(tmp_path: Path) -> None:
    flow = sample()
    flow.nodes[0].config["default"] = "ask about sk-learn and the task-based skeleton approach"
    save_flow(flow, tmp_path / "f.json")
    assert load_flow(tmp_path / "f.json").nodes[0].config["default"].startswith("ask about")


def test_canvas_comments_round_trip_and_are_absent_when_there_are_none() -> None:
    from studio.flow import Comment

    assert '"comments"' not in dumps(sample())
    flow = sample()
    flow.comments = [
        Comment(id="c1", text="检索部分 (retrieval)", x=10, y=20, width=400, height=220, color="#ffcc00")
    ]
    text = dumps(flow)
    assert dumps(loads(text)) == text
    assert loads(text).comments[0].text == "检索部分 (retrieval)"  # type: ignore[index]
