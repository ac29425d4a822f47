"""The story summary: budget, sources across outlets, algorithms, filters, order, headline, the samples."""

from __future__ import annotations

import itertools
import random
from dataclasses import replace
from datetime import datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from digest import analyze, ingest
from digest.document import Analysis, Article
from digest.errors import ConfigError
from digest.lang import arabic
from digest.options import IngestOptions, SummaryOptions
from digest.synthesize import summary as summarize

from .conftest import SAMPLES

OPTIONS = SummaryOptions()


def story(*texts: str, titles: tuple[str | None, ...] = (), days: tuple[int, ...] = ()) -> list[Analysis]:
    """Analyses of articles a0, a1... with the given texts (published on 2022-05-<day>)."""
    articles = [
        Article(
            id=f"a{i}",
            text=text,
            title=titles[i] if i < len(titles) else None,
            outlet=f"outlet{i}",
            published=datetime(2022, 5, days[i] if i < len(days) else 10, 9),
        )
        for i, text in enumerate(texts)
    ]
    return [analyze.analyze(a) for a in articles]


@pytest.fixture(scope="module")
def samples() -> list[Analysis]:
    result = ingest.ingest([SAMPLES], IngestOptions())
    return [analyze.analyze(a) for a in result.articles]


@pytest.fixture(scope="module")
def samples_with_oped() -> list[Analysis]:
    """The samples, with sample 001 read raw: its appended op-ed and comment furniture left in."""
    result = ingest.ingest([SAMPLES], IngestOptions())
    raw = (SAMPLES / "001_e15a76a4801cf1d0.txt").read_text(encoding="utf-8")
    articles = [replace(a, text=raw) if a.id.startswith("001") else a for a in result.articles]
    return [analyze.analyze(a) for a in articles]


# --- the samples -------------------------------------------------------------------------------------------


def test_samples_summary_says_marrakesh_and_blinken_absent(samples: list[Analysis]) -> None:
    summary = summarize.summarize(samples, OPTIONS)
    text = " ".join(arabic.normalize(s.text) for s in summary.sentences)
    assert "مراكش" in text
    assert any(w in text for w in ("غياب", "يغيب", "عدم تمكنه")) and "بلينك" in text


@pytest.mark.parametrize("algorithm", ["lexrank", "textrank", "lsa"])
def test_samples_no_furniture_no_oped(samples_with_oped: list[Analysis], algorithm: str) -> None:
    options = replace(OPTIONS, algorithm=algorithm, sentences=8, max_words=400)
    summary = summarize.summarize(samples_with_oped, options)
    assert summary.sentences
    ids = {a.article.id for a in samples_with_oped}
    for sentence in summary.sentences:
        assert set(sentence.sources) <= ids and sentence.sources
        assert summarize.reject_reason(sentence.text, options) is None
        for foreign in ("لقجع", "لارانغو", "المونديال", "التعليقات", "تويتر", "pic.twitter"):
            assert foreign not in sentence.text


def test_samples_headline_is_a_title_not_a_date_line(samples: list[Analysis]) -> None:
    summary = summarize.summarize(samples, OPTIONS)
    titles = {a.article.title for a in samples}
    assert summary.headline in titles
    assert not summarize.is_date_line(summary.headline)
    assert arabic.arabic_ratio(summary.headline) > 0.9


def test_deterministic(samples: list[Analysis]) -> None:
    first = summarize.summarize(samples, OPTIONS)
    second = summarize.summarize(list(reversed(samples)), OPTIONS)
    assert first == second


# --- budget, algorithms, errors ------------------------------------------------------------------------------


@pytest.mark.parametrize("algorithm", ["lexrank", "textrank", "lsa"])
@pytest.mark.parametrize(("sentences", "max_words"), [(1, 500), (3, 500), (10, 60), (2, 25)])
def test_budget_respected(samples: list[Analysis], algorithm: str, sentences: int, max_words: int) -> None:
    options = replace(OPTIONS, algorithm=algorithm, sentences=sentences, max_words=max_words)
    summary = summarize.summarize(samples, options)
    assert 1 <= len(summary.sentences) <= sentences
    words = sum(len(arabic.words(s.text)) for s in summary.sentences)
    assert words <= max_words or len(summary.sentences) == 1


def test_unknown_algorithm_is_a_config_error(samples: list[Analysis]) -> None:
    with pytest.raises(ConfigError, match="unknown summarizer 'gpt'"):
        summarize.summarize(samples, replace(OPTIONS, algorithm="gpt"))


def test_empty_story() -> None:
    assert summarize.summarize([], OPTIONS).sentences == ()


# --- merging and sources -------------------------------------------------------------------------------------

SHARED = "أعلنت وزارة الخارجية المغربية أن الاجتماع الوزاري للتحالف الدولي ضد داعش ينعقد في مراكش يوم الأربعاء."
SHARED_VARIANT = (
    "وأعلنت وزارة الخارجية المغربية، أن الاجتماع الوزاري للتحالف الدولي ضد داعش ينعقد في مراكش يوم الأربعاء."
)


def test_near_identical_sentences_are_merged_and_credited_to_every_outlet() -> None:
    analyses = story(
        SHARED + " وقال مسؤول إن ممثلي أكثر من ثمانين دولة سيحضرون الاجتماع في المدينة الحمراء.",
        SHARED_VARIANT + " وأضاف المصدر أن الوفود بدأت تصل إلى مراكش منذ مساء الاثنين الماضي للمشاركة.",
        "ذكرت مصادر أن " + SHARED + " ويتوقع أن يناقش الاجتماع خطر التنظيم في منطقة الساحل الأفريقي.",
    )
    summary = summarize.summarize(analyses, replace(OPTIONS, sentences=3))
    merged = [s for s in summary.sentences if "مراكش يوم الأربعاء" in s.text]
    assert len(merged) == 1
    assert set(merged[0].sources) == {"a0", "a1", "a2"}


