"""Render what the Studio shows to PNG files, offscreen (no display needed).

    .venv/bin/python scripts/screenshots.py [--out screenshots] [--no-llm] [--dark]

Writes start_page.png, template_flow.png, finished_run.png (a run of a small flow on the
built-in local model, or on text nodes only with --no-llm), settings_keys.png,
settings_models.png, the editor's menus and sheets (editor_screenshots.py) and the pages
(page_screenshots.py: knowledge_page, models_page, api_dialog, failed_after_good_run,
human_input_waiting).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def demo_flow(doc, llm: bool) -> str:  # type: ignore[no-untyped-def]
    """Question -> prompt -> LLM (or a text formatter) -> answer. Returns the id of the last step."""
    question = doc.add_node("io.text_input", (0, 40), {"name": "question", "required": True})
    prompt = doc.add_node(
        "prompt.template",
        (300, 40),
        {"template": "Answer in one short sentence.\n\nQuestion: {{ question }}", "preset": "custom"},
    )
    if llm:
        model = doc.add_node(
            "llm.chat",
            (600, 40),
            {"model": "local/smollm2-135m-instruct", "max_tokens": 24, "temperature": 0},
        )
        port = "prompt"
    else:
        model = doc.add_node("text.format", (600, 40), {"template": "Q&A draft: {text}"})
        port = "text"
    answer = doc.add_node("io.output", (900, 40), {"name": "answer"})
    doc.connect_ports(question, "text", prompt, "question")
    doc.connect_ports(prompt, "prompt", model, port)
    doc.connect_ports(model, "text", answer, "value")
    return model


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "screenshots")
    parser.add_argument("--no-llm", action="store_true", help="do not run the local model")
    parser.add_argument("--dark", action="store_true", help="use the dark theme")
    parser.add_argument("--language", default="en", help="en or zh_CN")
    args = parser.parse_args(argv)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
    os.environ.setdefault("CHAIN_STUDIO_HOME", tempfile.mkdtemp(prefix="studio-shots-"))
    from PySide6.QtWidgets import QApplication

    from studio.gui import i18n
    from studio.gui.main_window import MainWindow
    from studio.gui.start_page import list_templates

    app = QApplication.instance() or QApplication(["chain-studio"])
    i18n.install_language(args.language)
    window = MainWindow(autosave_enabled=False)
    window.ask_unsaved = lambda tab: "discard"  # type: ignore[method-assign]
    window.apply_theme(args.dark)
    window.resize(1440, 900)
    window.show()
    args.out.mkdir(parents=True, exist_ok=True)

    def settle(seconds: float = 0.3) -> None:
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            app.processEvents()
            time.sleep(0.01)

    settle()
    window.grab().save(str(args.out / "start_page.png"))

    templates = list_templates()
    # The document Q&A template shows more of the catalogue than the one-node-per-step ones.
    templates.sort(key=lambda t: t[0].name != "document_qa.json")
    if templates:
        tab = window.open_path(templates[0][0], as_copy=True)
    else:
        tab = window.new_flow()
        demo_flow(tab.doc, llm=True)
    settle()
    if tab is not None:
        # A comment box framing the flow's inputs, to show how groups look.
        inputs = [
            n.id
            for n in tab.doc.flow.nodes
            if getattr(tab.doc.node_class(n.id), "interface", None) == "input"
        ]
        tab.doc.add_comment_around(inputs, "Inputs")
        tab.view.fit_to_view()
        if tab.scene.nodes:
            tab.scene.select_nodes([next(iter(tab.scene.nodes))])
    settle()
    window.grab().save(str(args.out / "template_flow.png"))
    from editor_screenshots import editor_shots  # menus, find bar, shortcut sheet, node docs

    shots = editor_shots(window, args.out, settle)

    tab = window.new_flow()
    last = demo_flow(tab.doc, llm=not args.no_llm)
    tab.doc.auto_layout()
    settle()
    tab.view.fit_to_view()
    tab.scene.select_nodes([last])
    done: list[object] = []
    window.runFinished.connect(done.append)
    window.run_control.run_all({"question": "Why is the sky blue?"})
    deadline = time.monotonic() + 300
    while not done and time.monotonic() < deadline:
        settle(0.05)
    settle()
    window.grab().save(str(args.out / "finished_run.png"))
    from page_screenshots import page_shots  # Knowledge, Models, API, failed run, human input

    shots += page_shots(window, args.out, settle)
    from studio.gui.settings_dialog import SettingsDialog

    dialog = SettingsDialog(window)
    dialog.resize(640, 420)
    for index, name in enumerate(("settings_keys", "settings_models")):
        dialog.tabs.setCurrentIndex(index)
        dialog.show()
        settle(0.2)
        dialog.grab().save(str(args.out / f"{name}.png"))
    dialog.close()
    for name in ("start_page", "template_flow", "finished_run", "settings_keys", "settings_models", *shots):
        print(args.out / f"{name}.png")
    window.close()
    return 0 if done else 1


if __name__ == "__main__":
    raise SystemExit(main())
