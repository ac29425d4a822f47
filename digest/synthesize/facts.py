"""Stage 4, synthesize: a story's key actors, venue and event date (`extract`), from its articles' mentions and
dates (found per article in stage 2, `digest.analyze.mentions`).

Per story: `extract(analyses, options) -> StoryFacts`:
1. actors: mentions of persons and organisations merged across articles (gazetteer key, else the name's
   normalised form; a surname alone joins the full name that ends with it), counted, given a role (the title
   most written next to them, in ar/en/es from the role lexicon, else the gazetteer's), canonical names (else a
   romanisation, marked), ranked by salience (mentions, spread across articles, role); an unknown person is an
   actor only when the name looks like one (`_plausible_person`: no cue or common word, no noun the story writes
   with ال, and a given name, a title/honorific/noun cue, or a name cue in two articles); a news medium or
   platform (`gazetteer/media.txt`, or an unknown "صحيفة ..."/"قناة ...") named only as the source or channel
   of reports, all its mentions but one after "قال"/"بحسب"/a clitic "ل"/"على", is not an actor;
2. venue: the place each article's event sentences (its lead, `_event_sentences`) tie to the event: after a venue
   cue ("تحتضنه مدينة مراكش", "الذي ينعقد في مراكش"), completing an event noun ("اجتماع مراكش") or after "in/at"
   ("في مراكش", "بمراكش"), not in what a speaker reports ("قال ... إن الوضع في سوريا"), not after "about"
   ("بشأن سوريا"), not a capital standing for its government ("أكدت موسكو"); voted by outlet (one site's pages
   are one voice), given only when enough outlets agree and no other country comes close (`_agreed_place`), a
   city preferred to its country;
3. event date: the day-precise date the event sentences write (near a dated article's publication, or after a
   date cue), not in what a speaker reports, voted by outlet and given only when most outlets that write a day
   write that one; publication dates count only when the text itself names them.

Speed: each sentence is read once for venue, date and vocabulary (`_sentence_words`), and only the cue flags those
need (`cues.CUE_FLAGS`); the words' flags are those of the name finder (`digest.analyze.cues`).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from functools import cache, lru_cache, reduce
from itertools import chain, compress, count, repeat
from operator import and_, or_

from digest.analyze.cues import (
    ANY_GIVEN,
    CUE_FLAGS,
    DATE_CUE,
    EVENT,
    GIVEN,
    GIVEN_AMBIGUOUS,
    GIVEN_WEAK,
    HONORIFIC,
    NATIONALITY,
    NISBA,
    ORG_HEAD,
    PARTICLE,
    PARTICLES_AS_WRITTEN,
    PERSON_NOUN,
    PLACE_HEAD,
    PLACE_IN_NAME,
    SPEECH_STOP,
    SPEECH_VERB,
    STATE_HEAD,
    STOP,
    TITLE,
    TITLE_WORD,
    VENUE_CUE,
    WRAPPER,
    cue_lists,
    word_info,
    word_readings,
)
from digest.document import Actor, Analysis, Mention, Sentence, SummarySentence, Venue
from digest.lang.arabic import content_tokens, normalize
from digest.lang.gazetteer import (
    Entry,
    Words,
    bare,
    clitic_readings,
    gazetteer,
    institution_names,
    name_key,
    read_words,
    role_names,
    surface_key,
)
from digest.lang.romanizer import romanize_name
from digest.options import ExtractOptions
from digest.resources import read_lines
from digest.runtime.memo import PerWord
from digest.synthesize.summary import site_of


@dataclass(frozen=True)
class StoryFacts:
    """What `extract` finds for one story."""

    actors: tuple[Actor, ...] = ()
    venue: Venue | None = None
    event_date: date | None = None


# Actors ---------------------------------------------------------------------------------------------------------


@dataclass
class _Group:
    key: str
    kind: str
    entry: Entry | None
    surfaces: Counter[str] = field(default_factory=Counter)
    articles: dict[str, None] = field(default_factory=dict)
    roles: list[str] = field(default_factory=list)
    mentions: int = 0
    weight: float = 0.0  # mentions, those in the sentences the summary uses counting more (salience)
    cued: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))  # cue → articles
    attributed: int = 0  # mentions as the source or channel of a report ("قالت رويترز", "على تويتر")

    def absorb(self, other: _Group) -> None:
        self.surfaces.update(other.surfaces)
        self.attributed += other.attributed
        self.articles.update(other.articles)
        self.roles.extend(other.roles)
        self.mentions += other.mentions
        self.weight += other.weight
        for cue, articles in other.cued.items():
            self.cued[cue] |= articles


def _groups(analyses: Sequence[Analysis], context: _Context) -> list[_Group]:
    """The story's persons and organisations, one group per entity; mentions in the day's site furniture (a
    sidebar or widget repeated across stories) are left out, those in the summary's sentences weigh more."""
    gaz = gazetteer()
    groups: dict[str, _Group] = {}
    for analysis in analyses:
        sentences = {s.index: s for s in analysis.sentences}
        for m in analysis.mentions:
            if m.kind not in ("person", "organization"):
                continue
            sentence = sentences.get(m.sentence)
            if sentence is not None and sentence.tokens and sentence.tokens in context.furniture:
                continue
            key = m.key or f"{m.kind}~{' '.join(name_key(m.text))}"
            group = groups.get(key)
            if group is None:
                entry = gaz.get(m.key) if m.key else None
                group = groups[key] = _Group(key, m.kind, entry)
            group.surfaces[m.text] += 1
            group.articles[m.article_id] = None
            group.mentions += 1
            group.weight += 1.0 + (context.summary_weight if context.in_summary(sentence) else 0.0)
            group.cued[m.cue or ""].add(m.article_id)
            if sentence is not None and _ATTRIBUTION.search(sentence.text, max(0, m.start - 40), m.start):
                group.attributed += 1
            if m.role:
                group.roles.append(m.role)
    _join_clitic_variants(groups)
    _join_surnames(groups)
    _join_spellings(groups)
    _join_pieces(groups)
    return list(groups.values())


