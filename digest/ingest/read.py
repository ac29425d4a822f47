"""Ingest steps 1 and 2: input paths to documents.

`expand_paths` turns the paths given (files, folders, globs) into the regular files to read, in a stable order,
and says why it left out what it did (a symlink loop, an unreadable folder, a device file).
`read_documents` reads one file into `Document`s: plain text, HTML (trafilatura: main text and metadata),
RSS/Atom feeds (feedparser: one document per entry) or JSON Lines (`{"id", "text", ...}`, streamed line by line),
after `decode_text` has found the text in its bytes by evidence (`decode_text` says how). `max_bytes` limits
one article (a text or HTML file, a JSON line, a feed entry); `max_file_bytes` a JSON Lines file or a feed.
`documents_of` is the same for the entry point: it never raises, a bad input becomes a `Skipped` with a one-line
reason, and what was read with a caveat (invalid bytes replaced) an `InputWarning`.
"""

from __future__ import annotations

import contextlib
import errno
import glob
import hashlib
import json
import os
import re
import stat
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, BinaryIO, NamedTuple

from digest.document import InputWarning, Skipped
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


def expand_paths(paths: Sequence[Path]) -> tuple[list[Path], list[Skipped]]:
    """Files named, files with a known suffix under folders named (symlinked folders followed once), and glob
    matches, sorted; and what was left out, with why: a symlink loop or a broken symlink, a folder that cannot
    be read, something not a regular file (a device, a FIFO: opening it could block or never end). A path that
    does not exist at all raises (the user's mistake stops the run); one that exists as a link is a skip."""
    found: list[Path] = []
    skipped: list[Skipped] = []
    for path in paths:
        kind = _kind(path)
        if kind == "dir":
            _walk(path, found, skipped, set())
        elif kind == "file":
            found.append(path)
        elif kind is not None:
            skipped.append(Skipped(str(path), kind))
        elif glob.has_magic(str(path)):
            matches = sorted(Path(p) for p in glob.glob(str(path), recursive=True))
            if not matches:
                raise InputError(f"no file matches {path}")
            for match in matches:
                kind = _kind(match)
                if kind == "file":
                    found.append(match)
                elif kind not in ("dir", None):
                    skipped.append(Skipped(str(match), kind))
        else:
            raise InputError(f"input not found: {path}")
    return list(dict.fromkeys(found)), skipped


_SPECIAL = (
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISSOCK, "a socket"),
)


def _kind(path: Path) -> str | None:
    """ "file", "dir", None when nothing is there, else why the path cannot be read (a one-line skip reason)."""
    try:
        mode = path.stat().st_mode
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return "symlink loop (the link leads back to itself)"
        if path.is_symlink():
            return f"broken symlink (its target {os.readlink(path)} does not exist)"
        if exc.errno in (errno.ENOENT, errno.ENOTDIR):
            return None
        return f"cannot read: {exc.strerror or exc}"
    if stat.S_ISDIR(mode):
        return "dir"
    if stat.S_ISREG(mode):
        return "file"
    what = next((name for test, name in _SPECIAL if test(mode)), "not a regular file")
    return f"not a regular file: {what}"


def _walk(folder: Path, found: list[Path], skipped: list[Skipped], above: set[tuple[int, int]]) -> None:
    """Files with a known suffix under `folder`, in name order; `above` holds the folders being walked (by device
    and inode), so that a symlink back to one of them is a loop, reported once, not walked forever."""
    try:
        info = folder.stat()
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError as exc:
        skipped.append(Skipped(str(folder), f"cannot read folder: {exc.strerror or exc}"))
        return
    key = (info.st_dev, info.st_ino)
    if key in above:
        skipped.append(Skipped(str(folder), "symlink loop (a link to a folder that contains it)"))
        return
    above = above | {key}
    for entry in entries:
        path = Path(entry.path)
        kind = _kind(path)
        if kind == "dir":
            _walk(path, found, skipped, above)
        elif kind == "file":
            if path.suffix.lower() in FORMATS:
                found.append(path)
        elif kind is not None and (path.suffix.lower() in FORMATS or entry.is_symlink()):
            skipped.append(Skipped(str(path), kind))


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


