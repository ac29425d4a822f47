"""The document model: a few frozen dataclasses that the stages pass to each other.

`Briefing.to_dict()` is the JSON contract of `shared/DESIGN.md`; `Briefing.from_dict()` reads it back.
Localised strings are plain dicts keyed by language code (``{"ar": ..., "en": ..., "es": ...}``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

Localized = dict[str, str]
"""A string in several languages, keyed by language code."""

ACTOR_KINDS = ("person", "organization")
CONFLICT_KINDS = ("contradiction", "superseded", "discrepancy", "denial", "disputed-responsibility")
TRANSLATION_STATUSES = ("ok", "model-missing", "failed")


def _iso(value: datetime | date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _parse_datetime(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


@dataclass(frozen=True, slots=True)
class Skipped:
    """An input that was not used, and why (one line)."""

    path: str
    reason: str

    def to_dict(self) -> dict[str, Any]:
        return {"path": self.path, "reason": self.reason}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Skipped:
        return cls(path=data["path"], reason=data["reason"])


@dataclass(frozen=True, slots=True)
class InputWarning:
    """An input that was used, with something the reader should know about how (one line): e.g. bytes that
    were not UTF-8 and were replaced."""

    path: str
    reason: str

    def to_dict(self) -> dict[str, Any]:
        return {"path": self.path, "reason": self.reason}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> InputWarning:
        return cls(path=data["path"], reason=data["reason"])


REPEATED_TITLE = "title repeated at the top of the page"
"""`Article.inferred` of a title that a scraped page kept twice at its top (`ingest.clean.repeated_title`)."""


@dataclass(frozen=True, slots=True)
class Article:
    """One cleaned article with its metadata.

    ``removed`` keeps the page furniture that cleaning took out, so it can be inspected;
    ``inferred`` says how each metadata field was found, as (field, how) pairs;
    ``copies`` are near-duplicates (wire copies) folded into this article: the story keeps one text
    and still counts every outlet that ran it.
    """

    id: str
    text: str
    title: str | None = None
    outlet: str | None = None
    author: str | None = None
    published: datetime | None = None
    url: str | None = None
    language: str = "ar"
    source: str | None = None
    removed: tuple[str, ...] = ()
    inferred: tuple[tuple[str, str], ...] = ()
    copies: tuple[Article, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "outlet": self.outlet,
            "published": _iso(self.published),
            "title": self.title,
            "url": self.url,
            "author": self.author,
            "language": self.language,
            "copies": [copy.to_dict() for copy in self.copies],
            "inferred": dict(self.inferred),  # how each field was found: {"published": "date line ...", ...}
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Article:
        return cls(
            id=data["id"],
            text=data.get("text", ""),
            title=data.get("title"),
            outlet=data.get("outlet"),
            author=data.get("author"),
            published=_parse_datetime(data.get("published")),
            url=data.get("url"),
            language=data.get("language") or "ar",
            inferred=tuple((data.get("inferred") or {}).items()),
            copies=tuple(cls.from_dict(c) for c in data.get("copies", ())),
        )

    @property
    def outlets(self) -> tuple[str, ...]:
        """Every outlet that ran this text: this one and its copies', without repeats."""
        names = [a.outlet for a in (self, *self.copies) if a.outlet]
        return tuple(dict.fromkeys(names))


@dataclass(frozen=True, slots=True)
class Sentence:
    """A sentence of an article, with its position and its normalised content tokens."""

    article_id: str
    index: int
    text: str
    tokens: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Mention:
    """A named entity as written in one sentence of one article."""

    text: str
    kind: str  # "person" | "organization" | "place"
    article_id: str
    sentence: int
    start: int = 0
    end: int = 0
    key: str | None = None  # gazetteer id when the name is known
    role: str | None = None  # the title written next to it (Arabic), if any
    cue: str | None = None  # what marked an unknown name: "title", "honorific", "given", "noun", "speech"...


@dataclass(frozen=True, slots=True)
class DateMention:
    """A date written in an article, resolved against its publication date when relative."""

    text: str
    value: date
    article_id: str
    sentence: int
    relative: bool = False
    precision: str = "day"  # "day" | "month" | "year": how much of `value` the text actually says
    start: int = 0  # character offsets in the sentence's text
    end: int = 0


