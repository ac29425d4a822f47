"""Ingest step 4: one document to an `Article` (`build_article`): cleaned, then described.

Language (given, script, or stop words), title (given, else the headline above the body, else the title a
scraped page kept twice at its top: `clean.repeated_title`), outlet and author
(`_find_outlet`: given fields, bylines, datelines, sign-offs and disclaimers by the rules of data file
`ingest/outlet_patterns.tsv`, else the URL's site: a known outlet's name from `ingest/outlet_sites.tsv`
(`site_outlet`), else the domain), and the publication datetime (given, else by the rules of
`publication_evidence`; the day a URL's path files the page under, `url_date`, stands over a text date more than a
day from it, or none), naive in the desk's zone. How each field was found goes to `Article.inferred`. The
article text's MinHash sketch is computed here as well, where the text is built (in the process that read
it), for `fold_duplicates`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache
from urllib.parse import ParseResult, unquote, urlparse
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from digest.document import REPEATED_TITLE, Article
from digest.errors import ConfigError, InputError
from digest.ingest.clean import TOKEN, Cleaned, Removal, clean, fold, is_date_line, repeated_title, stop_words
from digest.ingest.duplicates import sketch
from digest.ingest.read import Document
from digest.lang import arabic, dates
from digest.options import IngestOptions
from digest.resources import read_lines, read_tsv

WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


@dataclass(frozen=True)
class _OutletRule:
    pattern: re.Pattern[str]
    where: str
    how: str


@lru_cache(maxsize=1)
def _outlet_rules() -> tuple[_OutletRule, ...]:
    return tuple(
        _OutletRule(re.compile(r["pattern"]), r["where"], r["how"]) for r in read_tsv("ingest/outlet_patterns.tsv")
    )


@lru_cache(maxsize=1)
def _not_outlets() -> frozenset[str]:
    return frozenset(fold(w) for w in read_lines("ingest/not_outlets.txt"))


def _outlet_name(candidate: str | None) -> str | None:
    if not candidate:
        return None
    name = candidate.strip(" \"'“”«»″:،,.-–—")
    if len(name) < 2 or fold(name) in _not_outlets() or name.isdigit() or is_date_line(name):
        return None
    return name


_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")
_BARE_HOST = re.compile(r"^[\w-]+(\.[\w-]+)+(:\d+)?(/|$)")


def _web_url(url: str | None) -> ParseResult | None:
    """`url` parsed when it is a web address: http(s), scheme-relative (`//host/…`) or a bare host
    (`www.site.com/…`); None for any other scheme (`javascript:`, `mailto:`, `data:`, `file:`)."""
    if not url:
        return None
    url = url.strip()
    scheme = _SCHEME.match(url)
    if scheme and not _BARE_HOST.match(url):
        return urlparse(url) if scheme.group(1).lower() in ("http", "https") else None
    return urlparse(url if url.startswith("//") else f"//{url}")


def domain_of(url: str | None) -> str | None:
    """The site's domain without `www.`, for web addresses only (`_web_url`)."""
    parsed = _web_url(url)
    host = (parsed.hostname or "") if parsed is not None else ""
    return host.removeprefix("www.") or None


_URL_DATE = re.compile(
    r"/((?:19|20)\d\d)/(\d{1,2})/(\d{1,2})(?:/|$)"  # /2017/12/26/slug
    r"|/((?:19|20)\d\d)([-_]?)(\d\d)\5(\d\d)(?:[-_](?=[^\W\d])|[/.]|$)"  # /2017-12-26-slug, /20171226-slug
)


def url_date(url: str | None) -> date | None:
    """The day a web address's path gives (`/2017/12/26/…`, `/2017-12-26-slug`, `/20171226-slug`): the day a
    news site files the article under, which its publication date is. None when the path has no such day, the
    day is not in the calendar, or its digits run on into more digits (`/2015-05-05-16-38-46/`: an id)."""
    parsed = _web_url(url)
    if parsed is None:
        return None
    found = _URL_DATE.search(unquote(parsed.path))
    if found is None:
        return None
    year, month, day = (found.group(1), found.group(2), found.group(3)) if found.group(1) else found.group(4, 6, 7)
    try:
        return date(int(year), int(month), int(day))
    except ValueError:
        return None


def _language(text: str, given: str | None) -> tuple[str, str]:
    if given and given[:2].lower() in ("ar", "en", "fr", "es"):
        return given[:2].lower(), "given"
    if arabic.arabic_ratio(text) >= 0.5:
        return "ar", "script (Arabic letters)"
    tokens = TOKEN.findall(fold(text[:5000]))
    counts = {lang: sum(1 for t in tokens if t in stop_words(lang)) for lang in ("en", "fr", "es")}
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
        if found and is_date_line(line) and not _is_widget_line(line, found[0].value):
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
                if 2 <= len(name.split()) <= 5 and not is_date_line(name):
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
        for r in read_tsv("ingest/outlet_sites.tsv")
    }


def site_outlet(url: str | None, language: str = "ar") -> str | None:
    """The display name of a known outlet's site (data file `ingest/outlet_sites.tsv`), in Arabic for Arabic articles
    and in its Latin form otherwise; None for a site not in the table. The most specific entry wins: the host
    before its parent domains (ara.reuters.com, then reuters.com), a path prefix before the bare host
    (bbc.com/arabic, then bbc.com)."""
    parsed = _web_url(url)
    if parsed is None:
        return None
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
def time_zone(name: str) -> ZoneInfo:
    """The zone named in `[ingest] timezone`; raises `ConfigError` for an unknown name."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(
            f"options: [ingest] timezone {name!r} is not a known time zone (e.g. Africa/Casablanca)"
        ) from None


@dataclass(frozen=True)
class Built:
    """One document built into an article, with what `inspect`, `date_from_batch` and `fold_duplicates` need."""

    article: Article
    removals: tuple[Removal, ...]
    weekday: int | None = None  # the writing weekday its text fixes, when it fixes no date (`PublicationEvidence`)
    sketch: tuple[int, ...] = ()  # of the article text, for `fold_duplicates` (computed where the text is built)


def build_article(doc: Document, options: IngestOptions) -> Built:
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
    repeated = None if doc.title or cleaned.title else repeated_title(doc.text)
    title = doc.title or cleaned.title or repeated
    how = REPEATED_TITLE if repeated else "headline above the body" if title else "unknown"
    inferred.append(("title", doc.origin if doc.title else how))
    outlet, author, outlet_how = _find_outlet(doc, cleaned, cleaned.removed, language)
    inferred.append(("outlet", outlet_how))
    if author:
        inferred.append(("author", doc.origin if doc.author else "byline"))
    weekday = None
    if doc.published is not None:
        published = _to_local(doc.published, time_zone(options.timezone))
        inferred.append(("published", doc.origin))
    else:
        evidence = publication_evidence(cleaned, cleaned.removed, options.date_lead_chars)
        published, weekday, how = evidence.published, evidence.weekday, evidence.how
        filed = url_date(doc.url)
        if filed is not None and (published is None or abs((published.date() - filed).days) > 1):
            # The site filed the page under that day; a date line far from it is a widget or another item's.
            set_aside = f"; set aside: {how}" if published is not None else ""
            published, weekday = datetime.combine(filed, datetime.min.time()), None
            how = f"URL date {filed.isoformat()} (date only){set_aside}"
        note = f"given date {doc.unreadable_date!r} unreadable; " if doc.unreadable_date else ""
        inferred.append(("published", note + how))
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
    return Built(article, tuple(removals), weekday, sketch(body, options.shingle_size, options.sketch_size))
