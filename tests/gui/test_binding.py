"""Guard against a broken Qt binding: PySide6 6.12.0 on Python 3.11 drops a reference to None on
every void QPainter call (setPen, setBrush, fillRect...), so painting a big flow aborts the app with
"none_dealloc". pyproject must keep PySide6-Essentials below 6.12 until that is fixed."""

from __future__ import annotations

import os
import subprocess
import sys

# Run in a fresh interpreter: other tests' threads change None's reference count at random.
PROBE = """
import sys
from PySide6.QtCore import QRectF
from PySide6.QtGui import QColor, QGuiApplication, QImage, QPainter, QPen
app = QGuiApplication([])
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
print(before - after)
"""


def test_painter_calls_keep_none_alive() -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    result = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, env=env, timeout=120
    )
    assert result.returncode == 0, result.stderr[-2000:]
    lost = int(result.stdout.strip().splitlines()[-1])
    assert lost < 50, (
        f"this PySide6 build leaks references to None ({lost} lost in 600 calls): "
        "use PySide6-Essentials < 6.12 on Python 3.11"
    )
