"""Stage 2, analyze: the claims one article makes (`find_claims`), for `digest.synthesize.conflicts` to compare.

Per article (called from `digest.analyze.analyze`): `find_claims(article, sentences, mentions, dates) -> tuple[Claim,
...]`.

1. Trigger: each sentence is folded like `arabic.normalize` (`fold`) and tested for the literal words of each
   extractor's patterns (`digest/data/claims/*.tsv`); an extractor reads only sentences that hold its words.
2. Entities: the sentence's mentions (from `digest.analyze.mentions.find_mentions`, keyed by the gazetteer) are
   located in the folded sentence; when the article has no mentions at all the gazetteer is asked directly. A title
   written alone ("لوزير الخارجية الأميركي") stands for the one person the article gave that title.
3. Claims, each (subject, attribute, value, evidence sentence, article, publication date, modality):
   attendance (negation, modality, reason, chairing), representation (who stands in for whom, who leads a
   country's delegation), counts (the quantity is what is counted and in what respect: members of the coalition
   are not participants in its meeting; "more than", "about"; digits, Arabic-Indic digits and number words;
   casualties only with the place they happened in), the event's date and venue (dates from
   `digest.analyze.mentions.find_dates`), founding dates, facts about a person (killed, released, arrested,
   resigned, injured...) that can be denied, who holds a place (taken, held, lost; aims and history set apart; a
   place the gazetteer does not know is named by its place noun, "تلة العيس"), titles, and denials of a report
   ("نفت مصادر ... مقتل زعيم التنظيم", "ما حقيقة ...؟"), whose subject is the denied report's content words.

The words the rules read are data: the lexicons (`digest/data/claims/*.tsv`) and the short lists of function
words in `digest/data/claims/words.tsv`; the regular-expression syntax around them (clitics, pronoun suffixes)
stays here.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from functools import lru_cache, reduce
from itertools import accumulate
from operator import or_
from typing import Any

from babel.dates import format_date

from digest.document import Article, Claim, DateMention, Localized, Mention, Sentence
from digest.lang import arabic, gazetteer
from digest.options import ConflictOptions
from digest.resources import read_lines, read_tsv


def _words(name: str) -> tuple[str, ...]:
    """The words of one list of `claims/words.tsv`, in the order written."""
    return tuple(row["word"] for row in read_tsv("claims/words.tsv") if row["list"] == name)


def _any(name: str) -> str:
    """A list of `claims/words.tsv` as a regular-expression alternation (tried in the order written)."""
    return "|".join(map(re.escape, _words(name)))


def _spellings() -> tuple[tuple[str, str], ...]:
    """`claims/role_spellings.tsv`: spellings of a title read as another; the same length, so offsets hold."""
    pairs = tuple((row["written"], row["read"]) for row in read_tsv("claims/role_spellings.tsv"))
    if any(len(written) != len(read) for written, read in pairs):
        raise ValueError("claims/role_spellings.tsv: a spelling and its reading must be as long as each other")
    return pairs


# A trigger starts a word, after optional clitics: conjunction, preposition, article.
_START = r"(?<!\w)(?:[وف])?(?:[بلك])?(?:ال|لل)?"
_WORD = re.compile(r"\w+")
# The same letters as `arabic.normalize` (hamza carriers, alef maksura, teh marbuta, digits, case), without its
# Unicode passes: claims normalise every trigger sentence, so this is the per-article hot path. One `str.replace`
# per letter present is several times faster than `str.translate`, which looks every character up in a dict.
_NUMBER = re.compile(r"(?<![\w.,])\d{1,3}(?:,\d{3})+(?![\d])|(?<![\w.,])\d+(?:[.,]\d+)?(?![\d])")
_ADJACENT_GAP = re.compile(rf"[\s،,:\"'“”«»]*(?:(?:{_any('adjacent_gap')})\s+)?")
_PAST_VISIT = re.compile(rf"^\w*\s+(?:ال)?(?:{_any('past_visit')})")
_CAUSE = re.compile(_START + f"(?:{_any('cause')})")

_ANCHORS = {
    "membership": ("organization",),
    "killed": ("place",),
    "injured": ("place",),
    "detained": ("place",),
    "displaced": ("place",),
    "surrendered": ("place",),
    "attacks": ("place",),
}
"""What a count is tied to, by respect: members of an organisation, casualties in a place (a count of these
with no such name nearby is not compared). Participants need no anchor: in one story they are the participants
of its event."""


# --------------------------------------------------------------------------------------------------------------
# Lexicons


@dataclass(frozen=True)
class _Rule:
    pattern: re.Pattern[str]
    row: dict[str, str]
    literals: tuple[str, ...] | None = None  # one of these is in every match (None: unknown)

    def finditer(self, text: str) -> Iterator[re.Match[str]]:
        """The pattern's matches, skipping the regular expression when none of its literals is in the text."""
        if self.literals is not None and not any(literal in text for literal in self.literals):
            return iter(())
        return self.pattern.finditer(text)

    def search(self, text: str, start: int = 0, end: int | None = None) -> re.Match[str] | None:
        end = len(text) if end is None else end
        if self.literals is not None and not any(literal in text[start:end] for literal in self.literals):
            return None
        return self.pattern.search(text, start, end)


def _rules(name: str, anchored: bool = True) -> tuple[_Rule, ...]:
    prefix = _START if anchored else ""
    return tuple(
        _Rule(re.compile(prefix + f"(?:{row['pattern']})"), row, required_literals([row["pattern"]]))
        for row in read_tsv(f"claims/{name}")
    )


@dataclass(frozen=True)
class Lexicon:
    """Every claim lexicon, compiled once (see `digest/data/claims/README.md`)."""

    keywords: dict[str, tuple[str, ...] | None]
    triggers: _Triggers
    attendance: tuple[_Rule, ...]
    negation: tuple[tuple[re.Pattern[str], int], ...]
    modality: tuple[_Rule, ...]
    possessive: re.Pattern[str]
    bridges: re.Pattern[str]
    reasons: tuple[_Rule, ...]
    representation: tuple[_Rule, ...]
    numbers: dict[str, tuple[float, str]]
    number_words: frozenset[str]
    quantifiers_before: tuple[_Rule, ...]
    quantifiers_after: tuple[_Rule, ...]
    units: tuple[_Rule, ...]
    contexts: tuple[_Rule, ...]
    events: tuple[_Rule, ...]
    status: tuple[_Rule, ...]
    control: tuple[_Rule, ...]
    aims: tuple[_Rule, ...]
    past: tuple[_Rule, ...]
    values: dict[str, Localized]
    denials: tuple[_Rule, ...] = ()
    responsibility: tuple[_Rule, ...] = ()
    report_fillers: frozenset[str] = frozenset()
    report_speakers: frozenset[str] = frozenset()
    any_unit: re.Pattern[str] = re.compile("(?!)")  # matches where one of `units` does (a quick test)


def _top_level(pattern: str, separator: str = "|") -> list[str]:
    """The pattern split at `separator` outside groups and character classes."""
    parts, depth, current, i = [], 0, "", 0
    while i < len(pattern):
        char = pattern[i]
        if char == "\\":
            current += pattern[i : i + 2]
            i += 2
            continue
        if char == "[":
            end = pattern.index("]", i + 1)
            current += pattern[i : end + 1]
            i = end + 1
            continue
        depth += {"(": 1, ")": -1}.get(char, 0)
        if char == separator and depth == 0:
            parts.append(current)
            current = ""
        else:
            current += char
        i += 1
    return [*parts, current]


def _longest_literal(branch: str) -> str:
    """The longest run of plain letters that every match of a branch (no top-level |) must contain."""
    runs, current, i = [], "", 0
    while i < len(branch):
        char = branch[i]
        if char in "?*{":
            current = current[:-1]  # the character before is optional
            runs.append(current)
            current = ""
            if char == "{":
                i = branch.index("}", i)
        elif char in "([\\.^$+)":
            runs.append(current)
            current = ""
            if char == "\\":
                i += 1
            elif char == "[":
                i = branch.index("]", i)
            elif char == "(":
                depth = 1
                while depth:
                    i += 1
                    depth += {"(": 1, ")": -1}.get(branch[i], 0)
                    if branch[i] == "\\":
                        i += 1
                if i + 1 < len(branch) and branch[i + 1] in "?*{":
                    i += 1
                    if branch[i] == "{":
                        i = branch.index("}", i)
        else:
            current += char
        i += 1
    runs.append(current)
    return max(runs, key=len)


