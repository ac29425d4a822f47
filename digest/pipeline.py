"""The way through, stage by stage:

1. ingest      paths → cleaned `Article`s, skipped inputs listed      (`digest.ingest.ingest`)
2. analyze     per article: sentences, mentions, dates, claims      (`digest.analyze.analyze`)
3. cluster     articles → stories                                    (`digest.cluster.cluster`)
4. synthesize  per story: summary and headline, actors, venue and event date, conflicts
                                                                     (`digest.synthesize.synthesize_all`)
5. translate   Arabic headline and summary → the other editions     (`digest.translate.translate_story`)
6. render      `Briefing` → HTML, PDF, JSON                          (`digest.render.render`)
7. deliver     write files atomically (email: `digest.deliver`)     (`digest.deliver.write_outputs`)

`build_briefing` runs 1-5 and returns the `Briefing`; `build` runs all seven. Both tell `progress` each
stage's name as it starts, and `on_stage` ("start" | "end", stage) around each stage (`digest bench` times them).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from digest import analyze, cluster, deliver, ingest, render, synthesize, translate
from digest.document import Briefing, InputsReport, Skipped
from digest.options import Options
from digest.runtime import memory
from digest.runtime.parallel import worker_count

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


def briefing_date(articles: Sequence[object], given: date | None, today: Callable[[], date]) -> tuple[date, str]:
    """The date asked for, else the newest publication date among the inputs, else today; and which it is
    (`Briefing.date_source`: given, inputs, none)."""
    if given is not None:
        return given, "given"
    newest = ingest.newest_publication(a for a in articles if hasattr(a, "published"))  # type: ignore[misc]
    return (newest.date(), "inputs") if newest else (today(), "none")


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
        failed: list[Skipped] = []
        packed = analyze.analyze_packed(result.articles, options, failed)
    with _stage("cluster", progress, on_stage):
        groups = cluster.cluster([p.lite for p in packed], options.cluster)
    with _stage("synthesize", progress, on_stage):
        stories = synthesize.synthesize_all(packed, groups, options)
        stories.sort(key=lambda s: (-len(s.articles), s.id))
    with _stage("translate", progress, on_stage):
        translator = translator or translate.make_translator(options.translate)
        stories = translate.translate_stories(stories, options.languages, translator)  # one batch for all
    day, date_source = briefing_date(result.articles, on_date, today)
    return Briefing(
        date=day,
        date_source=date_source,
        languages=tuple(options.languages),
        stories=tuple(stories),
        inputs=InputsReport(
            read=result.read,
            skipped=(*result.skipped, *failed),
            duplicates=result.duplicates,
            warnings=result.warnings,
        ),
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
            briefing, options.render.formats, options=options.render, parallel=worker_count(options.workers) > 1
        )
    with _stage("deliver", progress, on_stage):
        written = deliver.write_outputs(outputs, out_dir)
    return BuildResult(briefing, tuple(written))
