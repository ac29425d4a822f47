"""Synthesis, part 2: key actors, venue and event date.

Per article (called from `analyze`):
1. `find_mentions`: persons, organisations and places in each sentence, from
   a. the gazetteer (`digest.lang.gazetteer`: known names and their spelling variants, clitics and ال allowed);
   b. titles and appositions: "وزير الخارجية الأمريكي، أنتوني بلينكن" / "عبدالله بن زايد، وزير الخارجية": the
      title is kept as the mention's role, and an unknown name framed by a title is a person;
   c. honorifics ("السيد"، "الشيخ"، "د.") and common given names ("محمد"، "جورج") before name-like words;
   d. head nouns of organisations and places ("وزارة ..."، "حزب ..."، "مدينة ..."), sports teams ("فريق نابولي"،
      "منتخب نيجيريا": the city or country there is the team) and agency credits ("(الفرنسية)" is AFP).
   All cue words are data (`digest/data/extract_ar.json`, `digest/data/gazetteer/given_names.txt`).
   e. optionally (`backend="camel"`, `ExtractOptions.ner_backend`), camel-tools' BERT NER when its model is
      installed; never required, never downloaded, and slow (for evaluation and small batches).
   Speed: each distinct written word is read once (`_word_info`: one bit per cue list, its given-name kind,
   whether it can be part of a name); a sentence is split with `re.split` into parallel lists (no object per
   word, `gazetteer.read_words`) and mapped through cached dicts, and a rule runs only when one of the
   sentence's words carries its cue. Per story, each sentence is read once for venue, date and vocabulary
   (`_sentence_words`), and only the cue flags those need (`_CUE_FLAGS`).
2. `find_dates`: `digest.lang.dates.find_dates` on each sentence, resolved against the publication date.

Per story: `extract(analyses, options) -> StoryFacts`:
3. actors: mentions of persons and organisations merged across articles (gazetteer key, else the name's
   normalised form; a surname alone joins the full name that ends with it), counted, given a role (the title
   most written next to them, in ar/en/es from the role lexicon, else the gazetteer's), canonical names (else a
   romanisation, marked), ranked by salience (mentions, spread across articles, role); an unknown person is an
   actor only when the name looks like one (`_plausible_person`: no cue or common word, no noun the story writes
   with ال, and a given name, a title/honorific/noun cue, or a name cue in two articles);
4. venue: the place named with the event's cues ("تحتضنه مدينة مراكش", "الذي ينعقد في مراكش", "اجتماع مراكش"),
   voted across articles, a city preferred to its country;
5. event date: the day-precise date written near the event's cues or the venue, voted across articles; publication
   dates count only when the text itself names them.
"""

from __future__ import annotations

import os
import re
from bisect import bisect_right
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cache, lru_cache, reduce
from itertools import chain, compress, count, repeat
from operator import and_, or_
from pathlib import Path
from typing import Any

from digest.document import Actor, Analysis, Article, DateMention, Mention, Sentence, Venue
from digest.errors import ConfigError
from digest.lang import dates as date_finder
from digest.lang.arabic import normalize, stop_words
from digest.lang.gazetteer import (
    Entry,
    Words,
    bare,
    clitic_readings,
    gazetteer,
    name_key,
    read_words,
    role_names,
    romanize,
    surface_readings,
)
from digest.options import ExtractOptions
from digest.resources import read_json, read_lines
from digest.runtime.memo import PerWord

_DEFINITE = re.compile(r"^(?:[وف]?[بكل]?ال|[وف]?لل)")
_HARD_BREAK = frozenset('،,.;؛:!?؟()[]{}|/–—-•\n"«»“”')
_KIND_OF_ENTRY = {"person": "person", "organization": "organization", "place": "place", "country": "place"}


@dataclass(frozen=True)
class StoryFacts:
    actors: tuple[Actor, ...] = ()
    venue: Venue | None = None
    event_date: date | None = None


@dataclass(frozen=True, eq=False)
class _Cues:
    title_heads: frozenset[str]
    title_words: frozenset[str]  # words that carry a title on ("المكلفة شؤون ...", "السابق")
    honorifics: frozenset[str]
    particles: frozenset[str]
    stops: frozenset[str]
    org_heads: frozenset[str]
    org_heads_definite: frozenset[str]  # heads that stay organisations with the article ("الجيش ...")
    brand_heads: frozenset[str]  # heads that may take a proper name directly ("شركة نوكيا")
    wrapper_heads: frozenset[str]  # heads that are not part of the name ("صحيفة الأهرام" → "الأهرام")
    person_nouns: frozenset[str]  # nouns that introduce a person's name ("اللاعب", "الكاتبة", "زوجة")
    state_heads: frozenset[str]  # "الحكومة", "الشرطة" + a nationality adjective: a state body
    speech_verbs: frozenset[str]  # "قال", "أضاف": a name often follows
    speech_subject_stops: frozenset[str]  # ... but not these subjects ("قال مصدر", "قال شهود")
    place_heads: frozenset[str]  # "مدينة مراكش": the place is "مراكش"
    place_heads_in_name: frozenset[str]  # "نهر النيل", "إقليم كردستان": the head is part of the name
    event_nouns: frozenset[str]
    venue_cues: frozenset[str]
    date_cues: frozenset[str]
    given: frozenset[str]
    given_ambiguous: frozenset[str]
    given_weak: frozenset[str]
    team_heads: frozenset[str] = frozenset()
    team_heads_in_name: frozenset[str] = frozenset()
    agency_credits: dict[str, str] = field(default_factory=dict)  # normalised credit → organisation key
    function_words: frozenset[str] = frozenset()  # the language's stop words (prepositions, pronouns...)
    detached_pronouns: frozenset[str] = frozenset()


def _bare_set(words: Sequence[str]) -> frozenset[str]:
    return frozenset(bare(normalize(w)) for w in words) | frozenset(normalize(w) for w in words)


def _exact_set(words: Sequence[str]) -> frozenset[str]:
    """Words that count only as written (with their article): "الإمام" is a title, "أمام" is "in front of"."""
    return frozenset(normalize(w) for w in words)


@lru_cache(maxsize=1)
def _cues() -> _Cues:
    data = read_json("extract_ar.json")
    given: set[str] = set()
    ambiguous: set[str] = set()
    weak: set[str] = set()
    for line in read_lines("gazetteer/given_names.txt"):
        written = line.split("\t")[0].strip()
        key = " ".join(name_key(written.rstrip("*")))
        (weak if written.endswith("**") else ambiguous if written.endswith("*") else given).add(key)
    particles = _bare_set(data["name_particles"])
    stops = _bare_set(data["name_stops"]) | _bare_set(data["common_words"])
    stops = (stops | frozenset(bare(w) for w in stop_words("ar"))) - particles
    return _Cues(
        title_heads=_bare_set(data["title_heads"]),
        title_words=_bare_set(data["title_words"]),
        honorifics=_exact_set(data["honorifics"]),
        particles=particles,
        stops=stops - frozenset(given) - frozenset(ambiguous) - frozenset(weak),
        org_heads=_bare_set(data["org_heads"]),
        org_heads_definite=frozenset(normalize(w) for w in data["org_heads"] if w.startswith("ال")),
        brand_heads=_bare_set(data["brand_heads"]),
        wrapper_heads=_bare_set(data["wrapper_heads"]),
        person_nouns=_exact_set(data["person_nouns"]),
        speech_verbs=_exact_set(data["speech_verbs"]),
        state_heads=_exact_set(data["state_heads"]),
        speech_subject_stops=_bare_set(data["speech_subject_stops"]),
        place_heads=_exact_set(data["place_heads"]),
        place_heads_in_name=_exact_set(data["place_heads_in_name"]),
        event_nouns=_bare_set(data["event_nouns"]),
        venue_cues=_bare_set(data["venue_cues"]),
        date_cues=_bare_set(data["date_cues"]),
        given=frozenset(given),
        given_ambiguous=frozenset(ambiguous),
        given_weak=frozenset(weak),
        team_heads=_exact_set(data["team_heads"]),
        team_heads_in_name=_exact_set(data["team_heads_in_name"]),
        agency_credits={normalize(k): v for k, v in data["agency_credits"].items()},
        function_words=frozenset(normalize(w) for w in stop_words("ar")) - given - ambiguous - weak,
        detached_pronouns=frozenset(data["detached_pronouns"]),
    )


