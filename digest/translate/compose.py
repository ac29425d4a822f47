"""Headlines and key facts composed from what the pipeline extracted, for an edition without a translation model.

Entry points: `compose_headline(story, lang) -> str | None` (the translate stage fills `Story.headline` with it
when no model serves `lang`) and `key_facts(story, lang) -> KeyFacts` (render shows it in every edition).
Nothing here is translated; each piece is already in the edition's language:

1. who    the story's first actors (persons first), canonical names from the gazetteer or romanised from
          attested spellings (a guessed romanisation is left out);
2. what   the settled side of the story's first conflict (the latest report of a superseded one; not
          one the sources still split on, however many give each side, nor a date) whose subject is a name known in the
          edition's language (an actor's canonical or attested spelling, or the claims' own localisation:
          never a guessed romanisation) and whose value reads in it (attendance, representation, a fact
          about a person, who holds a place, a count), as the claims localised it (`claims/values.tsv`); an
          attendance value becomes a verb through a template of the edition (`labels.json` "compose"
          "predicates"), any other is written "subject value";
3. event  the event noun that the Arabic headline or first summary sentence names (`labels.json` ar "compose"
          "events": meeting, summit, talks...), its adjective (ministerial) and the organisation it belongs to
          when that is one of the story's actors ("الاجتماع الوزاري للتحالف الدولي");
4. where  the venue; when: the event date (Babel, long).

A headline is composed only from a claim (2): it says what happened. A story without one gets no composed
headline; the edition shows the Arabic headline, marked "not translated", over the key-facts line. Names and
a place without a verb ("Lavrov and Trump in Syria") read as a headline but say nothing checked, and when one
name is off-story they say something false.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from typing import Any

from babel.dates import format_date

from digest.document import Actor, Conflict, ConflictSide, Story
from digest.lang import arabic
from digest.lang.gazetteer import romanize
from digest.resources import read_json, read_tsv

FACT_ACTORS = 4
FACT_CONFLICTS = 3
NAME_WORDS = 4  # a conflict subject this long or shorter, unknown, is a name to romanise; longer, a phrase


@dataclass(frozen=True)
class KeyFacts:
    """The key-facts line of one edition: who, what, where, when (each "" when unknown)."""

    who: str
    what: tuple[str, ...]  # one item a conflict; an Arabic subject inside it is isolated (FSI ... PDI)
    where: str
    when: str

    def __bool__(self) -> bool:
        return bool(self.who or self.what or self.where or self.when)


def _labels(lang: str) -> dict[str, Any]:
    table: dict[str, dict[str, Any]] = read_json("labels.json")
    return table.get(lang, table["en"])


def _words(lang: str) -> dict[str, Any]:
    compose: dict[str, Any] = _labels(lang).get("compose") or _labels("en")["compose"]
    return compose


def is_arabic(text: str) -> bool:
    """Whether the first letter with a strong direction is right-to-left."""
    for char in text:
        kind = unicodedata.bidirectional(char)
        if kind in ("R", "AL"):
            return True
        if kind == "L":
            return False
    return False


def _name(text: dict[str, str], lang: str) -> str:
    return text.get(lang) or text.get("en") or text.get("ar") or ""


@lru_cache(maxsize=1)
def _values() -> tuple[tuple[str, dict[str, str]], ...]:
    """`claims/values.tsv` (key, names by language), longest names first: how the claims wrote each value."""
    rows = [(row["key"], {lang: row[lang] for lang in ("ar", "en", "es")}) for row in read_tsv("claims/values.tsv")]
    return tuple(sorted(rows, key=lambda row: -max(len(v) for v in row[1].values())))


def _value_key(text: str, lang: str) -> tuple[str | None, str]:
    """The values.tsv key a localised value starts with, and what follows it ("(COVID-19)")."""
    for key, names in _values():
        name = names.get(lang)
        if name and (text == name or text.startswith(name + " ") or text.startswith(name + ",")):
            return key, text[len(name) :].strip(" ,")
    return None, text


def _folded_names(actor: Actor) -> set[str]:
    names = {actor.name.get("ar") or "", *actor.variants}
    return {arabic.fold(n).strip(" \"'“”«»") for n in names if n}


def subject_in(conflict: Conflict, story: Story, lang: str) -> tuple[str, str]:
    """A conflict's subject in `lang` and the language it is shown in.

    A subject the claims left in Arabic is the story actor it names (the same canonical name as in the actors
    list), else, when it is a name (a few words, not a reported phrase), romanised like an unknown actor;
    a reported phrase stays Arabic (the edition marks and isolates it).
    """
    text, shown, _ = _subject(conflict, story, lang)
    return text, shown


def _subject(conflict: Conflict, story: Story, lang: str) -> tuple[str, str, bool]:
    """`subject_in`, and whether the spelling is known rather than guessed (see `_fact_actors`)."""
    text = conflict.subject.get(lang) or ""
    if lang == "ar" or (text and not is_arabic(text)):
        return text, lang, True
    source = conflict.subject.get("ar") or text
    folded = arabic.fold(source).strip()
    for actor in story.actors:
        if folded and folded in _folded_names(actor):
            return _name(actor.name, lang), lang, _spelling_known(actor)
    if conflict.attribute != "report" and 0 < len(source.split()) <= NAME_WORDS:
        latin = romanize(source)
        if latin:
            return latin, lang, False
    return source, "ar", True


def _spelling_known(actor: Actor) -> bool:
    return actor.romanized_sure or not actor.romanized


def _side(conflict: Conflict) -> tuple[ConflictSide, bool]:
    """The side a headline states: the latest, when a later report superseded the others; and whether the
    sources still differ (no side is latest). More sources on one side do not settle a dispute: a rumour told
    by three sites and denied by two is not a fact to headline ("… alive" over a story of his killing)."""
    latest = next((side for side in conflict.claims if side.latest), None)
    if latest is not None:
        return latest, False
    return conflict.claims[0], len(conflict.claims) > 1


def _reference(story: Story) -> date | None:
    published = [a.published for a in story.articles if isinstance(a.published, datetime)]
    return max(published).date() if published else None


def _long_date(value: date, lang: str) -> str:
    return str(format_date(value, format="long", locale=lang))


# --- the event noun ---------------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _event_patterns() -> tuple[tuple[re.Pattern[str], str], ...]:
    compose = _labels("ar")["compose"]
    adjectives = "|".join(pattern for pattern, _ in compose["adjectives"])
    return tuple(
        (
            re.compile(
                rf"(?<!\w)(?:[وفب]?ال|[وف]?لل|[وف]?)(?:{pattern})(?:\s+(?:ال)?(?P<adj>{adjectives})[ه]?)?(?!\w)"
            ),
            key,
        )
        for pattern, key in compose["events"]
    )


def _adjective_key(word: str) -> str | None:
    for pattern, key in _labels("ar")["compose"]["adjectives"]:
        if re.fullmatch(rf"(?:ال)?(?:{pattern})[ه]?", word):
            return str(key)
    return None


def event_of(story: Story, lang: str) -> str:
    """The event the story's Arabic headline (else its first summary sentence) names, in `lang` ("the Global
    Coalition against Daesh ministerial meeting"); "" when it names none."""
    words = _words(lang)
    texts = [story.headline.get("ar") or "", *(s.text for s in story.summary.get("ar", ())[:1])]
    for text in texts:
        folded = arabic.fold(text)
        for pattern, key in _event_patterns():
            match = pattern.search(folded)
            if match is None or key not in words["events"]:
                continue
            article, noun = words["events"][key]
            adjective_key = _adjective_key(match.group("adj") or "") if match.group("adj") else None
            adjective = words["adjectives"].get(adjective_key, "") if adjective_key else ""
            shown = str(words["adjective"]).format(adjective=adjective) if adjective else ""
            org = _organisation_after(story, folded[match.end() :])
            if org is None:
                return str(words["event"]).format(article=article, noun=noun, adjective=shown)
            org_name = _org_phrase(_name(org.name, lang), lang)
            return str(words["event_of"]).format(article=article, noun=noun, adjective=shown, org=org_name)
    return ""


