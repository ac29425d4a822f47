"""The gazetteer: canonical names, variants, clitics, nisba adjectives, roles in three languages."""

from __future__ import annotations

import pytest

from digest.lang.gazetteer import (
    gazetteer,
    institution_names,
    name_key,
    nisba_forms,
    read_words,
    role_names,
    split_words,
)


@pytest.mark.parametrize(
    ("surface", "key"),
    [
        ("بلينكن", "person:antony-blinken"),
        ("بلينكين", "person:antony-blinken"),
        ("أنطوني بلينكن", "person:antony-blinken"),
        ("وبلينكن", "person:antony-blinken"),
        ("خوسيه مانويل ألباريس", "person:jose-manuel-albares"),
        ("خوسي مانويل ألباريس", "person:jose-manuel-albares"),
        ("ناصر بوريطة", "person:nasser-bourita"),
        ("رمطان العمامرة", "person:ramtane-lamamra"),
        ("رمطان لعمامرة", "person:ramtane-lamamra"),
        ("عبد الله بن زايد آل نهيان", "person:abdullah-bin-zayed"),
        ("عبدالله بن زايد آل نهيان", "person:abdullah-bin-zayed"),
        ("بمراكش", "place:marrakesh"),
        ("مراكش", "place:marrakesh"),
        ("للمغرب", "country:MA"),
        ("الجزائر", "country:DZ"),
        ("الجزائر العاصمة", "place:algiers"),
        ("داعش", "org:isis"),
        ("الدولة الإسلامية", "org:isis"),
        ("الاتحاد الإفريقي", "org:au"),
        ("Marrakech", "place:marrakesh"),
    ],
)
def test_lookup_variants(surface: str, key: str) -> None:
    entry = gazetteer().lookup(surface)
    assert entry is not None and entry.key == key


@pytest.mark.parametrize("surface", ["وزير", "الخارجية", "اليوم", "", "مدينة"])
def test_lookup_unknown(surface: str) -> None:
    assert gazetteer().lookup(surface) is None


def test_canonical_names_in_three_languages() -> None:
    g = gazetteer()
    marrakesh = g.get("place:marrakesh")
    assert marrakesh.names == {"ar": "مراكش", "en": "Marrakesh", "es": "Marrakech"}
    assert marrakesh.country == "MA"
    blinken = g.get("person:antony-blinken")
    assert blinken.names["en"] == "Antony Blinken"
    assert blinken.role == {
        "ar": "وزير الخارجية الأمريكي",
        "en": "US Secretary of State",
        "es": "secretario de Estado de EE. UU.",
    }


def test_every_babel_country_is_there() -> None:
    from babel import Locale

    g = gazetteer()
    for code in ("MA", "ES", "US", "NO", "DZ", "EG", "AE", "KW", "GN", "NE", "FJ", "UY"):
        assert g.get(f"country:{code}").names["en"] == Locale("en").territories[code]
    assert len([e for e in g if e.kind == "country"]) > 240
    assert len([e for e in g if e.kind == "person"]) > 100


def test_find_longest_match_with_offsets() -> None:
    text = "التقى وزير الخارجية، ناصر بوريطة، بمراكش مع خوسي مانويل ألباريس."
    found = [(text[a:b], e.key) for a, b, e in gazetteer().find(text)]
    assert found == [
        ("ناصر بوريطة", "person:nasser-bourita"),
        ("بمراكش", "place:marrakesh"),
        ("خوسي مانويل ألباريس", "person:jose-manuel-albares"),
    ]


@pytest.mark.parametrize(
    ("country", "adjective"),
    [
        ("المغرب", "المغربي"),
        ("إسبانيا", "الإسباني"),
        ("فرنسا", "الفرنسي"),
        ("السعودية", "السعودي"),
        ("تونس", "التونسي"),
    ],
)
def test_nisba_rule(country: str, adjective: str) -> None:
    assert nisba_forms(country) == [adjective]


@pytest.mark.parametrize(
    ("surface", "code"),
    [
        ("الأمريكي", "US"),
        ("الأميركية", "US"),
        ("الإسباني", "ES"),
        ("المغربية", "MA"),
        ("والنرويجي", "NO"),
        ("المصري", "EG"),
    ],
)
def test_adjective_country(surface: str, code: str) -> None:
    assert gazetteer().adjective_country(surface) == code


