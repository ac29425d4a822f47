"""Dates written in news text (Arabic, English, French, Spanish), resolved to calendar dates.

Entry point: `find_dates(text, reference) -> list[FoundDate]`, every date expression in order.

What is recognised (names and words are data files in `digest/data/dates/`):
- day, month name, optional year: "23 أبريل 2022", "11 ماي", "25 يونيو/ حزيران الماضي", "10 de mayo de 2022",
  "le 3 mars", with an optional weekday before ("السبت 23 أبريل 2022") and a time after
  ("على الساعة 00:05", "- 12:00", "at 10:30 pm");
- English order: "May 10, 2022", "Tuesday, May 10";
- numeric: "18-01-2022", "18/01/2022" (day first), "2022/05/10", "2022-05-10";
- month and year: "شتنبر 2014", "May 2022" (precision "month"); month with a modifier: "مارس الماضي",
  "ماي المقبل" (precision "month", relative);
- bare years after a year word: "عام 2014", "in 2014", or in parentheses "(2020)" (precision "year");
- relative day words, alone or with the weekday they name: "اليوم", "أمس", "أمس الأول", "غدا", "يوم غد الأربعاء",
  "امس الثلاثاء", "اليوم الاثنين", "yesterday", "hier"; weekdays with a modifier ("الثلاثاء الماضي") or alone
  in a dating position ("يوم الأحد", "قال ..., الثلاثاء، بمراكش").
Month names are matched in every language at once: Arabic standard (مايو), Maghreb (ماي، يوليوز، غشت، شتنبر،
نونبر، دجنبر), Algerian/Tunisian (جوان، جويلية، أوت) and Levantine (كانون الثاني، شباط، أيار، تشرين الأول...)
names, hamza and alef-maksura variants included; Arabic-Indic digits are read as digits.

How relative expressions are resolved against the reference (the article's publication date):
- a day word is an offset (أمس = -1); when it names a weekday too, the weekday wins: the date with that weekday
  nearest to reference + offset (so "أمس الثلاثاء" written on Wednesday 11 May 2022, or just after midnight on
  Thursday, is Tuesday 10 May);
- a weekday with "الماضي/last" is the last such day strictly before the reference, with "المقبل/next" the
  first strictly after; a bare weekday is the last such day on or before the reference, unless a future marker
  ("سيعقد", "ينتظر", "will"...) shortly precedes it, then the first on or after;
- a year-less date takes the year that puts it nearest the reference (after it with "المقبل", before it with
  "الماضي").
Relative and year-less expressions are skipped when there is no reference. Nothing is guessed beyond that.
dateparser is used only for whole metadata values (`parse_datetime`), where its breadth of formats serves;
in running text the precompiled patterns here are faster and do not misread Maghreb month names.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from email.utils import parsedate_to_datetime
from functools import lru_cache, partial
from itertools import accumulate, compress
from typing import Any

from digest.lang import arabic
from digest.resources import read_tsv
from digest.runtime.memo import PerWord

__all__ = [
    "FoundDate",
    "WeekdayStatement",
    "find_dates",
    "nearest_weekday",
    "parse_datetime",
    "weekday_statements",
]


@dataclass(frozen=True)
class FoundDate:
    text: str  # the expression as written
    start: int  # char offsets in the text given
    end: int
    value: date  # resolved calendar date (first day of the month/year when precision is coarser)
    precision: str  # "day" | "month" | "year"
    relative: bool  # True when resolved from a relative word
    time: time | None = None


@dataclass(frozen=True)
class WeekdayStatement:
    """A relative day word that also names the weekday ("امس الثلاثاء"): it fixes the writing day's weekday."""

    text: str
    start: int
    end: int
    offset: int  # days from the writing day (أمس = -1)
    weekday: int  # the weekday named (0 = Monday)

    @property
    def writing_weekday(self) -> int:
        """The weekday of the day the text was written, if the statement is right."""
        return (self.weekday - self.offset) % 7


_DIGITS = arabic.DIGITS
_ALEFS = "اأإآ"
_TANWEEN = "\u064b"


def _key(text: str) -> str:
    """A lookup key: lower case, no accents or tanween, alef/ya/teh-marbuta unified, single spaces."""
    text = unicodedata.normalize("NFD", text.lower())
    text = "".join(c for c in text if not unicodedata.combining(c) and c != _TANWEEN)
    text = re.sub("[أإآ]", "ا", text).replace("ى", "ي").replace("ة", "ه").replace("’", "'")
    return " ".join(text.split())


