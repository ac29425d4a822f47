"""`digest bench`: how fast and how big the whole pipeline is, stage by stage, as the day grows.

1. base corpus: real articles, the Arabic stance corpus (`<data>/stance`: the related articles of one claim
   are one story, the `unrelated` ones are singletons) and `samples/` (one story);
2. a day of N articles: the base corpus repeated in variants. Variant 0 is the real text; in variant v every
   rare word (a name, a place, a distinctive term) is swapped for another rare word of the corpus, the same
   way in every article of the variant, and small numbers are shifted, so each variant of a story is a new
   story whose articles still cluster together. Some articles get an exact copy and some a near copy (a line
   dropped, two lines swapped) from another outlet; publication times are spread over one day;
3. for each N, a fresh subprocess (`python -m digest.evaluation.bench N ...`) writes the day into a temporary
   folder, runs `pipeline.build` (every stage, HTML + PDF + JSON), times each stage through its `on_stage` hook, times a
   PDF of the top 30 stories as the pipeline makes it (editions laid out in parallel when there is more than
   one worker), and prints one JSON line; the parent samples the RSS of that process and its
   worker children (psutil, when installed) so that the peak memory is per N.

The main run has no translation (the targets are for a machine without a model); when a model is installed,
the top stories are translated afterwards and timed on their own (sentences per second, cache hit rate).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import resource
import signal
import subprocess
import sys
import tempfile
import time
import zlib
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any

import click

from digest.errors import DigestError, InputError
from digest.runtime.parallel import die_with_parent, worker_count

DEFAULT_SIZES = (1000, 10000, 100000)
BENCH_DAY = date(2022, 5, 11)
PDF_STORIES = 30  # the PDF is also timed for a briefing of this many stories
TRANSLATE_STORIES = 30  # stories translated in the separate translation timing
EXACT_COPY_RATE = 0.04  # share of articles that get an exact copy from another outlet
NEAR_COPY_RATE = 0.04  # and a near copy (one line dropped, two lines swapped)
RARE_DF = 0.05  # words in at most this share of base articles are swapped in variants (39% of tokens)
_WORD_SPLIT = re.compile(r"(\w+)")
_AR_WEEKDAYS = ("الاثنين", "الثلاثاء", "الأربعاء", "الخميس", "الجمعة", "السبت", "الأحد")
_AR_MONTHS = (
    "يناير",
    "فبراير",
    "مارس",
    "أبريل",
    "مايو",
    "يونيو",
    "يوليو",
    "أغسطس",
    "سبتمبر",
    "أكتوبر",
    "نوفمبر",
    "ديسمبر",
)


def repo_root() -> Path:
    return Path(__file__).resolve().parents[2]


def default_data_dir() -> Path:
    """`../shared/bench` beside the checkout."""
    return repo_root().parent / "shared" / "bench"


@dataclass(frozen=True)
class BaseArticle:
    id: str
    pieces: tuple[str, ...]  # the text split on words: odd positions are words
    outlet: str | None
    url: str | None


@dataclass(frozen=True)
class BaseUnit:
    """One story of the base corpus (one article for a singleton)."""

    id: str
    articles: tuple[BaseArticle, ...]


def _stable(text: str) -> int:
    return zlib.crc32(text.encode("utf-8"))


def _base_article(article_id: str, text: str, outlet: str | None, url: str | None) -> BaseArticle:
    return BaseArticle(article_id, tuple(_WORD_SPLIT.split(text)), outlet, url)


def load_base(data_dir: Path, samples_dir: Path | None) -> list[BaseUnit]:
    """The real articles the day is made of, as stories and singletons, in a stable shuffled order."""
    from digest.evaluation.stance import load_claims, outlet_of

    stance_dir = data_dir / "stance"
    if not stance_dir.is_dir():
        raise InputError(f"bench data not found: {stance_dir} is missing; pass --data PATH (a folder with stance/)")
    units: list[BaseUnit] = []
    seen_urls: set[str] = set()
    for claim in load_claims(stance_dir):
        articles = tuple(
            _base_article(s.article.id, s.article.text, s.article.outlet, s.article.url) for s in claim.articles
        )
        seen_urls.update(s.article.url or "" for s in claim.articles)
        if articles:
            units.append(BaseUnit(claim.id, articles))
    # Articles retrieved for a claim but unrelated to it: real articles on other events, i.e. singletons.
    for path in sorted(stance_dir.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        for index, (text, url, stance) in enumerate(zip(data["article"], data["url"], data["stance"], strict=True)):
            if stance != "unrelated" or url in seen_urls:
                continue
            seen_urls.add(url)
            article_id = f"{data['id']}-{index}"
            units.append(BaseUnit(article_id, (_base_article(article_id, text, outlet_of(url), url),)))
    if samples_dir is not None and samples_dir.is_dir():
        samples = tuple(
            _base_article(p.stem, p.read_text(encoding="utf-8"), None, None) for p in sorted(samples_dir.glob("*.txt"))
        )
        if samples:
            units.append(BaseUnit("samples", samples))
    units.sort(key=lambda u: (_stable(u.id), u.id))
    return units


def rare_words(units: Sequence[BaseUnit]) -> list[str]:
    """Words (3+ letters, not numbers) found in at most `RARE_DF` of the base articles: names, places, terms."""
    df: Counter[str] = Counter()
    n_docs = 0
    for unit in units:
        for article in unit.articles:
            n_docs += 1
            df.update(set(article.pieces[1::2]))
    limit = max(1, int(RARE_DF * n_docs))
    return sorted(w for w, n in df.items() if n <= limit and len(w) >= 3 and not w.isdigit())


def variant_table(pool: Sequence[str], variant: int) -> dict[str, str]:
    """How variant `variant` renames the rare words: the same everywhere in the variant (0: unchanged)."""
    if variant == 0:
        return {}
    return {w: pool[_stable(f"{variant}\0{w}") % len(pool)] for w in pool}


def _shift_number(word: str, variant: int) -> str:
    # Small numbers (counts, days) change from variant to variant; years and long figures stay.
    if variant and word.isascii() and word.isdigit() and len(word) <= 2:
        return str(int(word) + (variant * 3) % 11)
    return word


def variant_text(article: BaseArticle, table: dict[str, str], variant: int) -> str:
    if variant == 0:
        return "".join(article.pieces)
    pieces = list(article.pieces)
    for i in range(1, len(pieces), 2):
        word = pieces[i]
        pieces[i] = table.get(word) or _shift_number(word, variant)
    return "".join(pieces)


def near_copy(text: str, seed: int) -> str:
    """The text with one line dropped and two neighbouring lines swapped, as a rewrite desk would."""
    lines = [line for line in text.split("\n") if line.strip()]
    if len(lines) < 4:
        return text + "\n"
    drop = seed % len(lines)
    del lines[drop]
    swap = (seed // 7) % (len(lines) - 1)
    lines[swap], lines[swap + 1] = lines[swap + 1], lines[swap]
    return "\n".join(lines)


def arabic_dateline(when: datetime) -> str:
    """A dateline as Arabic news sites write it: "الأربعاء 11 مايو 2022 - 14:35"."""
    return f"{_AR_WEEKDAYS[when.weekday()]} {when.day} {_AR_MONTHS[when.month - 1]} {when.year} - {when:%H:%M}"


@dataclass(frozen=True)
class DayArticle:
    id: str
    text: str
    outlet: str | None
    url: str | None
    published: datetime


def make_day(units: Sequence[BaseUnit], n: int, day: date = BENCH_DAY) -> Iterator[DayArticle]:
    """The first `n` articles of the day: variants 0, 1, 2... of the base corpus, with copies."""
    if not units:
        raise InputError("the bench corpus is empty")
    pool = rare_words(units)
    outlets = sorted({a.outlet for u in units for a in u.articles if a.outlet}) or ["outlet.example"]
    start = datetime(day.year, day.month, day.day)
    made = 0
    variant = 0
    while True:
        table = variant_table(pool, variant) if pool else {}
        for unit in units:
            for article in unit.articles:
                article_id = f"v{variant:03d}-{article.id}"
                seed = _stable(article_id)
                text = variant_text(article, table, variant)
                when = start + timedelta(minutes=seed % 1440)
                copies = [(article_id, text, article.outlet, article.url, when)]
                if (seed % 1000) < EXACT_COPY_RATE * 1000:
                    copies.append((f"{article_id}-copy", text, outlets[seed % len(outlets)], None, when))
                if ((seed // 1000) % 1000) < NEAR_COPY_RATE * 1000:
                    later = when + timedelta(minutes=(seed // 7) % 180)
                    later = min(later, start + timedelta(minutes=1439))
                    copies.append(
                        (f"{article_id}-near", near_copy(text, seed), outlets[(seed // 3) % len(outlets)], None, later)
                    )
                for copy_id, copy_text, outlet, url, published in copies:
                    yield DayArticle(copy_id, copy_text, outlet, url, published)
                    made += 1
                    if made >= n:
                        return
        variant += 1


def write_day(articles: Iterator[DayArticle], folder: Path, fmt: str = "txt") -> int:
    """Write the day as input files: one text file per article (dateline first) or JSON Lines files."""
    folder.mkdir(parents=True, exist_ok=True)
    count = 0
    if fmt == "jsonl":
        handles: dict[str, Any] = {}
        try:
            for article in articles:
                part = article.id.split("-", 1)[0]
                if part not in handles:
                    handles[part] = (folder / f"{part}.jsonl").open("w", encoding="utf-8")
                record = {
                    "id": article.id,
                    "text": article.text,
                    "outlet": article.outlet,
                    "url": article.url,
                    "published": article.published.isoformat(),
                }
                handles[part].write(json.dumps(record, ensure_ascii=False) + "\n")
                count += 1
        finally:
            for handle in handles.values():
                handle.close()
        return count
    if fmt != "txt":
        raise InputError(f"unknown bench input format {fmt!r}; choose txt or jsonl")
    for article in articles:
        sub = folder / article.id.split("-", 1)[0]
        sub.mkdir(exist_ok=True)
        (sub / f"{article.id}.txt").write_text(f"{arabic_dateline(article.published)}\n{article.text}", "utf-8")
        count += 1
    return count


def _cpu_s() -> float:
    """CPU seconds of this process and of its children that have ended (pool workers, once joined)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _maxrss_mb(who: int) -> float:
    return round(resource.getrusage(who).ru_maxrss / 1024, 1)  # Linux: kilobytes


