"""Story clustering: a partition always, independent of input order; the samples are one story; another story
stays apart; an article in English on the samples' story joins it."""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import replace
from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from digest import analyze, ingest
from digest.cluster import cluster
from digest.document import Analysis, Article, Sentence
from digest.options import ClusterOptions, Options

from .conftest import SAMPLES

# A different story (the CAF Champions League final), told three ways.
FOOTBALL = (
    "توج فريق الوداد الرياضي بلقب دوري أبطال أفريقيا لكرة القدم بعد فوزه على النادي الأهلي المصري بهدفين "
    "دون رد في المباراة النهائية التي احتضنها ملعب محمد الخامس بالدار البيضاء. وسجل زهير المترجي هدفي "
    "الوداد في الشوطين الأول والثاني، ليحرز الفريق الأحمر اللقب القاري للمرة الثالثة في تاريخه. "
    "واحتفل آلاف المشجعين في شوارع الدار البيضاء حتى ساعة متأخرة من الليل.",
    "أحرز الوداد البيضاوي كأس دوري أبطال أفريقيا إثر تغلبه على الأهلي بنتيجة 2-0 في النهائي على أرضية "
    "ملعب محمد الخامس. وأمضى المهاجم زهير المترجي هدفين قادا الوداد إلى التتويج الثالث في المسابقة. "
    "وقال مدرب الوداد إن لاعبيه قدموا مباراة كبيرة أمام جماهيرهم في الدار البيضاء.",
    "فاز الوداد على الأهلي المصري بهدفين نظيفين في نهائي دوري أبطال أفريقيا بالدار البيضاء، "
    "وتوج باللقب للمرة الثالثة. وسجل المترجي الهدفين، فيما عجز الأهلي عن العودة في النتيجة رغم "
    "محاولاته في الشوط الثاني. وخرجت جماهير الوداد للاحتفال بالتتويج في شوارع المدينة.",
)

# The samples' story in English (a wire-style report written for this test).
ENGLISH = (
    "Marrakesh hosts Global Coalition against ISIS ministerial meeting\n\n"
    "MARRAKESH, May 11 (Reuters) - Foreign ministers and senior officials of the Global Coalition to Defeat ISIS "
    "met in Marrakesh on Wednesday, the first time the coalition's ministerial meeting has been held in Africa, "
    "Moroccan Foreign Minister Nasser Bourita said.\n"
    "U.S. Secretary of State Antony Blinken, who tested positive for COVID-19, was represented by Under Secretary "
    "Victoria Nuland, the State Department said.\n"
    "Bourita told reporters the meeting would focus on the threat posed by Daesh affiliates in the Sahel and West "
    "Africa, where attacks have risen sharply.\n"
    "Spain's foreign minister Jose Manuel Albares and Norway's Anniken Huitfeldt also attended the meeting."
)


# Another story in English: it must not join the coalition story for sharing a country or a date.
ENGLISH_FOOTBALL = (
    "Wydad Casablanca win African Champions League\n\n"
    "CASABLANCA, May 30 - Wydad Casablanca beat Egypt's Al Ahly 2-0 in the African Champions League final at the "
    "Mohammed V stadium in Morocco on Monday, with Zouhair El Moutaraji scoring both goals.\n"
    "It is the third continental title for the Moroccan club, whose fans celebrated late into the night."
)


def _analysed(article_id: str, text: str, language: str = "ar", published: datetime | None = None) -> Analysis:
    return analyze.analyze(Article(id=article_id, text=text, language=language, published=published))


@pytest.fixture(scope="module")
def samples() -> list[Analysis]:
    result = ingest.ingest([SAMPLES], Options().ingest)
    return [analyze.analyze(a) for a in result.articles]


@pytest.fixture(scope="module")
def football() -> list[Analysis]:
    return [_analysed(f"football-{k}", text, published=datetime(2022, 5, 30)) for k, text in enumerate(FOOTBALL)]


def _partition(analyses: list[Analysis], options: ClusterOptions) -> set[frozenset[str]]:
    return {frozenset(analyses[i].article.id for i in group) for group in cluster(analyses, options)}


