"""Guard against a broken Qt binding: PySide6 6.12.0 on Python 3.11 drops a reference to None on
every void QPainter call (setPen, setBrush, fillRect...), so painting a big flow aborts the app with
"none_dealloc". pyproject must keep PySide6-Essentials below 6.12 until that is fixed."""

from __future__ import annotations

import sys

from PySide6.QtCore import QRectF
from PySide6.QtGui import QColor, QImage, QPainter, QPen


def test_painter_calls_keep_none_alive(qapp):
    image = QImage(16, 16, QImage.Format.Format_ARGB32)
    painter = QPainter(image)
    colour = QColor("red")
    before = sys.getrefcount(None)
    for _ in range(200):
        painter.setPen(QPen(colour, 1))
        painter.setBrush(colour)
        painter.fillRect(QRectF(0, 0, 4, 4), colour)
    after = sys.getrefcount(None)
    painter.end()
    assert after >= before - 50, (
        f"this PySide6 build leaks references to None ({before - after} lost in 600 calls): "
        "use PySide6-Essentials < 6.12 on Python 3.11"
    )
