"""Ingest steps 1 and 2: input paths to documents.

`expand_paths` turns the paths given (files, folders, globs) into the files to read, in a stable order.
`read_documents` reads one file into `Document`s: plain text, HTML (trafilatura: main text and metadata),
RSS/Atom feeds (feedparser: one document per entry) or JSON Lines (`{"id", "text", ...}`), after `decode` has
found the text in its bytes (a BOM, UTF-8, or the Arabic single-byte code page whose decoding reads as Arabic).
`documents_of` is the same for the entry point: it never raises, a bad input becomes a `Skipped` with a one-line
reason.
"""

from __future__ import annotations

import glob
import hashlib
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from digest.document import Skipped
from digest.errors import InputError
from digest.lang import dates
from digest.options import IngestOptions

FORMATS = {
    ".txt": "text",
    ".text": "text",
    ".md": "text",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".xml": "feed",
    ".rss": "feed",
    ".atom": "feed",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
}


@dataclass(frozen=True)
class Document:
    """One article's raw material as read from an input, before cleaning; fields given by the input."""

    id: str
    text: str
    source: str
    title: str | None = None
    url: str | None = None
    outlet: str | None = None
    author: str | None = None
    published: datetime | None = None
    language: str | None = None
    origin: str = "text file"  # what the given fields came from (for Article.inferred)
    unreadable_date: str | None = None  # a given publication date that could not be read


def expand_paths(paths: Sequence[Path]) -> list[Path]:
    """Files named, files with a known suffix under folders named, and glob matches, sorted; missing raise."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in FORMATS))
        elif path.is_file():
            found.append(path)
        elif glob.has_magic(str(path)):
            matches = sorted(Path(p) for p in glob.glob(str(path), recursive=True) if Path(p).is_file())
            if not matches:
                raise InputError(f"no file matches {path}")
            found.extend(matches)
        else:
            raise InputError(f"input not found: {path}")
    return list(dict.fromkeys(found))


_BOMS = (
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_ARABIC_LETTERS = re.compile(r"[\u0621-\u064a]")
_TEXT_CHAR = re.compile(r"[\w\s.,;:!?؟،؛'\"()«»“”\-–—/]")
_MIXED_SCRIPT = re.compile(r"[\u0621-\u064a][\u00c0-\u00ff]|[\u00c0-\u00ff][\u0621-\u064a]")


def _plausible(text: str) -> bool:
    """Decoded text reads as text: almost no control characters."""
    return len(_CONTROL.findall(text)) <= max(2, len(text) // 1000)


def _arabic_codepage_score(text: str) -> float:
    """How much a single-byte decoding reads as Arabic: Arabic letters, minus Latin-1 letters glued to them."""
    return len(_ARABIC_LETTERS.findall(text)) - 20 * len(_MIXED_SCRIPT.findall(text))


def decode(raw: bytes) -> tuple[str, str]:
    """(text, encoding) of a file's bytes: BOM, else UTF-16 without BOM (NUL pattern), else strict UTF-8, else the
    Arabic code page (Windows-1256 or ISO-8859-6) whose decoding reads best as Arabic, checked by
    charset-normalizer. Raises `InputError` for empty, binary or undecodable bytes."""
    if not raw.strip():
        raise InputError("empty file")
    for bom, encoding in _BOMS:
        if raw.startswith(bom):
            try:
                return raw.decode(encoding).removeprefix("\ufeff"), encoding.removesuffix("-sig")
            except UnicodeDecodeError:
                raise InputError(
                    f"undecodable: starts with a {encoding} byte-order mark but is not {encoding}"
                ) from None
    sample = raw[:4096]
    if b"\x00" in sample:
        # UTF-16 without a byte-order mark: NULs are the high bytes of ASCII characters (spaces, digits,
        # punctuation); accept it only when one byte order decodes to letters and spaces.
        for encoding in ("utf-16-le", "utf-16-be"):
            if len(raw) % 2:
                break
            try:
                text = raw.decode(encoding)
            except UnicodeDecodeError:
                continue
            letters = len(_TEXT_CHAR.findall(text[:2000]))
            if _plausible(text) and letters >= 0.8 * len(text[:2000]):
                return text, encoding
        raise InputError("binary file (NUL bytes), not text")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        if _plausible(text):
            return text, "utf-8"
        raise InputError("binary file (control characters), not text")
    candidates = []
    for encoding in ("cp1256", "iso-8859-6"):
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError:
            continue
        if _plausible(text):
            candidates.append((_arabic_codepage_score(text), encoding, text))
    candidates.sort(key=lambda c: -c[0])
    if candidates and candidates[0][0] > 0:
        return candidates[0][2], candidates[0][1]
    best = _charset_normalizer_guess(raw)
    if best is not None:
        return best
    raise InputError("undecodable: not UTF-8, UTF-16, Windows-1256 or ISO-8859-6 text")


def _charset_normalizer_guess(raw: bytes) -> tuple[str, str] | None:
    """charset-normalizer's reading for other encodings, accepted only when it is confident and clean."""
    from charset_normalizer import from_bytes

    match = from_bytes(raw[:200_000]).best()
    if match is None or match.chaos > 0.2 or match.encoding is None:
        return None
    try:
        text = raw.decode(match.encoding)
    except (UnicodeDecodeError, LookupError):
        return None
    return (text, match.encoding) if _plausible(text) else None