def required_literals(patterns: Iterable[str]) -> tuple[str, ...] | None:
    """Literal strings one of which occurs in every text that one of the patterns matches, or None if some
    pattern has no literal of two letters or more (then the patterns must always be tried)."""
    found = []
    for pattern in patterns:
        for branch in _top_level(pattern):
            literal = _longest_literal(branch).strip()
            if len(literal) < 2:
                return None
            found.append(literal)
    unique = dict.fromkeys(found)
    # A literal that holds a shorter one adds nothing to the test ("اعتقال" holds "اعتقل"): fewer tests per sentence.
    return tuple(w for w in unique if not any(o != w and o in w for o in unique))


class _Triggers(dict[str, int]):
    """Which extractor families a folded sentence wakes: each whitespace-separated chunk of it → one bit per family
    whose literal words it holds (or a number, for counts), computed once per distinct chunk. A literal without
    a space lies inside one chunk, so OR-ing the chunks' bits is the same as testing every literal on the whole
    sentence, at the price of one dict lookup per chunk. Literals with a space ("لا صحة") are tested on the
    sentence, and only when a chunk holds their longest word (each of their words lies inside one chunk)."""

    def __init__(self, keywords: dict[str, tuple[str, ...] | None], number_words: frozenset[str]) -> None:
        super().__init__()
        self.families = tuple(keywords)
        self.always = frozenset(family for family, words in keywords.items() if words is None)
        self.counts = 1 << self.families.index("counts")
        self.words = tuple(
            (1 << k, tuple(w for w in words if not _has_space(w))) for k, words in enumerate(keywords.values()) if words
        )
        # (family bit, bit of "a chunk holds the longest word of one of its phrases", the phrases)
        self.phrases = tuple(
            (1 << k, 1 << (len(self.families) + k), phrases)
            for k, words in enumerate(keywords.values())
            if (phrases := tuple(w for w in words or () if _has_space(w)))
        )
        self.parts = tuple((part_bit, tuple(max(p.split(), key=len) for p in ps)) for _, part_bit, ps in self.phrases)
        self.family_bits = (1 << len(self.families)) - 1
        # one search tells the chunks that hold no literal at all (most of them) from the others
        literals = [w for _, words in (*self.words, *self.parts) for w in words]
        self.any_literal = re.compile("|".join(map(re.escape, literals)))
        self.number_words = number_words
        self.named: dict[int, frozenset[str]] = {}  # family bits → the families they stand for

    def __missing__(self, chunk: str) -> int:
        if len(self) > 200_000:
            self.clear()
        bits = self.counts if _DIGIT.search(chunk) or chunk in self.number_words else 0
        if self.any_literal.search(chunk):
            for bit, words in (*self.words, *self.parts):
                if any(word in chunk for word in words):
                    bits |= bit
        self[chunk] = bits
        return bits

    def wanted(self, norm: str) -> frozenset[str]:
        """The families whose literal words the folded sentence holds ("counts" when it holds a number)."""
        bits = reduce(or_, set(map(self.__getitem__, norm.split())), 0)  # most chunks: 0
        for bit, part_bit, phrases in self.phrases:
            if bits & part_bit and not bits & bit and any(phrase in norm for phrase in phrases):
                bits |= bit
        bits &= self.family_bits
        named = self.named.get(bits)
        if named is None:
            named = self.named[bits] = frozenset(f for k, f in enumerate(self.families) if bits >> k & 1) | self.always
        return named


def _has_space(word: str) -> bool:
    return any(c.isspace() for c in word)


def _alternation(patterns: Iterable[str]) -> str:
    return "|".join(f"(?:{p})" for p in patterns)


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    """The claim lexicons, read and compiled once per process."""
    numbers = {row["word"]: (float(row["value"]), row["kind"]) for row in read_tsv("claims/numbers.tsv")}
    quantifiers = read_tsv("claims/quantifiers.tsv")
    # Per extractor, literal words that every match contains: a sentence is read only by the extractors whose
    # words it contains (plain substring tests, far cheaper than the patterns themselves).
    families = {
        name: [row["pattern"] for row in read_tsv(f"claims/{name}.tsv")]
        for name in ("attendance", "representation", "status", "control", "denials", "responsibility")
    }
    families["events"] = [row["pattern"] for row in read_tsv("claims/events.tsv") if row["kind"] != "noun"]
    keywords = {name: required_literals(patterns) for name, patterns in families.items()}
    keywords["counts"] = ()  # numbers: any digit or number word (`_Triggers`)
    return Lexicon(
        keywords=keywords,
        triggers=_Triggers(keywords, frozenset(numbers)),
        attendance=_rules("attendance.tsv"),
        negation=tuple(
            (re.compile(rf"(?<!\w)(?:[وف])?(?:ل)?(?:{row['pattern']})(?!\w)"), int(row["window"]))
            for row in read_tsv("claims/negation.tsv")
        ),
        modality=_rules("modality.tsv"),
        bridges=re.compile(_alternation(row["pattern"] for row in read_tsv("claims/negation_bridges.tsv"))),
        possessive=re.compile(_START + _alternation(row["pattern"] for row in read_tsv("claims/possessive.tsv"))),
        reasons=_rules("reasons.tsv", anchored=False),
        representation=_rules("representation.tsv"),
        numbers=numbers,
        number_words=frozenset(numbers),
        quantifiers_before=tuple(
            _Rule(re.compile(rf"(?<!\w)(?:{row['pattern']})\s*$"), row)
            for row in quantifiers
            if row["position"] == "before"
        ),
        quantifiers_after=tuple(
            _Rule(re.compile(rf"^\s*(?:{row['pattern']})(?!\w)"), row)
            for row in quantifiers
            if row["position"] == "after"
        ),
        units=_rules("units.tsv"),
        contexts=_rules("count_contexts.tsv"),
        events=_rules("events.tsv"),
        status=_rules("status.tsv"),
        control=_rules("control.tsv"),
        aims=_rules("aims.tsv"),
        past=_rules("past.tsv"),
        values={row["key"]: {lang: row[lang] for lang in ("ar", "en", "es")} for row in read_tsv("claims/values.tsv")},
        denials=_rules("denials.tsv"),
        responsibility=_rules("responsibility.tsv"),
        report_fillers=frozenset(read_lines("claims/report_fillers.txt")),
        report_speakers=frozenset(read_lines("claims/report_speakers.txt")),
        any_unit=re.compile(_alternation(rule.pattern.pattern for rule in _rules("units.tsv"))),
    )


# --------------------------------------------------------------------------------------------------------------
# Names in three languages come from the gazetteer (`digest.lang.gazetteer`), never from a translation model.


def _gazetteer() -> gazetteer.Gazetteer:
    return gazetteer.gazetteer()


def _role_names(role: str) -> Localized | None:
    names = gazetteer.role_names(role)
    return dict(names) if names else None


def _entry_names(entry: Any, surface: str) -> Localized:
    names = dict(getattr(entry, "names", None) or {})
    return {lang: names.get(lang) or surface for lang in ("ar", "en", "es")}


@lru_cache(maxsize=65_536)
def _identity(surface: str, key: str | None) -> tuple[str, tuple[tuple[str, str], ...], str | None]:
    """The key, names and country of a name as written (names repeat across sentences and articles)."""
    entry = _gazetteer().lookup(surface)
    names = _entry_names(entry, surface) if entry is not None else {lang: surface for lang in ("ar", "en", "es")}
    if key is None:
        key = getattr(entry, "key", None) or "~" + arabic.strip_article(arabic.fold_word(surface))
    country = getattr(entry, "country", None) if entry is not None else None
    return key, tuple(names.items()), country


