"""Stage 1, ingest: input paths to cleaned `Article` records.

Entry point: `ingest(paths, options) -> IngestResult`.
1. expand paths: files, folders (files with a known suffix, recursively) and globs, in a stable order;
2. read each file into documents: plain text, HTML (trafilatura: main text and metadata), RSS/Atom feeds
   (feedparser: one document per entry) or JSON Lines (`{"id", "text", ...}`); the bytes are decoded from a BOM,
   as UTF-8, or as the Arabic single-byte code page (Windows-1256 or ISO-8859-6) whose decoding reads as Arabic;
   anything else (empty, binary, undecodable, over `max_bytes`, malformed) is skipped with a one-line reason;
3. clean page furniture line by line (`clean`): furniture patterns (data file `furniture/lines.tsv`), embedded
   posts, photo captions, lines in another script, repeated titles and paragraphs, related headlines inside the
   body, the header above the body (title, byline, date line), and blocks appended after a comments or
   related-articles marker or a headline when they are not about the same story (lexical cohesion with the
   article's main block); every removed line is kept in `Article.removed`;
4. metadata (`build_article`): title, outlet and author (given fields, byline, dateline, sign-offs and disclaimers that
   name the site, the text's own "sources of X", the URL's site: a known outlet's name from `ingest/outlets.tsv`,
   else the domain), language, and the publication datetime
   (rules in `publication_evidence`); how each field was found goes to `Article.inferred`;
5. date articles whose own text fixes only the weekday, from the batch's other articles (`date_from_batch`):
   a sentence reporting the same event as a dated one, or the only day with that weekday in a batch that
   spans a news cycle; refused when the evidence disagrees;
6. fold near-duplicates (wire copies, the same page saved twice): bottom-k MinHash sketches of word shingles,
   candidates from an index of sketch values, Jaccard estimated from the sketches; the longest text is kept and
   the others become its `copies`.

Publication datetimes are naive, in the desk's zone (`IngestOptions.timezone`): aware values are converted.
"""

from __future__ import annotations

import glob
import hashlib
import heapq
import json
import math
import os
import re
import unicodedata
import zlib
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import urlparse
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from digest.document import Article, Skipped
from digest.errors import ConfigError, InputError
from digest.lang import arabic, dates
from digest.options import IngestOptions
from digest.resources import read_lines, read_tsv
from digest.runtime.groups import connected_groups

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
WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


@dataclass(frozen=True)
class IngestResult:
    """The articles read, the inputs skipped (with reasons) and the number of folded near-duplicates."""

    articles: tuple[Article, ...]
    skipped: tuple[Skipped, ...]
    duplicates: int = 0

    @property
    def read(self) -> int:
        return len(self.articles) + self.duplicates


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


@dataclass(frozen=True)
class Removal:
    """A line cleaning took out, and why."""

    line: str
    reason: str


@dataclass(frozen=True)
class Cleaned:
    """A page split into its body lines, its header lines (above the body) and what was removed."""

    body: tuple[str, ...]
    header: tuple[str, ...]
    removed: tuple[Removal, ...]
    title: str | None


@dataclass(frozen=True)
class Inspection:
    """What `digest inspect` shows for one document: the article and the reason for each removed line."""

    article: Article
    removals: tuple[Removal, ...]


# ---------------------------------------------------------------------------------------------- 1. paths


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


# ---------------------------------------------------------------------------------------------- 2. read

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


# ---------------------------------------------------------------------------------------------- 3. clean


@dataclass(frozen=True)
class _Rule:
    pattern: re.Pattern[str]
    reason: str
    kind: str


@lru_cache(maxsize=1)
def _furniture_rules() -> tuple[_Rule, ...]:
    return tuple(
        _Rule(re.compile(r["pattern"], re.IGNORECASE), r["reason"], r["kind"]) for r in read_tsv("furniture/lines.tsv")
    )


@lru_cache(maxsize=1)
def _caption_rules() -> tuple[_Rule, ...]:
    return tuple(
        _Rule(re.compile(r["pattern"], re.IGNORECASE), r["reason"], "line") for r in read_tsv("ingest/captions.tsv")
    )


def _matching_rule(line: str) -> _Rule | None:
    """The first caption, embedded-post or furniture rule that matches the line.

    Rules anchored at the start are tried on the whole line (they fail at once); rules anchored at the end on
    its last 120 characters; free-floating ones only on lines of furniture length (<= 400 characters): a long
    line of running text is never a prompt or a notice, and searching it would cost most of the stage's time."""
    tail = line[-120:]
    short = len(line) <= 400
    at_start, at_end, anywhere = _rule_screens()
    if not (at_start.match(line) or at_end.search(tail) or (short and anywhere.search(line))):
        return None  # most lines: one pass of three joined patterns instead of every rule in turn
    for rule, anchor in _anchored_rules():
        if anchor == "start":
            hit = rule.pattern.match(line)
        elif anchor == "end":
            hit = rule.pattern.search(tail)
        else:
            hit = rule.pattern.search(line) if short else None
        if hit:
            return rule
    return None


@lru_cache(maxsize=1)
def _anchored_rules() -> tuple[tuple[_Rule, str], ...]:
    """Every caption, embedded-post and furniture rule in order, with where it is anchored: "start", "end" or
    "free"."""

    def anchor(source: str) -> str:
        return "start" if source.startswith("^") else "end" if source.endswith("$") else "free"

    return tuple((rule, anchor(rule.pattern.pattern)) for rule in (*_caption_rules(), *_furniture_rules()))


@lru_cache(maxsize=1)
def _rule_screens() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    """The rules anchored at the start, at the end and free-floating, each class joined into one pattern that
    matches a line exactly when one of its rules does (`_matching_rule` then finds which, in order)."""
    return tuple(  # type: ignore[return-value]
        re.compile(
            "|".join(f"(?:{rule.pattern.pattern})" for rule, anchor in _anchored_rules() if anchor == kind) or r"(?!)",
            re.IGNORECASE,
        )
        for kind in ("start", "end", "free")
    )


@lru_cache(maxsize=1)
def _inline_tail() -> re.Pattern[str]:
    """Related-article markers glued after the last sentence of a scraped line (`furniture/inline_tail.txt`)."""
    return re.compile(r"(?<=[\s.!?؟])(?:" + "|".join(read_lines("furniture/inline_tail.txt")) + r")(?:\s|$)")


