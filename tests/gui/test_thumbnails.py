"""Start-page previews: each template drawn small, cached by content hash, shown beside its name."""

from __future__ import annotations

import shutil

import pytest

from studio.engine.registry import default_registry
from studio.gui import thumbnails
from studio.gui.canvas import style
from studio.gui.start_page import PATH_ROLE, StartPage, list_templates
from studio.runtime.paths import sub_dir

TEMPLATES = list_templates()
pytestmark = pytest.mark.skipif(not TEMPLATES, reason="no example flows in flows/")


def _colours(image) -> list[int]:
    return [image.pixel(x, y) for x in range(image.width()) for y in range(image.height())]


def test_a_template_is_drawn_small_with_its_nodes(qapp):
    path = TEMPLATES[0][0]
    image = thumbnails.render_flow(path, default_registry())
    assert (image.width(), image.height()) == thumbnails.SIZE
    pixels = _colours(image)
    background = style.theme["background"].rgba()
    assert background in pixels  # the canvas
    # and nodes drawn on it, not an empty picture
    assert len(set(pixels)) > 10 and sum(p != background for p in pixels) > len(pixels) * 0.05


def test_previews_are_cached_by_content_hash(qapp, tmp_path, monkeypatch):
    path = tmp_path / "flow.json"
    shutil.copy(TEMPLATES[0][0], path)
    registry = default_registry()
    first = thumbnails.thumbnail(path, registry)
    assert first is not None
    cached = thumbnails.thumbnail_path(path)
    assert cached.is_file() and cached.parent == sub_dir("thumbnails")

    def no_drawing(*_args, **_kwargs):
        raise AssertionError("an unchanged file must not be drawn again")

    monkeypatch.setattr(thumbnails, "render_flow", no_drawing)
    again = thumbnails.thumbnail(path, registry)
    assert again is not None and again.size() == first.size()
    # an edited file gets a new picture
    path.write_text(path.read_text(encoding="utf-8").replace('"name"', '"name" ', 1), encoding="utf-8")
    assert thumbnails.thumbnail_path(path) != cached


def test_a_broken_file_gets_no_preview_and_breaks_nothing(qapp, tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('{"nodes": [{"id": 3}]}', encoding="utf-8")
    assert thumbnails.thumbnail(bad, default_registry()) is None


def test_start_page_shows_a_preview_beside_each_template(qtbot, tmp_path):
    for path, _name, _description in TEMPLATES[:2]:
        shutil.copy(path, tmp_path / path.name)
    (tmp_path / "bad.json").write_text('{"nodes": 5}', encoding="utf-8")
    page = StartPage(templates=tmp_path, registry=default_registry())
    qtbot.addWidget(page)
    page.show()
    items = [page.templates.item(i) for i in range(page.templates.count())]
    assert len(items) == 3
    qtbot.waitUntil(lambda: sum(not i.icon().isNull() for i in items) == 2, timeout=10000)
    by_name = {i.data(PATH_ROLE).name: i for i in items}
    assert by_name["bad.json"].icon().isNull()
    assert page.templates.iconSize().width() == thumbnails.SIZE[0]
    assert "\n" in by_name[TEMPLATES[0][0].name].text()  # name and description beside it
