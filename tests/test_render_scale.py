"""Rendering a day of many stories: full cards up to `web_stories`, then one index line per story on the web
page; the JSON record written piece by piece, the same bytes as one `json.dumps`."""

from __future__ import annotations

import io
import json
import re
from dataclasses import replace
from datetime import UTC, date, datetime

import pytest

from digest import render
from digest.document import Article, Briefing, InputsReport, Story, SummarySentence
from digest.options import RenderOptions

from .test_render import edition_html, rich_briefing, visible_text

OUTLETS = ("Hespress", "Le360", "Alyaoum24", "Madar21", "Goud")


def small_story(n: int, sources: int = 1, event: date | None = None) -> Story:
    """Story `n`: `sources` articles from as many outlets, a headline in every language."""
    articles = tuple(
        Article(
            id=f"a{n}-{k}",
            text="...",
            outlet=OUTLETS[k % len(OUTLETS)],
            published=datetime(2022, 5, 10, 8 + k, 0, tzinfo=UTC),
            url=f"https://news.example/{n}/{k}" if n % 7 else "javascript:alert(1)",
        )
        for k in range(sources)
    )
    return Story(
        id=f"s-{n:04d}",
        headline={"ar": f"خبر رقم {n}", "en": f"Story number {n}", "es": f"Noticia número {n}"},
        articles=articles,
        summary={"ar": (SummarySentence(f"جملة الخبر {n}.", (articles[0].id,)),)},
        event_date=event,
    )


def many_stories(count: int) -> Briefing:
    """`count` small stories, the biggest first as the pipeline orders them."""
    stories = [
        small_story(n, sources=5 if n == 1 else 1, event=date(2022, 5, 9) if n % 3 == 0 else None)
        for n in range(1, count + 1)
    ]
    return Briefing(
        date=date(2022, 5, 11),
        languages=("ar", "en", "es"),
        stories=tuple(stories),
        inputs=InputsReport(read=count + 4),
    )


def cards(fragment: str) -> list[str]:
    return re.findall(r'<article class="story" id="[a-z]+-(s-\d+)"', fragment)


def index_lines(fragment: str) -> list[str]:
    section = re.search(r'<section class="index".*?</section>', fragment, re.S)
    return re.findall(r"<li id=\"[a-z]+-(s-\d+)\">.*?</li>", section.group(0), re.S) if section else []


@pytest.mark.parametrize(
    ("lang", "heading", "count_text", "date_text", "note"),
    [
        ("ar", "قصص أخرى باختصار", "مقال واحد", "09‏/05‏/2022", "القصص من 4 إلى 12"),
        ("en", "Other stories in brief", "1 article", "May 9, 2022", "Stories 4 to 12"),
        ("es", "Otras noticias en breve", "1 artículo", "9 may 2022", "Noticias 4 a 12"),
    ],
)
def test_web_page_has_cards_up_to_the_limit_then_an_index_of_the_rest(
    lang: str, heading: str, count_text: str, date_text: str, note: str
) -> None:
    briefing = many_stories(12)
    page = render.render_html(briefing, options=RenderOptions(web_stories=3))
    part = edition_html(page, lang)
    assert cards(part) == ["s-0001", "s-0002", "s-0003"]
    assert index_lines(part) == [f"s-{n:04d}" for n in range(4, 13)]  # every other story, in order
    assert f'<section class="index" id="{lang}-index" aria-labelledby="{lang}-index-title">' in part
    assert f'<h2 id="{lang}-index-title">{heading}</h2>' in part
    assert '<ol start="4">' in part and note in part
    assert f'href="#{lang}-index"' in part  # the contents lead to the index
    headline = briefing.stories[5].headline[lang]
    line = re.search(rf'<li id="{lang}-s-0006">.*?</li>', part).group(0)  # story 6: its event date
    assert f'<a href="https://news.example/6/0">{headline}</a>' in line
    assert count_text in line and "\u2068Hespress\u2069" in line
    assert f'<time datetime="2022-05-09">\u2068{date_text}\u2069</time>' in line
    seventh = re.search(rf'<li id="{lang}-s-0007">.*?</li>', part).group(0)
    assert "href" not in seventh and briefing.stories[6].headline[lang] in seventh  # an unsafe link is dropped
    assert 'datetime="2022-05-10"' in seventh  # no event date: the first report's
    # The contents list the cards only; the print media are not changed by the web limit.
    assert part.count('<li><a href="#') == 3
    printed = render.render_html(briefing, [lang], "print", RenderOptions(web_stories=3, print_stories=5))
    assert len(cards(printed)) == 5 and not index_lines(printed) and 'class="index"' not in printed