_CLITIC_LETTERS = frozenset("وفبلك")  # a word starting with none of them has no clitic reading


@lru_cache(maxsize=300_000)
def _readings(norm: str) -> tuple[str, ...]:
    """What a written word can be once the article and clitics are off: as written, bare, without و/ف + ب/ل/ك
    ("والشيخ" → "الشيخ", "للاعب" → "اللاعب"); cue lists are looked up with every reading."""
    if norm[:1] not in _CLITIC_LETTERS:
        return (norm, bare(norm)) if norm.startswith("ال") and len(norm) >= 4 else (norm,)
    out = [norm, *clitic_readings(norm)]
    # a conjunction or preposition glued to a word listed with its article: "والشيخ", "للاعب"
    rest = norm[1:] if norm[:1] in "وف" and len(norm) > 3 else norm
    rest = rest[1:] if rest[:1] in "بك" and len(rest) > 3 else rest
    out.append(rest)
    if rest.startswith("لل"):
        out.append("ال" + rest[2:])
    return tuple(dict.fromkeys(out))


# What a word can be, computed once per distinct word (`_word_info`) as bit flags.
TITLE, HONORIFIC, STOP, EVENT, ORG_HEAD, PLACE_HEAD, PLACE_IN_NAME, PERSON_NOUN = (1 << k for k in range(8))
PARTICLE, NAME_OK, STRICT_BAD, VENUE_CUE, DATE_CUE, WRAPPER, BRAND = (1 << k for k in range(8, 15))
TITLE_WORD, SPEECH_STOP, STATE_HEAD, NATIONALITY, SPEECH_VERB, PARTICLE_WRITTEN = (1 << k for k in range(15, 21))
GIVEN, GIVEN_AMBIGUOUS, GIVEN_WEAK, GAZETTEER_START = (1 << k for k in range(21, 25))
TEAM, TEAM_IN_NAME, CREDIT, FUNCTION, PRONOUN = (1 << k for k in range(25, 30))
_GIVEN_KIND = {GIVEN: "given", GIVEN_AMBIGUOUS: "ambiguous", GIVEN_WEAK: "weak"}


@lru_cache(maxsize=1)
def _cue_table() -> dict[str, int]:
    """Every cue word form → the flags of the lists it is in (one dict lookup per reading of a word)."""
    cues = _cues()
    table: dict[str, int] = defaultdict(int)
    for flag, words in (
        (TITLE, cues.title_heads),
        (HONORIFIC, cues.honorifics),
        (STOP, cues.stops),
        (EVENT, cues.event_nouns),
        (ORG_HEAD, cues.org_heads),
        (PLACE_HEAD, cues.place_heads),
        (PLACE_IN_NAME, cues.place_heads_in_name),
        (PERSON_NOUN, cues.person_nouns),
        (VENUE_CUE, cues.venue_cues),
        (DATE_CUE, cues.date_cues),
        (WRAPPER, cues.wrapper_heads),
        (BRAND, cues.brand_heads),
        (TITLE_WORD, cues.title_words),
        (SPEECH_STOP, cues.speech_subject_stops),
        (STATE_HEAD, cues.state_heads),
        (TEAM, cues.team_heads),
        (TEAM_IN_NAME, cues.team_heads_in_name),
        (CREDIT, frozenset(cues.agency_credits)),
        (FUNCTION, cues.function_words),
    ):
        for word in words:
            table[word] |= flag
    return dict(table)


def _word_info(raw: str, norm: str) -> int:
    """Bit flags for a word as written (cue lists it belongs to, given-name kind, whether it can be a name)."""
    info = _INFO.get(raw)
    if info is None:
        if len(_INFO) > 300_000:
            _INFO.clear()
        info = _INFO[raw] = _compute_word_info(raw, norm)
    return info


_INFO: dict[str, int] = {}  # raw word → flags; a plain dict is faster than lru_cache on this hot path


def _compute_cue_flags(norm: str) -> int:
    """The cue lists a normalised word is in, whatever its spelling: the part of `_word_info` that the per-story
    passes need (event nouns, venue and date cues)."""
    cues = _cues()
    table = _cue_table()
    flags = 0
    for reading in _readings(norm):
        flags |= table.get(reading, 0)
    # A given name as written is not the cue word a clitic reading makes of it: "كيلي" is not "ك" + "يلي".
    readings = (norm, norm[1:]) if norm[:1] in "وف" and len(norm) > 3 else (norm,)
    if norm not in cues.stops and any(r in cues.given or r in cues.given_ambiguous for r in readings):
        flags &= ~(STOP | EVENT | SPEECH_STOP)
    return flags


_CUE_FLAGS = PerWord(_compute_cue_flags)


def _compute_word_info(raw: str, norm: str) -> int:
    cues = _cues()
    word_bare = bare(norm)
    flags = _CUE_FLAGS[norm]
    if norm in cues.speech_verbs:
        flags |= SPEECH_VERB
    if norm in cues.particles:
        flags |= PARTICLE_WRITTEN
    if raw in cues.detached_pronouns:
        flags |= PRONOUN
    if gazetteer().starts_name(norm):
        flags |= GAZETTEER_START
    adjective = bool(gazetteer().word_adjective_country(norm))
    if adjective:
        flags |= NATIONALITY
    particle = norm in cues.particles or word_bare in cues.particles
    if particle:
        flags |= PARTICLE
    alpha = norm.isalpha() and (len(norm) >= 2 or particle)
    if alpha and raw not in _PREPOSITIONS_WITH_YA:
        blocked = flags & (STOP | TITLE | HONORIFIC | EVENT | ORG_HEAD | PLACE_HEAD) or word_bare in cues.stops
        if particle or not (blocked or adjective):
            flags |= NAME_OK
    # After an ambiguous given name: "البرغوثي", "مشعل" yes; "الظن", "إقليمي" no.
    if norm.startswith("ال") != norm.endswith("ي") or norm.endswith(("يه", "يا")):
        flags |= STRICT_BAD
    if norm.startswith("عبدال") and len(norm) > 6:  # "عبدالمنعم", "عبد الرحيم" (joined by the tokenizer)
        flags |= GIVEN
    elif norm.startswith(("ابو", "وابو")) and len(norm) > 5:  # a kunya: "أبو مازن", "أبو تريكة"
        flags |= GIVEN_AMBIGUOUS
    elif norm not in cues.stops:
        readings = (norm, norm[1:]) if norm[:1] in "وف" and len(norm) > 3 else (norm,)
        for reading in readings:  # "ومحمد"; but "النصر" is not "نصر" and "بيان" is not "يان"
            if reading in cues.given:
                flags |= GIVEN
            elif reading in cues.given_ambiguous:
                flags |= GIVEN_AMBIGUOUS
            elif reading in cues.given_weak and not raw.endswith("ى"):  # "على" is not "علي"; "يحيى" is a name
                flags |= GIVEN_WEAK
            if flags & (GIVEN | GIVEN_AMBIGUOUS | GIVEN_WEAK):
                break
    return flags


