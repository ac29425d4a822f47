"""Ingest step 5: dating the articles whose own text fixes only the weekday, from the batch (`date_from_batch`).

An article that says "امس الثلاثاء" was written on a Wednesday; which Wednesday can only come from the batch's
other articles: a sentence reporting the same event as a dated one, or the only day with that weekday in a
batch that spans a news cycle (`batch_window`). Refused when the evidence disagrees.
"""

from __future__ import annotations

import heapq
import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from digest.document import Article
from digest.ingest.clean import TOKEN, content_words, fold, stop_words
from digest.ingest.metadata import WEEKDAY_NAMES, Built
from digest.lang import dates
from digest.options import IngestOptions


def _term_vector(text: str, language: str, keep: int) -> dict[str, float]:
    """Unit-length vector of the text's `keep` most frequent content words (log term frequency).

    No IDF: a batch may be five articles on one story, where IDF would erase the story's own words; on the
    stance corpus, same-story pairs score 0.35 or more half the time, pairs from different stories under 0.30
    99 times in 100."""
    counts: Counter[str] = Counter()
    stops = stop_words(language)
    for token in TOKEN.findall(fold(text)):
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
    return frozenset(content_words(_without(sentence, spans), language))


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


def date_from_batch(built: Sequence[Built], options: IngestOptions | None = None) -> list[Article]:
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