def _brute_force_pairs(sets: list[frozenset[str]], threshold: float) -> set[tuple[int, int]]:
    return {
        (j, i)
        for j, i in itertools.combinations(range(len(sets)), 2)
        if summarize.jaccard(sets[j], sets[i]) >= threshold
    }


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.frozensets(st.sampled_from("abcdefghij"), min_size=1, max_size=6), max_size=25),
    st.sampled_from([0.3, 0.5, 0.7, 1.0]),
)
def test_prefix_filter_join_finds_exactly_the_similar_pairs(sets: list[frozenset[str]], threshold: float) -> None:
    assert set(summarize.similar_pairs(sets, threshold)) == _brute_force_pairs(sets, threshold)


def test_large_story_is_capped_and_still_summarised() -> None:
    rng = random.Random(7)
    letters = "بتثجحخدذرزسشصضطظعغفقكلمنهي"
    vocabulary = ["".join(rng.choice(letters) for _ in range(5)) for _ in range(300)]
    texts = []
    for _ in range(60):
        sentences = [" ".join(rng.choice(vocabulary) for _ in range(12)) + "." for _ in range(8)]
        texts.append(" ".join(sentences))
    options = replace(OPTIONS, max_candidates=50, min_centroid_similarity=0.0)
    summary = summarize.summarize(story(*texts), options)
    assert 1 <= len(summary.sentences) <= options.sentences


# --- filters, order, headline -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "line",
    [
        "السبت 23 أبريل 2022 على الساعة 00:05",
        "الأربعاء 20 أبريل 2022 - 12:00",
        "الصحيفة – محمد سعيد أرباط",
        "El ministro de Asuntos Exteriores, José Manuel Albares, y el secretario de Estado, Antony Blinken",
        "يمكنكم الآن متابعة آخر الأخبار مجاناً من خلال حسابنا على تويتر",
        "تابع آخر الأخبار من مدار21 على WhatsApp تابع آخر الأخبار من مدار21 على Google News",
        "جميع التعليقات المنشورة تعبر عن رأي كتّابها ولا تعبر بالضرورة عن رأي الموقع",
        "بلينكن وبوريطة في لقاء سابق جرى في واشنطن",
        "اقرأ أيضا: الجامعة العربية تقدم رؤيتها لمكافحة الارهاب في أفريقيا.",
    ],
)
def test_furniture_like_lines_are_rejected(line: str) -> None:
    assert summarize.reject_reason(line, OPTIONS) is not None


@pytest.mark.parametrize(
    "sentence",
    [
        "تأكد رسميا غياب وزير الخارجية الأمريكي عن الاجتماع الوزاري الذي ينعقد في مراكش يوم غد الأربعاء.",
        "وقال بلينكن في تغريدة إنه يأسف لعدم تمكنه من المشاركة في الاجتماع.",
    ],
)
def test_news_sentences_are_kept(sentence: str) -> None:
    assert summarize.reject_reason(sentence, OPTIONS) is None


def test_furniture_lines_never_chosen_even_when_central() -> None:
    furniture = "تابع آخر أخبار الاجتماع الوزاري للتحالف الدولي ضد داعش في مراكش على WhatsApp"
    date_line = "الثلاثاء 10 ماي 2022 على الساعة 18:30"
    analyses = story(
        f"{furniture}\n{date_line}\n{SHARED} وحضر الاجتماع وزراء من دول عديدة في المنطقة والعالم.",
        f"{date_line}\n{furniture}\n{SHARED_VARIANT} وناقش الوزراء خطر التنظيم في أفريقيا ومنطقة الساحل.",
    )
    summary = summarize.summarize(analyses, replace(OPTIONS, sentences=10, max_words=1000))
    texts = [s.text for s in summary.sentences]
    assert texts and furniture not in texts and date_line not in texts


def test_background_goes_last_and_newest_news_first() -> None:
    old = (
        "من المنتظر أن يحتضن المغرب الاجتماع الوزاري للتحالف الدولي ضد داعش في مراكش الشهر المقبل بحضور الوزراء. "
        "وتأسس التحالف الدولي ضد داعش عام 2014 بقيادة الولايات المتحدة لمحاربة التنظيم في العراق وسوريا."
    )
    new = (
        "افتتح في مراكش اليوم الاجتماع الوزاري للتحالف الدولي ضد داعش بحضور وزراء خارجية عشرات الدول. "
        "وناقش الوزراء في الاجتماع الوزاري للتحالف الدولي تصاعد خطر داعش في أفريقيا ومنطقة الساحل."
    )
    analyses = story(old, new, days=(20, 11))
    analyses[0] = replace(analyses[0], article=replace(analyses[0].article, published=datetime(2022, 4, 20)))
    summary = summarize.summarize(analyses, replace(OPTIONS, sentences=4, max_words=1000))
    texts = [s.text for s in summary.sentences]
    assert texts[0].startswith("افتتح")
    assert texts[-1].startswith("وتأسس")


def test_headline_skips_date_lines_and_prefers_the_representative_title() -> None:
    analyses = story(
        SHARED + " وحضر الاجتماع وزراء خارجية عشرات الدول في مراكش.",
        SHARED_VARIANT + " وناقش الوزراء خطر التنظيم في أفريقيا.",
        titles=("السبت 23 أبريل 2022 على الساعة 00:05", "مراكش تحتضن الاجتماع الوزاري للتحالف الدولي ضد داعش"),
    )
    assert summarize.headline(analyses, OPTIONS) == "مراكش تحتضن الاجتماع الوزاري للتحالف الدولي ضد داعش"


def test_headline_without_titles_is_a_lead_sentence() -> None:
    analyses = story("عاجل\n" + SHARED + " وحضر الاجتماع وزراء خارجية عشرات الدول في مراكش.")
    assert summarize.headline(analyses, OPTIONS) == SHARED


def test_dateline_is_cut_from_sentences() -> None:
    assert summarize.strip_dateline("إيلاف من الرباط:أجرى وزير الخارجية المغربي محادثة هاتفية مع نظيره.") == (
        "أجرى وزير الخارجية المغربي محادثة هاتفية مع نظيره."
    )
    kept = "وقال وزير الخارجية في مراكش: إن الاجتماع مهم جدا للجميع."
    assert summarize.strip_dateline(kept) == kept


