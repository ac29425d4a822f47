"""Rendering: every field of the JSON contract reaches the HTML of every edition, escaped, deterministic.

`rich_briefing()` builds a briefing with everything the later stages fill (actors with roles, a venue, an
event date, conflicts with several sides, `ok` and `model-missing` translations, skipped inputs); the PDF,
email and browser tests use it too.
"""

from __future__ import annotations

import html as htmllib
import re
from datetime import UTC, date, datetime

import pytest

from digest import render
from digest.document import (
    Actor,
    Article,
    Briefing,
    Conflict,
    ConflictSide,
    InputsReport,
    Skipped,
    Story,
    SummarySentence,
    TranslationStatus,
    Venue,
)
from digest.errors import ConfigError
from digest.options import RenderOptions

HOSTILE = '<script>alert("x")</script><img src="file:///etc/passwd"><img src="http://203.0.113.1/x.png">'


def _articles(hostile: bool) -> tuple[Article, ...]:
    extra = HOSTILE if hostile else ""
    return (
        Article(
            id="hespress-1",
            text="...",
            title="بوريطة وبلينكن في مراكش" + extra,
            outlet="Hespress",
            author="محمد الراجي",
            published=datetime(2022, 5, 10, 18, 30, tzinfo=UTC),
            url="https://www.hespress.com/a-1",
        ),
        Article(
            id="alyaoum24-2",
            text="...",
            title="اجتماع التحالف الدولي ضد داعش",
            outlet="Alyaoum24" + extra,
            published=datetime(2022, 5, 11),
            url="javascript:alert(1)",
            copies=(Article(id="wire-copy", text="...", outlet="Le360"),),
        ),
        Article(id="bare-3", text="...", language="en", title="Coalition meets in Marrakesh", url=None),
    )