def _atoms(name: str) -> list[str]:
    """Regex atoms for `name` that accept the spelling variants writers use (hamza, alef maksura, accents)."""
    out: list[str] = []
    for i, ch in enumerate(name):
        if ch in _ALEFS:
            out.append(f"[{_ALEFS}]")
        elif ch in "يى":
            out.append("[يى]")
        elif ch in "ةه" and i == len(name) - 1:
            out.append("[ةه]")
        elif ch == " ":
            out.append(r"\s+")
        elif ch in "'’":
            out.append("['’]")
        elif ch == _TANWEEN:
            continue
        else:
            base = unicodedata.normalize("NFD", ch)[0]
            out.append(f"[{re.escape(ch)}{re.escape(base)}]" if base != ch else re.escape(ch.lower()))
    if name[-1] in _ALEFS + _TANWEEN:
        out.append(f"{_TANWEEN}?")
    return out


def _trie_regex(node: dict[str, Any]) -> str:
    """A regex from a trie of atoms: shared prefixes are tried once (Python's re has no trie of its own)."""
    ends = "" in node
    branches = [atom + _trie_regex(child) for atom, child in sorted(node.items()) if atom]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    return f"(?:{body})?" if ends else body


def _alternation(names: list[str]) -> str:
    """One regex matching any of `names` (longest match first, spelling variants tolerated)."""
    trie: dict[str, Any] = {}
    for name in set(names):
        node = trie
        for atom in _atoms(name):
            node = node.setdefault(atom, {})
        node[""] = {}
    return "(?:" + _trie_regex(trie) + ")"


@dataclass(frozen=True)
class _Lexicon:
    months: dict[str, int]
    weekdays: dict[str, int]
    relative: dict[str, int]
    modifiers: dict[str, str]
    future: tuple[str, ...]
    pattern: re.Pattern[str]
    future_pattern: re.Pattern[str]
    triggers: frozenset[str]  # first words of every name, folded: lines without one (or a digit) are skipped
    relative_triggers: frozenset[str]


_TIME = re.compile(
    r"\s*(?:[-–—|,،T]\s*)?(?:(?:على\s+)?(?:ال)?ساعة\s+|at\s+|à\s+|a\s+las\s+)?"
    r"(?P<h>[0-2]?\d)(?::|h)(?P<mi>[0-5]\d)(?::[0-5]\d)?(?!\d)(?:\s*(?P<ap>[ap]\.?m\.?|ص|م)(?!\w))?",
    re.IGNORECASE,
)
_BARE_WEEKDAY_FOLLOW = re.compile(r"\s*[،,.:؛;)]")


