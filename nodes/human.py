"""human nodes (being written)."""