_SENTENCE_END = re.compile(r"[.!?؟…:]\s*[\"'”»″)\]]*\s*$")
_TEASER = re.compile(r"(?:\.\.\.|…)\s*$")
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200a\u3000]+")
_DIACRITICS = re.compile(r"[\u064b-\u0652\u0670\u0640]")
_INDIC_DIGIT = re.compile(r"[\u0660-\u0669\u06f0-\u06f9]")
_TOKEN = re.compile(r"\w+")


def _fold(text: str) -> str:
    """Cheap matching form: no diacritics or tatweel, alef/ya/teh marbuta unified, lower case, digits ASCII.

    (Chained str.replace: much faster than str.translate with a dict table on long Arabic texts.)"""
    text = _DIACRITICS.sub("", text).replace("أ", "ا").replace("إ", "ا").replace("آ", "ا")
    text = text.replace("ى", "ي").replace("ة", "ه").lower()
    return text.translate(dates._DIGITS) if _INDIC_DIGIT.search(text) else text


def _fingerprint(line: str) -> str:
    return "".join(_TOKEN.findall(_fold(line)))


def _words(line: str) -> int:
    return len(line.split())


def _ends_sentence(line: str) -> bool:
    return _SENTENCE_END.search(line) is not None


def _is_list_sentence(line: str) -> bool:
    """A bulleted line that is a sentence of the article (ends with a full stop), not a linked headline."""
    return _words(line) >= 8 and re.search(r"[.!]\s*[\"'”»)]*\s*$", line) is not None


def _is_paragraph(line: str) -> bool:
    """A line of running text: a sentence of some length, or a long line."""
    n = _words(line)
    return (n >= 12 and _ends_sentence(line)) or n >= 30


@lru_cache(maxsize=4)
def _stops(language: str) -> frozenset[str]:
    try:
        return frozenset(_fold(w) for w in read_lines(f"stopwords/{language}.txt"))
    except FileNotFoundError:
        return frozenset()


_ARTICLE_PREFIX = re.compile(r"(?<!\w)(?:[وبفك]?ال|لل)(?=\w{3})")


def _content_words(text: str, language: str) -> set[str]:
    """Content words of a text, folded, without the article and its glued conjunction or preposition."""
    folded = _fold(text)
    if language == "ar":
        folded = _ARTICLE_PREFIX.sub("", folded)
    return {t for t in set(_TOKEN.findall(folded)) - _stops(language) if len(t) >= 3 and not t.isdigit()}


def _cohesion(block: Sequence[str], main: set[str], language: str) -> float:
    """Lexical cohesion of a block with the main text: shared content words over the smaller vocabulary."""
    words = _content_words(" ".join(block), language)
    return len(words & main) / min(len(words), len(main)) if words and main else 0.0


_LATIN_RUN = re.compile(r"[A-Za-z]{3,}")


def _script_mismatch(line: str, language: str) -> bool:
    """A line written mostly in another script than the article (a Latin caption or credit in Arabic text)."""
    if language != "ar" or len(_LATIN_RUN.findall(line)) < 2:
        return False
    ratio = arabic.arabic_ratio(line)
    return ratio < 0.3 and len(arabic.LATIN_LETTER.findall(line)) >= 12


def _split_lines(text: str) -> list[str]:
    text = unicodedata.normalize("NFC", arabic.clean_invisible(text))
    return [line for raw in text.split("\n") if (line := _SPACES.sub(" ", raw).strip())]


def clean(text: str, language: str = "ar", title: str | None = None, cohesion_min: float = 0.2) -> Cleaned:
    """Split a page's text into body lines, header lines and removed furniture (with reasons).

    Every line of the article's running text is kept; what goes is furniture (patterns), embedded posts
    (a tweet's text and its "— name (@handle) date" line: quoted material that usually repeats the body; its
    date stays usable as evidence of when the article was written) and captions, lines in another script,
    repeats, short unpunctuated lines inside the body (related headlines), and blocks that follow a comments
    or related-articles marker, or a headline near the end, when their lexical cohesion with the article's
    main block (shared content words over the smaller vocabulary) is under `cohesion_min`.
    """
    lines = _split_lines(text)
    removed: list[Removal] = []
    # Pass 1: furniture patterns, embedded posts, captions; tail markers split the page into blocks.
    blocks: list[list[str]] = [[]]
    block_after_marker: list[bool] = [False]
    seen_paragraph = False
    for line in lines:
        cut = _inline_tail().search(line)
        if cut and cut.start() > 0 and _words(line[: cut.start()]) >= 3:
            head, tail = line[: cut.start()].strip(), line[cut.start() :].strip()
            blocks[-1].append(head)
            removed.append(Removal(tail, "related-articles list"))
            blocks.append([])
            block_after_marker.append(True)
            continue
        rule = _matching_rule(line)
        if rule is not None and rule.kind == "bullet" and seen_paragraph and _is_list_sentence(line):
            rule = None
        seen_paragraph = seen_paragraph or _is_paragraph(line)
        if rule is not None:
            removed.append(Removal(line, rule.reason))
            if rule.kind == "tail":
                blocks.append([])
                block_after_marker.append(True)
            continue
        blocks[-1].append(line)
    # Pass 2: the main block is the largest; blocks after a marker must be about the same story.
    sizes = [sum(len(line) for line in b) for b in blocks]
    main_index = max(range(len(blocks)), key=lambda i: sizes[i])
    main_words = _content_words(" ".join(blocks[main_index]), language)
    kept_lines: list[str] = []
    for i, block in enumerate(blocks):
        if not block:
            continue
        teaser = any(_TEASER.search(line) for line in block)
        if (
            i != main_index
            and block_after_marker[i]
            and (teaser or _cohesion(block, main_words, language) < cohesion_min)
        ):
            removed.extend(Removal(line, "appended block not about this article") for line in block)
            continue
        kept_lines.extend(block)
    # Pass 3: header (lines above the first paragraph), title, repeats, captions, headlines in the body.
    first_body = next((i for i, line in enumerate(kept_lines) if _is_paragraph(line)), None)
    if first_body is None:
        return Cleaned(tuple(kept_lines), (), tuple(removed), title)
    header, body_lines = kept_lines[:first_body], kept_lines[first_body:]
    if title is None:
        title = _headline(header)
    title_key = _fingerprint(title) if title else None
    kept_header: list[str] = []
    lead: list[str] = []
    for line in header:
        key = _fingerprint(line)
        if title_key and key == title_key:
            if line == title and title not in kept_header:
                kept_header.append(line)
            else:
                removed.append(Removal(line, "repeated title"))
        elif title_key and key.startswith(title_key):
            removed.append(Removal(line, "title repeated with a photo caption"))
        elif _script_mismatch(line, language):
            removed.append(Removal(line, "line in another script (caption or credit)"))
        elif _is_header_sentence(line):
            lead.append(line)  # a short sentence of the article above its first paragraph: body, not header
        else:
            kept_header.append(line)
    body, body_removed = _clean_body([*lead, *body_lines], language, title_key, main_words, cohesion_min)
    removed.extend(body_removed)
    return Cleaned(tuple(body), tuple(kept_header), tuple(removed), title)