def _sniff(path: Path, text: str) -> str:
    """The input format: from the suffix when known, else from the content."""
    fmt = FORMATS.get(path.suffix.lower())
    if fmt:
        return fmt
    head = text.lstrip()[:512].lower()
    if head.startswith("{"):
        return "jsonl"
    if "<rss" in head or "<feed" in head or "<rdf:rdf" in head:
        return "feed"
    if head.startswith(("<!doctype html", "<html")) or "<body" in text[:4096].lower():
        return "html"
    return "text"


def read_documents(path: Path, options: IngestOptions) -> tuple[list[Document], list[Skipped]]:
    """Every document in one file, and the parts of it skipped; raises `InputError` when the file is unusable."""
    size = path.stat().st_size
    if size > options.max_bytes:
        raise InputError(f"too large ({size} bytes > max_bytes {options.max_bytes}); raise [ingest] max_bytes")
    text, _encoding = decode(path.read_bytes())
    fmt = _sniff(path, text)
    if fmt == "html":
        return [_html_document(path, text)], []
    if fmt == "feed":
        return _feed_documents(path, text)
    if fmt == "jsonl":
        return _jsonl_documents(path, text, options)
    return [Document(id=path.stem, text=text, source=str(path))], []


def _html_document(path: Path, html: str) -> Document:
    import trafilatura

    try:
        extracted = trafilatura.bare_extraction(
            html,
            with_metadata=True,
            include_comments=False,
            include_tables=False,
            # keep the time and zone of the page's own publication date, not only the day
            date_extraction_params={"outputformat": "%Y-%m-%dT%H:%M:%S%z", "original_date": True},
        )
    except Exception as exc:  # trafilatura raises many kinds on broken markup; each is one skip reason
        raise InputError(f"malformed HTML: {type(exc).__name__}") from None
    fields: dict[str, Any] = {}
    if extracted is not None:
        fields = extracted if isinstance(extracted, dict) else extracted.as_dict()
    text = fields.get("text")
    if not isinstance(text, str) or not text.strip():
        raise InputError("malformed HTML or no article text found in it")

    def given(name: str) -> str | None:
        value = fields.get(name)
        return value.strip() or None if isinstance(value, str) else None

    stamp = given("date")
    return Document(
        id=path.stem,
        text=text,
        source=str(path),
        title=given("title"),
        url=given("url"),
        outlet=given("sitename"),
        author=given("author"),
        published=dates.parse_datetime(stamp) if stamp else None,
        language=given("language"),
        origin="HTML metadata",
    )


_BLOCK_TAG = re.compile(r"(?i)<(?:/p|br\s*/?|/div|/li|/h[1-6]|/blockquote|/tr)\s*>")


