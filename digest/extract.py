"""Synthesis, part 2: key actors, venue and event date.

Per article (called from `analyze`): `find_mentions`, `find_dates`.
Per story: `extract(analyses, options) -> StoryFacts`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from digest.model import Actor, Analysis, Article, DateMention, Mention, Sentence, Venue
from digest.options import ExtractOptions


@dataclass(frozen=True)
class StoryFacts:
    actors: tuple[Actor, ...] = ()
    venue: Venue | None = None
    event_date: date | None = None


def find_mentions(article: Article, sentences: Sequence[Sentence]) -> tuple[Mention, ...]:
    """Persons, organisations and places named in the article."""
    return ()


def find_dates(article: Article, sentences: Sequence[Sentence]) -> tuple[DateMention, ...]:
    """Dates written in the article, relative ones resolved against its publication date."""
    return ()


def extract(analyses: Sequence[Analysis], options: ExtractOptions) -> StoryFacts:
    """The story's consolidated actors, its venue and its event date."""
    return StoryFacts()
