"""Agents' model plumbing: native tool calls for API models and schema-bound replies for local ones.

`llm` sends a conversation with tools to a model and returns the tool calls or the answer;
`schemas` builds the JSON schemas that make a small local model emit a valid action. Imports `llm`.
"""