@pytest.mark.parametrize(
    "credited",
    [
        "12 / 05 / 2022 إذاعة الشمال / أ ف ب أجرى وزير الخارجية المغربي محادثة هاتفية مع نظيره.",  # date, site, wire
        "الرباط ( رويترز ) - أجرى وزير الخارجية المغربي محادثة هاتفية مع نظيره.",
        "الشمال نيوز تحرير : أجرى وزير الخارجية المغربي محادثة هاتفية مع نظيره.",  # a site's credit line
        "الوزير يصافح نظيره في الرباط أمس - جيتي أجرى وزير الخارجية المغربي محادثة هاتفية مع نظيره.",  # a caption
        "ص أجرى وزير الخارجية المغربي محادثة هاتفية مع نظيره.",  # a stray letter (a photo icon's alt text)
        ") أجرى وزير الخارجية المغربي محادثة هاتفية مع نظيره.",  # a bracket left from a cut caption
        "الشمال نيوز / أجرى وزير الخارجية المغربي محادثة هاتفية مع نظيره.",  # a site's name and a slash
    ],
)
def test_a_credit_before_the_lead_is_cut(credited: str) -> None:
    assert summarize.strip_dateline(credited) == "أجرى وزير الخارجية المغربي محادثة هاتفية مع نظيره."


def test_long_lead_headline_is_cut_after_a_clause_never_rewritten() -> None:
    lead = (
        "على هامش الاجتماع الوزاري للتحالف الدولي لهزيمة تنظيم داعش، اجرى وزير الخارجية، ناصر بوريطة ،اليوم "
        "بمراكش ،مباحثات مع عدد من نظرائه، من بينهم وزير الشؤون الخارجية والاتحاد الأوروبي والتعاون الإسباني، "
        "خوسي مانويل ألباريس، وهو اللقاء الأول بين الوزيرين منذ عودة العلاقات الثنائية بين المملكتين."
    )
    cut = summarize.shorten_to_clause(lead, OPTIONS)
    assert lead.startswith(cut) and len(arabic.words(cut)) <= OPTIONS.headline_max_words
    assert cut.endswith("مباحثات مع عدد من نظرائه")
    no_comma = " ".join(["كلمة"] * 40)
    assert summarize.shorten_to_clause(no_comma, OPTIONS) == no_comma


# --- the sentence splitter changes made for the summarizer (digest/arabic.py) --------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("رسميا.. بلينكين يغيب عن الاجتماع.", ["رسميا.. بلينكين يغيب عن الاجتماع."]),
        ("أشاد بالمغرب ضد داعش.كما أشاد بدوره.", ["أشاد بالمغرب ضد داعش.", "كما أشاد بدوره."]),
        ("التقى الشيخ د.أحمد الصباح بالوزير.", ["التقى الشيخ د.أحمد الصباح بالوزير."]),
        ("عنوان قصير\nفقرة أولى.", ["عنوان قصير", "فقرة أولى."]),
        # words left out of a quote: one mark, never a sentence's end
        (
            'قال إن " الطيران دمر أكبر مستودع ( . . . ) للذخيرة " قرب إدلب . وأضاف أنه كبير .',
            ['قال إن " الطيران دمر أكبر مستودع (…) للذخيرة " قرب إدلب .', "وأضاف أنه كبير ."],
        ),
        ("وأضاف [...] أن المستودع كبير.", ["وأضاف […] أن المستودع كبير."]),
    ],
)
def test_split_sentences_press_conventions(text: str, expected: list[str]) -> None:
    assert arabic.split_sentences(text) == expected


def test_hard_wrapped_lines_are_joined_but_short_lines_kept() -> None:
    wrapped = (
        "قال وزير النفط إن ارتفاع أسعار البيع الرسمية لنفوط الشرق الأوسط وتنامي\n"
        "الطلب في آسيا دفعا السوق إلى مستويات قياسية خلال الشهر الماضي وذلك بعد\n"
        "أن رفعت الشركات الكبرى أسعار خاماتها الثقيلة لعقود يونيو المقبلة في\n"
        "الأسواق الآسيوية كلها.\n\nعنوان قصير\nجملة أخيرة."
    )
    sentences = arabic.split_sentences(wrapped)
    assert sentences[0].startswith("قال وزير النفط") and sentences[0].endswith("الأسواق الآسيوية كلها.")
    assert sentences[1:] == ["عنوان قصير", "جملة أخيرة."]


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from("اب تث.\n؟!،:x ")))
def test_split_sentences_never_crashes_and_keeps_letters(text: str) -> None:
    sentences = arabic.split_sentences(text)
    letters = [c for c in text if c in "ابتثx"]
    assert [c for s in sentences for c in s if c in "ابتثx"] == letters


def test_select_skips_a_sentence_over_the_word_budget_but_never_returns_nothing() -> None:
    def candidate(words: int, score: float, name: str) -> summarize.Candidate:
        return summarize.Candidate("x", name, 0, (name,), words, 1.0, None, False, [name], score=score)

    long, short = candidate(200, 2.0, "long"), candidate(30, 1.0, "short")
    assert summarize.select([long, short], OPTIONS, 5, 140) == [short]
    assert summarize.select([long], OPTIONS, 5, 140) == [long]
    assert summarize.select([long, short], OPTIONS, 5, 140, fill=True) == [long]


