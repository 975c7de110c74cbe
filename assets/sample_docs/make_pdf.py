"""Write a small text-only PDF (standard Helvetica font, one page per list of lines).

No dependency: the file is assembled by hand (objects, xref table, trailer), which is enough for
pypdf to extract the text page by page. Only Latin-1 text is supported (the standard fonts have
no Chinese glyphs). Run `python assets/sample_docs/make_pdf.py` to rebuild the sample PDF from
`aurora_manual_pdf.src` (pages separated by a line holding only "\\f").
"""

from __future__ import annotations

import sys
import textwrap
from pathlib import Path


def _escape(line: str) -> str:
    return line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def make_pdf(pages: list[list[str]], path: str | Path, *, title: str = "") -> Path:
    """Write `pages` (each a list of text lines, wrapped at 90 characters) to a PDF file."""
    objects: list[bytes] = []

    def add(body: bytes) -> int:
        objects.append(body)
        return len(objects)

    catalog = add(b"")  # filled in below
    pages_id = add(b"")
    font = add(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
    kids = []
    for lines in pages:
        wrapped: list[str] = []
        for line in lines:
            wrapped.extend(textwrap.wrap(line, 90) or [""])
        ops = ["BT", "/F1 11 Tf", "14 TL", "50 790 Td"]
        for line in wrapped[:52]:
            ops.append(f"({_escape(line)}) Tj T*")
        ops.append("ET")
        stream = "\n".join(ops).encode("latin-1", "replace")
        content = add(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
        kids.append(
            add(
                b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 595 842] /Contents %d 0 R "
                b"/Resources << /Font << /F1 %d 0 R >> >> >>" % (pages_id, content, font)
            )
        )
    objects[catalog - 1] = b"<< /Type /Catalog /Pages %d 0 R >>" % pages_id
    objects[pages_id - 1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (
        b" ".join(b"%d 0 R" % k for k in kids),
        len(kids),
    )
    info = add(b"<< /Title (%s) /Producer (chain-studio make_pdf.py) >>" % _escape(title).encode("latin-1"))
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root %d 0 R /Info %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        catalog,
        info,
        xref,
    )
    path = Path(path)
    path.write_bytes(bytes(out))
    return path


def main() -> None:
    """Rebuild aurora_manual.pdf from aurora_manual_pdf.src next to this script."""
    here = Path(__file__).resolve().parent
    source = here / "aurora_manual_pdf.src"
    text = source.read_text(encoding="utf-8")
    pages = [page.strip("\n").split("\n") for page in text.split("\n\f\n")]
    target = make_pdf(pages, here / "aurora_manual.pdf", title="Aurora K2 Kettle - Service Guide")
    print(f"wrote {target} ({len(pages)} pages)", file=sys.stderr)


if __name__ == "__main__":
    main()
