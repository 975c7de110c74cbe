"""`studio validate` / `studio run` on hostile paths and files: one clear line, exit 1, no traceback."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from studio.cli import main
from tests.conftest import ROOT

GOOD = ROOT / "flows" / "basic_prompt.json"


def _write(name: str, text: str) -> Callable[[Path], str]:
    def make(folder: Path) -> str:
        (folder / name).write_text(text, encoding="utf-8")
        return str(folder / name)

    return make


def _with(change: Callable[[dict], None]) -> Callable[[Path], str]:  # type: ignore[type-arg]
    def make(folder: Path) -> str:
        data = json.loads(GOOD.read_text(encoding="utf-8"))
        change(data)
        (folder / "changed.json").write_text(json.dumps(data), encoding="utf-8")
        return str(folder / "changed.json")

    return make


def _loop(folder: Path) -> str:
    os.symlink(folder / "b", folder / "a")
    os.symlink(folder / "a", folder / "b")
    return str(folder / "a")


def _fifo(folder: Path) -> str:
    os.mkfifo(folder / "pipe.json")
    return str(folder / "pipe.json")


def _inside_file(folder: Path) -> str:
    shutil.copy(GOOD, folder / "good.json")
    return str(folder / "good.json" / "inner.json")


def _title(data: dict) -> None:  # type: ignore[type-arg]
    data["nodes"][0]["ui"]["title"] = "\ud800"


def _two_problems(data: dict) -> None:  # type: ignore[type-arg]
    data["nodes"][1]["type"] = "nope.thing"
    data["edges"][0]["source"] = "ghost"


# A template that does not parse declares no inputs, so the wire into it is reported too.
_NO_TOPIC = "$.edges[0].target_port: node 'Prompt' (prompt) has no input 'topic'"


def _template(payload: str) -> Callable[[Path], str]:
    def change(data: dict) -> None:  # type: ignore[type-arg]
        data["nodes"][1]["config"]["template"] = "{{ topic }}" + payload

    return _with(change)


BAD_INPUTS = [
    ("huge number", _write("n.json", '{"schema_version": 1, "name": ' + "9" * 5000 + "}"), ["5,000 digits"]),
    ("deep nesting", _write("d.json", "[" * 100_000 + "]" * 100_000), ["nested more than 100 levels"]),
    (
        "v0 nodes not a list",
        _write("v0.json", '{"schema_version": 0, "nodes": 5}'),
        ["$.nodes: expected a list"],
    ),
    (
        "70 nested parentheses",
        _template("{{ " + "(" * 70 + "1" + ")" * 70 + " }}"),
        ["$.nodes[1].config: node 'Prompt' (prompt): template: line 1: brackets are nested", _NO_TOPIC],
    ),
    (
        "245 nested ifs",
        _template("{% if 1 %}" * 245 + "x" + "{% endif %}" * 245),
        ["$.nodes[1].config: node 'Prompt' (prompt): template: line 1: blocks", _NO_TOPIC],
    ),
    (
        "328 chained filters",
        _template("{{ topic" + "|upper" * 328 + " }}"),
        ["$.nodes[1].config: node 'Prompt' (prompt): template: line 1: one expression chains", _NO_TOPIC],
    ),
    ("NaN", _write("nan.json", '{"schema_version": 1, "x": NaN}'), ["NaN is not a JSON number"]),
    ("not an object", _write("l.json", "[1, 2]"), ["expected a JSON object, got a JSON list"]),
    ("character device", lambda folder: "/dev/zero", ["is a character device"]),
    ("symlink loop", _loop, ["symbolic link loop"]),
    ("300-character name", lambda folder: str(folder / ("a" * 300 + ".json")), ["file name is too long"]),
    ("path through a file", _inside_file, ["a part of the path is a file, not a folder"]),
    ("FIFO", _fifo, ["is a named pipe (FIFO)"]),
    ("lone surrogate", _with(_title), ["$.nodes[0].ui.title: the text holds a lone surrogate"]),
    ("folder", lambda folder: str(folder), ["is a folder"]),
    ("missing", lambda folder: str(folder / "none.json"), ["file not found"]),
    (
        "dangling edge and unknown type, both",
        _with(_two_problems),
        ["$.edges[0].source: no node with id 'ghost'", "unknown node type 'nope.thing'"],
    ),
]


@pytest.mark.timeout(30)
@pytest.mark.parametrize(("case", "make", "expected"), BAD_INPUTS, ids=[c[0] for c in BAD_INPUTS])
def test_validate_bad_input_is_one_line_per_problem_and_exit_1(
    case: str,
    make: Callable[[Path], str],
    expected: list[str],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = make(tmp_path)
    assert main(["validate", path]) == 1
    out = capsys.readouterr()
    lines = out.out.splitlines()
    assert len(lines) == len(expected), lines
    for line, wanted in zip(lines, expected, strict=True):
        assert line.startswith(path.replace("\ud800", "\\ud800") + ": ")
        assert wanted in line


def test_undeclared_variable_is_reported_by_validate(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    flow = {"schema_version": 1, "nodes": [{"id": "s", "type": "vars.set", "config": {"name": "nope"}}]}
    path = tmp_path / "v.json"
    path.write_text(json.dumps(flow), encoding="utf-8")
    assert main(["validate", str(path)]) == 1
    assert "variable 'nope' is not declared in the flow's variables" in capsys.readouterr().out


def _studio(*args: str) -> list[str]:
    return [sys.executable, "-m", "studio.cli", *args]


@pytest.mark.parametrize("args", [["nodes"], ["nodes", "--json"], ["validate", str(GOOD)]])
def test_reader_gone_exits_quietly_with_141(args: list[str]) -> None:
    child = subprocess.Popen(_studio(*args), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert child.stdout is not None and child.stderr is not None
    child.stdout.close()  # like `| head -c 0`: the first write meets a closed pipe
    stderr = child.stderr.read().decode()
    assert child.wait(timeout=120) == 141
    assert "Traceback" not in stderr and "BrokenPipeError" not in stderr


def test_subprocess_validate_never_tracebacks(tmp_path: Path) -> None:
    paths = [
        make(tmp_path / case.replace(" ", "_"))
        for case, make, _ in BAD_INPUTS
        if _prepare(tmp_path / case.replace(" ", "_"))
    ]
    result = subprocess.run(_studio("validate", *paths), capture_output=True, timeout=120)
    assert result.returncode == 1
    assert b"Traceback" not in result.stderr, result.stderr
    assert result.stdout.count(b"\n") == sum(len(expected) for _c, _m, expected in BAD_INPUTS)


def _prepare(folder: Path) -> bool:
    folder.mkdir()
    return True


def test_confirmation_advice_names_an_option_that_exists() -> None:
    from nodes import tools

    source = Path(tools.__file__).read_text(encoding="utf-8")
    assert "`studio run --yes`" in source
    result = subprocess.run(_studio("run", "--help"), capture_output=True, text=True, timeout=60)
    assert "--yes" in result.stdout


ECHO = {
    "schema_version": 1,
    "inputs": [{"name": "topic", "type": "text"}],
    "nodes": [
        {"id": "topic", "type": "io.text_input", "config": {"name": "topic"}},
        {"id": "out", "type": "io.output", "config": {"name": "answer"}},
    ],
    "edges": [{"source": "topic", "source_port": "text", "target": "out", "target_port": "value"}],
}


def _echo_flow(folder: Path) -> str:
    (folder / "echo.json").write_text(json.dumps(ECHO), encoding="utf-8")
    return str(folder / "echo.json")


def _env(folder: Path) -> dict[str, str]:
    return {**os.environ, "CHAIN_STUDIO_HOME": str(folder / "home")}


def test_run_with_undecodable_input_bytes_keeps_its_outputs(tmp_path: Path) -> None:
    # `studio run --input topic=$'\xe9\xff'`: argv bytes that are not UTF-8.
    command = [os.fsencode(part) for part in _studio("run", _echo_flow(tmp_path), "--json", "--input")]
    result = subprocess.run(
        [*command, b"topic=\xe9\xff"], capture_output=True, timeout=120, env=_env(tmp_path)
    )
    assert b"Traceback" not in result.stderr, result.stderr
    assert result.returncode == 0, result.stderr
    assert "answer" in json.loads(result.stdout)


def test_run_json_reader_gone_exits_quietly_with_141(tmp_path: Path) -> None:
    # Like `studio run --json | head -c 0`: the outputs meet a closed pipe.
    child = subprocess.Popen(
        _studio("run", _echo_flow(tmp_path), "--json", "--input", "topic=x"),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=_env(tmp_path),
    )
    assert child.stdout is not None and child.stderr is not None
    child.stdout.close()
    stderr = child.stderr.read().decode()
    assert child.wait(timeout=120) == 141
    assert "Traceback" not in stderr and "BrokenPipeError" not in stderr