def test_matrix_lexrank_scores_are_sumys_lexrank_scores(
    samples: list[Analysis], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The vectorised LexRank gives sumy's own LexRank scores (rounded to 9 digits), sentence for sentence."""
    from sumy.summarizers.lex_rank import LexRankSummarizer

    items = summarize.candidates(samples, OPTIONS)
    texts, tokens = [c.text for c in items], [c.tokens for c in items]
    assert len(texts) > 50
    fast = summarize.rank(texts, "lexrank", tokens)
    monkeypatch.setitem(summarize.SUMMARIZERS, "lexrank", LexRankSummarizer)
    slow = summarize.rank(texts, "lexrank", tokens)
    assert fast == slow
    assert len(set(fast)) > 10  # a real ranking, not all ties


WIDGET = "صحيفة الأفق الجديد منبر مستقل يسعى إلى تقديم الخبر الصادق والتحليل الرصين لقرائه في كل مكان."
TOPICS = [
    "أعلنت وزارة الصحة في الأردن افتتاح مستشفى جديد في مدينة إربد يضم مئتي سرير وقسما للطوارئ.",
    "وقعت الحكومة المغربية اتفاقية مع شركة ألمانية لبناء محطة للطاقة الشمسية قرب مدينة ورزازات.",
    "فاز المنتخب التونسي على نظيره الليبي بهدفين دون رد في مباراة ودية أقيمت في ملعب رادس.",
    "ارتفعت أسعار النفط في الأسواق العالمية بعد قرار منظمة أوبك خفض الإنتاج خلال الشهر المقبل.",
]


def test_a_sentence_shared_by_unrelated_stories_is_site_furniture() -> None:
    analyses = story(*[f"{WIDGET}\n{topic}\n{topic.replace('.', ' وفق ما أفادت به مصادر رسمية.')}" for topic in TOPICS])
    groups = [[i] for i in range(len(TOPICS))]
    furniture = summarize.site_furniture(analyses, groups, OPTIONS)
    assert furniture == {analyses[0].sentences[0].tokens}
    for analysis in analyses:
        texts = [s.text for s in summarize.summarize([analysis], OPTIONS, furniture).sentences]
        assert texts and WIDGET not in texts
    # Without the day's other stories the widget looks like news: it is in the one-article story's summary.
    assert WIDGET in [s.text for s in summarize.summarize([analyses[0]], OPTIONS).sentences]
    # Two stories are not enough evidence, and 0 turns the rule off.
    assert summarize.site_furniture(analyses[:2], groups[:2], OPTIONS) == frozenset()
    assert summarize.site_furniture(analyses, groups, replace(OPTIONS, furniture_stories=0)) == frozenset()


# --- the lead of the best report, then what the others add -----------------------------------------------

LEAD_REPORT = (
    "انعقد في مراكش اليوم الاجتماع الوزاري للتحالف الدولي ضد داعش بحضور وزراء خارجية عشرات الدول. "
    "وناقش الوزراء في الاجتماع خطر تنظيم داعش في أفريقيا ومنطقة الساحل والصحراء. "
    "وأكد وزير الخارجية المغربي ناصر بوريطة أن التحالف سيواصل دعم دول المنطقة في مواجهة التنظيم."
)
OTHER_REPORT = (
    "قالت مصادر دبلوماسية إن وفودا من عدة دول وصلت أمس إلى المغرب للمشاركة في اجتماعات تستمر يومين. "
    "وأعلنت الولايات المتحدة تخصيص 148 مليون دولار لدعم جهود مكافحة التنظيم في أفريقيا خلال العام المقبل."
)
OFF_REPORT = "كتب محلل أن تنظيم داعش ما زال يملك خلايا نائمة في دول عربية عديدة وأن القضاء عليه يحتاج إلى سنوات طويلة."


def test_summary_is_the_best_report_lead_then_a_fact_the_others_add() -> None:
    analyses = story(OFF_REPORT, LEAD_REPORT, OTHER_REPORT, days=(10, 10, 11))
    options = replace(OPTIONS, sentences=5, max_words=200)
    assert summarize.best_report(analyses, summarize.ranked_candidates(analyses, options), options) == "a1"
    summary = summarize.summarize(analyses, options)
    texts = [s.text for s in summary.sentences]
    assert texts[0].startswith("انعقد في مراكش")  # the event first, as the best report leads with it
    added = [s for s in summary.sentences if "148" in s.text]
    assert added and added[0].sources[0] == "a2"  # the figure only the third report gives, credited to it
    assert texts.index(added[0].text) > 0


def test_a_single_article_summary_is_its_lead() -> None:
    (analysis,) = story(LEAD_REPORT)
    assert summarize.summarize_to_length(analysis, 20, OPTIONS) == [
        analysis.sentences[0].text,
        analysis.sentences[1].text,
    ]


def test_a_short_sentence_reads_in_a_lead_but_is_never_picked_alone() -> None:
    (analysis,) = story("ماذا يريد الوزير؟ " + LEAD_REPORT)
    assert summarize.summarize_to_length(analysis, 10, OPTIONS)[0] == "ماذا يريد الوزير؟"
    ranked = replace(OPTIONS, strategy="ranked")
    assert "ماذا يريد الوزير؟" not in summarize.summarize([analysis], ranked).sentences


def test_unknown_strategy_is_a_config_error(samples: list[Analysis]) -> None:
    with pytest.raises(ConfigError, match="unknown summary strategy 'best'"):
        summarize.summarize(samples, replace(OPTIONS, strategy="best"))


# --- headlines: given titles trimmed, found ones checked, else a short clean lead ---------------------------


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        (
            "زيارة مفاجئة لبوتين إلى سورية - Sputnik Arabic 21 يناير / كانون الثاني 2018 مباشر عاجل",
            "زيارة مفاجئة لبوتين إلى سورية",
        ),
        ("مظاهرات ضد اعتراف ترامب بالقدس عاصمة لإسرائيل - Almouwatin", "مظاهرات ضد اعتراف ترامب بالقدس عاصمة لإسرائيل"),
        ("ماكرون يدعو العراق لتفكيك الفصائل ماكرون يدعو العراق لتفكيك الفصائل", "ماكرون يدعو العراق لتفكيك الفصائل"),
        ("لافروف : جبهة النصرة مهمتنا الآن في سوريا", "لافروف : جبهة النصرة مهمتنا الآن في سوريا"),
        ("روسيا ترجح مقتل البغدادي في غارة على الرقة", "روسيا ترجح مقتل البغدادي في غارة على الرقة"),
    ],
)
def test_title_loses_its_site_name_and_date_widget(title: str, expected: str) -> None:
    assert summarize.trim_title(title) == expected