_CONJUNCTION_START = re.compile(r"^[\"'“«(]?\s*[وف][\u0621-\u064a]{2,}")


def _looks_like_headline(line: str) -> bool:
    """A short line without final punctuation that does not continue a sentence: headlines and captions do not
    open with the conjunctions و/ف ("وقال", "ويقوم"), which start the body's sentences (and scraped lines cut
    mid-sentence)."""
    if _ends_sentence(line) or _words(line) > 20 or _TEASER.search(line):
        return False
    return _CONJUNCTION_START.match(line) is None or _words(line) < 5


def _is_header_sentence(line: str) -> bool:
    """A line above the first paragraph that is running text: a sentence (full stop) or a long line."""
    n = _words(line)
    ends = re.search(r"[.]\s*[\"'”»)]*\s*$", line) is not None
    return (n >= 6 and ends and not _is_date_line(line)) or n >= 15


def _headline(header: Sequence[str]) -> str | None:
    """The page's headline among the header lines: the first headline-shaped line that is not a date line."""
    for line in header:
        n = _words(line)
        if n < 3 or n > 30 or _is_date_line(line):
            continue
        if line.endswith((":", "،", ",", ".")):
            continue
        return line
    return None


def _is_date_line(line: str) -> bool:
    found = dates.find_dates(line)
    covered = sum(f.end - f.start for f in found)
    return bool(found) and covered >= 0.5 * len(line.strip())


def _clean_body(
    lines: Sequence[str], language: str, title_key: str | None, main_words: set[str], cohesion_min: float
) -> tuple[list[str], list[Removal]]:
    removed: list[Removal] = []
    punctuated = sum(1 for line in lines if _ends_sentence(line)) >= 0.5 * len(lines)
    seen: set[str] = set()
    kept: list[str] = []
    # Segments start at headline-shaped lines: a trailing segment on another subject is an appended article.
    segment_starts: list[int] = []
    for line in lines:
        key = _fingerprint(line)
        if title_key and key == title_key:
            removed.append(Removal(line, "repeated title"))
        elif title_key and key.startswith(title_key) and len(key) > len(title_key):
            removed.append(Removal(line, "title repeated with a photo caption"))
        elif key in seen and len(key) > 20:
            removed.append(Removal(line, "repeated paragraph"))
        elif _script_mismatch(line, language):
            removed.append(Removal(line, "line in another script (caption or credit)"))
        elif punctuated and _looks_like_headline(line):
            removed.append(Removal(line, "headline inside the body (related article)"))
            segment_starts.append(len(kept))
        else:
            seen.add(key)
            kept.append(line)
    # An appended article: the text after the last headline inside the body, shorter than what precedes it
    # and on another subject (or a teaser cut with "...").
    for start in reversed(segment_starts):
        if start <= 0 or start >= len(kept):
            continue
        tail, head = kept[start:], kept[:start]
        if sum(map(len, tail)) >= sum(map(len, head)):
            break
        head_words = _content_words(" ".join(head), language) or main_words
        teaser = _TEASER.search(tail[-1]) is not None
        if teaser or _cohesion(tail, head_words, language) < cohesion_min:
            removed.extend(Removal(line, "appended block not about this article") for line in tail)
            kept = head
        else:
            break
    return kept, removed


# ---------------------------------------------------------------------------------------------- 4. describe


@dataclass(frozen=True)
class _OutletRule:
    pattern: re.Pattern[str]
    where: str
    how: str


@lru_cache(maxsize=1)
def _outlet_rules() -> tuple[_OutletRule, ...]:
    return tuple(_OutletRule(re.compile(r["pattern"]), r["where"], r["how"]) for r in read_tsv("ingest/outlet.tsv"))


@lru_cache(maxsize=1)
def _not_outlets() -> frozenset[str]:
    return frozenset(_fold(w) for w in read_lines("ingest/not_outlets.txt"))


def _outlet_name(candidate: str | None) -> str | None:
    if not candidate:
        return None
    name = candidate.strip(" \"'“”«»″:،,.-–—")
    if len(name) < 2 or _fold(name) in _not_outlets() or name.isdigit() or _is_date_line(name):
        return None
    return name


def domain_of(url: str | None) -> str | None:
    """The site's domain without `www.`."""
    if not url:
        return None
    host = urlparse(url if "//" in url else f"//{url}").hostname or ""
    return host.removeprefix("www.") or None


def _language(text: str, given: str | None) -> tuple[str, str]:
    if given and given[:2].lower() in ("ar", "en", "fr", "es"):
        return given[:2].lower(), "given"
    if arabic.arabic_ratio(text) >= 0.5:
        return "ar", "script (Arabic letters)"
    tokens = _TOKEN.findall(_fold(text[:5000]))
    counts = {lang: sum(1 for t in tokens if t in _stops(lang)) for lang in ("en", "fr", "es")}
    best = max(counts, key=lambda lang: counts[lang])
    if counts[best] == 0:
        return "en", "default (Latin script, no stop words recognised)"
    return best, f"stop words ({counts[best]} {best})"


@dataclass(frozen=True)
class PublicationEvidence:
    """What an article's own text says about when it was written."""

    published: datetime | None
    how: str
    weekday: int | None = None  # the writing weekday fixed by relative words, when no date is


_SEPARATOR_BEFORE = re.compile(r"[|:\-–—•·/]\s*$")
_SENTENCE_STOP = re.compile(r"[.!?؟|]")