# What stands before a name that is the source or the channel of a report, not an actor in it: a speech verb
# (with a medium's head noun between: "ذكرت وكالة"), "according to", a clitic "to" ("لرويترز", "told Reuters"),
# "on/via (his account on)" a platform.
_SOURCE_VERBS = (
    "قال|قالت|ذكر|ذكرت|أفاد|أفادت|افاد|افادت|نقل|نقلت|أورد|أوردت|اورد|اوردت|كشف|كشفت|نشر|نشرت|بث|بثت|أضاف|أضافت"
    "|اضاف|اضافت|تابع|تابعت|أوضح|أوضحت|اوضح|اوضحت|بحسب|حسب|وفق|وفقا|وفقاً|طبقا|طبقاً|نقلا عن|نقلاً عن|عن"
)
_MEDIUM = (
    "وكالة|وكالة أنباء|صحيفة|جريدة|مجلة|قناة|موقع|شبكة|تلفزيون|إذاعة|اذاعة|راديو"
    "|حساب[هاي]?|صفحت[هاي]|منصة|تطبيق|تغريدة|تدوينة"
)
_ATTRIBUTION = re.compile(
    rf"(?:(?<!\w)[وف]?(?:{_SOURCE_VERBS})\s+(?:ل|ال)?(?:(?:{_MEDIUM})\s+)?(?:ل|ال)?"
    rf"|(?<!\w)(?:على|عبر|في)\s+(?:(?:{_MEDIUM})\s+)?(?:(?:على|في)\s+)?"
    rf"|(?<!\w)[وف]?(?:مراسل|مراسلة|مراسلو|مراسلي|موفد|موفدة)\s+(?:ل|ال)?"
    rf"|(?<![^\W\d_])[وف]?لـ?(?:ل|وكالة\s+|صحيفة\s+|قناة\s+)?"
    rf"|\("
    rf")[\"'“”«»]?\s*\Z"
)
# Head nouns of a medium's name. A known medium's name loses its head ("قناة الجزيرة" → "الجزيرة") to match the
# bare form; an unknown organisation is a medium only by the narrower starts, since "وكالة" also heads an
# agency ("وكالة الطاقة الذرية"), "موقع" a site and "شبكة" a network of people.
_MEDIA_HEAD_WORDS = ("وكالة", "قناة", "صحيفة", "جريدة", "مجلة", "موقع", "شبكة", "تلفزيون", "إذاعة")
_MEDIA_NAME_STARTS = ("وكالة أنباء", "وكالة الأنباء", "صحيفة", "جريدة", "مجلة", "قناة", "تلفزيون", "التلفزيون", "إذاعة")


@lru_cache(maxsize=1)
def _media() -> tuple[frozenset[str], frozenset[tuple[str, ...]]]:
    """The media keys of the gazetteer, and their names without a head noun ("قناة الجزيرة" → "الجزيرة"), which
    the name finder reads as an unknown organisation."""
    keys = frozenset(read_lines("gazetteer/media.txt"))
    gaz = gazetteer()
    bare = set()
    for key in keys:
        entry = gaz.get(key)
        for name in (entry.names.get("ar", ""), *entry.variants):
            words = name_key(name)
            bare.add(words[1:] if len(words) > 1 and name.startswith(_MEDIA_HEAD_WORDS) else words)
    return keys, frozenset(bare)


def _only_a_source(group: _Group) -> bool:
    """A news medium or platform named only as where reports come from (all its mentions but one): not an actor."""
    if group.kind != "organization" or group.mentions - group.attributed > 1:
        return False
    keys, bare = _media()
    if group.entry is not None:
        return group.key in keys
    name = group.surfaces.most_common(1)[0][0]
    return name.startswith(_MEDIA_NAME_STARTS) or name_key(name) in bare


@dataclass(frozen=True)
class _Context:
    """What the story's other parts say about its sentences: the summary's (their content tokens) and the day's
    site furniture (`digest.synthesize.summary.site_furniture` keys)."""

    summary: tuple[frozenset[str], ...] = ()
    furniture: frozenset[tuple[str, ...]] = frozenset()
    summary_weight: float = 1.0

    def in_summary(self, sentence: Sentence | None) -> bool:
        """Whether the summary uses the sentence (its text may have lost a dateline: its tokens are a subset)."""
        if sentence is None or not self.summary or not sentence.tokens:
            return False
        tokens = frozenset(sentence.tokens)
        return any(len(used) >= 3 and used <= tokens for used in self.summary)