@dataclass(frozen=True, slots=True)
class Claim:
    """A fact an article states: (subject, attribute, value), with the sentence that says it."""

    subject: Localized
    subject_key: str
    attribute: str
    value: Localized
    normalized: str
    article_id: str
    published: datetime | None
    evidence: str
    outlet: str | None = None
    modality: str = "asserted"  # asserted | expected | confirmed | reported | denied
    # What ties a claim to one event, read in its clause: for a count "place:KEY", "date:ISO", "word:W" (other
    # content words), "total" (a running total, "منذ ..."), "update" (a toll that rose, "ارتفعت الحصيلة"); for an
    # act claimed, its places; for an event's date, the persons and organisations ("who:KEY") and places named.
    # Empty for other claims.
    scope: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Analysis:
    """What per-article analysis found: sentences, mentions, dates and claims."""

    article: Article
    sentences: tuple[Sentence, ...]
    terms: tuple[str, ...] = ()
    mentions: tuple[Mention, ...] = ()
    dates: tuple[DateMention, ...] = ()
    claims: tuple[Claim, ...] = ()


@dataclass(frozen=True, slots=True)
class SummarySentence:
    """One sentence of a summary and the articles that carry it."""

    text: str
    sources: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"text": self.text, "sources": list(self.sources)}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SummarySentence:
        return cls(text=data["text"], sources=tuple(data.get("sources", ())))


@dataclass(frozen=True, slots=True)
class Actor:
    """A person or organisation of a story, with one canonical name per language."""

    name: Localized
    kind: str
    role: dict[str, str | None]
    variants: tuple[str, ...] = ()
    articles: tuple[str, ...] = ()
    mentions: int = 0
    key: str | None = None
    romanized: bool = False  # True when the Latin names were transliterated, not looked up
    romanized_sure: bool = False  # romanized from attested spellings of every word (not guessed letter by letter)

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": dict(self.name),
            "kind": self.kind,
            "role": dict(self.role),
            "variants": list(self.variants),
            "articles": list(self.articles),
            "mentions": self.mentions,
            "key": self.key,
            "romanized": self.romanized,
            "romanized_sure": self.romanized_sure,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Actor:
        return cls(
            name=dict(data["name"]),
            kind=data["kind"],
            role=dict(data.get("role") or {}),
            variants=tuple(data.get("variants", ())),
            articles=tuple(data.get("articles", ())),
            mentions=int(data.get("mentions", 0)),
            key=data.get("key"),
            romanized=bool(data.get("romanized", False)),
            romanized_sure=bool(data.get("romanized_sure", False)),
        )


@dataclass(frozen=True, slots=True)
class Venue:
    """Where the story's event happens."""

    name: Localized
    country: Localized

    def to_dict(self) -> dict[str, Any]:
        return {"name": dict(self.name), "country": dict(self.country)}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Venue:
        return cls(name=dict(data["name"]), country=dict(data["country"]))


