"""Variants: named sets of node-setting overrides, each applied to its own copy of the flow.

A variants file (JSON or YAML) is either a mapping of names to overrides or a list:

```yaml
builtin: {llm: {model: local/smollm2-135m-instruct}}
ollama:  {llm: {model: ollama/llama3.1, temperature: 0}, retrieve: {k: 6}}
# or: variants: [{name: builtin, overrides: {llm: {...}}}, ...]
```
Every problem names its place in the file as a JSON path ("$.ollama.llm.modle").
"""

from __future__ import annotations

import difflib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from studio.engine.registry import Registry
    from studio.flow import Flow

DEFAULT_NAME = "default"


class VariantsError(ValueError):
    """A variants file or override that cannot be used; the message names the file and JSON path."""


@dataclass(frozen=True)
class Variant:
    """A name and its overrides {node_id: {setting: value}}."""

    name: str
    overrides: dict[str, dict[str, Any]] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form (stored with the run)."""
        return {"name": self.name, "overrides": self.overrides}


def _path(parts: list[str | int]) -> str:
    text = "$"
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else f".{part}"
    return text


def parse_variants(data: Any, source: str = "variants") -> list[Variant]:
    """Variants from loaded JSON/YAML data; VariantsError names the JSON path of a problem."""
    entries: list[tuple[list[str | int], Any, Any]] = []
    if isinstance(data, dict) and set(data) == {"variants"}:
        data = data["variants"]
        prefix: list[str | int] = ["variants"]
    else:
        prefix = []
    if isinstance(data, dict):
        entries = [([*prefix, str(name)], name, value) for name, value in data.items()]
    elif isinstance(data, list):
        for index, item in enumerate(data):
            where: list[str | int] = [*prefix, index]
            if not isinstance(item, dict) or "name" not in item:
                raise VariantsError(f"{source}: {_path(where)}: expected {{name: ..., overrides: {{...}}}}")
            unknown = sorted(set(item) - {"name", "overrides"})
            if unknown:
                raise VariantsError(
                    f"{source}: {_path([*where, unknown[0]])}: unknown key (use name, overrides)"
                )
            entries.append(([*where, "overrides"], item["name"], item.get("overrides", {})))
    else:
        raise VariantsError(f"{source}: $: expected a mapping of variant names to overrides, or a list")
    if not entries:
        raise VariantsError(f"{source}: $: no variants defined")
    variants: list[Variant] = []
    seen: set[str] = set()
    for where, name, overrides in entries:
        if not isinstance(name, str) or not name.strip():
            raise VariantsError(f"{source}: {_path(where)}: a variant needs a non-empty name")
        if name in seen:
            raise VariantsError(f"{source}: {_path(where)}: the variant name {name!r} is used twice")
        seen.add(name)
        if overrides is None:
            overrides = {}
        if not isinstance(overrides, dict):
            raise VariantsError(f"{source}: {_path(where)}: expected {{node_id: {{setting: value}}}}")
        for node_id, settings in overrides.items():
            if not isinstance(settings, dict):
                raise VariantsError(
                    f"{source}: {_path([*where, str(node_id)])}: "
                    f"expected {{setting: value}} for node {node_id!r}"
                )
        variants.append(Variant(name.strip(), {str(k): dict(v) for k, v in overrides.items()}))
    return variants


def load_variants(path: str | Path) -> list[Variant]:
    """Read a variants file (.json, .yaml or .yml)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise VariantsError(f"{path}: file not found") from None
    except (OSError, UnicodeDecodeError) as error:
        raise VariantsError(f"{path}: cannot read ({error})") from None
    if path.suffix.lower() in (".yaml", ".yml"):
        import yaml

        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError as error:
            mark = getattr(error, "problem_mark", None)
            where = f" at line {mark.line + 1}" if mark is not None else ""
            raise VariantsError(f"{path}: not valid YAML{where}") from None
    else:
        try:
            data = json.loads(text)
        except json.JSONDecodeError as error:
            raise VariantsError(f"{path}: not valid JSON ({error.msg} at line {error.lineno})") from None
    return parse_variants(data, str(path))


def apply_variant(flow: Flow, variant: Variant, registry: Registry, source: str = "variants") -> Flow:
    """A copy of `flow` with the variant's overrides; VariantsError names a bad node or setting."""
    copy = flow.model_copy(deep=True)
    nodes = {node.id: node for node in copy.nodes}
    for node_id, settings in variant.overrides.items():
        where: list[str | int] = [variant.name, node_id]
        node = nodes.get(node_id)
        if node is None:
            close = difflib.get_close_matches(node_id, nodes, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise VariantsError(
                f"{source}: {_path(where)}: no node {node_id!r} in the flow{hint}; its nodes are: "
                + ", ".join(nodes)
            )
        node_class = registry.get(node.type)
        fields = node_class.Config.model_fields
        for setting in settings:
            if setting not in fields:
                close = difflib.get_close_matches(setting, fields, n=1)
                hint = f" (did you mean {close[0]!r}?)" if close else ""
                raise VariantsError(
                    f"{source}: {_path([*where, setting])}: node {node_id!r} ({node.type}) has no setting "
                    f"{setting!r}{hint}"
                )
        merged = {**node.config, **settings}
        try:
            node_class.Config.model_validate(merged)
        except Exception as error:  # pydantic.ValidationError: name the first bad setting
            errors: list[Any] = getattr(error, "errors", lambda: [])()
            first = errors[0] if errors else {"loc": (), "msg": str(error)}
            loc = [str(part) for part in first.get("loc", ())]
            raise VariantsError(f"{source}: {_path([*where, *loc])}: {first.get('msg', error)}") from None
        node.config = merged
    return copy