class NoModel:
    """The main run's translator: every edition says model-missing, as on a machine without a model."""

    name = "bench-none"

    def available(self, target: str) -> bool:
        return False

    def translate(self, sentences: Sequence[str], target: str) -> list[str]:
        raise NotImplementedError


def time_translation(stories: Sequence[Any], options: Any) -> dict[str, Any] | None:
    """Translate the top stories with the configured engine, if a model is installed: sentences/s, cache hits."""
    from digest import translate

    try:
        translator = translate.make_translator(options.translate)
    except DigestError:
        return None
    targets = [lang for lang in options.languages if lang != "ar" and translator.available(lang)]
    if not targets:
        return None
    top = list(stories[:TRANSLATE_STORIES])
    sentences = sum(1 + len(s.summary.get("ar", ())) for s in top) * len(targets)
    started = time.perf_counter()
    for story in top:
        translate.translate_story(story, ["ar", *targets], translator)
    seconds = time.perf_counter() - started
    report: dict[str, Any] = {
        "engine": translator.name,
        "stories": len(top),
        "sentences": sentences,
        "seconds": round(seconds, 3),
        "sentences_per_s": round(sentences / seconds, 2) if seconds else None,
    }
    hits, misses = getattr(translator, "hits", None), getattr(translator, "misses", None)
    if isinstance(hits, int) and isinstance(misses, int) and hits + misses:
        report["cache_hit_rate"] = round(hits / (hits + misses), 3)
    return report


