"""Draft a test set from a knowledge base: one question and reference answer per sampled chunk.

Each row keeps the chunk it was drafted from as `reference_contexts`, so context recall and
precision can be scored against it. The drafts come from a model and must be reviewed: a small
model writes weak questions, which is why the rows carry `generated_by` and the source.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from pathlib import Path
from typing import Any

from studio.evaluation.runner import EvalError

_SCHEMA = {
    "type": "object",
    "properties": {"question": {"type": "string"}, "answer": {"type": "string"}},
    "required": ["question", "answer"],
}
_INSTRUCTIONS = (
    "You write test questions for a help desk. From the passage, write one question a customer "
    "could ask that the passage answers, and the answer in one or two sentences using only the "
    "passage. Write in the passage's language."
)


def sample_chunks(kb_name: str, count: int, seed: int = 0) -> list[dict[str, Any]]:
    """Up to `count` chunks of a knowledge base, spread over it at random (same seed, same pick)."""
    from studio.runtime.knowledge.vectorstore import KnowledgeBase, KnowledgeBaseError

    try:
        kb = KnowledgeBase.open(kb_name)
        table = kb.table().search().select(["text", "doc_id", "heading"]).limit(None).to_arrow()
    except KnowledgeBaseError as error:
        raise EvalError(str(error)) from None
    rows = [
        {"text": t, "source": s, "heading": h}
        for t, s, h in zip(
            table["text"].to_pylist(), table["doc_id"].to_pylist(), table["heading"].to_pylist(), strict=True
        )
        if t and len(t.strip()) >= 40
    ]
    if not rows:
        raise EvalError(f"knowledge base '{kb_name}' has no chunks to draft questions from")
    random.Random(seed).shuffle(rows)
    return rows[:count]


async def agenerate(
    kb_name: str,
    count: int,
    model: str,
    *,
    seed: int = 0,
    on_row: Callable[[int, int], None] | None = None,
) -> list[dict[str, Any]]:
    """Rows {question, reference, reference_contexts, source, generated_by} drafted by `model`."""
    from studio.evaluation.metrics.judged import JudgeUnavailable, check_judge
    from studio.runtime.llm import facade

    try:
        check_judge(model)
    except JudgeUnavailable as error:
        raise EvalError(str(error).replace("judge model", "model")) from None
    chunks = sample_chunks(kb_name, count, seed)
    rows: list[dict[str, Any]] = []
    for index, chunk in enumerate(chunks, start=1):
        request = facade.ChatRequest(
            model=model,
            messages=[
                {"role": "system", "content": _INSTRUCTIONS},
                {"role": "user", "content": f"Passage:\n{chunk['text']}"},
            ],
            temperature=0.0,
            seed=seed + index,
            max_tokens=300,
            response_format="json_schema",
            json_schema=_SCHEMA,
        )
        try:
            result = await facade.chat(request)
            question = str(result.parsed["question"]).strip()
            answer = str(result.parsed["answer"]).strip()
        except facade.LLMError as error:
            raise EvalError(f"drafting row {index} with {model}: {error}") from None
        except (KeyError, TypeError):
            continue
        if question and answer:
            rows.append(
                {
                    "question": question,
                    "reference": answer,
                    "reference_contexts": [chunk["text"]],
                    "source": chunk["source"],
                    "generated_by": model,
                }
            )
        if on_row is not None:
            on_row(index, len(chunks))
    return rows


def write_jsonl(rows: list[dict[str, Any]], path: str | Path) -> None:
    """Write rows as JSON lines (UTF-8, Chinese kept readable)."""
    with open(path, "w", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")
