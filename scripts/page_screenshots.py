"""Screenshots of the Studio's pages beyond the canvas, for scripts/screenshots.py: the Knowledge
page with a knowledge base made from assets/sample_docs and a search, the Models page, the API
dialog, a failed run after a good one (honest results), and a run waiting for a person's answer."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


def _wait(settle: Callable[[float], None], done: Callable[[], bool], seconds: float = 300) -> None:
    deadline = time.monotonic() + seconds
    while not done() and time.monotonic() < deadline:
        settle(0.05)


def _run(window: Any, settle: Callable[[float], None], inputs: dict[str, Any] | None = None) -> None:
    finished: list[object] = []
    window.runFinished.connect(finished.append)
    window.run_control.run_all(inputs or {})
    _wait(settle, lambda: bool(finished))
    settle(0.3)


def page_shots(window: Any, out: Path, settle: Callable[[float], None]) -> list[str]:
    """Save the pages' PNGs into `out`; the names written, without the suffix."""
    names: list[str] = []

    def save(widget: Any, name: str) -> None:
        settle(0.3)
        widget.grab().save(str(out / f"{name}.png"))
        names.append(name)

    # Knowledge: a knowledge base made from the sample documents, then a search.
    from studio.runtime.knowledge import manage

    manage.create("aurora_docs")
    manage.add_paths("aurora_docs", [str(ROOT / "assets" / "sample_docs")])
    page = window.knowledge.show()
    page.resize(1100, 720)
    page.refresh(select="aurora_docs")
    _wait(settle, lambda: page.selected_name() == "aurora_docs", 60)
    page.search_box.setText("How do I reset my password?")
    page.search()
    _wait(settle, lambda: page.results.rowCount() > 0, 120)
    save(page, "knowledge_page")
    page.close()

    models = window.models.show()
    models.resize(1100, 720)
    save(models, "models_page")
    models.close()

    # A small flow: a good run, then the same flow failing (a knowledge base that does not exist).
    tab = window.new_flow()
    doc = tab.doc
    question = doc.add_node("io.text_input", (0, 40), {"name": "question", "required": True})
    search = doc.add_node("knowledge.vector_retriever", (300, 40), {"kb": "aurora_docs", "k": 2})
    answer = doc.add_node("io.output", (600, 40), {"name": "passages"})
    doc.connect_ports(question, "text", search, "query")
    doc.connect_ports(search, "documents", answer, "value")
    tab.view.fit_to_view()
    _run(window, settle, {"question": "reset password"})
    doc.set_config_value(search, "kb", "no_such_kb")
    _run(window, settle, {"question": "reset password"})
    window.output_dock.raise_()
    save(window, "failed_after_good_run")

    api = window.api.show()
    api.resize(900, 640)
    save(api, "api_dialog")
    api.close()

    # A run waiting for a person: Human Input with choices.
    tab = window.new_flow()
    doc = tab.doc
    ask = doc.add_node(
        "human.input", (0, 40), {"question": "Send the reply to the customer?", "choices": ["yes", "no"]}
    )
    out_node = doc.add_node("io.output", (300, 40), {"name": "decision"})
    doc.connect_ports(ask, "answer", out_node, "value")
    tab.view.fit_to_view()
    _run(window, settle)
    save(window, "human_input_waiting")
    return names