# --------------------------------------------------------------------------------------------------------------
# Entities located in a normalised sentence


@dataclass(frozen=True)
class _Entity:
    key: str
    kind: str  # person | organization | place
    names: Localized
    start: int
    end: int
    country: str | None = None
    role: str | None = None


def _entity_from(surface: str, kind: str, key: str | None, start: int, end: int, role: str | None) -> _Entity:
    key, names, country = _identity(surface, key)
    return _Entity(key, kind, dict(names), start, end, country, role)


def _locate(norm: str, mentions: Sequence[Mention]) -> list[_Entity]:
    entities = []
    cursor = 0
    for mention in sorted(mentions, key=lambda m: m.start):
        needle = arabic.fold_word(mention.text)
        at = norm.find(needle, cursor) if needle else -1
        if at < 0:
            continue
        cursor = at + len(needle)
        entities.append(_entity_from(mention.text, mention.kind, mention.key, at, cursor, mention.role))
    return entities


def _gazetteer_entities(text: str, norm: str) -> list[_Entity]:
    gaz = _gazetteer()
    entities = []
    cursor = 0
    for start, end, entry in gaz.find(text):
        surface = text[start:end]
        needle = arabic.fold_word(surface)
        at = norm.find(needle, cursor)
        if at < 0:
            continue
        cursor = at + len(needle)
        kind = getattr(entry, "kind", "place")
        kind = kind if kind in ("person", "organization") else "place"
        role = (getattr(entry, "role", None) or {}).get("ar")
        entities.append(_Entity(entry.key, kind, _entry_names(entry, surface), at, cursor, entry.country, role))
    return entities


def _before(entities: Sequence[_Entity], pos: int, kinds: Sequence[str], limit: int | None = None) -> _Entity | None:
    found = [e for e in entities if e.end <= pos and e.kind in kinds and (limit is None or pos - e.end <= limit)]
    return found[-1] if found else None


def _after(entities: Sequence[_Entity], pos: int, kinds: Sequence[str], limit: int) -> _Entity | None:
    for entity in entities:
        if entity.start >= pos and entity.kind in kinds:
            return entity if entity.start - pos <= limit else None
    return None


def _adjacent_before(entities: Sequence[_Entity], norm: str, pos: int, kinds: Sequence[str]) -> _Entity | None:
    entity = _before(entities, pos, kinds, limit=12)
    if entity is not None and _ADJACENT_GAP.fullmatch(norm[entity.end : pos]):
        return entity
    return None


# --------------------------------------------------------------------------------------------------------------
# Claims


@dataclass
class _Context:
    """One trigger sentence of one article, normalised, with its entities and dates."""

    article: Article
    sentence: Sentence
    norm: str
    entities: list[_Entity]
    dates: list[DateMention]
    options: ConflictOptions
    lex: Lexicon = field(default_factory=lexicon)

    def claim(
        self, subject: _Entity | tuple[str, Localized], attribute: str, value: Localized, normalized: str, modality: str
    ) -> Claim:
        key, names = (subject.key, subject.names) if isinstance(subject, _Entity) else subject
        return Claim(
            subject=dict(names),
            subject_key=key,
            attribute=attribute,
            value=value,
            normalized=normalized,
            article_id=self.article.id,
            published=self.article.published,
            evidence=self.sentence.text,
            outlet=self.article.outlet,
            modality=modality,
        )


_CONTRAST = re.compile(rf"(?<!\w)[وف]?(?:{_any('contrast')})(?!\w)")


def _modality(ctx: _Context, end: int, start: int = 0) -> str:
    """How sure the sentence is of what it says before `end`; a clause opened by "لكن" starts afresh: "نفت الهيئة
    ذلك، لكن الوزارة أكدت أنه مصاب" denies nothing about the wound."""
    start = max([start, *(m.end() for m in _CONTRAST.finditer(ctx.norm, start, end))])
    region = ctx.norm[start:end]
    for rule in ctx.lex.modality:
        if rule.search(region):
            return rule.row["modality"]
    return "asserted"


def _negated(ctx: _Context, pos: int) -> bool:
    head = ctx.norm[max(0, pos - 60) : pos]
    for pattern, window in ctx.lex.negation:
        for match in pattern.finditer(head):
            between = _WORD.findall(head[match.end() :])
            # "لعدم تمكنه من المشاركة" is negated; "لم يعلن مسبقا عن زيارة" is not (the negation is the verb's).
            if len(between) <= window and all(ctx.lex.bridges.fullmatch(w) for w in between):
                return True
    return False


_DIGIT = re.compile(r"\d")
_SUBJECT_GAP = re.compile(rf"\s*(?:{_any('subject_gap')})\s*$")
_PURPOSE = re.compile(rf"[وف]?ل(?!ا?(?:{_any('not_purpose')}))")  # "لاستعادة", "للسيطرة"; not the article of "السيطرة"
_COUNT_OF = frozenset(_words("count_of"))
_COUNT_TOTAL = re.compile(rf"(?<!\w)[وف]?(?:{_any('count_total')})(?!\w)")
_COUNT_UPDATE = re.compile(rf"(?<!\w)[وف]?(?:{_any('count_update')})(?!\w)")
_COUNT_CLAUSE_END = re.compile(r"[.,،;؛:!?؟\n]")
_WEEKDAY = re.compile(rf"(?<!\w)[وف]?(?:ب|ل)?(?:{_any('weekdays')})(?!\w)")
_NOT_COUNT_SUBJECT = frozenset((*_words("attribution"), *_words("place_nouns")))


def value_names(key: str) -> Localized:
    """How a value reads in Arabic, English and Spanish (`values.tsv`; the key itself when it is not listed)."""
    return dict(lexicon().values.get(key, {"ar": key, "en": key, "es": key}))


def _join(*parts: Localized | None, sep: str = " ") -> Localized:
    present = [p for p in parts if p]
    return {lang: sep.join(p[lang] for p in present if p.get(lang)) for lang in ("ar", "en", "es")}


def _overlapping(matches: list[tuple[int, int, _Rule]]) -> list[tuple[int, int, _Rule]]:
    """Keep the longest of overlapping trigger matches (ألغى زيارته is one absence, not a visit)."""
    kept: list[tuple[int, int, _Rule]] = []
    for start, end, rule in sorted(matches, key=lambda m: (-(m[1] - m[0]), m[0])):
        if all(end <= s or start >= e for s, e, _ in kept):
            kept.append((start, end, rule))
    return sorted(kept, key=lambda m: m[0])


def _attendance(ctx: _Context) -> Iterator[Claim]:
    matches = [(m.start(), m.end(), r) for r in ctx.lex.attendance for m in r.finditer(ctx.norm)]
    persons = ("person",)
    # An absence is someone's absence from an event: with no meeting, visit or chairing named in the sentence,
    # "غياب" is too often another absence ("في غياب جهة شرعية", "غياب الأمن") given to a name nearby.
    event_named = any(r.row["kind"] == "noun" and r.search(ctx.norm) for r in ctx.lex.events) or any(
        r.row["role"] != "participant" for _, _, r in matches
    )
    for start, end, rule in _overlapping(matches):
        role = rule.row["role"]
        if rule.row["polarity"] == "absent" and role == "participant" and not event_named:
            continue
        tail = ctx.norm[end : end + 40]
        if role == "visit" and _PAST_VISIT.match(tail):
            continue
        pronoun = r"ت(?:ه|ها|هم)(?!\w)" if rule.row["feminine"] == "yes" else r"ت?(?:ه|ها|هم)(?!\w)"
        possessive = re.match(pronoun, tail) or ctx.lex.possessive.search(ctx.norm, max(0, start - 30), start)
        inside = _after(ctx.entities, start, persons, end - start)  # inside the trigger: "ألغى بلينكن زيارته"
        subject = inside if inside is not None and inside.end <= end else None
        if subject is None and possessive:
            subject = _before(ctx.entities, start, persons)
        if subject is None:
            subject = (
                _adjacent_before(ctx.entities, ctx.norm, start, persons)
                or _after(ctx.entities, end, persons, ctx.options.subject_window)
                or _before(ctx.entities, start, persons, ctx.options.subject_window)
            )
        if subject is None:
            continue
        polarity = rule.row["polarity"]
        if _negated(ctx, start):
            polarity = "absent" if polarity == "attend" else "attend"
        modality = _modality(ctx, start)
        if modality == "denied":
            modality = "asserted"  # "denied" words near attendance are rare and usually about something else
        word = ctx.norm[start:end]
        if modality in ("asserted", "reported") and re.search(r"(?<!\w)[وف]?س[يتن]", word):
            modality = "expected"
        value = value_names(f"attendance:{polarity}:{modality}" if modality != "asserted" else f"attendance:{polarity}")
        if polarity == "attend" and role == "chair":
            value = _join(value, _paren(value_names("role:chair")))
        if polarity == "absent":
            reason = _reason(ctx)
            if reason:
                value = _join(value, _paren(reason))
        yield ctx.claim(subject, "attendance", value, polarity, modality)


