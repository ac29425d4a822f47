"""Stage 4, synthesize: one `Story` from the analysed articles of one cluster.

Entry point: `synthesize_all(packed, groups, options)`. Per story: the summary and headline (`summary`),
the actors, venue and event date (`facts`), and the conflicting reports (`conflicts`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import replace

from digest.analyze.packing import Packed, Spilled, unpack
from digest.document import Analysis, Article, Story
from digest.options import Options
from digest.runtime.parallel import map_spans, span_size, worker_count
from digest.synthesize import conflicts, facts, summary


def story_id(analyses: Sequence[Analysis]) -> str:
    """A stable id from the story's article ids."""
    digest = hashlib.sha1("\n".join(sorted(a.article.id for a in analyses)).encode()).hexdigest()
    return f"s-{digest[:10]}"


def synthesize(
    analyses: Sequence[Analysis], options: Options, furniture: frozenset[tuple[str, ...]] = frozenset()
) -> Story:
    """One story from its analysed articles: summary, headline, actors, venue, event date, conflicts.

    `furniture`: the day's site furniture (`summary.site_furniture`), kept out of the summary."""
    summarized = summary.summarize(analyses, options.summary, furniture)
    found = facts.extract(analyses, options.extract, summarized.sentences, furniture)
    return Story(
        id=story_id(analyses),
        headline={"ar": summarized.headline},
        articles=tuple(a.article for a in analyses),
        summary={"ar": summarized.sentences},
        actors=found.actors,
        venue=found.venue,
        event_date=found.event_date,
        conflicts=conflicts.find_conflicts(analyses, options.conflicts),
    )


def synthesize_all(packed: Sequence[Packed], groups: Sequence[Sequence[int]], options: Options) -> list[Story]:
    """`synthesize` for every group of indices into `packed`, in order; in forked workers when there are many
    stories."""
    lite = [p.lite for p in packed]
    furniture = summary.site_furniture(lite, groups, options.summary)
    blobs: list[bytes | Spilled] = [p.blob for p in packed]
    articles: list[Article] = [a.article for a in lite]

    def stories(start: int, end: int) -> list[Story]:
        # In a forked worker: the packed analyses, articles, groups and options are the parent's, and only the
        # story's own analyses are unpacked (read from the spill file, or from the parent's bytes); the story
        # goes back without its articles (the parent has them, and their text is most of the pickle).
        return [
            replace(
                synthesize([unpack(bytes(blobs[i]), articles[i]) for i in groups[g]], options, furniture), articles=()
            )
            for g in range(start, end)
        ]

    workers = worker_count(options.workers)
    size = span_size(len(groups), workers, per_worker=16, low=4, high=64)
    detached = [
        story for chunk in map_spans(stories, len(groups), workers, min_items=100, span_size=size) for story in chunk
    ]
    return [
        replace(story, articles=tuple(lite[i].article for i in group))
        for story, group in zip(detached, groups, strict=True)
    ]