def rich_briefing(hostile: bool = False) -> Briefing:
    """A briefing with every field of the contract filled; `hostile` puts markup and URLs in article text."""
    extra = HOSTILE if hostile else ""
    meeting = Story(
        id="s-marrakesh",
        headline={
            "ar": "اجتماع وزاري للتحالف الدولي ضد داعش في مراكش" + extra,
            "en": "Coalition against Daesh ministers meet in Marrakesh" + extra,
            "es": "Reunión ministerial de la coalición contra Dáesh en Marrakech",
        },
        articles=_articles(hostile),
        summary={
            "ar": (
                SummarySentence("انطلق في مراكش الاجتماع الوزاري للتحالف الدولي ضد داعش." + extra, ("hespress-1",)),
                SummarySentence("ترأس الاجتماع وزير الخارجية ناصر بوريطة.", ("hespress-1", "alyaoum24-2")),
            ),
            "en": (
                SummarySentence("The ministerial meeting opened in Marrakesh." + extra, ("hespress-1",)),
                SummarySentence("Foreign Minister Nasser Bourita chaired it.", ("hespress-1", "alyaoum24-2")),
            ),
        },
        actors=(
            Actor(
                name={"ar": "ناصر بوريطة", "en": "Nasser Bourita", "es": "Naser Burita"},
                kind="person",
                role={"ar": "وزير الخارجية المغربي", "en": "Moroccan Foreign Minister", "es": "ministro de Exteriores"},
                variants=("بوريطة", "ناصر بوريطة", "Bourita"),
                articles=("hespress-1", "alyaoum24-2"),
                mentions=7,
                key="Q3246",
            ),
            Actor(
                name={"ar": "التحالف الدولي ضد داعش" + extra, "en": "Global Coalition against Daesh", "es": ""},
                kind="organization",
                role={"ar": None, "en": None, "es": None},
                mentions=4,
            ),
            Actor(
                name={"ar": "فيكتوريا نولاند", "en": "Fiktoria Nuland", "es": "Fiktoria Nuland"},
                kind="person",
                role={"ar": "وكيلة وزارة الخارجية", "en": "Under Secretary of State", "es": None},
                mentions=2,
                romanized=True,
            ),
        ),
        venue=Venue(name={"ar": "مراكش", "en": "Marrakesh", "es": "Marrakech"}, country=_morocco()),
        event_date=date(2022, 5, 11),
        conflicts=(
            Conflict(
                subject={"ar": "أنتوني بلينكن", "en": "Antony Blinken", "es": "Antony Blinken"},
                attribute="attendance",
                kind="superseded",
                claims=(
                    ConflictSide(
                        value={"ar": "يحضر", "en": "attends", "es": "asiste"},
                        articles=("alyaoum24-2",),
                        published=("2022-04-23T00:05:00",),
                        evidence=("بلينكن يعود إلى المغرب في ماي" + extra,),
                    ),
                    ConflictSide(
                        value={"ar": "يغيب", "en": "absent", "es": "ausente"},
                        articles=("hespress-1",),
                        published=("2022-05-10T18:30:00+00:00",),
                        evidence=("بلينكين يغيب عن الاجتماع",),
                        outlets=("Hespress", "Le360"),
                        latest=True,
                    ),
                ),
            ),
            Conflict(
                subject={"ar": "الدول المشاركة", "en": "participating countries", "es": "países participantes"},
                attribute="count",
                kind="discrepancy",
                claims=tuple(
                    ConflictSide(value={"ar": n, "en": n, "es": n}, articles=(a,), published=(), evidence=())
                    for n, a in (("80", "hespress-1"), ("84", "alyaoum24-2"), ("85", "bare-3"))
                ),
            ),
        ),
        translation={
            "en": TranslationStatus("argos", "ok"),
            "es": TranslationStatus("argos", "model-missing", "no Arabic→es model installed"),
        },
    )
    other = Story(
        id="s-other",
        headline={"ar": "خبر ثان", "en": "", "es": ""},
        articles=(Article(id="other-1", text="...", outlet="Le360", published=None),),
        summary={"ar": (SummarySentence("جملة واحدة.", ("other-1",)),)},
        translation={
            "en": TranslationStatus("argos", "failed", "the model crashed" + extra),
            "es": TranslationStatus("argos", "model-missing", None),
        },
    )
    return Briefing(
        date=date(2022, 5, 11),
        languages=("ar", "en", "es"),
        stories=(meeting, other),
        inputs=InputsReport(
            read=6,
            skipped=(Skipped("feeds/empty.txt" + extra, "empty article body" + extra),),
            duplicates=1,
        ),
    )


def _morocco() -> dict[str, str]:
    return {"ar": "المغرب", "en": "Morocco", "es": "Marruecos"}


def edition_html(page: str, lang: str) -> str:
    match = re.search(rf'<section class="edition" id="edition-{lang}".*?</section>', page, re.S)
    assert match, f"no {lang} edition"
    return match.group(0)


def visible_text(fragment: str) -> str:
    """The text a reader sees: tags out, entities decoded, invisible direction isolates dropped."""
    return re.sub("[\u2066-\u2069]", "", htmllib.unescape(re.sub(r"<[^>]+>", " ", fragment)))