def run_one(
    n: int,
    data_dir: Path,
    samples_dir: Path | None,
    work_dir: Path,
    fmt: str = "txt",
    translation: bool = True,
    config: Path | None = None,
) -> dict[str, Any]:
    """Make a day of `n` articles in `work_dir`, build its briefing, and measure every stage."""
    from digest import pipeline, render
    from digest.options import load_options

    options = load_options(config)

    started = time.perf_counter()
    units = load_base(data_dir, samples_dir)
    written = write_day(make_day(units, n), work_dir / "in", fmt)
    del units
    generate_s = time.perf_counter() - started
    print(f"bench: {n}: day written in {generate_s:.1f} s", file=sys.stderr, flush=True)

    stages: dict[str, float] = {}
    cpu: dict[str, float] = {}
    rss_after: dict[str, float] = {}
    clock: dict[str, tuple[float, float]] = {}

    def on_stage(event: str, stage: str) -> None:
        if event == "start":
            clock[stage] = (time.perf_counter(), _cpu_s())
        else:
            stages[stage] = round(time.perf_counter() - clock[stage][0], 3)
            cpu[stage] = round(_cpu_s() - clock[stage][1], 3)
            rss_after[stage] = _maxrss_mb(resource.RUSAGE_SELF)
            print(f"bench: {n}: {stage} {stages[stage]:.1f} s, {cpu[stage]:.1f} s CPU", file=sys.stderr, flush=True)

    result = pipeline.build([work_dir / "in"], work_dir / "out", options, translator=NoModel(), on_stage=on_stage)
    total = sum(stages.values())
    briefing = result.briefing

    # The top stories' PDF as the pipeline makes it (`pipeline.build` -> `render.render`): the editions after
    # the first laid out by forked workers when there is more than one worker.
    top = replace(briefing, stories=briefing.stories[:PDF_STORIES])
    parallel = worker_count(options.workers) > 1
    pdf_started = time.perf_counter()
    pdf = render.briefing_pdf(top, options=options.render, parallel=parallel)
    pdf_s = time.perf_counter() - pdf_started

    return {
        "articles": written,
        "read": briefing.inputs.read,
        "skipped": len(briefing.inputs.skipped),
        "duplicates": briefing.inputs.duplicates,
        "stories": len(briefing.stories),
        "largest_story": max((len(s.articles) for s in briefing.stories), default=0),
        "generate_s": round(generate_s, 3),
        "stages_s": stages,
        "stages_cpu_s": cpu,
        "total_s": round(total, 3),
        "total_cpu_s": round(sum(cpu.values()), 3),
        "articles_per_s": round(written / total, 1) if total else None,
        "outputs_bytes": {p.suffix.lstrip("."): p.stat().st_size for p in result.written},
        "pdf_top_stories": len(top.stories),
        "pdf_top_stories_s": round(pdf_s, 3),
        "pdf_top_stories_bytes": len(pdf),
        "pdf_top_stories_parallel": parallel,
        "rss_peak_self_mb": _maxrss_mb(resource.RUSAGE_SELF),
        "rss_peak_largest_child_mb": _maxrss_mb(resource.RUSAGE_CHILDREN),
        "rss_self_after_stage_mb": rss_after,
        "translation": time_translation(briefing.stories, options) if translation else None,
    }