def _paren(value: Localized) -> Localized:
    return {lang: f"({text})" for lang, text in value.items()}


def _reason(ctx: _Context) -> Localized | None:
    cause = _CAUSE.search(ctx.norm)
    if not cause:
        return None
    window = ctx.norm[cause.end() : cause.end() + 60]
    for rule in ctx.lex.reasons:
        if rule.pattern.search(window):
            return {lang: rule.row[lang] for lang in ("ar", "en", "es")}
    return None


def _country_after(ctx: _Context, pos: int) -> tuple[str, Localized] | None:
    """The country of the nisba or name right after `pos` (وفدا أمريكيا، الوفد الأمريكي، وفد المغرب)."""
    gaz = _gazetteer()
    entity = _after(ctx.entities, pos, ("place", "organization"), 20)
    if entity is not None and entity.kind == "place":
        return _country(entity.country or entity.key, entity.names)
    for word in _WORD.findall(ctx.norm[pos : pos + 40])[:2]:
        for candidate in (word, word.removesuffix("ا")):
            code = gaz.adjective_country(candidate)
            if code:
                return _country(code, None)
    return None


def _country(code: str, fallback: Localized | None) -> tuple[str, Localized] | None:
    names = _gazetteer().country_names(code) or fallback
    return (code, dict(names)) if names else None


def _delegation(country: tuple[str, Localized]) -> tuple[str, Localized]:
    key, names = country
    label = value_names("delegation")
    return f"delegation:{key}", {
        "ar": f"{label['ar']} {names['ar']}",
        "en": f"{names['en']} {label['en']}",
        "es": f"{label['es']} de {names['es']}",
    }


def _representation(ctx: _Context) -> Iterator[Claim]:
    persons = ("person",)
    window = ctx.options.subject_window
    for rule in ctx.lex.representation:
        for match in rule.finditer(ctx.norm):
            start, end = match.start(), match.end()
            kind = rule.row["kind"]
            subject: _Entity | tuple[str, Localized] | None
            if kind == "on_behalf":
                subject = _after(ctx.entities, end, persons, 30)
                agent = _adjacent_before(ctx.entities, ctx.norm, start, persons) or _before(
                    ctx.entities, start, persons, window
                )
            elif kind == "passive":
                subject = _before(ctx.entities, start, persons)
                agent = _after(ctx.entities, end, persons, window)
            elif kind == "represents":
                agent = _adjacent_before(ctx.entities, ctx.norm, start, persons)
                target = _after(ctx.entities, end, ("person", "place", "organization"), 15)
                subject = target
                if target is not None and target.kind == "place":
                    country = _country(target.country or target.key, target.names)
                    subject = _delegation(country) if country else None
            else:  # leads a delegation
                agent = _after(ctx.entities, start, persons, end - start) or _adjacent_before(
                    ctx.entities, ctx.norm, start, persons
                )
                country = _country_after(ctx, end)
                subject = _delegation(country) if country else None
            if subject is None or agent is None or (isinstance(subject, _Entity) and subject.key == agent.key):
                continue
            attribute = "representation"
            value = agent.names
            yield ctx.claim(subject, attribute, dict(value), agent.key, _modality(ctx, start))


def _number_at(ctx: _Context, words: list[str], i: int) -> tuple[float, int] | None:
    """The number written from word `i` on (digits, number words, multipliers), and the index after it."""
    numbers = ctx.lex.numbers
    total, current, j, seen = 0.0, 0.0, i, False
    while j < len(words):
        word = words[j]
        bare = word[1:] if seen and word.startswith("و") and word[1:] in numbers else word
        if _NUMBER.fullmatch(bare):
            if seen:
                break
            current = _digits(bare)
        elif bare in numbers:
            value, kind = numbers[bare]
            if kind == "multiplier":
                current = (current or 1.0) * value
                total, current = total + current, 0.0
            else:
                current += value
        else:
            break
        seen = True
        j += 1
    return (total + current, j) if seen else None


def _digits(text: str) -> float:
    if re.fullmatch(r"\d{1,3}(?:[.,]\d{3})+", text):
        return float(re.sub(r"[.,]", "", text))
    return float(text.replace(",", "."))


_COUNT_WORDS = re.compile(r"(\d+(?:[.,]\d+)*|\w+)")


def _counts(ctx: _Context) -> Iterator[Claim]:
    # the words (numbers whole: "1,500") and where they start and end, from one split (no match object per word)
    parts = _COUNT_WORDS.split(ctx.norm)
    texts = parts[1::2]
    offsets = list(accumulate(map(len, parts)))
    starts, ends = offsets[0:-1:2], offsets[1::2]
    numbers = ctx.lex.numbers
    # where a number can start: digits or a number word (one pass in a comprehension, not the loop below)
    firsts = [i for i, text in enumerate(texts) if text[0].isdigit() or text in numbers]
    after = 0  # the words before this index belong to a number already read
    for i in firsts:
        if i < after:
            continue
        parsed = _number_at(ctx, texts, i)
        if parsed is None:
            after = i + 1
            continue
        amount, j = parsed
        start = starts[i]
        after = j
        if amount <= 0 or j >= len(texts):
            continue
        k = j + 1 if texts[j] in _COUNT_OF and j + 1 < len(texts) else j
        if not ctx.lex.any_unit.match(ctx.norm, starts[k]):
            continue  # most numbers count nothing listed: a year, a date, an age
        unit = next((r for r in ctx.lex.units if r.pattern.match(ctx.norm, starts[k])), None)
        if unit is None:
            continue
        unit_end = unit.pattern.match(ctx.norm, starts[k]).end()  # type: ignore[union-attr]
        context = _count_context(ctx, unit, start, unit_end)
        if context is None:
            continue
        op = "eq"
        for rule in ctx.lex.quantifiers_before:
            if rule.pattern.search(ctx.norm, max(0, start - 25), start):
                op = rule.row["op"]
                break
        for rule in ctx.lex.quantifiers_after:
            word_end = ends[k]
            if rule.pattern.match(ctx.norm[word_end : word_end + 25]):
                op = rule.row["op"]
                break
        respect = context.row["context"]
        anchor_kinds = _ANCHORS.get(respect, ())
        anchor = None
        if anchor_kinds:
            anchor = _before(ctx.entities, start, anchor_kinds, 60) or _after(ctx.entities, unit_end, anchor_kinds, 40)
            if anchor is None:
                continue  # a toll with no place may be any incident's: not compared
        subject_key = f"count:{context.row['context']}:{unit.row['unit']}"
        names = {
            lang: f"{unit.row[lang]} ({context.row[lang]})" if context is not unit else unit.row[lang]
            for lang in ("ar", "en", "es")
        }
        if anchor is not None:
            subject_key += f"@{anchor.key}"
            names = {lang: f"{names[lang]} — {anchor.names[lang]}" for lang in names}
        shown = _format_number(amount)
        value = {lang: shown for lang in ("ar", "en", "es")}
        if op != "eq":
            qualifier = value_names(f"op:{op}")
            value = {
                lang: f"{qualifier[lang]} {shown}" if op != "ge" else f"{shown} ({qualifier[lang]})" for lang in value
            }
        claim = ctx.claim((subject_key, names), "count", value, f"{op}:{shown}", _modality(ctx, start))
        yield replace(claim, scope=_count_scope(ctx, start, unit_end, anchor))