def _in_running_text(text: str, start: int) -> bool:
    """An expression inside a sentence of running text: at least two words before it since the start of its
    line or sentence, and no separator right before it. A site's date widget ("اليوم الأحد 2 تموز 2017")
    opens a line or follows a separator; a dateline inside a sentence ("قال ... اليوم الأحد (2 تموز 2017)")
    follows the words of its sentence."""
    before = text[text.rfind("\n", 0, start) + 1 : start]
    stops = list(_SENTENCE_STOP.finditer(before))
    if stops:
        before = before[stops[-1].end() :]
    return _SEPARATOR_BEFORE.search(before) is None and len(before.split()) >= 2


def _is_widget_line(line: str, value: date) -> bool:
    """A header date line that says "today is ..." ("اليوم الأحد 2 تموز 2017"): a site's date widget, which
    shows the day the page was viewed, not the article's dateline."""
    return any(f.relative for f in dates.find_dates(line, value))


def publication_evidence(
    cleaned: Cleaned, removals: Sequence[Removal], lead_chars: int = 1500, next_to_chars: int = 30
) -> PublicationEvidence:
    """The publication datetime an article's text supports, by these rules, in order:

    1. a date line: a header line (above the body) that is mostly an explicit date with day, month
       and year, with its time when written ("السبت 23 أبريل 2022 على الساعة 00:05"); not a date widget
       (a line that also holds "today", "اليوم");
    2. a relative day word naming a weekday within `next_to_chars` of an explicit date that agrees with it
       ("قال ... اليوم الأحد (2 تموز/يوليو 2017)"): the date minus the word's offset; only in the lead (the
       first `lead_chars` of the body: later dates are often other articles' teasers), only inside running text
       (not a widget opening a line or following a separator), and only when every such pair in the lead gives
       the same day (a page listing several dated items gives several: then the date is unknown);
    3. an embedded post's date E (a tweet's "May 10, 2022"): the article is written on or after it; the day in
       [E, E+2] on which most weekday statements ("غدا الأربعاء" = written on a Tuesday) hold, if one holds;
    4. otherwise, when every weekday statement agrees on one writing weekday, only that weekday is known
       (`weekday`), for `date_from_batch`; with none, the date is unknown.
    Dates in photo captions and other removed furniture are never used, except embedded-post dates (3).
    """
    for line in cleaned.header:
        found = [f for f in dates.find_dates(line) if f.precision == "day" and not f.relative]
        if found and _is_date_line(line) and not _is_widget_line(line, found[0].value):
            first = found[0]
            return PublicationEvidence(
                datetime.combine(first.value, first.time or datetime.min.time()),
                f"date line {first.text!r}" + ("" if first.time else " (no time given)"),
            )
    body = "\n".join(cleaned.body)
    statements = dates.weekday_statements(body)
    if statements:
        lead = body[:lead_chars]
        explicit = [f for f in dates.find_dates(lead) if f.precision == "day" and not f.relative]
        pairs: dict[date, tuple[str, str]] = {}
        for s in statements:
            if s.end > lead_chars or not _in_running_text(body, s.start):
                continue
            for f in explicit:
                near = 0 <= f.start - s.end <= next_to_chars or 0 <= s.start - f.end <= next_to_chars
                if near and f.value.weekday() == s.weekday:
                    pairs.setdefault(f.value - timedelta(days=s.offset), (s.text, f.text))
        if len(pairs) == 1:
            (written, (word, explicit_text)), *_ = pairs.items()
            against = [s.text for s in statements if s.end <= lead_chars and s.writing_weekday != written.weekday()]
            if against:
                return PublicationEvidence(
                    None,
                    f"unknown: {word!r} next to {explicit_text!r} gives {written.isoformat()}, but "
                    f"{', '.join(map(repr, against))} in the lead disagrees (a site's date widget?)",
                )
            return PublicationEvidence(
                datetime.combine(written, datetime.min.time()),
                f"relative word {word!r} next to the date {explicit_text!r} that agrees with it (date only)",
            )
        if len(pairs) > 1:
            listed = ", ".join(f"{w!r} {e!r}" for w, e in pairs.values())
            return PublicationEvidence(None, f"unknown: relative words next to different dates ({listed})")
    posts = [
        f
        for r in removals
        if r.reason.startswith("embedded post")
        for f in dates.find_dates(r.line)
        if f.precision == "day" and not f.relative
    ]
    said = tuple(s.text for s in statements)
    if posts and statements:
        floor = max(f.value for f in posts)
        window = [floor + timedelta(days=k) for k in range(3)]
        scored = [(sum(s.writing_weekday == d.weekday() for s in statements), -i, d) for i, d in enumerate(window)]
        support, _, best = max(scored)
        if support:
            agree = [s.text for s in statements if s.writing_weekday == best.weekday()]
            disagree = [s.text for s in statements if s.writing_weekday != best.weekday()]
            how = (
                f"inferred from the embedded post dated {floor.isoformat()} and {', '.join(map(repr, agree))}"
                f" (written on a {WEEKDAY_NAMES[best.weekday()]}, on or after the post)"
            )
            if disagree:
                how += f"; {', '.join(map(repr, disagree))} disagrees"
            return PublicationEvidence(datetime.combine(best, datetime.min.time()), how + " (date only)")
    if statements:
        weekdays = {s.writing_weekday for s in statements}
        if len(weekdays) == 1:
            weekday = weekdays.pop()
            return PublicationEvidence(
                None,
                f"unknown: written on a {WEEKDAY_NAMES[weekday]} (from {', '.join(map(repr, said))}), "
                "but no date in the text anchors it",
                weekday,
            )
        return PublicationEvidence(None, f"unknown: weekday words disagree ({', '.join(map(repr, said))})")
    if posts:
        floor = max(f.value for f in posts)
        return PublicationEvidence(None, f"unknown: not before {floor.isoformat()} (embedded post), no day word")
    return PublicationEvidence(None, "unknown: no date line, embedded post or relative day word")