def test_a_found_title_ending_with_a_date_is_a_caption() -> None:
    caption = "وزير الخارجية خلال مؤتمر صحفي في الرياض 18 ديسمبر 2015"
    assert summarize.trim_title(caption, strict=True) == ""
    assert summarize.trim_title(caption) == "وزير الخارجية خلال مؤتمر صحفي في الرياض"


def test_a_site_name_that_the_site_puts_on_every_title_is_cut() -> None:
    texts = [f"{topic} {topic}" for topic in TOPICS[:3]]
    titles = tuple(
        f"وكالة أنباء المدينة - {topic.split(' ')[0]} {topic.split(' ')[1]} {topic.split(' ')[2]}"
        for topic in TOPICS[:3]
    )
    analyses = story(*texts, titles=titles)
    analyses = [replace(a, article=replace(a.article, url=f"https://news.example/{k}")) for k, a in enumerate(analyses)]
    furniture = summarize.site_furniture(analyses, [[0], [1], [2]], OPTIONS)
    trimmed = summarize.trim_title(titles[0], "ar", furniture, "news.example")
    assert trimmed == titles[0].split(" - ")[1]


def found_title(analysis: Analysis, title: str) -> Analysis:
    """The analysis with a title that ingest found above the body (not a given one)."""
    article = replace(analysis.article, title=title, inferred=(("title", "headline above the body"),))
    return replace(analysis, article=article)


@pytest.mark.parametrize(
    "title",
    [
        "نيوزويك الشرق الأوسط , رويترز",  # a credit line: nothing the body says
        "وأشار الوزير إلى أهمية الاجتماع الوزاري في مراكش",  # leans on a previous sentence
        "الاجتماع الوزاري للتحالف الدولي ضد داعش في مراكش { { fajer } }",  # a template marker
    ],
)
def test_a_found_title_that_is_no_headline_gives_way_to_a_lead(title: str) -> None:
    analyses = [found_title(a, title) for a in story(LEAD_REPORT, OTHER_REPORT)]
    headline = summarize.headline(analyses, OPTIONS)
    assert headline != title and headline.startswith(("انعقد", "افتتح"))


def test_without_titles_the_headline_skips_leads_that_lean_back() -> None:
    analyses = story("وأضاف الوزير أن الاجتماع الوزاري للتحالف الدولي ضد داعش ينعقد في مراكش اليوم.\n" + LEAD_REPORT)
    assert summarize.headline(analyses, OPTIONS).startswith("انعقد في مراكش")


def test_a_site_template_glued_to_sentences_keeps_them_out() -> None:
    breadcrumb = "الرئيسية أخبار عربية ودولية سياسة واقتصاد"
    texts = [
        f"{breadcrumb} {topic}\n{topic.replace('.', ' وفق ما أفادت به مصادر رسمية اليوم.')}" for topic in TOPICS[:2]
    ]
    analyses = [
        replace(a, article=replace(a.article, url=f"https://news.example/{k}")) for k, a in enumerate(story(*texts))
    ]
    groups = [[0], [1]]
    furniture = summarize.site_furniture(analyses, groups, replace(OPTIONS, furniture_stories=2))
    for analysis in analyses:
        texts_out = [s.text for s in summarize.summarize([analysis], OPTIONS, furniture).sentences]
        assert texts_out and not any("الرئيسية" in t for t in texts_out)


@pytest.mark.parametrize(
    ("title", "trimmed"),
    [
        ("موقع الأخبار : الوزير : لن نقبل بأي شروط مسبقة للحوار", "الوزير : لن نقبل بأي شروط مسبقة للحوار"),
        (
            "الجيش يستعيد السيطرة على المدينة - الجيش يستعيد السيطرة على المدينة وقال مصدر عسكري إن",
            "الجيش يستعيد السيطرة على المدينة",
        ),
        ("الوزير : لن نقبل بأي شروط مسبقة للحوار", "الوزير : لن نقبل بأي شروط مسبقة للحوار"),
    ],
)
def test_a_title_loses_its_sites_prefix_and_its_own_copy(title: str, trimmed: str) -> None:
    assert summarize.trim_title(title) == trimmed


@pytest.mark.parametrize(
    ("title", "trimmed"),
    [
        ("ارتفاع عدد قتلى الزلزال في المنطقة إلى 328", "ارتفاع عدد قتلى الزلزال في المنطقة إلى 328"),  # a count
        ("ص الوزير : بلغنا مرحلة جديدة في المفاوضات", "الوزير : بلغنا مرحلة جديدة في المفاوضات"),  # a clock's "ص"
        (
            "مسؤول : الحكومة تنفق الملايين على حلفائها في المنطقة (",
            "مسؤول : الحكومة تنفق الملايين على حلفائها في المنطقة",
        ),
    ],
)
def test_a_title_keeps_its_count_and_loses_a_clock_letter_and_a_dangling_bracket(title: str, trimmed: str) -> None:
    assert summarize.trim_title(title) == trimmed


@pytest.mark.parametrize(
    "lead",
    [
        "و أشار الوزير إلى أن الاجتماع الوزاري للتحالف الدولي ضد داعش ينعقد في مراكش اليوم.",  # "و" set apart
        "بدورها قالت الوزيرة إن الاجتماع الوزاري للتحالف الدولي ضد داعش ينعقد في مراكش اليوم.",
        "وتم إقرار جدول أعمال الاجتماع الوزاري للتحالف الدولي ضد داعش في مراكش اليوم.",
    ],
)
def test_a_lead_opening_with_a_connective_is_no_headline(lead: str) -> None:
    analyses = story(lead + "\n" + LEAD_REPORT)
    assert summarize.headline(analyses, OPTIONS).startswith("انعقد في مراكش")


def test_a_found_title_cut_short_gives_way() -> None:
    analyses = [found_title(a, "الوزراء يتفقون في مراكش على خطة لمنع التنظيم من التحول ل") for a in story(LEAD_REPORT)]
    assert summarize.headline(analyses, OPTIONS).startswith("انعقد")


def test_a_sentence_cut_after_a_preposition_is_never_used() -> None:
    cut = "واستقبل الوزير وفد المعارضة في مقر الوزارة وتحدث معه حول ."
    assert summarize.reject_reason(cut, OPTIONS) == "cut short (ends on a preposition or particle)"
    whole = "واستقبل الوزير وفد المعارضة في مقر الوزارة ولم يحسم الأمر بعد ."
    assert summarize.reject_reason(whole, OPTIONS) is None


