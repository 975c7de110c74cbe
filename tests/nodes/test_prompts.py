"""Prompt Template and Chat Prompt: ports follow the templates, rendering, sandbox, errors."""

from __future__ import annotations

import pytest

from nodes.prompt_presets import PRESET_SAMPLES, PRESETS
from nodes.prompts import ChatPromptNode, PromptTemplateNode
from studio.engine.context import RunContext
from studio.engine.errors import NodeError
from studio.engine.ports import PortType
from tests.nodes.conftest import port_names, problems, run_node

T = PromptTemplateNode


def render(template: str, ctx: RunContext, **inputs: object) -> str:
    return str(run_node(T, {"template": template}, inputs, ctx)["prompt"])


# ----------------------------------------------------------------------------- ports


@pytest.mark.parametrize(
    ("template", "ports"),
    [
        ("Hello", []),
        ("Tell me about {{ topic }}.", ["topic"]),
        ("{{ b }} then {{ a }} then {{ b }}", ["b", "a"]),
        ("Line one {{ first }}\n{{ second }}\n{{ first }}", ["first", "second"]),
        ("{% for ex in examples %}{{ ex.q }}{% endfor %}{{ question }}", ["examples", "question"]),
        ("{% set x = 1 %}{{ x }}{{ y }}", ["y"]),
        ("{% for i in range(3) %}{{ loop.index }}{% endfor %}", []),
    ],
)
def test_ports_follow_the_template_in_order_of_appearance(template: str, ports: list[str]) -> None:
    assert port_names(T, {"template": template}) == ports


def test_adding_a_variable_adds_a_port() -> None:
    before = port_names(T, {"template": "Summarise {{ text }}"})
    after = port_names(T, {"template": "Summarise {{ text }} for {{ audience }}"})
    assert before == ["text"]
    assert after == ["text", "audience"]


def test_port_types_text_for_printed_values_any_for_loops_and_attributes() -> None:
    config = T.Config(
        template="{{ name | upper }} {% for x in items %}{{ x }}{% endfor %} {{ user.city }} "
        "{% if flag %}!{% endif %}"
    )
    types = {p.name: p.type for p in T.input_ports(config)}
    assert types == {
        "name": PortType.TEXT,
        "items": PortType.ANY,
        "user": PortType.ANY,
        "flag": PortType.ANY,
    }


def test_variable_with_a_default_is_an_optional_port(ctx: RunContext) -> None:
    config = T.Config(template="Tone: {{ tone | default('friendly') }}")
    (port,) = T.input_ports(config)
    assert port.required is False
    assert run_node(T, {"template": config.template}, {"tone": None}, ctx)["prompt"] == ("Tone: friendly")


def test_a_template_that_does_not_parse_has_no_ports() -> None:
    assert port_names(T, {"template": "{{ topic }"}) == []


# --------------------------------------------------------------------------- presets


@pytest.mark.parametrize("name", list(PRESETS))
def test_every_preset_renders_with_its_sample_inputs(name: str, ctx: RunContext) -> None:
    config = PRESETS[name]
    assert problems(T, config) == []
    assert set(port_names(T, config)) == set(PRESET_SAMPLES[name])
    prompt = run_node(T, config, PRESET_SAMPLES[name], ctx)["prompt"]
    for value in PRESET_SAMPLES[name].values():
        if isinstance(value, str):
            assert value in prompt
    assert "{{" not in prompt and "{%" not in prompt


def test_presets_are_offered_on_the_node_class() -> None:
    assert T.presets is PRESETS
    assert {"zero-shot", "few-shot", "chain-of-thought", "role-and-constraints", "crispe"} <= set(T.presets)


def test_few_shot_preset_numbers_each_example(ctx: RunContext) -> None:
    prompt = run_node(T, PRESETS["few-shot"], PRESET_SAMPLES["few-shot"], ctx)["prompt"]
    assert "Example 1\nInput: SolarKettle\nOutput: Boil water" in prompt
    assert "Example 2\nInput: QuietFan" in prompt
    assert prompt.rstrip().endswith("Input: InkPen Pro\nOutput:")


def test_few_shot_examples_may_arrive_as_json_text(ctx: RunContext) -> None:
    inputs = dict(PRESET_SAMPLES["few-shot"])
    inputs["examples"] = '[{"input": "A", "output": "a"}]'
    prompt = run_node(T, PRESETS["few-shot"], inputs, ctx)["prompt"]
    assert "Input: A\nOutput: a" in prompt


def test_chain_of_thought_asks_for_a_final_answer_marker(ctx: RunContext) -> None:
    sample = PRESET_SAMPLES["chain-of-thought"]
    prompt = run_node(T, PRESETS["chain-of-thought"], sample, ctx)["prompt"]
    assert "step by step" in prompt
    assert "Final answer:" in prompt


# ------------------------------------------------------------------------- rendering


def test_chinese_text_renders_intact(ctx: RunContext) -> None:
    prompt = render("请用一句话总结：{{ text }}。", ctx, text="今天天气很好，适合散步")
    assert prompt == "请用一句话总结：今天天气很好，适合散步。"


def test_block_tags_leave_no_blank_lines(ctx: RunContext) -> None:
    template = "Items:\n{% for item in items %}\n- {{ item }}\n{% endfor %}\nEnd"
    assert render(template, ctx, items=["a", "b"]) == "Items:\n- a\n- b\nEnd"


def test_missing_variable_error_names_it(ctx: RunContext) -> None:
    with pytest.raises(NodeError, match=r"template: line 2: undefined variable 'topic'"):
        render("Write about\n{{ topic }}", ctx)