@pytest.mark.parametrize(
    ("arabic", "en", "es"),
    [
        ("وزير الخارجية الأمريكي", "US Secretary of State", "secretario de Estado de EE. UU."),
        ("كاتب الدولة الأمريكي", "US Secretary of State", "secretario de Estado de EE. UU."),
        ("وزير الخارجية الإسباني", "Spanish Minister of Foreign Affairs", "ministro de Asuntos Exteriores de España"),
        (
            "وزير الشؤون الخارجية والاتحاد الأوروبي والتعاون الإسباني",
            "Spanish Minister of Foreign Affairs",
            "ministro de Asuntos Exteriores de España",
        ),
        (
            "مساعدة وزير الخارجية للشؤون السياسية",
            "Under Secretary of State for Political Affairs",
            "subsecretaria de Estado para Asuntos Políticos",
        ),
        (
            "وزيرة الشؤون الخارجية بمملكة النرويج",
            "Norwegian Minister of Foreign Affairs",
            "ministra de Asuntos Exteriores de Noruega",
        ),
        ("رئيس الوزراء", "Prime Minister", "primer ministro"),
        ("الأمين العام للأمم المتحدة", "UN Secretary-General", "secretario general de la ONU"),
        ("السفير المغربي", "Moroccan Ambassador", "embajador de Marruecos"),
        # the country is named after the office: "المالية" in "وزير المالية" is Finance, not Mali's adjective
        ("وزير المالية", "Minister of Finance", "ministro de Hacienda"),
        ("وزير المالية العراقي", "Iraqi Minister of Finance", "ministro de Hacienda de Irak"),
        ("الرئيس المالي", "Malian President", "presidente de Malí"),
        # a title its holder no longer holds
        ("الرئيس العراقي السابق", "Former Iraqi President", "expresidente de Irak"),
        ("الرئيس اليمني المخلوع", "Former Yemeni President", "expresidente de Yemen"),
        ("رئيس الوزراء البريطاني السابق", "Former British Prime Minister", "ex primer ministro del Reino Unido"),
    ],
)
def test_role_names(arabic: str, en: str, es: str) -> None:
    names = role_names(arabic)
    assert names is not None and names["en"] == en and names["es"] == es


def test_role_unknown() -> None:
    assert role_names("لاعب كرة القدم") is None


def test_role_uses_person_country_when_title_has_none() -> None:
    names = role_names("وزير الخارجية", country="MA")
    assert names is not None and names["en"] == "Moroccan Minister of Foreign Affairs"


@pytest.mark.parametrize(
    "title",
    ["مستشار ولي العهد السعودي", "ومستشار ولي عهد أبوظبي", "ممثل الأمين العام للأمم المتحدة", "الرئيس التنفيذي للشركة"],
)
def test_a_title_after_another_noun_is_that_nouns_complement_not_the_role(title: str) -> None:
    """The adviser of the crown prince is no crown prince, the head of a company no president."""
    assert role_names(title) is None


@pytest.mark.parametrize(
    ("title", "en"),
    [("وولي العهد السعودي", "Saudi Crown Prince"), ("لرئيس الوزراء", "Prime Minister"),
     ("زعيم الحزب ورئيس الوزراء", "Prime Minister")],
)  # fmt: skip
def test_a_role_after_its_clitics_or_joined_by_and_counts(title: str, en: str) -> None:
    names = role_names(title)
    assert names is not None and names["en"] == en


def test_a_regional_office_is_not_a_national_one() -> None:
    """The premier of a state or the president of a region is not the country's Prime Minister or President."""
    assert role_names("رئيس حكومة ولاية فيكتوريا", country="AU") is None
    assert role_names("نائب رئيس حكومة إقليم كردستان", country="IQ") is None
    assert (role_names("رئيس الوزراء الأسترالي") or {}).get("en") == "Australian Prime Minister"


def test_name_key_ignores_article_and_spelling() -> None:
    assert name_key("الأميركي") == name_key("اميركي")
    assert name_key("عبد الله") == name_key("عبدالله")


@pytest.mark.parametrize(
    ("text", "raws", "separators"),
    [
        (
            "التقى عبد الله بن زايد في أبو ظبي، وأبو أبو مازن",
            ["التقى", "عبد الله", "بن", "زايد", "في", "أبو ظبي", "وأبو", "أبو مازن"],
            ["", " ", " ", " ", " ", " ", "، ", " "],
        ),
        (  # joined across a gap of two characters, not three; "أبو" at the end joins nothing
            "عبد، الله وعبد الرحمن عبد   الله أبو",
            ["عبد، الله", "وعبد", "الرحمن", "عبد", "الله", "أبو"],
            ["", " ", " ", " ", "   ", " "],
        ),
        ("", [], []),
    ],
)
def test_read_words_joins_compound_names(text: str, raws: list[str], separators: list[str]) -> None:
    words = read_words(text)
    assert words.raws == raws and words.separators == separators
    assert [text[start:end] for start, end in zip(words.starts, words.ends, strict=True)] == raws
    tokens, token_raws, _ = split_words(text)
    assert words.norms == [t.norm for t in tokens] and token_raws == raws


@pytest.mark.parametrize(
    ("arabic", "en", "es"),
    [
        ("وزارة الدفاع الروسية", "Russian Ministry of Defence", "Ministerio de Defensa de Rusia"),
        ("الحكومة التركية", "Turkish Government", "Gobierno de Turquía"),
        ("وزارة الداخلية", "Ministry of the Interior", "Ministerio del Interior"),
        ("الخارجية الأمريكية", "US Department of State", "Departamento de Estado de EE. UU."),  # its own name
        ("مجلس النواب الروسي", "State Duma", "Duma Estatal de Rusia"),
    ],
)
def test_a_state_institution_is_named_in_each_language(arabic: str, en: str, es: str) -> None:
    names = institution_names(arabic)
    assert names == {"ar": arabic, "en": en, "es": es}


@pytest.mark.parametrize("arabic", ["الجيش السوري الحر", "وزارة الدفاع الروسية الجنرال", "حزب الاتحاد الديمقراطي"])
def test_a_name_that_is_more_than_an_institution_and_its_country_is_not_described(arabic: str) -> None:
    assert institution_names(arabic) is None
