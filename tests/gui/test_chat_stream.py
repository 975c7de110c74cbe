"""The Chat pane streams the reply as the real local model writes it, also when made large."""

from __future__ import annotations

from studio.engine.registry import default_registry


def test_the_chat_pane_streams_tokens_from_the_local_model_in_its_large_window(make_window, qtbot):
    window = make_window(registry=default_registry())
    window.show()
    qtbot.waitExposed(window)
    tab = window.new_flow()
    doc = tab.doc
    chat_in = doc.add_node("io.chat_input", (0, 0), {"name": "message"})
    llm = doc.add_node(
        "llm.chat", (300, 0), {"model": "local/smollm2-135m-instruct", "max_tokens": 12, "temperature": 0}
    )
    out = doc.add_node("io.output", (600, 0), {"name": "reply"})
    doc.connect_ports(chat_in, "messages", llm, "prompt")
    doc.connect_ports(llm, "text", out, "value")
    window.chat_size.action.trigger()  # Window > Large Chat
    assert window.chat_dock.isFloating()
    pieces: list[str] = []
    shown_while_streaming: list[str] = []
    stream = window.chat.stream

    def spy(text: str) -> None:
        pieces.append(text)
        stream(text)
        shown_while_streaming.append(window.chat.transcript.toPlainText())

    window.chat.stream = spy  # type: ignore[method-assign]
    window.chat.message.setText("Say hello.")
    with qtbot.waitSignal(window.runFinished, timeout=300_000) as finished:
        window.chat.send_button.click()
    result = finished.args[0]
    assert result.status == "succeeded", result.error
    assert len(pieces) >= 2  # the reply came in pieces, not at the end
    assert len(set(shown_while_streaming)) >= 2  # and the transcript grew while it did
    reply = result.outputs["reply"]
    assert "".join(pieces).strip() == reply.strip()
    assert window.chat.history[-1] == {"role": "assistant", "content": reply}
