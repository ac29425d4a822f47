"""Headlines and key facts composed from the extracted facts (no model), and what an edition shows without one:
outlets never shown as file names, conflict subjects localised like actors, the key-facts line everywhere."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from pathlib import Path

import pytest

from digest import render, translate
from digest.document import Actor, Article, Briefing, Conflict, ConflictSide, InputsReport, Story
from digest.options import TranslateOptions
from digest.translate.compose import compose_headline, key_facts, subject_in

from .test_render import edition_html, visible_text
from .test_translate import SENTENCES, story


def _side(value: dict[str, str], articles: tuple[str, ...], latest: bool = False) -> ConflictSide:
    return ConflictSide(value=value, articles=articles, published=(), evidence=(), latest=latest)


ABSENT = {
    "ar": "غيابه مؤكد (كوفيد-19)؛ يمثله فيكتوريا نولاند",
    "en": "confirmed absent (COVID-19); represented by Victoria Nuland",
    "es": "ausencia confirmada (COVID-19); representado por Victoria Nuland",
}


def attendance_story(headline: str = "بلينكن يغيب عن الاجتماع الوزاري للتحالف الدولي ضد داعش") -> Story:
    base = story(*SENTENCES, headline=headline)
    coalition = Actor(
        name={"ar": "التحالف الدولي ضد داعش", "en": "Global Coalition against Daesh", "es": "Coalición Global"},
        kind="organization",
        role={},
        variants=("التحالف الدولي",),
    )
    conflict = Conflict(
        subject={"ar": "أنتوني بلينكن", "en": "Antony Blinken", "es": "Antony Blinken"},
        attribute="attendance",
        kind="superseded",
        claims=(
            _side({"ar": "يحضر", "en": "expected to attend", "es": "se espera que asista"}, ("a1",)),
            _side(ABSENT, ("a1",), latest=True),
        ),
    )
    return replace(base, actors=(*base.actors, coalition), conflicts=(conflict,))


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        (
            "en",
            "Antony Blinken will not attend the Global Coalition against Daesh ministerial meeting in Marrakesh, "
            "May 11, 2022 (COVID-19); Victoria Nuland stands in",
        ),
        (
            "es",
            "Antony Blinken no asistirá a la reunión ministerial de la Coalición Global en Marrakech, "
            "11 de mayo de 2022 (COVID-19); en su lugar, Victoria Nuland",
        ),
    ],
)
def test_a_claim_gives_the_headline_its_verb(lang: str, expected: str) -> None:
    assert compose_headline(attendance_story(), lang) == expected


def test_a_past_event_takes_the_past_tense() -> None:
    later = replace(attendance_story(), event_date=date(2022, 5, 1))
    assert (compose_headline(later, "en") or "").startswith("Antony Blinken did not attend the Global Coalition")
    assert (compose_headline(later, "es") or "").startswith("Antony Blinken no asistió a la reunión")
    council = {"ar": "التحالف الدولي", "en": "Coalition", "es": "Consejo contra el Dáesh"}
    forum = attendance_story("بلينكن يغيب عن منتدى التحالف الدولي")
    forum = replace(forum, actors=(replace(forum.actors[-1], name=council),))
    assert "no asistirá al foro del Consejo contra el Dáesh en" in (compose_headline(forum, "es") or "")


def test_without_a_claim_nothing_is_composed_and_the_edition_shows_the_arabic_headline(tmp_path: Path) -> None:
    """Names and a place without a verb say nothing checked: the Arabic headline is shown, marked untranslated."""
    met = story("استقبل بوريطة بلينكن.", headline="بوريطة يستقبل بلينكن")
    summit = story("استقبل بوريطة بلينكن.", headline="قمة في مراكش")
    bare = Story(id="s", headline={"ar": "خبر"}, articles=(Article(id="a", text="", outlet="Hespress"),))
    for plain in (met, summit, bare):
        assert compose_headline(plain, "en") is None and compose_headline(plain, "es") is None
    argos = translate.ArgosTranslator(TranslateOptions(), tmp_path / "empty")
    result = translate.translate_story(met, ["ar", "en", "es"], argos)
    assert result.headline == {"ar": "بوريطة يستقبل بلينكن"} and result.composed == frozenset()
    page = render.render_html(_briefing(result))
    for lang, mark in (("en", "Headline not translated"), ("es", "Titular sin traducir")):
        edition = edition_html(page, lang)
        assert '<h2 class="headline" lang="ar" dir="rtl">بوريطة يستقبل بلينكن</h2>' in edition
        assert mark in visible_text(edition)
        assert "Nasser Bourita" in visible_text(edition)  # the key facts still name who
    assert "Headline not translated" in render.render_email_text(_briefing(result))


def test_a_claim_about_a_guessed_name_composes_no_headline() -> None:
    """A subject romanised by guess ("Al-Shrta al-Askrya..." for a phrase read as a name) is not stated in Latin
    letters alone; the same claim about a known actor is."""
    base = attendance_story()
    guessed = Actor(
        name={"ar": "الشرطة العسكرية", "en": "Al-Shrta al-Askrya", "es": "Al-Shrta al-Askrya"},
        kind="organization",
        role={},
        romanized=True,
        romanized_sure=False,
    )
    conflict = replace(base.conflicts[0], subject={"ar": "الشرطة العسكرية", "en": "", "es": ""})
    unknown = replace(base, actors=(*base.actors, guessed), conflicts=(conflict,))
    assert compose_headline(unknown, "en") is None
    not_an_actor = replace(base, conflicts=(conflict,))  # romanised on the spot: a guess too
    assert compose_headline(not_an_actor, "en") is None
    sure = replace(unknown, actors=(*base.actors, replace(guessed, romanized_sure=True)))
    assert (compose_headline(sure, "en") or "").startswith("Al-Shrta al-Askrya will not attend")


def test_no_model_fills_the_headlines_and_marks_them_composed(tmp_path: Path) -> None:
    argos = translate.ArgosTranslator(TranslateOptions(), tmp_path / "empty")
    result = translate.translate_story(attendance_story(), ["ar", "en", "es"], argos)
    assert result.headline["en"].startswith("Antony Blinken will not attend")
    assert result.headline["es"].startswith("Antony Blinken no asistirá")
    assert result.composed == {"en", "es"}
    record = result.to_dict()
    assert record["headline"]["composed"] == {"en": True, "es": True}
    assert Story.from_dict(record) == result
    with_model = translate.translate_story(attendance_story(), ["ar", "en"], translate.IdentityTranslator())
    assert with_model.composed == frozenset() and with_model.to_dict()["headline"]["composed"] == {"en": False}


def test_conflict_subjects_are_localised_like_actors() -> None:
    base = story(*SENTENCES)
    known = Conflict(
        subject={"ar": "بلينكن", "en": "بلينكن", "es": "بلينكن"}, attribute="attendance", kind="x", claims=()
    )
    unknown = replace(known, subject={"ar": "حيدر العبادي", "en": "حيدر العبادي", "es": ""})
    phrase = replace(known, subject={"ar": "مقتل قيادات في المؤتمر بصنعاء", "en": ""}, attribute="report")
    assert subject_in(known, base, "en") == ("Antony Blinken", "en")
    assert subject_in(unknown, base, "es") == ("Haidar al-Abadi", "es")
    assert subject_in(phrase, base, "en") == ("مقتل قيادات في المؤتمر بصنعاء", "ar")  # a phrase: kept, isolated
    assert subject_in(known, base, "ar") == ("بلينكن", "ar")


def test_key_facts_say_who_what_where_when() -> None:
    facts = key_facts(attendance_story(), "en")
    assert facts.who == "Nasser Bourita, Antony Blinken, Global Coalition against Daesh"
    assert facts.what == (
        "Antony Blinken: confirmed absent (COVID-19); represented by Victoria Nuland (earlier: expected to attend)",
    )
    assert (facts.where, facts.when) == ("Marrakesh, Morocco", "Wednesday, May 11, 2022")


def _briefing(*stories: Story) -> Briefing:
    return Briefing(date(2022, 5, 11), ("ar", "en", "es"), stories, InputsReport(read=len(stories)))


def test_outlets_are_never_file_names_and_only_known_ones_are_counted() -> None:
    articles = (
        Article(
            id="000_7624170eabd20a3c", text="", url="https://www.swissinfo.ch/ara/x", published=datetime(2022, 5, 1)
        ),
        Article(id="p001", text="", published=datetime(2022, 5, 2)),
        Article(id="p002", text="", url="javascript:alert(1)"),
    )
    conflict = Conflict(
        subject={"ar": "بلينكن", "en": "Antony Blinken", "es": "Antony Blinken"},
        attribute="attendance",
        kind="contradiction",
        claims=(
            _side({"ar": "يحضر", "en": "attends", "es": "asiste"}, ("p001",)),
            replace(_side({"ar": "غائب", "en": "absent", "es": "ausente"}, ("000_7624170eabd20a3c",)),
                    outlets=("000_7624170eabd20a3c",)),
        ),
    )  # fmt: skip
    one = Story(id="s-1", headline={"ar": "خبر", "en": "", "es": ""}, articles=articles, conflicts=(conflict,))
    unknown = Story(id="s-2", headline={"ar": "خبر آخر"}, articles=articles[1:])
    page = render.render_html(_briefing(one, unknown))
    text = render.render_email_text(_briefing(one, unknown))
    for lang, word in (("en", "unknown source"), ("es", "fuente desconocida"), ("ar", "مصدر غير معروف")):
        shown = visible_text(edition_html(page, lang))
        assert "swissinfo.ch" in shown and word in shown
    for output in (visible_text(page), text):
        assert "000_7624170eabd20a3c" not in output and "p001" not in output and "p002" not in output
    en = edition_html(page, "en")
    assert "3 articles · 1 outlet" in visible_text(en)  # swissinfo.ch only
    assert '<p class="byline">2 articles · <span class="untranslated">' in en  # no outlet known: no count


def test_the_key_facts_line_and_the_composed_mark_in_every_output(tmp_path: Path) -> None:
    argos = translate.ArgosTranslator(TranslateOptions(), tmp_path / "empty")
    composed = translate.translate_story(attendance_story(), ["ar", "en", "es"], argos)
    briefing = _briefing(composed)
    page = render.render_html(briefing)
    mail = render.render_email_html(briefing)
    text = render.render_email_text(briefing)
    for lang, label, mark in (
        ("en", "Key facts:", "Headline composed from the extracted facts, not translated"),
        ("es", "Datos clave:", "Titular compuesto a partir de los datos extraídos, sin traducción"),
    ):
        for output in (
            visible_text(edition_html(page, lang)),
            visible_text(mail),
            text.replace("\u2068", "").replace("\u2069", ""),
        ):
            assert label in output and mark in output
            assert composed.headline[lang] in output
    shown = " ".join(visible_text(edition_html(page, "en")).split())
    assert "What: Antony Blinken: confirmed absent (COVID-19)" in shown


def test_sources_that_still_differ_or_a_date_compose_no_headline() -> None:
    """A headline states one fact: not a dispute the sources have not settled, nor the date of "the meeting"."""
    base = attendance_story()
    settled = base.conflicts[0]
    split = replace(settled, claims=tuple(replace(side, latest=False) for side in settled.claims))
    assert compose_headline(replace(base, conflicts=(split,)), "en") is None
    dated = replace(
        settled,
        subject={"ar": "الاجتماع", "en": "meeting", "es": "reunión"},
        attribute="date",
        claims=(_side({"ar": "11 مايو", "en": "May 11", "es": "11 de mayo"}, ("a1",), latest=True),),
    )
    assert compose_headline(replace(base, conflicts=(dated,)), "en") is None
    assert compose_headline(base, "en")  # the settled attendance still makes one
    # more articles on one side of an open dispute do not settle it
    lopsided = replace(split, claims=(replace(split.claims[0], articles=("a1", "a2", "a3")), *split.claims[1:]))
    assert compose_headline(replace(base, conflicts=(lopsided,)), "en") is None