@dataclass
class _Span:
    start: int  # token indices [start, end)
    end: int
    kind: str
    key: str | None = None
    role: str | None = None
    cue: str | None = None  # the rule that found an unknown name (`Mention.cue`)


@dataclass
class _Sentence:
    """One sentence being read: its words (parallel lists, index i is word i), where punctuation breaks them,
    and the spans found so far."""

    text: str
    norms: list[str]  # normalised words
    raws: list[str]  # words as written
    starts: list[int]  # character offsets of each word
    ends: list[int]
    breaks: list[bool]  # breaks[i]: punctuation between token i-1 and token i
    flags: list[int]  # `_word_info` flags of each token
    mask: int  # the flags of all its tokens together: rules whose cue is absent skip the sentence
    separators: list[str]  # separators[i]: the text before token i
    owner: list[int | None] = field(default_factory=list)
    spans: list[_Span] = field(default_factory=list)

    def add(self, span: _Span) -> bool:
        if span.end <= span.start or any(self.owner[k] is not None for k in range(span.start, span.end)):
            return False
        for k in range(span.start, span.end):
            self.owner[k] = len(self.spans)
        self.spans.append(span)
        return True

    def move(self, span: _Span, start: int, end: int) -> bool:
        """Give a span new bounds, if the tokens it takes are free."""
        at = self.owner[span.start]
        if any(self.owner[k] not in (None, at) for k in range(start, end)):
            return False
        for k in range(span.start, span.end):
            self.owner[k] = None
        for k in range(start, end):
            self.owner[k] = at
        span.start, span.end = start, end
        return True

    def span_at(self, i: int) -> _Span | None:
        if 0 <= i < len(self.norms) and self.owner[i] is not None:
            span = self.spans[self.owner[i]]  # type: ignore[index]
            return span if span.start == i else None
        return None

    def raw(self, i: int) -> str:
        return self.raws[i]

    def between(self, i: int, j: int) -> str:
        """The text from word i to word j - 1, as written."""
        return self.text[self.starts[i] : self.ends[j - 1]]


def _read(text: str) -> _Sentence:
    """A sentence's words, their flags and where punctuation breaks them; `map` over cached dicts, no loop in
    Python for words already seen (this runs on every sentence of every article)."""
    norms, raws, starts, ends, separators = read_words(text)
    breaks = list(map(_BREAKS.__getitem__, separators))
    if breaks:
        breaks[0] = False
    known: list[int | None] = list(map(_INFO.get, raws))
    if None in known:
        flags = [_word_info(raw, norm) if f is None else f for f, raw, norm in zip(known, raws, norms, strict=True)]
    else:
        flags = known  # type: ignore[assignment]  # no None in it
    mask = reduce(or_, set(flags), 0)  # a sentence's words carry far fewer distinct flag sets than words
    if mask & PRONOUN:  # "رغبة ه": a pronoun suffix written apart; the word it belongs to is no name
        for i in range(1, len(flags)):
            if flags[i] & PRONOUN and not breaks[i]:
                flags[i - 1] &= ~(NAME_OK | _ANY_GIVEN)
    return _Sentence(text, norms, raws, starts, ends, breaks, flags, mask, separators, [None] * len(norms))


def _breaks(separator: str) -> bool:
    """Whether the text between two words holds punctuation that ends a name or a title."""
    return any(c in _HARD_BREAK for c in separator)


_BREAKS = PerWord(_breaks, 100_000)


def _given_name(s: _Sentence, i: int, cues: _Cues) -> str | None:
    """ "given", "ambiguous", "weak" or None for token i; the preposition على is not the name علي."""
    return _GIVEN_KIND.get(s.flags[i] & _ANY_GIVEN)


_ANY_GIVEN = GIVEN | GIVEN_AMBIGUOUS | GIVEN_WEAK


def _name_like(s: _Sentence, i: int, cues: _Cues, strict: bool = False) -> bool:
    """Whether token i can be part of a person's name."""
    flags = s.flags[i]
    if s.owner[i] is not None or not flags & NAME_OK:
        return False
    return bool(flags & (PARTICLE | GIVEN)) or not (strict and flags & STRICT_BAD)


def _name_end(s: _Sentence, start: int, cues: _Cues, limit: int = 4) -> int:
    """End (exclusive) of the name-like run of tokens from `start`, not crossing punctuation."""
    k = start
    while k < len(s.norms) and k - start < limit and (k == start or not s.breaks[k]) and _name_like(s, k, cues):
        k += 1
    while k > start and s.norms[k - 1] in cues.particles:  # a name does not end on "بن"
        k -= 1
    return k


def _title_end(s: _Sentence, start: int, cues: _Cues) -> tuple[int, bool]:
    """End of a title that begins at token `start`, and whether a name seems to start right there.

    A title runs up to punctuation, a known person, an honorific or a given name; or up to a word without the
    article that cannot continue it ("السفير الأمريكي جيفري ...": after the head's construct partner, a title
    goes on only with definite words, places, organisations and nationalities).
    """
    head_definite = bool(_DEFINITE.match(s.norms[start]))
    k = start + 1
    while k < len(s.norms) and k - start < 9 and not s.breaks[k]:
        span = s.span_at(k)
        if span is not None and span.kind == "person":
            break
        word, flags = s.norms[k], s.flags[k]
        if flags & (HONORIFIC | GIVEN):
            break
        construct = k == start + 1 and not head_definite
        continues = construct or span is not None or s.owner[k] is not None or bool(_DEFINITE.match(word))
        continues = continues or bool(flags & (TITLE | TITLE_WORD | NATIONALITY))
        if not continues and word.isalpha():
            return k, _name_like(s, k, cues)
        k += 1
    return k, False


def _skip_honorifics(s: _Sentence, k: int, cues: _Cues) -> int:
    while k < len(s.norms) and s.flags[k] & HONORIFIC and s.owner[k] is None:
        k += 1
    return k


def _titles(s: _Sentence, cues: _Cues) -> None:
    """Titles before a name ("وزير الخارجية، ناصر بوريطة") and after one ("ناصر بوريطة، وزير الخارجية")."""
    n = len(s.norms)
    i = 0
    while i < n:
        if s.owner[i] is not None or not s.flags[i] & TITLE:
            i += 1
            continue
        end, name_next = _title_end(s, i, cues)
        title = s.between(i, end)
        before = s.spans[s.owner[i - 1]] if i > 0 and s.owner[i - 1] is not None else None  # type: ignore[index]
        if role_names(title) is None or (before is not None and before.kind == "person"):
            # not a title, or the apposition of the name before it (read below)
            i += 1
            continue
        k = _skip_honorifics(s, end, cues)
        if k < n and _conjunction_before_name(s.raw(k), cues):
            i = end  # "التقى الوزير ومحمد ...": "و" starts another person, the title is not theirs
            continue
        span = s.span_at(k)
        if span is not None and span.kind == "person":
            span.role = span.role or title
        elif k < n and span is None and s.owner[k] is None:
            starts_given = _given_name(s, k, cues) == "given"
            name_end = _given_name_end(s, k, cues, strict=False) if starts_given else _name_end(s, k, cues)
            framed = s.breaks[k] or k > end  # "title، name" or "title honorific name"
            closed = name_end == n or s.breaks[name_end] or bool(s.flags[name_end] & STOP)
            starts_given = _given_name(s, k, cues) == "given"
            if name_end > k and ((framed and closed and name_end - k <= 4) or starts_given):
                s.add(_Span(k, name_end, "person", None, title, "title"))
            elif name_next and k == end and not s.norms[k].startswith(_VERB_PREFIX):
                strict_end = _strict_name_end(s, k, cues, limit=3)
                # one word alone after a title is a name only when punctuation closes it ("السفير X،")
                if strict_end - k >= 2 or (strict_end > k and (strict_end == n or s.breaks[strict_end])):
                    s.add(_Span(k, strict_end, "person", None, title, "title"))
        i = end
    # Apposition after the name: "عبدالله بن زايد آل نهيان وزير الخارجية والتعاون الدولي"
    for span in list(s.spans):
        if span.kind != "person" or span.role or span.end >= n:
            continue
        k = span.end
        if s.flags[k] & TITLE and s.owner[k] is None:
            end, _ = _title_end(s, k, cues)
            title = s.between(k, end)
            if role_names(title) is not None:
                span.role = title