def _find_outlet(
    doc: Document, cleaned: Cleaned, removals: Sequence[Removal], language: str = "ar"
) -> tuple[str | None, str | None, str]:
    """(outlet, author, how)."""
    author = None
    outlet = None
    how = ""
    places = {
        "header": [line for line in cleaned.header if line != cleaned.title],
        "lead": list(cleaned.body[:1]),
        "removed": [r.line for r in removals],
        "body": list(cleaned.body),
    }
    for rule in _outlet_rules():
        for line in places[rule.where]:
            m = rule.pattern.search(line)
            if not m:
                continue
            groups = m.groupdict()
            if groups.get("author") and author is None and rule.where == "header":
                name = groups["author"].strip()
                if 2 <= len(name.split()) <= 5 and not _is_date_line(name):
                    author = name
            candidate = _outlet_name(groups.get("outlet"))
            if candidate and outlet is None:
                outlet, how = candidate, f"{rule.how} {line[:80]!r}"
            break
    if doc.outlet:
        return doc.outlet, doc.author or author, doc.origin
    if outlet:
        return outlet, doc.author or author, how
    domain = domain_of(doc.url)
    if domain:
        known = site_outlet(doc.url, language)
        if known:
            return known, doc.author or author, f"URL domain {domain} (outlets table)"
        return domain, doc.author or author, "URL domain"
    return None, doc.author or author, "unknown: the text does not name its outlet"


@lru_cache(maxsize=1)
def _outlet_sites() -> dict[str, tuple[str, str]]:
    return {
        r["site"].lower().removeprefix("www.").rstrip("/"): (r["ar"], r["latin"])
        for r in read_tsv("ingest/outlets.tsv")
    }


def site_outlet(url: str | None, language: str = "ar") -> str | None:
    """The display name of a known outlet's site (data file `ingest/outlets.tsv`), in Arabic for Arabic articles
    and in its Latin form otherwise; None for a site not in the table. The most specific entry wins: the host
    before its parent domains (ara.reuters.com, then reuters.com), a path prefix before the bare host
    (bbc.com/arabic, then bbc.com)."""
    if not url:
        return None
    parsed = urlparse(url if "//" in url else f"//{url}")
    host = (parsed.hostname or "").removeprefix("www.")
    segment = parsed.path.strip("/").split("/", 1)[0].lower()
    sites = _outlet_sites()
    labels = host.split(".")
    for k in range(len(labels) - 1):
        parent = ".".join(labels[k:])
        for key in (f"{parent}/{segment}" if segment else None, parent):
            if key and key in sites:
                ar, latin = sites[key]
                return ar if language == "ar" else latin
    return None


def _position(text: str, line: str) -> int:
    found = text.find(line[:40])
    return found if found >= 0 else len(text)


def _to_local(value: datetime | None, zone: ZoneInfo) -> datetime | None:
    if value is None or value.tzinfo is None:
        return value
    return value.astimezone(zone).replace(tzinfo=None)


@lru_cache(maxsize=8)
def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(
            f"options: [ingest] timezone {name!r} is not a known time zone (e.g. Africa/Casablanca)"
        ) from None


@dataclass(frozen=True)
class _Built:
    article: Article
    removals: tuple[Removal, ...]
    weekday: int | None = None
    sketch: tuple[int, ...] = ()  # of the article text, for `fold_duplicates` (computed where the text is built)


def build_article(doc: Document, options: IngestOptions) -> _Built:
    """One document to an `Article`: cleaned, described; raises `InputError` when no article text is left."""
    if "\x00" in doc.text:
        raise InputError("binary content (NUL characters), not text")
    rough = doc.text[:4000]
    language, language_how = _language(rough, doc.language)
    cleaned = clean(doc.text, language, doc.title, options.cohesion_min)
    body = "\n".join(cleaned.body)
    if len(body) < options.min_chars:
        raise InputError(f"empty or too short ({len(body)} characters of article text, min_chars {options.min_chars})")
    removals = list(cleaned.removed)
    removals.extend(Removal(line, "header line (title, byline, date or caption)") for line in cleaned.header)
    removals.sort(key=lambda r: _position(doc.text, r.line))
    inferred: list[tuple[str, str]] = [("language", language_how)]
    title = doc.title or cleaned.title
    inferred.append(("title", doc.origin if doc.title else "headline above the body" if title else "unknown"))
    outlet, author, outlet_how = _find_outlet(doc, cleaned, cleaned.removed, language)
    inferred.append(("outlet", outlet_how))
    if author:
        inferred.append(("author", doc.origin if doc.author else "byline"))
    weekday = None
    if doc.published is not None:
        published = _to_local(doc.published, _zone(options.timezone))
        inferred.append(("published", doc.origin))
    else:
        evidence = publication_evidence(cleaned, cleaned.removed, options.date_lead_chars)
        published, weekday = evidence.published, evidence.weekday
        note = f"given date {doc.unreadable_date!r} unreadable; " if doc.unreadable_date else ""
        inferred.append(("published", note + evidence.how))
    article = Article(
        id=doc.id,
        text=body,
        title=title,
        outlet=outlet,
        author=author,
        published=published,
        url=doc.url,
        language=language,
        source=doc.source,
        removed=tuple(r.line for r in removals),
        inferred=tuple(inferred),
    )
    return _Built(article, tuple(removals), weekday, sketch(body, options.shingle_size, options.sketch_size))


# ---------------------------------------------------------------------------------------------- 5. batch dates


def _term_vector(text: str, language: str, keep: int) -> dict[str, float]:
    """Unit-length vector of the text's `keep` most frequent content words (log term frequency).

    No IDF: a batch may be five articles on one story, where IDF would erase the story's own words; on the
    stance corpus, same-story pairs score 0.35 or more half the time, pairs from different stories under 0.30
    99 times in 100."""
    counts: Counter[str] = Counter()
    stops = _stops(language)
    for token in _TOKEN.findall(_fold(text)):
        if len(token) < 3 or token.isdigit() or token in stops:
            continue
        if token.startswith(("وال", "بال", "فال", "كال")) and len(token) > 5:
            token = token[3:]
        elif token.startswith(("ال", "لل")) and len(token) > 4:
            token = token[2:]
        counts[token] += 1
    top = heapq.nlargest(keep, counts.items(), key=lambda kv: (kv[1], kv[0]))
    weights = {w: 1 + math.log(c) for w, c in top}
    norm = math.sqrt(sum(x * x for x in weights.values())) or 1.0
    return {w: x / norm for w, x in weights.items()}