def test_index_lines_name_a_few_outlets_and_say_how_many_more() -> None:
    big = replace(small_story(99, sources=5), id="s-0099")
    briefing = replace(many_stories(2), stories=(*many_stories(2).stories, big))
    page = render.render_html(briefing, ["en", "ar"], options=RenderOptions(web_stories=2, index_outlets=2))
    line = re.search(r'<li id="en-s-0099">.*?</li>', page).group(0)
    assert "5 articles" in visible_text(line)
    assert "Hespress, Le360 and 3 more" in visible_text(line) and "Madar21" not in line
    arabic = re.search(r'<li id="ar-s-0099">.*?</li>', page).group(0)
    assert "Hespress، Le360 و3 أخرى" in visible_text(arabic) and "5 مقالات" in visible_text(arabic)


def test_an_untranslated_headline_in_the_index_keeps_its_language_and_direction() -> None:
    briefing = many_stories(3)
    untranslated = replace(briefing.stories[2], headline={"ar": "خبر بلا ترجمة", "en": "", "es": ""})
    briefing = replace(briefing, stories=(*briefing.stories[:2], untranslated))
    page = render.render_html(briefing, options=RenderOptions(web_stories=1))
    for lang in ("en", "es"):
        line = re.search(rf'<li id="{lang}-s-0003">.*?</li>', page).group(0)
        assert '<a href="https://news.example/3/0" lang="ar" dir="rtl">خبر بلا ترجمة</a>' in line
    arabic = re.search(r'<li id="ar-s-0003">.*?</li>', page).group(0)
    assert "lang=" not in arabic and 'dir="rtl"' in edition_html(page, "ar")[:200]


def test_zero_means_every_story_as_a_card_as_before() -> None:
    briefing = many_stories(12)
    everything = render.render_html(briefing, options=RenderOptions(web_stories=0))
    assert len(cards(everything)) == 36 and 'class="index"' not in everything
    assert everything == render.render_html(briefing, options=RenderOptions(web_stories=12))
    assert render.render_html(rich_briefing()) == render.render_html(
        rich_briefing(), options=RenderOptions(web_stories=0)
    )


def test_the_default_keeps_a_desk_day_whole() -> None:
    assert RenderOptions().web_stories >= 2000


@pytest.mark.parametrize(
    "briefing", [rich_briefing(), rich_briefing(hostile=True), many_stories(40)], ids=["rich", "hostile", "40-stories"]
)
def test_json_is_written_in_pieces_with_the_bytes_of_one_dump(
    briefing: Briefing, monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = (json.dumps(briefing.to_dict(), ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    assert render.render_json(briefing) == expected
    monkeypatch.setattr(render, "_JSON_PIECE", 64)  # many pieces, each cut anywhere
    handle = io.BytesIO()
    render.write_json(briefing, handle)
    assert handle.getvalue() == expected


def test_json_of_an_empty_briefing_is_unchanged() -> None:
    empty = Briefing(date=date(2022, 5, 11), languages=("ar",), stories=(), inputs=InputsReport(read=0))
    assert render.render_json(empty) == (json.dumps(empty.to_dict(), ensure_ascii=False, indent=2) + "\n").encode()


def test_the_index_comes_in_parts_numbered_on(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(render, "INDEX_PART", 4)
    part = edition_html(render.render_html(many_stories(12), options=RenderOptions(web_stories=3)), "es")
    assert re.findall(r'<ol start="(\d+)">', part[part.index('class="index"') :]) == ["4", "8", "12"]
    assert index_lines(part) == [f"s-{n:04d}" for n in range(4, 13)]