def _honorific_names(s: _Sentence, cues: _Cues) -> None:
    n = len(s.norms)
    for i in range(n):
        if s.owner[i] is not None or not s.flags[i] & HONORIFIC:
            continue
        k = _skip_honorifics(s, i + 1, cues)
        if k < n and s.owner[k] is None and not s.breaks[k]:
            end = _strict_name_end(s, k, cues, limit=3)
            if end > k:
                s.add(_Span(k, end, "person", cue="honorific"))


def _given_name_end(s: _Sentence, i: int, cues: _Cues, strict: bool) -> int:
    """End of a name that starts with a given name: "محمد زيدان", "محمد حسني مبارك", "حمد بن فيصل آل ثاني".

    A third word is taken only after a second given name or a particle (بن، آل، أبو), or when it is a family
    name with the article ("محمد البرادعي"): "محمد زيدان المحترف" stops after "زيدان".
    """
    n = len(s.norms)
    end = i + 1
    family_taken = False
    while end < n and end - i < 6 and not s.breaks[end] and _name_like(s, end, cues, strict=strict):
        word = s.norms[end]
        previous = s.norms[end - 1]
        definite = bool(_DEFINITE.match(word)) and word not in cues.particles
        if definite and not word.startswith("ال"):
            break  # "للصحفيين", "بالمنطقة": a preposition, not a family name
        if end - i >= 2:
            chained = previous in cues.particles or _given_name(s, end - 1, cues) is not None
            after_particle = any(s.norms[k] in cues.particles for k in range(i + 1, end))
            family = definite and (word.endswith("ي") or (after_particle and not family_taken))
            if not (chained or family or word in cues.particles):
                break
            if previous not in cues.particles and _given_name(s, end, cues) is None:
                if definite and not family:
                    break  # "أنجلينا جولي المركز": after two names, only a family name with the article
                if word.startswith(_VERB_PREFIX):
                    break  # "مدحت صالح يغني"
        elif definite and strict and not word.endswith("ي"):
            break  # after an ambiguous name only a nisba-like family name: "حسن البنا" is missed, "حسن النية" too
        family_taken = family_taken or definite
        end += 1
    while end > i + 1 and s.norms[end - 1] in cues.particles:
        end -= 1
    return end


_VERB_PREFIX = ("ي", "ت", "ن")
_FUTURE_PREFIX = ("سي", "ست", "سن")
_PREPOSITIONS_WITH_YA = frozenset({"على", "إلى", "الى", "حتى", "لدى", "سوى", "متى", "ألى"})


def _strict_name_end(s: _Sentence, k: int, cues: _Cues, limit: int = 2) -> int:
    """End of an unknown name introduced by a noun ("العداء المغربي ربيع دكانة"): words without the article."""
    if _given_name(s, k, cues) in ("given", "ambiguous"):
        # the noun, title or honorific before it is the evidence: "الدكتور فارس السقاف" takes its family name
        return _given_name_end(s, k, cues, strict=False)
    n = len(s.norms)
    end = k
    while end < n and end - k < limit and (end == k or not s.breaks[end]) and _name_like(s, end, cues):
        word = s.norms[end]
        definite = bool(_DEFINITE.match(word)) and word not in cues.particles
        if definite and (end == k or not word.endswith("ي")):
            break
        raw = s.raw(end)
        if raw.endswith(("ه", "ها", "هم")) and len(raw) > 3 and _given_name(s, end, cues) is None:
            break  # a pronoun suffix: "حضوره", "بلادها"
        if word.startswith(_VERB_PREFIX) and _given_name(s, end, cues) is None and end == k:
            break  # most likely a verb ("الجانب الأمريكي يرى")
        if word.startswith(_FUTURE_PREFIX) and len(word) > 4 and _given_name(s, end, cues) is None:
            break  # a verb in the future: "سيشارك", "ستعقد"
        end += 1
    while end > k and s.norms[end - 1] in cues.particles:
        end -= 1
    return end


def _introduced_names(s: _Sentence, cues: _Cues) -> None:
    """Names after a person noun or a nationality: "اللاعب المغربي X", "الروسي X Y", "زوجة X"."""
    n = len(s.norms)
    i = 0
    while i < n:
        if s.owner[i] is not None or not s.flags[i] & PERSON_NOUN:
            i += 1
            continue
        k = i + 1
        while k < n and not s.breaks[k] and s.owner[k] is None and s.flags[k] & (PERSON_NOUN | NATIONALITY):
            k += 1
        if k < n and not s.breaks[k] and s.owner[k] is None:
            end = _strict_name_end(s, k, cues)
            if end > k:
                s.add(_Span(k, end, "person", cue="noun"))
                i = end
                continue
        i = k


def _cued_names(s: _Sentence, cues: _Cues) -> None:
    """Unknown names after a verb of saying, closed by punctuation or a function word:
    "قال سولانا إن ...", "وأضاف الحريري:" (not "قال مصدر", "قال متمردون")."""
    n = len(s.norms)
    for i in range(n - 1):
        if not s.flags[i] & SPEECH_VERB:
            continue
        if s.owner[i] is not None or s.owner[i + 1] is not None or s.breaks[i + 1]:
            continue
        k = i + 1
        first = s.norms[k]
        if s.flags[k] & SPEECH_STOP:
            continue
        if first.endswith("ا") and len(first) > 3:
            continue  # an adverb: "قال قائلا", "أضاف مؤكدا"
        end = _strict_name_end(s, k, cues, limit=3)
        if end == k and first.startswith("ال") and first.endswith("ي"):
            end = k + 1 if _name_like(s, k, cues) else k  # "قال الحريري"
        closed = end == n or (end < n and (s.breaks[end] or bool(s.flags[end] & STOP)))
        if end > k and closed:
            s.add(_Span(k, end, "person", cue="speech"))


def _given_names(s: _Sentence, cues: _Cues) -> None:
    n = len(s.norms)
    i = 0
    while i < n:
        kind = _given_name(s, i, cues) if s.owner[i] is None else None
        if kind is None:
            i += 1
            continue
        if kind == "weak":  # "علي عبدالله صالح" yes, "علي سبيل المثال" no
            nxt = i + 1 < len(s.norms) and not s.breaks[i + 1] and s.owner[i + 1] is None
            if not (
                nxt and (_given_name(s, i + 1, cues) in ("given", "ambiguous") or s.norms[i + 1] in cues.particles)
            ):
                i += 1
                continue
        end = _given_name_end(s, i, cues, strict=kind != "given")
        if end > i + 1 or kind == "given":
            s.add(_Span(i, end, "person", cue="given"))
        i = end


