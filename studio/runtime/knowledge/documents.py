"""Document loaders: files in, documents `{"text", "metadata": {"source", ...}}` out.

Every loader is a plain function taking a path (already checked with `check_allowed`) and
yielding documents, so a big file never has to be held in several copies at once. Problems
raise DocumentError with the file name in the message.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import fnmatch
import json
import os
import re
from collections.abc import Callable, Iterator, Sequence
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

Document = dict[str, Any]

# Files up to this size become one document; bigger text files are streamed in blocks.
SINGLE_DOCUMENT_BYTES = 4 * 1024 * 1024
BLOCK_CHARS = 1_000_000
_SNIFF_BYTES = 64 * 1024
TEXT_EXTENSIONS = {".txt", ".text", ".log", ".rst", ".md", ".markdown", ".mdx"}


class DocumentError(ValueError):
    """A file could not be loaded; the message names the file and the cause."""


class PathNotAllowed(DocumentError):
    """A path (after resolving symlinks) lies outside the folders the user allowed."""


# ----------------------------------------------------------------------------- paths
def check_allowed(path: str | os.PathLike[str], allowed_roots: Sequence[str | os.PathLike[str]]) -> Path:
    """The fully resolved path, if it exists and lies inside one of the allowed folders.

    Symlinks are resolved first, so a link inside an allowed folder that points outside it is
    refused like the target itself would be.
    """
    raw = Path(path).expanduser()
    try:
        resolved = raw.resolve(strict=True)
    except FileNotFoundError:
        raise DocumentError(f"{raw}: no such file or folder") from None
    except (OSError, RuntimeError) as exc:  # symlink loops end up here
        raise DocumentError(f"{raw}: cannot resolve the path: {exc}") from None
    roots = [Path(r).expanduser().resolve() for r in allowed_roots]
    if not roots:
        raise PathNotAllowed(f"{raw}: no folders are allowed for loading files")
    for root in roots:
        if resolved == root or resolved.is_relative_to(root):
            return resolved
    shown = f"{raw} (which resolves to {resolved})" if resolved != raw.absolute() else str(raw)
    raise PathNotAllowed(
        f"{shown} is outside the allowed folders ({', '.join(str(r) for r in roots)}); "
        "add its folder in Settings > Folders (or to the node's allowed folders) to load it"
    )


# ----------------------------------------------------------------------------- decoding
def _sniff_encoding(path: Path, head: bytes) -> str:
    """utf-8 (with or without BOM), utf-16 with a BOM, gb18030 for Chinese; else an error."""
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if b"\x00" in head[:8192]:
        raise DocumentError(f"{path.name}: looks like a binary file (it contains NUL bytes), not text")
    for encoding in ("utf-8", "gb18030"):
        try:
            # Not final: the sample may end in the middle of a multi-byte character.
            codecs.getincrementaldecoder(encoding)().decode(head, final=False)
            return encoding
        except UnicodeDecodeError:
            continue
    raise DocumentError(f"{path.name}: cannot decode the text (tried utf-8 and gb18030); save it as UTF-8")


def iter_text_blocks(path: Path, block_chars: int = BLOCK_CHARS) -> Iterator[str]:
    """Decoded text of a file in blocks of about `block_chars`, cut after a line break.

    Memory stays around one block whatever the file size.
    """
    with open(path, "rb") as handle:
        head = handle.read(_SNIFF_BYTES)
        if not head:
            raise DocumentError(f"{path.name}: the file is empty")
        encoding = _sniff_encoding(path, head)
        decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
        pending = ""
        offset = 0
        data = head
        while True:
            try:
                pending += decoder.decode(data, final=not data)
            except UnicodeDecodeError as exc:
                raise DocumentError(
                    f"{path.name}: invalid {encoding} text near byte {offset + exc.start}"
                ) from None
            offset += len(data)
            while len(pending) >= block_chars:
                cut = pending.rfind("\n", 0, block_chars) + 1 or block_chars
                yield pending[:cut]
                pending = pending[cut:]
            if not data:
                break
            data = handle.read(256 * 1024)
        if pending:
            yield pending


def read_text(path: Path) -> str:
    """The whole decoded text of a (small) file."""
    return "".join(iter_text_blocks(path))


# ----------------------------------------------------------------------------- loaders
def load_text(path: Path, *, source: str | None = None, fmt: str = "text") -> Iterator[Document]:
    """A text or Markdown file: one document, or one per block for files over 4 MB."""
    source = source or str(path)
    size = path.stat().st_size
    if size <= SINGLE_DOCUMENT_BYTES:
        text = read_text(path)
        if not text.strip():
            raise DocumentError(f"{path.name}: the file has no text")
        yield {"text": text, "metadata": {"source": source, "format": fmt}}
        return
    start = 0
    for part, block in enumerate(iter_text_blocks(path)):
        yield {
            "text": block,
            "metadata": {"source": source, "format": fmt, "part": part, "offset": start},
        }
        start += len(block)


def load_markdown(path: Path, *, source: str | None = None) -> Iterator[Document]:
    """A Markdown file (split it by headings with the Markdown splitter)."""
    yield from load_text(path, source=source, fmt="markdown")


_CJK = re.compile("[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef]")


def join_wrapped_cjk_lines(text: str) -> str:
    """Undo the PDF's line wrapping inside Chinese/Japanese text, which splits words (and so
    full-text search). Only full lines are joined: a short line (a heading, a paragraph's end)
    keeps its break. Latin text is left alone; its breaks read as spaces."""
    lines = text.split("\n")
    widest = max((len(line.strip()) for line in lines), default=0)
    out = [lines[0]] if lines else []
    for line in lines[1:]:
        previous = out[-1].rstrip()
        if (
            previous
            and line.strip()
            and len(previous.strip()) >= 0.8 * widest
            and _CJK.match(previous[-1])
            and _CJK.match(line.lstrip()[0])
        ):
            out[-1] = previous + line.lstrip()
        else:
            out.append(line)
    return "\n".join(out)


def load_pdf(path: Path, *, source: str | None = None) -> Iterator[Document]:
    """One document per PDF page with text, with its 1-based page number."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    source = source or str(path)
    if path.stat().st_size == 0:
        raise DocumentError(f"{path.name}: the file is empty")
    try:
        reader = PdfReader(str(path))
        if reader.is_encrypted:
            try:
                opened = bool(reader.decrypt(""))
            except Exception:
                opened = False
            if not opened:
                raise DocumentError(
                    f"{path.name}: the PDF is encrypted with a password; save an unprotected copy"
                )
        pages = list(reader.pages)
    except DocumentError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as exc:
        raise DocumentError(f"{path.name}: not a readable PDF ({exc})") from None
    except Exception as exc:
        raise DocumentError(f"{path.name}: not a readable PDF ({type(exc).__name__}: {exc})") from None
    found = False
    for number, page in enumerate(pages, start=1):
        try:
            text = page.extract_text() or ""
        except Exception as exc:
            raise DocumentError(f"{path.name}: cannot read the text of page {number} ({exc})") from None
        if text.strip():
            found = True
            text = join_wrapped_cjk_lines(text)
            yield {"text": text, "metadata": {"source": source, "page": number, "format": "pdf"}}
    if not found:
        raise DocumentError(f"{path.name}: no text in the PDF (a scanned document needs OCR first)")


_BLOCK_TAGS = {
    "p",
    "div",
    "section",
    "article",
    "li",
    "tr",
    "br",
    "pre",
    "blockquote",
    "dd",
    "dt",
    "table",
    "ul",
    "ol",
    "main",
    "header",
    "footer",
    "figcaption",
    "td",
    "th",
}
_SKIP_TAGS = {"script", "style", "noscript", "template", "svg", "head", "nav", "iframe"}


class _Readable(HTMLParser):
    """Readable text from HTML: headings as Markdown headings, blocks on their own lines."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip = 0
        self.title = ""
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP_TAGS:
            self.skip += 1
        if tag == "title":
            self._in_title = True
        if re.fullmatch(r"h[1-6]", tag):
            self.parts.append("\n\n" + "#" * int(tag[1]) + " ")
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")
            if tag == "li":
                self.parts.append("- ")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP_TAGS and self.skip:
            self.skip -= 1
        if tag == "title":
            self._in_title = False
        if re.fullmatch(r"h[1-6]", tag):
            self.parts.append("\n\n")
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")
        elif tag in {"td", "th"}:
            self.parts.append(" | ")

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title += data
        if self.skip:
            return
        self.parts.append(re.sub(r"\s+", " ", data))

    def text(self) -> str:
        joined = "".join(self.parts)
        lines = [line.strip() for line in joined.split("\n")]
        return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def html_to_text(html: str) -> tuple[str, str]:
    """(readable text with `#` headings, page title) of an HTML string."""
    parser = _Readable()
    parser.feed(html)
    parser.close()
    return parser.text(), parser.title.strip()


def load_html(path: Path, *, source: str | None = None) -> Iterator[Document]:
    """An HTML page as readable text; headings become Markdown headings so they can be kept."""
    text, title = html_to_text(read_text(path))
    if not text:
        raise DocumentError(f"{path.name}: the page has no readable text")
    metadata: dict[str, Any] = {"source": source or str(path), "format": "html"}
    if title:
        metadata["title"] = title
    yield {"text": text, "metadata": metadata}


def json_path_values(data: Any, json_path: str) -> Iterator[tuple[str, Any]]:
    """(concrete path, value) pairs for a simple JSON path.

    Examples: `items[*].body`, `$.a.b[0]`, `*.text`.
    """
    steps = [s for s in re.split(r"\.|(?=\[)", json_path.strip().removeprefix("$")) if s]

    def walk(value: Any, index: int, where: str) -> Iterator[tuple[str, Any]]:
        if index == len(steps):
            yield where or "$", value
            return
        step = steps[index]
        if step in ("[*]", "*"):
            items = (
                value.items()
                if isinstance(value, dict)
                else enumerate(value)
                if isinstance(value, list)
                else ()
            )
            for key, item in items:
                label = f"{where}[{key}]" if isinstance(key, int) else f"{where}.{key}"
                yield from walk(item, index + 1, label)
        elif step.startswith("["):
            position = int(step.strip("[]"))
            if isinstance(value, list) and -len(value) <= position < len(value):
                yield from walk(value[position], index + 1, f"{where}[{position}]")
        elif isinstance(value, dict) and step in value:
            yield from walk(value[step], index + 1, f"{where}.{step}")

    yield from walk(data, 0, "$")


def load_json(path: Path, *, text_path: str = "$", source: str | None = None) -> Iterator[Document]:
    """Documents from the strings at `text_path` (e.g. `articles[*].body`) in a JSON file.

    A `.jsonl` file applies the path to each line. The default path `$` makes the whole file (or
    each line) one document holding its JSON text.
    """
    source = source or str(path)
    raw = read_text(path)
    try:
        if path.suffix.lower() == ".jsonl":
            records = [json.loads(line) for line in raw.splitlines() if line.strip()]
            roots: list[tuple[str, Any]] = [(f"line {i + 1}", r) for i, r in enumerate(records)]
        else:
            roots = [("", json.loads(raw))]
    except json.JSONDecodeError as exc:
        raise DocumentError(
            f"{path.name}: invalid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}"
        ) from None
    found = 0
    whole = text_path.strip() in ("", "$")
    for prefix, data in roots:
        if whole and not isinstance(data, str):
            # The default path: the whole record is the text, as readable JSON.
            found += 1
            yield {
                "text": json.dumps(data, ensure_ascii=False, indent=2),
                "metadata": {"source": source, "json_path": f"{prefix}$", "format": "json"},
            }
            continue
        for where, value in json_path_values(data, text_path):
            if isinstance(value, str | int | float) and not isinstance(value, bool) and str(value).strip():
                found += 1
                yield {
                    "text": str(value),
                    "metadata": {
                        "source": source,
                        "json_path": f"{prefix}{where}",
                        "format": "json",
                    },
                }
    if not found:
        raise DocumentError(f"{path.name}: the JSON path {text_path!r} matches no text")


def load_csv(
    path: Path,
    *,
    column: str | None = None,
    template: str | None = None,
    metadata_columns: Sequence[str] = (),
    source: str | None = None,
) -> Iterator[Document]:
    """One document per row: a column's text, or a row template such as `"{title}: {body}"`."""
    source = source or str(path)
    text = read_text(path)
    dialect: Any = csv.excel
    with contextlib.suppress(csv.Error):
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t|")
    reader = csv.DictReader(text.splitlines(), dialect=dialect)
    fields = reader.fieldnames or []
    if column is None and template is None:
        if not fields:
            raise DocumentError(f"{path.name}: the CSV file has no header row")
        if len(fields) == 1:
            column = fields[0]
        # else every column, one `name: value` line each, so no cell is lost
    if column is not None and column not in fields:
        raise DocumentError(f"{path.name}: no column {column!r} (columns: {', '.join(fields)})")
    for name in metadata_columns:
        if name not in fields:
            raise DocumentError(f"{path.name}: no column {name!r} (columns: {', '.join(fields)})")
    for number, row in enumerate(reader, start=1):
        if template is not None:
            try:
                value = template.format(**{k: (v or "") for k, v in row.items() if k})
            except KeyError as exc:
                raise DocumentError(
                    f"{path.name}: the row template names {exc} but the columns are {', '.join(fields)}"
                ) from None
        elif column is not None:
            value = row.get(column) or ""
        else:
            value = "\n".join(f"{name}: {row.get(name)}" for name in fields if (row.get(name) or "").strip())
        if not value.strip():
            continue
        metadata: dict[str, Any] = {"source": source, "row": number, "format": "csv"}
        for name in metadata_columns:
            metadata[name] = row.get(name)
        yield {"text": value, "metadata": metadata}


def load_docx(path: Path, *, source: str | None = None) -> Iterator[Document]:
    """A Word document: paragraphs, headings as Markdown headings, tables as rows."""
    import docx

    try:
        document = docx.Document(str(path))
    except Exception as exc:
        raise DocumentError(f"{path.name}: not a readable DOCX file ({type(exc).__name__}: {exc})") from None
    lines: list[str] = []
    for paragraph in document.paragraphs:
        text = paragraph.text.strip()
        if not text:
            continue
        style = (paragraph.style.name if paragraph.style is not None else "") or ""
        level = re.match(r"Heading (\d)", style)
        if level:
            lines.append("#" * int(level.group(1)) + " " + text)
        elif style == "Title":
            lines.append("# " + text)
        else:
            lines.append(text)
    for table in document.tables:
        for row in table.rows:
            lines.append(" | ".join(cell.text.strip() for cell in row.cells))
    text = "\n\n".join(lines)
    if not text.strip():
        raise DocumentError(f"{path.name}: the document has no text")
    yield {"text": text, "metadata": {"source": source or str(path), "format": "docx"}}


Loader = Callable[..., Iterator[Document]]
LOADERS: dict[str, Loader] = {
    ".txt": load_text,
    ".text": load_text,
    ".log": load_text,
    ".rst": load_text,
    ".md": load_markdown,
    ".markdown": load_markdown,
    ".mdx": load_markdown,
    ".pdf": load_pdf,
    ".html": load_html,
    ".htm": load_html,
    ".json": load_json,
    ".jsonl": load_json,
    ".csv": load_csv,
    ".tsv": load_csv,
    ".docx": load_docx,
}


def load_file(path: Path, *, source: str | None = None, **options: Any) -> Iterator[Document]:
    """Load one file with the loader its extension picks."""
    loader = LOADERS.get(path.suffix.lower())
    if loader is None:
        raise DocumentError(
            f"{path.name}: unsupported file type {path.suffix or '(none)'!r}; "
            f"supported: {', '.join(sorted(LOADERS))}"
        )
    if path.is_dir():
        raise DocumentError(f"{path}: is a folder; use the Folder loader")
    return loader(path, source=source, **options)


def load_folder(
    folder: Path,
    *,
    patterns: Sequence[str] = ("**/*",),
    exclude: Sequence[str] = (),
    allowed_roots: Sequence[str | os.PathLike[str]] | None = None,
    recursive: bool = True,
    on_error: Callable[[str, str], None] | None = None,
    max_files: int = 10_000,
) -> Iterator[Document]:
    """Documents from every supported file under a folder that matches the glob patterns.

    Sources are paths relative to the folder. A file that cannot be loaded (unreadable, binary,
    outside the allowed folders through a symlink) is reported through `on_error(source,
    message)` and skipped; it never stops the others.
    """
    folder = check_allowed(folder, allowed_roots) if allowed_roots is not None else folder.resolve()
    if not folder.is_dir():
        raise DocumentError(f"{folder}: not a folder")
    seen: set[Path] = set()
    files: list[Path] = []
    for pattern in patterns:
        matches = folder.glob(pattern) if recursive else folder.glob(pattern.replace("**/", ""))
        for path in sorted(matches):
            if path in seen or path.is_dir():
                continue
            relative = path.relative_to(folder).as_posix()
            if any(part.startswith(".") for part in path.relative_to(folder).parts):
                continue  # hidden files and folders (.git, .DS_Store)
            if any(fnmatch.fnmatch(relative, ex) for ex in exclude):
                continue
            if path.suffix.lower() not in LOADERS:
                continue
            seen.add(path)
            files.append(path)
    if len(files) > max_files:
        raise DocumentError(f"{folder}: {len(files)} files match, more than the limit of {max_files}")
    for path in files:
        relative = path.relative_to(folder).as_posix()
        try:
            resolved = check_allowed(path, allowed_roots if allowed_roots is not None else [folder])
            streamed = (
                resolved.suffix.lower() in TEXT_EXTENSIONS and resolved.stat().st_size > SINGLE_DOCUMENT_BYTES
            )
            if streamed:  # big text: stream it (an error late in the file keeps earlier blocks)
                yield from load_file(resolved, source=relative)
            else:  # all or nothing per file, so a bad page does not leave half a document
                yield from list(load_file(resolved, source=relative))
        except DocumentError as exc:
            if on_error is None:
                raise
            on_error(relative, str(exc))
        except OSError as exc:
            if on_error is None:
                raise DocumentError(f"{relative}: {exc.strerror or exc}") from None
            on_error(relative, f"{relative}: {exc.strerror or exc}")