def _count_clause(norm: str, start: int, end: int) -> tuple[int, int]:
    """The clause a number stands in: from the last comma or stop before it to the first after what it counts
    (a list "40 in one province, 8 in another" gives each figure its own clause)."""
    lo = max((m.end() for m in _COUNT_CLAUSE_END.finditer(norm, 0, start)), default=0)
    stop = _COUNT_CLAUSE_END.search(norm, end)
    return lo, stop.start() if stop else len(norm)


def _count_scope(ctx: _Context, start: int, end: int, anchor: _Entity | None) -> tuple[str, ...]:
    """What ties a count to one event (`Claim.scope`), read in the number's clause and its anchor: the places
    named (with their countries), the sentence's dates and day names, a running total or an update, and the
    clause's other content words (not the places', the figure's, what it counts or in what respect, nor who says
    it)."""
    lo, hi = _count_clause(ctx.norm, start, end)
    if anchor is not None:
        lo, hi = min(lo, anchor.start), max(hi, anchor.end)
    scope: set[str] = set()
    named: list[tuple[int, int]] = [(start, end)]
    for entity in ctx.entities:
        if entity.start < hi and entity.end > lo:
            named.append((entity.start, entity.end))
            if entity.kind == "place":
                scope.add(f"place:{entity.key}")
                if entity.country:
                    scope.add(f"place:country:{entity.country}")
    # The time is the sentence's: a clause may leave out the day its sentence gives ("قتلوا، الجمعة، في ...").
    for mention in ctx.dates:
        folded = arabic.fold_word(mention.text)
        at = ctx.norm.find(folded) if folded else -1
        if at >= 0:
            scope.add(f"date:{_date_iso(mention)}")
            named.append((at, at + len(folded)))
    for match in _WEEKDAY.finditer(ctx.norm):
        scope.add(f"day:{arabic.strip_article(match.group()).removeprefix('ل').removeprefix('ب')}")
    clause = ctx.norm[lo:hi]
    if _COUNT_TOTAL.search(clause):
        scope.add("total")
    if _COUNT_UPDATE.search(clause):
        scope.add("update")
    for word in _WORD.finditer(ctx.norm, lo, hi):
        if any(a <= word.start() < b for a, b in named) or word.group() in ctx.lex.number_words:
            continue
        text = word.group()
        if _COUNT_TOTAL.fullmatch(text) or _COUNT_UPDATE.fullmatch(text):
            continue
        if any(rule.pattern.match(text) for rule in (*ctx.lex.contexts, *ctx.lex.units)) or any(
            rule.pattern.search(text) for rule in (*ctx.lex.quantifiers_before, *ctx.lex.quantifiers_after)
        ):
            continue
        # "للتحالف" is "التحالف" after the preposition (strip_article would keep "لتحالف")
        words = report_words(text[1:] if text.startswith("لل") else text, ctx.lex)
        scope.update(f"word:{w}" for w in words - _NOT_COUNT_SUBJECT - ctx.lex.report_speakers)
    return tuple(sorted(scope))


def _format_number(amount: float) -> str:
    return str(int(amount)) if amount == int(amount) else f"{amount:g}"


def _count_context(ctx: _Context, unit: _Rule, start: int, end: int) -> _Rule | None:
    """In what respect a number counts: the unit's own (عضوا: members), else the nearest word before, else after."""
    if unit.row["context"] != "-":
        return unit
    before = ctx.norm[max(0, start - 60) : start]
    best: tuple[int, _Rule] | None = None
    for rule in ctx.lex.contexts:
        for match in rule.pattern.finditer(before):
            distance = len(before) - match.end()
            if best is None or distance < best[0]:
                best = (distance, rule)
    if best is not None:
        return best[1]
    after = ctx.norm[end : end + 30]
    for rule in ctx.lex.contexts:
        if rule.pattern.search(after):
            return rule
    return None


def _date_iso(mention: DateMention) -> str:
    if mention.precision == "year":
        return f"{mention.value.year:04d}"
    if mention.precision == "month":
        return f"{mention.value.year:04d}-{mention.value.month:02d}"
    return mention.value.isoformat()


def _date_names(mention: DateMention) -> Localized:
    return dict(_formatted_date(mention.value, mention.precision))


@lru_cache(maxsize=1024)
def _formatted_date(value: date, precision: str) -> tuple[tuple[str, str], ...]:
    pattern = {"year": "y", "month": "MMMM y"}.get(precision, "d MMMM y")
    return tuple((lang, format_date(value, pattern, locale=lang)) for lang in ("ar", "en", "es"))


def _date_near(ctx: _Context, pos: int, window: int = 40) -> DateMention | None:
    """The date written nearest after `pos` (within `window` characters), else just before it."""
    located = []
    for mention in ctx.dates:
        at = ctx.norm.find(arabic.fold_word(mention.text))
        if at >= 0:
            located.append((at, mention))
    after = [(at, m) for at, m in located if pos <= at <= pos + window]
    if after:
        return min(after, key=lambda x: x[0])[1]
    before = [(at, m) for at, m in located if 0 < pos - at <= 40]
    return max(before, key=lambda x: x[0])[1] if before else None


def _events(ctx: _Context) -> Iterator[Claim]:
    noun = next((r for r in ctx.lex.events if r.row["kind"] == "noun" and r.search(ctx.norm)), None)
    event_key = ("event:meeting", _value_event(noun)) if noun else None
    for rule in ctx.lex.events:
        kind = rule.row["kind"]
        if kind == "noun":
            continue
        for match in rule.finditer(ctx.norm):
            if kind == "founded":
                mention = _date_near(ctx, match.end())
                org = _before(ctx.entities, match.start(), ("organization",)) or _after(
                    ctx.entities, match.end(), ("organization",), 60
                )
                if mention and org:
                    yield ctx.claim(
                        org, "founded", _date_names(mention), _date_iso(mention), _modality(ctx, match.start())
                    )
                continue
            if event_key is None:
                continue
            if kind in ("date", "venue"):
                mention = _date_near(ctx, match.end())
                if mention is not None and not _founding_between(ctx, match.end(), mention):
                    claim = ctx.claim(
                        event_key, "date", _date_names(mention), _date_iso(mention), _modality(ctx, match.start())
                    )
                    yield replace(claim, scope=_occasion(ctx))
            if kind == "venue":
                place = _right_after(ctx, match.end(), "place")
                if place is not None:
                    yield ctx.claim(
                        event_key,
                        "venue",
                        dict(place.names),
                        f"{place.key}|{place.country or ''}",
                        _modality(ctx, match.start()),
                    )


def _occasion(ctx: _Context) -> tuple[str, ...]:
    """Who and where a dated event is, as the sentence names them (`Claim.scope`): its persons and organisations
    ("who:KEY") and places ("place:KEY"), and which of its occasions ("occasion:المقبل" for "الاجتماع المقبل");
    "the meeting" alone does not say which meeting."""
    who = (f"who:{e.key}" for e in ctx.entities if e.kind in ("person", "organization") and not e.key.startswith("~"))
    which = []
    for rule in ctx.lex.events:
        if rule.row["kind"] != "noun":
            continue
        for match in rule.finditer(ctx.norm):
            # two words after the noun (not the rest of its word: "اجتماعات"): "الاجتماع الوزاري المقبل"
            after = [w for w in _WORD.finditer(ctx.norm, match.end()) if w.start() > match.end()][:2]
            which += [f"occasion:{w.group()}" for w in after if w.group() in _OCCASION_WORDS]
    return tuple(dict.fromkeys([*who, *places_in(ctx.entities, 0, len(ctx.norm)), *which]))


