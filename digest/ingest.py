"""Stage 1, ingest: input paths to cleaned `Article` records.

Entry point: `ingest(paths, options) -> IngestResult`.
1. expand paths (files, folders) in a stable order;
2. read each file (size limit, UTF-8) or skip it with a one-line reason;
3. clean page furniture (navigation bullets, banners, prompts), keeping what was removed;
4. find the title and the publication date.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from digest import arabic
from digest.errors import InputError
from digest.model import Article, Skipped
from digest.options import IngestOptions
from digest.resources import read_lines

TEXT_SUFFIXES = (".txt",)


@dataclass(frozen=True)
class IngestResult:
    """The articles read, the inputs skipped (with reasons) and the number of folded near-duplicates."""

    articles: tuple[Article, ...]
    skipped: tuple[Skipped, ...]
    duplicates: int = 0

    @property
    def read(self) -> int:
        return len(self.articles) + self.duplicates


def expand_paths(paths: Sequence[Path]) -> list[Path]:
    """Files named, and files with a known suffix under folders named, sorted; missing paths raise."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(sorted(p for p in path.rglob("*") if p.is_file() and p.suffix in TEXT_SUFFIXES))
        elif path.is_file():
            found.append(path)
        else:
            raise InputError(f"input not found: {path}")
    return list(dict.fromkeys(found))


def _furniture_patterns() -> list[re.Pattern[str]]:
    return [re.compile(p) for p in read_lines("furniture/ar.txt")]


def clean_lines(text: str) -> tuple[list[str], list[str]]:
    """Split a page's text into (kept lines, removed furniture lines)."""
    patterns = _furniture_patterns()
    kept: list[str] = []
    removed: list[str] = []
    for line in arabic.clean_invisible(text).split("\n"):
        stripped = line.strip()
        if not stripped:
            continue
        if any(p.search(stripped) for p in patterns):
            removed.append(stripped)
        elif kept and stripped == kept[-1]:
            removed.append(stripped)  # a title repeated by the page template
        else:
            kept.append(stripped)
    return kept, removed


def _title(lines: list[str]) -> str | None:
    for line in lines[:5]:
        if 3 <= len(arabic.words(line)) <= 25 and not line.endswith((".", ":")):
            return line
    return None


def read_article(path: Path, options: IngestOptions) -> Article:
    """One text file to an `Article`; raises `InputError` with a one-line reason."""
    size = path.stat().st_size
    if size > options.max_bytes:
        raise InputError(f"too large ({size} bytes > {options.max_bytes})")
    raw = path.read_bytes()
    if b"\x00" in raw[:4096]:
        raise InputError("binary file")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError("not UTF-8 text") from None
    kept, removed = clean_lines(text)
    body = "\n".join(kept)
    if len(body) < options.min_chars:
        raise InputError(f"empty or too short ({len(body)} characters of text)")
    title = _title(kept)
    language = "ar" if arabic.arabic_ratio(body) >= 0.5 else "en"
    published = None
    inferred: list[tuple[str, str]] = []
    return Article(
        id=path.stem,
        text=body,
        title=title,
        published=published,
        language=language,
        source=str(path),
        removed=tuple(removed),
        inferred=tuple(inferred),
    )


def ingest(paths: Sequence[Path], options: IngestOptions) -> IngestResult:
    """Read every input; bad inputs are skipped with a reason, never fatal."""
    articles: list[Article] = []
    skipped: list[Skipped] = []
    seen: set[str] = set()
    for path in expand_paths(paths):
        try:
            article = read_article(path, options)
        except InputError as exc:
            skipped.append(Skipped(str(path), str(exc)))
            continue
        except OSError as exc:
            skipped.append(Skipped(str(path), f"cannot read: {exc.strerror or exc}"))
            continue
        if article.id in seen:
            skipped.append(Skipped(str(path), f"duplicate id {article.id!r}"))
            continue
        seen.add(article.id)
        articles.append(article)
    return IngestResult(tuple(articles), tuple(skipped))


def newest_publication(articles: Iterable[Article]) -> datetime | None:
    """The latest publication datetime among the articles, if any is known."""
    dates = [a.published for a in articles if a.published is not None]
    return max(dates) if dates else None