@pytest.fixture(scope="module")
def page() -> str:
    return render.render_html(rich_briefing())


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        (
            "ar",
            [
                "الأربعاء، 11 مايو 2022",
                "ناصر بوريطة",
                "وزير الخارجية المغربي",
                "مراكش، المغرب",
                "روايات متضاربة",
                "تحديث لاحق",
                "الحضور",
                "يغيب",
                "Hespress، Le360",
                "يُكتب أيضًا: بوريطة، Bourita",
                "Hespress · محمد الراجي ·",
                "بلينكين يغيب عن الاجتماع",
                "feeds/empty.txt",
                "empty article body",
                "Le360",
            ],
        ),
        (
            "en",
            [
                "Wednesday, May 11, 2022",
                "Nasser Bourita",
                "(ناصر بوريطة)",
                "Moroccan Foreign Minister",
                "Marrakesh, Morocco",
                "Conflicting reports",
                "Superseded",
                "attendance",
                "absent",
                "Discrepancy",
                "80",
                "84",
                "85",
                "machine translation (argos)",
                "Machine translation failed for this story: the model crashed",
                "romanised",
                "Under Secretary of State",
                "also written: بوريطة, Bourita",
            ],
        ),
        (
            "es",
            [
                "miércoles, 11 de mayo de 2022",
                "Naser Burita",
                "ministro de Exteriores",
                "Marrakech, Marruecos",
                "Informaciones contradictorias",
                "ausente",
                "asiste",
                "La traducción automática no está instalada",
                "digest models install",
                "original en árabe",
                "انطلق في مراكش الاجتماع الوزاري",
                "Global Coalition against Daesh",  # no Spanish name: falls back, never empty
            ],
        ),
    ],
)
def test_every_field_reaches_its_edition(page: str, lang: str, expected: list[str]) -> None:
    text = " ".join(visible_text(edition_html(page, lang)).split())
    for needle in expected:
        assert needle in text, f"{needle!r} missing from the {lang} edition"


def test_outlets_and_dates_keep_their_order_inside_rtl_lines(page: str) -> None:
    arabic = edition_html(page, "ar")
    assert "(\u2068Hespress\u2069، \u2068Alyaoum24\u2069)" in arabic
    assert '<bdi class="when">\u2068' in arabic


def test_editions_have_their_direction_and_language(page: str) -> None:
    assert '<html lang="ar" dir="rtl">' in page
    for lang, way in (("ar", "rtl"), ("en", "ltr"), ("es", "ltr")):
        assert f'id="edition-{lang}" lang="{lang}" dir="{way}"' in page
    # An untranslated headline keeps its own language and direction inside an LTR edition.
    assert '<h2 class="headline" lang="ar" dir="rtl">خبر ثان</h2>' in edition_html(page, "en")


def test_switcher_is_css_only_and_print_has_none(page: str) -> None:
    assert "<script" not in page
    assert page.count('class="switch switch-') == 3
    assert '<a class="switch switch-en" href="#edition-en" hreflang="en" lang="en" dir="ltr">English</a>' in page
    printed = render.render_html(rich_briefing(), medium="print")
    assert 'class="switcher"' not in printed and ":target" not in printed
    single = render.render_html(rich_briefing(), ["en"])
    assert 'class="switcher"' not in single and '<html lang="en" dir="ltr">' in single


def test_article_text_is_escaped_everywhere() -> None:
    hostile = rich_briefing(hostile=True)
    for html in (
        render.render_html(hostile),
        render.render_html(hostile, medium="print"),
        render.render_email_html(hostile),
    ):
        assert "<script" not in html
        assert "<img" not in html
        assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html
        assert 'href="javascript:' not in html
        assert 'href="https://www.hespress.com/a-1"' in html


def test_html_is_deterministic_and_carries_no_clock() -> None:
    first = render.render(rich_briefing(), ["html", "json"])
    second = render.render(rich_briefing(), ["html", "json"])
    assert first == second
    assert sorted(first) == ["briefing-2022-05-11.html", "briefing-2022-05-11.json"]
    html = first["briefing-2022-05-11.html"].decode()
    assert str(date.today().year) not in html or date.today().year == 2022


def test_json_round_trips_the_rich_briefing() -> None:
    import json

    briefing = rich_briefing()
    data = json.loads(render.render_json(briefing))
    assert Briefing.from_dict(data).to_dict() == briefing.to_dict()
    assert data["stories"][0]["conflicts"][0]["claims"][1]["latest"] is True