@dataclass(frozen=True)
class _EventMention:
    """A sentence that names a day: its content words (date words left out), the day's weekday, and either the
    day itself (in an article whose date is known) or its offset from the writing day (a weekday statement,
    "امس الثلاثاء" = -1; None for an explicit date)."""

    words: frozenset[str]
    weekday: int
    text: str
    day: date | None = None
    offset: int | None = None


_SENTENCE_BREAK = re.compile(r"(?<=[.!?؟])\s+|\n")


def _sentences(text: str) -> Iterator[str]:
    return (s for s in _SENTENCE_BREAK.split(text) if s.strip())


def _without(sentence: str, spans: Iterable[tuple[int, int]]) -> str:
    for start, end in sorted(spans, reverse=True):
        sentence = sentence[:start] + " " + sentence[end:]
    return sentence


def _mention_words(sentence: str, spans: Iterable[tuple[int, int]], language: str) -> frozenset[str]:
    return frozenset(_content_words(_without(sentence, spans), language))


def _dated_mentions(article: Article, written: date) -> list[_EventMention]:
    """Sentences of a dated article that pin an event's day: an explicit date, or a weekday statement that agrees
    with the article's date ("اليوم الثلاثاء" in an article of Tuesday 10 May). A bare "اليوم" or a weekday
    alone ("السبت الماضي") does not pin the day surely enough to date another article by it; a statement that
    contradicts the article's date (a live page updated the next day) is left out."""
    out: list[_EventMention] = []
    for sentence in _sentences(article.text):
        explicit = [f for f in dates.find_dates(sentence) if f.precision == "day" and not f.relative]
        statements = dates.weekday_statements(sentence)
        if not explicit and not statements:
            continue
        spans = [(f.start, f.end) for f in explicit] + [(s.start, s.end) for s in statements]
        words = _mention_words(sentence, spans, article.language)
        out.extend(_EventMention(words, f.value.weekday(), f.text, day=f.value) for f in explicit)
        for s in statements:
            day = written + timedelta(days=s.offset)
            if day.weekday() == s.weekday:
                out.append(_EventMention(words, s.weekday, s.text, day=day, offset=s.offset))
    return out


def _statement_mentions(article: Article) -> list[_EventMention]:
    """Sentences of an undated article holding a weekday statement ("امس الثلاثاء"): the day it names is the
    writing day plus the statement's offset."""
    out: list[_EventMention] = []
    for sentence in _sentences(article.text):
        found = dates.weekday_statements(sentence)
        if found:
            words = _mention_words(sentence, ((s.start, s.end) for s in found), article.language)
            out.extend(_EventMention(words, s.weekday, s.text, offset=s.offset) for s in found)
    return out


def _same_event(statement: _EventMention, dated: _EventMention, options: IngestOptions) -> float:
    """How surely a weekday statement and a dated sentence report the same event on the same day (0: not).

    They name the same weekday and share at least `event_min_shared` content words: at least `event_overlap`
    of the smaller sentence's, or `event_overlap_same_words` when both say it with the same relative word
    ("يوم غد الأربعاء" and "غدا الأربعاء": two articles on one story that call the same Wednesday "tomorrow"
    were written on the same day). The score is the share."""
    if statement.weekday != dated.weekday or not statement.words or not dated.words:
        return 0.0
    shared = len(statement.words & dated.words)
    overlap = shared / min(len(statement.words), len(dated.words))
    bar = options.event_overlap_same_words if statement.offset == dated.offset else options.event_overlap
    return overlap if shared >= options.event_min_shared and overlap >= bar else 0.0


def batch_window(days: Sequence[date], options: IngestOptions) -> tuple[date, date] | None:
    """The days a batch covers: the shortest interval holding `batch_window_share` of its own-dated articles,
    widened by `date_slack_days`, when it spans at most `batch_window_days` (a desk's intake of a
    few days); None for an archive spanning months or years, or with no dated article."""
    if not days:
        return None
    ordered = sorted(days)
    need = max(1, math.ceil(options.batch_window_share * len(ordered)))
    lo, hi = min(
        ((ordered[k], ordered[k + need - 1]) for k in range(len(ordered) - need + 1)),
        key=lambda pair: ((pair[1] - pair[0]).days, pair[0]),
    )
    if (hi - lo).days > options.batch_window_days:
        return None
    slack = timedelta(days=options.date_slack_days)
    return lo - slack, hi + slack


def _dot(a: dict[str, float], b: dict[str, float]) -> float:
    return sum(a[w] * b[w] for w in a.keys() & b.keys())


