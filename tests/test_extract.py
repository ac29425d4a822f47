"""Key actors, roles, venue and event date: per-article mentions and dates, per-story consolidation."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest

from digest import analyze, ingest
from digest.analyze import mentions
from digest.analyze.cues import cue_lists
from digest.document import Analysis, Article, Sentence
from digest.lang.gazetteer import gazetteer
from digest.options import ExtractOptions, Options
from digest.synthesize.facts import StoryFacts, extract

SAMPLES = Path(__file__).resolve().parent.parent / "samples"


def _sentence(text: str) -> tuple[Article, tuple[Sentence, ...]]:
    return Article(id="t", text=text), (Sentence("t", 0, text),)


def _mentions(text: str) -> list[tuple[str, str, str | None, str | None]]:
    article, sentences = _sentence(text)
    return [(m.text, m.kind, m.key, m.role) for m in mentions.find_mentions(article, sentences)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "أجرى وزير الخارجية المغربي، ناصر بوريطة، محادثة هاتفية مع وزير الخارجية الأميركي، أنطوني بلينكن.",
            [
                ("ناصر بوريطة", "person", "person:nasser-bourita", "وزير الخارجية المغربي"),
                ("أنطوني بلينكن", "person", "person:antony-blinken", "وزير الخارجية الأميركي"),
            ],
        ),
        (
            "وأكد عبدالله بن زايد آل نهيان وزير الخارجية والتعاون الدولي حضوره.",
            [("عبدالله بن زايد آل نهيان", "person", "person:abdullah-bin-zayed", "وزير الخارجية والتعاون الدولي")],
        ),
        # An unknown name framed by a title and commas is a person with that title.
        (
            "وقال سفير المملكة المتحدة، جوناثان ويلكس، إن بلاده ستشارك.",
            [
                ("المملكة المتحدة", "place", "country:GB", None),
                ("جوناثان ويلكس", "person", None, "سفير المملكة المتحدة"),
            ],
        ),
        # Honorific before an unknown name.
        ("واستقبل السيد عمر بلفريج الوفد.", [("عمر بلفريج", "person", None, None)]),
        # A title without a comma: the name starts where the title cannot go on.
        ("وصرح السفير الأمريكي جيفري فيلتمان للصحفيين.", [("جيفري فيلتمان", "person", None, "السفير الأمريكي")]),
        # Clitics on places; the capital written alone is the country, "العاصمة" makes it the city.
        (
            "وصل الوفد بمراكش قادما من الجزائر العاصمة.",
            [("بمراكش", "place", "place:marrakesh", None), ("الجزائر العاصمة", "place", "place:algiers", None)],
        ),
        # "على" (the preposition) is not the name "علي"; a nationality adjective is not a place mention.
        ("وشدد الوزير على ضرورة التعاون مع الجانب الإسباني.", []),
        # After a verb of saying, a name closed by a function word; not a generic subject.
        ("وقال ويلكنسون إن الاتحاد مستعد.", [("ويلكنسون", "person", None, None)]),
        ("وقال مصدر إن الاجتماع تأجل.", []),
        # A given name and a family name with the article.
        ("والتقى حسين الفردان بالوفد.", [("حسين الفردان", "person", None, None)]),
        # Organisation heads: a generic "الجماعة الإرهابية" is not a name; "حزب العدالة والتنمية" is.
        ("وانتقد حزب العدالة والتنمية الجماعة الإرهابية.", [("حزب العدالة والتنمية", "organization", "org:pjd", None)]),
        # A city or country after a team head is the team; "منتخب" is part of the team's name.
        ("وتعادل فريق نابولي مع ضيفه.", [("نابولي", "organization", None, None)]),
        ("وفاز منتخب نيجيريا بالمباراة.", [("منتخب نيجيريا", "organization", None, None)]),
        ("وخسر المنتخب المغربي أمس.", [("المنتخب المغربي", "organization", None, None)]),
        ("وحل فريق المغرب التطواني ثانيا.", [("المغرب التطواني", "organization", None, None)]),
        # An agency credit in parentheses is the agency; the adjective elsewhere is not.
        (
            "قتل ثلاثة جنود في بغداد (الفرنسية).",
            [("بغداد", "place", "place:baghdad", None), ("الفرنسية", "organization", "org:afp", None)],
        ),
        ("وقالت الحكومة الفرنسية إن الاجتماع تأجل.", [("الحكومة الفرنسية", "organization", None, None)]),
        # A name does not run across quotation marks; a future verb ends an unknown name.
        ('وقالت جيما أرياس "أنا سعيدة".', [("جيما أرياس", "person", None, None)]),
        # A definite head with a bare word after it is a sentence, not a name: "الحزب مستمر".
        ("وقال إن الحزب مستمر في المعارضة.", []),
        # A conjunction glued to a given name is not part of the name.
        ("التقى الوزير ومحمد العنزي.", [("محمد العنزي", "person", None, None)]),
        # A given name ending in ى ("يحيى") is a name; only the preposition "على" is not "علي".
        ("وشارك يحيى شاهين في الفيلم.", [("يحيى شاهين", "person", None, None)]),
    ],
)
def test_find_mentions(text: str, expected: list[tuple[str, str, str | None, str | None]]) -> None:
    assert _mentions(text) == expected


def test_surname_alone_after_full_name_in_the_same_article() -> None:
    text = ["وقال المبعوث الخاص، كمال الدين بوزيان، إن الحوار مستمر.", "وأضاف بوزيان أن الأطراف وافقت."]
    article = Article(id="t", text="\n".join(text))
    sentences = tuple(Sentence("t", i, s) for i, s in enumerate(text))
    found = [(m.sentence, m.text, m.kind) for m in mentions.find_mentions(article, sentences)]
    assert (1, "بوزيان", "person") in found


def test_find_dates_resolves_against_publication() -> None:
    text = "ينعقد الاجتماع يوم غد الأربعاء في مراكش."
    article = Article(id="t", text=text, published=datetime(2022, 5, 10, 9, 0))
    found = mentions.find_dates(article, (Sentence("t", 0, text),))
    assert [(d.value, d.relative, d.precision) for d in found] == [(date(2022, 5, 11), True, "day")]
    assert text[found[0].start : found[0].end] == found[0].text


def test_find_dates_prefers_the_written_date_over_its_weekday() -> None:
    text = "ستحتضن وهران يوم الخميس 15 يونيو الجاري اجتماعا وزاريا."
    article = Article(id="t", text=text, published=datetime(2023, 6, 12))
    assert [d.value for d in mentions.find_dates(article, (Sentence("t", 0, text),))] == [date(2023, 6, 15)]


# ---------------------------------------------------------------------------------------------------------------
# A story nobody tuned on: other people, another city, relative dates.

UNSEEN = [
    (
        "a",
        datetime(2023, 6, 12, 9, 0),
        "أعلنت وزارة الخارجية الجزائرية أن مدينة وهران ستحتضن يوم الخميس 15 يونيو الجاري اجتماعا وزاريا حول "
        "الأمن في منطقة الساحل، بمشاركة وزير الخارجية الروسي سيرغي لافروف ونظيره التركي مولود تشاووش أوغلو.\n"
        "وقال المبعوث الخاص للأمم المتحدة إلى منطقة الساحل، عبد الرحمن وليد الكبيسي، إن الاجتماع سيبحث سبل "
        "مكافحة الإرهاب في المنطقة.\nوكان لافروف قد زار الجزائر العاصمة في مايو الماضي.",
    ),
    (
        "b",
        datetime(2023, 6, 14, 18, 30),
        "يلتقي وزير الخارجية الروسي، سيرغي لافروف، غدا الخميس في وهران بوزير الخارجية التركي مولود جاويش "
        "أوغلو، على هامش الاجتماع الوزاري حول الساحل.\nوأكد الكبيسي، في تصريح من نيويورك أمس الثلاثاء، أن "
        "الأمم المتحدة تدعم هذا الاجتماع.\nوقال لافروف في موسكو إن بلاده ستشارك بوفد رفيع المستوى.",
    ),
    (
        "c",
        datetime(2023, 6, 15, 11, 0),
        "انطلقت اليوم الخميس بمدينة وهران أشغال الاجتماع الوزاري حول الأمن في الساحل، بحضور لافروف وجاويش "
        "أوغلو والمبعوث الأممي عبد الرحمن وليد الكبيسي.\nوشدد المشاركون على ضرورة تنسيق الجهود لمواجهة "
        "تنظيم داعش في المنطقة.",
    ),
]


@pytest.fixture(scope="module")
def unseen() -> StoryFacts:
    analyses = [analyze.analyze(Article(id=i, text=t, published=p)) for i, p, t in UNSEEN]
    return extract(analyses, ExtractOptions())


def test_unseen_story_actors(unseen: StoryFacts) -> None:
    by_key = {a.key: a for a in unseen.actors}
    lavrov = by_key["person:sergey-lavrov"]
    assert lavrov.name == {"ar": "سيرغي لافروف", "en": "Sergey Lavrov", "es": "Serguéi Lavrov"}
    assert lavrov.role["en"] == "Russian Minister of Foreign Affairs"
    assert lavrov.role["es"] == "ministro de Asuntos Exteriores de Rusia"
    assert lavrov.articles == ("a", "b", "c") and lavrov.mentions >= 5
    assert by_key["person:mevlut-cavusoglu"].role["en"] == "Turkish Minister of Foreign Affairs"
    assert unseen.actors[0].key == "person:sergey-lavrov"  # most salient first


def test_unseen_story_unknown_person_is_romanized(unseen: StoryFacts) -> None:
    envoy = next(a for a in unseen.actors if a.key is None and a.kind == "person")
    assert envoy.romanized
    assert envoy.name["ar"] == "عبد الرحمن وليد الكبيسي"
    assert envoy.name["en"] == envoy.name["es"] == "Abdulrahman Waleed Al-Kubaisi"  # attested spellings
    assert envoy.romanized_sure
    assert envoy.role["en"] == "Special Envoy, United Nations"


def test_unseen_story_venue_and_date(unseen: StoryFacts) -> None:
    assert unseen.venue is not None
    assert unseen.venue.name == {"ar": "وهران", "en": "Oran", "es": "Orán"}
    assert unseen.venue.country["en"] == "Algeria"
    assert unseen.event_date == date(2023, 6, 15)  # not a publication date, not Moscow or New York


def test_max_actors_and_empty_story() -> None:
    analyses = [analyze.analyze(Article(id=i, text=t, published=p)) for i, p, t in UNSEEN]
    assert len(extract(analyses, ExtractOptions(max_actors=2)).actors) == 2
    assert extract([], ExtractOptions()) == StoryFacts()


def test_surname_only_mentions_join_the_full_name() -> None:
    text = "وقال المنسق الأممي، كمال الدين بوزيان، إن الحوار مستمر. وأضاف بوزيان أن الأطراف وافقت."
    analysis = analyze.analyze(Article(id="x", text=text, published=datetime(2023, 1, 1)))
    facts = extract([analysis], ExtractOptions())
    person = next(a for a in facts.actors if a.kind == "person")
    assert person.name["ar"] == "كمال الدين بوزيان" and person.mentions == 2


# ---------------------------------------------------------------------------------------------------------------
# The samples, through ingest (which removes navigation lists and the appended op-ed) and analyze.


@pytest.fixture(scope="module")
def samples() -> tuple[list[Analysis], StoryFacts]:
    options = Options()
    articles = ingest.ingest([SAMPLES], options.ingest).articles
    analyses = [analyze.analyze(a) for a in articles]
    return analyses, extract(analyses, options.extract)


@pytest.mark.parametrize(
    ("key", "en", "es", "role_en", "role_es"),
    [
        (
            "person:antony-blinken",
            "Antony Blinken",
            "Antony Blinken",
            "US Secretary of State",
            "secretario de Estado de EE. UU.",
        ),
        (
            "person:nasser-bourita",
            "Nasser Bourita",
            "Nasser Bourita",
            "Moroccan Minister of Foreign Affairs",
            "ministro de Asuntos Exteriores de Marruecos",
        ),
        (
            "person:jose-manuel-albares",
            "José Manuel Albares",
            "José Manuel Albares",
            "Spanish Minister of Foreign Affairs",
            "ministro de Asuntos Exteriores de España",
        ),
        (
            "person:victoria-nuland",
            "Victoria Nuland",
            "Victoria Nuland",
            "US Under Secretary of State for Political Affairs",
            "subsecretaria de Estado para Asuntos Políticos de EE. UU.",
        ),
    ],
)
def test_samples_key_actors(
    samples: tuple[list[Analysis], StoryFacts], key: str, en: str, es: str, role_en: str, role_es: str
) -> None:
    actor = next(a for a in samples[1].actors if a.key == key)
    assert (actor.name["en"], actor.name["es"]) == (en, es)
    assert (actor.role["en"], actor.role["es"]) == (role_en, role_es)
    assert not actor.romanized


def test_samples_spelling_variants_merge(samples: tuple[list[Analysis], StoryFacts]) -> None:
    blinken = next(a for a in samples[1].actors if a.key == "person:antony-blinken")
    assert {"أنطوني بلينكن", "أنتوني بلينكن", "أنطوني بلينكين"} <= set(blinken.variants)
    albares = next(a for a in samples[1].actors if a.key == "person:jose-manuel-albares")
    assert {"خوسيه مانويل ألباريس", "خوسي مانويل ألباريس"} <= set(albares.variants)


def test_samples_venue_and_event_date(samples: tuple[list[Analysis], StoryFacts]) -> None:
    facts = samples[1]
    assert facts.venue is not None
    assert facts.venue.name == {"ar": "مراكش", "en": "Marrakesh", "es": "Marrakech"}
    assert facts.venue.country == {"ar": "المغرب", "en": "Morocco", "es": "Marruecos"}
    assert facts.event_date == date(2022, 5, 11)


@pytest.mark.parametrize("furniture_name", ["لقجع", "حاتم عمور", "سناء عكرود", "لارانغو", "ولد الفشوش"])
def test_samples_no_actor_from_furniture(samples: tuple[list[Analysis], StoryFacts], furniture_name: str) -> None:
    analyses, facts = samples
    assert not any(furniture_name in v for a in facts.actors for v in a.variants)
    assert not any(furniture_name in m.text for a in analyses for m in a.mentions)


def test_samples_no_common_word_read_as_a_person(samples: tuple[list[Analysis], StoryFacts]) -> None:
    # Every person the samples name is known; words such as "شؤون" (after "المكلفة") or "بيان" are not persons.
    # The tagger reads one stray ("بفيروس كورونا", once): it must not reach the actors, and no other may appear.
    strays = [m.text for a in samples[0] for m in a.mentions if m.kind == "person" and m.key is None]
    assert set(strays) <= {"بفيروس كورونا"} and len(strays) <= 1
    assert all(a.key is not None for a in samples[1].actors if a.kind == "person")


def test_samples_acting_title(samples: tuple[list[Analysis], StoryFacts]) -> None:
    lempert = next(a for a in samples[1].actors if a.key == "person:yael-lempert")
    assert lempert.role["en"] == "Acting US Assistant Secretary of State for Near Eastern Affairs"


def test_camel_backend_without_its_model_says_how_to_install(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from digest.errors import ConfigError

    monkeypatch.setenv("CAMELTOOLS_DATA", str(tmp_path / "camel"))
    monkeypatch.setenv("HOME", str(tmp_path))
    mentions._camel_recognizer.cache_clear()
    assert mentions.camel_model_path() is None
    article, sentences = _sentence("التقى ناصر بوريطة في الرباط.")
    with pytest.raises(ConfigError, match="camel_data -i ner"):
        mentions.find_mentions(article, sentences, backend="camel")
    assert not (tmp_path / ".camel_tools").exists() and not (tmp_path / "camel").exists()  # nothing created
    with pytest.raises(ConfigError, match="unknown"):
        mentions.find_mentions(article, sentences, backend="spacy")


def test_unknown_full_names_with_the_same_ends_merge() -> None:
    text = (
        "وطالب النشطاء بالإفراج عن المصور خالد محمد عبد الرؤوف سحلوب. "
        "وقال المحامي إن خالد سحلوب مضرب عن الطعام. وأعلن سحلوب الإضراب قبل أسبوع."
    )
    analysis = analyze.analyze(Article(id="x", text=text, published=datetime(2017, 1, 1)))
    persons = [a for a in extract([analysis], ExtractOptions()).actors if a.kind == "person"]
    assert len(persons) == 1
    assert persons[0].name["ar"] in {"خالد سحلوب", "خالد محمد عبد الرؤوف سحلوب"} and persons[0].mentions == 3


# ---------------------------------------------------------------------------------------------------------------
# Unknown names must look like names: junk candidates the rules used to read as persons.


def _story_actors(*texts: str) -> list[str]:
    analyses = [
        analyze.analyze(Article(id=f"j{i}", text=text, published=datetime(2023, 1, 1))) for i, text in enumerate(texts)
    ]
    return [a.name["ar"] for a in extract(analyses, ExtractOptions(min_mentions=1)).actors]


@pytest.mark.parametrize(
    ("texts", "junk"),
    [
        (("وقال آخر إن دخانا كثيفا يتصاعد فوق المدينة.", "وقال آخر إن الدخان يتصاعد."), "آخر"),
        (("وقال الرئيس التركي بحث مع نظيره الأزمة.",), "بحث"),
        (("أكد أن الوصول إلى حل سلمي سيتطلب تنازلات من كل الأطراف.",) * 2, "سلمي سيتطلب"),
        (("وقال مستشار الوزير لشؤون الإعلام، تم الاتفاق على اللقاء.",), "تم"),
        (("ونددت بتحسين ظروف العمال. وأضاف ظروف العمال صعبة.",), "ظروف"),
        (("وقال وزير الخارجية، اتصل بنا.",), "اتصل بنا"),
        (("وقال محمد إن القصف مستمر.", "وأضاف محمد أن السكان نزحوا."), "محمد"),  # a given name alone: who?
        (("وقال ينافسون إن القصف مستمر.", "وأضاف ينافسون أن السكان نزحوا."), "ينافسون"),  # a verb (they compete)
        (("وأعلن حزب سياسي مقاطعة الانتخابات.", "وقال حزب سياسي إن القرار خاطئ."), "حزب سياسي"),  # a description
    ],
)
def test_no_junk_unknown_actor(texts: tuple[str, ...], junk: str) -> None:
    assert not any(junk in name or name in junk for name in _story_actors(*texts))


@pytest.mark.parametrize(
    ("texts", "name"),
    [
        (("وقال المنسق الأممي، كمال الدين بوزيان، إن الحوار مستمر.",), "كمال الدين بوزيان"),  # title + given name
        (("وقال السفير الكوري، كين يونغ، إن بلاده تدعم الاتفاق.",), "كين يونغ"),  # title, unknown given name
        (("وصرح السيد كوفيتش للصحفيين بأن الوباء مستمر.",), "كوفيتش"),  # honorific
        (("وقال سحلوب إن المفاوضات مستمرة.", "وأضاف سحلوب أن الاتفاق قريب."), "سحلوب"),  # named in two articles
    ],
)
def test_plausible_unknown_actor_kept(texts: tuple[str, ...], name: str) -> None:
    assert name in _story_actors(*texts)


def test_unknown_name_named_once_by_a_verb_of_saying_is_not_an_actor() -> None:
    assert "سحلوب" not in _story_actors("وقال سحلوب إن المفاوضات مستمرة.")


def test_agency_credits_name_known_organisations() -> None:
    gaz = gazetteer()
    for key in cue_lists().agency_credits.values():
        assert gaz.get(key).kind == "organization"


def _story(texts: list[tuple[str, datetime | None]]) -> StoryFacts:
    analyses = [analyze.analyze(Article(id=f"v{k}", text=t, published=p)) for k, (t, p) in enumerate(texts)]
    return extract(analyses, ExtractOptions())


FILLER = "وتواصل القوات عملياتها في المنطقة وسط ترقب لنتائج المفاوضات الجارية بين الأطراف المعنية."


def test_a_venue_one_report_of_three_names_is_not_the_storys() -> None:
    facts = _story(
        [
            ("عقد وزراء خارجية الدول الأعضاء اجتماعا في جنيف لبحث الأزمة. " + FILLER, datetime(2023, 3, 2)),
            ("قال المتحدث إن المفاوضات ستستمر خلال الأيام المقبلة. " + FILLER, datetime(2023, 3, 2)),
            ("أكد الوسيط أن الأطراف قدمت مقترحات جديدة. " + FILLER, datetime(2023, 3, 3)),
        ]
    )
    assert facts.venue is None


def test_a_date_long_before_publication_is_not_the_event_date() -> None:
    text = "وعقد الاجتماع في 9 أبريل 2003 في بغداد بحضور الوزراء. " + FILLER
    facts = _story([(text, datetime(2017, 11, 20)), (text.replace("وعقد", "وجرى"), datetime(2017, 11, 21))])
    assert facts.event_date is None


def test_an_announced_meeting_weeks_ahead_is_the_event_date() -> None:
    text = "ومن المقرر أن يعقد الاجتماع في 11 مايو 2022 في مراكش بحضور الوزراء. " + FILLER
    facts = _story([(text, datetime(2022, 4, 20)), (text.replace("ومن المقرر", "ويرتقب"), datetime(2022, 4, 22))])
    assert facts.event_date == date(2022, 5, 11)


def _sited(texts: list[tuple[str, str]], published: datetime = datetime(2023, 3, 7)) -> StoryFacts:
    """A story of articles (site, text), all published on one day, each text followed by `FILLER`."""
    analyses = [
        analyze.analyze(Article(id=f"s{k}", text=f"{t} {FILLER}", published=published, url=f"https://{site}/news/{k}"))
        for k, (site, t) in enumerate(texts)
    ]
    return extract(analyses, ExtractOptions())


def test_a_capital_standing_for_its_government_is_not_the_venue() -> None:
    # "بغداد" starts with the letter of "in" (ب) but is not "in Baghdad"; the event is in Kirkuk.
    facts = _sited(
        [
            ("one.test", "بغداد : القوات العراقية تتقدم نحو حقول النفط في كركوك بعد اشتباكات مع البشمركة. "),
            ("two.test", "انتشرت القوات العراقية في كركوك بعد اشتباكات قصيرة , وأكدت بغداد أن العملية ستستمر. "),
        ]
    )
    assert facts.venue is not None and facts.venue.name["en"] == "Kirkuk"


def test_a_place_a_speaker_talks_about_is_not_the_venue() -> None:
    facts = _sited(
        [
            ("one.test", "قال وزير الخارجية الروسي أمس الأربعاء إن المعركة ضد الإرهاب في سوريا انتهت تقريبا. "),
            ("two.test", "أكد وزير الخارجية الروسي أن الهجوم على المسلحين في سوريا سيتواصل خلال الأشهر المقبلة. "),
        ]
    )
    assert facts.venue is None


def test_the_venue_is_where_the_lead_puts_the_event_not_a_place_further_down() -> None:
    background = "وكان الوزراء قد عقدوا اجتماعا في جنيف العام الماضي لبحث الملف نفسه دون نتيجة تذكر."
    lead = "عقد وزراء خارجية الدول الأعضاء اجتماعا في الرباط لبحث الأزمة في المنطقة وسبل حلها."
    body = " ".join([FILLER] * 3)
    facts = _sited([("one.test", f"{lead} {body} {background}"), ("two.test", f"{lead} {body} {background}")])
    assert facts.venue is not None and facts.venue.name["en"] == "Rabat"


@pytest.mark.parametrize(("sites", "found"), [(("one.test", "two.test"), True), (("one.test", "one.test"), False)])
def test_one_sites_pages_are_one_voice(sites: tuple[str, str], found: bool) -> None:
    lead = "عقد وزراء خارجية الدول الأعضاء اجتماعا في جنيف يوم الثلاثاء 7 مارس 2023 لبحث الأزمة في المنطقة. "
    facts = _sited([(site, lead) for site in sites])
    assert (facts.venue is not None, facts.event_date is not None) == (found, found)


def test_a_later_meeting_a_speaker_announces_is_not_the_event_date() -> None:
    facts = _sited(
        [
            ("one.test", "أعلن الوزير في مؤتمر صحفي عقده الثلاثاء 7 مارس 2023 أن القمة ستعقد في 20 أبريل. "),
            ("two.test", "قال الوزير في مؤتمر صحفي يوم الثلاثاء 7 مارس 2023 إن القمة المقبلة ستعقد في 20 أبريل. "),
        ]
    )
    assert facts.event_date == date(2023, 3, 7)


def test_a_cue_word_heading_a_name_is_not_a_venue_cue() -> None:
    # "تنظيم" organises an event ("تنظيم المؤتمر") but heads a name in "تنظيم داعش".
    facts = _sited(
        [
            ("one.test", "قتل العشرات من مقاتلي تنظيم داعش في العراق خلال الأسابيع الماضية وفق مصادر أمنية."),
            ("two.test", "تراجع عدد مقاتلي تنظيم داعش في العراق إلى أقل من ألف مقاتل وفق التحالف الدولي."),
        ]
    )
    assert facts.venue is None


def test_a_widgets_bare_date_on_undated_pages_does_not_outvote_the_event_day() -> None:
    # Two outlets write the event's day after a date cue; three undated pages carry the day they were viewed, a
    # bare date by their headline (a widget): no evidence of the event's day, and none against it either.
    cued = "أطلقت الجماعة صاروخا باليستيا باتجاه العاصمة يوم الثلاثاء 19 ديسمبر 2017 واعترضته الدفاعات الجوية. "
    widget = "الأحد 21 يناير 2018 اعترضت الدفاعات الجوية صاروخا باليستيا أطلقته الجماعة باتجاه العاصمة. "
    analyses = [
        analyze.analyze(Article(id=f"w{k}", text=f"{t} {FILLER}", url=f"https://site{k}.test/news/{k}"))
        for k, t in enumerate([cued, cued, widget, widget, widget])
    ]
    assert extract(analyses, ExtractOptions()).event_date == date(2017, 12, 19)
