"""Ingest step 3: page furniture taken out of a document's text, line by line (`clean`).

Furniture patterns (data files `furniture/lines.tsv`, `ingest/captions.tsv`), embedded posts, photo captions,
lines in another script, repeated titles and paragraphs, related headlines inside the body, the header above
the body (title, byline, date line), and blocks appended after a comments or related-articles marker or a
headline when they are not about the same story (lexical cohesion with the article's main block). Every
removed line is returned with its reason (`Removal`).

The later steps match words in the form defined here: `fold` (the cheap matching form), `TOKEN`,
`stop_words` and `content_words`; `is_date_line` tells a date line from a headline or a name.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from digest.lang import arabic, dates
from digest.resources import read_lines, read_tsv


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
TOKEN = re.compile(r"\w+")  # a word, in every step's matching (on `fold`ed text)


fold = arabic.fold  # the one matching form (digest.lang.arabic)


def _fingerprint(line: str) -> str:
    return "".join(TOKEN.findall(fold(line)))


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
def stop_words(language: str) -> frozenset[str]:
    """The stop words of a language (data file `stopwords/<lang>.txt`) in the `fold` form; none when there is
    no list for the language."""
    try:
        return frozenset(fold(w) for w in read_lines(f"stopwords/{language}.txt"))
    except FileNotFoundError:
        return frozenset()


_ARTICLE_PREFIX = re.compile(r"(?<!\w)(?:[وبفك]?ال|لل)(?=\w{3})")


def content_words(text: str, language: str) -> set[str]:
    """Content words of a text, folded, without the article and its glued conjunction or preposition."""
    folded = fold(text)
    if language == "ar":
        folded = _ARTICLE_PREFIX.sub("", folded)
    return {t for t in set(TOKEN.findall(folded)) - stop_words(language) if len(t) >= 3 and not t.isdigit()}


def _cohesion(block: Sequence[str], main: set[str], language: str) -> float:
    """Lexical cohesion of a block with the main text: shared content words over the smaller vocabulary."""
    words = content_words(" ".join(block), language)
    return len(words & main) / min(len(words), len(main)) if words and main else 0.0


_LATIN_RUN = re.compile(r"[A-Za-z]{3,}")


def _script_mismatch(line: str, language: str) -> bool:
    """A line written mostly in another script than the article (a Latin caption or credit in Arabic text)."""
    if language != "ar" or len(_LATIN_RUN.findall(line)) < 2:
        return False
    ratio = arabic.arabic_ratio(line)
    return ratio < 0.3 and len(arabic.LATIN_LETTER.findall(line)) >= 12


@lru_cache(maxsize=1)
def _widget() -> re.Pattern[str]:
    """A date and a clock time written together (a page's timestamp widget: "1 / 21 / 2018 8 : 19 : 10 AM",
    "الأحد 21 كانون الثاني 2018 - 09 : 17"), or template placeholders ("{{ cityName }}", "} }"). Prose names a
    day, or an hour, but hardly ever both to the minute."""
    months = sorted({row["name"] for row in read_tsv("dates/months.tsv")}, key=len, reverse=True)
    month = "(?:" + "|".join(re.escape(m) for m in months) + ")"
    numeric = r"\d{1,4}\s?[/.-]\s?\d{1,2}\s?[/.-]\s?\d{1,4}"
    named = rf"(?:\d{{1,2}}\s+)?{month}(?:\s?/\s?{month})?\s*,?\s*(?:\d{{1,2}}\s*,?\s*)?\d{{4}}"
    # one word names the zone ("بتوقيت غرينتش"); the word after it is the report's ("... غرينتش أعلنت الوزارة")
    zone = r"(?:\s?(?:AM|PM|am|pm))?(?:\s?(?:GMT|بتوقيت\s(?:مكة\sالمكرمة|\w+)))?"
    clock = rf"\d{{1,2}}\s?:\s?\d{{2}}(?:\s?:\s?\d{{2}})?{zone}"
    days = sorted({row["name"] for row in read_tsv("dates/weekdays.tsv")}, key=len, reverse=True)
    weekday = "(?:" + "|".join(re.escape(d) for d in days) + r")\s*[,،]?\s*"
    date = f"(?:{weekday})?(?:{numeric}|{named})"
    stamp = rf"{date}(?:\s*[-|,،:]?\s*(?:الساعة\s*)?){clock}|{clock}\s*[-|,،]?\s*{date}"
    placeholder = r"\{\s?\{[^{}]{0,40}\}\s?\}|\{\s?\{|\}\s?\}"
    return re.compile(rf"(?:(?:{stamp}|{placeholder})\s*)+")


_WIDGET_MIN_REST = 8  # words a line must keep after its widget for the cut to be worth it
_WIDGET_SIGN = re.compile(r"\d\s?:\s?\d\d|[{}]")  # in every widget: a clock time or a placeholder's brace


def _cut_widgets(line: str) -> tuple[str, str | None]:
    """A line with its timestamp widgets, and what the page glued before them (title, site name, breadcrumb),
    cut off when a widget stands in the line's first half; a widget at the end goes alone. Returns the line
    and what was cut (None when nothing was)."""
    cuts: list[str] = []
    if not _WIDGET_SIGN.search(line):  # most lines (the widget's pattern is slow to try at every position)
        return line, None
    for _ in range(4):  # a placeholder, then the widget list after it...
        line, cut = _cut_widget(line)
        if cut is None:
            break
        cuts.append(cut)
    return line, " ".join(cuts) if cuts else None


def _cut_widget(line: str) -> tuple[str, str | None]:
    words = len(line.split())
    for match in _widget().finditer(line):
        before = line[: match.start()].strip(" -|:،,")
        after = line[match.end() :].strip(" -|:،,")
        if not before and not after:
            return line, None  # a date line of its own: the header rules read it (`metadata.publication_evidence`)
        if len(before.split()) <= words // 2 and len(after.split()) >= _WIDGET_MIN_REST:
            return after, line[: match.end()].strip()
        if not after:
            return before, match.group().strip()
    return line, None


_BYLINE = re.compile(r"(?:^|\s)(?:كتبت?|كتبه|بقلم)\s*[-–—:]+\s*[\u0621-\u064A]+(?:\s+[\u0621-\u064A]+){0,4}\s*:\s")
"""A byline ("كتبت - إيمان محمود :") in a line: the page's title and the writer's name before its lead."""


def _cut_byline(line: str) -> tuple[str, str | None]:
    """A line with the byline in its first half cut off, and all the page glued before it (its title); what
    was cut, or None. The lead after it must keep `_WIDGET_MIN_REST` words."""
    match = _BYLINE.search(line)
    if match is None:
        return line, None
    before, after = line[: match.start()], line[match.end() :].strip()
    if len(before.split()) > len(line.split()) // 2 or len(after.split()) < _WIDGET_MIN_REST:
        return line, None
    return after, line[: match.end()].strip()


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
        line, widget = _cut_widgets(line)
        if widget is not None:
            removed.append(Removal(widget, "timestamp widget"))
            if not line:
                continue
        line, byline = _cut_byline(line)
        if byline is not None:
            removed.append(Removal(byline, "byline"))
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
    main_words = content_words(" ".join(blocks[main_index]), language)
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
    return (n >= 6 and ends and not is_date_line(line)) or n >= 15


def _headline(header: Sequence[str]) -> str | None:
    """The page's headline among the header lines: the first headline-shaped line that is not a date line."""
    for line in header:
        n = _words(line)
        if n < 3 or n > 30 or is_date_line(line):
            continue
        if line.endswith((":", "،", ",", ".")):
            continue
        return line
    return None