@dataclass(frozen=True, slots=True)
class ConflictSide:
    """One side of a conflict: a value and the articles that report it."""

    value: Localized
    articles: tuple[str, ...]
    published: tuple[str, ...]
    evidence: tuple[str, ...]
    outlets: tuple[str, ...] = ()
    latest: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {
            "value": dict(self.value),
            "articles": list(self.articles),
            "published": list(self.published),
            "evidence": list(self.evidence),
            "outlets": list(self.outlets),
            "latest": self.latest,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ConflictSide:
        return cls(
            value=dict(data["value"]),
            articles=tuple(data.get("articles", ())),
            published=tuple(data.get("published", ())),
            evidence=tuple(data.get("evidence", ())),
            outlets=tuple(data.get("outlets", ())),
            latest=bool(data.get("latest", False)),
        )


@dataclass(frozen=True, slots=True)
class Conflict:
    """Sources that disagree on one attribute of one subject."""

    subject: Localized
    attribute: str
    kind: str
    claims: tuple[ConflictSide, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "subject": dict(self.subject),
            "attribute": self.attribute,
            "kind": self.kind,
            "claims": [c.to_dict() for c in self.claims],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Conflict:
        return cls(
            subject=dict(data["subject"]),
            attribute=data["attribute"],
            kind=data["kind"],
            claims=tuple(ConflictSide.from_dict(c) for c in data.get("claims", ())),
        )


@dataclass(frozen=True, slots=True)
class TranslationStatus:
    """How one language edition of a story was translated."""

    engine: str
    status: str  # "ok" | "model-missing" | "failed"
    detail: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"engine": self.engine, "status": self.status, "detail": self.detail}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TranslationStatus:
        return cls(engine=data["engine"], status=data["status"], detail=data.get("detail"))


@dataclass(frozen=True, slots=True)
class Story:
    """One story of the day: its articles and everything synthesised from them."""

    id: str
    headline: Localized
    articles: tuple[Article, ...]
    summary: dict[str, tuple[SummarySentence, ...]] = field(default_factory=dict)
    actors: tuple[Actor, ...] = ()
    venue: Venue | None = None
    event_date: date | None = None
    conflicts: tuple[Conflict, ...] = ()
    translation: dict[str, TranslationStatus] = field(default_factory=dict)
    composed: frozenset[str] = frozenset()
    """The languages whose headline was composed from the extracted facts (no model), not translated."""

    def to_dict(self) -> dict[str, Any]:
        composed = {lang: lang in self.composed for lang in self.headline if lang != "ar"}
        return {
            "id": self.id,
            "headline": {**self.headline, "composed": composed} if composed else dict(self.headline),
            "articles": [a.to_dict() for a in self.articles],
            "summary": {lang: [s.to_dict() for s in sents] for lang, sents in self.summary.items()},
            "actors": [a.to_dict() for a in self.actors],
            "venue": self.venue.to_dict() if self.venue else None,
            "event_date": _iso(self.event_date),
            "conflicts": [c.to_dict() for c in self.conflicts],
            "translation": {lang: t.to_dict() for lang, t in self.translation.items()},
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Story:
        headline = dict(data["headline"])
        composed = headline.pop("composed", None) or {}
        return cls(
            id=data["id"],
            headline=headline,
            articles=tuple(Article.from_dict(a) for a in data.get("articles", ())),
            summary={
                lang: tuple(SummarySentence.from_dict(s) for s in sents)
                for lang, sents in data.get("summary", {}).items()
            },
            actors=tuple(Actor.from_dict(a) for a in data.get("actors", ())),
            venue=Venue.from_dict(data["venue"]) if data.get("venue") else None,
            event_date=date.fromisoformat(data["event_date"]) if data.get("event_date") else None,
            conflicts=tuple(Conflict.from_dict(c) for c in data.get("conflicts", ())),
            translation={lang: TranslationStatus.from_dict(t) for lang, t in data.get("translation", {}).items()},
            composed=frozenset(lang for lang, flag in composed.items() if flag),
        )

    @property
    def outlets(self) -> tuple[str, ...]:
        """Every outlet that carried the story, copies included, without repeats."""
        return tuple(dict.fromkeys(o for a in self.articles for o in a.outlets))


@dataclass(frozen=True, slots=True)
class InputsReport:
    """What the run read, what it skipped (and why), how many near-duplicates it folded, and warnings about
    inputs it read (e.g. invalid bytes replaced)."""

    read: int
    skipped: tuple[Skipped, ...] = ()
    duplicates: int = 0
    warnings: tuple[InputWarning, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "read": self.read,
            "skipped": [s.to_dict() for s in self.skipped],
            "duplicates": self.duplicates,
            "warnings": [w.to_dict() for w in self.warnings],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> InputsReport:
        return cls(
            read=int(data["read"]),
            skipped=tuple(Skipped.from_dict(s) for s in data.get("skipped", ())),
            duplicates=int(data.get("duplicates", 0)),
            warnings=tuple(InputWarning.from_dict(w) for w in data.get("warnings", ())),
        )


@dataclass(frozen=True, slots=True)
class Briefing:
    """The day's briefing: every output (HTML, PDF, JSON, email) is rendered from this."""

    date: date
    languages: tuple[str, ...]
    stories: tuple[Story, ...]
    inputs: InputsReport
    date_source: str = "given"
    """Where `date` comes from: `given` (asked for), `inputs` (the newest publication date among them) or
    `none` (no input carries a date: the day the briefing was built, said in every edition)."""

    def to_dict(self) -> dict[str, Any]:
        return {
            "date": self.date.isoformat(),
            "date_source": self.date_source,
            "languages": list(self.languages),
            "stories": [s.to_dict() for s in self.stories],
            "inputs": self.inputs.to_dict(),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Briefing:
        return cls(
            date=date.fromisoformat(data["date"]),
            languages=tuple(data["languages"]),
            stories=tuple(Story.from_dict(s) for s in data.get("stories", ())),
            inputs=InputsReport.from_dict(data["inputs"]),
            date_source=data.get("date_source", "given"),
        )