@pytest.mark.parametrize(
    ("text", "title", "left"),
    [
        (  # a flattened page's title, twice with a banner between, before the report
            "الرباط تستضيف اجتماع التحالف الدولي عاجل الرباط تستضيف اجتماع التحالف الدولي "
            "قال وزير الخارجية المغربي إن الاجتماع سيعقد الأسبوع المقبل في الرباط .",
            None,
            "قال وزير الخارجية المغربي إن الاجتماع سيعقد الأسبوع المقبل في الرباط .",
        ),
        (  # the article's own title, after a rating widget's words
            "قيم المحتوى : بوريطة يستقبل بلينكن في الرباط أجرى وزير الخارجية المغربي محادثات مع نظيره الأمريكي اليوم .",
            "بوريطة يستقبل بلينكن في الرباط",
            "أجرى وزير الخارجية المغربي محادثات مع نظيره الأمريكي اليوم .",
        ),
        (  # a repeated phrase inside a report is not a title
            "قال الوزير إن الوزير قال إن الاتفاق قريب جدا من التوقيع في الرباط .",
            None,
            "قال الوزير إن الوزير قال إن الاتفاق قريب جدا من التوقيع في الرباط .",
        ),
        (  # too little report would be left
            "بوريطة يستقبل بلينكن في الرباط اليوم .",
            "بوريطة يستقبل بلينكن في الرباط",
            "بوريطة يستقبل بلينكن في الرباط اليوم .",
        ),
    ],
)
def test_a_title_glued_before_the_report_is_cut(text: str, title: str | None, left: str) -> None:
    assert summarize.strip_glued_title(text, title) == left


# --- summary sentences that stand on their own -------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("وأضاف أنه لن يحضر الاجتماع المقبل في الرباط .", True),
        ("وأعربت عن امتنانها للترحيب الذي لقيته في الرباط .", True),
        ("وقال آخر إن الدخان ما زال يتصاعد فوق الميناء .", True),
        ('وتابع " لن نقبل بأي شروط مسبقة للتفاوض " .', True),
        ("وأشار الوزير المغربي إلى أن الاجتماع سيعقد في الرباط .", False),  # the speaker is named
        ('وقال " بوريطة " إن الاجتماع سيعقد في الرباط .', False),  # a name in quotes, then what he said
        ("قال وزير الخارجية إن الاجتماع سيعقد في الرباط .", False),
        ('اضافت : " سأعمل على تعزيز العلاقة بين المنظمة والبلاد " .', True),  # written without its hamza
        ('وأضاف " بوريطة " قبل أن يغادر القاعة : " الاجتماع مفيد " .', False),
        ("وكانت قد زارت الأسبوع الماضي رئيس البرلمان في مكتبه .", True),
        ("وكان الوزير قد زار الأسبوع الماضي رئيس البرلمان في مكتبه .", False),
        ("وأضاف البيان أن السلطات سحبت بطاقات الإقامة من عدة لاجئين .", True),
        ("وقال لافروف إن الاجتماع المقبل سيعقد في موسكو .", False),  # a name that starts with "ل"
        ("كما وجهت الفصائل المسلحة تهديدات إلى سكان المدينة .", True),
        ("وأضاف البيان الصادر عن وزارة الداخلية أن السلطات سحبت بطاقات الإقامة .", False),
        ('وشدد الكرملين على أن " هذا الأمر هو ما تهدف إليه المبادرة " .', True),  # which matter?
        ("وتوغلت قوات الجيش , فجر اليوم ذاته , إلى الأراضي السورية .", True),  # which day?
        ("ووصف الوزير هذه الخطوة بأنها تصعيد خطير .", True),
        ("وأعلنت الوزارة هذا العام عن خطة جديدة للنقل .", False),  # this year: no referent needed
        ("ووصف الوزير هذه الخطوة الأحادية بأنها تصعيد خطير .", False),  # the step is said
    ],
)
def test_a_sentence_that_leans_on_the_one_before_is_found(text: str, expected: bool) -> None:
    assert summarize.refers_back(text) is expected


def test_a_sentence_whose_speaker_was_named_before_it_is_not_added_from_another_report() -> None:
    leaning = (
        "قالت مصادر دبلوماسية إن وفودا من عدة دول وصلت أمس إلى المغرب للمشاركة في اجتماعات تستمر يومين. "
        "وأضافت أن الولايات المتحدة ستخصص 148 مليون دولار لدعم جهود مكافحة التنظيم في أفريقيا خلال العام المقبل."
    )
    options = replace(OPTIONS, sentences=5, max_words=200)
    for other, added in ((OTHER_REPORT, True), (leaning, False)):
        texts = [s.text for s in summarize.summarize(story(LEAD_REPORT, other), options).sentences]
        assert texts[0].startswith("انعقد في مراكش")
        assert any("148" in t for t in texts) is added  # the same figure, once with its speaker, once without


def test_a_sentence_whose_speaker_is_a_pronoun_follows_its_speaker_in_the_lead() -> None:
    lead = (
        "قال وزير الخارجية المغربي ناصر بوريطة إن اجتماع التحالف الدولي ضد داعش انعقد اليوم في مراكش. "
        "وأضاف أن الوزراء ناقشوا خطر تنظيم داعش في أفريقيا ومنطقة الساحل والصحراء."
    )
    options = replace(OPTIONS, sentences=5, max_words=200)
    texts = [s.text for s in summarize.summarize(story(lead, lead), options).sentences]
    assert texts[0].startswith("قال وزير") and texts[1].startswith("وأضاف أن")


