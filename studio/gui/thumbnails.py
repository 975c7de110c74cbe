"""Preview images of flow files for the start page: the flow drawn by the real canvas items into a
small image, cached in the data folder by the file's content hash (an edited template gets a new
picture, an unchanged one is never drawn twice)."""

from __future__ import annotations

import hashlib
from pathlib import Path

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QImage, QPainter

from studio.engine.registry import Registry
from studio.gui.canvas import style

SIZE = (200, 112)
VERSION = 2  # bump when the drawing changes, so old cached pictures are not reused


def thumbnail_path(path: Path) -> Path:
    """Where the picture of this file's current content is cached."""
    from studio.runtime.paths import sub_dir

    digest = hashlib.sha256(Path(path).read_bytes()).hexdigest()[:24]
    shade = "dark" if style.theme["background"].lightness() < 128 else "light"
    return sub_dir("thumbnails") / f"{digest}-{shade}-v{VERSION}.png"


def render_flow(path: Path, registry: Registry, size: tuple[int, int] = SIZE) -> QImage:
    """Draw a flow file with the canvas items into an image of `size` (the whole flow, centred)."""
    from studio.flow import load_flow
    from studio.gui.canvas.scene import FlowScene
    from studio.gui.document import FlowDocument

    doc = FlowDocument(load_flow(path), registry=registry, path=Path(path))
    scene = FlowScene(doc)
    # Plain drawing: the pixmap caches are for an interactive view, not a one-off picture.
    for item in scene.items():
        item.setCacheMode(item.CacheMode.NoCache)
    image = QImage(size[0], size[1], QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(style.theme["background"])
    bounds = scene.itemsBoundingRect()
    if not bounds.isNull():
        painter = QPainter(image)
        painter.setRenderHints(
            QPainter.RenderHint.Antialiasing
            | QPainter.RenderHint.TextAntialiasing
            | QPainter.RenderHint.SmoothPixmapTransform
        )
        source = bounds.adjusted(-20, -20, 20, 20)
        # Centred: QGraphicsScene.render keeps the aspect ratio but aligns to the top-left.
        margin = 6.0
        scale = min((size[0] - 2 * margin) / source.width(), (size[1] - 2 * margin) / source.height())
        width, height = source.width() * scale, source.height() * scale
        target = QRectF((size[0] - width) / 2, (size[1] - height) / 2, width, height)
        scene.render(painter, target, source, Qt.AspectRatioMode.IgnoreAspectRatio)
        painter.end()
    scene.clear()
    scene.deleteLater()
    doc.deleteLater()
    return image


def thumbnail(path: Path, registry: Registry) -> QImage | None:
    """The cached picture of a flow file, drawn and cached first if needed; None if the file
    cannot be read or drawn (the start page then shows the name only)."""
    try:
        cached = thumbnail_path(path)
    except OSError:
        return None
    if cached.is_file():
        image = QImage(str(cached))
        if not image.isNull():
            return image
    try:
        image = render_flow(path, registry)
    except Exception:  # a broken template must not break the start page
        return None
    tmp = cached.with_suffix(".tmp.png")
    # The format comes from the ".png" suffix (the stubs type `format` as bytes, PySide wants str).
    if image.save(str(tmp)):
        tmp.replace(cached)
    return image