def _join_clitic_variants(groups: dict[str, _Group]) -> None:
    """Unknown names written with and without a clitic on their first word are one: "لكارديل" joins "كارديل",
    "فالحكومة التركية" joins "الحكومة التركية" (the form without the clitic must be written in the story)."""
    owners: dict[tuple[str, tuple[str, ...]], str] = {}
    for key, group in groups.items():
        if group.entry is None:
            for name in group.surfaces:
                owners.setdefault((group.kind, name_key(name)), key)
    for key in sorted(groups, key=lambda k: (-len(k), k)):  # "وبالحكومة" before "بالحكومة", which may join too
        group = groups[key]
        tokens = name_key(next(iter(group.surfaces))) if group.entry is None else ()
        for reading in clitic_readings(tokens[0])[1:] if tokens else ():
            owner = owners.get((group.kind, (reading, *tokens[1:])))
            if len(reading) >= 3 and owner is not None and owner != key and owner in groups:
                groups[owner].absorb(group)
                del groups[key]
                break


def _skeleton(word: str) -> str:
    """A word's consonants, letters a foreign name is written with either way folded together ("شويغو" and
    "شويجو", "بوتين" and "بوتن" have the same)."""
    folded = word.translate(_SPELLING_FOLD)
    return folded[:1] + "".join(c for c in folded[1:] if c not in _LONG_VOWELS)


_SPELLING_FOLD = str.maketrans({"غ": "ج", "ق": "ج", "ط": "ت", "ص": "س", "ض": "د", "ظ": "ز", "ذ": "ز", "ى": "ي"})
_LONG_VOWELS = frozenset("اويءئؤأإآ")