def test_the_samples_are_one_story(samples: list[Analysis]) -> None:
    assert len(samples) == 5
    assert cluster(samples, ClusterOptions()) == [[0, 1, 2, 3, 4]]


def test_a_different_story_stays_apart(samples: list[Analysis], football: list[Analysis]) -> None:
    day = samples + football
    stories = _partition(day, ClusterOptions())
    assert stories == {frozenset(a.article.id for a in samples), frozenset(a.article.id for a in football)}


def test_an_english_article_joins_the_arabic_story(samples: list[Analysis], football: list[Analysis]) -> None:
    english = _analysed("en-reuters", ENGLISH, language="en", published=datetime(2022, 5, 11, 18))
    other = _analysed("en-football", ENGLISH_FOOTBALL, language="en", published=datetime(2022, 5, 30, 22))
    day = [*samples, *football, english, other]
    stories = _partition(day, ClusterOptions())
    assert frozenset([*(a.article.id for a in samples), "en-reuters"]) in stories
    assert not any("en-football" in story and "en-reuters" in story for story in stories)


def test_without_cross_language_links_it_stays_alone(samples: list[Analysis]) -> None:
    english = _analysed("en-reuters", ENGLISH, language="en", published=datetime(2022, 5, 11, 18))
    stories = _partition([*samples, english], replace(ClusterOptions(), cross_language_weight=0.0))
    assert frozenset(["en-reuters"]) in stories


def test_time_bounds_a_story(football: list[Analysis]) -> None:
    """The same text a month later is another story; undated, it may join."""
    late = replace(football[0].article, id="late", published=datetime(2022, 7, 1))
    undated = replace(football[0].article, id="undated", published=None)
    day = [*football, analyze.analyze(late), analyze.analyze(undated)]
    stories = _partition(day, ClusterOptions())
    assert frozenset(["late"]) in stories
    assert any("undated" in story and "football-0" in story for story in stories)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_shuffled_input_gives_the_same_partition(samples: list[Analysis], football: list[Analysis], seed: int) -> None:
    day = samples + football + _synthetic_day(30, seed=seed)
    expected = _partition(day, ClusterOptions())
    shuffled = list(day)
    random.Random(seed).shuffle(shuffled)
    assert _partition(shuffled, ClusterOptions()) == expected


def _synthetic_day(n: int, seed: int) -> list[Analysis]:
    """Articles made of story words and common words (no analysis needed: fast)."""
    rng = random.Random(seed)
    common = [f"عام{k}" for k in range(200)]
    analyses = []
    for k in range(n):
        story = k % 6
        words = [f"قصة{story}كلمة{w}" for w in range(25)]
        tokens = tuple(rng.choice(words) for _ in range(40)) + tuple(rng.choice(common) for _ in range(60))
        article = Article(id=f"syn-{seed}-{k:03d}", text=" ".join(tokens), outlet=f"outlet{k % 7}")
        analyses.append(Analysis(article, (Sentence(article.id, 0, article.text, tokens),), tokens))
    return analyses


def test_synthetic_stories_are_found() -> None:
    day = _synthetic_day(36, seed=7)
    stories = _partition(day, ClusterOptions())
    expected = {frozenset(a.article.id for k, a in enumerate(day) if k % 6 == s) for s in range(6)}
    assert stories == expected


