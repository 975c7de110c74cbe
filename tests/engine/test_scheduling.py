"""Concurrency, timeouts, cancellation, events and the cache, as a user would notice them."""

from __future__ import annotations

import threading
import time
from typing import Any

from studio.engine import run_flow
from studio.engine.cache import OutputCache
from studio.engine.events import Event, NodeCached, NodeFinished, RunFinished, RunStarted, TokenStreamed
from studio.engine.runstore import RunStore
from tests.builders import FlowBuilder, flow_of
from tests.engine.fake_nodes import CALLS, fake_registry, reset_calls


def fan_out(count: int, node_type: str, seconds: float) -> FlowBuilder:
    builder = FlowBuilder()
    builder.node("j", "t.concat")
    for index in range(count):
        builder.node(f"s{index}", node_type, seconds=seconds)
        builder.wire(f"s{index}.out", "j.parts")
    return builder


def test_independent_async_branches_run_at_the_same_time() -> None:
    flow = fan_out(20, "t.async_sleep", 0.2).build()
    started = time.perf_counter()
    result = run_flow(flow, {}, registry=fake_registry(), cache=OutputCache(), record=False)
    elapsed = time.perf_counter() - started
    assert result.status == "succeeded"
    assert elapsed < 20 * 0.2 / 4, f"20 x 200 ms branches took {elapsed:.2f}s: not concurrent"


def test_sync_nodes_run_in_worker_threads_without_blocking_each_other() -> None:
    flow = fan_out(6, "t.sync_sleep", 0.3).build()
    started = time.perf_counter()
    result = run_flow(flow, {}, registry=fake_registry(), cache=OutputCache(), record=False)
    assert result.status == "succeeded"
    assert time.perf_counter() - started < 6 * 0.3 / 2


def test_concurrency_limit_bounds_parallel_nodes() -> None:
    flow = fan_out(4, "t.async_sleep", 0.2).build()
    started = time.perf_counter()
    run_flow(flow, {}, registry=fake_registry(), cache=OutputCache(), record=False, max_concurrency=1)
    assert time.perf_counter() - started >= 4 * 0.2 * 0.95


def test_timeout_fails_the_node_with_its_limit_in_the_message() -> None:
    flow = flow_of(
        ("s", "t.async_sleep", {"seconds": 5}, {"timeout_s": 0.2}),
        ("u", "t.upper", {}),
        wires=["s.out->u.text"],
    )
    started = time.perf_counter()
    result = run_flow(flow, {}, registry=fake_registry(), cache=OutputCache(), record=False)
    assert time.perf_counter() - started < 2
    assert result.nodes["s"].status == "failed"
    assert result.nodes["s"].error == "took longer than its 0.2 s time limit"
    assert result.nodes["u"].caused_by == "s"


def test_cancel_stops_the_run_cleanly() -> None:
    flow = flow_of(
        ("a", "t.sync_sleep", {"seconds": 5}),
        ("b", "t.async_sleep", {"seconds": 5}),
        ("u", "t.upper", {}),
        wires=["a.out->u.text"],
    )
    cancel = threading.Event()
    threading.Timer(0.3, cancel.set).start()
    started = time.perf_counter()
    result = run_flow(flow, {}, registry=fake_registry(), cache=OutputCache(), record=False, cancel=cancel)
    assert time.perf_counter() - started < 2
    assert result.status == "cancelled"
    assert {state.status for state in result.nodes.values()} == {"cancelled"}


def test_events_arrive_in_order_with_tokens() -> None:
    events: list[Event] = []
    flow = flow_of(("s", "t.sync_sleep", {"seconds": 0.01}), ("u", "t.upper", {}), wires=["s.out->u.text"])
    run_flow(flow, {}, registry=fake_registry(), cache=OutputCache(), record=False, on_event=events.append)
    kinds = [event.kind for event in events]
    assert kinds[0] == RunStarted.kind and kinds[-1] == RunFinished.kind
    assert kinds.index("node_queued") < kinds.index("node_started") < kinds.index("token")
    assert kinds.index("token") < kinds.index("node_finished")
    token = next(e for e in events if isinstance(e, TokenStreamed))
    assert token.node_id == "s" and token.text == "tick"
    finished = [e for e in events if isinstance(e, NodeFinished)]
    assert [e.node_id for e in finished] == ["s", "u"] and finished[1].outputs == {"out": "."}