def _kill_tree(pid: int) -> None:
    """Kill a process and its worker children (psutil when installed, else the process alone)."""
    try:
        import psutil
    except ImportError:
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGKILL)
        return
    try:
        process = psutil.Process(pid)
        procs = [*process.children(recursive=True), process]
    except psutil.Error:  # already gone
        return
    for proc in procs:
        with contextlib.suppress(psutil.Error):
            proc.kill()


def _tree_memory(process: Any) -> tuple[int, int]:
    """RSS and PSS of a process and all its descendants, in bytes. In the RSS sum, the pages that forked
    workers share with their parent count once in each; in the PSS sum (proportional set size) they are
    split between the processes sharing them, so it is the memory the tree really holds."""
    import psutil

    rss = pss = 0
    for proc in [process, *process.children(recursive=True)]:
        try:
            info = proc.memory_full_info()
        except psutil.Error:
            continue
        rss += info.rss
        pss += getattr(info, "pss", info.rss)  # PSS is Linux's; elsewhere RSS stands in
    return rss, pss


def measure(
    n: int,
    data_dir: Path,
    samples_dir: Path | None,
    fmt: str = "txt",
    translation: bool = True,
    timeout: float = 3600.0,
    config: Path | None = None,
) -> dict[str, Any]:
    """`run_one` in a fresh subprocess (so the peak memory is this N's), sampling its process tree's RSS."""
    try:
        import psutil
    except ImportError:  # optional: without it, getrusage's per-process peaks are reported
        psutil = None
    with tempfile.TemporaryDirectory(prefix=f"digest-bench-{n}-") as tmp:
        command = [sys.executable, "-m", "digest.evaluation.bench", str(n), "--data", str(data_dir), "--work", tmp]
        command += ["--format", fmt] + ([] if translation else ["--no-translation"])
        if samples_dir is not None:
            command += ["--samples", str(samples_dir)]
        if config is not None:
            command += ["--config", str(config)]
        # the measured run dies with this one (a kill -9 of `digest bench` leaves no orphan day running)
        dies_with_us = partial(die_with_parent, os.getpid())
        child = subprocess.Popen(command, stdout=subprocess.PIPE, text=True, preexec_fn=dies_with_us)
        watched = psutil.Process(child.pid) if psutil else None
        peak = peak_pss = 0
        deadline = time.monotonic() + timeout
        with child:
            try:
                while child.poll() is None:
                    if time.monotonic() > deadline:
                        raise DigestError(
                            f"bench: {n} articles did not finish within {timeout:.0f} s (stopped; "
                            f"peak RSS so far {peak / 2**20:.0f} MB)"
                        )
                    pause = 0.2
                    if watched is not None:
                        sampled = time.perf_counter()
                        with contextlib.suppress(psutil.Error):
                            rss, pss = _tree_memory(watched)
                            peak, peak_pss = max(peak, rss), max(peak_pss, pss)
                        # Reading PSS walks the processes' page tables (about 50 ms at 6 GB): sampling takes
                        # at most 2% of a core, so that it does not slow the run it measures.
                        pause = max(pause, 50 * (time.perf_counter() - sampled))
                    time.sleep(pause)
            finally:
                if child.poll() is None:  # stopped, interrupted or timed out: leave nothing running
                    _kill_tree(child.pid)
                    child.wait()
            out = child.stdout.read() if child.stdout else ""
        if child.returncode != 0:
            raise DigestError(f"bench: the run with {n} articles failed (exit {child.returncode}; see above)")
    lines = [line for line in out.splitlines() if line.startswith("{")]
    if not lines:
        raise DigestError(f"bench: the run with {n} articles printed no figures")
    figures: dict[str, Any] = json.loads(lines[-1])
    figures["rss_peak_tree_mb"] = round(peak / 2**20, 1) if watched is not None else None
    figures["pss_peak_tree_mb"] = round(peak_pss / 2**20, 1) if watched is not None else None
    return figures


