"""The node-graph canvas: scene, items and view."""