def date_from_batch(built: Sequence[_Built], options: IngestOptions | None = None) -> list[Article]:
    """Date the articles whose text fixes only the writing weekday, from the batch's other articles.

    An article that says "امس الثلاثاء" was written on a Wednesday; which Wednesday can only come from other
    articles, and a wrong date is worse than none, so two rules, both refusing when their evidence disagrees:

    a. same event: a sentence of the article with its weekday statement reports the same event as a sentence
       of an article on the same story (cosine of content words at least `anchor_similarity`) that names the
       event's day, on the same weekday (`_same_event`), and that article's date is known. The day is then
       exact: "أجرى بوريطة، امس الثلاثاء، محادثة هاتفية" against "أجرى بوريطة، اليوم الثلاثاء، محادثة هاتفية"
       written on Tuesday 10 May gives Wednesday 11 May. Articles dated this way date others in turn (a chain
       is as sure as its links: each link checks the weekday). Every link must give the same day.
    b. weekday in window (`weekday_in_window`): in a daily intake, the articles whose own text dates them
       (given, date line, rules 2-3 of `publication_evidence`) span a few days (`batch_window`); an article of
       the intake on the same story as one of them (cosine at least `anchor_similarity`) was written in those
       days; when exactly one of them has its weekday, that is its date. An intake spread over a week or more
       has two such days or more: the date stays unknown (the weekday nearest a similar article's date is a
       guess: on the stance corpus cut into 14-day intakes it was a week off for 4 of 16 articles).
    Only dates found in an article's own text anchor; the article's `inferred` names the anchor and its date;
    otherwise the date stays unknown and `inferred` says why.
    """
    options = options or IngestOptions()
    articles = [b.article for b in built]
    waiting = [i for i, b in enumerate(built) if b.weekday is not None and b.article.published is None]
    own = [i for i, a in enumerate(articles) if a.published is not None]
    if not waiting or not own:
        return articles
    window = batch_window([articles[i].published.date() for i in own], options)  # type: ignore[union-attr]
    pool = waiting + own
    vectors = {
        i: _term_vector(articles[i].text[: options.anchor_chars], articles[i].language, options.anchor_terms)
        for i in pool
    }
    postings: dict[str, list[int]] = defaultdict(list)
    for i in pool:
        for term in vectors[i]:
            postings[term].append(i)
    similar: dict[int, list[tuple[float, int]]] = {}
    for i in waiting:
        # blocking: candidates share terms held by at most `anchor_max_posting` articles; the exact cosine is
        # computed for the `anchor_candidates` sharing most of them (near linear in the batch)
        shared: Counter[int] = Counter()
        for term in vectors[i]:
            held = postings.get(term, ())
            if len(held) <= options.anchor_max_posting:
                shared.update(held)
        shared.pop(i, None)
        candidates = [j for j, _ in shared.most_common(options.anchor_candidates)]
        similar[i] = sorted(
            ((sim, j) for j in candidates if (sim := _dot(vectors[i], vectors[j])) >= options.anchor_similarity),
            key=lambda sj: (-sj[0], sj[1]),
        )
    known: dict[int, date] = {i: articles[i].published.date() for i in own}  # type: ignore[union-attr]
    how: dict[int, str] = {}
    dated_mentions: dict[int, list[_EventMention]] = {}
    statements = {i: _statement_mentions(articles[i]) for i in waiting}
    refused: dict[int, str] = {}
    # a. same event, in rounds: an article dated in one round can anchor another in the next
    changed = True
    while changed:
        changed = False
        for i in waiting:
            if i in known or i in refused:
                continue
            links: dict[date, tuple[int, str, str]] = {}
            for _, j in similar[i]:
                if j not in known:
                    continue
                if j not in dated_mentions:
                    dated_mentions[j] = _dated_mentions(articles[j], known[j])
                for s in statements[i]:
                    for m in dated_mentions[j]:
                        if m.day is None or not (score := _same_event(s, m, options)):
                            continue
                        day = m.day - timedelta(days=s.offset or 0)
                        if abs((day - known[j]).days) <= options.event_max_days:
                            links.setdefault(day, (j, s.text, f"{m.text!r}, overlap {score:.2f}"))
            if len(links) > 1:
                listed = ", ".join(f"{d.isoformat()} (via {articles[j].id})" for d, (j, _, _) in sorted(links.items()))
                refused[i] = f"same-event links disagree: {listed}"
            elif links:
                (day, (j, said, named)), *_ = links.items()
                known[i] = day
                how[i] = (
                    f"inferred: {said!r} reports the event that {articles[j].id} (dated {known[j].isoformat()}, "
                    f"{_provenance(articles[j], how.get(j))}) dates with {named}: same event, same weekday "
                    "(date only)"
                )
                changed = True
    # b. the only day with that weekday in the days of the story's dated articles, inside a news cycle
    for i in waiting:
        if i in known or i in refused or not options.weekday_in_window:
            continue
        weekday = built[i].weekday
        assert weekday is not None
        anchors = [j for _, j in similar[i] if j in own]
        if not anchors:
            continue
        if window is None:
            refused[i] = "the batch's dated articles span more than a news cycle (batch_window_days)"
            continue
        first, last = window
        days = [first + timedelta(days=k) for k in range((last - first).days + 1)]
        days = [d for d in days if d.weekday() == weekday]
        if len(days) != 1:
            refused[i] = f"{len(days)} {WEEKDAY_NAMES[weekday]}s in the batch's days {first}..{last}"
            continue
        known[i] = days[0]
        named = ", ".join(articles[j].id for j in anchors[:3]) + (" ..." if len(anchors) > 3 else "")
        how[i] = (
            f"inferred: the only {WEEKDAY_NAMES[weekday]} in the batch's days {first}..{last} (its dated "
            f"articles give or take {options.date_slack_days} days); on the story of {named} (date only)"
        )
    for i in waiting:
        old = dict(articles[i].inferred)["published"]
        said = old.split(", but no date", 1)[0].removeprefix("unknown: ")
        if i in how:
            note = f"{how[i]}; {said}"
            articles[i] = replace(articles[i], published=datetime.combine(known[i], datetime.min.time()))
        elif i in refused:
            note = f"{old}; refused: {refused[i]}"
        else:
            continue
        inferred = tuple((k, note if k == "published" else v) for k, v in articles[i].inferred)
        articles[i] = replace(articles[i], inferred=inferred)
    return articles


_PROVENANCE = (
    ("date line", "date line"),
    ("next to the date", "relative word next to a date"),
    ("embedded post", "embedded post"),
)


def _provenance(article: Article, how: str | None) -> str:
    """How an anchor's date is known, in a few words."""
    if how is not None:
        return "itself dated by the same event"
    said = dict(article.inferred).get("published", "")
    return next((label for key, label in _PROVENANCE if key in said), f"given: {said}")


# ---------------------------------------------------------------------------------------------- 6. duplicates

_SKETCH_MASK = (1 << 61) - 1


def sketch(text: str, shingle: int = 5, size: int = 64, sample: int = 4) -> tuple[int, ...]:
    """Bottom-k MinHash sketch: the `size` smallest hashes of the text's word `shingle`-grams (sorted).

    Only shingles that start at a word whose own hash is 0 modulo `sample` are hashed: the choice depends on
    the words alone, so two texts sample the same shingles where they agree, and the sketch still estimates
    the Jaccard similarity of their shingle sets, at a fraction of the cost."""
    tokens = _TOKEN.findall(_fold(text))
    if len(tokens) < shingle:
        return (zlib.crc32(" ".join(tokens).encode()),) if tokens else ()
    word_hash = {t: zlib.crc32(t.encode()) for t in set(tokens)}
    starts = [i for i in range(len(tokens) - shingle + 1) if word_hash[tokens[i]] % sample == 0]
    if len(starts) < size // 4:  # a short text: use every shingle
        starts = list(range(len(tokens) - shingle + 1))
    # crc32 (C speed, the same in every process) spread over 61 bits by a fixed odd multiplier
    hashes = {
        (zlib.crc32(" ".join(tokens[i : i + shingle]).encode()) * 0x9E3779B97F4A7C15) & _SKETCH_MASK for i in starts
    }
    return tuple(heapq.nsmallest(size, hashes))