def test_missing_attribute_is_reported(ctx: RunContext) -> None:
    with pytest.raises(NodeError, match=r"template: .*has no attribute 'city'"):
        render("{{ user.city }}", ctx, user={"name": "Ann"})


@pytest.mark.parametrize(
    "template",
    [
        "{{ ''.__class__.__mro__ }}",
        "{{ ''.__class__.__mro__[1].__subclasses__() }}",
        "{{ items.append(1) }}",
        "{{ 'x' * 100000000 }}",
    ],
)
def test_sandbox_refuses_unsafe_templates(template: str, ctx: RunContext) -> None:
    with pytest.raises(NodeError, match=r"^template: (line 1: )?blocked by the template sandbox"):
        render(template, ctx, items=[])


def test_runtime_error_is_a_node_error_with_the_line(ctx: RunContext) -> None:
    with pytest.raises(NodeError, match=r"template: line 1: .*division"):
        render("{{ 1 / 0 }}", ctx)


# ----------------------------------------------------------------------------- check


@pytest.mark.parametrize(
    ("template", "message"),
    [
        ("Hello {{ name }", "template: line 1: unexpected '}'"),
        ("a\nb\n{{ x }", "template: line 3: unexpected '}'"),
        ("{% for x in xs %}\n{{ x }}", "template: line 2: Unexpected end of template"),
        ("{{ }}", "template: line 1: Expected an expression"),
    ],
)
def test_syntax_errors_are_reported_with_line_numbers(template: str, message: str) -> None:
    (problem,) = problems(T, {"template": template})
    assert problem.startswith(message)


def test_variable_names_that_cannot_be_ports_are_reported() -> None:
    (problem,) = problems(T, {"template": "{{ 主题 }} {{ ok }}"})
    assert problem.startswith("template: variable '主题' cannot be an input port")
    assert port_names(T, {"template": "{{ 主题 }} {{ ok }}"}) == ["ok"]


def test_a_good_template_has_no_problems() -> None:
    assert problems(T, {"template": "{% if a %}{{ a }}{% else %}none{% endif %}"}) == []


# ------------------------------------------------------------------------- chat prompt

C = ChatPromptNode


def test_chat_prompt_ports_come_from_system_and_user() -> None:
    config = {"system": "You are {{ persona }}.", "user": "{{ question }} ({{ persona }})"}
    assert port_names(C, config) == ["persona", "question"]
    assert port_names(C, {**config, "include_history": True}) == ["persona", "question", "history"]


def test_chat_prompt_builds_system_examples_history_user(ctx: RunContext) -> None:
    config = {
        "system": "You translate English into {{ language }}.",
        "examples": [{"user": "cat", "assistant": "猫"}],
        "user": "{{ question }}",
        "include_history": True,
    }
    history = [{"role": "user", "content": "dog"}, {"role": "assistant", "content": "狗"}]
    messages = run_node(C, config, {"language": "Chinese", "question": "bird", "history": history}, ctx)[
        "messages"
    ]
    assert messages == [
        {"role": "system", "content": "You translate English into Chinese."},
        {"role": "user", "content": "cat"},
        {"role": "assistant", "content": "猫"},
        {"role": "user", "content": "dog"},
        {"role": "assistant", "content": "狗"},
        {"role": "user", "content": "bird"},
    ]


def test_chat_prompt_without_history_ignores_it_and_empty_system_is_left_out(
    ctx: RunContext,
) -> None:
    config = {"system": "", "user": "Hi {{ name }}"}
    messages = run_node(C, config, {"name": "Li", "history": [{"role": "user", "content": "x"}]}, ctx)[
        "messages"
    ]
    assert messages == [{"role": "user", "content": "Hi Li"}]


def test_chat_prompt_default_asks_for_a_question(ctx: RunContext) -> None:
    assert port_names(C, {}) == ["question"]
    messages = run_node(C, {}, {"question": "为什么天是蓝的？"}, ctx)["messages"]
    assert messages[-1] == {"role": "user", "content": "为什么天是蓝的？"}


def test_chat_prompt_errors_name_the_template_field(ctx: RunContext) -> None:
    with pytest.raises(NodeError, match=r"^system: .*undefined variable 'persona'"):
        run_node(C, {"system": "{{ persona }}", "user": "hi"}, {}, ctx)
    with pytest.raises(NodeError, match=r"^user: .*sandbox"):
        run_node(C, {"user": "{{ ''.__class__ }}"}, {}, ctx)


def test_chat_prompt_rejects_malformed_history(ctx: RunContext) -> None:
    with pytest.raises(NodeError, match=r"^history: expected a list of messages"):
        run_node(C, {"include_history": True}, {"question": "q", "history": ["hello"]}, ctx)


def test_chat_prompt_check_reports_both_templates_and_reserved_name() -> None:
    found = problems(C, {"system": "{{ a }", "user": "{{ history }}"})
    assert found[0].startswith("system: line 1: unexpected '}'")
    assert found[1].startswith("user: variable 'history' is reserved")


def test_chat_examples_must_be_user_assistant_pairs() -> None:
    with pytest.raises(ValueError, match="assitant"):
        C.Config.model_validate({"examples": [{"user": "a", "assitant": "b"}]})


@pytest.mark.parametrize("name", list(PRESETS))
def test_a_preset_without_a_template_uses_the_presets_template(name: str, ctx: RunContext) -> None:
    config = PromptTemplateNode.Config.model_validate({"preset": name})
    assert config.template == PRESETS[name]["template"]
    assert run_node(PromptTemplateNode, {"preset": name}, PRESET_SAMPLES[name], ctx)["prompt"]