def test_rerun_after_edit_runs_only_the_edited_node_and_its_descendants() -> None:
    cache = OutputCache()
    builder = FlowBuilder()
    builder.node("a", "t.const", value="a").node("b", "t.const", value="b")
    builder.node("ua", "t.upper").node("ub", "t.upper").node("j", "t.concat")
    builder.chain("a.out", "ua.text", "b.out", "ub.text", "ua.out", "j.parts", "ub.out", "j.parts")
    flow = builder.build()
    reset_calls()
    run_flow(flow, {}, registry=fake_registry(), cache=cache, record=False)
    assert set(CALLS) == {"a", "b", "ua", "ub", "j"}
    flow.nodes[1].config["value"] = "changed"
    reset_calls()
    events: list[Event] = []
    result = run_flow(flow, {}, registry=fake_registry(), cache=cache, record=False, on_event=events.append)
    assert set(CALLS) == {"b", "ub", "j"}
    assert {e.node_id for e in events if isinstance(e, NodeCached)} == {"a", "ua"}
    assert result.nodes["j"].outputs == {"out": "A+CHANGED"}


def test_disk_cache_is_shared_between_processes_and_runs(tmp_path) -> None:  # type: ignore[no-untyped-def]
    flow = flow_of(("c", "t.const", {"value": "v"}), ("u", "t.upper", {}), wires=["c.out->u.text"])
    reset_calls()
    run_flow(flow, {}, registry=fake_registry(), cache=OutputCache(tmp_path / "c.sqlite"), record=False)
    reset_calls()
    fresh = OutputCache(tmp_path / "c.sqlite")  # a new process would open the file like this
    result = run_flow(flow, {}, registry=fake_registry(), cache=fresh, record=False)
    assert CALLS == {} and result.nodes["u"].status == "cached"


def test_non_deterministic_nodes_are_not_cached_unless_pinned() -> None:
    cache = OutputCache()
    flow = flow_of(("r", "t.random", {}), ("u", "t.upper", {}), wires=["r.out->u.text"])
    first = run_flow(flow, {}, registry=fake_registry(), cache=cache, record=False)
    second = run_flow(flow, {}, registry=fake_registry(), cache=cache, record=False)
    assert first.nodes["r"].outputs != second.nodes["r"].outputs
    flow.nodes[0].pinned = True
    third = run_flow(flow, {}, registry=fake_registry(), cache=cache, record=False)
    fourth = run_flow(flow, {}, registry=fake_registry(), cache=cache, record=False)
    assert fourth.nodes["r"].status == "cached" and fourth.nodes["r"].outputs == third.nodes["r"].outputs


def test_no_cache_and_rerun_force_execution() -> None:
    cache = OutputCache()
    flow = flow_of(("c", "t.const", {}), ("u", "t.upper", {}), wires=["c.out->u.text"])
    run_flow(flow, {}, registry=fake_registry(), cache=cache, record=False)
    reset_calls()
    run_flow(flow, {}, registry=fake_registry(), cache=cache, record=False, rerun={"u"})
    assert CALLS == {"u": 1}
    reset_calls()
    run_flow(flow, {}, registry=fake_registry(), cache=cache, use_cache=False, record=False)
    assert CALLS == {"c": 1, "u": 1}


def test_run_to_selected_node_runs_only_its_ancestors() -> None:
    flow = flow_of(("a", "t.const", {}), ("u", "t.upper", {}), ("b", "t.const", {}), wires=["a.out->u.text"])
    reset_calls()
    result = run_flow(flow, {}, registry=fake_registry(), cache=OutputCache(), record=False, only={"u"})
    assert set(CALLS) == {"a", "u"} and set(result.nodes) == {"a", "u"}


def test_output_of_the_wrong_type_fails_the_node() -> None:
    flow = flow_of(("b", "t.bad_output", {}))
    result = run_flow(flow, {}, registry=fake_registry(), cache=OutputCache(), record=False)
    assert result.nodes["b"].error == "output 'out': expected number, got str"