STAGE_ORDER = ("ingest", "analyze", "cluster", "synthesize", "translate", "render", "deliver")


def _megabytes(figures: dict[str, Any], fmt: str) -> str:
    size = figures.get("outputs_bytes", {}).get(fmt)
    return f"{size / 1e6:.1f}" if isinstance(size, int) else "-"


def _pdf_row_label(runs: Iterator[dict[str, Any]]) -> str:
    """ "PDF top 30 s (parallel)": how the top stories' PDF was laid out, as the pipeline lays it out."""
    modes = {bool(run.get("pdf_top_stories_parallel")) for run in runs}
    how = "mixed" if len(modes) > 1 else "parallel" if True in modes else "one process"
    return f"PDF top {PDF_STORIES} s ({how})"


def to_text(results: dict[str, dict[str, Any]]) -> str:
    """A table: one column per N, one row per stage and figure."""
    sizes = list(results)
    stage_names = [s for s in STAGE_ORDER if any(s in r["stages_s"] for r in results.values())]
    rows: list[tuple[str, list[str]]] = [("articles", [str(results[k]["articles"]) for k in sizes])]
    rows += [("stories", [str(results[k]["stories"]) for k in sizes])]
    rows += [(f"{s} s", [f"{results[k]['stages_s'].get(s, 0):.2f}" for k in sizes]) for s in stage_names]
    rows += [("total s", [f"{results[k]['total_s']:.2f}" for k in sizes])]
    rows += [(f"{s} CPU s", [f"{results[k]['stages_cpu_s'].get(s, 0):.2f}" for k in sizes]) for s in stage_names]
    rows += [("total CPU s", [f"{results[k]['total_cpu_s']:.2f}" for k in sizes])]
    rows += [("articles/s", [str(results[k]["articles_per_s"]) for k in sizes])]
    rows += [("peak PSS MB (tree)", [str(results[k].get("pss_peak_tree_mb")) for k in sizes])]
    rows += [("peak RSS MB (tree)", [str(results[k].get("rss_peak_tree_mb")) for k in sizes])]
    rows += [("peak RSS MB (main)", [str(results[k]["rss_peak_self_mb"]) for k in sizes])]
    rows += [("peak RSS MB (worker)", [str(results[k]["rss_peak_largest_child_mb"]) for k in sizes])]
    rows += [(f"{fmt.upper()} MB", [_megabytes(results[k], fmt) for k in sizes]) for fmt in ("html", "pdf", "json")]
    rows += [(_pdf_row_label(results[k] for k in sizes), [f"{results[k]['pdf_top_stories_s']:.2f}" for k in sizes])]
    for k in sizes:
        if len(sizes) > 1 and sizes.index(k) > 0:
            previous = results[sizes[sizes.index(k) - 1]]
            if previous["total_s"]:
                growth = results[k]["total_s"] / previous["total_s"]
                rows.append((f"time x{growth:.1f} from {sizes[sizes.index(k) - 1]}", ["" for _ in sizes]))
        translation = results[k].get("translation")
        if translation:
            rows.append((f"translation ({k})", [json.dumps(translation)]))
    width = max(len(name) for name, _ in rows)
    header = " " * width + "".join(f"{k:>12}" for k in sizes)
    lines = [header] + [name.ljust(width) + "".join(f"{v:>12}" for v in values) for name, values in rows]
    return "\n".join(lines)