def test_empty_briefing_says_so() -> None:
    empty = Briefing(date=date(2022, 5, 11), languages=("ar", "en"), stories=(), inputs=InputsReport(read=0))
    html = render.render_html(empty)
    assert "لا توجد قصص في هذا اليوم." in html and "No stories for this day." in html
    assert "Contents" not in html


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda b: render.render(b, ["docx"]), "unknown format 'docx'"),
        (lambda b: render.render(b, ["pdf"], pdf_mode="booklet"), "unknown pdf_mode 'booklet'"),
        (lambda b: render.render_html(b, ["../x"]), "unknown language code '../x'"),
        (lambda b: render.render_html(b, medium="fax"), "unknown medium 'fax'"),
    ],
)
def test_bad_requests_are_config_errors(call, message: str) -> None:
    with pytest.raises(ConfigError, match=re.escape(message)):
        call(rich_briefing())


@pytest.mark.parametrize(
    ("url", "kept"),
    [
        ("https://example.org/a", True),
        ("http://example.org/a", True),
        ("javascript:alert(1)", False),
        ("JaVaScRiPt:alert(1)", False),
        ("file:///etc/passwd", False),
        ("data:text/html,<b>", False),
        ("", False),
        (None, False),
    ],
)
def test_safe_url(url: str | None, kept: bool) -> None:
    assert (render.safe_url(url) is not None) is kept


def test_print_keeps_the_biggest_stories_and_the_web_keeps_all() -> None:
    briefing = rich_briefing()
    capped = RenderOptions(print_stories=1, max_sources=2)
    printed = render.render_html(briefing, ["en"], "print", capped)
    assert "Coalition against Daesh ministers meet in Marrakesh" in printed and "خبر ثان" not in printed
    assert "Stories not shown here: 1 (all are in the web page" in printed
    assert "2 stories" in visible_text(printed)  # the count is of the day's stories
    assert "and 1 more" in printed  # three articles, two listed
    web = render.render_html(briefing, options=capped)
    assert "خبر ثان" in web and "Stories not shown here" not in web
    emails = (render.render_email_html(briefing, options=capped), render.render_email_text(briefing, options=capped))
    for part in emails:
        assert "قصص غير معروضة هنا: 1" in part and "Noticias no incluidas aquí: 1" in part
    everything = render.render_html(briefing, ["en"], "print", RenderOptions(print_stories=0, max_sources=0))
    assert "خبر ثان" in everything and "and 1 more" not in everything


@pytest.mark.parametrize(
    ("print_sources", "max_sources", "listed"), [(6, 20, 6), (2, 20, 2), (6, 3, 3), (0, 4, 4), (5, 0, 5), (0, 0, 0)]
)
def test_print_lists_the_smaller_of_its_cap_and_max_sources(print_sources: int, max_sources: int, listed: int) -> None:
    assert render.print_sources(RenderOptions(print_sources=print_sources, max_sources=max_sources)) == listed


def test_print_lists_fewer_sources_than_the_web() -> None:
    briefing = rich_briefing()  # three articles in the first story
    options = RenderOptions(print_sources=2, max_sources=20)
    printed = render.render_html(briefing, ["en"], "print", options)
    assert "and 1 more" in printed
    web = render.render_html(briefing, ["en"], options=options)
    assert "and 1 more" not in web
    email = render.render_email_text(briefing, ["en"], options=options)  # the email is print too
    assert "and 1 more" in email


def test_print_shows_the_first_print_actors_and_the_web_all() -> None:
    briefing = rich_briefing()  # three actors in the first story, the most salient first
    names = [render._in(actor.name, "en")[0] for actor in briefing.stories[0].actors]
    options = RenderOptions(print_actors=2)
    printed = visible_text(render.render_html(briefing, ["en"], "print", options))
    assert names[0] in printed and names[1] in printed and names[2] not in printed
    web = visible_text(render.render_html(briefing, ["en"], options=options))
    assert all(name in web for name in names)
    everything = visible_text(render.render_html(briefing, ["en"], "print", RenderOptions(print_actors=0)))
    assert all(name in everything for name in names)