def test_run_record_keeps_inputs_outputs_and_failures(tmp_path) -> None:  # type: ignore[no-untyped-def]
    store = RunStore(tmp_path / "runs.sqlite")
    flow = flow_of(
        ("in", "io.text_input", {"name": "q"}),
        ("u", "t.upper", {}),
        ("f", "t.fail", {}),
        ("o", "io.output", {}),
        wires=["in.text->u.text", "u.out->o.value"],
    )
    result = run_flow(flow, {"q": "abc"}, registry=fake_registry(), cache=OutputCache(), store=store)
    [summary] = store.list_runs()
    assert summary.run_id == result.run_id and summary.status == "failed"
    assert summary.inputs == {"q": "abc"} and summary.outputs == {"result": "ABC"}
    _, nodes = store.get_run(result.run_id)  # type: ignore[misc]
    by_id = {node["node_id"]: node for node in nodes}
    assert by_id["u"]["inputs"] == {"text": "abc"} and by_id["u"]["outputs"] == {"out": "ABC"}
    assert by_id["f"]["status"] == "failed" and by_id["f"]["error"] == "boom"
    assert by_id["u"]["duration_s"] >= 0


def test_nodes_after_a_non_deterministic_node_rerun_when_its_output_changes() -> None:
    """A loader re-reading a changed file must not have its old downstream results served."""
    cache = OutputCache()
    flow = flow_of(("r", "t.random", {}), ("u", "t.upper", {}), wires=["r.out->u.text"])
    first = run_flow(flow, {}, registry=fake_registry(), cache=cache, record=False)
    second = run_flow(flow, {}, registry=fake_registry(), cache=cache, record=False)
    assert second.nodes["u"].status == "done"
    assert second.nodes["u"].outputs == {"out": second.nodes["r"].outputs["out"].upper()}
    assert second.nodes["u"].outputs != first.nodes["u"].outputs
    # Pinned: the same output is served, and so downstream results are served from the cache too.
    flow.nodes[0].pinned = True
    run_flow(flow, {}, registry=fake_registry(), cache=cache, record=False)
    fourth = run_flow(flow, {}, registry=fake_registry(), cache=cache, record=False)
    assert fourth.nodes["r"].status == "cached" and fourth.nodes["u"].status == "cached"


# -- inline nodes (templates) under a time limit and Stop --------------------------------------

HANG = "{% for i in range(100000) %}{% for j in range(100000) %}{{ i }}{% endfor %}{% endfor %}"


def _with_templates() -> Any:
    from nodes.io import ChatInput, Output, TextInput
    from nodes.prompts import PromptTemplateNode
    from studio.engine.registry import Registry
    from tests.engine.fake_nodes import FAKE_NODES

    return Registry.of([*FAKE_NODES, TextInput, ChatInput, Output, PromptTemplateNode])


def test_an_inline_template_stops_at_its_time_limit_without_blocking_other_nodes() -> None:
    flow = flow_of(
        ("hang", "prompt.template", {"template": HANG, "preset": "custom"}, {"timeout_s": 0.5}),
        ("s", "t.async_sleep", {"seconds": 0.1}),
    )
    started = time.perf_counter()
    result = run_flow(flow, {}, registry=_with_templates(), cache=OutputCache(), record=False)
    assert time.perf_counter() - started < 0.5 + 1.0
    assert result.status == "failed"
    assert result.nodes["hang"].status == "failed"
    assert "0.5 s time limit" in (result.nodes["hang"].error or "")
    assert "hang" in (result.error or "")  # the run record names the node
    assert result.nodes["s"].status == "done"  # the loop kept running the other node


def test_stop_ends_an_inline_template_that_has_no_time_limit() -> None:
    flow = flow_of(("hang", "prompt.template", {"template": HANG, "preset": "custom"}))
    cancel = threading.Event()
    threading.Timer(0.3, cancel.set).start()
    started = time.perf_counter()
    result = run_flow(flow, {}, registry=_with_templates(), cache=OutputCache(), record=False, cancel=cancel)
    assert time.perf_counter() - started < 0.3 + 1.0
    assert result.status == "cancelled"
    assert result.nodes["hang"].status == "cancelled"


def test_the_process_is_healthy_after_a_stopped_template() -> None:
    flow = flow_of(("hang", "prompt.template", {"template": HANG, "preset": "custom"}, {"timeout_s": 0.3}))
    run_flow(flow, {}, registry=_with_templates(), cache=OutputCache(), record=False)
    ok = flow_of(
        ("t", "prompt.template", {"template": "{{ 'a' ~ 'b' }}", "preset": "custom"}, {"timeout_s": 1})
    )
    result = run_flow(ok, {}, registry=_with_templates(), cache=OutputCache(), record=False)
    assert result.status == "succeeded"
    assert result.nodes["t"].outputs == {"prompt": "ab"}