_words = st.sampled_from(["مراكش", "بلينكن", "التحالف", "الوداد", "الأهلي", "اجتماع", "هدف", "وزير", "داعش", "كرة"])


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.lists(_words, min_size=0, max_size=30),
            st.sampled_from(["a.ma", "b.ma", None]),
            st.one_of(st.none(), st.integers(1, 60)),
        ),
        min_size=0,
        max_size=25,
    )
)
def test_every_article_is_in_exactly_one_story(items: list[tuple[list[str], str | None, int | None]]) -> None:
    analyses = []
    for k, (tokens, outlet, day) in enumerate(items):
        published = datetime(2022, 1, 1).replace(day=1 + (day or 1) % 28, month=1 + (day or 1) // 28) if day else None
        article = Article(id=f"a{k}", text=" ".join(tokens), outlet=outlet, published=published)
        analyses.append(Analysis(article, (Sentence(article.id, 0, article.text, tuple(tokens)),), tuple(tokens)))
    groups = cluster(analyses, ClusterOptions())
    flat = sorted(i for g in groups for i in g)
    assert flat == list(range(len(analyses)))
    assert all(g == sorted(g) and g for g in groups)
    assert [g[0] for g in groups] == sorted(g[0] for g in groups)


def test_options_are_read_from_the_options_file(tmp_path: Path) -> None:
    from digest.options import load_options

    config = tmp_path / "digest.toml"
    config.write_text("[cluster]\nthreshold = 0.5\nlinkage = 'centroid'\n", encoding="utf-8")
    options = load_options(config)
    assert options.cluster.threshold == 0.5
    assert options.cluster.linkage == "centroid"


@pytest.mark.parametrize("keep", [0, 1, 3, 10])
@pytest.mark.parametrize("seed", [0, 1])
def test_top_mask_keeps_each_rows_largest(keep: int, seed: int) -> None:
    import numpy as np

    from digest.cluster import _top_mask

    rng = np.random.default_rng(seed)
    lengths = rng.integers(0, 8, 40)
    indptr = np.concatenate([[0], np.cumsum(lengths)])
    values = rng.integers(0, 5, int(lengths.sum())).astype(np.float64)  # many ties: the earlier entry wins
    mask = _top_mask(indptr, values, keep)
    for row in range(len(lengths)):
        lo, hi = indptr[row], indptr[row + 1]
        expected = sorted(range(lo, hi), key=lambda k: (-values[k], k))[:keep]
        assert sorted(np.flatnonzero(mask[lo:hi]) + lo) == sorted(expected)


def test_cosines_of_pairs_match_the_full_product() -> None:
    import numpy as np
    from scipy import sparse

    from digest.cluster import _cosines

    matrix = sparse.random(60, 500, density=0.05, format="csr", random_state=3, dtype=np.float32)
    first = np.repeat(np.arange(60), 5)
    second = np.random.default_rng(3).integers(0, 60, len(first))
    full = (matrix @ matrix.T).toarray()
    assert np.allclose(_cosines(matrix, first, second), full[first, second], atol=1e-5)


def test_a_ticker_page_joins_the_story_of_its_passage() -> None:
    """A long page of unrelated headlines that carries one story in one paragraph joins that story when
    passages are compared, and stays out when they are not (word pairs off too: the page's only pairs seen
    elsewhere are the story's, which would bring it in by themselves)."""
    day = _synthetic_day(36, seed=11)
    rng = random.Random(5)
    story = [f"قصة0كلمة{w}" for w in range(25)]
    filler = tuple(f"عنوان{k}" for k in range(400))  # words of no other article: unrelated headlines
    tokens = filler[:200] + tuple(rng.choice(story) for _ in range(60)) + filler[200:]
    ticker = Article(id="ticker", text=" ".join(tokens), outlet="aggregator.example")
    day.append(Analysis(ticker, (Sentence("ticker", 0, ticker.text, tokens),), tokens))
    story_ids = {a.article.id for k, a in enumerate(day[:36]) if k % 6 == 0}
    off = replace(ClusterOptions(), attach_threshold=1.0, passage_threshold=1.0, pair_weight=0.0)
    assert frozenset(["ticker"]) in _partition(day, off)
    on = replace(off, passage_threshold=0.3)
    assert frozenset([*story_ids, "ticker"]) in _partition(day, on)


@pytest.mark.parametrize("keep", [1, 3, 10])
def test_coarse_top_mask_keeps_as_many_and_the_best(keep: int) -> None:
    import numpy as np

    from digest.cluster import _top_mask_coarse

    rng = np.random.default_rng(keep)
    lengths = rng.integers(0, 30, 50)
    indptr = np.concatenate([[0], np.cumsum(lengths)])
    values = rng.random(int(lengths.sum()))
    mask = _top_mask_coarse(indptr, values, keep)
    for row in range(len(lengths)):
        lo, hi = indptr[row], indptr[row + 1]
        assert mask[lo:hi].sum() == min(keep, hi - lo)
        if hi > lo:  # nothing dropped is more than one bucket above what is kept
            step = values[lo:hi].max() / 256
            assert values[lo:hi][mask[lo:hi]].min() >= values[lo:hi][~mask[lo:hi]].max(initial=0) - step


def test_pair_counts_stay_within_an_article_and_need_two_articles() -> None:
    import numpy as np

    from digest.cluster import _pair_counts

    # Three articles: [1 2 3], [1 2 9], [3 1 2]; the stream joins them, pairs must not cross the joins.
    ids = np.array([1, 2, 3, 1, 2, 9, 3, 1, 2], dtype=np.int32)
    starts = np.array([0, 3, 6, 9])
    counts = _pair_counts((ids, starts), 3, min_df=2)
    assert counts.shape[1] == 1  # only (1, 2) is in two articles; (3, 1) would be too if pairs crossed joins
    assert counts[:, 0].toarray().ravel().tolist() == [1.0, 1.0, 1.0]
    every = _pair_counts((ids, starts), 3, min_df=1)
    assert every.shape[1] == 4  # (1, 2) (2, 3) (2, 9) (3, 1); nothing across the joins
    assert every.sum() == 6


def test_shared_phrases_bring_copies_of_a_report_closer() -> None:
    """Two rewrites of one report share its phrases; a third article with the same words in another order
    shares only words: with word pairs the copies are closer to each other than to it, without they are not."""
    from digest.cluster import _vectors

    phrase = [
        "أطلق",
        "الحوثيون",
        "صاروخا",
        "باليستيا",
        "على",
        "الرياض",
        "وقالت",
        "السفيرة",
        "الأمريكية",
        "إنه",
        "يحمل",
        "بصمات",
        "إيرانية",
    ]
    rng = random.Random(3)
    shuffled = list(phrase)
    rng.shuffle(shuffled)
    texts = {"copy-a": [*phrase, "أمس"], "copy-b": ["اليوم", *phrase], "other": shuffled}
    analyses = []
    for article_id, words in texts.items():
        article = Article(id=article_id, text=" ".join(words))
        tokens = tuple(words)
        analyses.append(Analysis(article, (Sentence(article_id, 0, article.text, tokens),), tokens))

    def gap(options: ClusterOptions) -> float:
        vectors = _vectors(analyses, options)[0]
        sims = (vectors @ vectors.T).toarray()
        return float(sims[0, 1] - max(sims[0, 2], sims[1, 2]))

    base = replace(ClusterOptions(), name_weight=0.0, char_weight=0.0, number_weight=0.0, lead_boost=0)
    assert gap(replace(base, pair_weight=0.0)) < 0.01
    assert gap(replace(base, pair_weight=1.5)) > 0.2


def test_the_same_wording_with_other_names_is_another_story() -> None:
    """Two articles written on one template (the same common words in the same order) about different people
    and places share phrases but no rarer word: they are linked only without the guard on rarer words."""
    day = _synthetic_day(36, seed=13)
    spread = Counter(word for a in day for word in set(a.terms) if word.startswith("عام"))
    template = tuple(sorted(spread, key=lambda w: (-spread[w], w))[:40])  # the day's commonest words
    for article_id, names in (("template-a", ("زيد", "عمرو", "بكر")), ("template-b", ("هند", "سعاد", "ليلى"))):
        tokens = template + names * 2
        article = Article(id=article_id, text=" ".join(tokens), outlet=f"{article_id}.example")
        day.append(Analysis(article, (Sentence(article_id, 0, article.text, tokens),), tokens))
    pair = frozenset(["template-a", "template-b"])
    assert pair in _partition(day, replace(ClusterOptions(), rare_min=0.0))
    assert pair not in _partition(day, ClusterOptions())
    assert not any(pair & story and len(story) > 1 for story in _partition(day, ClusterOptions()))
