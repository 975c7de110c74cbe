"""Every edit is one undoable command; undo restores the saved text exactly, redo re-applies it."""

from __future__ import annotations

import itertools

import pytest

from studio.flow import dumps, load_flow
from studio.gui.document import ConnectionRefused, FlowDocument


@pytest.fixture
def doc(qapp, registry):
    return FlowDocument(registry=registry)


def _round_trip(doc: FlowDocument, edit) -> None:
    """Apply an edit; undo must give back the text before, redo the text after."""
    before = dumps(doc.flow)
    edit()
    after = dumps(doc.flow)
    assert after != before
    doc.undo_stack.undo()
    assert dumps(doc.flow) == before
    doc.undo_stack.redo()
    assert dumps(doc.flow) == after


def _small_flow(doc: FlowDocument) -> dict[str, str]:
    ids = {
        "in": doc.add_node("test.text_in", (0, 0)),
        "tpl": doc.add_node("test.template", (300, 0)),
        "chat": doc.add_node("test.chat", (600, 0)),
        "join": doc.add_node("test.join", (900, 0)),
    }
    doc.connect_ports(ids["in"], "text", ids["tpl"], "name")
    doc.connect_ports(ids["tpl"], "text", ids["chat"], "prompt")
    doc.connect_ports(ids["chat"], "text", ids["join"], "parts")
    doc.connect_ports(ids["in"], "text", ids["join"], "parts")
    return ids


def test_add_node_round_trip_and_default_settings(doc):
    _round_trip(doc, lambda: doc.add_node("test.chat", (10, 20)))
    (node,) = doc.flow.nodes
    assert node.config["max_tokens"] == 64 and node.ui == {"x": 10.0, "y": 20.0}


def test_remove_nodes_takes_their_wires_and_undo_puts_everything_back(doc):
    ids = _small_flow(doc)
    _round_trip(doc, lambda: doc.remove_nodes([ids["tpl"], ids["in"]]))
    doc.undo_stack.redo()
    assert len(doc.flow.nodes) == 2 and len(doc.flow.edges) == 1


def test_moves_merge_into_one_step(doc):
    ids = _small_flow(doc)
    count = doc.undo_stack.count()
    before = dumps(doc.flow)
    for step in range(5):
        doc.move_nodes({ids["in"]: (step * 10.0, 5.0)})
    assert doc.undo_stack.count() == count + 1
    doc.undo_stack.undo()
    assert dumps(doc.flow) == before
    _round_trip(doc, lambda: doc.move_nodes({ids["in"]: (50, 60), ids["tpl"]: (70, 80)}))


def test_connect_round_trip_and_single_input_replaces_old_wire(doc):
    ids = _small_flow(doc)
    second = doc.add_node("test.text_in", (0, 200))
    # The template's `name` input takes one wire: the new one replaces the old, in one step.
    _round_trip(doc, lambda: doc.connect_ports(second, "text", ids["tpl"], "name"))
    into_name = [e for e in doc.flow.edges if e.target == ids["tpl"]]
    assert [e.source for e in into_name] == [second]
    # A multi input keeps both wires.
    assert len([e for e in doc.flow.edges if e.target == ids["join"]]) == 2


def test_incompatible_ports_are_refused_with_the_reason(doc):
    count = doc.add_node("test.count")
    embed = doc.add_node("test.embed")
    retrieve = doc.add_node("test.retrieve")
    chat = doc.add_node("test.chat")
    with pytest.raises(ConnectionRefused, match="a number output cannot feed a messages input"):
        doc.connect_ports(count, "count", chat, "prompt")
    with pytest.raises(ConnectionRefused, match="embedding output cannot feed a text input"):
        doc.connect_ports(embed, "vector", retrieve, "query")
    assert doc.flow.edges == []