def _head_nouns(s: _Sentence, cues: _Cues) -> None:
    """ "وزارة الخارجية الإسبانية", "حزب العدالة والتنمية" (organisations); "مدينة X" (places)."""
    n = len(s.norms)
    for i in range(n):
        if s.owner[i] is not None:
            continue
        word = s.norms[i]
        if not s.flags[i] & (ORG_HEAD | PLACE_HEAD | PLACE_IN_NAME):
            continue
        if s.flags[i] & ORG_HEAD and _org_head_ok(word, cues):
            # "شركة نوكيا", but "الحزب مستمر" is a sentence: a head with the article takes no bare proper word
            brand = bool(s.flags[i] & BRAND) and not _DEFINITE.match(word)
            k = i + 1
            while k < n and k - i < 5 and not s.breaks[k] and s.owner[k] is None:
                following = s.norms[k]
                definite = following.startswith("ال") or following.startswith("وال")
                # "وزارة الداخلية": a word that ends a person's name ("الداخلية") may be part of an organisation's
                if (s.flags[k] & FUNCTION or (s.flags[k] & STOP and not definite)) or not following.isalpha():
                    break
                if k > i + 1 and not definite:
                    if not (brand and k == i + 2 and _proper_like(following) and s.flags[k] & NAME_OK):
                        break  # "صحيفة ديلي تلغراف" goes on; "حزب العدالة قرر" does not
                    if following.startswith(_VERB_PREFIX) or s.flags[k] & NATIONALITY:
                        break
                if k == i + 1 and not definite and not (brand and _proper_like(following)):
                    break
                k += 1
            if k > i + 1:
                first = i + 1 if s.flags[i] & WRAPPER and not word.startswith("ال") else i
                s.add(_Span(first, k, "organization", cue="head"))
        elif s.flags[i] & (PLACE_HEAD | PLACE_IN_NAME) and i + 1 < n:
            if s.breaks[i + 1] or s.owner[i + 1] is not None or not _name_like(s, i + 1, cues):
                continue
            if _DEFINITE.match(word) and not _member_written(word, cues.place_heads):
                continue  # "المدينة شهرة", "بالمدينة تحرص": "the city" is no head of a name; "العاصمة الرياض" is
            end = i + 2
            if (
                end < n
                and not s.breaks[end]
                and s.owner[end] is None
                and _name_like(s, end, cues, strict=True)
                and not s.norms[end].endswith(_PLURAL_ENDINGS)
            ):
                end += 1  # "سان فرانسيسكو"; not "نهر مهروت مصابتين"
            first = i if s.flags[i] & PLACE_IN_NAME else i + 1
            s.add(_Span(first, end, "place", cue="head"))


_PLURAL_ENDINGS = ("ين", "ون", "ات")


def _member_written(norm: str, words: frozenset[str]) -> bool:
    """Whether a word is one of `words` as written with its article (clitics و ف ب ل ك allowed before it)."""
    return any(r in words for r in surface_readings(norm))


def _org_head_ok(word: str, cues: _Cues) -> bool:
    """An organisation head with the article is a generic reference ("الجماعة الإرهابية") unless listed so."""
    if not _DEFINITE.match(word):
        return True
    return any("ال" + r in cues.org_heads_definite for r in clitic_readings(word))


def _proper_like(word: str) -> bool:
    """A word after "شركة"/"حزب" that is a name rather than an adjective ("دولية", "عربية", "كبرى")."""
    return not word.endswith(("يه", "ي", "ين", "يون", "ات")) and len(word) > 2


def _trim_front(s: _Sentence, i: int, j: int, entry: Entry, cues: _Cues) -> int:
    """Leave a title or a generic head out of a known name when the rest still names the same entry:
    "الملك محمد السادس" → "محمد السادس", "حركة حماس" → "حماس" (the title is kept as a role elsewhere)."""
    k = i
    while k + 1 < j and (s.flags[k] & (HONORIFIC | TITLE | WRAPPER)):
        k += 1
    if k == i:
        return i
    rest = s.between(k, j)
    return k if gazetteer().lookup(rest) == entry else i


NER_BACKENDS = ("rules", "camel")
_CAMEL_KINDS = {"PERS": "person", "ORG": "organization", "LOC": "place"}


def camel_model_path() -> Path | None:
    """Where camel-tools' NER model would be installed (`camel_data -i ner`), if it is there.

    Looked up without importing `camel_tools.data`, whose import creates `~/.camel_tools`.
    """
    root = Path(os.environ["CAMELTOOLS_DATA"]) if os.environ.get("CAMELTOOLS_DATA") else Path.home() / ".camel_tools"
    path = root.expanduser() / "data" / "ner" / "arabert"
    return path if (path / "config.json").is_file() else None


@lru_cache(maxsize=1)
def _camel_recognizer() -> Any:
    path = camel_model_path()
    if path is None:
        raise ConfigError(
            "extract.ner_backend = 'camel' needs camel-tools' NER model: run `camel_data -i ner` "
            "(or set CAMELTOOLS_DATA), or use ner_backend = 'rules'"
        )
    from camel_tools.ner import NERecognizer  # the data is there: importing camel_tools.data is harmless now

    return NERecognizer(str(path), use_gpu=False)


def _camel_spans(s: _Sentence) -> None:
    """camel-tools' BERT NER on the sentence's words: its spans fill what the rules left unlabelled."""
    if not s.norms:
        return
    labels = _camel_recognizer().predict_sentence(list(s.raws))
    start, kind = 0, None
    for i, label in enumerate([*labels, "O"]):
        prefix, _, cls = label.partition("-")
        if kind is not None and not (prefix == "I" and _CAMEL_KINDS.get(cls) == kind):
            s.add(_Span(start, i, kind, cue="camel"))
            kind = None
        if prefix == "B" or (prefix == "I" and kind is None):
            start, kind = i, _CAMEL_KINDS.get(cls)


def _teams(s: _Sentence, cues: _Cues) -> None:
    """Sports teams: "فريق برشلونة", "نادي الوداد", "منتخب نيجيريا", "المنتخب المغربي", "فريق المغرب التطواني";
    a city or country named after the head is the team, not the place."""
    n = len(s.norms)
    for i in range(n - 1):
        if not s.flags[i] & TEAM or s.owner[i] is not None or s.breaks[i + 1]:
            continue
        k = i + 1
        first = i if s.flags[i] & TEAM_IN_NAME else k
        span = s.span_at(k)
        if span is not None and span.kind == "place":
            end = span.end
            if end < n and not s.breaks[end] and s.owner[end] is None and _NISBA.match(s.norms[end]):
                end += 0 if s.flags[end] & NATIONALITY else 1  # "المغرب التطواني", not "أندرلخت البلجيكي"
            if s.move(span, first, end):
                span.kind, span.key, span.cue = "organization", None, "team"
        elif span is None and s.owner[k] is None:
            if s.flags[i] & TEAM_IN_NAME and s.flags[k] & NATIONALITY:
                s.add(_Span(i, k + 1, "organization", cue="team"))  # "المنتخب المغربي"
            elif not s.flags[k] & NATIONALITY and not _DEFINITE.match(s.norms[k]):
                end = _strict_name_end(s, k, cues, limit=3)
                if end > k:
                    s.add(_Span(first, end, "organization", cue="team"))


