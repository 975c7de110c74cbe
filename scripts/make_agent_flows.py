"""Write the example flows of issue 4 (memory, routers, Map, agents) into flows/.

Same pattern as scripts/make_example_flows.py (canonical JSON, full node settings):
  .venv/bin/python scripts/make_agent_flows.py
Every flow runs offline on the built-in local model with small token limits.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from make_example_flows import LOCAL, Draft  # noqa: E402

from studio.engine.registry import default_registry  # noqa: E402

FLOWS = ROOT / "flows"


def memory_chatbot() -> None:
    d = Draft(
        "example-memory-chatbot",
        "Memory chatbot",
        "A chatbot that remembers the conversation per session: `studio chat "
        "flows/memory_chatbot.json --session alice`.",
    )
    d.node(
        "message",
        "io.chat_input",
        0,
        0,
        "Chat message",
        name="message",
        required=False,
        default="Hi! My name is Ada and I like tea.",
        description="What the user says",
    )
    d.node("memory", "memory.buffer", 260, 0, "Conversation memory", max_turns=6, max_tokens=600)
    d.node(
        "system",
        "text.format",
        260,
        140,
        "Persona",
        template="You are a friendly assistant. Answer in one or two short sentences. Use what "
        "the user told you earlier in the conversation.",
    )
    d.node("llm", "llm.chat", 520, 0, "Local LLM", model=LOCAL, temperature=0.3, max_tokens=48)
    d.node("save", "memory.save", 780, 0, "Save to memory")
    d.node("reply", "io.output", 1040, 0, "Reply", name="reply")
    d.wire("message.message", "memory.message")
    d.wire("memory.messages", "llm.prompt")
    d.wire("system.text", "llm.system")
    d.wire("message.message", "save.message")
    d.wire("llm.text", "save.reply")
    d.wire("save.reply", "reply.value")
    d.save("memory_chatbot.json")


def support_router() -> None:
    d = Draft(
        "example-support-router",
        "Support router",
        "An LLM classifier sends a support message to the billing, technical or general "
        "branch; only that branch runs, then one reply is written.",
    )
    d.node(
        "message",
        "io.text_input",
        0,
        120,
        "Customer message",
        name="message",
        required=False,
        default="My invoice is wrong",
        description="What the customer wrote",
    )
    d.node(
        "router",
        "control.llm_router",
        260,
        120,
        "Intent router",
        model=LOCAL,
        instructions="Classify the customer's support message.",
        routes=[
            {"name": "billing", "description": "invoices, payments, refunds, prices"},
            {"name": "technical", "description": "bugs, errors, crashes, login problems"},
        ],
        default_route="general",
    )
    branches = [
        (
            "billing",
            "You work in the billing team. Apologise for the billing problem and say that "
            "a corrected invoice is on its way.",
        ),
        (
            "technical",
            "You work in technical support. Ask for the error message and the app "
            "version, in one friendly sentence.",
        ),
        (
            "general",
            "You work in customer service. Thank the customer and say someone will reply within a day.",
        ),
    ]
    for row, (name, instructions) in enumerate(branches):
        d.node(
            f"{name}_prompt",
            "prompt.template",
            520,
            row * 120,
            f"{name.title()} prompt",
            preset="custom",
            template=f"{instructions}\n\nCustomer: {{{{ message }}}}\nReply in two sentences:\n",
        )
        d.wire(f"router.{name}", f"{name}_prompt.message")
    d.node("merge", "control.merge", 780, 120, "Taken branch", mode="first")
    for name, _ in branches:
        d.wire(f"{name}_prompt.prompt", "merge.values")
    d.node("llm", "llm.chat", 1040, 120, "Local LLM", model=LOCAL, temperature=0.2, seed=7, max_tokens=48)
    d.node("reply", "io.output", 1300, 60, "Reply", name="reply")
    d.node("route", "io.output", 1300, 180, "Route taken", name="route")
    d.wire("message.text", "router.text")
    d.wire("merge.value", "llm.prompt")
    d.wire("llm.text", "reply.value")
    d.wire("router.route", "route.value")
    d.save("support_router.json")


def summarize_one() -> Path:
    d = Draft(
        "example-summarize-one",
        "Summarise one text",
        "One short summary of one text; used by map_summaries.json for each item.",
    )
    d.node("text", "io.text_input", 0, 0, "Text", name="text", description="The text to summarise")
    d.node(
        "prompt",
        "prompt.template",
        260,
        0,
        "Prompt",
        preset="custom",
        template="Summarise this text in one short sentence:\n\n{{ text }}\n",
    )
    d.node("llm", "llm.chat", 520, 0, "Local LLM", model=LOCAL, temperature=0.0, max_tokens=32)
    d.node("summary", "io.output", 780, 0, "Summary", name="summary")
    d.wire("text.text", "prompt.text")
    d.wire("prompt.prompt", "llm.prompt")
    d.wire("llm.text", "summary.value")
    (FLOWS / "subflows").mkdir(exist_ok=True)
    d.save("subflows/summarize_one.json")
    return FLOWS / "subflows" / "summarize_one.json"


def map_summaries(subflow: Path) -> None:
    from nodes.subflows import interface_of

    d = Draft(
        "example-map-summaries",
        "Map: one summary per text",
        "Runs the subflow subflows/summarize_one.json once per text of a JSON list (two at a "
        "time) and collects the summaries in order: `--input texts=@items.json`.",
    )
    d.node(
        "texts",
        "io.text_input",
        0,
        0,
        "Texts (JSON list)",
        name="texts",
        required=False,
        description="A JSON list of texts",
        default=(
            '["The library opens at 9 and closes at 5 on weekdays; on Saturdays it opens at 10.", '
            '"Our new tea shop sells green, black and oolong tea, and cakes baked every morning.", '
            '"The bus to the airport leaves every 20 minutes from the main station."]'
        ),
    )
    d.node("parse", "parse.json", 260, 0, "Parse the list")
    d.node(
        "map",
        "control.map",
        520,
        0,
        "Summarise each",
        path="subflows/summarize_one.json",
        item_input="text",
        output="summary",
        concurrency=2,
        **interface_of(subflow),
    )
    d.node("summaries", "io.output", 780, 0, "Summaries", name="summaries", format="json")
    d.wire("texts.text", "parse.text")
    d.wire("parse.json", "map.items")
    d.wire("map.results", "summaries.value")
    d.save("map_summaries.json")


AGENT_LIMITS = {
    "model": LOCAL,
    "temperature": 0.0,
    "max_iterations": 4,
    "max_tool_calls": 4,
    "max_reply_tokens": 96,
}


def react_agent() -> None:
    d = Draft(
        "example-react-agent",
        "ReAct agent",
        "A ReAct agent (Thought / Action / Observation) with a calculator; every step shows as "
        "a trace event.",
    )
    d.node(
        "question",
        "io.text_input",
        0,
        0,
        "Question",
        name="question",
        required=False,
        default="What is 17% of 2,340?",
        description="A question that may need arithmetic",
    )
    d.node("calculator", "tool.calculator", 0, 140, "Calculator")
    d.node(
        "agent",
        "agent.react",
        260,
        0,
        "ReAct agent",
        name="assistant",
        description="Answers questions, using the calculator for arithmetic.",
        # A 135M model answers "17% of 2,340 = 38" from memory unless its first step is a call.
        must_use_tools=True,
        **AGENT_LIMITS,
    )
    d.node("answer", "io.output", 520, 0, "Answer", name="answer")
    d.wire("question.text", "agent.task")
    d.wire("calculator.tool", "agent.tools")
    d.wire("agent.answer", "answer.value")
    d.save("react_agent.json")


def planner() -> None:
    d = Draft(
        "example-planner",
        "Plan and execute",
        "The model writes a plan (JSON steps over the tools), the steps run in order with "
        "earlier results feeding later ones, then the answer is written.",
    )
    d.node(
        "goal",
        "io.text_input",
        0,
        0,
        "Goal",
        name="goal",
        required=False,
        default="Add 15% tax to a price of 80, then split the total between 4 people.",
        description="What to achieve",
    )
    d.node("calculator", "tool.calculator", 0, 140, "Calculator")
    d.node(
        "agent",
        "agent.planner",
        260,
        0,
        "Planner",
        name="planner",
        description="Plans calculations step by step.",
        max_steps=3,
        max_replans=2,
        instructions="Each expression is only numbers and operators, like '80 * 1.15' or '{{step1}} / 4'.",
        **{**AGENT_LIMITS, "max_reply_tokens": 128, "max_iterations": 6},
    )
    d.node("answer", "io.output", 520, 0, "Answer", name="answer")
    d.wire("goal.text", "agent.task")
    d.wire("calculator.tool", "agent.tools")
    d.wire("agent.answer", "answer.value")
    d.save("planner.json")


def multi_agent() -> None:
    d = Draft(
        "example-multi-agent",
        "Multi-agent supervisor",
        "A supervisor hands parts of a request to two worker agents (a calculator-using "
        "analyst and a writer) and answers from their replies.",
    )
    d.node(
        "request",
        "io.text_input",
        0,
        0,
        "Request",
        name="request",
        required=False,
        default="Work out 12 * 7, then write one sentence telling the team the result.",
        description="What the team should do",
    )
    d.node("calculator", "tool.calculator", 0, 260, "Calculator")
    d.node(
        "analyst",
        "agent.react",
        260,
        180,
        "Analyst (worker)",
        name="analyst",
        description="Does arithmetic with a calculator.",
        must_use_tools=True,
        **{**AGENT_LIMITS, "max_iterations": 3},
    )
    d.node(
        "writer",
        "agent.react",
        260,
        340,
        "Writer (worker)",
        name="writer",
        description="Writes short, friendly messages.",
        **{**AGENT_LIMITS, "max_iterations": 2},
    )
    d.node(
        "supervisor",
        "agent.supervisor",
        520,
        0,
        "Supervisor",
        name="supervisor",
        description="Routes work between the analyst and the writer.",
        **AGENT_LIMITS,
    )
    d.node("answer", "io.output", 780, 0, "Answer", name="answer")
    d.wire("request.text", "supervisor.task")
    d.wire("calculator.tool", "analyst.tools")
    d.wire("analyst.tool", "supervisor.tools")
    d.wire("writer.tool", "supervisor.tools")
    d.wire("supervisor.answer", "answer.value")
    d.save("multi_agent.json")


if __name__ == "__main__":
    default_registry()
    memory_chatbot()
    support_router()
    map_summaries(summarize_one())
    react_agent()
    planner()
    multi_agent()
    print(
        "wrote memory_chatbot, support_router, map_summaries (+ subflows/summarize_one), "
        "react_agent, planner, multi_agent"
    )
