"""Stage 4, synthesize: the conflicts between the claims of one story's articles (`find_conflicts`).

Per story (called from `digest.synthesize.synthesize`): `find_conflicts(analyses, options) -> tuple[Conflict, ...]`;
the claims are each article's, found in stage 2 (`digest.analyze.claims.find_claims`).

Per (subject, attribute), values are compared after normalisation (`compatible`: a date is an ISO prefix as precise
as the text, a count an interval; a bare round figure, "80", is compatible with "more than 80" and "about 80", not
with "84"); only values that clash with another article's value form sides. Denials are matched per story with the
other articles' sentences that state the denied report in enough of the same content words (and deny or negate
nothing): reported against denied. The kind is `superseded` when one side's reports all come later than every other
side's (by `supersede_after_hours`; an article carrying both values counts as reporting the change), else
`discrepancy` for details (numbers, dates, places, titles) and `contradiction` for facts.

Precision first: both sides must be reports about the same thing. Counts must count one event (`same_event`),
dates must be of one occasion (`same_occasion`: a participant or place in common, not just "the meeting"), acts
claimed in different places are different acts (`apart`); who holds a place is shown only as `superseded` (a place
changes hands: without the reports' order two holders are a sequence, not a dispute); a side must be held by an
article that is on no other side (`_own_sides`: an article that gives both values reports the dispute or the
change), and an article that states a report and denies it is on neither side of a denial.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from digest.analyze import disagreement
from digest.analyze.claims import denies, disputes, report_words, value_names
from digest.document import Analysis, Claim, Conflict, ConflictSide, Sentence
from digest.lang import arabic
from digest.options import ConflictOptions

DETAIL_ATTRIBUTES = frozenset({"count", "date", "venue", "founded", "title"})
"""Attributes whose differing values are a `discrepancy`; the others (facts) are a `contradiction`."""


# --------------------------------------------------------------------------------------------------------------
# Comparing values


@dataclass(frozen=True)
class Interval:
    """The numbers a count allows, bounds included."""

    low: float
    high: float


def count_interval(normalized: str, tolerance: float = 0.1) -> Interval:
    """The numbers a count claim allows: "gt:80" is (80, inf), "approx:80" is 80 ± 10 %, "eq:84" is [84, 84]."""
    op, _, text = normalized.partition(":")
    amount = float(text)
    if op == "gt":
        return Interval(amount + 1e-9, float("inf"))
    if op == "ge":
        return Interval(amount, float("inf"))
    if op == "lt":
        return Interval(0.0, amount - 1e-9)
    if op == "le":
        return Interval(0.0, amount)
    if op == "approx":
        return Interval(amount * (1 - tolerance), amount * (1 + tolerance))
    return Interval(amount, amount)


def _round_figure_of(bare: str, bounded: str, base: int) -> bool:
    """Whether `bare` is a round figure ("eq:80", a multiple of `base`) and `bounded` a bound or estimate of the
    same figure ("gt:80", "approx:80"): a source that writes "80" for "more than 80" rounds, it does not disagree.
    "80" against "84" stays a discrepancy: 84 is an exact figure, not a rounding of 80."""
    op, _, amount = bare.partition(":")
    other_op, _, other_amount = bounded.partition(":")
    if op != "eq" or other_op == "eq" or amount != other_amount or base <= 0:
        return False
    value = float(amount)
    return value >= base and value % base == 0


def date_interval(normalized: str) -> tuple[date, date]:
    """The days an ISO prefix allows: "2014" is the whole year, "2022-05" all of May, "2022-05-11" one day."""
    parts = [int(p) for p in normalized.split("-")]
    if len(parts) == 1:
        return date(parts[0], 1, 1), date(parts[0], 12, 31)
    if len(parts) == 2:
        first = date(parts[0], parts[1], 1)
        following = date(parts[0] + parts[1] // 12, parts[1] % 12 + 1, 1)
        return first, following - timedelta(days=1)
    day = date(*parts)
    return day, day


def compatible(attribute: str, a: str, b: str, options: ConflictOptions | None = None) -> bool | None:
    """Whether two normalised values of one attribute can both be true (None: not the same thing, not compared).

    Counts: intervals overlap; counts further apart than `max_count_ratio` are taken for different quantities.
    Dates: one is as precise as, or a refinement of, the other; dates further apart than `max_date_gap_days`
    are taken for different events. Venues: same place, or one is the other's country.
    """
    options = options or ConflictOptions()
    if a == b:
        return True
    if attribute == "count":
        x, y = count_interval(a, options.approx_tolerance), count_interval(b, options.approx_tolerance)
        if x.low <= y.high and y.low <= x.high:
            return True
        if _round_figure_of(a, b, options.round_figure) or _round_figure_of(b, a, options.round_figure):
            return True
        if max(x.low, y.low) / max(min(x.high, y.high), 1e-9) > options.max_count_ratio:
            return None
        return False
    if attribute in ("date", "founded"):
        (a0, a1), (b0, b1) = date_interval(a), date_interval(b)
        if a0 <= b1 and b0 <= a1:
            return True
        gap = (b0 - a1).days if a1 < b0 else (a0 - b1).days
        if attribute == "date" and gap > options.max_date_gap_days:
            return None
        return False
    if attribute == "control":
        # One group holds a place at a time; "not held by X" clashes only with "held by X".
        negative_a, negative_b = a.startswith("not:"), b.startswith("not:")
        if negative_a and negative_b:
            return True
        if negative_a or negative_b:
            return a.removeprefix("not:") != b.removeprefix("not:")
        return False
    if attribute == "status":
        # "killed" and "arrested" are different facts: only the same fact, true against false, clashes.
        return None if a.partition(":")[0] != b.partition(":")[0] else False
    if attribute in ("report", "statement"):
        return (a == "reported") == (b == "reported")  # denied and questioned stand together against reported
    if attribute == "venue":
        place_a, _, country_a = a.partition("|")
        place_b, _, country_b = b.partition("|")
        if not country_a or not country_b or place_a == country_a or place_b == country_b:
            return True  # a country or region against a city: less precise, not different
        return place_a in (place_b, country_b) or place_b == country_a
    return False


def _scoped(claim: Claim, part: str) -> frozenset[str]:
    return frozenset(s for s in claim.scope if s.startswith(part))


def same_event(a: Claim, b: Claim) -> bool:
    """Whether two counts are counts of one event, read in their clauses (`Claim.scope`): the same places named (a
    province's country is implied by it, so "Iran" alone is not "a province of Iran"), no two different dates or days,
    both or neither a running total ("منذ ..."), and a content word in common besides the places, the figure and
    what it counts ("الغارات", "الزلزال"): two raids on one city, or the toll of one province against the
    country's, are not one count."""
    if not a.scope or not b.scope:
        return True  # a count read without its clause (an older analysis) is compared as before
    if _scoped(a, "place:") != _scoped(b, "place:"):
        return False
    for part in ("date:", "day:"):
        times_a, times_b = _scoped(a, part), _scoped(b, part)
        if times_a and times_b and not times_a & times_b:
            return False
    if ("total" in a.scope) != ("total" in b.scope):
        return False
    return bool(_scoped(a, "word:") & _scoped(b, "word:"))


def apart(a: Claim, b: Claim) -> bool:
    """Whether two claims are set in different places (`Claim.scope`): both name a town or region and none in common.
    A claim that names none is not set apart by it."""
    places_a, places_b = _scoped(a, "place:"), _scoped(b, "place:")
    return bool(places_a and places_b and not places_a & places_b)


def same_occasion(a: Claim, b: Claim) -> bool:
    """Whether two dates are dates of one event: "the meeting" or "the summit" is any meeting, so both sentences
    must name a participant or a place in common (`Claim.scope`: "who:KEY", "place:KEY"), and the same occasion
    ("occasion:المقبل": the next meeting is another one). One outlet's date of a meeting and another's date of the
    next round, or of another meeting, are not a discrepancy."""
    if _scoped(a, "occasion:") != _scoped(b, "occasion:"):
        return False
    return bool(_scoped(a, "who:") & _scoped(b, "who:") or _scoped(a, "place:") & _scoped(b, "place:"))


def _clashing(
    attribute: str, buckets: list[_Bucket], same: Callable[[Claim, Claim], bool], options: ConflictOptions
) -> list[_Bucket]:
    """The values that clash with a value of the same event (`same`) from another article, and those that agree
    with them; values of other events (another place, another raid, another meeting) are left out before sides
    are formed."""
    claims = [c for b in buckets for c in b.claims]
    clashing = {
        id(a)
        for a in claims
        for b in claims
        if a.article_id != b.article_id
        and compatible(attribute, a.normalized, b.normalized, options) is False
        and same(a, b)
    }
    kept = clashing | {
        id(a)
        for a in claims
        for b in claims
        if id(b) in clashing and compatible(attribute, a.normalized, b.normalized, options) and same(a, b)
    }
    rebuilt = [_Bucket(b.normalized, [c for c in b.claims if id(c) in kept]) for b in buckets]
    return [b for b in rebuilt if b.claims]


# --------------------------------------------------------------------------------------------------------------
# Conflicts


@dataclass
class _Bucket:
    normalized: str
    claims: list[Claim]

    @property
    def articles(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(c.article_id for c in self.claims))

    @property
    def times(self) -> list[datetime]:
        return [c.published for c in self.claims if c.published is not None]


def _sides(attribute: str, buckets: list[_Bucket], options: ConflictOptions) -> list[list[_Bucket]]:
    """Buckets (one per normalised value) gathered into sides whose values can all be true together.

    Only values that clash with a value from other articles take part: a toll of 305 in one raid and 21 in
    another are not compared (too far apart), and must not be drawn into a clash between 20 and 21.
    """
    clashing = {
        id(a)
        for a in buckets
        for b in buckets
        if a is not b
        and set(a.articles) != set(b.articles)
        and compatible(attribute, a.normalized, b.normalized, options) is False
    }
    buckets = [b for b in buckets if id(b) in clashing]
    ordered = sorted(buckets, key=lambda b: (-len(b.articles), min(b.times, default=datetime.max), b.normalized))
    sides: list[list[_Bucket]] = []
    for bucket in ordered:
        for side in sides:
            if all(compatible(attribute, bucket.normalized, other.normalized, options) is not False for other in side):
                side.append(bucket)
                break
        else:
            sides.append([bucket])
    return sides


def _own_sides(sides: list[list[_Bucket]]) -> list[list[_Bucket]]:
    """The sides that some article holds alone. An article that gives the values of two sides reports the
    dispute or the change ("the group denied it, but the ministry said he was wounded"; "the army took the city,
    though pockets remain"): it stays on both sides, but it is not a source that disagrees, so a side that only
    such articles hold is no side."""
    holders: Counter[str] = Counter(a for side in sides for a in dict.fromkeys(x for b in side for x in b.articles))
    return [side for side in sides if any(holders[a] == 1 for b in side for a in b.articles)]


_SEMICOLON = {"ar": "؛", "en": ";", "es": ";"}
_COMMA = {"ar": "، ", "en": ", ", "es": ", "}
_CERTAINTY = {"confirmed": 3, "asserted": 2, "reported": 1, "expected": 1, "denied": 0}


def _side(
    subject_key: str,
    attribute: str,
    side: list[_Bucket],
    extras: dict[tuple[str, str], list[Claim]],
    options: ConflictOptions,
) -> ConflictSide:
    claims = sorted((c for b in side for c in b.claims), key=lambda c: (c.published or datetime.max, c.article_id))
    articles = tuple(dict.fromkeys(c.article_id for c in claims))
    first_of = {a: next(c for c in claims if c.article_id == a) for a in articles}
    # The side reads as its most certain, most detailed report ("confirmed absent (COVID-19)").
    shown = max(claims, key=lambda c: (_CERTAINTY.get(c.modality, 0), len(c.value.get("en", ""))))
    value = dict(shown.value)
    if attribute == "attendance" and side[0].normalized == "absent":
        # Who stands in for the absent subject, from the same articles: "absent; represented by Victoria Nuland".
        stand_ins = [c for a in articles for c in extras.get((subject_key, a), ())]
        if stand_ins:
            label = value_names("represented_by")
            keys = dict.fromkeys(c.normalized for c in stand_ins)
            who = [next(c.value for c in stand_ins if c.normalized == k) for k in keys]
            value = {
                lang: f"{value[lang]}{_SEMICOLON[lang]} {label[lang]} " + _COMMA[lang].join(v[lang] for v in who)
                for lang in ("ar", "en", "es")
            }
    return ConflictSide(
        value=value,
        articles=articles,
        published=tuple(moment.isoformat() for a in articles if (moment := first_of[a].published) is not None),
        evidence=tuple(dict.fromkeys([shown.evidence, *(c.evidence for c in claims)]))[: options.max_evidence],
        outlets=tuple(first_of[a].outlet or a for a in articles),
    )


def _kind(attribute: str, sides: list[list[_Bucket]], options: ConflictOptions) -> tuple[str, int | None]:
    """The conflict's kind, and the index of the latest side when later reports replace the earlier ones."""
    claims = [[c for b in side for c in b.claims] for side in sides]
    if attribute == "count":
        grown = _grown_toll(sides, claims)
        if grown is not None:
            return "superseded", grown
    times = [[c.published for c in side if c.published is not None] for side in claims]
    # Undated reports are left out of the timing as long as every side has a dated one.
    if all(times):
        latest = max(range(len(sides)), key=lambda i: max(times[i]))
        newer = {c.article_id for c in claims[latest]}
        # An article that carries both the old and the new value reports the change: its old claim is history.
        older = [
            c.published
            for i, side in enumerate(claims)
            if i != latest
            for c in side
            if c.article_id not in newer and c.published is not None
        ]
        if older and min(times[latest]) - max(older) >= timedelta(hours=options.supersede_after_hours):
            return "superseded", latest
    return ("discrepancy" if attribute in DETAIL_ATTRIBUTES else "contradiction"), None


def _grown_toll(sides: list[list[_Bucket]], claims: list[list[Claim]]) -> int | None:
    """The side of the highest count when it is an update of the others: it says the toll rose ("ارتفعت الحصيلة
    إلى"), or one outlet reported a lower figure first and this one later. A growing toll is not a discrepancy."""
    highest = max(range(len(sides)), key=lambda i: max(count_interval(b.normalized).low for b in sides[i]))
    if any("update" in c.scope for c in claims[highest]):
        return highest
    earlier = {
        (c.outlet, c.published)
        for i, side in enumerate(claims)
        if i != highest
        for c in side
        if c.outlet and c.published is not None
    }
    for claim in claims[highest]:
        if claim.published is not None and any(
            outlet == claim.outlet and moment < claim.published for outlet, moment in earlier
        ):
            return highest
    return None


def _conflict(
    subject_key: str,
    attribute: str,
    buckets: list[_Bucket],
    extras: dict[tuple[str, str], list[Claim]],
    options: ConflictOptions,
) -> Conflict | None:
    """The conflict between the values of one subject and attribute, if they clash across articles."""
    if attribute == "count":
        buckets = _clashing(attribute, buckets, same_event, options)
    elif attribute == "date":
        buckets = _clashing(attribute, buckets, same_occasion, options)
    if len(buckets) < 2:
        return None
    sides = _own_sides(_sides(attribute, buckets, options))
    if len(sides) < 2:
        return None
    articles = {a for side in sides for b in side for a in b.articles}
    if len(articles) < 2:
        return None  # one article's own change of mind is not a disagreement between sources
    sides.sort(key=lambda s: (max((t for b in s for t in b.times), default=datetime.max), s[0].normalized))
    kind, latest = _kind(attribute, sides, options)
    if attribute == "control" and kind != "superseded":
        return (
            None  # who holds a place changes: two holders, in no known order, are more often a sequence than a dispute
        )
    built = [_side(subject_key, attribute, side, extras, options) for side in sides]
    if latest is not None:
        built[latest] = replace(built[latest], latest=True)
    subject = sides[0][0].claims[0].subject
    return Conflict(subject=dict(subject), attribute=attribute, kind=kind, claims=tuple(built))


def _report_words(claim: Claim) -> frozenset[str]:
    return frozenset(claim.subject_key.partition(":")[2].split())


def _shares(words: frozenset[str], denied: frozenset[str], options: ConflictOptions, least: int | None = None) -> bool:
    """Whether `words` hold enough of a denial's content words to be about the same report."""
    shared = len(words & denied)
    least = options.report_min_words if least is None else least
    return shared >= least and shared >= options.report_min_overlap * len(denied)


def _threshold(options: ConflictOptions) -> float:
    return options.statement_min_score or disagreement.model().threshold


def _confirmed(sentence: str, group: Sequence[Claim], options: ConflictOptions) -> bool:
    """Whether the learned judge takes a sentence and one of a group's denials for disagreeing reports."""
    if not options.confirm_reports:
        return True
    return any(disagreement.probability(sentence, c.evidence) >= _threshold(options) for c in group)


def _report_conflicts(
    analyses: Sequence[Analysis], denials: list[Claim], options: ConflictOptions
) -> list[tuple[str, Conflict]]:
    """Reports against their denials: each group of denials of one report (shared content words), and the other
    articles' sentences that state it (enough of its content words, no denial or negation of their own)."""
    groups: list[list[Claim]] = []
    for claim in sorted(denials, key=lambda c: (-len(_report_words(c)), c.article_id, c.subject_key)):
        words = _report_words(claim)
        for group in groups:
            first = _report_words(group[0])
            if _shares(words, first, options) or _shares(first, words, options):
                group.append(claim)
                break
        else:
            groups.append([claim])
    read: dict[tuple[str, int], tuple[frozenset[str], bool, bool] | None] = {}

    def words_of(article_id: str, sentence: Sentence) -> tuple[frozenset[str], bool, bool] | None:
        """The sentence's content words, whether it disputes (denies or negates) something and whether it denies
        a report (None: not read)."""
        key = (article_id, sentence.index)
        if key not in read:
            norm = arabic.fold(sentence.text) if len(sentence.text) <= options.max_sentence_chars else ""
            read[key] = (report_words(norm), disputes(norm), denies(norm)) if norm else None
        return read[key]

    found = []
    for group in groups:
        deniers = {c.article_id for c in group}
        targets = [_report_words(c) for c in group]
        reports = []
        for analysis in analyses:
            article = analysis.article
            if article.id in deniers:
                continue  # an article that reports and denies tells both sides: it is not one of them
            on_it = [
                (sentence, read_as)
                for sentence in analysis.sentences
                if (read_as := words_of(article.id, sentence)) is not None
                and any(_shares(read_as[0], target, options) for target in targets)
            ]
            if any(denying for _, (_, _, denying) in on_it):
                continue  # "the report says X; the government denies it": both sides again, in other words
            for sentence, (_, disputing, _) in on_it:
                if not disputing and _confirmed(sentence.text, group, options):
                    reports.append(
                        replace(
                            group[0],
                            value=value_names("report:reported"),
                            normalized="reported",
                            article_id=article.id,
                            published=article.published,
                            evidence=sentence.text,
                            outlet=article.outlet,
                            modality="asserted",
                        )
                    )
                    break
        if not reports:
            continue
        buckets: dict[str, _Bucket] = {"reported": _Bucket("reported", reports)}
        for claim in group:
            buckets.setdefault(claim.normalized, _Bucket(claim.normalized, [])).claims.append(claim)
        conflict = _conflict(group[0].subject_key, "report", list(buckets.values()), {}, options)
        if conflict is not None:
            found.append((group[0].subject_key, replace(conflict, kind="denial")))
    return found


def _responsibility_conflicts(claims: list[Claim], options: ConflictOptions) -> list[Conflict]:
    """One act (shared content words) claimed for different agents by different articles."""
    groups: list[list[Claim]] = []
    for claim in sorted(claims, key=lambda c: (-len(_report_words(c)), c.article_id, c.subject_key)):
        words = _report_words(claim)
        for group in groups:
            first = _report_words(group[0])
            if apart(claim, group[0]):
                continue  # a plane downed over one region and one downed over another are two acts
            if _shares(words, first, options, options.act_min_words) or _shares(
                first, words, options, options.act_min_words
            ):
                group.append(claim)
                break
        else:
            groups.append([claim])
    found = []
    for group in groups:
        buckets: dict[str, _Bucket] = {}
        for claim in group:
            buckets.setdefault(claim.normalized, _Bucket(claim.normalized, [])).claims.append(claim)
        conflict = _conflict(group[0].subject_key, "responsibility", list(buckets.values()), {}, options)
        if conflict is not None:
            found.append(replace(conflict, kind="disputed-responsibility"))
    return found


# A plain negation is too often about something else; a rumour ("أنباء عن") is a weaker report, not its opposite;
# a plan or an aim ("تسعى إلى", "بهدف") is a step before what another article reports done, which says the same.
_DISPUTING = frozenset({"deny"})


@dataclass(frozen=True)
class _Said:
    """One sentence of one article, read for the statement pass."""

    analysis: Analysis
    sentence: Sentence
    reading: disagreement.Reading


def _statement(said: _Said, key: str, subject: str, normalized: str) -> Claim:
    article = said.analysis.article
    return Claim(
        subject={lang: subject for lang in ("ar", "en", "es")},
        subject_key=key,
        attribute="statement",
        value=value_names(f"report:{normalized}"),
        normalized=normalized,
        article_id=article.id,
        published=article.published,
        evidence=said.sentence.text,
        outlet=article.outlet,
        modality="asserted" if normalized == "reported" else "denied",
    )


def _subject_words(text: str, shared: frozenset[str], limit: int = 8) -> str:
    """The shared content words in the order one sentence writes them (its own spelling)."""
    words = []
    for word in text.split():
        if report_words(arabic.fold(word)) & shared and word not in words:
            words.append(word.strip(".,،:؛;\"'«»“”()؟?!"))
        if len(words) >= limit:
            break
    return " ".join(words)


def _statement_conflicts(analyses: Sequence[Analysis], options: ConflictOptions, shown: set[str]) -> list[Conflict]:
    """Where rules run out: a sentence that denies, against other articles' sentences on the same subject (enough
    shared content words) that deny nothing, when the learned judge scores the pair as disagreeing reports. An
    article that also denies it tells both sides and is not one of them. Each article's denying sentence gives at
    most one conflict, the best-judged."""
    if len(analyses) < 2:
        return []
    threshold = _threshold(options)
    disputing: list[_Said] = []
    telling_both: list[_Said] = []
    index: dict[str, list[_Said]] = defaultdict(list)

    def same_subject(a: _Said, b: _Said) -> bool:
        shared = len(a.reading.words & b.reading.words)
        smaller = min(len(a.reading.words), len(b.reading.words))
        return shared >= options.statement_min_shared and shared >= options.statement_min_cover * smaller

    for analysis in analyses:
        for sentence in analysis.sentences[: options.statement_max_sentences]:
            if len(sentence.text) > options.max_sentence_chars or sentence.text in shown:
                continue
            reading = disagreement.read(sentence.text)
            if len(reading.words) < options.statement_min_shared:
                continue
            said = _Said(analysis, sentence, reading)
            if reading.cues & _DISPUTING:
                disputing.append(said)
            elif denies(arabic.fold(sentence.text)):
                telling_both.append(said)  # "..., which the ministry denied": neither a report nor a denial alone
            else:
                for word in reading.words:
                    index[word].append(said)
    found: list[tuple[float, Conflict]] = []
    for said in disputing:
        counts: Counter[int] = Counter()
        by_id: dict[int, _Said] = {}
        for word in said.reading.words:
            for other in index.get(word, ()):
                if other.analysis.article.id != said.analysis.article.id:
                    counts[id(other)] += 1
                    by_id[id(other)] = other
        best: dict[str, tuple[float, _Said]] = {}
        for key in counts:
            other = by_id[key]
            if not same_subject(said, other) or any(
                d.analysis is other.analysis and same_subject(said, d) for d in (*disputing, *telling_both)
            ):
                continue
            score = disagreement.probability(said.sentence.text, other.sentence.text)
            article = other.analysis.article.id
            if score >= threshold and score > best.get(article, (0.0, other))[0]:
                best[article] = (score, other)
        if not best:
            continue
        shared_words = frozenset().union(*(said.reading.words & o.reading.words for _, o in best.values()))
        subject = _subject_words(said.sentence.text, shared_words)
        subject_key = "statement:" + " ".join(sorted(shared_words))
        polarity = "denied"
        reports = [
            _statement(o, subject_key, subject, "reported") for _, o in sorted(best.values(), key=lambda p: -p[0])
        ]
        buckets = [_Bucket("reported", reports), _Bucket(polarity, [_statement(said, subject_key, subject, polarity)])]
        conflict = _conflict(subject_key, "statement", buckets, {}, options)
        if conflict is not None:
            found.append((max(score for score, _ in best.values()), replace(conflict, kind="denial")))
    found.sort(key=lambda pair: -pair[0])
    kept: dict[str, Conflict] = {}
    for _, conflict in found:
        kept.setdefault(conflict.subject["ar"], conflict)  # two disputing sentences on one subject: one conflict
    return list(kept.values())[: options.max_statement_conflicts]


def find_conflicts(analyses: Sequence[Analysis], options: ConflictOptions | None = None) -> tuple[Conflict, ...]:
    """Where the story's articles disagree, grouped by subject and attribute, sides in time order."""
    options = options or ConflictOptions()
    claims = [c for a in analyses for c in a.claims]
    groups: dict[tuple[str, str], dict[str, _Bucket]] = defaultdict(dict)
    extras: dict[tuple[str, str], list[Claim]] = defaultdict(list)
    denials: list[Claim] = []
    acts: list[Claim] = []
    for claim in claims:
        if claim.attribute == "representation":
            extras[(claim.subject_key, claim.article_id)].append(claim)
        if claim.attribute == "title" and not options.compare_titles:
            continue
        if claim.attribute == "report":
            denials.append(claim)
            continue
        if claim.attribute == "responsibility":
            acts.append(claim)
            continue
        bucket = groups[(claim.subject_key, claim.attribute)].setdefault(
            claim.normalized, _Bucket(claim.normalized, [])
        )
        bucket.claims.append(claim)
    conflicts = []
    for (subject_key, attribute), by_value in groups.items():
        conflict = _conflict(subject_key, attribute, list(by_value.values()), extras, options)
        if conflict is not None:
            conflicts.append(conflict)
    if denials:
        # A denial already read as a fact ("نفت مصادر مقتل البغدادي": alive) is not shown twice.
        shown = {e for c in conflicts for side in c.claims for e in side.evidence}
        for _, conflict in _report_conflicts(analyses, denials, options):
            denied = [
                e for side in conflict.claims if not side.value["en"].startswith("reported") for e in side.evidence
            ]
            if not shown.issuperset(denied):
                conflicts.append(conflict)
    conflicts.extend(_responsibility_conflicts(acts, options))
    if options.statements:
        shown = {e for c in conflicts for side in c.claims for e in side.evidence}
        conflicts.extend(_statement_conflicts(analyses, options, shown))
    order = {
        "attendance": 0,
        "representation": 1,
        "status": 2,
        "report": 3,
        "responsibility": 3,
        "statement": 4,
        "date": 5,
        "venue": 6,
        "count": 7,
    }
    conflicts.sort(key=lambda c: (order.get(c.attribute, 9), c.subject.get("en", "")))
    return tuple(conflicts[: options.max_conflicts])
