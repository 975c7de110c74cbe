"""Services the nodes call, one subpackage per concern.

`llm` (chat models), `knowledge` (documents, splitters, embeddings, LanceDB knowledge bases),
`agents` (the tool-calling protocol on top of `llm`) and `safety` (sandbox, egress, safe
expressions, secrets); `paths`, `preferences`, `memory` and `json_schema` are small shared modules.
Nothing here imports Qt, the engine or the node catalogue; `safety` imports no other runtime package.
"""
