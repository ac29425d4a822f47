"""Stage 1, ingest: input paths to cleaned `Article` records.

Entry point: `ingest(paths, options) -> IngestResult`; `inspect` shows one file's removed lines with their
reasons. The steps, in order, and the module that does each:

1. `read.expand_paths`: files, folders (files with a known suffix, recursively) and globs, in a stable order;
2. `read.read_documents`: each file into documents: plain text, HTML (trafilatura: main text and metadata),
   RSS/Atom feeds (feedparser: one document per entry) or JSON Lines (`{"id", "text", ...}`); the bytes are
   decoded by evidence (`read.decode_text`): a BOM, UTF-8 (a few invalid bytes replaced, with a warning), or
   the Arabic single-byte code page (Windows-1256 or ISO-8859-6) that reads better as Arabic; anything else
   (empty, binary, undecodable, mojibake, over `max_bytes` an article or `max_file_bytes` a JSON Lines file or
   feed, malformed, a symlink loop, a device) is skipped with a one-line reason;
3. `clean.clean`: page furniture removed line by line: furniture patterns (data file `furniture/lines.tsv`),
   embedded posts, photo captions, lines in another script, repeated titles and paragraphs, related headlines
   inside the body, the header above the body (title, byline, date line), and blocks appended after a comments
   or related-articles marker or a headline when they are not about the same story (lexical cohesion with the
   article's main block); every removed line is kept in `Article.removed`;
4. `metadata.build_article`: title, outlet and author (given fields, byline, dateline, sign-offs and
   disclaimers that name the site, the text's own "sources of X", the URL's site: a known outlet's name from
   `ingest/outlet_sites.tsv`, else the domain), language, and the publication datetime (rules in
   `metadata.publication_evidence`); how each field was found goes to `Article.inferred`;
5. `batch_dates.date_from_batch`: articles whose own text fixes only the weekday dated from the batch's other
   articles: a sentence reporting the same event as a dated one, or the only day with that weekday in a batch
   that spans a news cycle; refused when the evidence disagrees;
6. `duplicates.fold_duplicates`: near-duplicates (wire copies, the same page saved twice) folded: bottom-k
   MinHash sketches of word shingles, candidates from an index of sketch values, Jaccard estimated from the
   sketches; the longest text is kept and the others become its `copies`;
7. `templates.strip_site_templates`: each site's template text (word runs its pages about different things
   share: menus, login forms, widgets, sidebar headlines, even when glued to a sentence) cut out of its pages.

Steps 2-4 run file by file, in worker processes for large inputs (`_read_all`); 5 to 7 need the whole batch.
Publication datetimes are naive, in the desk's zone (`IngestOptions.timezone`): aware values are converted.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from digest.document import Article, InputWarning, Skipped
from digest.errors import InputError
from digest.ingest.batch_dates import date_from_batch
from digest.ingest.clean import Removal
from digest.ingest.duplicates import fold_duplicates
from digest.ingest.metadata import Built, build_article, time_zone
from digest.ingest.read import Document, documents_of, expand_paths
from digest.ingest.templates import strip_site_templates
from digest.options import IngestOptions
from digest.runtime.parallel import map_spans, span_size, worker_count

__all__ = ["Document", "IngestResult", "Inspection", "build_article", "ingest", "inspect", "newest_publication"]


@dataclass(frozen=True)
class IngestResult:
    """The articles read, the inputs skipped (with reasons), the number of folded near-duplicates, and warnings
    about inputs read (invalid bytes replaced)."""

    articles: tuple[Article, ...]
    skipped: tuple[Skipped, ...]
    duplicates: int = 0
    warnings: tuple[InputWarning, ...] = ()

    @property
    def read(self) -> int:
        return len(self.articles) + self.duplicates


@dataclass(frozen=True)
class Inspection:
    """What `digest inspect` shows for one document: the article and the reason for each removed line."""

    article: Article
    removals: tuple[Removal, ...]


def _build(documents: Sequence[Document], options: IngestOptions) -> tuple[list[Built], list[Skipped]]:
    built: list[Built] = []
    skipped: list[Skipped] = []
    for doc in documents:
        try:
            built.append(build_article(doc, options))
        except InputError as exc:
            skipped.append(Skipped(doc.source, str(exc)))
    return built, skipped


Found = tuple[list[Built], list[Skipped], list[InputWarning]]


def _read_one(path: Path, options: IngestOptions) -> Found:
    """Everything from one path; never raises for a bad input."""
    documents, skipped, warnings = documents_of(path, options)
    built, more = _build(documents, options)
    return built, skipped + more, warnings


def _read_paths(paths: Sequence[Path], options: IngestOptions) -> Found:
    """Everything from some paths, in order; never raises for a bad input."""
    built: list[Built] = []
    skipped: list[Skipped] = []
    warnings: list[InputWarning] = []
    for path in paths:
        found, skips, notes = _read_one(path, options)
        built.extend(found)
        skipped.extend(skips)
        warnings.extend(notes)
    return built, skipped, warnings


_MANY_FILES = 128  # from this many paths, or _LARGE_BYTES in all, reading is worth forking workers
_LARGE_BYTES = 2_000_000
_SPAN = 256  # paths, or documents, a worker takes at a time at most


def _read_all(paths: list[Path], options: IngestOptions) -> Iterator[Found]:
    """Read every path, in order: in this process for small inputs; many files in spans of files, each read
    and built by a worker (the parent never holds the raw documents); a few large files (one JSON Lines file
    or feed) in two steps, files to documents here and documents to articles in workers, so that one file's
    documents spread over cores too."""
    workers = worker_count(options.workers)
    if workers <= 1 or (len(paths) < _MANY_FILES and sum(p.stat().st_size for p in paths) < _LARGE_BYTES):
        yield from (_read_one(p, options) for p in paths)
        return
    if len(paths) >= _MANY_FILES:

        def read_span(start: int, end: int) -> Found:
            return _read_paths(paths[start:end], options)

        size = span_size(len(paths), workers, per_worker=4, low=1, high=_SPAN)  # about four spans a worker
        yield from map_spans(read_span, len(paths), workers, min_items=_MANY_FILES, span_size=size)
        return
    documents: list[Document] = []
    skipped: list[Skipped] = []
    warnings: list[InputWarning] = []
    for docs, skips, notes in (documents_of(p, options) for p in paths):
        documents.extend(docs)
        skipped.extend(skips)
        warnings.extend(notes)
    yield [], skipped, warnings

    def build_span(start: int, end: int) -> Found:
        return (*_build(documents[start:end], options), [])

    yield from map_spans(build_span, len(documents), workers, min_items=1, span_size=_SPAN)


def ingest(paths: Sequence[Path], options: IngestOptions) -> IngestResult:
    """Read every input; bad inputs are skipped with a one-line reason, never fatal."""
    time_zone(options.timezone)  # a wrong zone is the user's mistake: say so before reading anything
    built: list[Built] = []
    files, skipped = expand_paths(paths)
    warnings: list[InputWarning] = []
    seen: dict[str, str] = {}
    for found, skips, notes in _read_all(files, options):
        skipped.extend(skips)
        warnings.extend(notes)
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
    articles = strip_site_templates(articles, options)
    return IngestResult(tuple(articles), tuple(skipped), duplicates, tuple(warnings))


def inspect(path: Path, options: IngestOptions) -> tuple[list[Inspection], list[Skipped]]:
    """Each document of one file with the reason for every removed line (for `digest inspect`)."""
    built, skipped, _warnings = _read_one(path, options)
    articles = date_from_batch(built, options)
    return [Inspection(a, b.removals) for a, b in zip(articles, built, strict=True)], skipped


def newest_publication(articles: Iterable[Article]) -> datetime | None:
    """The latest publication datetime among the articles, if any is known."""
    found = [a.published for a in articles if a.published is not None]
    return max(found) if found else None
