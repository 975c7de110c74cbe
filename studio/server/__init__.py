"""Serving flows to other programs: `studio serve` (REST, SSE, OpenAI-compatible) and the catalogue.

Owns: the served-flow catalogue (`catalogue.py`, shared with `studio mcp`), the API key
(`auth.py`), the FastAPI app (`app.py`, `openai_compat.py`) and its limits (`limits.py`).

May import `studio.engine`, `studio.flow` and `studio.runtime`; `studio.engine`, `studio.runtime`,
`studio.flow` and `nodes` never import this package (an import-linter contract in pyproject.toml).
fastapi, uvicorn and keyring are imported inside functions only: `studio --help` imports the
`serve` command module, and must stay quick.
"""
