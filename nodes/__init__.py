"""The built-in node catalogue: one module per family, registered through the `studio.nodes` entry points."""
