"""Every example flow opens in the Studio, draws all its nodes and wires, and every node's settings
form builds from its schema."""

from __future__ import annotations

import pytest

from studio.engine.registry import default_registry
from studio.gui.start_page import list_templates

TEMPLATES = list_templates()


@pytest.mark.skipif(not TEMPLATES, reason="no example flows in flows/")
def test_every_template_opens_and_every_settings_form_builds(make_window):
    win = make_window(registry=default_registry())
    win.show()
    for path, _name, _description in TEMPLATES:
        tab = win.open_path(path, as_copy=True)
        assert tab is not None, path
        assert len(tab.scene.nodes) == len(tab.doc.flow.nodes)
        assert len(tab.scene.edges) == len(tab.doc.flow.edges)
        for node_id, item in tab.scene.nodes.items():
            assert not item.title.endswith(" ?"), f"{path.name}: unknown node type {item.title}"
            tab.scene.select_nodes([node_id])
            assert win.inspector.node_id == node_id
            # A template as shipped has no invalid settings.
            assert win.inspector.problems() == {}, (path.name, item.title, win.inspector.problems())
        win.close_current_tab()
