"""Synthesis, part 3: claims per article and the conflicts between them.

Per article (called from `analyze`): `find_claims`. Per story: `find_conflicts(analyses) -> tuple[Conflict, ...]`.
"""

from __future__ import annotations

from collections.abc import Sequence

from digest.model import Analysis, Article, Claim, Conflict, DateMention, Mention, Sentence


def find_claims(
    article: Article,
    sentences: Sequence[Sentence],
    mentions: Sequence[Mention],
    dates: Sequence[DateMention],
) -> tuple[Claim, ...]:
    """Facts the article states: attendance, counts, dates, venue, representation."""
    return ()


def find_conflicts(analyses: Sequence[Analysis]) -> tuple[Conflict, ...]:
    """Where the story's articles disagree, grouped by subject and attribute."""
    return ()