def _organisation_after(story: Story, rest: str) -> Actor | None:
    """The organisation actor named right after an event noun ("للتحالف الدولي", "التحالف الدولي")."""
    head = rest.lstrip(" \"'“”«»")
    for prefix in ("لل", "ل"):
        if head.startswith(prefix):
            head = ("ال" + head[len(prefix) :]) if prefix == "لل" else head[len(prefix) :]
            break
    head = re.sub(r"[\"'“”«»]", "", head)
    for actor in story.actors:
        if actor.kind != "organization":
            continue
        if any(len(name) > 3 and head.startswith(name) for name in _folded_names(actor)):
            return actor
    return None


def _org_phrase(name: str, lang: str) -> str:
    """The organisation as the event template wants it: Spanish takes "de la" or "del" by the first word."""
    words = _words(lang)
    if "org_feminine" not in words:
        return name
    first = name.split()[0] if name.split() else name
    if first.isupper():
        return str(words["org_of_masculine"]).replace("del ", "de ").format(org=name)
    feminine = any(first.lower().endswith(end) for end in words["org_feminine"])
    return str(words["org_of_feminine" if feminine else "org_of_masculine"]).format(org=name)


# --- the headline -----------------------------------------------------------------------------------------


def _claim(story: Story, lang: str, event: str) -> str | None:
    """The headline's "what": the first conflict that reads in `lang` with a known subject, as a sentence; None
    when there is none."""
    reference = _reference(story)
    past = bool(story.event_date and reference and story.event_date < reference)
    for conflict in story.conflicts:
        if conflict.attribute in _NOT_HEADLINES:
            continue
        subject, subject_lang, known = _subject(conflict, story, lang)
        if subject_lang != lang or not subject or not known:
            continue
        side, differ = _side(conflict)
        value = side.value.get(lang) or ""
        if differ or not value or is_arabic(value):
            continue  # sources that still differ are the key facts' "what", not a headline's statement
        return _predicate(conflict, story, subject, value, lang, event, past)
    return None