@lru_cache(maxsize=1)
def _lexicon() -> _Lexicon:
    months = {_key(r["name"]): int(r["month"]) for r in read_tsv("dates/months.tsv")}
    latin_months = [r["name"] for r in read_tsv("dates/months.tsv") if r["lang"] != "ar"]
    weekdays = {_key(r["name"]): int(r["weekday"]) for r in read_tsv("dates/weekdays.tsv")}
    relative = {_key(r["word"]): int(r["offset"]) for r in read_tsv("dates/relative.tsv")}
    modifiers = {_key(r["word"]): r["direction"] for r in read_tsv("dates/modifiers.tsv")}
    year_words = [r["word"] for r in read_tsv("dates/year_words.tsv")]
    future = tuple(r["word"] for r in read_tsv("dates/future_markers.tsv"))

    mon = _alternation([r["name"] for r in read_tsv("dates/months.tsv")])
    lmon = _alternation(latin_months)
    wd = _alternation([r["name"] for r in read_tsv("dates/weekdays.tsv")])
    rel = _alternation([r["word"] for r in read_tsv("dates/relative.tsv")])
    mod = _alternation([r["word"] for r in read_tsv("dates/modifiers.tsv")])
    yw = _alternation(year_words)
    year = r"(?:1[89]|20)\d\d(?!\d)"
    end = r"(?!\w)"
    # Word start: not after a letter, except after a lone conjunction (و/ف) glued to the word.
    start = r"(?:(?<!\w)|(?<=(?<!\w)[وف]))"
    branches = [
        # numeric, the same separator twice, single spaces allowed ("1 / 11 / 2017" in tokenised scrapes)
        rf"(?P<ymd>(?<!\d)(?P<ymd_y>{year}) ?(?P<ymd_s>[-/.]) ?(?P<ymd_m>\d{{1,2}}) ?(?P=ymd_s) ?"
        rf"(?P<ymd_d>\d{{1,2}})(?!\d))",
        rf"(?P<num>(?<!\d)(?P<num_d>\d{{1,2}}) ?(?P<num_s>[-/.]) ?(?P<num_m>\d{{1,2}}) ?(?P=num_s) ?"
        rf"(?P<num_y>{year}))",
        rf"(?P<dmy>(?:{start}(?P<dmy_wd>{wd}){end}\s*[،,]?\s*)?(?<!\d)(?P<dmy_d>\d{{1,2}})"
        rf"(?:er|º|st|nd|rd|th)?\s*(?:de\s+|من\s+)?(?:شهر\s+)?(?P<dmy_m>{mon}){end}\.?"
        rf"(?:\s*[/(\-]\s*{mon}(?:\s*\))?)?"
        rf"(?:\s*(?:de\s+|,\s*|،\s*)?(?P<dmy_y>{year})|\s+(?P<dmy_mod>{mod}){end})?)",
        rf"(?P<mdy>{start}(?:(?P<mdy_wd>{wd}),?\s+)?(?P<mdy_m>{lmon})\.?\s+(?P<mdy_d>\d{{1,2}})(?!\d)"
        rf"(?:st|nd|rd|th)?(?:,?\s*(?P<mdy_y>{year}))?)",
        rf"(?P<my>{start}(?:شهر\s+)?(?P<my_m>{mon}){end}\.?\s*(?:[/(\-]\s*{mon}(?:\s*\))?\s*)?(?:de\s+|,\s*)?"
        rf"(?P<my_y>{year}))",
        rf"(?P<mrel>{start}(?:شهر\s+)?(?P<mrel_m>{mon})\s+(?P<mrel_mod>{mod}){end})",
        rf"(?P<rel>{start}(?P<rel_w>{rel}){end}(?:\s*[،,]?\s*(?:يوم\s+)?(?P<rel_wd>{wd}){end})?)",
        rf"(?P<wd>{start}(?:(?P<wd_pre>يوم|on|le|el)\s+)?(?P<wd_w>{wd}){end}(?:\s+(?P<wd_mod>{mod}){end})?)",
        rf"(?P<yr>{start}{yw}\s+(?P<yr_y>{year})|\((?P<yr_y2>{year})\))",
    ]
    # One guard before the branches: most positions (inside words) fail it at once.
    guard = r"(?:(?<!\w)|(?<=(?<!\w)[وف])|(?=[\d(]))"
    pattern = re.compile(guard + "(?:" + "|".join(branches) + ")", re.IGNORECASE)
    future_pattern = re.compile(rf"(?<!\w){_alternation(list(future))}(?!\w)", re.IGNORECASE)

    def firsts(names: list[str]) -> set[str]:
        return {_fold_token(n.split()[0]) for n in names} | {_key(n.split()[0]) for n in names}

    relative_triggers = frozenset(firsts([r["word"] for r in read_tsv("dates/relative.tsv")]))
    triggers = relative_triggers | firsts(
        [r["name"] for r in read_tsv("dates/months.tsv")]
        + [r["name"] for r in read_tsv("dates/weekdays.tsv")]
        + year_words
        + ["شهر", "يوم"]
    )
    return _Lexicon(months, weekdays, relative, modifiers, future, pattern, future_pattern, triggers, relative_triggers)


_INDIC = re.compile(r"[\u0660-\u0669\u06f0-\u06f9]")


def _fold_token(word: str) -> str:
    """Cheap fold for trigger lookup: lower case, alef/ya/teh marbuta unified, tanween dropped."""
    word = word.lower().replace("أ", "ا").replace("إ", "ا").replace("آ", "ا").replace("ى", "ي")
    return word.replace("ة", "ه").replace(_TANWEEN, "").replace("’", "'")


@lru_cache(maxsize=4)
def _trigger_pattern(triggers: frozenset[str], digits: bool) -> re.Pattern[str]:
    words = rf"(?<![^\W\d_])[وف]?(?P<w>{_alternation(sorted(triggers))})(?!\w)"
    return re.compile(words + (r"|(?<!\d)(?P<d>\(?\d)" if digits else ""))


def _starts_of(pattern: re.Pattern[str], chunk: str) -> tuple[int, ...]:
    """The offsets in a chunk of folded text between two spaces where a date expression can start. The trigger
    pattern looks at most one character around a word or a digit and never matches a space, and a chunk's
    neighbours are spaces (or nothing), so a chunk read alone gives the offsets it has inside its line."""
    out: list[int] = []
    for m in pattern.finditer(chunk):
        if m["w"] is not None:
            out.append(m.start("w"))
        else:
            start = m.start("d")
            out.append(start)
            if chunk[start] == "(":
                out.append(start + 1)
    return tuple(out)