@pytest.mark.parametrize(
    ("text", "left"),
    [
        (  # a headline glued before the lead that tells it
            "صواريخ تستهدف منشأة عسكرية قرب العاصمة قال التلفزيون الرسمي أمس إن صواريخ أطلقت على منشأة عسكرية "
            "قرب العاصمة .",
            "قال التلفزيون الرسمي أمس إن صواريخ أطلقت على منشأة عسكرية قرب العاصمة .",
        ),
        (  # a speaker's headline with a colon
            "وزير الخارجية : الاجتماع المقبل في الرباط أعلن وزير الخارجية المغربي أن الاجتماع المقبل للتحالف سيعقد "
            "في الرباط .",
            "أعلن وزير الخارجية المغربي أن الاجتماع المقبل للتحالف سيعقد في الرباط .",
        ),
        (  # a relative clause: "a statement in which it said"
            "وأصدرت الفصائل المسلحة في ريف المدينة بيانا قالت فيه إن الفصائل المسلحة لن تغادر ريف المدينة "
            "قبل الاتفاق .",
            None,
        ),
        (  # the verb has no subject after it: it goes on from the sentence's own subject
            "لكن المرصد السوري لحقوق الانسان في المدينة ذكر الخميس أن المرصد السوري رصد اشتباكات في المدينة .",
            None,
        ),
        (  # a sentence that opens on a fronted phrase ("وعن ...") is prose
            "وعن العلاقة بين الوزارة والمجلس البلدي في المدينة قال الوزير إن العلاقة بين الوزارة والمجلس جيدة .",
            None,
        ),
        (  # nothing shared: a subject before its verb, not a headline
            "مسؤول أمني رفيع في العاصمة قال لرويترز إن الهجوم وقع فجر اليوم على حاجز للجيش شمال البلاد .",
            None,
        ),
    ],
)
def test_a_headline_glued_before_the_lead_is_cut(text: str, left: str | None) -> None:
    assert summarize.strip_glued_headline(text) == (left or text)


def test_a_title_piece_glued_before_the_lead_is_cut_and_a_title_line_is_no_sentence() -> None:
    title = "مشروعا قرار وفيتو روسي . . مجلس الأمن يفشل في تجديد تفويض التحقيق"
    text = "مجلس الأمن يفشل في تجديد تفويض التحقيق عطل الفيتو الروسي مسودة قرار أمريكي لتجديد التفويض ."
    assert summarize.strip_glued_title(text, title).startswith("عطل الفيتو الروسي")
    again = "مجلس الأمن يفشل في تجديد تفويض التحقيق - : مجلس الأمن يفشل في تجديد تفويض التحقيق Sputnik ."
    assert summarize.within_title(arabic.content_tokens(again), title)
    report = "فشل مجلس الأمن في تجديد تفويض التحقيق بعد فيتو روسي على مسودة قرار أمريكي ."
    assert not summarize.within_title(arabic.content_tokens(report), title)


@pytest.mark.parametrize(
    ("text", "left"),
    [
        (
            "جنود يعبرون الحدود قرب المدينة ( AFP ) عدد المشاهدات : 268 اتهم رئيس الأركان الولايات المتحدة "
            "بتدريب مقاتلين .",
            "اتهم رئيس الأركان الولايات المتحدة بتدريب مقاتلين .",
        ),
        (
            "وزير الدفاع الروسي ( أرشيفية ) أعلن وزير الدفاع الروسي أن القوات بدأت مغادرة البلاد .",
            "أعلن وزير الدفاع الروسي أن القوات بدأت مغادرة البلاد .",
        ),
        (  # a clock widget, split, and the dateline after it
            "04 : 37 م - ساء بيروت - قال رئيس الوزراء إن دول الجوار لا تعتزم اتخاذ أي إجراء .",
            "قال رئيس الوزراء إن دول الجوار لا تعتزم اتخاذ أي إجراء .",
        ),
        (  # a photo agency's credit ends its caption with no bracket before it
            "مبنى البرلمان في العاصمة غيتي أقر مجلس النواب الأربعاء قانونا جديدا للعقوبات .",
            "أقر مجلس النواب الأربعاء قانونا جديدا للعقوبات .",
        ),
        (  # but not inside a word ("الاستراتيجيتين")
            "وقالت القوات إن الخطتين الاستراتيجيتين ستنفذان خلال أيام في المدينة .",
            "وقالت القوات إن الخطتين الاستراتيجيتين ستنفذان خلال أيام في المدينة .",
        ),
        (  # a transcript's bracketed label
            "[ تقرير مسجل ] قال مراسلنا إن القصف استهدف المدينة صباح اليوم .",
            "قال مراسلنا إن القصف استهدف المدينة صباح اليوم .",
        ),
        (  # a stray comma left by the splitter
            ", وقال المتحدث إن الاجتماع سيعقد غدا في العاصمة .",
            "وقال المتحدث إن الاجتماع سيعقد غدا في العاصمة .",
        ),
        (  # Latin-script credit words before the Arabic
            "AST قال قيادي في التحالف إن ضربة جوية استهدفت مصنعا جنوبي المدينة .",
            "قال قيادي في التحالف إن ضربة جوية استهدفت مصنعا جنوبي المدينة .",
        ),
        (  # a dateline whose credit the page left empty
            "أبوظبي , الإمارات العربية المتحدة ( ) - - أعلنت القيادة العامة تحطم إحدى طائراتها أثناء طلعة تدريبية .",
            "أعلنت القيادة العامة تحطم إحدى طائراتها أثناء طلعة تدريبية .",
        ),
        (  # a one-word label before the lead verb
            "الموضوع : قال وزير الخارجية إن الاجتماع سيعقد غدا .",
            "قال وزير الخارجية إن الاجتماع سيعقد غدا .",
        ),
        (  # but a speaker and his quote stay
            "الوزير : الاجتماع المقبل سيعقد في الرباط الأسبوع المقبل .",
            "الوزير : الاجتماع المقبل سيعقد في الرباط الأسبوع المقبل .",
        ),
    ],
)
def test_a_counter_a_caption_a_clock_or_a_label_before_the_lead_is_cut(text: str, left: str) -> None:
    assert summarize.strip_dateline(text) == left