# A reported phrase (its subject is Arabic), or the date of "the meeting": not what a headline states.
_NOT_HEADLINES = frozenset({"report", "date"})


def _predicate(conflict: Conflict, story: Story, subject: str, value: str, lang: str, event: str, past: bool) -> str:
    words = _words(lang)
    if conflict.attribute == "attendance":
        parts = re.split(r"\s*[;؛]\s*", value)
        key, rest = _value_key(parts[0], lang)
        forms = words["predicates"].get(f"{key}:past") if past else None
        forms = forms or words["predicates"].get(key or "")
        if forms:
            text = str(forms[0] if event else forms[1]).format(who=subject, event=event)
            for contraction, short in words.get("contractions", ()):  # "a el" → "al", never inside "contra el"
                text = re.sub(rf"(?<!\w){re.escape(contraction)}", short, text)
            text = _place_and_date(text, story, lang, with_event=bool(event))
            note = rest.strip("() ")
            if note:
                text = str(words["note"]).format(text=text, note=note)
            for part in parts[1:]:
                agent_key, agent = _value_key(part, lang)
                more = str(words["stands_in"]).format(who=agent) if agent_key == "represented_by" and agent else part
                text = str(words["also"]).format(text=text, more=more)
            return text
    if conflict.attribute == "representation":
        delegation = _values_name("delegation", lang)
        template = "leads" if delegation and delegation.lower() in subject.lower() else "represents"
        return _place_and_date(str(words[template]).format(agent=value, subject=subject), story, lang)
    person = any(_name(a.name, lang) == subject and a.kind == "person" for a in story.actors)
    template = words["person_value"] if person else words["subject_value"]
    return str(template).format(subject=subject, value=value)


def _values_name(key: str, lang: str) -> str | None:
    for value_key, names in _values():
        if value_key == key:
            return names.get(lang)
    return None


def _place_and_date(text: str, story: Story, lang: str, with_event: bool = True) -> str:
    words = _words(lang)
    if story.venue and _name(story.venue.name, lang):
        text = str(words["in"]).format(text=text, place=_name(story.venue.name, lang))
    if story.event_date:
        text = str(words["on"]).format(text=text, date=_long_date(story.event_date, lang))
    return text


def compose_headline(story: Story, lang: str) -> str | None:
    """A headline in `lang` from the story's first claim that reads in it (see the module docstring), or None."""
    return _claim(story, lang, event_of(story, lang))


# --- the key-facts line -----------------------------------------------------------------------------------


def _fact_actors(story: Story, lang: str) -> list[Actor]:
    """The actors the key facts name: persons first, in the story's order. A name romanised by guess is left out
    (`Actor.romanized_sure` False): the actor list shows it beside its Arabic, but a line in Latin letters
    alone would present a guess, often of a common word read as a name, as someone's name."""
    actors = [a for a in story.actors if _name(a.name, lang) and _spelling_known(a)]
    persons = [a for a in actors if a.kind == "person"]
    others = [a for a in actors if a.kind != "person"]
    return (persons + others)[:FACT_ACTORS]


def key_facts(story: Story, lang: str) -> KeyFacts:
    """Who (the first actors with their roles), what (each conflict's stated side, earlier reports after it),
    where (venue, country) and when (the event date), in `lang`, for the key-facts line of every edition."""
    labels = _labels(lang)
    separator = "، " if lang == "ar" else ", "
    who = []
    for actor in _fact_actors(story, lang):
        role = actor.role.get(lang)
        who.append(f"{_name(actor.name, lang)} ({role})" if role else _name(actor.name, lang))
    what = []
    for conflict in story.conflicts[:FACT_CONFLICTS]:
        subject, _ = subject_in(conflict, story, lang)
        side, differ = _side(conflict)
        value = _name(side.value, lang)
        if differ:
            values = [_name(s.value, lang) for s in conflict.claims]
            value = f"{' / '.join(values)} ({labels.get('reports_differ', '')})"
        else:
            earlier = [_name(s.value, lang) for s in conflict.claims if s is not side]
            if earlier:
                value = f"{value} ({labels.get('earlier', '')}: {' / '.join(earlier)})"
        what.append(f"{_isolated(subject) if is_arabic(subject) else subject}: {value}")
    where = ""
    if story.venue:
        place, country = _name(story.venue.name, lang), _name(story.venue.country, lang)
        where = place + (separator + country if country and country != place else "")
    when = str(format_date(story.event_date, format="full", locale=lang)) if story.event_date else ""
    return KeyFacts(separator.join(who), tuple(what), where, when)


def _isolated(text: str) -> str:
    return f"\u2068{text}\u2069"
