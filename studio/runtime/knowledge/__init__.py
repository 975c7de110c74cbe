"""Knowledge bases: documents in, chunks and vectors stored, passages out.

`documents` loads files and folders (within allowed folders), `splitters` cuts text into chunks,
`embeddings` runs fastembed (offline default model, content-hash cache), `vectorstore` keeps one
LanceDB database per knowledge base, with its writer `lock`, stored `rows`, `query` helpers and
`fts_tokens` (jieba segmentation for Chinese full-text search). May import `paths` and
`preferences`; never `llm` or `agents`.
"""