@pytest.mark.parametrize(
    "text",
    [
        "org : مكتب المفوضية السامية لشؤون اللاجئين في جنيف للاستعلامات العامة .",
        "مكتب المفوضية في العاصمة للاستعلامات العامة والشكاوى office @ example .",
        "- News Agency 21 يناير 2018 مباشر الوزير يصل إلى العاصمة في زيارة رسمية REUTERS .",
        "25 - مع انتهاء المرحلة الأولى تبدأ المرحلة الثانية التي تشمل إطلاق سراح المعتقلين .",  # a list's item
        "مواضيع ذات صلة بعد إعلان رئيس الوزراء النصر النهائي على التنظيم في البلاد .",  # related articles
    ],
)
def test_a_contact_list_or_a_title_line_left_of_a_cut_is_furniture(text: str) -> None:
    assert summarize.reject_reason(text, OPTIONS) == "page furniture"


def test_what_a_cut_leaves_of_a_title_line_is_no_candidate() -> None:
    title = "الجيش يقتحم سجن المدينة المركزي"
    line = f"{title} - المكتب الإعلامي لقوى المعارضة مخاوف من تكرار مجزرة في سجن المدينة المركزي ."
    report = "واقتحمت قوات الجيش سجن المدينة المركزي فجر اليوم بعد حصار دام أسبوعين ."
    (analysis,) = story(f"{line}\n{report}", titles=(title,))
    texts = [c.text for c in summarize.candidates([analysis], OPTIONS)]
    assert texts == [report]


@pytest.mark.parametrize(
    ("text", "left"),
    [
        (  # a photo caption, its date and the site's own credit in brackets, then a byline's initials
            "دخول القوات إلى مدينة الرقة - 19 تشرين الأول 2017 ( موقع الخبر ) , ع ع ع أعلنت القوات السيطرة "
            "على مدينة الرقة بشكل رسمي في بيان لها اليوم .",
            "أعلنت القوات السيطرة على مدينة الرقة بشكل رسمي في بيان لها اليوم .",
        ),
        (  # a title and the site's name after a dash
            "بين خسائر الضربات ومكاسب الحرب - - موقع الخبر على هامش الحرب الدائرة في اليمن خسر التنظيم العشرات .",
            "على هامش الحرب الدائرة في اليمن خسر التنظيم العشرات .",
        ),
        (  # the name and a separator at the start
            "موقع الخبر : تقدم المفوضية منحة مالية للطلبة الأجانب المقبولين في الجامعات .",
            "تقدم المفوضية منحة مالية للطلبة الأجانب المقبولين في الجامعات .",
        ),
        ("موقع الخبر ينشر تحقيقا عن منحة مالية للطلبة الأجانب في الجامعات .", None),  # the site as subject
        ("وقال مصدر ل - موقع الخبر إن القصف استهدف المدينة صباح اليوم وأسفر عن قتلى .", None),  # who was told
        ("وقالت مصادر ل ( موقع الخبر ) إن القصف استهدف المدينة صباح اليوم .", None),
        ("وأكد المتحدث في حديث مع موقع الخبر أن القصف استهدف المدينة صباح اليوم .", None),
        ("التقرير - موقع الخبر قال .", None),  # too little report would be left
    ],
)
def test_the_sites_own_name_as_a_credit_ends_what_was_glued_before_the_report(text: str, left: str | None) -> None:
    assert summarize.strip_own_credit(text, ("موقع الخبر",)) == (left or text)


def test_the_sites_name_right_after_a_title_cut_goes_too() -> None:
    title = "المفوضية تقدم منحة مالية للطلبة في الجامعات"
    text = f"{title} موقع الخبر تقدم المفوضية العليا منحة مالية للطلبة الأجانب المقبولين في الجامعات ."
    (analysis,) = story(text, titles=(title,))
    analysis = replace(analysis, article=replace(analysis.article, outlet="موقع الخبر"))
    assert [c.text for c in summarize.candidates([analysis], OPTIONS)] == [
        "تقدم المفوضية العليا منحة مالية للطلبة الأجانب المقبولين في الجامعات ."
    ]


def test_a_page_names_its_site_by_its_outlet_and_its_titles_last_part() -> None:
    article = Article(
        id="a",
        text="نص",
        title="القوات تعلن السيطرة على المدينة رسميا - موقع الخبر الأحد 21 كانون الثاني / يناير 2018",
        outlet="news.example",
    )
    assert summarize.own_names(article) == ("موقع الخبر",)
    assert summarize.own_names(replace(article, outlet="موقع الخبر", title=None)) == ("موقع الخبر",)


@pytest.mark.parametrize(
    ("text", "caption"),
    [
        ("سوريا , جرابلس : دخان يتصاعد من المنازل في مدينة جرابلس على الحدود السورية التركية يوم 4 أيلول 2016 .", True),
        ("تركيا , ريف أنقرة الشمالي : الرئيس التركي يلقي كلمة أمام أنصاره في مهرجان انتخابي حاشد .", True),
        ("دمشق : قال مصدر عسكري إن القصف استهدف أحياء المدينة الشرقية صباح اليوم .", False),  # a dateline
        ("العراق , وقال المتحدث إن الحكومة مستعدة للحوار مع جميع الأطراف دون شروط .", False),
    ],
)
def test_a_wire_photos_caption_is_no_summary_sentence(text: str, caption: bool) -> None:
    reason = summarize.reject_reason(text, OPTIONS)
    assert (reason is not None and reason.startswith("photo caption")) is caption


def test_a_template_marker_is_furniture() -> None:
    marker = "المدينة { { city } } عشرات القتلى في تفجير استهدف تجمع الحافلات غرب المدينة اليوم ."
    assert summarize.reject_reason(marker, OPTIONS) == "page furniture"


def test_a_sentence_that_leaves_a_bracket_open_was_cut_by_the_splitter() -> None:
    cut = "وأوضحت المصادر في العاصمة لوكالة الأنباء الألمانية ( د ."
    assert summarize.reject_reason(cut, OPTIONS) == (
        "cut short (a bracket left open: an abbreviation's dot taken for the end)"
    )
    whole = "وأوضحت المصادر في العاصمة لوكالة الأنباء الألمانية ( د ب أ ) أن الوفد وصل ."
    assert summarize.reject_reason(whole, OPTIONS) is None