def _founding_between(ctx: _Context, pos: int, mention: DateMention) -> bool:
    """Whether a founding word stands between an event word and a date (the date is then the founding's)."""
    at = ctx.norm.find(arabic.fold_word(mention.text))
    lo, hi = sorted((pos, at))
    return any(r.row["kind"] == "founded" and r.search(ctx.norm, lo, hi) for r in ctx.lex.events)


def _value_event(noun: _Rule) -> Localized:
    return {lang: noun.row[lang] for lang in ("ar", "en", "es")}


_HIM = re.compile(rf"\s*(?:{_any('pronoun_prepositions')})(?:ه|ها|هم)(?!\w)")


def _status(ctx: _Context) -> Iterator[Claim]:
    persons = ("person",)
    for rule in ctx.lex.status:
        for match in rule.finditer(ctx.norm):
            # "اعتقاله", "ألقت القبض عليه": the pronoun is the one it happened to; a name further on is someone else.
            pointing_back = _PRONOUN_AFTER.match(ctx.norm, match.end()) or _HIM.match(ctx.norm, match.end())
            after = None if pointing_back else _after(ctx.entities, match.end(), persons, 40)
            subject = after or _adjacent_before(ctx.entities, ctx.norm, match.start(), persons)
            if subject is None:
                continue
            truth = rule.row["polarity"] == "true"
            modality = _modality(ctx, match.start())
            if modality == "denied" or _negated(ctx, match.start()):
                truth = not truth
            predicate = rule.row["predicate"]
            shown = f"{predicate}:{'true' if truth else 'false'}"
            yield ctx.claim(subject, "status", value_names(shown), shown, modality)


def _control(ctx: _Context) -> Iterator[Claim]:
    """Who holds a place: "سيطرت قوات سوريا الديمقراطية على الرقة", "الرقة تحت سيطرة قسد", and their opposites
    (withdrawal, loss, negation). An aim or an attempt ("بهدف السيطرة على") is no claim: it says the place was not
    held yet on that day, which a later capture does not contradict."""
    groups = ("organization",)
    matches = [(m.start(), m.end(), r) for r in ctx.lex.control for m in r.finditer(ctx.norm)]
    for start, end, rule in _overlapping(matches):
        kind = rule.row["kind"]
        if any(e.start <= start < e.end for e in ctx.entities):
            continue  # a word of a name: "هيئة تحرير الشام"
        if kind == "held":
            place = _before(ctx.entities, start, ("place",), 40)
            group = _after(ctx.entities, end, groups, 30)
        else:
            place = _right_after(ctx, end, "place") or _named_place(ctx, end)
            inside = _after(ctx.entities, start, groups, end - start)
            # The group is the verb's subject, named right before it or inside the match ("سيطرت قسد على");
            # a group named further away is too often another clause's ("خلو الرقة من داعش، ... السيطرة على").
            verb = len(_SUBJECT_GAP.sub("", ctx.norm[:start]))  # "تمكنت قسد من استعادة": skip the "من"
            group = inside if inside is not None and inside.end <= end else None
            group = group or _adjacent_before(ctx.entities, ctx.norm, verb, groups)
            if group is None:  # "أطلقت قسد معركة بهدف السيطرة على": the subject of the same clause
                group = _clause_subject(ctx, start, groups)
        if place is None or group is None or group.key.startswith("~"):
            continue  # groups unknown to the gazetteer are too often a word taken for a name
        clause = _clause(ctx.norm, start, end)
        if any(past.search(clause) for past in ctx.lex.past):
            continue
        holds = kind != "loss"
        if _negated(ctx, start):
            holds = not holds
        elif _PURPOSE.match(ctx.norm[start:end]) or any(aim.search(clause) for aim in ctx.lex.aims):
            # "لاستعادة", "بهدف السيطرة على", "تتقدم باتجاه": an aim or an advance is a step before the capture, said
            # on an earlier day; it does not contradict a report that the place was taken.
            continue
        label = value_names("control:held" if holds else "control:not_held")
        value = {lang: f"{label[lang]} {group.names[lang]}" for lang in ("ar", "en", "es")}
        normalized = group.key if holds else f"not:{group.key}"
        yield ctx.claim(place, "control", value, normalized, _modality(ctx, start))


# Reports and their denials. A denial names what it denies in its own words ("نفت مصادر عراقية الأنباء التي
# ترددت حول مقتل زعيم التنظيم"); those words, folded and without fillers, are the claim's subject. Which other
# articles report the same thing is only known per story (`_report_conflicts`).

_CLAUSE_END = re.compile(r"[.,،;؛:!?؟\"«»“”()]")
_CLAUSE_OPENERS = frozenset(_words("clause_openers"))
_PRONOUN_AFTER = re.compile(r"(?:ه|ها|هم|هما)(?!\w)")
_WHAT_BEFORE = re.compile(rf"(?<!\w)(?:{_any('what_before')})\s*$")
_DISPUTE = re.compile(rf"(?<!\w)[وف]?(?:{_any('dispute')})(?!\w)")
_DENIED_IT = re.compile(rf"(?<!\w)[وف]?(?:{_any('denied_it')})(?!\w)")
_MAX_OBJECT_WORDS = 14
_OBJECT_HEADS = frozenset(_words("object_heads"))
_PHRASE_EDGES = frozenset(_words("phrase_edges"))
_RELATIVES = frozenset(_words("relatives"))
_OCCASION_WORDS = frozenset(_words("occasion_words"))
_BACKGROUND = re.compile(rf"(?<!\w)[وف]?(?:{_any('background')})(?!\w)")


def report_words(text: str, lex: Lexicon | None = None) -> frozenset[str]:
    """Content words of a folded text that can tie a denial to a report: stop words, fillers ("الأنباء التي
    ترددت"), numbers and words of fewer than three letters dropped, clitics and the article stripped."""
    lex = lex or lexicon()
    stops = arabic.stop_words("ar")
    found = set()
    for word in _WORD.findall(text):
        if word in stops or word.isdigit():
            continue
        bare = arabic.strip_article(word)
        if len(bare) >= 3 and bare not in stops and bare not in lex.report_fillers and not bare.isdigit():
            found.add(bare)
    return frozenset(found)


def disputes(norm: str) -> bool:
    """Whether a folded sentence denies, questions or negates something: it then states no report of its own
    (`digest.synthesize.conflicts` matches a denial only with sentences that do not)."""
    return bool(_DISPUTE.search(norm)) or denies(norm)


def denies(norm: str) -> bool:
    """Whether a folded sentence denies or questions a report (`denials.tsv`, or "وهو ما نفته": a plain negation is
    not enough)."""
    return bool(_DENIED_IT.search(norm)) or any(rule.search(norm) for rule in lexicon().denials)


def _is_head(word: str) -> bool:
    """Whether a word heads the denied report ("الأنباء", "أن", "وقوع"), with or without its clitics."""
    return word in _OBJECT_HEADS or arabic.strip_article(word) in _OBJECT_HEADS or word[1:] in _OBJECT_HEADS


def _heads(words: Sequence[re.Match[str]]) -> list[int]:
    """The positions of the words that head the denied report: a relative pronoun only right after another head
    ("الأنباء التي"), not after any noun ("البحر الذي ...": a clause about the sea)."""
    found: list[int] = []
    for i, word in enumerate(words):
        text = word.group()
        if _is_head(text) and (text not in _RELATIVES or (found and found[-1] == i - 1)):
            found.append(i)
    return found


def _before_relative(words: list[re.Match[str]]) -> list[re.Match[str]]:
    """The words of a denied report up to a relative clause, which says more about its last noun."""
    cut = next((i for i, w in enumerate(words) if w.group() in _RELATIVES), len(words))
    return words[:cut]