# Arabic written in UTF-8 and read as Windows-1256: each letter's lead byte (0xD8, 0xD9) becomes ط or ظ and its
# second byte (0x80-0xBF) a symbol or a Persian/Urdu letter: "ط§" for ا, "ظ„" for ل. Arabic punctuation, which
# also sits in that range, is left out: "فقط،" is Arabic.
_MOJIBAKE_SECOND = "".join(
    ch for ch in bytes(range(0x80, 0xC0)).decode("cp1256", errors="ignore") if ch not in "،؛؟\u00a0"
)
_MOJIBAKE = re.compile(f"[طظ][{re.escape(_MOJIBAKE_SECOND)}]")
_REPLACEMENT = "\ufffd"
UTF8_EVIDENCE = 4  # a file not valid UTF-8 is still read as UTF-8 when it holds this many valid multi-byte
# characters per invalid sequence: inserting 1% random bytes into UTF-8 Arabic leaves about 25, an Arabic code
# page read as UTF-8 about none


class Decoded(NamedTuple):
    """A file's text, the encoding it was read in, and how many invalid UTF-8 sequences were replaced (U+FFFD)."""

    text: str
    encoding: str
    replaced: int = 0


def _plausible(text: str) -> bool:
    """Decoded text reads as text: almost no control characters (stray bytes, up to 1%; binary has many more)."""
    return len(_CONTROL.findall(text)) <= max(2, len(text) // 100)


def _controls_replaced(decoded: Decoded) -> Decoded:
    """`decoded` with its stray control characters replaced (U+FFFD) and counted with the invalid bytes."""
    text, count = _CONTROL.subn(_REPLACEMENT, decoded.text)
    return decoded._replace(text=text, replaced=decoded.replaced + count) if count else decoded


def _arabic_codepage_score(text: str) -> float:
    """How much a decoding reads as Arabic: Arabic letters, minus Latin-1 letters glued to them, mojibake pairs
    and replaced bytes."""
    return (
        len(_ARABIC_LETTERS.findall(text))
        - 20 * len(_MIXED_SCRIPT.findall(text))
        - 20 * len(_MOJIBAKE.findall(text))
        - 10 * text.count(_REPLACEMENT)
    )


def mojibake(text: str) -> str | None:
    """The first mojibake pair when `text` reads as UTF-8 Arabic decoded as Windows-1256 (such pairs are at
    least a tenth of its Arabic letters), else None."""
    pairs = _MOJIBAKE.findall(text)
    if len(pairs) >= 3 and 10 * len(pairs) >= len(_ARABIC_LETTERS.findall(text)):
        return str(pairs[0])
    return None


def decode(raw: bytes) -> tuple[str, str]:
    """(text, encoding) of a file's bytes (`decode_text`)."""
    decoded = decode_text(raw)
    return decoded.text, decoded.encoding


def decode_text(raw: bytes) -> Decoded:
    """A file's bytes as text, by evidence: a BOM; UTF-16 without BOM (NUL pattern); strict UTF-8; UTF-8 with a few
    invalid sequences replaced when the rest is well-formed UTF-8 (`UTF8_EVIDENCE`), unless an Arabic code page
    (Windows-1256, ISO-8859-6) reads better as Arabic; else the code page that reads as Arabic; else
    charset-normalizer's confident guess. Raises `InputError` for empty, binary or undecodable bytes, and for
    text that reads as mojibake (UTF-8 Arabic already decoded as Windows-1256) in every encoding tried."""
    if not raw.strip():
        raise InputError("empty file")
    for bom, encoding in _BOMS:
        if raw.startswith(bom):
            try:
                return Decoded(raw.decode(encoding).removeprefix("\ufeff"), encoding.removesuffix("-sig"))
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
                return Decoded(text, encoding)
        raise InputError("binary file (NUL bytes), not text")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        if not _plausible(text):
            raise InputError("binary file (control characters), not text")
        return _not_mojibake(_controls_replaced(Decoded(text, "utf-8")), "UTF-8")
    utf8: Decoded | None = None
    text = raw.decode("utf-8", errors="replace")
    replaced = text.count(_REPLACEMENT) - raw.count(b"\xef\xbf\xbd")
    well_formed = sum(1 for ch in text if ch > "\x7f") - replaced
    if well_formed >= UTF8_EVIDENCE * replaced and _plausible(text):
        utf8 = Decoded(text, "utf-8", replaced)
    legacy: list[tuple[float, Decoded]] = []
    for encoding in ("cp1256", "iso-8859-6"):
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError:
            continue
        if _plausible(text):
            legacy.append((_arabic_codepage_score(text), Decoded(text, encoding)))
    legacy.sort(key=lambda c: -c[0])
    floor = _arabic_codepage_score(utf8.text) if utf8 is not None else 0
    if legacy and legacy[0][0] > max(0, floor):  # a code page only when it reads better (and as Arabic)
        return _not_mojibake(legacy[0][1], legacy[0][1].encoding)
    if utf8 is not None:
        return _not_mojibake(_controls_replaced(utf8), "UTF-8")
    best = _charset_normalizer_guess(raw)
    if best is not None:
        return _not_mojibake(Decoded(*best), best[1])
    raise InputError("undecodable: not UTF-8, UTF-16, Windows-1256 or ISO-8859-6 text")


def _not_mojibake(decoded: Decoded, name: str) -> Decoded:
    """`decoded`, unless it reads as mojibake; the best reading of the bytes, so every other one is worse."""
    pair = mojibake(decoded.text)
    if pair is not None:
        raise InputError(
            f"mojibake: read as {name}, its best reading, the text is still UTF-8 Arabic decoded as Windows-1256 "
            f"({pair!r}…); save the original again as UTF-8"
        )
    return decoded


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


Read = tuple[list[Document], list[Skipped], list[InputWarning]]
"""What one input gave: its documents, the parts of it skipped, and warnings about what was read."""


def _replaced(where: str, decoded: Decoded) -> list[InputWarning]:
    if not decoded.replaced:
        return []
    many = "sequences" if decoded.replaced > 1 else "sequence"
    return [InputWarning(where, f"{decoded.replaced} invalid UTF-8 byte {many} replaced (U+FFFD); the rest is UTF-8")]


def _read_limited(path: Path, limit: int, option: str) -> bytes:
    """The bytes of a regular file of at most `limit` bytes (else `InputError` naming the `[ingest]` option)."""
    with path.open("rb") as handle:
        if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
            raise InputError("not a regular file")
        raw = handle.read(limit + 1)
    if len(raw) > limit:
        size = path.stat().st_size
        raise InputError(f"too large ({size} bytes > {option} {limit}); raise [ingest] {option}")
    return raw


def read_documents(path: Path, options: IngestOptions) -> Read:
    """Every document in one file, the parts of it skipped and warnings; raises `InputError` when the file is
    unusable. JSON Lines files are streamed line by line, each line an article (`max_bytes` each)."""
    fmt = FORMATS.get(path.suffix.lower())
    if fmt == "jsonl":
        return _jsonl_stream(path, options)
    limit, option = (options.max_file_bytes, "max_file_bytes") if fmt == "feed" else (options.max_bytes, "max_bytes")
    decoded = decode_text(_read_limited(path, limit, option))
    warnings = _replaced(str(path), decoded)
    text = decoded.text
    fmt = _sniff(path, text)
    if fmt == "html":
        return [_html_document(path, text)], [], warnings
    if fmt == "feed":
        return (*_feed_documents(path, text, options), warnings)
    if fmt == "jsonl":
        documents, skipped = _jsonl_documents(path, text, options)
        return documents, skipped, warnings
    return [Document(id=path.stem, text=text, source=str(path))], [], warnings


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
        raise InputError(_too_deep(html) or f"malformed HTML: {type(exc).__name__}") from None
    fields: dict[str, Any] = {}
    if extracted is not None:
        fields = extracted if isinstance(extracted, dict) else extracted.as_dict()
    text = fields.get("text")
    if not isinstance(text, str) or not text.strip():
        raise InputError(_too_deep(html) or "malformed HTML or no article text found in it")

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


HTML_MAX_DEPTH = 256  # libxml2's limit on nested elements (without XML_PARSE_HUGE, which lxml leaves off)


def _too_deep(html: str) -> str | None:
    """The skip reason when the page nests elements deeper than the HTML parser reads (libxml2 stops there and
    the text below is lost), else None. Asked only once a page gave no text."""
    import lxml.html
    from lxml.etree import ParserError

    parser = lxml.html.HTMLParser()
    with contextlib.suppress(ParserError, ValueError):
        lxml.html.document_fromstring(html, parser=parser)
    if any("Excessive depth" in error.message for error in parser.error_log):
        return f"malformed HTML: elements nested deeper than {HTML_MAX_DEPTH} levels, the HTML parser's depth limit"
    return None


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


def _feed_documents(path: Path, text: str, options: IngestOptions) -> tuple[list[Document], list[Skipped]]:
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
        size = len(body.encode("utf-8"))
        if size > options.max_bytes:
            skipped.append(
                Skipped(where, f"too large ({size} bytes > max_bytes {options.max_bytes}); raise [ingest] max_bytes")
            )
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


def _jsonl_stream(path: Path, options: IngestOptions) -> Read:
    """A JSON Lines file read line by line (never whole): each line decoded by evidence on its own and limited by
    `max_bytes`, the file by `max_file_bytes`. A file with a UTF-16/32 byte-order mark is decoded whole."""
    size = path.stat().st_size
    if size > options.max_file_bytes:
        raise InputError(
            f"too large ({size} bytes > max_file_bytes {options.max_file_bytes}); raise [ingest] max_file_bytes"
        )
    documents: list[Document] = []
    skipped: list[Skipped] = []
    warnings: list[InputWarning] = []
    with path.open("rb") as handle:
        if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
            raise InputError("not a regular file")
        head = handle.read(4)
        if any(
            head.startswith(bom)
            for bom, encoding in _BOMS
            if encoding.startswith("utf-16") or encoding.startswith("utf-32")
        ):
            decoded = decode_text(head + handle.read(options.max_file_bytes))
            found, skips = _jsonl_documents(path, decoded.text, options)
            return found, skips, _replaced(str(path), decoded)
        handle.seek(3 if head.startswith(b"\xef\xbb\xbf") else 0)
        blank = True
        for lineno, line, length in _lines(handle, options.max_bytes):
            where = f"{path}:{lineno}"
            if line is None:
                skipped.append(
                    Skipped(
                        where, f"too large ({length} bytes > max_bytes {options.max_bytes}); raise [ingest] max_bytes"
                    )
                )
                continue
            if not line.strip():
                continue
            blank = False
            try:
                decoded = decode_text(line)
            except InputError as exc:
                skipped.append(Skipped(where, str(exc)))
                continue
            warnings.extend(_replaced(where, decoded))
            _jsonl_record(where, decoded.text, documents, skipped)
    if blank:
        raise InputError("empty file")
    return documents, skipped, warnings


def _lines(handle: BinaryIO, limit: int) -> Iterator[tuple[int, bytes | None, int]]:
    """(line number, bytes, length) of each line of `handle`; bytes None for a line over `limit` bytes, which is
    read past in chunks, never held."""
    lineno = 0
    while True:
        line = handle.readline(limit + 1)
        if not line:
            return
        lineno += 1
        if len(line) <= limit or (line.endswith(b"\n") and len(line) == limit + 1):
            yield lineno, line.rstrip(b"\r\n"), len(line)
            continue
        length = len(line)
        while not line.endswith(b"\n"):
            line = handle.readline(1 << 20)
            if not line:
                break
            length += len(line)
        yield lineno, None, length


def _jsonl_documents(path: Path, text: str, options: IngestOptions) -> tuple[list[Document], list[Skipped]]:
    """The documents of JSON Lines already decoded whole (a file sniffed as JSON Lines, or UTF-16)."""
    documents: list[Document] = []
    skipped: list[Skipped] = []
    for lineno, line in enumerate(text.split("\n"), 1):
        if not line.strip():
            continue
        size = len(line.encode("utf-8"))
        if size > options.max_bytes:
            where = f"{path}:{lineno}"
            skipped.append(
                Skipped(where, f"too large ({size} bytes > max_bytes {options.max_bytes}); raise [ingest] max_bytes")
            )
            continue
        _jsonl_record(f"{path}:{lineno}", line, documents, skipped)
    if not documents and not skipped:
        raise InputError("empty JSON Lines file")
    return documents, skipped


def _jsonl_record(where: str, line: str, documents: list[Document], skipped: list[Skipped]) -> None:
    """One JSON line to a document, or to a skip with its reason."""
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        skipped.append(Skipped(where, f"invalid JSON ({exc.msg})"))
        return
    if not isinstance(record, dict):
        skipped.append(Skipped(where, "a JSON line must be an object with id and text"))
        return
    ident, body = record.get("id"), record.get("text")
    if not isinstance(ident, (str, int)) or isinstance(ident, bool) or str(ident).strip() == "":
        skipped.append(Skipped(where, "no id"))
        return
    if not isinstance(body, str):
        skipped.append(Skipped(where, "no text"))
        return

    def given(name: str) -> str | None:
        value = record.get(name)
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


def documents_of(path: Path, options: IngestOptions) -> Read:
    """The documents of one path; never raises for a bad input."""
    try:
        return read_documents(path, options)
    except InputError as exc:
        return [], [Skipped(str(path), str(exc))], []
    except OSError as exc:
        return [], [Skipped(str(path), f"cannot read: {exc.strerror or exc}")], []