def html_to_text(fragment: str) -> str:
    """The text of an HTML fragment (a feed entry's content), one line per block."""
    import lxml.html
    from lxml.etree import ParserError

    marked = _BLOCK_TAG.sub(lambda m: m.group(0) + "\n", fragment)
    try:
        node = lxml.html.fragment_fromstring(marked, create_parent="div")
    except (ParserError, ValueError):
        return re.sub(r"<[^>]+>", " ", fragment)
    return str(node.text_content())


def _feed_documents(path: Path, text: str) -> tuple[list[Document], list[Skipped]]:
    import feedparser

    parsed = feedparser.parse(text)
    if not parsed.entries:
        why = getattr(parsed, "bozo_exception", None)
        raise InputError(f"malformed feed or no entries: {str(why).splitlines()[0] if why else 'no <item>/<entry>'}")
    outlet = (parsed.feed.get("title") or "").strip() or None
    documents: list[Document] = []
    skipped: list[Skipped] = []
    for n, entry in enumerate(parsed.entries, 1):
        where = f"{path}#{n}"
        content = entry.get("content") or []
        body = content[0].get("value", "") if content else entry.get("summary", "")
        body = html_to_text(body) if "<" in body else body
        if not body.strip():
            skipped.append(Skipped(where, "feed entry without text"))
            continue
        stamp = entry.get("published_parsed") or entry.get("updated_parsed")
        published = datetime(*stamp[:6]) if stamp else dates.parse_datetime(entry.get("published"))
        documents.append(
            Document(
                id=_entry_id(path, n, entry.get("id") or entry.get("link")),
                text=body,
                source=where,
                title=(entry.get("title") or "").strip() or None,
                url=entry.get("link"),
                outlet=outlet,
                author=(entry.get("author") or "").strip() or None,
                published=published,
                language=(parsed.feed.get("language") or "")[:2].lower() or None,
                origin="feed entry",
            )
        )
    return documents, skipped


def _entry_id(path: Path, n: int, key: str | None) -> str:
    suffix = hashlib.sha1(key.encode()).hexdigest()[:10] if key else str(n)
    return f"{path.stem}-{suffix}"


def _jsonl_documents(path: Path, text: str, options: IngestOptions) -> tuple[list[Document], list[Skipped]]:
    documents: list[Document] = []
    skipped: list[Skipped] = []
    for lineno, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        where = f"{path}:{lineno}"
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            skipped.append(Skipped(where, f"invalid JSON ({exc.msg})"))
            continue
        if not isinstance(record, dict):
            skipped.append(Skipped(where, "a JSON line must be an object with id and text"))
            continue
        ident, body = record.get("id"), record.get("text")
        if not isinstance(ident, (str, int)) or isinstance(ident, bool) or str(ident).strip() == "":
            skipped.append(Skipped(where, "no id"))
            continue
        if not isinstance(body, str):
            skipped.append(Skipped(where, "no text"))
            continue

        def given(name: str, rec: dict[str, Any] = record) -> str | None:
            value = rec.get(name)
            return value.strip() or None if isinstance(value, str) else None

        published = None
        unreadable = None
        if record.get("published") is not None:
            published = dates.parse_datetime(record["published"])
            if published is None:  # the article is still good: its date is then looked for in its text
                unreadable = str(record["published"])[:40]
        documents.append(
            Document(
                id=str(ident).strip(),
                text=body,
                source=where,
                title=given("title"),
                url=given("url"),
                outlet=given("outlet"),
                author=given("author"),
                published=published,
                language=given("language"),
                origin="given field",
                unreadable_date=unreadable,
            )
        )
    if not documents and not skipped:
        raise InputError("empty JSON Lines file")
    return documents, skipped


def documents_of(path: Path, options: IngestOptions) -> tuple[list[Document], list[Skipped]]:
    """The documents of one path; never raises for a bad input."""
    try:
        return read_documents(path, options)
    except InputError as exc:
        return [], [Skipped(str(path), str(exc))]
    except OSError as exc:
        return [], [Skipped(str(path), f"cannot read: {exc.strerror or exc}")]