def run(
    sizes: Sequence[int],
    data_dir: Path,
    samples_dir: Path | None,
    fmt: str = "txt",
    translation: bool = True,
    timeout: float = 3600.0,
    progress: Any = None,
    config: Path | None = None,
) -> dict[str, dict[str, Any]]:
    """Every N in its own subprocess, in order; figures keyed by N (as a string, for JSON)."""
    if not (data_dir / "stance").is_dir():
        raise InputError(f"bench data not found: {data_dir / 'stance'} is missing; pass --data PATH")
    results: dict[str, dict[str, Any]] = {}
    for n in sizes:
        if progress:
            progress(f"bench: {n} articles...")
        results[str(n)] = measure(n, data_dir, samples_dir, fmt, translation, timeout, config)
    return results


def _child_main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m digest.evaluation.bench", description="One bench run (used by digest bench)"
    )
    parser.add_argument("articles", type=int)
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--work", type=Path, required=True)
    parser.add_argument("--samples", type=Path)
    parser.add_argument("--format", default="txt", choices=("txt", "jsonl"))
    parser.add_argument("--no-translation", action="store_true")
    parser.add_argument("--config", type=Path)
    args = parser.parse_args(argv)
    try:
        figures = run_one(
            args.articles, args.data, args.samples, args.work, args.format, not args.no_translation, args.config
        )
    except DigestError as exc:
        print(f"digest bench: error: {exc}", file=sys.stderr)
        return exc.exit_code
    print(json.dumps(figures, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(_child_main())


def _sizes(ctx: click.Context, param: click.Parameter, values: tuple[str, ...]) -> tuple[int, ...]:
    sizes = []
    for value in values:
        for part in value.replace(",", " ").split():
            if not part.isdigit() or int(part) < 1:
                raise click.BadParameter(f"{part!r} is not a number of articles like 1000")
            sizes.append(int(part))
    return tuple(sizes) or DEFAULT_SIZES


@click.command("bench")
@click.option(
    "--articles",
    "sizes",
    multiple=True,
    callback=_sizes,
    help="Day sizes to measure, repeated or comma-separated (default: 1000,10000,100000).",
)
@click.option(
    "--data",
    "data_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Bench data folder with stance/ (default: ../shared/bench beside the checkout).",
)
@click.option(
    "--samples",
    "samples_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Extra articles of one story (default: samples/ of the checkout).",
)
@click.option("--format", "fmt", type=click.Choice(["txt", "jsonl"]), default="txt", help="Input files written.")
@click.option("--no-translation", is_flag=True, help="Skip the separate translation timing.")
@click.option("--timeout", type=float, default=3600.0, show_default=True, help="Seconds allowed per size.")
@click.option("--config", type=click.Path(dir_okay=False, path_type=Path), help="Options file (TOML) for the runs.")
@click.option("--json", "as_json", is_flag=True, help="End with one JSON line: the figures keyed by size.")
def command(
    sizes: tuple[int, ...],
    data_dir: Path | None,
    samples_dir: Path | None,
    fmt: str,
    no_translation: bool,
    timeout: float,
    config: Path | None,
    as_json: bool,
) -> None:
    """Time every stage and the peak memory on days of N articles made from real ones."""
    data_dir = data_dir or default_data_dir()
    # A `timeout` or `kill` of this command must also stop the measured run (see `measure`).
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
    samples = samples_dir or repo_root() / "samples"
    results = run(
        sizes,
        data_dir,
        samples if samples.is_dir() else None,
        fmt,
        not no_translation,
        timeout,
        progress=lambda message: click.echo(message, err=True),
        config=config,
    )
    click.echo(to_text(results))
    if as_json:
        click.echo(json.dumps(results, ensure_ascii=False, sort_keys=True))
