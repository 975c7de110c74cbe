"""Chat models: one `chat` facade over the in-process local model and every API provider.

`facade` is what nodes call; `local` runs GGUF models through llama-cpp-python, `remote` calls
API providers and OpenAI-compatible servers through litellm (imported lazily by
`litellm_import`), `json_output` turns replies into schema-checked JSON, `types` holds the request
and error types, `tokenizer` counts tokens and knows context windows. May import `safety`,
`paths`, `preferences` and `json_schema`; never `knowledge` or `agents`.
"""
