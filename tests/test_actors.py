"""Key actors a desk can trust: titles bound to the right name, roles voted against the gazetteer, organisation
pieces merged, actors ranked by what the story's clean and summarised sentences say, and recognisable Latin
spellings of unknown names. Sentences written for these tests."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest

from digest.analyze import mentions
from digest.document import Analysis, Article, Mention, Sentence, SummarySentence
from digest.lang import romanizer
from digest.lang.gazetteer import gazetteer, romanize
from digest.options import ExtractOptions
from digest.synthesize import facts

NAMES = Path(__file__).parent / "data" / "romanization_names.tsv"


def _roles(text: str) -> dict[str, str | None]:
    found = mentions.find_mentions(Article(id="t", text=text), (Sentence("t", 0, text),))
    return {m.text: m.role for m in found if m.kind == "person"}


@pytest.mark.parametrize(
    ("text", "person", "role"),
    [
        ("التقى المرشد الإيراني علي خامنئي ولي العهد السعودي محمد بن سلمان في طهران.", "علي خامنئي", None),
        ("وقال وزير الخارجية الأمريكي أنتوني بلينكن إن المحادثات مثمرة.", "أنتوني بلينكن", "وزير الخارجية الأمريكي"),
        ("استقبل عبدالله بن زايد آل نهيان وزير الخارجية والتعاون الدولي، وفدا من رجال الأعمال.",
         "عبدالله بن زايد آل نهيان", "وزير الخارجية والتعاون الدولي"),
        ("وصافح بلينكن وزير الخارجية المغربي ناصر بوريطة في الرباط.", "بلينكن", None),
        ("وصافح بلينكن وزير الخارجية المغربي ناصر بوريطة في الرباط.", "ناصر بوريطة", "وزير الخارجية المغربي"),
        # the name after "باسم" is whom a spokesman speaks for, not the spokesman
        ("ورفضت متحدثة باسم كارلو فيرانتي يوم الثلاثاء هذه الاتهامات.", "كارلو فيرانتي", None),
        # a title joined by "و" starts another person: not the apposition of the name before it
        ("ووجه الأسد الشكر إلى بوتين ووزير الدفاع وقائد الأركان الروسيين عن دعمهما .", "بوتين", None),
        ("بلقاء دونالد ترامب , ووزير الخارجية ريكس تيلرسون , ووزير الدفاع جيم ماتيس .", "ريكس تيلرسون",
         "ووزير الخارجية"),
        # a title inside the apposition of the name before it is not the next words' title
        ("كما أدان محمود عفيفي , المتحدث الرسمي باسم أمين عام جامعة الدول العربية , قيام مليشيات الحوثي "
         "بإطلاق صاروخ باليستي جديد .", "قيام مليشيات الحوثي", None),
    ],
)  # fmt: skip
def test_a_title_binds_to_the_name_it_stands_in_apposition_to(text: str, person: str, role: str | None) -> None:
    assert _roles(text).get(person) == role  # None: not a person, or one without that title


@pytest.mark.parametrize(
    ("text", "person", "role"),
    [
        ("وقال المتحدث باسم الخارجية الروسية ماريا زاخاروفا إن الوضع هادئ.", "ماريا زاخاروفا",
         "المتحدث باسم الخارجية الروسية"),
        ("وقال المتحدث باسم الرئيس التركي إبراهيم قالن إن الوضع هادئ.", "إبراهيم قالن", None),  # or the president's
        ("وقال متحدث باسم رئيسة الوزراء البريطانية تيريزا ماي إن الحكومة ستدرس الأمر.", "تيريزا ماي",
         "رئيسة الوزراء البريطانية"),
        ("ورفضت متحدثة باسم كارلو فيرانتي يوم الثلاثاء هذه الاتهامات.", "كارلو فيرانتي", None),
        ("وقال كارلو فيرانتي المتحدث باسم", "كارلو فيرانتي", None),  # the sentence ends on "باسم"
    ],
)  # fmt: skip
def test_the_spokesman_is_named_after_the_spokesman_not_a_spokesman(text: str, person: str, role: str | None) -> None:
    """ "المتحدث باسم ..." names its spokesman; "متحدث باسم ..." (unnamed) is followed by whom he speaks for."""
    found = mentions.find_mentions(Article(id="t", text=text), (Sentence("t", 0, text),), "crf")
    assert {m.text: m.role for m in found if m.kind == "person"}.get(person) == role


Found = tuple[int, str, str, str | None, str | None]  # (sentence, text, kind, key, role)


def _analysis(article_id: str, sentences: list[str], found: list[Found]) -> Analysis:
    """An analysis with the given mentions."""
    read = tuple(Sentence(article_id, i, t, tuple(t.split())) for i, t in enumerate(sentences))
    found_mentions = tuple(
        Mention(name, kind, article_id, i, key=key, role=role, cue="title" if role else "")
        for i, name, kind, key, role in found
    )
    return Analysis(Article(id=article_id, text="\n".join(sentences)), read, mentions=found_mentions)


def test_a_well_known_role_stays_against_a_title_written_once() -> None:
    story = [
        _analysis("a", ["s0", "s1"], [(0, "بلينكن", "person", "person:antony-blinken", "الرئيس الروسي")]),
        _analysis("b", ["s0"], [(0, "بلينكن", "person", "person:antony-blinken", None)]),
    ]
    blinken = facts.extract(story, ExtractOptions()).actors[0]
    assert blinken.role["en"] == gazetteer().get("person:antony-blinken").role["en"]  # type: ignore[index]


def test_the_title_most_written_wins_for_an_unknown_person() -> None:
    name = "سمير الحداد"
    story = [
        _analysis("a", ["s0", "s1"], [(i, name, "person", None, "وزير المالية") for i in (0, 1)]),
        _analysis("b", ["s0"], [(0, name, "person", None, "رئيس الوزراء")]),
    ]
    actor = facts.extract(story, ExtractOptions()).actors[0]
    assert actor.role["ar"] is not None and "المالية" in actor.role["ar"]


def test_organisation_pieces_are_one_actor() -> None:
    story = [
        _analysis(
            "a",
            ["s0", "s1", "s2"],
            [
                (0, "حرس الحدود العراقية", "organization", None, None),
                (1, "لحرس الحدود العراقية", "organization", None, None),
                (2, "حرس الحدود", "organization", None, None),
            ],
        ),
        _analysis("b", ["s0"], [(0, "حرس الحدود", "organization", None, None)]),
    ]
    orgs = [a for a in facts.extract(story, ExtractOptions()).actors if a.kind == "organization"]
    assert len(orgs) == 1
    assert orgs[0].mentions == 4 and orgs[0].name["ar"] == "حرس الحدود العراقية"


def test_a_piece_that_two_longer_names_start_with_stays_apart() -> None:
    story = [
        _analysis(
            "a",
            ["s0", "s1", "s2"],
            [
                (0, "قوات الأمن الداخلي", "organization", None, None),
                (1, "قوات الأمن الوطني", "organization", None, None),
                (2, "قوات الأمن", "organization", None, None),
            ],
        )
    ]
    assert len(facts.extract(story, ExtractOptions()).actors) == 3


def test_actors_of_the_summary_come_first_and_furniture_names_are_left_out() -> None:
    sentences = ["وقال سمير الحداد إن الاتفاق وشيك", "ورد كريم بلحاج على الأسئلة", "اشترك في نشرة رشيد قدور"]
    found = [
        (0, "سمير الحداد", "person", None, "وزير المالية"),
        (1, "كريم بلحاج", "person", None, "وزير المالية"),
        (2, "رشيد قدور", "person", None, "وزير المالية"),
    ]
    story = [_analysis("a", sentences, found)]
    summary = (SummarySentence(sentences[1], ("a",)),)
    furniture = frozenset({tuple(sentences[2].split())})
    names = [a.name["ar"] for a in facts.extract(story, ExtractOptions(), summary, furniture).actors]
    assert names == ["كريم بلحاج", "سمير الحداد"]


def _key(latin: str) -> str:
    plain = "".join(c for c in unicodedata.normalize("NFD", latin.lower()) if not unicodedata.combining(c))
    return "".join(c for c in plain if c.isalpha())


def _names() -> list[tuple[str, list[str]]]:
    rows = [line.split("\t") for line in NAMES.read_text(encoding="utf-8").splitlines() if not line.startswith("#")]
    return [(arabic, accepted.split("|")) for arabic, accepted in rows[1:]]


def test_unknown_names_get_a_recognisable_spelling() -> None:
    """The romaniser in use gives the accepted press spelling of at least half the names (the letter scheme alone:
    5 of 46); a quality floor, measured on names whose spelling is settled."""
    pytest.importorskip("arabic_name_romanizer")
    names = _names()
    right = sum(_key(romanizer.romanize_name(ar).latin) in {_key(a) for a in accepted} for ar, accepted in names)
    assert len(names) >= 40 and right >= len(names) // 2
    assert romanizer.romanize_name("رياض حجاب") == romanizer.Romanized("Riad Hijab", True)
    assert not romanizer.romanize_name("إريك باهون").sure  # a guess: the briefing shows the Arabic beside it


def test_romanisation_without_the_library_falls_back_to_the_letter_scheme(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(romanizer, "_transliterator", lambda: None)
    romanizer.romanize_name.cache_clear()
    try:
        assert romanizer.romanize_name("وليد الكبيسي") == romanizer.Romanized(romanize("وليد الكبيسي"), False)
    finally:
        romanizer.romanize_name.cache_clear()


def _actor_names(story: list[Analysis]) -> list[str]:
    return sorted(a.name["ar"] for a in facts.extract(story, ExtractOptions()).actors)


@pytest.mark.parametrize(
    ("written", "kind", "one"),
    [
        (["كارديل", "لكارديل", "كارديل"], "person", "كارديل"),  # a clitic on a name that starts with ك
        (["الحكومة الكندية", "فالحكومة الكندية"], "organization", "الحكومة الكندية"),  # a clitic before ال
    ],
)
def test_clitic_variants_of_an_unknown_name_are_one_actor(written: list[str], kind: str, one: str) -> None:
    found = [(i, name, kind, None, "المتحدث" if kind == "person" else None) for i, name in enumerate(written)]
    story = [_analysis("a", [f"s{i}" for i in range(len(written))], found)]
    assert _actor_names(story) == [one]


def test_a_surname_joins_the_full_name_written_most() -> None:
    found = [(i, "نيكي هيلي", "person", None, "المندوبة الأمريكية") for i in range(4)]
    found += [
        (4, "جون هيلي", "person", None, "الكاتب"),
        (5, "هيلي", "person", None, None),
        (6, "هيلي", "person", None, None),
    ]
    story = [_analysis("a", [f"s{i}" for i in range(7)], found)]
    actors = {a.name["ar"]: a for a in facts.extract(story, ExtractOptions()).actors}
    assert sorted(actors) == ["جون هيلي", "نيكي هيلي"]
    assert actors["نيكي هيلي"].mentions == 6


def test_the_end_of_a_known_name_joins_it_but_not_a_name_that_starts_with_a_given_name() -> None:
    found = [
        (0, "محمد بن سلمان", "person", "person:mohammed-bin-salman", None),
        (1, "بن سلمان", "person", None, None),
        (2, "كريم سامي حداد", "person", None, "الوزير"),
        (3, "سامي حداد", "person", None, "النائب"),
    ]
    story = [_analysis("a", ["s0", "s1", "s2", "s3"], found)]
    actors = {a.name["ar"]: a for a in facts.extract(story, ExtractOptions()).actors}
    assert sorted(actors) == ["سامي حداد", "كريم سامي حداد", "محمد بن سلمان"]
    assert actors["محمد بن سلمان"].mentions == 2


@pytest.mark.parametrize(
    ("first", "second", "one"),
    [
        ("سيرغي شويغو", "سيرجي شويجو", True),  # a foreign g written غ or ج
        ("إيغور كوناشينكوف", "ايجور كوناشينكوف", True),
        ("حسن العلوي", "حسين العلوي", False),  # two Arabic given names
        ("سمير الحداد", "سمير الحدادي", True),  # a long vowel more in a surname
    ],
)
def test_spellings_of_one_unknown_name_are_one_actor(first: str, second: str, one: bool) -> None:
    found = [
        (0, first, "person", None, "الوزير"),
        (1, first, "person", None, None),
        (2, second, "person", None, "الوزير"),
    ]
    story = [_analysis("a", ["s0", "s1", "s2"], found)]
    assert _actor_names(story) == ([first] if one else sorted([first, second]))


def test_an_unknown_spelling_of_a_known_person_joins_the_known_one() -> None:
    found = [(0, "فلاديمير بوتين", "person", "person:vladimir-putin", None), (1, "فلاديمر بوتن", "person", None, None)]
    actors = facts.extract([_analysis("a", ["s0", "s1"], found)], ExtractOptions()).actors
    assert [(a.key, a.mentions) for a in actors] == [("person:vladimir-putin", 2)]


def test_an_office_of_another_known_person_of_the_story_is_not_taken() -> None:
    found = [
        (0, "ميشال عون", "person", "person:michel-aoun", None),
        (1, "سعد الحريري", "person", "person:saad-hariri", "الرئيس اللبناني"),
        (2, "سعد الحريري", "person", "person:saad-hariri", "الرئيس اللبناني"),
    ]
    actors = {a.key: a for a in facts.extract([_analysis("a", ["s0", "s1", "s2"], found)], ExtractOptions()).actors}
    assert actors["person:michel-aoun"].role["en"] == "Lebanese President"
    assert actors["person:saad-hariri"].role["en"] != "Lebanese President"


def test_a_bare_title_does_not_replace_a_well_known_role() -> None:
    found = [(i, "محمد بن سلمان", "person", "person:mohammed-bin-salman", "الأمير") for i in range(3)]
    actor = facts.extract([_analysis("a", ["s0", "s1", "s2"], found)], ExtractOptions()).actors[0]
    assert actor.role == dict(gazetteer().get("person:mohammed-bin-salman").role or {})


def test_a_name_holding_two_known_names_joins_the_one_it_starts_with() -> None:
    found = [
        (0, "محمد بن سلمان", "person", "person:mohammed-bin-salman", None),
        (1, "سلمان بن عبد العزيز", "person", "person:salman-bin-abdulaziz", None),
        (2, "محمد بن سلمان بن عبد العزيز", "person", None, "الأمير"),
    ]
    actors = facts.extract([_analysis("a", ["s0", "s1", "s2"], found)], ExtractOptions()).actors
    assert sorted((a.key or "", a.mentions) for a in actors) == [
        ("person:mohammed-bin-salman", 2),
        ("person:salman-bin-abdulaziz", 1),
    ]


def test_a_first_name_alone_joins_the_one_known_person_it_starts() -> None:
    found = [(0, "بشار الأسد", "person", "person:bashar-al-assad", None), (1, "بشار", "person", None, "الرئيس")]
    actors = facts.extract([_analysis("a", ["s0", "s1"], found)], ExtractOptions()).actors
    assert [(a.key, a.mentions) for a in actors] == [("person:bashar-al-assad", 2)]


def test_an_organisation_piece_joins_the_longer_name_written_most() -> None:
    found = [(i, "مجلس النواب الكندي", "organization", None, None) for i in range(4)]
    found += [(4, "مجلس النواب الليبي", "organization", None, None)]
    found += [(5 + i, "مجلس النواب", "organization", None, None) for i in range(3)]
    story = [_analysis("a", [f"s{i}" for i in range(8)], found)]
    actors = {a.name["ar"]: a.mentions for a in facts.extract(story, ExtractOptions()).actors}
    assert actors == {"مجلس النواب الكندي": 7, "مجلس النواب الليبي": 1}


def test_a_medium_named_only_as_the_source_of_reports_is_not_an_actor() -> None:
    """Where reports come from ("قالت رويترز", "لوكالة فرانس برس", "على تويتر") is not who acts in them; a
    medium the story reports on (blocked, suing) stays an actor."""
    from digest import analyze

    sourced = [
        "وقال وزير الخارجية الأمريكي أنتوني بلينكن لوكالة رويترز إن المحادثات مثمرة.",
        "وكتب بلينكن في تغريدة على تويتر أن الاجتماع ناجح.",
        "وبحسب وكالة رويترز فإن الاجتماع استمر ساعتين.",
        "ونشر بلينكن صورة الاجتماع على تويتر.",
        "وقال مراسل الجزيرة إن الاجتماع انتهى.",  # a medium's name without its head ("قناة"), read as unknown
        "وقال بلينكن لقناة الجزيرة إن الاجتماع مثمر.",
        "الرباط ( رويترز ) - وصل بلينكن إلى الرباط.",  # a wire's dateline credit
    ]
    closed = [
        "حجبت السلطات موقع تويتر في البلاد.",
        "وتعهد تويتر بالطعن في القرار.",
        "ودعت الحكومة تويتر إلى حذف الحسابات.",
    ]

    def keys(texts: list[str]) -> set[str | None]:
        story = [analyze.analyze(Article(id=f"a{i}", text=t)) for i, t in enumerate(texts)]
        return {a.key for a in facts.extract(story, ExtractOptions()).actors}

    assert keys(sourced) == {"person:antony-blinken"}
    assert "org:twitter" in keys(sourced + closed)


def test_a_full_title_outvotes_a_bare_one() -> None:
    """A bare "الرئيس" is also how the press honours a former head of government: written beside a full title
    ("رئيس الحكومة"), it does not vote."""
    found = [(0, "سعد الحريري", "person", "person:saad-hariri", "رئيس الحكومة اللبنانية")]
    found += [(i, "الحريري", "person", "person:saad-hariri", "الرئيس") for i in range(1, 4)]
    story = [_analysis("a", [f"s{i}" for i in range(4)], found)]
    assert facts.extract(story, ExtractOptions()).actors[0].role["en"] == "Lebanese Prime Minister"
    region = [(0, "كريم حداد", "person", None, "رئيس إقليم الشمال")]  # an office the lexicon does not hold
    region += [(i, "كريم حداد", "person", None, "الرئيس") for i in range(1, 3)]
    regional = facts.extract([_analysis("a", ["s0", "s1", "s2"], region)], ExtractOptions()).actors[0]
    assert regional.role["en"] is None
    alone = [_analysis("a", ["s0"], [(0, "كريم حداد", "person", None, "الرئيس")])]  # the only title written
    assert facts.extract(alone, ExtractOptions()).actors[0].role["en"] == "President"


def test_an_organisation_written_only_with_a_clitic_is_named_without_it() -> None:
    found = [(i, "لوزارة الداخلية", "organization", None, None) for i in range(3)]
    story = [_analysis("a", ["s0", "s1", "s2"], found)]
    assert _actor_names(story) == ["وزارة الداخلية"]


def test_a_name_with_a_quote_glued_is_not_a_person() -> None:
    found = [(i, "سليمان : نقدر", "person", None, "الرئيس") for i in range(3)]
    assert _actor_names([_analysis("a", ["s0", "s1", "s2"], found)]) == []
