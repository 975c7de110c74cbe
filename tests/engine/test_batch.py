"""The batch runner: rows streamed, bounded in flight, results handed on in row order."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator, Mapping
from typing import Any

import pytest

from nodes.io import Output, TextInput
from studio.engine.batch import BatchOptions, RowOutcome, flow_hash, row_hash, run_rows
from studio.engine.cache import OutputCache
from studio.engine.context import RunContext
from studio.engine.graph import compile_flow
from studio.engine.node import Node, NodeConfig, Port, PortType
from studio.engine.registry import Registry
from tests.builders import flow_of


class SleepByRow(Node):
    """Sleeps as many milliseconds as its input says, then echoes it."""

    type = "t.sleep_by_row"
    inputs = (Port("text", PortType.TEXT),)
    outputs = (Port("out", PortType.TEXT),)

    class Config(NodeConfig):
        pass

    async def run(self, inputs: Mapping[str, Any], ctx: RunContext) -> dict[str, Any]:
        await asyncio.sleep(int(inputs["text"]) / 1000)
        return {"out": inputs["text"]}


REGISTRY = Registry.of([TextInput, Output, SleepByRow])
FLOW = flow_of(
    ("in", "io.text_input", {"name": "ms"}),
    ("sleep", "t.sleep_by_row", {}),
    ("out", "io.output", {"name": "echo"}),
    wires=["in.text->sleep.text", "sleep.out->out.value"],
)


def batch(rows: list[Any], **options: Any) -> list[RowOutcome]:
    got: list[RowOutcome] = []
    compiled = compile_flow(FLOW, REGISTRY)
    opts = BatchOptions(record=False, cache=OutputCache(), use_cache=False, **options)
    asyncio.run(run_rows(compiled, enumerate(rows, start=1), got.append, opts))
    return got


def test_results_come_in_row_order_even_when_later_rows_finish_first() -> None:
    rows = [{"ms": str(ms)} for ms in (60, 5, 30, 1, 1, 45, 2, 10)]
    ordered = batch(rows, concurrency=8)
    assert [o.number for o in ordered] == list(range(1, 9))
    assert [o.outputs["echo"] for o in ordered] == [r["ms"] for r in rows]
    unordered = batch(rows, concurrency=8, ordered=False)
    assert sorted(o.number for o in unordered) == list(range(1, 9))
    assert [o.number for o in unordered] != list(range(1, 9))  # the 1 ms rows overtake the 60 ms one


def test_rows_are_read_lazily_and_in_flight_is_bounded() -> None:
    pulled = 0
    high_water = 0
    handed: list[int] = []

    def rows() -> Iterator[tuple[int, dict[str, str]]]:
        nonlocal pulled, high_water
        for number in range(1, 201):
            pulled += 1
            high_water = max(high_water, pulled - len(handed))
            yield number, {"ms": "1"}

    compiled = compile_flow(FLOW, REGISTRY)
    options = BatchOptions(concurrency=4, record=False, use_cache=False, cache=OutputCache())
    asyncio.run(run_rows(compiled, rows(), lambda o: handed.append(o.number), options))
    assert handed == list(range(1, 201))
    assert high_water <= 4 * 4 + 1  # never more than the reorder window ahead of the output


def test_bad_rows_and_bad_inputs_are_reported_in_place() -> None:
    got = batch([{"ms": "1"}, "line 2: not valid JSON", {"wrong": "x"}, {"ms": "2"}], concurrency=2)
    assert [(o.number, o.status) for o in got] == [
        (1, "succeeded"),
        (2, "bad_row"),
        (3, "bad_input"),
        (4, "succeeded"),
    ]
    assert got[1].error == "line 2: not valid JSON"
    assert "unknown input 'wrong'" in (got[2].error or "")


def test_stop_hands_on_only_a_prefix_of_finished_rows() -> None:
    cancel = threading.Event()
    got: list[RowOutcome] = []

    def on_outcome(outcome: RowOutcome) -> None:
        got.append(outcome)
        if outcome.number == 5:
            cancel.set()

    compiled = compile_flow(FLOW, REGISTRY)
    options = BatchOptions(concurrency=3, record=False, use_cache=False, cache=OutputCache(), cancel=cancel)
    rows = enumerate([{"ms": "5"}] * 50, start=1)
    asyncio.run(run_rows(compiled, rows, on_outcome, options))
    numbers = [o.number for o in got]
    assert numbers == list(range(1, len(numbers) + 1)) and 5 <= len(numbers) < 50
    assert all(o.status == "succeeded" for o in got)


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ({"x": 1, "y": "z"}, {"y": "z", "x": 1}, True),
        ({"x": 1}, {"x": 2}, False),
        ({"x": "中文"}, {"x": "中文"}, True),
    ],
)
def test_row_hash_follows_content_not_key_order(a: dict[str, Any], b: dict[str, Any], same: bool) -> None:
    assert (row_hash(a) == row_hash(b)) is same


def test_flow_hash_ignores_canvas_positions_but_not_settings() -> None:
    base = flow_hash(compile_flow(FLOW, REGISTRY))
    moved = FLOW.model_copy(deep=True)
    moved.nodes[0].ui = {"x": 500, "y": 20}
    assert flow_hash(compile_flow(moved, REGISTRY)) == base
    changed = FLOW.model_copy(deep=True)
    changed.nodes[0].config["name"] = "other"
    assert flow_hash(compile_flow(changed, REGISTRY)) != base
