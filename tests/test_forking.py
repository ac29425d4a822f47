"""The forked paths of analyze and synthesize give what one process gives, and leave the collector as it was."""

from __future__ import annotations

import gc
from dataclasses import replace

import pytest

from digest import analyze, ingest, synthesize
from digest.analyze import packing
from digest.options import IngestOptions, Options
from digest.runtime.parallel import can_fork

from .conftest import SAMPLES

pytestmark = pytest.mark.skipif(not can_fork(), reason="the platform cannot fork")


@pytest.fixture(scope="module")
def articles() -> list:
    """240 articles: the samples, each cut at a different paragraph (enough to take the parallel path)."""
    base = ingest.ingest([SAMPLES], IngestOptions()).articles
    out = []
    for n in range(240):
        article = base[n % len(base)]
        paragraphs = article.text.split("\n")
        out.append(replace(article, id=f"{article.id}-{n}", text="\n".join(paragraphs[: 3 + n % 9])))
    return out


def test_parallel_analysis_is_the_serial_analysis(articles: list) -> None:
    parallel = analyze.analyze_all(articles, Options(workers=2))
    assert parallel == [analyze.analyze(a) for a in articles]
    assert gc.get_freeze_count() == 0


def test_parallel_packed_analysis_is_the_serial_analysis(articles: list) -> None:
    parallel = analyze.analyze_packed(articles, Options(workers=2))
    serial = [analyze.analyze(a) for a in articles]
    assert [p.whole() for p in parallel] == serial
    assert [p.lite for p in parallel] == [packing.lite(a) for a in serial]
    assert gc.get_freeze_count() == 0


def test_packed_lite_analyses_share_their_words(articles: list) -> None:
    # The first and the last article come back from different workers' chunks, as different string objects.
    parallel = analyze.analyze_packed(articles, Options(workers=2))
    first, last = parallel[0].lite, parallel[-1].lite
    shared = {t for s in first.sentences for t in s.tokens} & {t for s in last.sentences for t in s.tokens}
    assert shared
    by_value = {t: t for s in first.sentences for t in s.tokens}
    assert all(by_value[t] is t for s in last.sentences for t in s.tokens if t in shared)
    names = {m.text: m.text for m in first.mentions}
    assert all(names[m.text] is m.text for m in last.mentions if m.text in names)


def test_packed_analyses_are_spilled_to_a_file_and_read_back(articles: list) -> None:
    packed = analyze.analyze_packed(articles[:20], Options(workers=1))
    assert all(isinstance(p.blob, packing.Spilled) for p in packed)
    assert [p.whole() for p in packed] == [analyze.analyze(a) for a in articles[:20]]


def test_packed_analyses_stay_in_memory_without_a_temporary_file(
    articles: list, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse() -> None:
        raise OSError("read-only file system")

    monkeypatch.setattr(packing.tempfile, "TemporaryFile", refuse)
    packed = analyze.analyze_packed(articles[:5], Options(workers=1))
    assert all(isinstance(p.blob, bytes) for p in packed)
    assert [p.whole() for p in packed] == [analyze.analyze(a) for a in articles[:5]]


def test_forked_synthesis_reads_spilled_analyses(articles: list) -> None:
    packed = analyze.analyze_packed(articles[:220], Options(workers=2))
    groups = [[i, i + 1] for i in range(0, 220, 2)]
    options = Options(workers=2)
    assert synthesize.synthesize_all(packed, groups, options) == synthesize.synthesize_all(
        [packing.pack(p.whole()) for p in packed], groups, replace(options, workers=1)
    )


def test_parallel_synthesis_is_the_serial_synthesis(articles: list) -> None:
    packed = [packing.pack(analyze.analyze(a)) for a in articles[:220]]
    groups = [[i, i + 1] for i in range(0, 220, 2)]  # 110 stories: above the parallel threshold
    options = Options(workers=2)
    parallel = synthesize.synthesize_all(packed, groups, options)
    assert parallel == synthesize.synthesize_all(packed, groups, replace(options, workers=1))
    assert [len(s.articles) for s in parallel] == [2] * 110
    assert [s.articles for s in parallel] == [tuple(articles[i] for i in group) for group in groups]
    assert gc.get_freeze_count() == 0