def _same_spelling(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    """Whether two names of two words or more are spellings of one name: word by word the same letters (a
    foreign "g" is written غ, ج or ق), or the same consonants unless both are short given names ("حسن" and
    "حسين" are two names; "فلاديمير" and "فلاديمر", "سيرغي" and "سيرجي" one)."""
    if len(a) != len(b) or len(a) < 2 or a == b:
        return False
    for x, y in zip(a, b, strict=True):
        if x.translate(_SPELLING_FOLD) == y.translate(_SPELLING_FOLD):
            continue  # the same letters but one
        skeleton = _skeleton(x)
        if skeleton != _skeleton(y) or len(skeleton) < 2:
            return False
        if len(skeleton) <= 4 and word_info(x, x) & ANY_GIVEN and word_info(y, y) & ANY_GIVEN:
            return False  # Arabic given names that differ by a long vowel are two names ("محمد", "محمود")
    return True


def _join_spellings(groups: dict[str, _Group]) -> None:
    """An unknown person written another way than a person of the story ("سيرجي شويجو" beside "سيرغي شويغو",
    "فلاديمر بوتن" beside the gazetteer's "فلاديمير بوتين") joins that one, when only one can be meant; a known
    person owns, else the one more mentioned."""
    names: dict[str, list[tuple[str, ...]]] = {}
    for key, group in groups.items():
        if group.kind == "person":
            written = [group.entry.names["ar"], *group.entry.variants] if group.entry else list(group.surfaces)
            names[key] = [name_key(n) for n in written]
    order = sorted(names, key=lambda k: (groups[k].entry is None, -groups[k].mentions, k))
    for key in reversed(order):
        group = groups[key]
        if group.entry is not None:
            continue
        owners = [
            other
            for other in order
            if other != key and other in groups and any(_same_spelling(a, b) for a in names[key] for b in names[other])
        ]
        known = [other for other in owners if groups[other].entry is not None]
        owners = known or owners
        if len(owners) == 1:
            groups[owners[0]].absorb(group)
            del groups[key]


def _pieces_key(group: _Group) -> tuple[str, ...]:
    """The words of a group's longest name, without a clitic on its first word ("لحرس" → "حرس")."""
    names = [group.entry.names["ar"]] if group.entry else list(group.surfaces)
    tokens = max((name_key(n) for n in names), key=len)
    if tokens and len(tokens[0]) > 3 and tokens[0][0] in "وفبلك":
        tokens = (tokens[0][1:], *tokens[1:])
    return tokens


def _join_pieces(groups: dict[str, _Group]) -> None:
    """An actor listed once: an unknown name that is the start of a longer name of the same kind in the story
    ("حرس الحدود" of "حرس الحدود العراقية") joins it, when only one is meant or one is written at least twice as
    often as the others; one that holds a known name whole ("الرئيس جو بايدن" read as one unknown name beside "جو
    بايدن") joins it, and when it holds two, the one it starts with ("محمد بن سلمان بن عبد العزيز" is Mohammed
    bin Salman, whose father's name follows). Clitic variants were joined before (`_join_clitic_variants`)."""
    keys = {key: _pieces_key(group) for key, group in groups.items()}
    for key in sorted(groups, key=lambda k: (len(keys[k]), k)):
        group = groups[key]
        tokens = keys[key]
        if group.entry is not None or not tokens:
            continue
        longer, known = [], []
        for other in groups:
            other_tokens = keys[other]
            if other == key or groups[other].kind != group.kind:
                continue
            if groups[other].entry is None and len(other_tokens) > len(tokens):
                if other_tokens[: len(tokens)] == tokens:
                    longer.append(other)
            elif groups[other].entry is not None and _holds(tokens, other_tokens):
                known.append(other)
        if known:
            starting = [other for other in known if tokens[: len(keys[other])] == keys[other]]
            chosen = known[0] if len(known) == 1 else starting[0] if len(starting) == 1 else None
            chosen = None if longer else chosen
        else:
            chosen = _dominant(groups, sorted(longer))
        if chosen is not None:
            groups[chosen].absorb(group)
            del groups[key]


def _holds(tokens: tuple[str, ...], inner: tuple[str, ...]) -> bool:
    """Whether `inner` (two words or more) is a run of `tokens`."""
    n = len(inner)
    return n >= 2 and any(tokens[i : i + n] == inner for i in range(len(tokens) - n + 1))


def _join_surnames(groups: dict[str, _Group]) -> None:
    """A name written alone ("لاندبيرغ"), or the end of a name ("بن سلمان"), joins the full name of the story that
    ends with it; unknown full names with the same first and last words ("خالد سحلوب", "خالد محمد عبد الرؤوف
    سحلوب") are one person. When several full names end with it, the one written at least twice as often as
    the others owns it; an end that starts with a given name is a name of its own ("حافظ الأسد" is not a piece
    of "بشار حافظ الأسد")."""
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
    ends: dict[tuple[str, ...], set[str]] = defaultdict(set)
    for key, group in groups.items():
        if group.kind != "person":
            continue
        names = [group.entry.names["ar"], *group.entry.variants] if group.entry else list(group.surfaces)
        for name in names:
            tokens = name_key(name)
            for start in range(1, len(tokens)):
                ends[tokens[start:]].add(key)
    starts: dict[str, set[str]] = defaultdict(set)  # first word → the persons whose full name starts with it
    for key, group in groups.items():
        if group.kind == "person":
            for name in [group.entry.names["ar"]] if group.entry else group.surfaces:
                tokens = name_key(name)
                if len(tokens) > 1:
                    starts[tokens[0]].add(key)
    pieces = [
        (key, name_key(next(iter(group.surfaces))))
        for key, group in groups.items()
        if group.entry is None and group.kind == "person"
    ]
    for key, tokens in sorted(pieces, key=lambda kt: (-len(kt[1]), kt[0])):
        if not tokens or (len(tokens) > 1 and word_info(tokens[0], tokens[0]) & ANY_GIVEN):
            continue
        owners = [other for other in ends.get(tokens, ()) if other != key and other in groups]
        if not owners and len(tokens) == 1:  # a first name alone joins the one full name that starts with it
            owners = [other for other in starts.get(tokens[0], ()) if other != key and other in groups]
            owners = owners if len(owners) == 1 else []
        chosen = _dominant(groups, owners)
        if chosen is not None:
            groups[chosen].absorb(groups.pop(key))
            for other_keys in ends.values():
                other_keys.discard(key)


def _dominant(groups: dict[str, _Group], owners: Sequence[str]) -> str | None:
    """The one of `owners`, or the one of them written at least twice as often as any other."""
    if len(owners) <= 1:
        return owners[0] if owners else None
    ranked = sorted(owners, key=lambda k: (-groups[k].mentions, k))
    return ranked[0] if groups[ranked[0]].mentions >= 2 * groups[ranked[1]].mentions else None


def _role(group: _Group, held: dict[str, set[str]] | None = None) -> dict[str, str | None]:
    """The person's role: the title most written next to them, else the gazetteer's. `held`: the roles (English)
    the gazetteer gives to the story's known persons → their keys; such an office is theirs, not another's ("the
    Lebanese President" next to Hariri's name is Aoun's when the story names Aoun)."""
    country = group.entry.country if group.entry else None
    feminine = group.entry.gender == "f" if group.entry and group.entry.gender else None
    default = group.entry.role if group.entry else None
    votes: Counter[str] = Counter()
    found: dict[str, dict[str, str]] = {}
    # A bare title ("الأمير", "الرئيس") says less than the person's well-known role, and less than a full title
    # written for them, even one the lexicon does not hold: "الرئيس الحريري" is how the press honours a former
    # head of government, and "الرئيس" beside "رئيس إقليم كردستان" is the region's president.
    specific = any(len(w.split()) > 1 for w in group.roles)
    for written in group.roles:
        if (default is not None or specific) and len(written.split()) == 1:
            continue
        names = role_names(written, country=country, feminine=feminine)
        if names and not (held or {}).get(names["en"], {group.key}) <= {group.key}:
            continue
        if names:
            votes[names["en"]] += 1
            found.setdefault(names["en"], names)
    chosen: dict[str, str] | None = default
    if votes:
        # The title most written wins (a title written once loses against the person's other reports); a
        # well-known role of the gazetteer stays unless the text writes another one at least twice.
        best, n = max(votes.items(), key=lambda kv: (kv[1], len(kv[0])))
        if default is None or n >= 2 or default["en"] == best:
            chosen = found[best]
        # The gazetteer's title wins over a bare generic one written in the text ("الوزير").
        if default and chosen and len(chosen["en"].split()) < 3 and default["en"].endswith(chosen["en"]):
            chosen = default
    return dict(chosen) if chosen else {"ar": None, "en": None, "es": None}


def _held_roles(groups: Sequence[_Group]) -> dict[str, set[str]]:
    """The roles (English) the gazetteer gives to the known persons of a story → their keys."""
    held: dict[str, set[str]] = defaultdict(set)
    for group in groups:
        if group.kind == "person" and group.entry is not None and group.entry.role:
            held[group.entry.role["en"]].add(group.key)
    return held


def _actor(group: _Group, held: dict[str, set[str]] | None = None) -> Actor:
    variants = tuple(name for name, _ in group.surfaces.most_common())
    if group.entry is not None:
        return Actor(
            name=dict(group.entry.names),
            kind=group.kind,
            role=_role(group, held),
            variants=variants,
            articles=tuple(group.articles),
            mentions=group.mentions,
            key=group.entry.key,
        )
    # The most written full name (a surname alone is not a display name), the fullest on a tie; an organisation's
    # fullest name ("حرس الحدود العراقية", of which "حرس الحدود" is a piece).
    if group.kind == "organization":
        firsts = {name_key(n)[0] for n in variants if name_key(n)}

        def clitic_free(name: str) -> bool:  # "حرس الحدود" rather than "لحرس الحدود" when both are written
            first = name_key(name)[0] if name_key(name) else ""
            return not any(reading in firsts for reading in clitic_readings(first)[1:]) if first else True

        fullest = max(variants, key=lambda n: (len(name_key(n)), clitic_free(n), group.surfaces[n], n))
        arabic_name = _without_clitic(fullest)
    else:
        arabic_name = max(variants, key=lambda n: (len(name_key(n)) > 1, group.surfaces[n], len(name_key(n)), n))
    return Actor(  # the Latin spelling is filled in by `_romanized`, for the actors that can be shown
        name={"ar": arabic_name, "en": arabic_name, "es": arabic_name},
        kind=group.kind,
        role=_role(group, held),
        variants=variants,
        articles=tuple(group.articles),
        mentions=group.mentions,
        key=None,
        romanized=True,
    )


def _without_clitic(name: str) -> str:
    """An organisation's name without a preposition or conjunction glued to its head noun ("لوزارة الداخلية" →
    "وزارة الداخلية"), when only that form was written."""
    first, _, rest = name.partition(" ")
    heads = cue_lists().org_heads
    for clitic, article in (("لل", "ال"), ("ول", ""), ("وب", ""), ("ل", ""), ("ب", ""), ("و", ""), ("ف", "")):
        head = article + first[len(clitic) :]
        written, unglued = bare(normalize(first)), bare(normalize(head))
        if first.startswith(clitic) and len(head) > 3 and written not in heads and unglued in heads:
            return f"{head} {rest}".strip()
    return name


def _generic(name: str) -> bool:
    """An organisation named only by a head noun and a nisba, both without the article ("حزب سياسي", "جامعة
    تركية"): a description of some organisation, not a name."""
    words = name.split()
    return (
        len(words) == 2
        and not any(w.startswith("ال") for w in words)
        and bare(normalize(words[0])) in cue_lists().org_heads
        and normalize(words[1]).endswith(("ي", "يه"))
    )


def _romanized(actors: Sequence[Actor]) -> list[Actor]:
    """The actors with the Latin spelling of every name the gazetteer does not know; a state institution named by
    its head and its country ("وزارة الدفاع الروسية") is named in each language, not spelled out ("Russian
    Ministry of Defence", not "Wazara Al-Daffa Al-Rousaye")."""
    out = []
    for actor in actors:
        described = institution_names(actor.name["ar"]) if actor.romanized and actor.kind == "organization" else None
        if described is not None:
            actor = replace(actor, name=described, romanized=False)
        elif actor.romanized:
            latin, sure = romanize_name(actor.name["ar"])
            actor = replace(actor, name={"ar": actor.name["ar"], "en": latin, "es": latin}, romanized_sure=sure)
        out.append(actor)
    return out


def _salience(actor: Actor, options: ExtractOptions, weight: float | None = None) -> float:
    """How much the story is about the actor: its (weighted) mentions, the articles that name it, its role."""
    score = (actor.mentions if weight is None else weight) + options.spread_weight * len(actor.articles)
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
_PLURAL_VERB = re.compile(r"^[وف]?ي\w{3,}(ون|ان)$")  # an imperfect verb in the plural or dual
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
    return tuple(r[2:] for r in word_readings(norm) if r.startswith("ال") and len(r) > 3)


_WITHOUT_ARTICLE = PerWord(_without_article)


def _plausible_person(group: _Group, name: str, definite: Callable[[], frozenset[str]]) -> bool:
    """Whether an unknown person's name looks like a name: every word may be part of a name (not a cue word,
    not a common noun the story writes with ال (`definite()`), not a verb or a noun with a pronoun suffix) and
    the name has evidence: it starts with a known given name, or a title, honorific or person noun framed it,
    or it was read as a name in two articles. A given name alone ("محمد") is not a name a desk could identify."""
    words = read_words(name)
    if not words.norms or any(mark in name for mark in ":;؛,،()[]"):
        return False  # "سليمان : نقدر": a name and the start of a quote
    if len(words.norms) == 1 and _PLURAL_VERB.match(words.norms[0]):
        return False  # "ينافسون" (they compete)
    flags = [word_info(raw, norm) for norm, raw in zip(words.norms, words.raws, strict=True)]
    for word, raw, f in zip(words.norms, words.raws, flags, strict=True):
        if f & ANY_GIVEN or f & PARTICLE:
            continue
        if f & _COMMON_WORD or not word.isalpha():
            return False
        if not word.startswith("ال") and not definite().isdisjoint(word_readings(word)):
            return False  # "بحث" where the story writes "البحث", "ظروف" / "الظروف"
        if raw.endswith(("ها", "هم", "هما")) and len(raw) > 4:
            return False  # a pronoun suffix: "وقادها"
    if len(flags) == 1 and (flags[0] & ANY_GIVEN or words.raws[0] in PARTICLES_AS_WRITTEN):
        return False  # "محمد" alone: nobody a desk could identify; "على" (on) is no one
    if flags[0] & GIVEN or (flags[0] & GIVEN_WEAK and len(flags) > 1 and flags[1] & (GIVEN | GIVEN_AMBIGUOUS)):
        return True
    if flags[0] & GIVEN_AMBIGUOUS and len(flags) > 1 and NISBA.match(words.norms[1]):
        return True  # "حسن البرغوثي"; but "سلمي سيتطلب" (peaceful ... will require) needs more
    if group.roles or any(group.cued.get(cue) for cue in _STRONG_CUES):
        return True
    # read as a name (not only because it starts like a given name) in two articles
    named = set().union(*(articles for cue, articles in group.cued.items() if cue and cue != "given"))
    return len(named) >= 2


def _actors(analyses: Sequence[Analysis], options: ExtractOptions, context: _Context) -> tuple[Actor, ...]:
    if options.max_actors <= 0:
        return ()
    groups = _groups(analyses, context)

    @cache
    def definite() -> frozenset[str]:  # read only for a story that has a name to check against it
        return _definite_vocabulary(analyses)

    held = _held_roles(groups)
    scored: list[tuple[float, Actor]] = []
    for group in groups:
        if _only_a_source(group):
            continue
        actor = _actor(group, held)
        if actor.kind == "organization" and actor.romanized and _generic(actor.name["ar"]):
            continue
        if actor.kind == "person" and actor.romanized and not _plausible_person(group, actor.name["ar"], definite):
            continue
        if actor.mentions >= options.min_mentions or actor.role.get("en"):
            scored.append((_salience(actor, options, group.weight), actor))
    if len(scored) > options.max_actors:  # only those that can be among the first (ties go by name) need Latin
        floor = sorted((score for score, _ in scored), reverse=True)[options.max_actors - 1]
        scored = [(score, a) for score, a in scored if score >= floor]
    ranked = sorted(
        zip([score for score, _ in scored], _romanized([a for _, a in scored]), strict=True),
        key=lambda pair: (-pair[0], pair[1].name.get("en") or "", pair[1].name["ar"]),
    )
    return tuple(a for _, a in ranked[: options.max_actors])


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
    flags = list(map(CUE_FLAGS.__getitem__, norms))
    if not reduce(or_, set(flags), 0) & (EVENT | VENUE_CUE | DATE_CUE):  # most sentences: none of the cues
        return _SentenceCues(norms, ends, frozenset(), frozenset(), frozenset())
    events, venue, when = (frozenset(compress(count(), map(and_, flags, repeat(flag)))) for flag in _WHERE_WHEN)
    return _SentenceCues(norms, ends, events, venue, when)


_WHERE_WHEN = (EVENT, VENUE_CUE, DATE_CUE)


def _event_sentences(analysis: Analysis, options: ExtractOptions) -> frozenset[int]:
    """The sentences of an article that tell its event: its lead, the first `event_lead_sentences` sentences of
    `lead_min_words` words or more (the shorter lines at a page's top are menus, captions and bylines). Places
    and dates further down are background, another event, or what the event was about."""
    lead: list[int] = []
    for sentence in analysis.sentences:
        if len(lead) >= options.event_lead_sentences:
            break
        if len(_sentence_words(sentence.text).norms) >= options.lead_min_words:
            lead.append(sentence.index)
    return frozenset(lead)


@lru_cache(maxsize=4096)
def _reported_from(text: str) -> int:
    """The index of the first word of what a speech verb reports ("قال لافروف أمس إن ..." → the word after "إن";
    "قال أردوغان في مؤتمر صحفي: \"...\"" → the first word quoted), or the sentence's length when it reports
    nothing: a place or a date in it is what was said, not where or when it was said ("أكد أن الوضع في
    سوريا ...")."""
    cues = cue_lists()
    words = _sentence_words(text)
    for k, norm in enumerate(words.norms):
        if norm in cues.speech_verbs:
            quoted = _QUOTE.search(text, words.ends[k])
            said = next(
                (j + 1 for j in range(k + 1, len(words.norms)) if words.norms[j] in cues.complementizers),
                len(words.norms),
            )
            return min(said, bisect_right(words.ends, quoted.start()) if quoted else len(words.norms))
    return len(words.norms)


_QUOTE = re.compile(r"[\"«“:]")


@lru_cache(maxsize=4096)
def _written_forms(key: str) -> frozenset[tuple[str, ...]]:
    """The ways the gazetteer writes a place, as matching keys ("بغداد", "بروكسل": a ب that is the name's)."""
    entry = gazetteer().get(key)
    return frozenset(surface_key(name) for name in (entry.names["ar"], *entry.variants))


def _after_preposition(words: _SentenceCues, i: int, written: str, key: str) -> bool:
    """Whether the place at word `i` (written `written`) is the object of "in/at": "بمراكش" (a ب that is not
    the name's own first letter, as in "بغداد"), "في مراكش", "في مدينة مراكش", "بمدينة مراكش"; not in a title
    ("السفير الأمريكي في ليبيا")."""
    norms = words.norms
    tokens = surface_key(written)
    first = tokens[0] if tokens else ""
    first = first[1:] if first[:1] in "وف" and len(first) > 3 else first  # "وبغداد" is "and Baghdad"
    if first.startswith("ب") and (first, *tokens[1:]) not in _written_forms(key):
        return True
    j = i - 1
    if j >= 0 and CUE_FLAGS[norms[j]] & PLACE_HEAD:
        if norms[j].startswith(("ب", "وب")):
            return True
        j -= 1
    if j < 0 or norms[j] not in _IN:
        return False
    return not any(word_info(norms[k], norms[k]) & TITLE for k in range(max(0, j - 2), j))


_IN = frozenset({"في", "وفي", "ففي"})


def _venue_tie(
    words: _SentenceCues, i: int, written: str, key: str, text: str, names: frozenset[int], options: ExtractOptions
) -> float:
    """How strongly an event sentence ties the place at word `i` to the event: a venue cue before it ("ينعقد في
    مراكش", "تحتضنه مدينة مراكش"), an event noun it completes ("اجتماع مراكش"), or "in/at" ("في مراكش",
    "بمراكش"; a country only after an event noun, "هجوم في سوريا": "fighters in Syria", "a settlement in
    Syria" is what the story is about). Only a venue cue counts inside what a speaker reports, and none
    across "about" ("مؤتمر بشأن سوريا"); a place with none of them (a dateline, a capital standing for its
    government: "أكدت موسكو", "بغداد: ...") is not the venue. `names`: the words of the sentence's persons and
    organisations; a cue word in or before one is the name's head ("تنظيم داعش"), not a venue cue."""
    topics = cue_lists().topic_prepositions
    before = range(max(0, i - options.cue_window), i)
    about = next((k for k in reversed(before) if words.norms[k] in topics), -1)
    score = 0.0
    if any(about < k and k not in names and k + 1 not in names for k in before if k in words.venue):
        score += 2.0
    if i >= _reported_from(text) or about >= i - 2:
        return score
    if i - 1 in words.events or (i - 2 in words.events and CUE_FLAGS[words.norms[i - 1]] & PLACE_HEAD):
        score += 1.5
    if _after_preposition(words, i, written, key):
        near_event = any(k in words.events for k in range(max(0, i - 3), i))
        score += 1.0 if near_event or not key.startswith("country:") else 0.0
    return score


def _name_words(words: _SentenceCues, mentions: Sequence[Mention]) -> frozenset[int]:
    """The indices of the words the mentions cover in their sentence."""
    return frozenset(
        k for m in mentions for k in range(words.index_at(m.start), words.index_at(max(m.start, m.end - 1)) + 1)
    )


def _site(analysis: Analysis) -> str:
    """The outlet an article stands for in a vote: its site, else itself. Pages of one site repeat one
    another (a caption, a dateline, a template): they are one voice."""
    return site_of(analysis.article) or analysis.article.id


def _venue(analyses: Sequence[Analysis], options: ExtractOptions) -> tuple[Venue | None, dict[tuple[str, int], int]]:
    """The venue, and where it is named (article id, sentence) → token index.

    Each outlet votes (its articles' evidence capped at `venue_article_cap`) for the places its event
    sentences tie to the event (`_venue_tie`). The country with the most votes is the venue's when at least
    `venue_min_articles` outlets name a place of it so and no other country comes within `venue_margin` of
    it; then its city when `venue_min_articles` outlets name that city and no other city of the country comes
    within the margin and, weighed by `city_weight`, it is named more strongly than the country; else the
    country itself. No venue is better than a wrong one."""
    gaz = gazetteer()
    per_site: defaultdict[str, defaultdict[str, float]] = defaultdict(lambda: defaultdict(float))
    named: dict[tuple[str, int], int] = {}
    for analysis in analyses:
        texts = {s.index: s.text for s in analysis.sentences}
        lead = _event_sentences(analysis, options)
        votes = per_site[_site(analysis)]
        actors: defaultdict[int, list[Mention]] = defaultdict(list)
        for m in analysis.mentions:
            if m.kind != "place":
                actors[m.sentence].append(m)
        for m in analysis.mentions:
            if m.kind != "place" or not m.key or m.sentence not in lead or gaz.get(m.key).country is None:
                continue  # a region ("Africa", "the Middle East") holds a venue, it is not one
            text = texts[m.sentence]
            words = _sentence_cues(text)
            i = words.index_at(m.start)
            names = _name_words(words, actors.get(m.sentence, ()))
            score = _venue_tie(words, i, m.text, m.key, text, names, options)
            if score:
                votes[m.key] += score
                named[(analysis.article.id, m.sentence)] = i
    scores: defaultdict[str, float] = defaultdict(float)
    outlets: defaultdict[str, set[str]] = defaultdict(set)
    for site, votes in per_site.items():
        for key, score in votes.items():
            scores[key] += min(score, options.venue_article_cap)
            outlets[key].add(site)
    needed = max(options.venue_min_articles, options.min_outlet_share * len(per_site))
    entry = _agreed_place(scores, outlets, needed, options)
    if entry is None or entry.country is None:
        return None, named
    country = dict(entry.names) if entry.kind == "country" else gaz.country_names(entry.country)
    if country is None:
        return None, named
    return Venue(name=dict(entry.names), country=country), {
        k: v for k, v in named.items() if k in _venue_sentences(analyses, entry.key)
    }


def _agreed_place(
    scores: dict[str, float], outlets: dict[str, set[str]], needed: float, options: ExtractOptions
) -> Entry | None:
    """The place the outlets agree on (see `_venue`), or None when the evidence is weak or split."""
    gaz = gazetteer()
    by_country: defaultdict[str, list[str]] = defaultdict(list)
    for key in scores:
        by_country[gaz.get(key).country or ""].append(key)
    totals = {c: sum(scores[k] for k in keys) for c, keys in by_country.items()}
    if not totals:
        return None
    ranked = sorted(totals.items(), key=lambda kv: (-kv[1], kv[0]))
    country, best = ranked[0]
    if len(ranked) > 1 and best < options.venue_margin * ranked[1][1]:
        return None  # split between countries
    if len(set().union(*(outlets[k] for k in by_country[country]))) < needed:
        return None  # one outlet's word
    cities = sorted(
        ((scores[k], k) for k in by_country[country] if gaz.get(k).kind != "country"), key=lambda sk: (-sk[0], sk[1])
    )
    itself = scores.get(f"country:{country}", 0.0)
    if cities and len(outlets[cities[0][1]]) >= needed:
        city_score, city = cities[0]
        alone = len(cities) == 1 or city_score >= options.venue_margin * cities[1][0]
        if alone and options.city_weight * city_score > itself:
            return gaz.get(city)
    try:
        return gaz.get(f"country:{country}")
    except KeyError:
        return None


def _venue_sentences(analyses: Sequence[Analysis], key: str) -> set[tuple[str, int]]:
    return {(a.article.id, m.sentence) for a in analyses for m in a.mentions if m.key == key}


def _event_date(
    analyses: Sequence[Analysis], venue_at: dict[tuple[str, int], int], options: ExtractOptions
) -> date | None:
    """The day the outlets' event sentences give the event, when `event_min_articles` outlets give it and more
    than `event_min_share` of the outlets whose event sentences give a day that counts give that one (else the
    story's days are split: several events). A day counts near a dated article's publication, or after a date
    cue ("يوم", "المقرر") on an undated page (a bare date by its title is the page's own date or a widget: the
    crawl day's "الأحد 21 يناير 2018" on many sites), not inside what a speaker reports (a later meeting he
    announces); a day that does not count is no evidence for or against another."""
    votes: defaultdict[date, float] = defaultdict(float)
    per_site: defaultdict[str, defaultdict[date, float]] = defaultdict(lambda: defaultdict(float))
    written: defaultdict[str, set[date]] = defaultdict(set)
    for analysis in analyses:
        published = analysis.article.published.date() if analysis.article.published else None
        texts = {s.index: s.text for s in analysis.sentences}
        lead = _event_sentences(analysis, options)
        site = _site(analysis)
        per_article = per_site[site]
        for d in analysis.dates:
            if d.precision != "day" or d.sentence not in lead:
                continue
            if published is not None and not _near_publication(d.value, published, options):
                continue  # an anniversary, a background date, a page's old archive: not this report's event
            text = texts[d.sentence]
            words = _sentence_cues(text)
            i = words.index_at(d.start)
            cued = any(k in words.when for k in range(max(0, i - options.cue_window), i))
            if i >= _reported_from(text) or (published is None and not cued):
                continue  # not evidence of the event's day, and so no evidence against another day either
            written[site].add(d.value)
            score = 1.0 + (1.5 if cued else 0.0)
            if words.events:
                score += 1.0
            if (analysis.article.id, d.sentence) in venue_at:
                score += 1.5
            if published is not None and d.value == published and d.relative:
                score *= options.same_day_weight  # "اليوم" mostly dates the report, not the event
            per_article[d.value] += score
    supporters: Counter[date] = Counter()
    for per_article in per_site.values():
        for value, score in per_article.items():
            votes[value] += min(score, options.venue_article_cap)
            supporters[value] += 1
    agreed = {
        value: score
        for value, score in votes.items()
        if supporters[value] >= options.event_min_articles
        and sum(value in days for days in written.values()) > options.event_min_share * len(written)
    }
    if not agreed:
        return None
    return max(agreed.items(), key=lambda kv: (kv[1], kv[0]))[0]


def _near_publication(value: date, published: date, options: ExtractOptions) -> bool:
    """Whether an event on `value` can be what an article published on `published` reports: a few days before
    it (what happened), or weeks after (what is announced)."""
    days = (value - published).days
    return -options.event_max_days_before <= days <= options.event_max_days_after


def extract(
    analyses: Sequence[Analysis],
    options: ExtractOptions,
    summary: Sequence[SummarySentence] = (),
    furniture: frozenset[tuple[str, ...]] = frozenset(),
) -> StoryFacts:
    """The story's consolidated actors, its venue and its event date. `summary`: the story's summary sentences
    (the actors they name weigh more); `furniture`: the day's site furniture (`summary.site_furniture` keys), whose
    names are not the story's."""
    venue, venue_at = _venue(analyses, options)
    used = tuple(frozenset(content_tokens(s.text)) for s in summary)
    context = _Context(used, furniture, options.summary_actor_weight)
    return StoryFacts(
        actors=_actors(analyses, options, context),
        venue=venue,
        event_date=_event_date(analyses, venue_at, options),
    )
