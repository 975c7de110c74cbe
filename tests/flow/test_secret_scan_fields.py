"""save_flow refuses a secret in any text field a user types into, and writes nothing holding it.

A canary is put into one field at a time (the flow's name, an input's or output's description, a
canvas comment, ...) in three forms: the value of a secret the flow refers to, the value of a
secret the process resolved, and a key-shaped string. The save must fail naming that field, the
message must not repeat the value, and neither the file, its `.bak` nor a temporary file may hold it.
"""

from __future__ import annotations

import secrets
import string
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from studio.flow import Flow, load_flow, save_flow
from studio.flow.errors import FlowError
from studio.runtime.safety.secrets import get_secret

SECRET_NAME = "FLOW_SCAN_CANARY"  # a harmless-looking name: only references and resolution count


def base_data() -> dict[str, Any]:
    """A small valid flow: an input, an LLM node keyed by a secret reference, an output, a comment."""
    return {
        "schema_version": 1,
        "id": "scan-test",
        "name": "scan test",
        "description": "a flow",
        "nodes": [
            {"id": "q", "type": "io.text_input", "config": {"name": "question"}},
            {"id": "llm", "type": "llm.chat", "config": {"api_key": {"secret": SECRET_NAME}}},
            {"id": "a", "type": "io.output", "config": {"name": "answer"}},
        ],
        "edges": [
            {"source": "q", "source_port": "text", "target": "llm", "target_port": "prompt"},
            {"source": "llm", "source_port": "text", "target": "a", "target_port": "value"},
        ],
        "inputs": [{"name": "question", "description": "what to ask"}],
        "outputs": [{"name": "answer", "description": "the reply"}],
        "variables": [{"name": "tone", "description": "how to answer"}],
        "comments": [{"id": "c1", "text": "a note"}],
    }


def _set(path: tuple[Any, ...]) -> Callable[[dict[str, Any], str], None]:
    def put(data: dict[str, Any], value: str) -> None:
        target: Any = data
        for step in path[:-1]:
            target = target[step]
        target[path[-1]] = f"text before {value} text after"

    return put


# field label -> (where to put the canary, the path the error must name)
FIELDS: dict[str, tuple[Callable[[dict[str, Any], str], None], str]] = {
    "flow name": (_set(("name",)), "$.name"),
    "flow description": (_set(("description",)), "$.description"),
    "input description": (_set(("inputs", 0, "description")), "$.inputs[0].description"),
    "output description": (_set(("outputs", 0, "description")), "$.outputs[0].description"),
    "variable description": (_set(("variables", 0, "description")), "$.variables[0].description"),
    "canvas comment": (_set(("comments", 0, "text")), "$.comments[0].text"),
}


def referenced_value(monkeypatch: pytest.MonkeyPatch) -> str:
    """The value of the secret the flow refers to (resolved from the environment when saving)."""
    value = "cnry" + secrets.token_hex(16)
    monkeypatch.setenv(SECRET_NAME, value)
    return value


def process_resolved_value(monkeypatch: pytest.MonkeyPatch) -> str:
    """The value of a secret this process resolved, which the flow does not refer to."""
    value = "prcs" + secrets.token_hex(16)
    monkeypatch.setenv("FLOW_SCAN_OTHER", value)
    assert get_secret("FLOW_SCAN_OTHER") == value
    return value


def key_shaped_value(monkeypatch: pytest.MonkeyPatch) -> str:
    """An OpenAI-style key nobody resolved: caught by its shape."""
    alphabet = string.ascii_letters + string.digits
    return "sk-" + "".join(secrets.choice(alphabet) for _ in range(40))


CANARIES = {
    "referenced secret": referenced_value,
    "process-resolved secret": process_resolved_value,
    "key-shaped text": key_shaped_value,
}


@pytest.mark.parametrize("kind", list(CANARIES))
@pytest.mark.parametrize("field", list(FIELDS))
def test_save_refuses_a_secret_in_a_text_field_and_writes_nothing_with_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, field: str, kind: str
) -> None:
    canary = CANARIES[kind](monkeypatch)
    path = tmp_path / "flow.json"
    # Saved twice first, so that a .bak exists and a new save would rotate the file into it.
    save_flow(Flow.model_validate(base_data()), path)
    save_flow(Flow.model_validate(base_data()), path)
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    assert path.name + ".bak" in before

    data = base_data()
    put, where = FIELDS[field]
    put(data, canary)
    with pytest.raises(FlowError) as refused:
        save_flow(Flow.model_validate(data), path)

    message = str(refused.value)
    assert where in [problem.path for problem in refused.value.problems], message
    assert canary not in message
    after = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    assert after == before, "a refused save changed, added or removed a file"
    assert all(canary.encode() not in content for content in after.values())
    assert load_flow(path).name == "scan test"


def test_a_clean_flow_with_a_secret_reference_saves(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The reference itself is fine: only the value is refused (and here it is nowhere)."""
    referenced_value(monkeypatch)
    path = tmp_path / "flow.json"
    save_flow(Flow.model_validate(base_data()), path)
    assert SECRET_NAME in path.read_text(encoding="utf-8")
