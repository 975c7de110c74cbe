"""Ready-made prompt templates for the Prompt Template node, with sample inputs for previews.

A preset is the config a Prompt Template node takes when the user picks it: the GUI replaces the
template with the preset's text, and the template's `{{variables}}` then become the node's input
ports. `PRESET_SAMPLES` holds inputs each preset renders with (used by previews and the tests).
"""

from __future__ import annotations

from typing import Any

ZERO_SHOT = """\
{{ instruction }}

Input:
\"\"\"
{{ input }}
\"\"\"

Answer directly and concisely, using only the input above and well-established facts.
If the input does not contain enough information to answer, say so instead of guessing.
"""

FEW_SHOT = """\
{{ instruction }}

Follow the pattern of the examples exactly: same format, same length, same tone.

{% for ex in examples %}
Example {{ loop.index }}
Input: {{ ex.input }}
Output: {{ ex.output }}

{% endfor %}
Now do the same for this input. Reply with the output only.
Input: {{ input }}
Output:"""

CHAIN_OF_THOUGHT = """\
{{ question }}

Think step by step before you answer:
1. Restate what is being asked and list the facts you are given.
2. Work through the problem one step at a time, checking each step before moving on.
3. If something is ambiguous, state the assumption you make and continue.
4. Check the result against the question: does it answer exactly what was asked?

Write your reasoning first. Then finish with one line that starts with "Final answer:"
followed by the answer alone, with nothing after it.
"""

ROLE_AND_CONSTRAINTS = """\
# Role
You are {{ role }}.

# Task
{{ task }}

# Constraints
{{ constraints }}
- Stay within your role; if the request falls outside it, say so briefly.
- Do not invent facts, names, numbers or sources. If you are unsure, say what is missing.

# Output format
{{ output_format }}
"""

CRISPE = """\
Capacity and role: Act as {{ capacity_role }}.

Insight: {{ insight }}

Statement: {{ statement }}

Personality: Write in a style that is {{ personality }}.

Experiment: {{ experiment }}
"""

PRESETS: dict[str, dict[str, Any]] = {
    "zero-shot": {"preset": "zero-shot", "template": ZERO_SHOT},
    "few-shot": {"preset": "few-shot", "template": FEW_SHOT},
    "chain-of-thought": {"preset": "chain-of-thought", "template": CHAIN_OF_THOUGHT},
    "role-and-constraints": {"preset": "role-and-constraints", "template": ROLE_AND_CONSTRAINTS},
    "crispe": {"preset": "crispe", "template": CRISPE},
}

# Inputs each preset renders with: shown in the GUI's preview and rendered by the tests.
PRESET_SAMPLES: dict[str, dict[str, Any]] = {
    "zero-shot": {
        "instruction": "Classify the sentiment of the review as positive, negative or mixed.",
        "input": "The battery lasts all day, but the screen scratches far too easily.",
    },
    "few-shot": {
        "instruction": "Turn each product name into a short, friendly slogan.",
        "examples": [
            {"input": "SolarKettle", "output": "Boil water with nothing but sunshine."},
            {"input": "QuietFan", "output": "All of the breeze, none of the noise."},
        ],
        "input": "InkPen Pro",
    },
    "chain-of-thought": {
        "question": "A train leaves at 14:20 and the trip takes 2 hours 55 minutes. When does it arrive?",
    },
    "role-and-constraints": {
        "role": "a senior customer-support agent for an online bookshop",
        "task": "Reply to this customer message: 'My order #4411 was due 12 days ago and the "
        "tracking page has not changed for a week. Where is it?'",
        "constraints": "- Keep it under 120 words.\n- Offer a refund only if the order is "
        "more than 10 days late.",
        "output_format": "A plain-text email: greeting, two short paragraphs, sign-off.",
    },
    "crispe": {
        "capacity_role": "an experienced product manager for consumer mobile apps",
        "insight": "Our note-taking app has strong retention but few users discover sharing.",
        "statement": "Propose ways to make the sharing feature easier to discover.",
        "personality": "practical and concise, with no buzzwords",
        "experiment": "Give three distinct options, each with one sentence on the risk.",
    },
}
