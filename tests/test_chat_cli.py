"""`studio chat`: a terminal conversation with a flow whose memory survives restarts."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from studio.cli import main
from studio.flow import InterfacePort, save_flow
from tests.builders import flow_of
from tests.fakes.openai_server import FakeOpenAI


def echo_flow(path: Path) -> Path:
    """Replies with the message; also outputs the history the flow was given."""
    flow = flow_of(
        ("in", "io.chat_input", {"name": "message"}),
        ("f", "text.format", {"template": "echo: {text}"}),
        ("reply", "io.output", {"name": "reply"}),
        ("seen", "io.output", {"name": "seen"}),
        wires=["in.message->f.text", "f.text->reply.value", "in.history->seen.value"],
    )
    flow = flow.model_copy(
        update={
            "id": "echo-chat",
            "inputs": [InterfacePort(name="message")],
            "outputs": [InterfacePort(name="reply", type="any"), InterfacePort(name="seen", type="any")],
        }
    )
    save_flow(flow, path)
    return path


def chat(argv: list[str], lines: str, monkeypatch: pytest.MonkeyPatch) -> int:
    monkeypatch.setattr("sys.stdin", io.StringIO(lines))
    return main(["chat", *argv])


def test_chat_replies_and_remembers_across_restarts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    flow = str(echo_flow(tmp_path / "echo.json"))
    assert chat([flow, "--session", "alice"], "hello\nhow are you\n", monkeypatch) == 0
    out = capsys.readouterr().out
    assert "echo: hello" in out and "echo: how are you" in out
    # A new process (same data folder): the session is still there.
    assert chat([flow, "--session", "alice"], "/history\n/exit\nnot sent\n", monkeypatch) == 0
    out = capsys.readouterr().out
    assert "user: hello\nassistant: echo: hello\nuser: how are you" in out
    assert "not sent" not in out
    # Sessions are separate.
    assert chat([flow, "--session", "bob"], "/history\n", monkeypatch) == 0
    assert "(no turns yet)" in capsys.readouterr().out


def test_the_flow_gets_the_history_of_its_session(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from studio.cli.chat import ChatSession
    from studio.engine import compile_flow
    from studio.flow import load_flow

    path = echo_flow(tmp_path / "echo.json")
    flow = load_flow(path)
    session = ChatSession(path, flow, compile_flow(flow), "s1", out=io.StringIO(), err=io.StringIO())
    session.ask("one")
    session.ask("two")
    assert session.history() == [
        {"role": "user", "content": "one"},
        {"role": "assistant", "content": "echo: one"},
        {"role": "user", "content": "two"},
        {"role": "assistant", "content": "echo: two"},
    ]


def test_list_export_and_clear_sessions(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    flow = str(echo_flow(tmp_path / "echo.json"))
    chat([flow, "-s", "alice"], "hi\n", monkeypatch)
    chat([flow, "-s", "bob"], "yo\n/clear\nagain\n", monkeypatch)
    capsys.readouterr()
    assert main(["chat", "--list"]) == 0
    listing = capsys.readouterr().out
    assert "alice" in listing and "bob" in listing and "2 turns" in listing
    assert main(["chat", flow, "-s", "alice", "--export"]) == 0
    exported = json.loads(capsys.readouterr().out)
    assert [t["content"] for t in exported["turns"]] == ["hi", "echo: hi"]
    target = tmp_path / "alice.json"
    assert main(["chat", flow, "-s", "alice", "--export", str(target)]) == 0
    assert json.loads(target.read_text(encoding="utf-8"))["session_id"] == "alice"
    assert main(["chat", flow, "-s", "alice", "--clear"]) == 0
    assert "forgot 2 turns" in capsys.readouterr().out
    assert main(["chat", flow, "--list"]) == 0
    assert "alice" not in capsys.readouterr().out


def test_a_flow_without_chat_input_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    flow = flow_of(
        ("in", "io.text_input", {"name": "topic"}),
        ("o", "io.output", {"name": "r"}),
        wires=["in.text->o.value"],
    )
    save_flow(flow, tmp_path / "plain.json")
    assert chat([str(tmp_path / "plain.json")], "hi\n", monkeypatch) == 2
    assert "no Chat Input node" in capsys.readouterr().err
    assert main(["chat"]) == 2


def test_llm_tokens_stream_to_the_terminal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    with FakeOpenAI() as server:
        server.reply("Nice to meet you, Ada.")
        flow = flow_of(
            ("in", "io.chat_input", {"name": "message"}),
            ("llm", "llm.chat", {"model": "openai/fake", "api_base": server.base_url, "retries": 0}),
            ("o", "io.output", {"name": "reply"}),
            wires=["in.messages->llm.prompt", "llm.text->o.value"],
        )
        save_flow(flow, tmp_path / "llm.json")
        assert chat([str(tmp_path / "llm.json"), "-s", "ada"], "I am Ada\n", monkeypatch) == 0
        # The second turn sends the first one as history.
        server.reply("Your name is Ada.")
        assert chat([str(tmp_path / "llm.json"), "-s", "ada"], "What is my name?\n", monkeypatch) == 0
        sent = server.requests[-1].body["messages"]
    out = capsys.readouterr().out
    assert out.count("Nice to meet you, Ada.") == 1  # streamed once, not printed again
    assert "Your name is Ada." in out
    assert [m["content"] for m in sent] == ["I am Ada", "Nice to meet you, Ada.", "What is my name?"]


@pytest.mark.real_llm
def test_memory_chatbot_example_keeps_each_turn_once(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from tests.conftest import ROOT

    flow = str(ROOT / "flows" / "memory_chatbot.json")
    assert chat([flow, "--session", "alice", "-q"], "My name is Ada.\n", monkeypatch) == 0
    reply = capsys.readouterr().out.strip()
    assert reply
    # Restart: the flow's own Save to Memory node kept the turn (the CLI does not save it again).
    assert chat([flow, "--session", "alice"], "/history\n", monkeypatch) == 0
    history = capsys.readouterr().out
    assert history.count("user: My name is Ada.") == 1
    assert history.count("assistant: ") == 1
