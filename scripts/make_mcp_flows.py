"""Write the MCP example flow of issue 13 into flows/ (same pattern as scripts/make_agent_flows.py):
  .venv/bin/python scripts/make_mcp_flows.py
The agent uses the tools of the demo MCP server shipped in the package
(`python -m studio.server.demo_mcp_tools`), so it runs offline; `python` in the command means the
interpreter running the Studio, which keeps the file portable.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from make_agent_flows import AGENT_LIMITS  # noqa: E402
from make_example_flows import Draft  # noqa: E402

from studio.engine.registry import default_registry  # noqa: E402

DEMO_SERVER = ["python", "-m", "studio.server.demo_mcp_tools"]


def mcp_agent() -> None:
    d = Draft(
        "example-mcp-agent",
        "MCP agent",
        "A ReAct agent using a tool of an MCP server (the offline demo server's word count). The "
        "server starts only after approval: `studio run "
        "flows/mcp_agent.json --allow-mcp`.",
    )
    d.node(
        "question",
        "io.text_input",
        0,
        0,
        "Question",
        name="question",
        required=False,
        default="How many words are in the sentence 'the quick brown fox jumps over the lazy dog'?",
        description="A question the MCP tools can help with",
    )
    d.node(
        "mcp",
        "mcp.tools",
        0,
        140,
        "MCP Tools",
        command=DEMO_SERVER,
        # One tool keeps the prompt short for the 135M model (the server also offers `today`).
        allowed_tools=["word_count"],
        timeout_s=60.0,
    )
    d.node(
        "agent",
        "agent.react",
        260,
        0,
        "ReAct agent",
        name="assistant",
        description="Answers questions with the tools of the MCP server.",
        must_use_tools=True,
        **{**AGENT_LIMITS, "max_iterations": 3, "max_tool_calls": 2},
    )
    d.node("answer", "io.output", 520, 0, "Answer", name="answer")
    d.wire("question.text", "agent.task")
    d.wire("mcp.tools", "agent.tools")
    d.wire("agent.answer", "answer.value")
    d.save("mcp_agent.json")


if __name__ == "__main__":
    default_registry()
    mcp_agent()
    print("wrote mcp_agent")
