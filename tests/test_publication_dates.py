"""Publication dates: which rule dates an article, and where inference must refuse (a wrong date is worse than
none); outlets from URLs; provenance in the JSON."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime

import pytest

from digest.document import Article
from digest.ingest.batch_dates import batch_window, date_from_batch
from digest.ingest.clean import clean
from digest.ingest.metadata import Built, build_article, publication_evidence, url_date
from digest.ingest.read import Document
from digest.lang.dates import find_dates, weekday_statements
from digest.options import IngestOptions

OPTIONS = IngestOptions()

# One story (a minister's phone call and a coalition meeting), told by several outlets.
STORY = (
    "وأعرب الوزير الأمريكي عن أسفه لعدم تمكنه من المشاركة في الاجتماع الوزاري للتحالف الدولي ضد تنظيم داعش "
    "بسبب إصابته بفيروس كورونا، معلنا أن مساعدته ستمثله في هذا الاجتماع الذي يعقد في مراكش.\n"
    "وأشاد الوزير الأمريكي بانخراط المغرب في مكافحة الإرهاب ودوره في تعزيز الاستقرار الإقليمي في القارة "
    "الإفريقية، وشكره على احتضان الاجتماع الوزاري للتحالف الدولي ضد داعش.\n"
    "ويشارك في الاجتماع وزراء خارجية ثمانين دولة ومنظمة دولية لبحث تطور التهديد الإرهابي في إفريقيا والشرق الأوسط.\n"
)
CALL = "أجرى وزير الخارجية المغربي ناصر بوريطة، {when}، محادثة هاتفية مع وزير الخارجية الأمريكي أنطوني بلينكن.\n"
OTHER = (
    "قررت الحكومة رفع أسعار الوقود في محطات البنزين ابتداء من الشهر المقبل، وقالت وزارة الطاقة إن القرار يأتي "
    "بسبب ارتفاع الأسعار في الأسواق العالمية وتراجع احتياطي العملة الصعبة لدى البنك المركزي.\n"
    "وانتقدت نقابات النقل القرار ودعت إلى إضراب عام، فيما طالبت أحزاب المعارضة بعقد جلسة طارئة للبرلمان.\n"
)
TUESDAY = datetime(2022, 5, 10)


def built(ident: str, text: str, published: datetime | None = None, url: str | None = None) -> Built:
    return build_article(Document(id=ident, text=text, source=ident, published=published, url=url), OPTIONS)


def dated(articles: list[Article]) -> dict[str, date | None]:
    return {a.id: a.published.date() if a.published else None for a in articles}


def how(article: Article) -> str:
    return dict(article.inferred)["published"]


# ------------------------------------------------------------------------------------------------ own text


@pytest.mark.parametrize(
    ("text", "published", "rule"),
    [
        # a dateline inside a sentence: the relative word and the date agree
        (
            "قال التحالف الدولي لمحاربة تنظيم داعش اليوم الأربعاء ( 27 كانون الأول / ديسمبر 2017 ) إنه لم يتبق "
            "في العراق وسوريا سوى أقل من ألف من مقاتلي التنظيم، وإن معظمهم يختبئون في مناطق صحراوية.\n" + STORY,
            date(2017, 12, 27),
            "next to the date",
        ),
        (
            "وجاء في البيان الصادر أمس الأحد 04 سبتمبر / أيلول 2016 أن الحكومة ستواصل الحوار مع جميع الأطراف "
            "السياسية من أجل التوصل إلى حل شامل للأزمة.\n" + STORY,
            date(2016, 9, 5),
            "next to the date",
        ),
        # a site's date widget opening the body: not the article's date
        ("اليوم الأحد 2 تموز 2017 أعلنت وزارة الداخلية عن خطة أمنية جديدة في العاصمة.\n" + STORY, None, "unknown"),
        # after a separator (a widget beside the site's name)
        ("أخبار العراق | اليوم الاثنين 16 أكتوبر 2017 قوات عراقية تتقدم صوب حقول النفط.\n" + STORY, None, "unknown"),
        # "today" in Arabic beside an English weekday: the site "السودان اليوم" and its widget
        (
            "روسيا تبقي على قاعدة جوية في سوريا | السودان اليوم Sunday 21 January 2018 أحدث الأخبار اليوم.\n" + STORY,
            None,
            "unknown",
        ),
        # two dated items in the lead that give different days (a listing page)
        (
            "وقعت الحكومة اليمنية اليوم الأربعاء 14 مايو 2014 على خطة عمل مع الأمم المتحدة لإنهاء تجنيد الأطفال.\n"
            "وأعلن الجيش اليوم الخميس 15 مايو 2014 عن مقتل عشرين مسلحا في هجوم على موقع عسكري في الجنوب.\n" + STORY,
            None,
            "different dates",
        ),
        # the pair is in the lead, but another statement of the lead says another day (a widget beside the story)
        (
            "قائد شرطة حمص: مقتل سبعة بانفجار قنبلة في حافلة اليوم الاحد 21 يناير 2018 في المدينة.\n"
            "وقال قائد الشرطة اليوم الثلاثاء إن الانفجار وقع في حي عكرمة وإن التحقيقات جارية لمعرفة الفاعلين.\n"
            + STORY,
            None,
            "disagrees",
        ),
    ],
)
def test_relative_word_next_to_a_date(text: str, published: date | None, rule: str) -> None:
    article = built("a", text).article
    assert (article.published.date() if article.published else None) == published
    assert rule in how(article)


def test_relative_word_next_to_a_date_only_in_the_lead() -> None:
    lead = "قال الوزير إن الحكومة ستواصل الإصلاحات الاقتصادية في السنوات المقبلة رغم الصعوبات. " * 25
    text = lead + "\n" + "وأعلن الجيش اليوم الخميس 15 مايو 2014 عن مقتل عشرين مسلحا في هجوم على موقع عسكري.\n"
    cleaned = clean(text)
    assert publication_evidence(cleaned, cleaned.removed, lead_chars=1500).published is None
    assert publication_evidence(cleaned, cleaned.removed, lead_chars=10_000).published == datetime(2014, 5, 15)


@pytest.mark.parametrize(
    ("header", "published"),
    [
        ("السبت 23 أبريل 2022 على الساعة 00:05", datetime(2022, 4, 23, 0, 5)),
        ("الأربعاء 20 أبريل 2022 - 12:00", datetime(2022, 4, 20, 12, 0)),
        ("اليوم الأحد 2 تموز 2017", None),  # "today is ...": a widget showing the day the page was viewed
    ],
)
def test_date_line_but_not_a_widget(header: str, published: datetime | None) -> None:
    article = built("a", "عنوان الخبر في سطر قصير\n" + header + "\n" + STORY).article
    assert article.published == published


@pytest.mark.parametrize(
    ("url", "day"),
    [
        ("https://site.example/ar/news/2017/12/26/slug", date(2017, 12, 26)),
        ("http://site.example/knowledge/2015/3/11/%D8%B3%D9%88%D8%B1%D9%8A%D8%A7", date(2015, 3, 11)),
        ("//site.example/2017/02/28", date(2017, 2, 28)),
        ("https://site.example/ar/20171227-%D8%B3%D9%88%D8%B1%D9%8A%D8%A7", date(2017, 12, 27)),
        ("https://site.example/a/2017-12-26-the-slug", date(2017, 12, 26)),
        ("https://site.example/a/2017_12_26_slug.html", date(2017, 12, 26)),
        ("https://site.example/index.php/2015-05-05-16-38-46/itemlist", None),  # digits run on: an id
        ("https://site.example/p/201712261234", None),
        ("https://site.example/news/2017/12/", None),  # a month's archive
        ("https://site.example/2017/13/40/x", None),  # not in the calendar
        ("https://site.example/live/time/10.07.2017", None),
        ("https://site.example/?d=2017/12/26/", None),  # the query is not where a site files a page
        ("mailto:desk@site.example/2017/12/26/", None),
        (None, None),
    ],
)
def test_url_date(url: str | None, day: date | None) -> None:
    assert url_date(url) == day


def test_url_date_dates_an_undated_page_and_overrides_a_far_date_line() -> None:
    url = "https://site.example/ar/2017/12/26/x"
    undated = built("a", STORY, url=url).article
    assert undated.published == datetime(2017, 12, 26)
    assert how(undated).startswith("URL date 2017-12-26")
    # a crawl-day widget in the header, weeks after the day the site filed the page under
    widget = built("b", "عنوان الخبر في سطر قصير\nالأحد 21 يناير 2018 - 10:00\n" + STORY, url=url).article
    assert widget.published == datetime(2017, 12, 26)
    assert "set aside: date line" in how(widget)
    # a date line that agrees (within a day) keeps its time
    agrees = built("c", "عنوان الخبر في سطر قصير\nالثلاثاء 26 ديسمبر 2017 - 10:00\n" + STORY, url=url).article
    assert agrees.published == datetime(2017, 12, 26, 10, 0)
    # a date given with the input stands
    given = built("d", STORY, published=TUESDAY, url=url).article
    assert given.published == TUESDAY


@pytest.mark.parametrize(
    ("text", "weekdays"),
    [
        ("اليوم الثلاثاء", [1]),
        ("امس الثلاثاء", [1]),
        ("today, Tuesday", [1]),
        ("السودان اليوم Sunday 21 January 2018", []),  # a relative word and a weekday in two scripts
        ("Aujourd'hui الأحد", []),
    ],
)
def test_weekday_statements_keep_to_one_script(text: str, weekdays: list[int]) -> None:
    assert [s.weekday for s in weekday_statements(text)] == weekdays


def test_mixed_script_today_is_only_today() -> None:
    assert [f.value for f in find_dates("السودان اليوم Sunday", TUESDAY)] == [TUESDAY.date()]


# ------------------------------------------------------------------------------------------------ batch


def test_same_event_gives_the_exact_day() -> None:
    anchor = built("anchor", CALL.format(when="اليوم الثلاثاء") + STORY, TUESDAY)
    later = built("later", CALL.format(when="امس الثلاثاء") + STORY)
    assert later.weekday == 2
    result = date_from_batch([anchor, later], replace(OPTIONS, weekday_in_window=False))
    assert dated(result)["later"] == date(2022, 5, 11)
    assert "reports the event that anchor" in how(result[1])


def test_same_event_chains_through_an_article_it_dated() -> None:
    anchor = built("anchor", "وينتظر أن يفتتح غدا الأربعاء الاجتماع الوزاري للتحالف الدولي ضد داعش.\n" + STORY, TUESDAY)
    middle = built(
        "middle",
        "ويعقد الاجتماع الوزاري للتحالف الدولي ضد داعش في مراكش يوم غد الأربعاء.\n"
        + CALL.format(when="اليوم الثلاثاء")
        + STORY,
    )
    last = built("last", CALL.format(when="امس الثلاثاء") + STORY)
    result = date_from_batch([last, middle, anchor], replace(OPTIONS, weekday_in_window=False))
    assert dated(result) == {"last": date(2022, 5, 11), "middle": date(2022, 5, 10), "anchor": date(2022, 5, 10)}
    assert "itself dated by the same event" in how(result[0])


@pytest.mark.parametrize(
    ("anchor_text", "undated_text", "why"),
    [
        # the same sentence, but the weekdays differ: not the same day
        (CALL.format(when="اليوم الثلاثاء"), CALL.format(when="امس الاثنين"), ""),
        # a bare "today" names no day of its own
        (CALL.format(when="اليوم"), CALL.format(when="امس الثلاثاء"), ""),
        # the same weekday and the same minister, but another event (shares too few of the call's words)
        (
            "وأعلنت وزارة الخارجية اليوم الثلاثاء أن الوزير ناصر بوريطة سيزور باريس الأسبوع المقبل لبحث ملفات "
            "التعاون الثنائي.\n",
            CALL.format(when="امس الثلاثاء"),
            "",
        ),
    ],
)
def test_same_event_refuses_weak_links(anchor_text: str, undated_text: str, why: str) -> None:
    anchor = built("anchor", anchor_text + STORY, TUESDAY)
    undated = built("undated", undated_text + STORY)
    result = date_from_batch([anchor, undated], replace(OPTIONS, weekday_in_window=False))
    assert dated(result)["undated"] is None
    assert why in how(result[1])


def test_same_event_links_that_disagree_refuse() -> None:
    first = built("first", CALL.format(when="اليوم الثلاثاء") + STORY, TUESDAY)
    second = built("second", CALL.format(when="اليوم الثلاثاء") + STORY, datetime(2022, 5, 17))
    undated = built("undated", CALL.format(when="امس الثلاثاء") + STORY)
    result = date_from_batch([first, second, undated], OPTIONS)
    assert dated(result)["undated"] is None
    assert "same-event links disagree" in how(result[2])


def intake(days: list[datetime], undated_text: str, story: str = STORY) -> list[Article]:
    batch = [built(f"d{k}", story + f"وأكد المتحدث أن اللقاء {k} كان مثمرا.\n", day) for k, day in enumerate(days)]
    return date_from_batch([*batch, built("undated", undated_text + STORY)], OPTIONS)


@pytest.mark.parametrize(
    ("days", "undated_text", "published", "why"),
    [
        # a daily intake (9-10 May): the only Wednesday in 7..12 May
        (
            [datetime(2022, 5, 9), TUESDAY],
            "وقال مسؤول اليوم الأربعاء إن الوفود بدأت تصل إلى المدينة.\n",
            date(2022, 5, 11),
            "the only Wednesday",
        ),
        # an intake spread over nine days holds two Wednesdays: refused
        (
            [datetime(2022, 5, 2), TUESDAY],
            "وقال مسؤول اليوم الأربعاء إن الوفود بدأت تصل إلى المدينة.\n",
            None,
            "more than a news cycle",
        ),
        # an archive spanning years: refused
        (
            [datetime(2017, 5, 2), TUESDAY],
            "وقال مسؤول اليوم الأربعاء إن الوفود بدأت تصل إلى المدينة.\n",
            None,
            "more than a news cycle",
        ),
        # an intake of six days with slack: two Saturdays in 5..14 May
        (
            [datetime(2022, 5, 7), datetime(2022, 5, 12)],
            "وقال مسؤول اليوم السبت إن الوفود بدأت تصل إلى المدينة.\n",
            None,
            "2 Saturdays",
        ),
    ],
)
def test_weekday_in_window(days: list[datetime], undated_text: str, published: date | None, why: str) -> None:
    result = intake(days, undated_text)
    assert dated(result)["undated"] == published
    assert why in how(result[-1])


def test_weekday_in_window_needs_an_article_on_the_same_story() -> None:
    batch = [built("other", OTHER, TUESDAY), built("undated", "وقال مسؤول اليوم الأربعاء إن الوفود وصلت.\n" + STORY)]
    result = date_from_batch(batch, OPTIONS)
    assert dated(result)["undated"] is None
    assert how(result[1]).startswith("unknown: written on a Wednesday")


@pytest.mark.parametrize(
    ("days", "window"),
    [
        ([], None),
        ([date(2022, 5, 10)], (date(2022, 5, 8), date(2022, 5, 12))),
        ([date(2022, 5, 10), date(2022, 5, 9), date(2022, 5, 11)], (date(2022, 5, 7), date(2022, 5, 13))),
        ([date(2022, 5, 1), date(2022, 5, 10)], None),
        ([date(2017, 1, 1), date(2022, 5, 10)], None),
    ],
)
def test_batch_window(days: list[date], window: tuple[date, date] | None) -> None:
    assert batch_window(days, OPTIONS) == window


# ------------------------------------------------------------------------------------------------ samples


def test_samples_say_which_rule_dated_them() -> None:
    from pathlib import Path

    from digest.ingest import ingest

    samples = Path(__file__).resolve().parent.parent / "samples"
    articles = {a.id[:3]: a for a in ingest([samples], OPTIONS).articles}
    assert "reports the event that 003" in how(articles["002"])
    assert "reports the event that 004" in how(articles["003"])
    assert articles["002"].to_dict()["inferred"]["published"] == how(articles["002"])


# ------------------------------------------------------------------------------------------------ outlets


@pytest.mark.parametrize(
    ("url", "language", "outlet", "how_found"),
    [
        ("https://www.aljazeera.net/news/2017/8/4/x", "ar", "الجزيرة نت", "outlets table"),
        ("https://www.bbc.com/arabic/middleeast-123", "ar", "بي بي سي عربي", "outlets table"),
        ("https://www.bbc.com/news/world-123", "en", "BBC", "outlets table"),
        ("https://ara.reuters.com/article/x", "ar", "رويترز", "outlets table"),
        ("https://www.hespress.com/politique/1.html", "ar", "هسبريس", "outlets table"),
        ("https://www.swissinfo.ch/ara/reuters/x", "ar", "سويس إنفو", "outlets table"),
        ("http://mubasher.aljazeera.net/news/x", "ar", "الجزيرة مباشر", "outlets table"),
        ("http://www.example-news.org/a/1", "ar", "example-news.org", "URL domain"),
        ("https://www.swissinfo.ch/eng/x", "ar", "swissinfo.ch", "URL domain"),
    ],
)
def test_outlet_from_url(url: str, language: str, outlet: str, how_found: str) -> None:
    text = STORY if language == "ar" else "The minister said on Tuesday that the meeting would go ahead. " * 5
    article = built("a", text, url=url).article
    assert article.outlet == outlet
    assert how_found in dict(article.inferred)["outlet"]


def test_inferred_round_trips_through_json() -> None:
    article = built("a", CALL.format(when="امس الثلاثاء") + STORY, url="https://elaph.com/x").article
    data = article.to_dict()
    assert set(data["inferred"]) >= {"published", "outlet", "language", "title"}
    assert {"id", "outlet", "published", "title", "url", "author", "language", "copies"} <= set(data)
    assert Article.from_dict(data).inferred == article.inferred