def _credits(s: _Sentence, cues: _Cues) -> None:
    """An agency credit in parentheses: "(الفرنسية)" is AFP, "(رويترز - أرشيف)" Reuters."""
    n = len(s.norms)
    for i in range(n):
        if not s.flags[i] & CREDIT or s.owner[i] is not None or "(" not in s.separators[i]:
            continue
        after = s.separators[i + 1].lstrip() if i + 1 < n else s.text[s.ends[i] :].lstrip()
        if after[:1] in (")", "-", "–", "/"):
            key = cues.agency_credits.get(s.norms[i])
            s.add(_Span(i, i + 1, "organization", key, cue="credit"))


def _join_adjacent_names(s: _Sentence) -> None:
    """An unknown name right before a name that starts with a given name is one name: "الفنان حجاج" +
    "عبد العظيم" → "حجاج عبد العظيم" (each rule found one half)."""
    for span in sorted(s.spans, key=lambda sp: sp.start):
        if span.kind != "person" or span.key or span.end >= len(s.norms) or s.breaks[span.end]:
            continue
        following = s.span_at(span.end)
        if following is None or following.kind != "person" or following.key or following.cue != "given":
            continue
        if following.end - span.start > 4:
            continue
        for k in range(following.start, following.end):
            s.owner[k] = None
        following.kind = ""
        s.move(span, span.start, following.end)


def _state_bodies(s: _Sentence, cues: _Cues) -> None:
    """ "الحكومة اللبنانية", "والشرطة البريطانية": a state body named by its country's adjective."""
    for i in range(len(s.norms) - 1):
        if s.owner[i] is not None or s.owner[i + 1] is not None or s.breaks[i + 1]:
            continue
        if s.flags[i] & STATE_HEAD and s.flags[i + 1] & NATIONALITY:
            s.add(_Span(i, i + 2, "organization", cue="state"))


# A sentence's name rules, in order, each run only when the sentence holds one of its cue flags. Titles run twice:
# for the persons the gazetteer found, then for those the name rules found.
_RULES: tuple[tuple[int, Callable[[_Sentence, _Cues], None]], ...] = (
    (TEAM, _teams),
    (CREDIT, _credits),
    (TITLE, _titles),
    (HONORIFIC, _honorific_names),
    (_ANY_GIVEN, _given_names),
    (PERSON_NOUN, _introduced_names),
    (SPEECH_VERB, _cued_names),
    (TITLE, _titles),
    (ORG_HEAD | PLACE_HEAD | PLACE_IN_NAME, _head_nouns),
    (STATE_HEAD, _state_bodies),
)


def find_mentions(article: Article, sentences: Sequence[Sentence], backend: str = "rules") -> tuple[Mention, ...]:
    """Persons, organisations and places named in the article (offsets are in each sentence's text).

    Sentence by sentence: gazetteer names, titles, honorifics, given names, person nouns, head nouns; then,
    over the whole article, a surname written alone after the full name was found ("فيلتمان" after "جيفري
    فيلتمان") is the same person.
    """
    if backend not in NER_BACKENDS:
        raise ConfigError(f"unknown extract.ner_backend {backend!r}; choose one of {', '.join(NER_BACKENDS)}")
    gaz = gazetteer()
    cues = _cues()
    read: list[_Sentence] = []
    for sentence in sentences:
        s = _read(sentence.text)
        starts = compress(count(), map(and_, s.flags, repeat(GAZETTEER_START))) if s.mask & GAZETTEER_START else ()
        for i, j, entry in gaz.find_words(s.norms, starts):
            if not any(s.breaks[k] for k in range(i + 1, j)) or entry.kind != "person":
                i = _trim_front(s, i, j, entry, cues)
                s.add(_Span(i, j, _KIND_OF_ENTRY[entry.kind], entry.key))
        mask = s.mask
        for cue_flags, rule in _RULES:
            if mask & cue_flags:
                rule(s, cues)
        if mask & _ANY_GIVEN and len(s.spans) > 1:
            _join_adjacent_names(s)
        if backend == "camel":
            _camel_spans(s)
        read.append(s)
    _surnames_alone(read, cues)
    mentions: list[Mention] = []
    for sentence, s in zip(sentences, read, strict=True):
        for span in sorted(s.spans, key=lambda sp: sp.start):
            if not span.kind:
                continue  # joined to the span before it
            start, end = s.starts[span.start], s.ends[span.end - 1]
            if span.kind == "person" and span.key is None and _conjunction_before_name(s.raw(span.start), cues):
                start += 1  # "ومحمد العنزي" is "و" + the name
            mentions.append(
                Mention(
                    text=sentence.text[start:end],
                    kind=span.kind,
                    article_id=article.id,
                    sentence=sentence.index,
                    start=start,
                    end=end,
                    key=span.key,
                    role=span.role,
                    cue=span.cue,
                )
            )
    return tuple(mentions)


def _conjunction_before_name(raw: str, cues: _Cues) -> bool:
    """Whether a name's first word as written is و/ف glued to a given name ("وصدام", "فمحمد"), not a name that
    starts with و ("وليد", "وائل")."""
    if raw[:1] not in "وف" or len(raw) < 4:
        return False
    word = normalize(raw)
    if word in cues.given or word in cues.given_ambiguous or word in cues.given_weak:
        return False
    rest = word[1:]
    return rest in cues.given or rest in cues.given_ambiguous or rest in cues.given_weak


def _surnames_alone(read: list[_Sentence], cues: _Cues) -> None:
    surnames: dict[str, str | None] = {}
    for s in read:
        for span in s.spans:
            if span.kind != "person" or span.end - span.start < 2:
                continue
            last = s.norms[span.end - 1]
            distinctive = len(last) >= 3 and last not in cues.particles and last not in cues.stops
            if distinctive and _given_name(s, span.end - 1, cues) is None:
                surnames.setdefault(last, span.key)
    if not surnames:
        return
    written = {form for name in surnames for form in _clitic_forms(name)}  # every way a surname can be written
    for s in read:
        if written.isdisjoint(s.norms):
            continue
        for i, norm in enumerate(s.norms):
            if norm not in written or s.owner[i] is not None:
                continue
            reading = next((r for r in surface_readings(norm) if r in surnames), None)
            if reading is not None:
                s.add(_Span(i, i + 1, "person", surnames[reading], cue="surname"))


def _clitic_forms(name: str) -> list[str]:
    """A word with the clitics `surface_readings` takes off: "بوريطه" → "وبوريطه", "لبوريطه"...; "الحريري" →
    "للحريري"."""
    forms = [name]
    if name.startswith("ال"):
        forms.append("لل" + name[2:])
    forms += [p + f for f in list(forms) for p in "بلك"]
    forms += [c + f for f in list(forms) for c in "وف"]
    return forms


def find_dates(article: Article, sentences: Sequence[Sentence]) -> tuple[DateMention, ...]:
    """Dates written in the article, relative ones resolved against its publication date."""
    found: list[DateMention] = []
    for sentence in sentences:
        dates = date_finder.find_dates(sentence.text, article.published)
        for at, d in enumerate(dates):
            following = dates[at + 1] if at + 1 < len(dates) else None
            if d.relative and following and not following.relative and following.start - d.end <= 3:
                continue  # "يوم الخميس 15 يونيو": the written date says which Thursday
            found.append(
                DateMention(
                    text=d.text,
                    value=d.value,
                    article_id=article.id,
                    sentence=sentence.index,
                    relative=d.relative,
                    precision=d.precision,
                    start=d.start,
                    end=d.end,
                )
            )
    return tuple(found)


