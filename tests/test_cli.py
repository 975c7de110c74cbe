"""The `studio` command as a user runs it: exit codes, messages, outputs, start-up cost."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from studio.flow import load_flow, save_flow
from tests.conftest import ROOT

BROKEN = ROOT / "tests" / "fixtures" / "flows" / "broken.json"


def studio(
    *args: str, env: dict[str, str] | None = None, stdin: str | None = None, cwd: Path = ROOT
) -> subprocess.CompletedProcess[str]:
    """Run the real `studio` command in a child process."""
    full_env = {**os.environ, **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "studio.cli", *args],
        capture_output=True,
        text=True,
        env=full_env,
        input=stdin,
        cwd=cwd,
        timeout=300,
    )


def test_validate_prints_one_line_per_problem_and_exits_1() -> None:
    result = studio("validate", str(BROKEN))
    assert result.returncode == 1
    lines = result.stdout.strip().splitlines()
    assert len(lines) == 4
    assert all(line.startswith(f"{BROKEN}: $.") for line in lines)
    assert any("'Prompt' (prompt): template: line 1" in line for line in lines)
    assert any("$.nodes[2].config.temperature" in line for line in lines)
    assert any("unknown node type 'parse.jsn'; did you mean parse.json" in line for line in lines)


def test_validate_ok_flows_exit_0() -> None:
    flows = sorted(str(p) for p in (ROOT / "flows").glob("*.json"))
    result = studio("validate", *flows)
    assert result.returncode == 0, result.stdout
    assert result.stdout.count(": ok (") == len(flows)


def test_malformed_flow_file_is_exit_1_and_untouched(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"schema_version": 1, "nodes": [', encoding="utf-8")
    result = studio("run", str(bad))
    assert result.returncode == 1
    assert f"{bad}: not valid JSON" in result.stderr
    assert bad.read_text(encoding="utf-8") == '{"schema_version": 1, "nodes": ['


def write_echo_flow(path: Path) -> Path:
    """Text Input `topic` -> Text Format -> Output `result`: no model needed."""
    from tests.builders import flow_of

    flow = flow_of(
        ("in", "io.text_input", {"name": "topic"}),
        ("fmt", "text.format", {"template": "about: {topic}"}),
        ("out", "io.output", {"name": "result"}),
        wires=["in.text->fmt.topic", "fmt.text->out.value"],
    )
    save_flow(flow, path)
    return path


def test_inputs_as_pairs_files_stdin_and_json(tmp_path: Path) -> None:
    flow = write_echo_flow(tmp_path / "echo.json")
    assert studio("run", str(flow), "--input", "topic=cats").stdout == "about: cats\n"
    (tmp_path / "notes.txt").write_text("笔记内容", encoding="utf-8")
    result = studio("run", str(flow), "--input", f"topic=@{tmp_path / 'notes.txt'}")
    assert result.stdout == "about: 笔记内容\n"
    assert studio("run", str(flow), "--input", "topic=@-", stdin="piped").stdout == "about: piped\n"
    result = studio("run", str(flow), "--inputs", '{"topic": "json"}', "--json")
    assert json.loads(result.stdout) == {"result": "about: json"}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((), "missing required input 'topic'"),
        (("--input", "topik=x"), "unknown input 'topik'; this flow's inputs are: topic"),
        (("--input", "topic"), "expected NAME=VALUE"),
        (("--input", "topic=@/no/such/file.txt"), "file not found: /no/such/file.txt"),
        (("--inputs", "[1, 2]"), "expected a JSON object"),
    ],
)
def test_bad_input_exits_2_with_a_clear_message(tmp_path: Path, args: tuple[str, ...], message: str) -> None:
    flow = write_echo_flow(tmp_path / "echo.json")
    result = studio("run", str(flow), *args)
    assert result.returncode == 2
    assert message in result.stderr
    assert result.stdout == ""


def test_events_jsonl_streams_typed_events(tmp_path: Path) -> None:
    flow = write_echo_flow(tmp_path / "echo.json")
    result = studio("run", str(flow), "--input", "topic=x", "--events", "jsonl", "--no-cache")
    events = [json.loads(line) for line in result.stdout.splitlines()]
    kinds = [event["event"] for event in events]
    assert kinds[0] == "run_started" and kinds[-1] == "run_finished"
    assert kinds.count("node_finished") == 3
    assert events[-1]["status"] == "succeeded" and events[-1]["outputs"] == {"result": "about: x"}


def test_missing_model_file_fails_the_node_with_exit_3(tmp_path: Path) -> None:
    flow = load_flow(ROOT / "flows" / "basic_prompt.json")
    llm = next(node for node in flow.nodes if node.type == "llm.chat")
    llm.config["model"] = "local:/no/such/model.gguf"
    save_flow(flow, tmp_path / "f.json")
    result = studio("run", str(tmp_path / "f.json"))
    assert result.returncode == 3
    assert "node 'Local LLM' (llm) failed" in result.stderr
    assert "/no/such/model.gguf" in result.stderr


def test_missing_api_key_names_provider_and_where_to_put_it(tmp_path: Path) -> None:
    flow = load_flow(ROOT / "flows" / "basic_prompt.json")
    llm = next(node for node in flow.nodes if node.type == "llm.chat")
    llm.config["model"] = "openai/gpt-4o-mini"
    save_flow(flow, tmp_path / "f.json")
    env = {key: value for key, value in os.environ.items() if key != "OPENAI_API_KEY"}
    result = subprocess.run(
        [sys.executable, "-m", "studio.cli", "run", str(tmp_path / "f.json")],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=300,
    )
    assert result.returncode == 3
    assert "OPENAI_API_KEY" in result.stderr and "keyring" in result.stderr
    assert "openai" in result.stderr.lower()


def test_llm_timeout_fails_the_node_quickly(tmp_path: Path) -> None:
    from tests.fakes.openai_server import FakeOpenAI

    flow = load_flow(ROOT / "flows" / "basic_prompt.json")
    llm = next(node for node in flow.nodes if node.type == "llm.chat")
    with FakeOpenAI() as server:
        server.stall_next(10)
        llm.config.update(model="openai/fake", api_base=server.base_url, timeout_s=1.0, retries=1)
        save_flow(flow, tmp_path / "f.json")
        result = studio("run", str(tmp_path / "f.json"), "--no-cache")
    assert result.returncode == 3
    assert "node 'Local LLM' (llm) failed" in result.stderr
    assert "did not answer within 1 s (timeout_s) (after 2 attempts)" in result.stderr


def test_nodes_lists_the_catalogue_with_ports() -> None:
    result = studio("nodes")
    assert result.returncode == 0
    for type_name in (
        "io.text_input",
        "prompt.template",
        "llm.chat",
        "parse.json",
        "text.join",
        "tokens.fit",
    ):
        assert type_name in result.stdout
    catalogue = json.loads(studio("nodes", "--json").stdout)
    llm = next(entry for entry in catalogue if entry["type"] == "llm.chat")
    assert [port["name"] for port in llm["outputs"]][:2] == ["text", "json"]
    assert "temperature" in llm["settings"]["properties"]


def test_running_a_local_flow_never_imports_heavy_libraries(tmp_path: Path) -> None:
    flow = write_echo_flow(tmp_path / "echo.json")
    code = (
        "import sys; from studio.cli import main; "
        f"code = main(['run', {str(flow)!r}, '--input', 'topic=x']); "
        "heavy = sorted(m for m in ('litellm', 'lancedb', 'PySide6', 'fastembed', 'onnxruntime') "
        "if m in sys.modules); print(code, heavy)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120
    )
    assert result.stdout.strip().splitlines()[-1] == "0 []"


def test_gui_if_display_without_a_screen_says_so_and_exits_0() -> None:
    env = {key: value for key, value in os.environ.items() if key not in ("DISPLAY", "WAYLAND_DISPLAY")}
    result = subprocess.run(
        [sys.executable, "-m", "studio.cli", "gui", "--if-display"],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=60,
    )
    assert result.returncode == 0 and "no screen here" in result.stderr