_TITLE_EDGE = re.compile(r"^[-–—|:<>»«/]+$")
_REPEAT_WINDOW = 160  # tokens of the page searched for the title's second copy
_REPEAT_START = 60  # the title's first copy starts within this many tokens
_REPEAT_MIN_WORDS = 5  # Arabic words in a repeated title (a shorter run is a name or a phrase)
_REPEAT_MAX_TOKENS = 30


def repeated_title(text: str) -> str | None:
    """The page's headline when the scrape kept it twice near the top (the document's title, then the heading
    above the article: "X | site ... X ..."), else None.

    The longest run of tokens that starts within the first `_REPEAT_START` tokens and appears again further
    on, taken at the earliest start where one is found; it must stand apart (at the page's start, before its
    own copy, or after a separator or a word in Latin script: a title, not a phrase of a sentence), hold
    `_REPEAT_MIN_WORDS` Arabic words and few figures (not a repeated date widget)."""
    tokens = text[:4000].split()[:_REPEAT_WINDOW]
    keys = [arabic.fold_word(t) for t in tokens]
    where: dict[str, list[int]] = {}
    for k, key in enumerate(keys):
        where.setdefault(key, []).append(k)
    for i in range(min(len(keys), _REPEAT_START)):
        if not arabic.ARABIC_LETTER.search(tokens[i]):
            continue
        size, copy = 0, 0
        for j in where[keys[i]]:
            n = 0
            while j > i and j + n < len(keys) and i + n < j and n < _REPEAT_MAX_TOKENS and keys[i + n] == keys[j + n]:
                n += 1
            if n > size:
                size, copy = n, j
        run = tokens[i : i + size]
        words = sum(bool(arabic.ARABIC_LETTER.search(t)) for t in run)
        if words < _REPEAT_MIN_WORDS or sum(any(c.isdigit() for c in t) for t in run) > 2:
            continue
        if run[-1].endswith((":", "،", ",", ".")) or fold(run[-1]) in stop_words("ar"):
            continue  # a sentence's clause, or a title cut short in its copy ("… من التحول ل")
        # it opens the page, its copy follows at once ("X X"), or a separator or a site's Latin name is before it
        if i == 0 or copy == i + size or _stands_apart(tokens[i - 1]):
            return " ".join(run)
    return None


def _stands_apart(token: str) -> bool:
    """A token that ends a title: a separator, or a word in Latin script (a site's name)."""
    return bool(_TITLE_EDGE.match(token) or arabic.LATIN_LETTER.search(token))


def is_date_line(line: str) -> bool:
    """A line that is mostly dates (at least half its characters): a dateline, not a headline or a name."""
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
        head_words = content_words(" ".join(head), language) or main_words
        teaser = _TEASER.search(tail[-1]) is not None
        if teaser or _cohesion(tail, head_words, language) < cohesion_min:
            removed.extend(Removal(line, "appended block not about this article") for line in tail)
            kept = head
        else:
            break
    return kept, removed
