"""Stage 2, analyze: the Arabic cue words of names, titles and events, and what each written word can be.

Each distinct written word is read once (`word_info`): one bit per cue list it is in (title heads, honorifics,
organisation and place heads, event nouns, venue and date cues...), its given-name kind, whether it can be part of
a name. The name finder (`digest.analyze.mentions`, per article) reads sentences through these flags; the story's
actors, venue and event date (`digest.synthesize.facts`, stage 4) read the same flags of the same words.

All cue words are data (`digest/data/extract_ar.json`, `digest/data/gazetteer/given_names.txt`).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from digest.lang.arabic import normalize, stop_words
from digest.lang.gazetteer import bare, clitic_readings, gazetteer, name_key
from digest.resources import read_json, read_lines
from digest.runtime.memo import PerWord


@dataclass(frozen=True, eq=False)
class Cues:
    """The cue word lists, normalised (`extract_ar.json`, whose `_comment` says what each list is for)."""

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
    complementizers: frozenset[str]  # "إن", "أن": what a speech verb reports follows ("قال لافروف إن ...")
    topic_prepositions: frozenset[str]  # "بشأن", "حول": what follows is a topic ("مؤتمر بشأن سوريا")
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
    prepositions_with_ya: frozenset[str] = frozenset()  # as written: "على" is no name, "علي" may be


def _bare_set(words: Sequence[str]) -> frozenset[str]:
    return frozenset(bare(normalize(w)) for w in words) | frozenset(normalize(w) for w in words)


def _exact_set(words: Sequence[str]) -> frozenset[str]:
    """Words that count only as written (with their article): "الإمام" is a title, "أمام" is "in front of"."""
    return frozenset(normalize(w) for w in words)


@lru_cache(maxsize=1)
def cue_lists() -> Cues:
    """The cue word lists, read once per process."""
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
    return Cues(
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
        complementizers=_exact_set(data["complementizers"]),
        topic_prepositions=_exact_set(data["topic_prepositions"]),
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
        prepositions_with_ya=frozenset(data["prepositions_with_ya"]),
    )


_CLITIC_LETTERS = frozenset("وفبلك")  # a word starting with none of them has no clitic reading


@lru_cache(maxsize=300_000)
def word_readings(norm: str) -> tuple[str, ...]:
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


# What a word can be, computed once per distinct word (`word_info`) as bit flags.
TITLE, HONORIFIC, STOP, EVENT, ORG_HEAD, PLACE_HEAD, PLACE_IN_NAME, PERSON_NOUN = (1 << k for k in range(8))
PARTICLE, NAME_OK, STRICT_BAD, VENUE_CUE, DATE_CUE, WRAPPER, BRAND = (1 << k for k in range(8, 15))
TITLE_WORD, SPEECH_STOP, STATE_HEAD, NATIONALITY, SPEECH_VERB = (1 << k for k in range(15, 20))
GIVEN, GIVEN_AMBIGUOUS, GIVEN_WEAK, GAZETTEER_START = (1 << k for k in range(20, 24))
TEAM, TEAM_IN_NAME, CREDIT, FUNCTION, PRONOUN = (1 << k for k in range(24, 29))
ANY_GIVEN = GIVEN | GIVEN_AMBIGUOUS | GIVEN_WEAK
NISBA = re.compile(r"^ال\w{2,}ي$")  # a family name like "البرغوثي", "الجعفري"


@lru_cache(maxsize=1)
def _cue_table() -> dict[str, int]:
    """Every cue word form → the flags of the lists it is in (one dict lookup per reading of a word)."""
    cues = cue_lists()
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


# Particles written with a final alef maksura, which normalising makes a name or another word: "على" (on) is
# "علي" (Ali), "إلى" (to) "الي". Written so, they are the particle: a name read alone elsewhere is not read there.
PARTICLES_AS_WRITTEN = frozenset({"على", "وعلى", "فعلى", "إلى", "الى", "وإلى", "والى", "حتى", "وحتى", "لدى", "ولدى"})


def word_info(raw: str, norm: str) -> int:
    """Bit flags for a word as written (cue lists it belongs to, given-name kind, whether it can be a name)."""
    info = _INFO.get(raw)
    if info is None:
        if len(_INFO) > 300_000:
            _INFO.clear()
        info = _INFO[raw] = _compute_word_info(raw, norm)
    return info


_INFO: dict[str, int] = {}  # raw word → flags; a plain dict is faster than lru_cache on this hot path


def words_info(raws: Sequence[str], norms: Sequence[str]) -> list[int]:
    """`word_info` of each word of a sentence (as written, normalised); `map` over the cache, no loop in Python
    when every word was seen before (this runs on every sentence of every article)."""
    known: list[int | None] = list(map(_INFO.get, raws))
    if None in known:
        return [word_info(raw, norm) if f is None else f for f, raw, norm in zip(known, raws, norms, strict=True)]
    return known  # type: ignore[return-value]  # no None in it


def _compute_cue_flags(norm: str) -> int:
    """The cue lists a normalised word is in, whatever its spelling: the part of `word_info` that the per-story
    passes need (event nouns, venue and date cues)."""
    cues = cue_lists()
    table = _cue_table()
    flags = 0
    for reading in word_readings(norm):
        flags |= table.get(reading, 0)
    # A given name as written is not the cue word a clitic reading makes of it: "كيلي" is not "ك" + "يلي".
    readings = (norm, norm[1:]) if norm[:1] in "وف" and len(norm) > 3 else (norm,)
    if norm not in cues.stops and any(r in cues.given or r in cues.given_ambiguous for r in readings):
        flags &= ~(STOP | EVENT | SPEECH_STOP)
    return flags


CUE_FLAGS = PerWord(_compute_cue_flags)


def _compute_word_info(raw: str, norm: str) -> int:
    cues = cue_lists()
    word_bare = bare(norm)
    flags = CUE_FLAGS[norm]
    if norm in cues.speech_verbs:
        flags |= SPEECH_VERB
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
    if alpha and raw not in cues.prepositions_with_ya:
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