def estimated_jaccard(a: Sequence[int], b: Sequence[int], size: int) -> float:
    """Jaccard similarity of two texts estimated from their bottom-k sketches."""
    if not a or not b:
        return 0.0
    union = heapq.nsmallest(size, set(a) | set(b))
    both = set(a) & set(b)
    return sum(1 for h in union if h in both) / len(union)


def fold_duplicates(
    articles: Sequence[Article], options: IngestOptions, sketches: Sequence[Sequence[int]] | None = None
) -> tuple[list[Article], int]:
    """Near-duplicates folded into one article (the longest text; ties: input order) that lists the others in
    `copies`. Candidates share at least `duplicate_min_shared` sketch values (an inverted index: near linear).
    `sketches`: the articles' text sketches when already computed (by the processes that read the inputs)."""
    size = options.sketch_size
    if sketches is None:
        sketches = [sketch(a.text, options.shingle_size, size) for a in articles]
    index: dict[int, list[int]] = defaultdict(list)
    pairs = []
    for i, sk in enumerate(sketches):
        shared: Counter[int] = Counter()
        for h in sk:
            postings = index[h]
            shared.update(postings)
            postings.append(i)
        need = max(1, int(options.duplicate_min_shared * min(size, len(sk))))
        for j, count in shared.items():
            if count >= need and estimated_jaccard(sk, sketches[j], size) >= options.duplicate_threshold:
                pairs.append((i, j))
    kept: list[Article] = []  # in input order of each group's first member
    duplicates = 0
    for members in connected_groups(len(articles), pairs):
        best = max(members, key=lambda i: (len(articles[i].text), -i))
        copies = tuple(replace(articles[i], copies=()) for i in members if i != best)
        duplicates += len(copies)
        main = articles[best]
        kept.append(replace(main, copies=main.copies + copies) if copies else main)
    return kept, duplicates


# ---------------------------------------------------------------------------------------------- entry


def _documents_of(path: Path, options: IngestOptions) -> tuple[list[Document], list[Skipped]]:
    """The documents of one path; never raises for a bad input."""
    try:
        return read_documents(path, options)
    except InputError as exc:
        return [], [Skipped(str(path), str(exc))]
    except OSError as exc:
        return [], [Skipped(str(path), f"cannot read: {exc.strerror or exc}")]


def _build(documents: Sequence[Document], options: IngestOptions) -> tuple[list[_Built], list[Skipped]]:
    built: list[_Built] = []
    skipped: list[Skipped] = []
    for doc in documents:
        try:
            built.append(build_article(doc, options))
        except InputError as exc:
            skipped.append(Skipped(doc.source, str(exc)))
    return built, skipped


def _read_one(path: Path, options: IngestOptions) -> tuple[list[_Built], list[Skipped]]:
    """Everything from one path; never raises for a bad input."""
    documents, skipped = _documents_of(path, options)
    built, more = _build(documents, options)
    return built, skipped + more


def _read_chunk(args: tuple[list[Path], IngestOptions]) -> tuple[list[_Built], list[Skipped]]:
    paths, options = args
    built: list[_Built] = []
    skipped: list[Skipped] = []
    for path in paths:
        found, skips = _read_one(path, options)
        built.extend(found)
        skipped.extend(skips)
    return built, skipped


def _build_chunk(args: tuple[list[Document], IngestOptions]) -> tuple[list[_Built], list[Skipped]]:
    return _build(*args)


_CHUNK = 256


def _read_all(paths: list[Path], options: IngestOptions) -> Iterator[tuple[list[_Built], list[Skipped]]]:
    """Read every path, in order: in one process for small inputs; many files in chunks of files, each read
    and built by a worker (the parent never holds the raw documents); a few large files (one JSON Lines file
    or feed) in two parallel steps, files to documents and documents to articles, so that one file's
    documents spread over cores too."""
    workers = min(options.workers or (os.cpu_count() or 1), os.cpu_count() or 1)
    if workers <= 1 or (len(paths) < _CHUNK // 2 and sum(p.stat().st_size for p in paths) < 2_000_000):
        yield from (_read_one(p, options) for p in paths)
        return
    with ProcessPoolExecutor(max_workers=workers) as pool:
        if len(paths) >= _CHUNK // 2:
            size = min(_CHUNK, -(-len(paths) // (workers * 4)))  # at least four chunks a worker
            chunks = [paths[i : i + size] for i in range(0, len(paths), size)]
            yield from pool.map(_read_chunk, [(c, options) for c in chunks])
            return
        documents: list[Document] = []
        skipped: list[Skipped] = []
        for docs, skips in (_documents_of(p, options) for p in paths):
            documents.extend(docs)
            skipped.extend(skips)
        yield [], skipped
        batches = [(documents[i : i + _CHUNK], options) for i in range(0, len(documents), _CHUNK)]
        yield from pool.map(_build_chunk, batches)


def ingest(paths: Sequence[Path], options: IngestOptions) -> IngestResult:
    """Read every input; bad inputs are skipped with a one-line reason, never fatal."""
    _zone(options.timezone)  # a wrong zone is the user's mistake: say so before reading anything
    built: list[_Built] = []
    skipped: list[Skipped] = []
    seen: dict[str, str] = {}
    for found, skips in _read_all(expand_paths(paths), options):
        skipped.extend(skips)
        for b in found:
            first = seen.get(b.article.id)
            if first is not None:
                skipped.append(
                    Skipped(b.article.source or b.article.id, f"duplicate id {b.article.id!r} (first in {first})")
                )
                continue
            seen[b.article.id] = b.article.source or b.article.id
            built.append(b)
    articles, duplicates = fold_duplicates(date_from_batch(built, options), options, [b.sketch for b in built])
    return IngestResult(tuple(articles), tuple(skipped), duplicates)


def inspect(path: Path, options: IngestOptions) -> tuple[list[Inspection], list[Skipped]]:
    """Each document of one file with the reason for every removed line (for `digest inspect`)."""
    built, skipped = _read_one(path, options)
    articles = date_from_batch(built, options)
    return [Inspection(a, b.removals) for a, b in zip(articles, built, strict=True)], skipped


def newest_publication(articles: Iterable[Article]) -> datetime | None:
    """The latest publication datetime among the articles, if any is known."""
    found = [a.published for a in articles if a.published is not None]
    return max(found) if found else None
