"""The way through, stage by stage:

1. ingest      paths → cleaned `Article`s, skipped inputs listed      (`digest.ingest.ingest`)
2. analyze     per article: sentences, mentions, dates, claims      (`digest.analyze.analyze`)
3. cluster     articles → stories                                    (`digest.cluster.cluster`)
4. synthesize  per story: summary and headline (`summarize`), actors, venue and event date (`extract`),
               conflicts (`conflicts`)
5. translate   Arabic headline and summary → the other editions     (`digest.translate.translate_story`)
6. render      `Briefing` → HTML, PDF, JSON                          (`digest.render.render`)
7. deliver     write files atomically (email: `digest.deliver`)     (`digest.deliver.write_outputs`)

`build_briefing` runs 1-5 and returns the `Briefing`; `build` runs all seven. Both tell `progress` each
stage's name as it starts, and `on_stage` ("start" | "end", stage) around each stage (`digest bench` times them).
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

from digest import analyze, cluster, conflicts, deliver, extract, ingest, memory, render, summarize, translate
from digest.forking import can_fork, forked_pool
from digest.model import Analysis, Article, Briefing, InputsReport, Story
from digest.options import Options

Progress = Callable[[str], None]
StageHook = Callable[[str, str], None]
"""Called with ("start" | "end", stage name) around each stage."""


def _quiet(message: str) -> None:
    return None


def _no_hook(event: str, stage: str) -> None:
    return None


@contextmanager
def _stage(name: str, progress: Progress, on_stage: StageHook) -> Iterator[None]:
    progress(name)
    on_stage("start", name)
    yield
    memory.trim()  # the stage's freed temporaries go back to the system before the next stage's peak
    on_stage("end", name)


def story_id(analyses: Sequence[Analysis]) -> str:
    """A stable id from the story's article ids."""
    digest = hashlib.sha1("\n".join(sorted(a.article.id for a in analyses)).encode()).hexdigest()
    return f"s-{digest[:10]}"


def synthesize(
    analyses: Sequence[Analysis], options: Options, furniture: frozenset[tuple[str, ...]] = frozenset()
) -> Story:
    """One story from its analysed articles: summary, headline, actors, venue, event date, conflicts.

    `furniture`: the day's site furniture (`summarize.site_furniture`), kept out of the summary."""
    summary = summarize.summarize(analyses, options.summary, furniture)
    facts = extract.extract(analyses, options.extract)
    return Story(
        id=story_id(analyses),
        headline={"ar": summary.headline},
        articles=tuple(a.article for a in analyses),
        summary={"ar": summary.sentences},
        actors=facts.actors,
        venue=facts.venue,
        event_date=facts.event_date,
        conflicts=conflicts.find_conflicts(analyses, options.conflicts),
    )


_forked_work: (
    tuple[
        Sequence[bytes | analyze.Spilled],
        Sequence[Article],
        Sequence[Sequence[int]],
        Options,
        frozenset[tuple[str, ...]],
    ]
    | None
) = None


def _synthesize_span(span: tuple[int, int]) -> list[Story]:
    # In a forked worker: the packed analyses, articles, groups and options are the parent's, and only the
    # story's own analyses are unpacked (read from the spill file, or from the parent's bytes); the story goes
    # back without its articles (the parent has them, and their text is most of the pickle).
    assert _forked_work is not None
    blobs, articles, groups, options, furniture = _forked_work
    return [
        replace(
            synthesize([analyze.unpack(bytes(blobs[i]), articles[i]) for i in groups[g]], options, furniture),
            articles=(),
        )
        for g in range(*span)
    ]


def workers_for(options: Options) -> int:
    """Processes for per-article and per-story work: `options.workers`, else one per core."""
    cores = os.cpu_count() or 1
    return min(options.workers, cores) if options.workers > 0 else cores


def synthesize_all(packed: Sequence[analyze.Packed], groups: Sequence[Sequence[int]], options: Options) -> list[Story]:
    """`synthesize` for every group of indices into `packed`, in order; in forked workers when there are many
    stories."""
    global _forked_work
    lite = [p.lite for p in packed]
    furniture = summarize.site_furniture(lite, groups, options.summary)
    workers = workers_for(options)
    if workers <= 1 or len(groups) < 100 or not can_fork():
        return [synthesize([packed[i].whole() for i in group], options, furniture) for group in groups]
    size = max(4, min(64, len(groups) // (workers * 16)))
    spans = [(start, min(start + size, len(groups))) for start in range(0, len(groups), size)]
    _forked_work = ([p.blob for p in packed], [a.article for a in lite], groups, options, furniture)
    try:
        with forked_pool(workers) as pool:
            detached = [story for chunk in pool.map(_synthesize_span, spans) for story in chunk]
    finally:
        _forked_work = None
    return [
        replace(story, articles=tuple(lite[i].article for i in group))
        for story, group in zip(detached, groups, strict=True)
    ]


def briefing_date(articles: Sequence[object], given: date | None, today: Callable[[], date]) -> date:
    """The date asked for, else the newest publication date among the inputs, else today."""
    if given is not None:
        return given
    newest = ingest.newest_publication(a for a in articles if hasattr(a, "published"))  # type: ignore[misc]
    return newest.date() if newest else today()


def build_briefing(
    paths: Sequence[Path],
    options: Options,
    on_date: date | None = None,
    translator: translate.Translator | None = None,
    progress: Progress = _quiet,
    today: Callable[[], date] = date.today,
    on_stage: StageHook = _no_hook,
) -> Briefing:
    """Stages 1-5: inputs to a `Briefing` in every language of `options.languages`."""
    with _stage("ingest", progress, on_stage):
        result = ingest.ingest(paths, options.ingest)
    with _stage("analyze", progress, on_stage):
        packed = analyze.analyze_packed(result.articles, workers=workers_for(options))
    with _stage("cluster", progress, on_stage):
        groups = cluster.cluster([p.lite for p in packed], options.cluster)
    with _stage("synthesize", progress, on_stage):
        stories = synthesize_all(packed, groups, options)
        stories.sort(key=lambda s: (-len(s.articles), s.id))
    with _stage("translate", progress, on_stage):
        translator = translator or translate.make_translator(options.translate)
        stories = translate.translate_stories(stories, options.languages, translator)  # one batch for all
    return Briefing(
        date=briefing_date(result.articles, on_date, today),
        languages=tuple(options.languages),
        stories=tuple(stories),
        inputs=InputsReport(read=result.read, skipped=result.skipped, duplicates=result.duplicates),
    )


@dataclass(frozen=True)
class BuildResult:
    briefing: Briefing
    written: tuple[Path, ...]


def build(
    paths: Sequence[Path],
    out_dir: Path,
    options: Options,
    on_date: date | None = None,
    translator: translate.Translator | None = None,
    progress: Progress = _quiet,
    on_stage: StageHook = _no_hook,
) -> BuildResult:
    """All seven stages: inputs to files in `out_dir`."""
    briefing = build_briefing(paths, options, on_date, translator, progress, on_stage=on_stage)
    with _stage("render", progress, on_stage):
        outputs = render.render(
            briefing, options.render.formats, options=options.render, parallel=workers_for(options) > 1
        )
    with _stage("deliver", progress, on_stage):
        written = deliver.write_outputs(outputs, out_dir)
    return BuildResult(briefing, tuple(written))
