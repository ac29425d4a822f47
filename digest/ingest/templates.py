"""Ingest step 7: each site's template text, found across the day's pages of that site, cut out of its pages.

A scraped page carries its site's furniture: the menu, a login form, a prayer-times or date widget, the
sidebar's headline list, the footer. Line rules cannot know every site, and a flattened page glues the
breadcrumb and the date widget onto the first sentence of the report. The day itself knows better: a run of
words that two or more pages of one site (the URL's domain, else the outlet) carry, when those pages are not
about the same thing, is that site's template.

1. every page's words are folded (`arabic.fold`) and hashed as shingles of `template_shingle` words;
2. per site, a shingle is template text when `template_min_pages` or more of the site's pages carry it, or
   when two do whose word sets are otherwise unlike (Jaccard below `template_max_similarity`: two reports of
   one story from one site share their news, two pages of different stories share only the template);
3. the words those shingles cover form runs; a run is cut when it is long (`template_min_run` words or more)
   or when it reaches the start or the end of its line (furniture glued to a sentence sits at the line's
   edge), and a line left with fewer than three words goes whole. What is cut is kept in `Article.removed`
   ("site template"). A page that would keep less than `min_chars` of text keeps its text.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import replace

from digest.document import Article
from digest.ingest.metadata import domain_of
from digest.lang import arabic
from digest.options import IngestOptions

_WORD = re.compile(r"\w+")
_MIN_LINE_WORDS = 3  # a line left with fewer words after a cut is dropped


def _site(article: Article) -> str | None:
    return domain_of(article.url) or article.outlet


class _Page:
    """One page's words (folded, with their character spans) and shingle hashes."""

    def __init__(self, text: str, size: int) -> None:
        matches = list(_WORD.finditer(text))
        self.spans = [m.span() for m in matches]
        words = [arabic.fold_word(m.group()) for m in matches]
        self.shingles = [hash(tuple(words[i : i + size])) for i in range(len(words) - size + 1)]
        self.vocabulary = frozenset(w for w in words if len(w) >= 3)


def _jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    return len(a & b) / len(a | b) if a or b else 1.0


def _template_shingles(pages: Sequence[_Page], options: IngestOptions) -> set[int]:
    holders: dict[int, list[int]] = defaultdict(list)
    for k, page in enumerate(pages):
        for shingle in set(page.shingles):
            holders[shingle].append(k)
    template: set[int] = set()
    unlike: dict[tuple[int, int], bool] = {}
    for shingle, where in holders.items():
        if len(where) >= options.template_min_pages:
            template.add(shingle)
        elif len(where) == 2:
            pair = (where[0], where[1])
            if pair not in unlike:
                similarity = _jaccard(pages[pair[0]].vocabulary, pages[pair[1]].vocabulary)
                unlike[pair] = similarity < options.template_max_similarity
            if unlike[pair]:
                template.add(shingle)
    return template


def _covered(page: _Page, template: set[int], size: int) -> list[bool]:
    covered = [False] * len(page.spans)
    for i, shingle in enumerate(page.shingles):
        if shingle in template:
            covered[i : i + size] = [True] * size
    return covered


def _runs(covered: list[bool]) -> list[tuple[int, int]]:
    runs, start = [], None
    for i, flag in enumerate([*covered, False]):
        if flag and start is None:
            start = i
        elif not flag and start is not None:
            runs.append((start, i))
            start = None
    return runs


def _cut(text: str, page: _Page, covered: list[bool], options: IngestOptions) -> tuple[str, list[str]]:
    """The text with the template runs cut out, and what was cut."""
    cuts: list[tuple[int, int]] = []
    for first, end in _runs(covered):
        lo, hi = page.spans[first][0], page.spans[end - 1][1]
        line_start = text.rfind("\n", 0, lo) + 1
        line_end = text.find("\n", hi)
        line_end = len(text) if line_end < 0 else line_end
        at_edge = not _WORD.search(text, line_start, lo) or not _WORD.search(text, hi, line_end)
        if end - first >= options.template_min_run or at_edge:
            if not _WORD.search(text, line_start, lo):
                lo = line_start
            if not _WORD.search(text, hi, line_end):
                hi = line_end
            cuts.append((lo, hi))
    if not cuts:
        return text, []
    removed = [text[lo:hi].strip() for lo, hi in cuts]
    pieces, at = [], 0
    for lo, hi in cuts:
        pieces.append(text[at:lo])
        at = hi
    pieces.append(text[at:])
    lines = []
    for line in "".join(pieces).split("\n"):
        line = re.sub(r"[ \t]{2,}", " ", line).strip(" \t-|/»«:،,")
        if len(_WORD.findall(line)) >= _MIN_LINE_WORDS:
            lines.append(line)
        elif line:
            removed.append(line)
    return "\n".join(lines), [r for r in removed if r]


def strip_site_templates(articles: Sequence[Article], options: IngestOptions) -> list[Article]:
    """The articles with their sites' template text cut out (see the module docstring), in the same order."""
    size = options.template_shingle
    by_site: dict[str, list[int]] = defaultdict(list)
    for i, article in enumerate(articles):
        site = _site(article)
        if site:
            by_site[site].append(i)
    out = list(articles)
    if size <= 0:
        return out
    for members in by_site.values():
        if len(members) < 2:
            continue
        pages = [_Page(articles[i].text, size) for i in members]
        template = _template_shingles(pages, options)
        if not template:
            continue
        for i, page in zip(members, pages, strict=True):
            covered = _covered(page, template, size)
            if not any(covered):
                continue
            text, removed = _cut(articles[i].text, page, covered, options)
            if removed and len(text) >= options.min_chars:
                out[i] = replace(articles[i], text=text, removed=articles[i].removed + tuple(removed))
    return out
