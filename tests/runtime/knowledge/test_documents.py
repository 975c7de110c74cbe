"""Loaders on real files, including every bad input the issue lists."""

from __future__ import annotations

import importlib.util
import json
import os
import tracemalloc
from pathlib import Path

import pytest

from studio.runtime.knowledge.documents import (
    DocumentError,
    PathNotAllowed,
    check_allowed,
    iter_text_blocks,
    load_csv,
    load_docx,
    load_file,
    load_folder,
    load_html,
    load_json,
    load_pdf,
    load_text,
)

ROOT = Path(__file__).resolve().parents[3]


def _make_pdf():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("make_pdf", ROOT / "assets/sample_docs/make_pdf.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.make_pdf


def test_text_utf8_bom_and_chinese_gb18030(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("hello\nworld\n", encoding="utf-8")
    (tmp_path / "bom.txt").write_bytes("\ufeffwith bom".encode("utf-8"))
    (tmp_path / "zh.txt").write_bytes("如何重置密码？请打开设置。".encode("gb18030"))
    assert [d["text"] for d in load_text(tmp_path / "a.txt")] == ["hello\nworld\n"]
    assert next(load_text(tmp_path / "bom.txt"))["text"] == "with bom"
    doc = next(load_text(tmp_path / "zh.txt", source="zh.txt"))
    assert doc["text"] == "如何重置密码？请打开设置。"
    assert doc["metadata"]["source"] == "zh.txt"


def test_undecodable_binary_and_empty_files_are_named(tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    (tmp_path / "latin.txt").write_bytes(b"caf\x80 and cr\xff me")  # neither utf-8 nor gb18030
    with pytest.raises(DocumentError, match=r"empty\.txt: the file is empty"):
        list(load_text(tmp_path / "empty.txt"))
    with pytest.raises(DocumentError, match=r"image\.txt: looks like a binary file"):
        list(load_text(tmp_path / "image.txt"))
    with pytest.raises(DocumentError, match=r"latin\.txt: cannot decode"):
        list(load_text(tmp_path / "latin.txt"))


def test_big_text_file_is_streamed_with_bounded_memory(tmp_path: Path) -> None:
    big = tmp_path / "big.txt"
    line = ("The Aurora kettle boils water quickly and safely. " * 4 + "\n").encode()
    with open(big, "wb") as handle:
        for _ in range(50 * 1024 * 1024 // len(line) + 1):
            handle.write(line)
    assert big.stat().st_size >= 50 * 1024 * 1024
    tracemalloc.start()
    total = parts = 0
    for doc in load_text(big, source="big.txt"):
        total += len(doc["text"])
        parts += 1
        assert doc["metadata"]["offset"] == total - len(doc["text"])
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert total == big.stat().st_size and parts >= 50
    assert peak < 16 * 1024 * 1024, f"peak {peak / 1e6:.1f} MB while streaming a 50 MB file"


def test_blocks_end_at_line_breaks(tmp_path: Path) -> None:
    path = tmp_path / "lines.txt"
    path.write_text("".join(f"line {i}\n" for i in range(5000)), encoding="utf-8")
    blocks = list(iter_text_blocks(path, block_chars=1000))
    assert all(b.endswith("\n") for b in blocks)
    assert "".join(blocks) == path.read_text(encoding="utf-8")


def test_pdf_pages_and_bad_pdfs(tmp_path: Path) -> None:
    make_pdf = _make_pdf()
    make_pdf([["Page one: unpacking."], [], ["Page three: error E42."]], tmp_path / "m.pdf")
    docs = list(load_pdf(tmp_path / "m.pdf", source="m.pdf"))
    assert [d["metadata"]["page"] for d in docs] == [1, 3]  # the blank page is skipped
    assert "E42" in docs[1]["text"]

    (tmp_path / "corrupt.pdf").write_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog >>\ngarbage")
    with pytest.raises(DocumentError, match=r"corrupt\.pdf: not a readable PDF"):
        list(load_pdf(tmp_path / "corrupt.pdf"))

    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for page in PdfReader(tmp_path / "m.pdf").pages:
        writer.add_page(page)
    writer.encrypt("secret")
    writer.write(tmp_path / "locked.pdf")
    with pytest.raises(DocumentError, match=r"locked\.pdf: the PDF is encrypted"):
        list(load_pdf(tmp_path / "locked.pdf"))

    (tmp_path / "empty.pdf").write_bytes(b"")
    with pytest.raises(DocumentError, match="empty"):
        list(load_pdf(tmp_path / "empty.pdf"))


def test_html_keeps_headings_and_drops_scripts(tmp_path: Path) -> None:
    (tmp_path / "p.html").write_text(
        "<html><head><title>Guide</title><style>p{}</style></head><body><nav>menu</nav>"
        "<h1>Aurora</h1><p>Boils &amp; keeps warm.</p><script>alert(1)</script>"
        "<h2>Cleaning</h2><ul><li>Descale monthly</li></ul></body></html>",
        encoding="utf-8",
    )
    doc = next(load_html(tmp_path / "p.html"))
    assert doc["text"] == "# Aurora\n\nBoils & keeps warm.\n\n## Cleaning\n\n- Descale monthly"
    assert doc["metadata"]["title"] == "Guide"


def test_json_path_and_csv_column_or_template(tmp_path: Path) -> None:
    (tmp_path / "faq.json").write_text(
        json.dumps(
            {"items": [{"q": "Reset?", "a": "Hold the button."}, {"q": "Warranty?", "a": "Two years."}]}
        ),
        encoding="utf-8",
    )
    docs = list(load_json(tmp_path / "faq.json", text_path="items[*].a"))
    assert [d["text"] for d in docs] == ["Hold the button.", "Two years."]
    assert docs[1]["metadata"]["json_path"] == "$.items[1].a"
    with pytest.raises(DocumentError, match=r"matches no text"):
        list(load_json(tmp_path / "faq.json", text_path="items[*].missing"))
    (tmp_path / "bad.json").write_text("{oops", encoding="utf-8")
    with pytest.raises(DocumentError, match=r"bad\.json: invalid JSON at line 1"):
        list(load_json(tmp_path / "bad.json"))

    (tmp_path / "faq.csv").write_text(
        "q,a\nReset?,Hold the button.\nWarranty?,Two years.\n", encoding="utf-8"
    )
    assert [d["text"] for d in load_csv(tmp_path / "faq.csv", column="a")] == [
        "Hold the button.",
        "Two years.",
    ]
    rows = list(load_csv(tmp_path / "faq.csv", template="Q: {q}\nA: {a}"))
    assert rows[0]["text"] == "Q: Reset?\nA: Hold the button." and rows[0]["metadata"]["row"] == 1
    with pytest.raises(DocumentError, match=r"no column 'answer' \(columns: q, a\)"):
        list(load_csv(tmp_path / "faq.csv", column="answer"))


def test_docx_headings(tmp_path: Path) -> None:
    import docx

    document = docx.Document()
    document.add_heading("Aurora", level=1)
    document.add_paragraph("A smart kettle.")
    document.add_heading("Safety", level=2)
    document.add_paragraph("Do not immerse.")
    document.save(tmp_path / "m.docx")
    doc = next(load_docx(tmp_path / "m.docx"))
    assert doc["text"] == "# Aurora\n\nA smart kettle.\n\n## Safety\n\nDo not immerse."
    (tmp_path / "fake.docx").write_bytes(b"not a zip")
    with pytest.raises(DocumentError, match=r"fake\.docx: not a readable DOCX"):
        list(load_docx(tmp_path / "fake.docx"))


def test_paths_outside_allowed_folders_and_symlinks(tmp_path: Path) -> None:
    allowed = tmp_path / "allowed"
    secret = tmp_path / "secret"
    allowed.mkdir()
    secret.mkdir()
    (secret / "keys.txt").write_text("top secret", encoding="utf-8")
    (allowed / "ok.md").write_text("# Fine\ntext", encoding="utf-8")
    os.symlink(secret / "keys.txt", allowed / "link.txt")
    os.symlink(secret, allowed / "linked_dir")
    assert check_allowed(allowed / "ok.md", [allowed]) == (allowed / "ok.md").resolve()
    with pytest.raises(PathNotAllowed, match="outside the allowed folders"):
        check_allowed(secret / "keys.txt", [allowed])
    with pytest.raises(PathNotAllowed, match=r"link\.txt \(which resolves to .*keys\.txt\) is outside"):
        check_allowed(allowed / "link.txt", [allowed])
    with pytest.raises(PathNotAllowed):
        check_allowed(allowed / ".." / "secret" / "keys.txt", [allowed])
    with pytest.raises(DocumentError, match="no such file"):
        check_allowed(allowed / "missing.txt", [allowed])
    # The folder loader reports the escaping links and keeps going.
    errors: list[tuple[str, str]] = []
    docs = list(load_folder(allowed, allowed_roots=[allowed], on_error=lambda s, m: errors.append((s, m))))
    assert [d["metadata"]["source"] for d in docs] == ["ok.md"]
    # The file link is reported; the folder link is either not followed or reported too.
    assert "link.txt" in {s for s, _ in errors}
    assert all("outside the allowed folders" in m for _, m in errors)
    assert not any("top secret" in d["text"] for d in docs)


def test_folder_reports_bad_files_and_loads_the_rest(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "a.md").write_text("# A\nalpha", encoding="utf-8")
    (tmp_path / "sub" / "b.txt").write_text("beta", encoding="utf-8")
    (tmp_path / "sub" / "bin.txt").write_bytes(b"\x00\x01\x02binary")
    (tmp_path / "sub" / "broken.pdf").write_bytes(b"%PDF-1.4 broken")
    (tmp_path / "notes.xyz").write_text("ignored type", encoding="utf-8")
    (tmp_path / ".hidden.md").write_text("hidden", encoding="utf-8")
    errors: list[tuple[str, str]] = []
    docs = list(load_folder(tmp_path, allowed_roots=[tmp_path], on_error=lambda s, m: errors.append((s, m))))
    assert sorted(d["metadata"]["source"] for d in docs) == ["a.md", "sub/b.txt"]
    assert sorted(s for s, _ in errors) == ["sub/bin.txt", "sub/broken.pdf"]
    only_md = list(load_folder(tmp_path, patterns=["**/*.md"], allowed_roots=[tmp_path]))
    assert [d["metadata"]["source"] for d in only_md] == ["a.md"]
    flat = list(load_folder(tmp_path, recursive=False, allowed_roots=[tmp_path], on_error=lambda s, m: None))
    assert [d["metadata"]["source"] for d in flat] == ["a.md"]


def test_unsupported_type_is_named(tmp_path: Path) -> None:
    (tmp_path / "x.xyz").write_text("x", encoding="utf-8")
    with pytest.raises(DocumentError, match=r"x\.xyz: unsupported file type '\.xyz'"):
        list(load_file(tmp_path / "x.xyz"))


def test_chinese_pdf_text_keeps_words_whole_and_headings_apart() -> None:
    from studio.runtime.knowledge.documents import load_pdf

    pages = list(load_pdf(ROOT / "assets" / "sample_docs" / "aurora_manual_zh.pdf"))
    page = next(p for p in pages if p["text"].startswith("加水与烧水"))
    assert page["text"].split("\n")[0] == "加水与烧水"  # the heading keeps its own line
    assert "即可开始加热" in page["text"]  # a word the page edge had split is whole again
    assert page["metadata"]["page"] == pages.index(page) + 1