def _object_span(norm: str, start: int, end: int, position: str) -> tuple[int, int]:
    """Where the denied report is written: the words after the trigger up to the clause's end, or before it back
    to the clause's start (or a "that"), at most `_MAX_OBJECT_WORDS` words."""
    if position == "before":
        stop = _CLAUSE_END.search(norm, end)
        limit = stop.start() if stop else len(norm)
        words = list(_WORD.finditer(norm, end, limit))
        # "نفت مصادر عراقية الأنباء التي ترددت حول مقتل...": the report starts after its head noun or "that".
        heads = _heads(words[:7])
        if heads:
            words = words[heads[-1] + 1 :]
        words = _before_relative(words)[:_MAX_OBJECT_WORDS]
        return (words[0].start(), words[-1].end()) if words else (end, end)
    begin = max((m.end() for m in _CLAUSE_END.finditer(norm, 0, start)), default=0)
    words = list(_WORD.finditer(norm, begin, start))
    for i in range(len(words) - 1, -1, -1):
        if words[i].group() in _CLAUSE_OPENERS:
            words = words[i + 1 :]
            break
    # "ما تم تداوله حول انسحاب...": the report starts after its head noun.
    heads = _heads(words[:7])
    if heads:
        words = words[heads[-1] + 1 :]
    words = words[-_MAX_OBJECT_WORDS:]
    return (words[0].start(), words[-1].end()) if words else (start, start)


def _full_phrase(ctx: _Context, lo: int, hi: int) -> tuple[int, int] | None:
    """The denied report's span without the function words it was cut after ("... نمط ممنهج من"), or None for a
    fragment: it starts with a preposition or conjunction (its head is lost: "في حكومة نظام ..."), or has no
    content word of its own besides names and the words that open a speaker's name (حكومة، نظام، وزارة)."""
    words = list(_WORD.finditer(ctx.norm, lo, hi))
    while words and words[-1].group() in _PHRASE_EDGES:
        words.pop()
    if not words or words[0].group() in _PHRASE_EDGES:
        return None
    for word in words:
        if any(e.start <= word.start() < e.end for e in ctx.entities):
            continue
        bare = arabic.strip_article(word.group())
        if bare in ctx.lex.report_speakers or word.group().removeprefix("ال") in ctx.lex.report_speakers:
            continue
        if report_words(word.group(), ctx.lex):
            return words[0].start(), words[-1].end()
    return None


def _after_speaker(ctx: _Context, lo: int, hi: int) -> int:
    """Where the denied report starts once the verb's subject is passed: the denier's name, the words that open
    it ("حكومة رئيس الوزراء") and the nisbas after them ("العراقي") — "نفت الحكومة السورية قصفها..."."""
    skipping = False
    for word in _WORD.finditer(ctx.norm, lo, hi):
        inside = next((e for e in ctx.entities if e.start <= word.start() < e.end), None)
        bare = arabic.strip_article(word.group())
        nisba = skipping and word.group().startswith("ال") and bare.endswith(("ي", "يه", "يين", "ين"))
        if inside is not None and inside.kind in ("person", "organization", "place"):
            skipping = inside.kind != "place" or skipping
            if not skipping:
                return word.start()
            continue
        if nisba or not ctx.lex.report_speakers.isdisjoint((word.group(), bare, word.group().removeprefix("ال"))):
            skipping = True
            continue
        return word.start()
    return hi


def _surface(ctx: _Context, start: int, end: int) -> str:
    """The original spelling of the folded span [start, end) of the sentence (same words, same order)."""
    folded = ctx.norm.split()
    original = [w for w in ctx.sentence.text.split() if arabic.fold_word(w)]
    if len(folded) != len(original):
        return ctx.norm[start:end]
    first = len(ctx.norm[:start].split()) - (start > 0 and not ctx.norm[start - 1].isspace())  # a word begun
    count = len(ctx.norm[start:end].split())
    return " ".join(original[first : first + count]).strip(".,،:؛;\"'«»“”()؟?!")


def _denials(ctx: _Context) -> Iterator[Claim]:
    matches = [(m.start(), m.end(), r) for r in ctx.lex.denials for m in r.finditer(ctx.norm)]
    for start, end, rule in _overlapping(matches):
        clause_start = max(ctx.norm.rfind(b, 0, start) for b in ".،,;؛:")
        if _BACKGROUND.search(ctx.norm, clause_start + 1, start):
            continue  # "وكانت الحكومة قد نفت ...": an earlier denial told as background, not the story's event
        pointing_back = _PRONOUN_AFTER.match(ctx.norm, end) or _WHAT_BEFORE.search(ctx.norm, 0, start)
        if pointing_back and rule.row["position"] == "before" and rule.row["kind"] == "denied":
            continue  # "وهو ما ينفيه النظام", "نفاه": what is denied was said in an earlier clause
        lo, hi = _object_span(ctx.norm, start, end, rule.row["position"])
        if rule.row["position"] == "before":
            lo = _after_speaker(ctx, lo, hi)
        phrase_span = _full_phrase(ctx, lo, hi)
        if phrase_span is None:
            continue  # a fragment: what is denied is not known
        lo, hi = phrase_span
        words = report_words(ctx.norm[lo:hi], ctx.lex)
        if len(words) < ctx.options.report_min_words:
            continue  # "نفت الوزارة ذلك": the report is not named
        kind = rule.row["kind"]
        value = value_names(f"report:{kind}")
        denier = _adjacent_before(ctx.entities, ctx.norm, start, ("person", "organization")) or _before(
            ctx.entities, start, ("person", "organization"), 30
        )
        if rule.row["position"] == "before" and denier is None:
            denier = _after(ctx.entities, end, ("person", "organization"), 3)
        if denier is not None and not (lo <= denier.start < hi):
            by = value_names("report:by")
            value = {lang: f"{value[lang]} {by[lang]} {denier.names[lang]}" for lang in ("ar", "en", "es")}
        phrase = _surface(ctx, lo, hi)
        subject = ("report:" + " ".join(sorted(words)), {lang: phrase for lang in ("ar", "en", "es")})
        yield ctx.claim(subject, "report", value, kind, "denied")


# Who claims an act: "تبنى تنظيم الدولة الهجوم على...", "أعلنت الجماعة مسؤوليتها عن إسقاط الطائرة". The act's content
# words are the claim's subject (`act:`); the agent is its value. Another article giving the same act to another
# agent disputes the responsibility (`digest.synthesize.conflicts`).

_MAX_ACT_WORDS = 8


def _responsibility(ctx: _Context) -> Iterator[Claim]:
    matches = [(m.start(), m.end(), r) for r in ctx.lex.responsibility for m in r.finditer(ctx.norm)]
    for start, end, _rule in _overlapping(matches):
        if _negated(ctx, start) or _DISPUTE.search(ctx.norm, max(0, start - 12), start):
            continue  # "لم تتبن أي جهة": nobody claims it
        kinds = ("organization", "person")
        agent = _adjacent_before(ctx.entities, ctx.norm, start, kinds) or _clause_subject(ctx, start, kinds)
        agent = agent or _after(ctx.entities, end, kinds, 3)
        if agent is None or agent.key.startswith("~"):
            continue
        stop = _CLAUSE_END.search(ctx.norm, end)
        lo = agent.end if agent.start >= end else end
        words = list(_WORD.finditer(ctx.norm, lo, stop.start() if stop else len(ctx.norm)))[:_MAX_ACT_WORDS]
        # the act of a verb of claiming written in the match ("أعلن أنه أسقط طائرة"): the verb itself is the act
        matched = ctx.norm[start:end].split()
        head = matched[-1] if len(matched) > 2 else ""
        act = report_words(" ".join([head, *(w.group() for w in words)]), ctx.lex)
        if len(act) < ctx.options.act_min_words or not words:
            continue
        label = value_names("responsibility:claimed")
        value = {lang: f"{label[lang]} {agent.names[lang]}" for lang in ("ar", "en", "es")}
        phrase = _surface(ctx, words[0].start(), words[-1].end())
        subject = ("act:" + " ".join(sorted(act)), {lang: phrase for lang in ("ar", "en", "es")})
        claim = ctx.claim(subject, "responsibility", value, agent.key, _modality(ctx, start))
        yield replace(claim, scope=places_in(ctx.entities, start, stop.start() if stop else len(ctx.norm)))