@lru_cache(maxsize=4)
def _starts_in_chunk(triggers: frozenset[str], digits: bool) -> PerWord[tuple[int, ...]]:
    """`_starts_of` for the pattern of these triggers, read once per distinct chunk (chunks repeat)."""
    return PerWord(partial(_starts_of, _trigger_pattern(triggers, digits)), 200_000)


def _candidates(work: str, triggers: frozenset[str], digits: bool) -> list[int]:
    """Offsets where a date expression can start: at a trigger word (after a glued و/ف), at a number (and at the
    "(" before it). Trying the full pattern only there is far cheaper than trying it at every position."""
    folded = work.lower().replace("أ", "ا").replace("إ", "ا").replace("آ", "ا").replace("ى", "ي").replace("ة", "ه")
    folded = folded.replace("’", "'")  # every replacement keeps the length: offsets stay valid
    chunks = folded.split(" ")
    found = list(map(_starts_in_chunk(triggers, digits).__getitem__, chunks))
    if not any(found):
        return []
    ends = list(accumulate(map(len, chunks)))
    out: list[int] = []
    for i in compress(range(len(chunks)), found):
        chunk_start = ends[i] - len(chunks[i]) + i  # i spaces before it
        out.extend(chunk_start + start for start in found[i])
    return out


def _matches(lex: _Lexicon, work: str, triggers: frozenset[str], digits: bool) -> Iterator[re.Match[str]]:
    """Non-overlapping matches of the date pattern, in order, tried at candidate offsets only."""
    end = 0
    for pos in _candidates(work, triggers, digits):
        if pos < end:
            continue
        m = lex.pattern.match(work, pos)
        if m and m.end() > m.start():
            end = m.end()
            yield m


def _as_date(value: datetime | date | None) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    return value


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def nearest_weekday(anchor: date, weekday: int) -> date:
    """The date with `weekday` nearest to `anchor` (ties go to the past)."""
    back = (anchor.weekday() - weekday) % 7
    return anchor - timedelta(days=back) if back <= 3 else anchor + timedelta(days=7 - back)


def _weekday_around(ref: date, weekday: int, direction: str, inclusive: bool) -> date:
    if direction == "future":
        ahead = (weekday - ref.weekday()) % 7
        return ref + timedelta(days=ahead or (0 if inclusive else 7))
    back = (ref.weekday() - weekday) % 7
    return ref - timedelta(days=back or (0 if inclusive else 7))


def _yearless(ref: date, month: int, day: int, direction: str | None) -> date | None:
    candidates = [d for y in (ref.year - 1, ref.year, ref.year + 1) if (d := _safe_date(y, month, day))]
    if direction == "future":
        candidates = [d for d in candidates if d >= ref]
    elif direction == "past":
        candidates = [d for d in candidates if d <= ref]
    return min(candidates, key=lambda d: abs((d - ref).days)) if candidates else None


def _future_context(lex: _Lexicon, text: str, start: int) -> bool:
    window = text[max(0, start - 60) : start]
    cut = max(window.rfind("."), window.rfind("\n"), window.rfind("؟"))
    return lex.future_pattern.search(window[cut + 1 :]) is not None


def _time_after(text: str, end: int) -> tuple[time | None, int]:
    m = _TIME.match(text, end)
    if not m:
        return None, end
    hour, minute = int(m["h"]), int(m["mi"])
    ap = (m["ap"] or "").lower().replace(".", "")
    if ap in ("pm", "م") and hour < 12:
        hour += 12
    elif ap in ("am", "ص") and hour == 12:
        hour = 0
    if hour > 23:
        return None, end
    return time(hour, minute), m.end()


def _same_script(word: str, weekday: str) -> bool:
    """A relative word and the weekday after it belong together only in one script: "السودان اليوم Sunday
    21 January 2018" is a site's name beside its date widget, not "today, Sunday"."""
    return word[0].isascii() == weekday[0].isascii()


