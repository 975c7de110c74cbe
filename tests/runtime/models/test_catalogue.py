"""The model catalogue as data: the entries the issue lists, with real hub names."""

from __future__ import annotations

from studio.runtime.models.catalogue import chat_entry, close_matches, embedder_entry, load_catalogue


def test_the_catalogue_has_the_listed_models_with_what_a_user_needs_to_choose() -> None:
    names = {entry.name for entry in load_catalogue().chat}
    assert {
        "qwen2.5-0.5b-instruct", "qwen2.5-1.5b-instruct", "qwen2.5-3b-instruct", "llama-3.2-1b-instruct",
        "llama-3.2-3b-instruct", "gemma-3-1b-it", "gemma-3-4b-it", "phi-3.5-mini-instruct",
        "smollm2-1.7b-instruct", "smollm2-135m-instruct",
    } <= names  # fmt: skip
    for entry in load_catalogue().chat:
        assert entry.size_bytes > 0 and entry.context_length > 0 and entry.languages and entry.licence_url
        assert entry.builtin or (entry.hf_repo.count("/") == 1 and entry.file.endswith(".gguf"))
    qwen = chat_entry("qwen2.5-1.5b-instruct")
    assert qwen is not None and qwen.good_in_chinese and "zh" in qwen.languages


def test_embedders_say_which_are_good_in_chinese() -> None:
    zh = embedder_entry("bge-small-zh-v1.5")
    assert zh is not None and zh.name == "BAAI/bge-small-zh-v1.5" and zh.good_in_chinese and zh.dim == 512
    builtin = embedder_entry("local/all-minilm-l6-v2")
    assert builtin is not None and builtin.languages == ["en"] and not builtin.good_in_chinese
    assert embedder_entry("BAAI/bge-small-en-v1.5") is not None
    assert embedder_entry("sentence-transformers/paraphrase-multilingual-MiniLM-L12-v2") is not None


def test_close_matches_for_a_mistyped_name() -> None:
    assert close_matches("lama3")[:1] == ["llama-3.2-3b-instruct"]
    assert "gemma-3-4b-it" in close_matches("gemma")
    assert close_matches("xyzzy") == []
