"""Build aurora_manual_zh.pdf (the Chinese manual as a PDF, one section per page) from
aurora_manual_zh.md.

The text uses Adobe's built-in CJK font STSong-Light (a CID font every PDF reader has), so the
file stays small and its text layer extracts as real Chinese characters. Needs reportlab, which is
not a dependency of Chain Studio: `pip install reportlab`, then `python make_pdf_zh.py`.
"""

from __future__ import annotations

from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

HERE = Path(__file__).resolve().parent
FONT = "STSong-Light"
WIDTH, HEIGHT = A4
MARGIN = 56
LINE_CHARS = 34  # CJK characters per line at 14 pt on A4 with these margins


def sections(markdown: str) -> list[tuple[str, list[str]]]:
    """(heading, paragraphs) for each `#`/`##` section of the manual."""
    found: list[tuple[str, list[str]]] = []
    for line in markdown.splitlines():
        if line.startswith("#"):
            found.append((line.lstrip("# ").strip(), []))
        elif line.strip() and found:
            found[-1][1].append(line.strip())
    return found


def wrap(text: str) -> list[str]:
    return [text[i:i + LINE_CHARS] for i in range(0, len(text), LINE_CHARS)] or [""]


def main() -> None:
    pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    out = canvas.Canvas(str(HERE / "aurora_manual_zh.pdf"), pagesize=A4, invariant=1)
    out.setTitle("Aurora K2 智能电水壶 使用说明书")
    for heading, paragraphs in sections((HERE / "aurora_manual_zh.md").read_text(encoding="utf-8")):
        y = HEIGHT - MARGIN
        out.setFont(FONT, 18)
        out.drawString(MARGIN, y, heading)
        y -= 32
        out.setFont(FONT, 14)
        for paragraph in paragraphs:
            for line in wrap(paragraph):
                if y < MARGIN:
                    out.showPage()
                    out.setFont(FONT, 14)
                    y = HEIGHT - MARGIN
                out.drawString(MARGIN, y, line)
                y -= 22
            y -= 10
        out.showPage()
    out.save()


if __name__ == "__main__":
    main()