def test_loops_self_wires_and_duplicates_are_refused(doc):
    a, b = doc.add_node("test.count"), doc.add_node("test.join")
    c = doc.add_node("test.join")
    doc.connect_ports(b, "text", c, "parts")
    with pytest.raises(ConnectionRefused, match="loop"):
        doc.connect_ports(c, "text", b, "parts")
    with pytest.raises(ConnectionRefused, match="itself"):
        doc.connect_ports(b, "text", b, "parts")
    with pytest.raises(ConnectionRefused, match="already connected"):
        doc.connect_ports(b, "text", c, "parts")
    assert doc.check_connection(a, "count", c, "parts") is None  # number -> text converts


def test_disconnect_round_trip(doc):
    _small_flow(doc)
    keys = [(e.source, e.source_port, e.target, e.target_port) for e in doc.flow.edges[1:3]]
    _round_trip(doc, lambda: doc.disconnect_edges(keys))
    assert len(doc.flow.edges) == 2


def test_set_config_round_trip_merges_typing_and_drops_stale_wires(doc):
    ids = _small_flow(doc)
    count = doc.undo_stack.count()
    for text in ("Hi {{name}}", "Hi {{name}}!", "Hi {{name}}!!"):
        doc.set_config_value(ids["tpl"], "template", text)
    assert doc.undo_stack.count() == count + 1
    doc.undo_stack.undo()
    # Renaming the variable removes the `name` port, and its wire goes in the same step.
    _round_trip(doc, lambda: doc.set_config_value(ids["tpl"], "template", "Hi {{who}}"))
    assert [p.name for p in doc.ports(ids["tpl"])[0]] == ["who"]
    assert not [e for e in doc.flow.edges if e.target == ids["tpl"]]


def test_paste_and_duplicate_round_trip_with_fresh_ids(doc):
    ids = _small_flow(doc)
    payload = doc.copy_nodes([ids["in"], ids["tpl"]])
    _round_trip(doc, lambda: doc.paste(payload))
    assert len(doc.flow.nodes) == 6 and len(doc.flow.edges) == 5
    assert len({n.id for n in doc.flow.nodes}) == 6
    _round_trip(doc, lambda: doc.duplicate([ids["chat"]]))


def test_auto_layout_round_trip_puts_children_right_of_parents(doc):
    ids = _small_flow(doc)
    for node_id in ids.values():
        doc.move_nodes({node_id: (0, 0)})
    _round_trip(doc, doc.auto_layout)
    xs = {name: doc.position(node_id)[0] for name, node_id in ids.items()}
    assert xs["in"] < xs["tpl"] < xs["chat"] < xs["join"]


def test_macro_groups_edits_and_undo_all_returns_to_empty(doc):
    empty = dumps(doc.flow)
    doc.begin_macro("build")
    _small_flow(doc)
    doc.end_macro()
    assert doc.undo_stack.count() == 1
    doc.undo_stack.undo()
    assert dumps(doc.flow) == empty


def test_dirty_follows_the_undo_stack_and_save_reopen_is_equal(doc, tmp_path, qtbot):
    with qtbot.waitSignal(doc.dirtyChanged):
        _small_flow(doc)
    assert doc.dirty
    path = doc.save(tmp_path / "flow.json")
    assert not doc.dirty and doc.path == path
    assert dumps(load_flow(path)) == dumps(doc.flow)
    reopened = FlowDocument.open(path, registry=doc.registry)
    assert reopened.text() == doc.text() and not reopened.dirty


def test_layout_stacks_nodes_without_overlap_and_detects_stacked_files(doc):
    from studio.gui import graph

    ids = _small_flow(doc)
    extra = [doc.add_node("test.chat", (0, 0)) for _ in range(3)]
    assert graph.overlapping(doc.flow)
    doc.auto_layout()
    assert not graph.overlapping(doc.flow, height=1)
    heights = doc.node_heights()
    column = sorted((doc.position(i) for i in extra), key=lambda p: p[1])
    for (x1, y1), (x2, y2) in itertools.pairwise(column):
        assert x1 == x2 and y2 - y1 >= heights[extra[0]]
    assert doc.position(ids["in"])[0] < doc.position(ids["tpl"])[0]