def _resolve(lex: _Lexicon, m: re.Match[str], text: str, ref: date | None) -> tuple[date, str, bool] | None:
    """(value, precision, relative) for one match, or None when it cannot be supported."""
    g = m.groupdict()
    if g["ymd"]:
        found = _safe_date(int(g["ymd_y"]), int(g["ymd_m"]), int(g["ymd_d"]))
        return (found, "day", False) if found else None
    if g["num"]:
        day, month = int(g["num_d"]), int(g["num_m"])
        if month > 12 >= day:  # written month first (US style)
            day, month = month, day
        found = _safe_date(int(g["num_y"]), month, day)
        return (found, "day", False) if found else None
    if g["dmy"] or g["mdy"]:
        kind = "dmy" if g["dmy"] else "mdy"
        month = lex.months[_key(g[f"{kind}_m"])]
        day = int(g[f"{kind}_d"])
        if g[f"{kind}_y"]:
            found = _safe_date(int(g[f"{kind}_y"]), month, day)
        elif ref is not None:
            modifier = g.get("dmy_mod")
            found = _yearless(ref, month, day, lex.modifiers[_key(modifier)] if modifier else None)
        else:
            return None
        return (found, "day", False) if found else None
    if g["my"]:
        return date(int(g["my_y"]), lex.months[_key(g["my_m"])], 1), "month", False
    if g["mrel"]:
        if ref is None:
            return None
        month = lex.months[_key(g["mrel_m"])]
        if lex.modifiers[_key(g["mrel_mod"])] == "past":
            year = ref.year if month < ref.month else ref.year - 1
        else:
            year = ref.year if month > ref.month else ref.year + 1
        return date(year, month, 1), "month", True
    if g["rel"]:
        if ref is None:
            return None
        anchor = ref + timedelta(days=lex.relative[_key(g["rel_w"])])
        if g["rel_wd"] and _same_script(g["rel_w"], g["rel_wd"]):
            anchor = nearest_weekday(anchor, lex.weekdays[_key(g["rel_wd"])])
        return anchor, "day", True
    if g["wd"]:
        if ref is None:
            return None
        weekday = lex.weekdays[_key(g["wd_w"])]
        if g["wd_mod"]:
            return _weekday_around(ref, weekday, lex.modifiers[_key(g["wd_mod"])], inclusive=False), "day", True
        latin = g["wd_w"][0].isascii()
        if not (g["wd_pre"] or latin or _BARE_WEEKDAY_FOLLOW.match(text, m.end())):
            return None  # a weekday word not in a dating position ("الأحد" is also "the one")
        direction = "future" if _future_context(lex, text, m.start()) else "past"
        return _weekday_around(ref, weekday, direction, inclusive=True), "day", True
    return date(int(g["yr_y"] or g["yr_y2"]), 1, 1), "year", False


def find_dates(text: str, reference: datetime | date | None = None) -> list[FoundDate]:
    """All dates in `text`, in order; relative and year-less ones resolved against `reference`
    (an article's publication datetime); relative ones are skipped when reference is None."""
    lex = _lexicon()
    work = text.translate(_DIGITS) if _INDIC.search(text) else text  # same length: offsets stay valid
    ref = _as_date(reference)
    found: list[FoundDate] = []
    for m in _matches(lex, work, lex.triggers, True):
        resolved = _resolve(lex, m, work, ref)
        if resolved is None:
            continue
        value, precision, relative = resolved
        end = m.end()
        at: time | None = None
        if precision == "day" and not relative:
            at, end = _time_after(work, end)
        found.append(FoundDate(text[m.start() : end], m.start(), end, value, precision, relative, at))
    return found


def weekday_statements(text: str) -> list[WeekdayStatement]:
    """Relative day words that name their weekday ("اليوم الاثنين", "غدا الأربعاء", "yesterday Tuesday"), in order.

    Each says on which weekday the text was written; `digest.ingest` uses them to date articles."""
    lex = _lexicon()
    out = []
    work = text.translate(_DIGITS) if _INDIC.search(text) else text
    for m in _matches(lex, work, lex.relative_triggers, False):
        if m["rel"] and m["rel_wd"] and _same_script(m["rel_w"], m["rel_wd"]):
            offset = lex.relative[_key(m["rel_w"])]
            out.append(WeekdayStatement(m["rel"], m.start(), m.end(), offset, lex.weekdays[_key(m["rel_wd"])]))
    return out


def parse_datetime(value: Any) -> datetime | None:
    """A publication datetime given as metadata (JSON field, feed entry, HTML meta): ISO 8601, RFC 2822,
    or any form dateparser reads; None when it cannot be read. Naive results stay naive."""
    if isinstance(value, datetime):
        return value
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day)
    if not isinstance(value, str) or not value.strip() or len(value) > 100:
        return None
    text = value.strip().translate(_DIGITS)
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        pass
    try:
        return parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        pass
    found = find_dates(text)
    if found and found[0].precision == "day" and found[0].end - found[0].start >= len(text) * 0.6:
        first = found[0]
        return datetime.combine(first.value, first.time or time(0, 0))
    import dateparser  # slow import (about 1 s): only for values the forms above do not cover

    return dateparser.parse(text, settings={"STRICT_PARSING": True, "PREFER_DAY_OF_MONTH": "first"})
