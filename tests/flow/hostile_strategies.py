"""Hypothesis strategies that turn the example flows into hostile flow files (text or raw bytes)."""

from __future__ import annotations

import copy
import json
from typing import Any

from hypothesis import strategies as st

from tests.conftest import ROOT

EXAMPLES: list[dict[str, Any]] = [
    json.loads(path.read_text(encoding="utf-8")) for path in sorted((ROOT / "flows").glob("*.json"))
]

# Template payloads that hang, exhaust memory or recurse (issue 9, sections 3 and 5).
JINJA = [
    "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}",
    "{{ lipsum(1000000000) }}",
    "{{ ((9**9999)**9999)**9999 }}",
    "{{ '{:>1500000000}'.format(1) }}",
    "{{ " + "(" * 70 + "1" + ")" * 70 + " }}",
    "{% if 1 %}" * 245 + "x" + "{% endif %}" * 245,
    "{{ x" + "|upper" * 328 + " }}",
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{{ cycler.__init__.__globals__.os.system('id') }}",
    "{% for x in range(10**9) %}{{ x }}{% endfor %}",
    "{{ 'a' * 10**10 }}",
    "{{ ",
    "{% for %}",
]

HUGE_NUMBER = "9" * 4400
WEIRD_SCALARS = [
    0,
    -1,
    "x",
    None,
    True,
    1e308,
    -0.0,
    "",
    "\ud800",
    "\udfff x",
    "a" * 100_000,
    [],
    {},
    [[[[]]]],
    2**64,
    "nope.thing",
    "$.",
    "{{ x }}",
]

scalars = st.one_of(
    st.sampled_from(WEIRD_SCALARS),
    st.sampled_from(JINJA),
    st.integers(),
    st.floats(allow_nan=False),
    st.text(max_size=50),
    st.booleans(),
    st.none(),
)
json_values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
).map(copy.deepcopy)  # the sampled [] and {} are shared: a later mutation must not change them


def _containers(data: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every path to a dict or list inside data (the places a mutation can act on)."""
    found = [path]
    items = data.items() if isinstance(data, dict) else enumerate(data) if isinstance(data, list) else []
    for key, value in items:
        if isinstance(value, dict | list):
            found.extend(_containers(value, (*path, key)))
    return found


def _at(data: Any, path: tuple[Any, ...]) -> Any:
    for key in path:
        data = data[key]
    return data


@st.composite
def mutated_flow(draw: st.DrawFn) -> Any:
    """An example flow with a few drop / replace / add / wrap mutations applied."""
    data: Any = copy.deepcopy(draw(st.sampled_from(EXAMPLES)))
    for _ in range(draw(st.integers(1, 4))):
        places = _containers(data)
        target = _at(data, draw(st.sampled_from(places)))
        action = draw(st.sampled_from(["drop", "replace", "add", "template", "wrap", "top"]))
        keys = list(target.keys()) if isinstance(target, dict) else list(range(len(target)))
        if action == "top":
            key = draw(st.sampled_from(["schema_version", "nodes", "edges", "inputs", "outputs", "name"]))
            if isinstance(data, dict):
                data[key] = draw(json_values)
        elif action == "add" or not keys:
            value = draw(json_values)
            if isinstance(target, dict):
                target[
                    draw(st.sampled_from(["type", "id", "config", "source", "target", "zzz", "\ud800"]))
                ] = value
            else:
                target.append(value)
        elif action == "drop":
            del target[draw(st.sampled_from(keys))]
        elif action == "replace":
            target[draw(st.sampled_from(keys))] = draw(json_values)
        elif action == "template":
            target[draw(st.sampled_from(keys))] = draw(st.sampled_from(JINJA))
        else:  # wrap: nest the value a few levels deeper
            key = draw(st.sampled_from(keys))
            for _level in range(draw(st.integers(1, 5))):
                target[key] = [target[key]] if draw(st.booleans()) else {"v": target[key]}
    return data


def _text(data: Any, draw: st.DrawFn) -> str:
    text = json.dumps(data, ensure_ascii=draw(st.booleans()))
    # Splice in what json.dumps cannot make: huge numbers, deep nesting, bad constants.
    splice = draw(
        st.sampled_from(["", HUGE_NUMBER, "[" * 5000 + "]" * 5000, "NaN", "Infinity", "1e99999", '"\\ud800"'])
    )
    if splice and text.startswith("{") and len(text) > 2:
        text = '{"zz_spliced": ' + splice + ", " + text[1:]
    return text


@st.composite
def template_swapped_flow(draw: st.DrawFn) -> Any:
    """A valid example flow with one text setting of one node replaced by a hostile template, so
    the payload gets past the file checks and reaches the engine's template checks."""
    data: Any = copy.deepcopy(draw(st.sampled_from(EXAMPLES)))
    settings = [
        (node, key)
        for node in data.get("nodes", [])
        for key, value in (node.get("config") or {}).items()
        if isinstance(value, str)
    ]
    if settings:
        node, key = draw(st.sampled_from(settings))
        node["config"][key] = draw(st.sampled_from(JINJA))
    return data


@st.composite
def hostile_file(draw: st.DrawFn) -> bytes:
    """The bytes of one hostile flow file."""
    kind = draw(st.integers(0, 9))
    if kind == 0:
        return draw(st.binary(max_size=200))
    if kind == 1:
        data = {
            "schema_version": draw(st.sampled_from([0, -1, "x", 2, None, 1.5])),
            "nodes": draw(json_values),
        }
        return json.dumps(data).encode()
    if kind in (3, 4, 5):
        return json.dumps(draw(template_swapped_flow())).encode()
    text = _text(draw(mutated_flow()), draw)
    if kind == 2:
        # Cut or corrupt the encoding.
        raw = text.encode("utf-8", "surrogatepass")
        cut = draw(st.integers(0, len(raw)))
        return raw[:cut] + draw(st.sampled_from([b"", b"\xff", b"\xe9\xff", b"\xed\xa0\x80"]))
    return text.encode("utf-8", "surrogatepass")
