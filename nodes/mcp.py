"""mcp nodes (being written)."""