def places_in(entities: Sequence[_Entity], lo: int, hi: int) -> tuple[str, ...]:
    """The places (towns, regions; not countries) named in [lo, hi), as `Claim.scope` entries ("place:golan"): an
    act or a meeting in one place is not the same as one in another."""
    keys = (e.key for e in entities if e.kind == "place" and e.start < hi and e.end > lo)
    return tuple(dict.fromkeys(f"place:{k}" for k in keys if not k.startswith("country:")))


_PLACE_NOUN = re.compile(rf"\s*(?:(?:ال)?(?:{_any('place_nouns')})(?:\s+(?:ال)?\w+ه)?\s+)?")
# the rest of a trigger's word, then a preposition
_TRIGGER_REST = re.compile(rf"^\w*\s*(?:(?:{_any('place_prepositions')})\s+|ب)?")


def _right_after(ctx: _Context, pos: int, kind: str) -> _Entity | None:
    """The entity named right after `pos`, a place noun allowed in between ("على مدينة الرقة", "في مراكش")."""
    entity = _after(ctx.entities, pos, (kind,), 40)
    if entity is None:
        return None
    gap = ctx.norm[pos : entity.start]
    gap = _TRIGGER_REST.sub("", gap)
    return entity if _PLACE_NOUN.fullmatch(gap) else None


_OBJECT_OF = re.compile(rf"(?<!\w)[وف]?(?:{_any('object_prepositions')})(?:ه|ها|هم)?\s*[\"'«]?\s*$")


def _clause_subject(ctx: _Context, start: int, kinds: Sequence[str]) -> _Entity | None:
    """The group that does what the clause says: the nearest one named before `start` in the same clause, or
    further back when an aim ("بدء معركة بهدف") stands between; never one governed by a preposition ("معركة ضد
    تنظيم الدولة": ISIS is fought, not fighting)."""
    clause_start = max(ctx.norm.rfind(b, 0, start) for b in "،,;؛:")
    for entity in reversed(ctx.entities):
        if entity.end > start or entity.kind not in kinds or _OBJECT_OF.search(ctx.norm, 0, entity.start):
            continue
        if start - entity.end > 2 * ctx.options.subject_window:
            return None
        if entity.start > clause_start or any(aim.search(ctx.norm, entity.end, start) for aim in ctx.lex.aims):
            return entity
        return None
    return None


_NAMED_PLACE = re.compile(
    rf"\w*\s*(?:(?:{_any('place_prepositions')})\s+|ب)?((?:ال)?(?:{_any('named_place_nouns')}))\s+"
    rf"((?:ال)?\w{{2,}})(?:\s+(?!(?:{_any('named_place_stops')})(?!\w))([^\Wبلوف]\w+))?"
)


def _named_place(ctx: _Context, pos: int) -> _Entity | None:
    """A place the gazetteer does not know, named by a place noun right after `pos` ("على تلة العيس", "قرية
    الشيخ حسن"): its key is its folded name, so two sources that spell it alike compare."""
    match = _NAMED_PLACE.match(ctx.norm, pos)
    if match is None or any(e.start < match.end() and match.start(2) < e.end for e in ctx.entities):
        return None
    name = " ".join(part for part in match.groups()[1:] if part)
    names = {lang: _surface(ctx, match.start(1), match.end()) for lang in ("ar", "en", "es")}
    return _Entity("~place:" + name, "place", names, match.start(2), match.end())


def _clause(norm: str, start: int, end: int) -> str:
    """The clause around a match: from the previous comma or clause break to the next one."""
    breaks = "،,;؛:"
    left = max(norm.rfind(b, 0, start) for b in breaks)
    rights = [i for i in (norm.find(b, end) for b in breaks) if i >= 0]
    return norm[left + 1 : min(rights) if rights else len(norm)]


def _titles(article: Article, sentences: Sequence[Sentence], mentions: Sequence[Mention]) -> Iterator[Claim]:
    seen: set[tuple[str, str]] = set()
    for mention in mentions:
        if mention.kind != "person" or not mention.role or not mention.key:
            continue
        names = _role_names(mention.role)
        if not names or not names.get("en"):
            continue
        normalized = names["en"].casefold()
        if (mention.key, normalized) in seen or not 0 <= mention.sentence < len(sentences):
            continue
        seen.add((mention.key, normalized))
        entity = _entity_from(mention.text, mention.kind, mention.key, 0, 0, mention.role)
        yield Claim(
            subject=dict(entity.names),
            subject_key=entity.key,
            attribute="title",
            value={lang: names.get(lang) or names["en"] for lang in ("ar", "en", "es")},
            normalized=normalized,
            article_id=article.id,
            published=article.published,
            evidence=sentences[mention.sentence].text,
            outlet=article.outlet,
        )


_SPELLINGS = _spellings()


def _read_as(text: str) -> str:
    """A folded text with the title spellings of `role_spellings.tsv` read as their usual form ("اميركي")."""
    for written, read in _SPELLINGS:
        text = text.replace(written, read)
    return text


def _role_key(role: str) -> str:
    return _read_as(arabic.fold_word(role)).strip()


def _with_roles(
    entities: list[_Entity], norm: str, roles: dict[str, set[str]], people: dict[str, _Entity]
) -> list[_Entity]:
    """Entities plus a stand-in for each title written alone whose holder the article named (one holder only)."""
    if not roles:
        return entities
    text = _read_as(norm)  # same length: offsets hold
    added = []
    for role, keys in roles.items():
        if len(keys) != 1 or len(role) < 8:
            continue
        key = next(iter(keys))
        holder = people.get(key)
        if holder is None:
            continue
        at = text.find(role)
        while at >= 0:
            end = at + len(role)
            if not any(e.start < end and at < e.end for e in entities):
                added.append(replace(holder, start=at, end=end))
            at = text.find(role, end)
    return sorted([*entities, *added], key=lambda e: e.start) if added else entities


_EXTRACTORS = (
    ("attendance", _attendance),
    ("representation", _representation),
    ("counts", _counts),
    ("events", _events),
    ("status", _status),
    ("control", _control),
    ("denials", _denials),
    ("responsibility", _responsibility),
)


def find_claims(
    article: Article,
    sentences: Sequence[Sentence],
    mentions: Sequence[Mention],
    dates: Sequence[DateMention],
    options: ConflictOptions | None = None,
) -> tuple[Claim, ...]:
    """Facts the article states: attendance, representation, counts, event date and venue, founding, status, titles.

    Only sentences with a trigger word are read past one regular-expression search.
    """
    options = options or ConflictOptions()
    lex = lexicon()
    by_sentence: dict[int, list[Mention]] = defaultdict(list)
    for mention in mentions:
        by_sentence[mention.sentence].append(mention)
    dates_by_sentence: dict[int, list[DateMention]] = defaultdict(list)
    for found in dates:
        dates_by_sentence[found.sentence].append(found)
    claims: list[Claim] = []
    # Titles standing for a person named elsewhere in the article ("زيارة مرتقبة لوزير الخارجية الأميركي").
    roles: dict[str, set[str]] = {}
    for mention in mentions:
        if mention.kind == "person" and mention.role and mention.key:
            roles.setdefault(_role_key(mention.role), set()).add(mention.key)
    people: dict[str, _Entity] = {}
    for sentence in sentences:
        if len(sentence.text) > options.max_sentence_chars:
            continue
        norm = arabic.fold(sentence.text)
        wanted = lex.triggers.wanted(norm)
        if not wanted:
            continue
        entities = _locate(norm, by_sentence[sentence.index]) if mentions else _gazetteer_entities(sentence.text, norm)
        for entity in entities:
            if entity.kind == "person" and entity.role:
                roles.setdefault(_role_key(entity.role), set()).add(entity.key)
        entities = _with_roles(entities, norm, roles, {e.key: e for e in entities} | people)
        people.update({e.key: e for e in entities if e.kind == "person"})
        ctx = _Context(article, sentence, norm, entities, dates_by_sentence[sentence.index], options, lex)
        for family, extract in _EXTRACTORS:
            if family in wanted:
                claims.extend(extract(ctx))
    claims.extend(_titles(article, sentences, mentions))
    unique = {(c.subject_key, c.attribute, c.normalized, c.evidence): c for c in claims}
    return tuple(unique.values())