# ---------------------------------------------------------------------------------------------------------------
# Per story


@dataclass
class _Group:
    key: str
    kind: str
    entry: Entry | None
    surfaces: Counter[str] = field(default_factory=Counter)
    articles: dict[str, None] = field(default_factory=dict)
    roles: list[str] = field(default_factory=list)
    mentions: int = 0
    cued: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))  # cue → articles

    def absorb(self, other: _Group) -> None:
        self.surfaces.update(other.surfaces)
        self.articles.update(other.articles)
        self.roles.extend(other.roles)
        self.mentions += other.mentions
        for cue, articles in other.cued.items():
            self.cued[cue] |= articles


def _groups(analyses: Sequence[Analysis]) -> list[_Group]:
    gaz = gazetteer()
    groups: dict[str, _Group] = {}
    for analysis in analyses:
        for m in analysis.mentions:
            if m.kind not in ("person", "organization"):
                continue
            key = m.key or f"{m.kind}~{' '.join(name_key(m.text))}"
            group = groups.get(key)
            if group is None:
                entry = gaz.get(m.key) if m.key else None
                group = groups[key] = _Group(key, m.kind, entry)
            group.surfaces[m.text] += 1
            group.articles[m.article_id] = None
            group.mentions += 1
            group.cued[m.cue or ""].add(m.article_id)
            if m.role:
                group.roles.append(m.role)
    _join_surnames(groups)
    return list(groups.values())


def _join_surnames(groups: dict[str, _Group]) -> None:
    """A name written alone ("لاندبيرغ") joins the one full name of the story that ends with it; unknown full
    names with the same first and last words ("خالد سحلوب", "خالد محمد عبد الرؤوف سحلوب") are one person."""
    by_ends: dict[tuple[str, str], str] = {}
    for key, group in sorted(groups.items(), key=lambda kv: -max(len(name_key(n)) for n in kv[1].surfaces)):
        if group.kind != "person" or group.entry is not None:
            continue
        tokens = max((name_key(n) for n in group.surfaces), key=len)
        if len(tokens) < 2:
            continue
        owner = by_ends.setdefault((tokens[0], tokens[-1]), key)
        if owner != key:
            groups[owner].absorb(group)
            del groups[key]
    ends: dict[str, list[str]] = defaultdict(list)
    for key, group in groups.items():
        if group.kind != "person":
            continue
        names = [group.entry.names["ar"], *group.entry.variants] if group.entry else list(group.surfaces)
        for name in names:
            tokens = name_key(name)
            if len(tokens) > 1:
                ends[tokens[-1]].append(key)
    starts: dict[str, set[str]] = defaultdict(set)
    for key, group in groups.items():
        if group.kind == "person" and group.entry is None:
            for name in group.surfaces:
                tokens = name_key(name)
                if len(tokens) > 1:
                    starts[tokens[0]].add(key)
    for key, group in list(groups.items()):
        if group.entry is not None or group.kind != "person":
            continue
        tokens = name_key(next(iter(group.surfaces)))
        if len(tokens) != 1:
            continue
        owners = sorted(set(ends.get(tokens[0], ())) - {key})
        if not owners:  # a first name alone joins the one unknown full name that starts with it
            owners = sorted(starts.get(tokens[0], set()) - {key})
        if len(owners) == 1:
            groups[owners[0]].absorb(group)
            del groups[key]


def _role(group: _Group) -> dict[str, str | None]:
    country = group.entry.country if group.entry else None
    feminine = group.entry.gender == "f" if group.entry and group.entry.gender else None
    votes: Counter[str] = Counter()
    found: dict[str, dict[str, str]] = {}
    for written in group.roles:
        names = role_names(written, country=country, feminine=feminine)
        if names:
            votes[names["en"]] += 1
            found.setdefault(names["en"], names)
    if votes:
        best = max(votes.items(), key=lambda kv: (kv[1], len(kv[0])))[0]
        chosen: dict[str, str] | None = found[best]
        default = group.entry.role if group.entry else None
        # The gazetteer's title wins over a bare generic one written in the text ("الوزير").
        if default and chosen and len(chosen["en"].split()) < 3 and default["en"].endswith(chosen["en"]):
            chosen = default
    else:
        chosen = group.entry.role if group.entry else None
    return dict(chosen) if chosen else {"ar": None, "en": None, "es": None}


def _actor(group: _Group) -> Actor:
    variants = tuple(name for name, _ in group.surfaces.most_common())
    if group.entry is not None:
        return Actor(
            name=dict(group.entry.names),
            kind=group.kind,
            role=_role(group),
            variants=variants,
            articles=tuple(group.articles),
            mentions=group.mentions,
            key=group.entry.key,
        )
    # The most written full name (a surname alone is not a display name), the fullest on a tie.
    arabic_name = max(variants, key=lambda n: (len(name_key(n)) > 1, group.surfaces[n], len(name_key(n)), n))
    latin = romanize(arabic_name)
    return Actor(
        name={"ar": arabic_name, "en": latin, "es": latin},
        kind=group.kind,
        role=_role(group),
        variants=variants,
        articles=tuple(group.articles),
        mentions=group.mentions,
        key=None,
        romanized=True,
    )


def _salience(actor: Actor, options: ExtractOptions) -> float:
    score = actor.mentions + options.spread_weight * len(actor.articles)
    if actor.role.get("en"):
        score += options.role_weight
    if actor.kind == "organization":
        score *= options.organization_weight
    if actor.romanized:
        score *= options.unknown_weight
    return score


# A word of an unknown name that is one of these cue words is a common word ("شؤون", "تم", "وزارة").
_COMMON_WORD = (
    STOP | TITLE | TITLE_WORD | EVENT | ORG_HEAD | PLACE_HEAD | PLACE_IN_NAME | HONORIFIC | SPEECH_STOP | PERSON_NOUN
)
_COMMON_WORD |= SPEECH_VERB | STATE_HEAD | WRAPPER | NATIONALITY
_STRONG_CUES = ("title", "honorific", "noun")  # a title, an honorific or a noun like "اللاعب" framed the name


def _definite_vocabulary(analyses: Sequence[Analysis]) -> frozenset[str]:
    """Words the story's articles write with the article ال ("الظروف" → "ظروف"): common nouns and adjectives,
    which a name written without ال is not."""
    norms: set[str] = set()
    for analysis in analyses:
        for sentence in analysis.sentences:
            norms.update(_sentence_words(sentence.text).norms)
    return frozenset(chain.from_iterable(map(_WITHOUT_ARTICLE.__getitem__, norms)))


def _without_article(norm: str) -> tuple[str, ...]:
    """The readings of a word that carry the article, without it ("بالظروف" → "ظروف")."""
    return tuple(r[2:] for r in _readings(norm) if r.startswith("ال") and len(r) > 3)


_WITHOUT_ARTICLE = PerWord(_without_article)