def test_print_runs_the_actors_on_in_one_paragraph_and_the_web_lists_them() -> None:
    briefing = rich_briefing()
    printed = render.render_html(briefing, ["en"], "print")
    paragraph = re.search(r'<p class="actors">(.*?)</p>', printed, re.S)
    assert paragraph is not None and '<ul class="actors">' not in printed
    names = [render._in(actor.name, "en")[0] for actor in briefing.stories[0].actors]
    text = " ".join(visible_text(paragraph.group(1)).split())
    assert text.startswith("Key actors:")
    # Every actor, in order, one separator between two of them.
    assert [text.index(name) for name in names] == sorted(text.index(name) for name in names)
    assert text.count(";") == len(names) - 1
    web = render.render_html(briefing, ["en"])
    assert '<ul class="actors">' in web and '<p class="actors">' not in web


@pytest.mark.parametrize(
    ("text", "way"),
    [("بلينكن يغيب", "rtl"), ("«بلينكن» Blinken", "rtl"), ("2022: Blinken", "ltr"), ("80 ,", "ltr"), ("", "ltr")],
)
def test_text_direction_follows_the_first_strong_letter(text: str, way: str) -> None:
    assert render.text_direction(text) == way


def test_evidence_quotes_carry_their_own_direction(page: str) -> None:
    english = edition_html(page, "en")
    assert '<blockquote class="evidence" dir="rtl">«بلينكين يغيب عن الاجتماع»</blockquote>' in english


@pytest.mark.parametrize(
    ("lang", "count", "text"),
    [
        ("ar", 1, "قصة واحدة"),
        ("ar", 2, "قصتان"),
        ("ar", 3, "3 قصص"),
        ("ar", 11, "11 قصة"),
        ("ar", 100, "100 قصة"),
        ("en", 1, "1 story"),
        ("en", 1000, "1,000 stories"),
        ("es", 1, "1 noticia"),
        ("es", 1000000, "1.000.000 noticias"),
    ],
)
def test_counts_take_the_plural_form_of_the_language(lang: str, count: int, text: str) -> None:
    assert render.counted(count, "stories", lang) == text


def test_every_edition_has_the_same_labels() -> None:
    from digest.resources import read_json

    table = read_json("labels.json")
    keys = {lang: set(words) for lang, words in table.items()}
    assert keys["ar"] == keys["en"] == keys["es"]
    for what in table["en"]["counts"]:
        assert all("other" in table[lang]["counts"][what] for lang in table)
    assert set(table["ar"]["attributes"]) == set(table["en"]["attributes"]) == set(table["es"]["attributes"])


def test_other_spellings_skip_the_shown_names_and_punctuation_variants() -> None:
    variants = ("بوريطة", "\u201cبوريطة\u201d", "ناصر بوريطة", "Bourita", "بوريطه", "بوريضة")
    assert render._other_spellings(variants, ("Nasser Bourita", "ناصر بوريطة"), 2) == ["بوريطة", "Bourita"]
    assert len(render._other_spellings(variants, (), 0)) == 5


@pytest.mark.parametrize("pdf_mode", ["combined", "per-language"])
def test_parallel_render_gives_the_same_files_in_the_same_order(pdf_mode: str) -> None:
    """HTML, JSON, some editions or PDFs from forked processes while the rest is laid out here: the same bytes."""
    briefing = rich_briefing()
    alone = render.render(briefing, ["html", "pdf", "json"], pdf_mode)
    together = render.render(briefing, ["html", "pdf", "json"], pdf_mode, parallel=True)
    pdfs = list(render.pdf_names(briefing, pdf_mode).values())
    assert list(together) == list(alone) == ["briefing-2022-05-11.html", *pdfs, "briefing-2022-05-11.json"]
    assert together == alone
    assert all(together[name][:5] == b"%PDF-" for name in pdfs)
