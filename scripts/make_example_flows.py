"""Write the example flows of issue 2 into flows/ (canonical JSON, full node settings).

The files in flows/ are the product (they are opened, edited and saved by the Studio); this
script is how they were first made, kept so that a change to a node's defaults can be re-applied:
  .venv/bin/python scripts/make_example_flows.py
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from nodes.prompt_presets import CHAIN_OF_THOUGHT  # noqa: E402
from studio.engine.registry import default_registry  # noqa: E402
from studio.flow import EdgeSpec, Flow, InterfacePort, NodeSpec, save_flow  # noqa: E402

LOCAL = "local/smollm2-135m-instruct"


class Draft:
    """A flow under construction with readable node ids and full default settings."""

    def __init__(self, flow_id: str, name: str, description: str):
        self.flow = Flow(id=flow_id, name=name, description=description)

    def node(self, node_id: str, type_name: str, x: int, y: int, title: str, **config: Any) -> str:
        node_class = default_registry().get(type_name)
        full = node_class.Config(**config).model_dump(mode="json")
        self.flow.nodes.append(
            NodeSpec(
                id=node_id,
                type=type_name,
                version=node_class.version,
                config=full,
                ui={"x": x, "y": y, "title": title},
            )
        )
        return node_id

    def wire(self, source: str, target: str) -> None:
        source_node, source_port = source.split(".")
        target_node, target_port = target.split(".")
        self.flow.edges.append(
            EdgeSpec(source=source_node, source_port=source_port, target=target_node, target_port=target_port)
        )

    def save(self, file_name: str) -> None:
        registry = default_registry()
        for node in self.flow.nodes:
            node_class = registry.get(node.type)
            config = node_class.Config(**node.config)
            name = node_class.interface_name(config)
            if node_class.interface == "input" and name:
                self.flow.inputs.append(
                    InterfacePort(
                        name=name,
                        type="text",
                        description=node.config.get("description", ""),
                        required=node.config.get("required"),
                        default=node.config.get("default"),
                    )
                )
            elif node_class.interface == "output" and name:
                self.flow.outputs.append(
                    InterfacePort(name=name, type="any", description=node.config.get("description", ""))
                )
        save_flow(self.flow, ROOT / "flows" / file_name)
        backup = ROOT / "flows" / (file_name + ".bak")
        backup.unlink(missing_ok=True)


def basic_prompt() -> None:
    d = Draft(
        "example-basic-prompt",
        "Basic prompt",
        "Explain a topic in three plain sentences with the built-in local model.",
    )
    d.node(
        "topic",
        "io.text_input",
        0,
        0,
        "Topic",
        name="topic",
        default="vector databases",
        required=False,
        description="What to explain",
    )
    d.node(
        "prompt",
        "prompt.template",
        260,
        0,
        "Prompt",
        preset="custom",
        template=(
            "You are a helpful assistant for product managers.\n"
            "Explain {{ topic }} in three short sentences, in plain language.\n"
        ),
    )
    d.node("llm", "llm.chat", 520, 0, "Local LLM", model=LOCAL, temperature=0.2, seed=42, max_tokens=96)
    d.node("answer", "io.output", 780, 0, "Answer", name="answer", format="markdown")
    d.wire("topic.text", "prompt.topic")
    d.wire("prompt.prompt", "llm.prompt")
    d.wire("llm.text", "answer.value")
    d.save("basic_prompt.json")


EXTRACTION_SCHEMA = {
    "type": "object",
    "properties": {
        # Length caps keep a small model from looping inside a string.
        "name": {"type": "string", "maxLength": 60},
        "company": {"type": "string", "maxLength": 60},
        "email": {"type": "string", "maxLength": 60},
        "date": {"type": "string", "maxLength": 30},
        "follow_up": {"type": "string", "maxLength": 120},
    },
    "required": ["name", "company", "email", "date", "follow_up"],
}


def structured_extraction() -> None:
    d = Draft(
        "example-structured-extraction",
        "Structured extraction",
        "Pull a contact (name, company, email, date, follow-up) out of meeting notes as JSON.",
    )
    d.node(
        "notes",
        "io.text_input",
        0,
        0,
        "Meeting notes",
        name="text",
        required=False,
        description="Free-form notes to extract from",
        default=(
            "Met Alice Chen from Acme Robotics on 12 March 2025. Her email is "
            "alice.chen@acme.example. She wants a demo of the analytics dashboard next week."
        ),
    )
    d.node(
        "prompt",
        "prompt.template",
        260,
        0,
        "Extraction prompt",
        preset="custom",
        template=(
            "Meeting notes:\n{{ text }}\n\n"
            "Extract the contact person from the meeting notes above as JSON with the keys name, "
            "company, email, date and follow_up. Copy each value exactly as written in the notes."
        ),
    )
    d.node(
        "llm",
        "llm.chat",
        520,
        0,
        "Local LLM (JSON schema)",
        model=LOCAL,
        temperature=0.0,
        max_tokens=160,
        response_format="json_schema",
        json_schema=EXTRACTION_SCHEMA,
    )
    d.node("data", "io.output", 780, -60, "Contact (JSON)", name="contact", format="json")
    d.node("raw", "io.output", 780, 60, "Raw reply", name="raw")
    d.wire("notes.text", "prompt.text")
    d.wire("prompt.prompt", "llm.prompt")
    d.wire("llm.json", "data.value")
    d.wire("llm.text", "raw.value")
    d.save("structured_extraction.json")


def chain_of_thought() -> None:
    d = Draft(
        "example-chain-of-thought",
        "Chain of thought",
        "Reason step by step, then pull out the final answer line.",
    )
    d.node(
        "question",
        "io.text_input",
        0,
        0,
        "Question",
        name="question",
        required=False,
        description="A question that needs a few steps",
        default="A shop sells pens at 3 yuan each. How much do 4 pens cost?",
    )
    d.node(
        "prompt",
        "prompt.template",
        260,
        0,
        "Chain-of-thought prompt",
        preset="chain-of-thought",
        template=CHAIN_OF_THOUGHT,
    )
    d.node("llm", "llm.chat", 520, 0, "Local LLM", model=LOCAL, temperature=0.0, max_tokens=200)
    d.node(
        "extract",
        "parse.regex",
        780,
        60,
        "Final answer line",
        pattern=r"(?i)final answer\s*[:：]\s*(.+)",
        group=1,
    )
    d.node("reasoning", "io.output", 1040, -60, "Reasoning", name="reasoning", format="markdown")
    d.node("answer", "io.output", 1040, 60, "Answer", name="answer")
    d.wire("question.text", "prompt.question")
    d.wire("prompt.prompt", "llm.prompt")
    d.wire("llm.text", "reasoning.value")
    d.wire("llm.text", "extract.text")
    d.wire("extract.match", "answer.value")
    d.save("chain_of_thought.json")


def parallel_summaries() -> None:
    d = Draft(
        "example-parallel-summaries",
        "Parallel summaries",
        "Three independent LLM branches (summary, key points, audience) merged into one brief.",
    )
    d.node(
        "text",
        "io.text_input",
        0,
        120,
        "Text",
        name="text",
        required=False,
        description="The text to summarise",
        default=(
            "Our team shipped offline mode for the mobile app this quarter. Users can now read "
            "and edit notes without a connection; changes sync when the phone is back online. "
            "Support tickets about lost edits fell by 40 percent, and the feature is the most "
            "requested one among field sales staff, who often work in basements and on trains."
        ),
    )
    branches = [
        ("summary", "One-sentence summary", "Summarise this text in one sentence:\n\n{{ text }}\n"),
        (
            "points",
            "Key points",
            "List the three most important points of this text, one per line, "
            "each starting with '- ':\n\n{{ text }}\n",
        ),
        (
            "audience",
            "Audience",
            "In one sentence, say who this text is for and what it wants them to do:\n\n{{ text }}\n",
        ),
    ]
    for row, (key, title, template) in enumerate(branches):
        y = row * 120
        d.node(
            f"{key}_prompt", "prompt.template", 260, y, f"{title} prompt", preset="custom", template=template
        )
        d.node(
            f"{key}_llm", "llm.chat", 520, y, f"{title} (LLM)", model=LOCAL, temperature=0.0, max_tokens=80
        )
        d.wire("text.text", f"{key}_prompt.text")
        d.wire(f"{key}_prompt.prompt", f"{key}_llm.prompt")
    d.node(
        "merge",
        "text.format",
        780,
        120,
        "Merge into a brief",
        template="## Summary\n{summary}\n\n## Key points\n{points}\n\n## Audience\n{audience}\n",
    )
    for key, _title, _template in branches:
        d.wire(f"{key}_llm.text", f"merge.{key}")
    d.node("brief", "io.output", 1040, 120, "Brief", name="brief", format="markdown")
    d.wire("merge.text", "brief.value")
    d.save("parallel_summaries.json")


if __name__ == "__main__":
    (ROOT / "flows").mkdir(exist_ok=True)
    basic_prompt()
    structured_extraction()
    chain_of_thought()
    parallel_summaries()
    print("wrote", ", ".join(sorted(p.name for p in (ROOT / "flows").glob("*.json"))))