def _plausible_person(group: _Group, name: str, definite: Callable[[], frozenset[str]]) -> bool:
    """Whether an unknown person's name looks like a name: every word may be part of a name (not a cue word,
    not a common noun the story writes with ال (`definite()`), not a verb or a noun with a pronoun suffix) and
    the name has evidence: it starts with a known given name, or a title, honorific or person noun framed it,
    or it was read as a name in two articles."""
    words = read_words(name)
    if not words.norms:
        return False
    flags = [_word_info(raw, norm) for norm, raw in zip(words.norms, words.raws, strict=True)]
    for word, raw, f in zip(words.norms, words.raws, flags, strict=True):
        if f & _ANY_GIVEN or f & PARTICLE:
            continue
        if f & _COMMON_WORD or not word.isalpha():
            return False
        if not word.startswith("ال") and not definite().isdisjoint(_readings(word)):
            return False  # "بحث" where the story writes "البحث", "ظروف" / "الظروف"
        if raw.endswith(("ها", "هم", "هما")) and len(raw) > 4:
            return False  # a pronoun suffix: "وقادها"
    if flags[0] & GIVEN or (flags[0] & GIVEN_WEAK and len(flags) > 1 and flags[1] & (GIVEN | GIVEN_AMBIGUOUS)):
        return True
    if flags[0] & GIVEN_AMBIGUOUS and len(flags) > 1 and _NISBA.match(words.norms[1]):
        return True  # "حسن البرغوثي"; but "سلمي سيتطلب" (peaceful ... will require) needs more
    if group.roles or any(group.cued.get(cue) for cue in _STRONG_CUES):
        return True
    # read as a name (not only because it starts like a given name) in two articles
    named = set().union(*(articles for cue, articles in group.cued.items() if cue and cue != "given"))
    return len(named) >= 2


_NISBA = re.compile(r"^ال\w{2,}ي$")  # a family name like "البرغوثي", "الجعفري"


def _actors(analyses: Sequence[Analysis], options: ExtractOptions) -> tuple[Actor, ...]:
    groups = _groups(analyses)

    @cache
    def definite() -> frozenset[str]:  # read only for a story that has a name to check against it
        return _definite_vocabulary(analyses)

    actors = []
    for group in groups:
        actor = _actor(group)
        if actor.kind == "person" and actor.romanized and not _plausible_person(group, actor.name["ar"], definite):
            continue
        actors.append(actor)
    actors = [a for a in actors if a.mentions >= options.min_mentions or a.role.get("en")]
    actors.sort(key=lambda a: (-_salience(a, options), a.name.get("en") or "", a.name["ar"]))
    return tuple(actors[: options.max_actors])


# Venue and event date ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _SentenceCues:
    """Where a sentence's words end, and which of them are event nouns, venue cues and date cues."""

    norms: list[str]
    ends: list[int]
    events: frozenset[int]
    venue: frozenset[int]
    when: frozenset[int]

    def index_at(self, offset: int) -> int:
        """The index of the word that holds (or follows) character `offset`."""
        return bisect_right(self.ends, offset)


@lru_cache(maxsize=8192)
def _sentence_words(text: str) -> Words:
    """`read_words` of a sentence, remembered for the story's other passes (venue, date, vocabulary)."""
    return read_words(text)


@lru_cache(maxsize=4096)
def _sentence_cues(text: str) -> _SentenceCues:
    """A sentence's words and where its event nouns, venue cues and date cues are (cached: a sentence that
    names several places or dates is read once)."""
    words = _sentence_words(text)
    norms, ends = words.norms, words.ends
    flags = list(map(_CUE_FLAGS.__getitem__, norms))
    if not reduce(or_, set(flags), 0) & (EVENT | VENUE_CUE | DATE_CUE):  # most sentences: none of the cues
        return _SentenceCues(norms, ends, frozenset(), frozenset(), frozenset())
    events, venue, when = (frozenset(compress(count(), map(and_, flags, repeat(flag)))) for flag in _WHERE_WHEN)
    return _SentenceCues(norms, ends, events, venue, when)


_WHERE_WHEN = (EVENT, VENUE_CUE, DATE_CUE)


def _venue(analyses: Sequence[Analysis], options: ExtractOptions) -> tuple[Venue | None, dict[tuple[str, int], int]]:
    """The venue, and where it is named (article id, sentence) → token index."""
    gaz = gazetteer()
    scores: defaultdict[str, float] = defaultdict(float)
    named: dict[tuple[str, int], int] = {}
    for analysis in analyses:
        texts = {s.index: s.text for s in analysis.sentences}
        per_article: defaultdict[str, float] = defaultdict(float)
        for m in analysis.mentions:
            if m.kind != "place" or not m.key or m.sentence not in texts:
                continue
            words = _sentence_cues(texts[m.sentence])
            i = words.index_at(m.start)
            score = 0.0
            near = range(max(0, i - options.cue_window), i)
            if any(k in words.venue for k in near):
                score += 2.0
            if any(k in words.events for k in range(max(0, i - 2), i)):
                score += 1.5  # "اجتماع مراكش", "لقاء مراكش"
            written = normalize(m.text)
            preposition = written.startswith(("ب", "وب")) or (i > 0 and words.norms[i - 1] == "في")
            if preposition and words.events:
                score += 1.0
            if score and m.key.startswith("place:"):
                score *= options.city_weight
            if score:
                per_article[m.key] += score
                named[(analysis.article.id, m.sentence)] = i
        for key, score in per_article.items():
            scores[key] += min(score, options.venue_article_cap)
    if not scores:
        return None, named
    best, best_score = max(scores.items(), key=lambda kv: (kv[1], kv[0]))
    entry = gaz.get(best)
    if entry.kind == "country":  # a city of that country named as the venue nearly as often wins
        cities = [(k, v) for k, v in scores.items() if k.startswith("place:") and gaz.get(k).country == entry.country]
        if cities:
            city, score = max(cities, key=lambda kv: kv[1])
            if score >= 0.5 * best_score:
                entry = gaz.get(city)
    country_code = entry.country
    country = gaz.country_names(country_code) if country_code else None
    if entry.kind == "country":
        country = dict(entry.names)
    if country is None:
        return None, named
    return Venue(name=dict(entry.names), country=country), {
        k: v for k, v in named.items() if k in _venue_sentences(analyses, entry.key)
    }


def _venue_sentences(analyses: Sequence[Analysis], key: str) -> set[tuple[str, int]]:
    return {(a.article.id, m.sentence) for a in analyses for m in a.mentions if m.key == key}


def _event_date(
    analyses: Sequence[Analysis], venue_at: dict[tuple[str, int], int], options: ExtractOptions
) -> date | None:
    votes: defaultdict[date, float] = defaultdict(float)
    for analysis in analyses:
        published = analysis.article.published.date() if analysis.article.published else None
        texts = {s.index: s.text for s in analysis.sentences}
        per_article: defaultdict[date, float] = defaultdict(float)
        for d in analysis.dates:
            if d.precision != "day" or d.sentence not in texts:
                continue
            words = _sentence_cues(texts[d.sentence])
            i = words.index_at(d.start)
            score = 0.0
            if any(k in words.when for k in range(max(0, i - options.cue_window), i)):
                score += 1.5
            if words.events:
                score += 1.0
            if (analysis.article.id, d.sentence) in venue_at:
                score += 1.5
            if score and published is not None and d.value == published and d.relative:
                score *= options.same_day_weight  # "اليوم" mostly dates the report, not the event
            if score:
                per_article[d.value] += score
        for value, score in per_article.items():
            votes[value] += min(score, options.venue_article_cap)
    if not votes:
        return None
    return max(votes.items(), key=lambda kv: (kv[1], kv[0]))[0]


def extract(analyses: Sequence[Analysis], options: ExtractOptions) -> StoryFacts:
    """The story's consolidated actors, its venue and its event date."""
    venue, venue_at = _venue(analyses, options)
    return StoryFacts(
        actors=_actors(analyses, options),
        venue=venue,
        event_date=_event_date(analyses, venue_at, options),
    )
