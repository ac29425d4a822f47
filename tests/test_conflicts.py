"""Claims and conflicts: value normalisation, negation and modality, kinds, a story like the samples."""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from digest.analyze import sentences_of
from digest.analyze.claims import find_claims, lexicon, report_words, required_literals
from digest.document import Analysis, Article, DateMention, Mention
from digest.lang import arabic, dates
from digest.options import ConflictOptions
from digest.synthesize.conflicts import compatible, find_conflicts
from tests.conftest import SAMPLES

APRIL_20 = datetime(2022, 4, 20, 12, 0)
APRIL_23 = datetime(2022, 4, 23, 0, 5)
MAY_10 = datetime(2022, 5, 10, 15, 0)  # a Tuesday
MAY_11 = datetime(2022, 5, 11, 9, 0)


def analysis(article_id: str, text: str, published: datetime | None, outlet: str | None = None) -> Analysis:
    """An article analysed as the pipeline does, dates found by `digest.lang.dates`, names by the gazetteer."""
    article = Article(id=article_id, text=text, published=published, outlet=outlet or f"outlet-{article_id}")
    sentences = sentences_of(article)
    found = tuple(
        DateMention(d.text, d.value, article.id, s.index, d.relative, d.precision)
        for s in sentences
        for d in dates.find_dates(s.text, published)
    )
    claims = find_claims(article, sentences, (), found)
    return Analysis(article, sentences, (), (), found, claims)


def claims_of(text: str, attribute: str, published: datetime | None = MAY_10) -> list[tuple[str, str, str]]:
    return [
        (c.subject.get("en", ""), c.normalized, c.modality)
        for c in analysis("a", text, published).claims
        if c.attribute == attribute
    ]


@pytest.mark.parametrize(
    ("attribute", "a", "b", "expected"),
    [
        ("date", "2022-05-11", "2022-05-11", True),
        ("date", "2014", "2014-09", True),  # "2014" and "September 2014" agree: precision
        ("date", "2022-05", "2022-05-11", True),
        ("date", "2022-05-11", "2022-05-12", False),
        ("date", "2022-05-11", "2022-07", None),  # months apart: another event, not compared
        ("founded", "2014", "2015", False),
        ("count", "gt:80", "eq:84", True),  # "more than 80" and "84" are compatible
        ("count", "eq:80", "eq:84", False),  # "80" and "84" for one quantity: a discrepancy
        ("count", "approx:80", "eq:84", True),
        ("count", "lt:1000", "eq:950", True),
        ("count", "eq:80", "gt:80", True),  # a round figure: "80" and "more than 80" agree
        ("count", "eq:80", "approx:80", True),
        ("count", "eq:80", "ge:80", True),
        ("count", "eq:84", "gt:84", False),  # 84 is an exact figure: "84" and "more than 84" differ
        ("count", "eq:80", "gt:90", False),  # a round figure of another size
        ("count", "gt:80", "eq:84", True),
        ("status", "dead:true", "dead:false", False),
        ("status", "dead:true", "arrested:true", None),  # different facts are not compared
        ("report", "reported", "denied", False),
        ("report", "denied", "questioned", True),
        ("count", "eq:21", "eq:305", None),  # too far apart to be one quantity
        ("venue", "place:marrakesh|MA", "place:marrakesh|MA", True),
        ("venue", "place:marrakesh|MA", "place:africa|", True),  # a region is less precise, not different
        ("venue", "place:marrakesh|MA", "place:rabat|MA", False),
        ("attendance", "attend", "absent", False),
    ],
)
def test_values_compared_after_normalisation(attribute: str, a: str, b: str, expected: bool | None) -> None:
    assert compatible(attribute, a, b) is expected
    assert compatible(attribute, b, a) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("أكثر من 80 دولة ومنظمة تشارك في الاجتماع.", "gt:80"),
        ("بمشاركة ممثلي أزيد من 80 بلدا.", "gt:80"),
        ("ويتكون التحالف الدولي ضد داعش من ٨٤ عضوا.", "eq:84"),
        ("وقتل حوالي ثلاثة آلاف شخص في الزلزال الذي ضرب إيران.", "approx:3000"),
        ("قرابة 12,500 قتيل في سوريا في عام 2020.", "approx:12500"),
        ("مقتل 20 شخصا على الأقل في القصف على حلب.", "ge:20"),
        ("وأصيب ثلاثمائة شخص بجروح في حلب.", "eq:300"),
        ("ولقي خمسة وعشرون مدنيا حتفهم في القصف على حلب.", "eq:25"),
    ],
)
def test_counts_with_qualifiers_digits_and_number_words(text: str, expected: str) -> None:
    assert expected in [normalized for _, normalized, _ in claims_of(text, "count")]


def test_tolls_without_a_place_are_not_claims() -> None:
    """ "16 killed" and "21 killed" with no place may be two raids: such counts are not compared."""
    assert claims_of("16 قتيلا حصيلة يوم من القصف.", "count") == []
    assert claims_of("16 قتيلا حصيلة يوم من القصف على حلب.", "count") != []


def test_count_subjects_keep_quantities_apart() -> None:
    """Members of the coalition (84) and participants in the meeting (80) are different quantities."""
    text = "وسيشارك في هذا اللقاء الدولي ممثلون من 80 دولة ومنظمة. ويتكون التحالف الدولي ضد داعش من 84 عضوا دوليا."
    subjects = {normalized: subject for subject, normalized, _ in claims_of(text, "count")}
    assert set(subjects) == {"eq:80", "eq:84"}
    assert subjects["eq:80"] != subjects["eq:84"]


@pytest.mark.parametrize(
    ("text", "subject", "polarity", "modality"),
    [
        (
            "تأكد رسميا غياب وزير الخارجية الأمريكي، أنطوني بلينكين، عن الاجتماع الوزاري.",
            "Blinken",
            "absent",
            "confirmed",
        ),
        (
            "من المنتظر أن يزور وزير الخارجية الأمريكي، أنتوني بلينكن، المغرب، شهر ماي المقبل.",
            "Blinken",
            "attend",
            "expected",
        ),
        (
            "ويرتقب أن يشارك في هذا الاجتماع وزير الخارجية الإسباني، خوسيه مانويل ألباريس.",
            "Albares",
            "attend",
            "expected",
        ),
        ("وأعرب بلينكن عن أسفه لعدم تمكنه من المشاركة في الاجتماع الوزاري.", "Blinken", "absent", "asserted"),
        ("وأوردت وسائل إعلام أن بلينكن سيشارك في الاجتماع.", "Blinken", "attend", "expected"),
        ("وقال مسؤول إن بلينكن لن يشارك في الاجتماع.", "Blinken", "absent", "asserted"),
        ("وألغى بلينكن زيارته إلى المغرب.", "Blinken", "absent", "asserted"),
    ],
)
def test_attendance_negation_and_modality(text: str, subject: str, polarity: str, modality: str) -> None:
    found = claims_of(text, "attendance")
    assert any(subject in s and p == polarity and m == modality for s, p, m in found), found


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ورحب الإقليم بدعوة سعد الحريري إلى الحوار في ظل غياب جهة شرعية.", []),  # no event: another absence
        ("وغاب سعد الحريري عن الاجتماع بسبب المرض.", ["absent"]),
    ],
)
def test_an_absence_is_an_absence_from_an_event(text: str, expected: list[str]) -> None:
    assert [p for _, p, _ in claims_of(text, "attendance")] == expected


def test_negation_of_another_verb_does_not_negate_attendance() -> None:
    found = claims_of("ولم يعلن مسبقا عن زيارة بوتين إلى القاعدة.", "attendance")
    assert all(p == "attend" for _, p, _ in found)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("وأعلنت قوات سوريا الديمقراطية السيطرة الكاملة على مدينة الرقة.", ["org:sdf"]),
        ("سيطرت قوات سوريا الديمقراطية على الرقة بعد معارك عنيفة.", ["org:sdf"]),
        ("وأصبحت الرقة تحت سيطرة تنظيم داعش.", ["org:isis"]),
        # an aim or an advance is a step before a capture, not a claim that the place is not held
        ("وأطلقت قوات سوريا الديمقراطية معركة بهدف السيطرة على مدينة الرقة.", []),
        ("وتتقدم قوات سوريا الديمقراطية باتجاه مدينة الرقة للسيطرة على الرقة.", []),
        ("ولم تسيطر قوات سوريا الديمقراطية على مدينة الرقة.", ["not:org:sdf"]),
        ("وانسحب تنظيم داعش من الرقة.", ["not:org:isis"]),
        ("والرقة التي كانت لسنوات تحت سيطرة تنظيم داعش.", []),  # history, not the present
        ("قال مسؤول في هيئة تحرير الشام إن الوضع هادئ في إدلب.", []),  # a word of a name is no trigger
        ("خلو الرقة من تنظيم داعش، واعتبر الوزير أن السيطرة على الرقة ستسمح بالتركيز.", []),  # no subject
    ],
)
def test_who_holds_a_place(text: str, expected: list[str]) -> None:
    assert [normalized for _, normalized, _ in claims_of(text, "control")] == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("سيطرت قوات النظام على تلة العيس بريف حلب الجنوبي.", ["org:syrian-government-forces"]),  # a place noun
        ("وأعلنت قوات سوريا الديمقراطية تحرير مدينة الرقة.", ["org:sdf"]),
    ],
)
def test_who_holds_a_place_subjects(text: str, expected: list[str]) -> None:
    assert [normalized for _, normalized, _ in claims_of(text, "control")] == expected


def test_places_named_by_a_place_noun_compare_by_their_name() -> None:
    (subject,) = {s for s, _, _ in claims_of("سيطرت قوات النظام على تلة العيس بريف حلب.", "control")}
    assert subject == "تلة العيس"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("أعلنت وزارة الدفاع الروسية مقتل زعيم تنظيم داعش أبو بكر البغدادي.", "dead:true"),
        ("نفت مصادر مقتل زعيم تنظيم داعش أبو بكر البغدادي.", "dead:false"),
        ("وقالت مصادر إن أبو بكر البغدادي مازال على قيد الحياة.", "dead:false"),
        ("اعتقلت الشرطة سعد الحريري في الرياض.", "arrested:true"),
        ("لم يستقل سعد الحريري من منصبه.", "resigned:false"),
        ("أعلن سعد الحريري استقالته من رئاسة الحكومة.", "resigned:true"),
        ("ونفت مصادر استقالة سعد الحريري.", "resigned:false"),
        ("وقالت مصادر إن سعد الحريري مصاب بجروح خطرة.", "injured:true"),
        ("وأكدت مصادر أن سعد الحريري بصحة جيدة.", "injured:false"),
        # a denial in the clause before "لكن" does not turn round what the next clause asserts
        ("ونفت الجماعة ما أعلنته موسكو، لكن وزارة الدفاع الروسية أكدت أن سعد الحريري مصاب بجروح خطرة.", "injured:true"),
    ],
)
def test_status_of_a_person_and_its_denial(text: str, expected: str) -> None:
    assert [normalized for _, normalized, _ in claims_of(text, "status")] == [expected]


def test_status_of_a_pronoun_is_not_given_to_the_next_name() -> None:
    text = "قالوا إن الرجل الذي ألقت القوات القبض عليه متهم بالهجوم الذي أسفر عن مقتل السفير سعد الحريري."
    assert [n for _, n, _ in claims_of(text, "status")] == ["dead:true"]


@pytest.mark.parametrize(
    ("text", "kind", "denied"),
    [
        (
            "ونفت مصادر عراقية الأنباء التي ترددت مؤخرا حول مقتل زعيم تنظيم الدولة، أبي بكر البغدادي.",
            "denied",
            "مقتل زعيم تنظيم الدولة",
        ),
        ("ما حقيقة منح الجنسية السعودية لمواليد المملكة؟", "questioned", "منح الجنسية السعودية لمواليد المملكة"),
        (
            'وقال الناطق إن "ما تم تداوله حول انسحاب قوات النخبة من جبهة شرق الرقة غير صحيح".',
            "denied",
            "انسحاب قوات النخبة من جبهة شرق الرقة",
        ),
        ("وأكد المرصد السوري لحقوق الإنسان عدم وقوع أي غارات روسية على الرقة.", "denied", "غارات روسية على الرقة"),
        # The denier named after the verb is not what it denies.
        ("ونفت الحكومة السورية قصفها المدينة بمواد كيميائية.", "denied", "قصفها المدينة بمواد كيميائية"),
        # A relative clause says more about the last noun: it is background, not what is denied.
        (
            "ونفت الحكومة الاتهامات الأمريكية بعسكرة الجزيرة التي تطالب بها دول أخرى في المنطقة.",
            "denied",
            "الأمريكية بعسكرة الجزيرة",
        ),
        (
            "ونفت الحكومة السورية قصف المدينة بالمواد الكيميائية التي تملكها المعارضة.",
            "denied",
            "قصف المدينة بالمواد الكيميائية",
        ),
    ],
)
def test_denials_name_what_they_deny(text: str, kind: str, denied: str) -> None:
    (claim,) = [c for c in analysis("a", text, MAY_10).claims if c.attribute == "report"]
    assert claim.normalized == kind
    assert claim.subject["ar"] == denied
    assert claim.subject_key == "report:" + " ".join(sorted(report_words(arabic.fold(denied))))


@pytest.mark.parametrize(
    "text",
    [
        "ويتهم المجتمع الدولي قوات النظام بالمسؤولية عن الهجوم، وهو ما ينفيه النظام.",  # points back
        "ونفت الوزارة ذلك.",  # what is denied is not named
        "وهذا الكذب الواضح على الناس لا يخفى على أحد من المتابعين.",  # a lie is not a denial
        "وقال إن الاجتماع سيعقد في موعده.",  # no denial
        "ونفى المتحدث باسم الوزارة في حكومة الرئيس السوري بشار الأسد.",  # a fragment: starts with a preposition
        "وكانت الحكومة السورية قد نفت قصف المدينة بالمواد الكيميائية.",  # an earlier denial, told as background
        "وسبق أن نفت الحكومة السورية قصف المدينة بالمواد الكيميائية.",
    ],
)
def test_no_denial_claim(text: str) -> None:
    assert [c for c in analysis("a", text, MAY_10).claims if c.attribute == "report"] == []


ROYAL_ORDER = "صدر أمر ملكي جديد ينص على منح الجنسية السعودية للأجانب المولودين على أراضي المملكة."
QUESTIONED = "ما حقيقة منح الجنسية السعودية لمواليد المملكة؟ قالت الصحيفة إن الخبر قديم."


def test_a_report_and_its_denial_are_a_conflict() -> None:
    analyses = [analysis("a", ROYAL_ORDER, APRIL_20), analysis("b", QUESTIONED, APRIL_20)]
    (conflict,) = find_conflicts(analyses)
    assert conflict.attribute == "report" and conflict.kind == "denial"
    assert "الجنسية السعودية" in conflict.subject["ar"]
    assert {side.value["en"] for side in conflict.claims} == {"reported", "questioned"}
    assert {side.articles for side in conflict.claims} == {("a",), ("b",)}


@pytest.mark.parametrize(
    "other",
    [
        "وأعلنت الوزارة افتتاح مستشفى جديد في المنطقة الشرقية.",  # about something else
        "ولم يصدر أي أمر بمنح الجنسية السعودية لمواليد المملكة.",  # negated: it does not report it
        "صدر أمر ملكي بمنح الجنسية. ما حقيقة منح الجنسية السعودية لمواليد المملكة؟",  # reports and questions
    ],
)
def test_no_report_conflict_without_a_plain_report_elsewhere(other: str) -> None:
    analyses = [analysis("a", other, APRIL_20), analysis("b", QUESTIONED, APRIL_20)]
    assert [c for c in find_conflicts(analyses) if c.attribute == "report"] == []


def test_a_denial_read_as_a_fact_is_not_shown_twice() -> None:
    analyses = [
        analysis("a", "أعلنت وزارة الدفاع الروسية مقتل زعيم تنظيم داعش أبو بكر البغدادي.", APRIL_20),
        analysis("b", "ونفت مصادر عراقية مقتل زعيم تنظيم داعش أبو بكر البغدادي.", APRIL_20),
    ]
    assert [c.attribute for c in find_conflicts(analyses)] == ["status"]


@pytest.mark.parametrize(
    ("first", "second", "conflict"),
    [
        ("وسيشارك في الاجتماع ممثلون من 80 دولة ومنظمة.", "وسيشهد الاجتماع حضور ممثلي أزيد من 80 دولة ومنظمة.", False),
        ("وسيشارك في الاجتماع ممثلون من 80 دولة ومنظمة.", "وسيشارك في الاجتماع ممثلون من نحو 80 دولة ومنظمة.", False),
        ("وسيشارك في الاجتماع ممثلون من 80 دولة ومنظمة.", "وسيشارك في الاجتماع ممثلون من 84 دولة ومنظمة.", True),
        ("وسيشهد الاجتماع حضور ممثلي أزيد من 80 دولة ومنظمة.", "وسيشارك في الاجتماع ممثلون من 84 دولة ومنظمة.", False),
    ],
)
def test_round_figures_in_a_story(first: str, second: str, conflict: bool) -> None:
    found = find_conflicts([analysis("a", first, APRIL_20), analysis("b", second, APRIL_20)])
    assert bool([c for c in found if c.attribute == "count"]) is conflict


def test_represented_by_and_delegation() -> None:
    text = (
        "وأعرب بلينكن عن أسفه لعدم تمكنه من المشاركة في الاجتماع، معلنا أنه سيتم تمثيله خلال هذا الاجتماع "
        "من قبل مساعدة وزير الخارجية المكلفة الشؤون السياسية، فيكتوريا نولاند. "
        "وتقود مساعدة وزير الخارجية للشؤون السياسية، فيكتوريا نولاند، وفدا أميركيا رفيع المستوى إلى الاجتماع."
    )
    found = {(s, v) for s, v, _ in claims_of(text, "representation")}
    assert any("Blinken" in s and "nuland" in v for s, v in found), found
    assert any("United States" in s and "nuland" in v for s, v in found), found


def test_claims_use_given_mentions() -> None:
    article = Article(id="m", text="ويرتقب أن يشارك في الاجتماع وزير خارجية بلد ما، فلان الفلاني.", published=MAY_10)
    sentences = sentences_of(article)
    mention = Mention("فلان الفلاني", "person", "m", 0, key="person:someone")
    claims = find_claims(article, sentences, (mention,), ())
    assert [(c.subject_key, c.normalized, c.modality) for c in claims] == [("person:someone", "attend", "expected")]


ATTEND = "من المنتظر أن يشارك وزير الخارجية الأمريكي، أنتوني بلينكن، في الاجتماع الوزاري بمراكش."
ABSENT = (
    "تأكد رسميا غياب وزير الخارجية الأمريكي، أنطوني بلينكين، عن الاجتماع الوزاري بسبب إصابته بفيروس كورونا. "
    "وأعرب بلينكن عن أسفه لعدم تمكنه من المشاركة، معلنا أنه سيتم تمثيله من قبل السيدة فيكتوريا نولاند."
)


def attendance_conflicts(*stories: tuple[str, str, datetime | None]) -> list:
    analyses = [analysis(f"a{i}", text, published) for i, (text, _, published) in enumerate(stories)]
    return [c for c in find_conflicts(analyses) if c.attribute == "attendance"]


def test_later_reports_supersede_earlier_ones() -> None:
    (conflict,) = attendance_conflicts((ATTEND, "x", APRIL_20), (ABSENT, "y", MAY_10))
    assert conflict.kind == "superseded"
    early, late = conflict.claims
    assert (early.latest, late.latest) == (False, True)
    assert late.published == (MAY_10.isoformat(),)
    assert "Victoria Nuland" in late.value["en"] and "COVID-19" in late.value["en"]


@pytest.mark.parametrize("published", [(MAY_10, MAY_10), (None, None), (MAY_10, APRIL_20)])
def test_same_time_or_unknown_time_is_a_contradiction(published: tuple) -> None:
    (conflict,) = attendance_conflicts((ATTEND, "x", published[0]), (ABSENT, "y", published[1]))
    if published == (MAY_10, APRIL_20):
        # The attend report is the later one: it supersedes.
        assert conflict.kind == "superseded" and conflict.claims[-1].value["en"].startswith("expected")
    else:
        assert conflict.kind == "contradiction"
        assert not any(side.latest for side in conflict.claims)


def test_undated_reports_do_not_hide_an_update_between_dated_ones() -> None:
    conflict = attendance_conflicts((ATTEND, "x", APRIL_20), (ATTEND, "y", None), (ABSENT, "z", MAY_10))[0]
    assert conflict.kind == "superseded" and conflict.claims[-1].latest
    assert conflict.claims[0].articles == ("a0", "a1") and conflict.claims[0].published == (APRIL_20.isoformat(),)


def test_agreeing_reports_give_no_conflict() -> None:
    analyses = [
        analysis("a", ATTEND, APRIL_20),
        analysis("b", "وأوردت وسائل إعلام أن بلينكن سيشارك في الاجتماع الوزاري.", APRIL_23),
        analysis("c", "وسيشارك في هذا اللقاء ممثلون من نحو 80 دولة ومنظمة.", APRIL_23),
        analysis("d", "وسيشهد الاجتماع حضور ممثلي أزيد من 80 دولة ومنظمة دولية، ويتكون التحالف من 84 عضوا.", MAY_10),
    ]
    assert find_conflicts(analyses) == ()


def test_one_article_changing_its_mind_is_not_a_conflict_between_sources() -> None:
    assert find_conflicts([analysis("a", ATTEND + " " + ABSENT, MAY_10)]) == ()


SAMPLES_LIKE = [
    (
        "000",
        "وأوردت وسائل إعلام أمريكية أن بلينكن سيشارك، إلى جانب وزير الشؤون الخارجية، ناصر بوريطة، في اجتماع "
        "التحالف الدولي ضد داعش، والذي ستحتضنه مدينة مراكش في 11 ماي. "
        "وسيشارك في هذا اللقاء الدولي رؤساء ودبلوماسيون وممثلون من 80 دولة ومنظمة. "
        "وتأسس التحالف الدولي ضد تنظيم الدولة الإسلامية عام 2014.",
        APRIL_23,
    ),
    (
        "001",
        "وكان وزير الخارجية المغربي، ناصر بوريطة، قد كشف عن زيارة مرتقبة لوزير الخارجية الأمريكي أنطوني بلينكن "
        "إلى المغرب. وقال موقع مغربي إن اللقاء سيتم عقده في 11 ماي 2022 في مراكش. "
        "وتجدر الإشارة أن التحالف الدولي ضد داعش تم تأسيسه في عام 2014، ويتكون من 84 عضوا دوليا.",
        APRIL_20,
    ),
    ("003", ABSENT + " الاجتماع الوزاري للتحالف الدولي ضد داعش، الذي ينعقد في مراكش يوم غد الأربعاء.", MAY_10),
    (
        "002",
        "وأعرب بلينكن، الذي تم الإعلان عن إصابته بفيروس كوفيد-19، عن أسفه لعدم تمكنه من المشاركة في الاجتماع "
        "الوزاري، معلنا أنه سيتم تمثيله خلال هذا الاجتماع من قبل مساعدة وزير الخارجية، فيكتوريا نولاند. "
        "والتحالف الدولي تم إنشاؤه في شتنبر 2014. "
        "وسيشهد هذا الحدث حضور ممثلي أزيد من 80 دولة ومنظمة دولية.",
        MAY_11,
    ),
]


def test_samples_like_story() -> None:
    analyses = [analysis(aid, text, published, f"outlet-{aid}") for aid, text, published in SAMPLES_LIKE]
    found = find_conflicts(analyses)
    attendance = [c for c in found if c.attribute == "attendance"]
    assert len(attendance) == 1
    (conflict,) = attendance
    assert conflict.subject["en"] == "Antony Blinken" and conflict.kind == "superseded"
    early, late = conflict.claims
    assert set(early.articles) == {"000", "001"} and set(late.articles) == {"002", "003"}
    assert set(late.outlets) == {"outlet-002", "outlet-003"} and late.latest
    assert late.published == (MAY_10.isoformat(), MAY_11.isoformat())
    assert "Nuland" in late.value["en"] and "Nuland" in late.value["es"] and "نولاند" in late.value["ar"]
    assert all(side.evidence for side in conflict.claims)
    # "11 May" (April) and "tomorrow Wednesday" written on Tuesday 10 May are one date; 2014 and September 2014
    # agree; 84 members are not the 80 participants.
    assert not [c for c in found if c.attribute in ("date", "founded")]
    assert all("members" not in c.subject["en"] for c in found)


SAMPLE_DATES = {
    "000": (datetime(2022, 4, 23, 0, 5), "outlet-000"),
    "001": (datetime(2022, 4, 20, 12, 0), "assahifa"),
    "002": (datetime(2022, 5, 11), "elaph"),
    "003": (datetime(2022, 5, 10), "madar21"),
    "004": (datetime(2022, 5, 10), "outlet-004"),
}


def test_the_samples_raw_text_with_known_dates() -> None:
    """The five sample files as they are (page furniture included), dated by hand: the Blinken attendance is
    superseded (April: will attend and co-chair; May: absent, COVID-19, Nuland stands in), no date conflict."""
    analyses = []
    for path in sorted(SAMPLES.glob("*.txt")):
        published, outlet = SAMPLE_DATES[path.name[:3]]
        analyses.append(analysis(path.name[:3], path.read_text(encoding="utf-8"), published, outlet))
    found = find_conflicts(analyses)
    (blinken,) = [c for c in found if c.attribute == "attendance"]
    assert blinken.subject == {"ar": "أنتوني بلينكن", "en": "Antony Blinken", "es": "Antony Blinken"}
    assert blinken.kind == "superseded"
    april, may = blinken.claims
    assert set(april.articles) == {"000", "001"} and set(may.articles) == {"002", "003"}
    assert set(may.outlets) == {"elaph", "madar21"} and may.latest and not april.latest
    assert "Victoria Nuland" in may.value["en"] and "COVID-19" in may.value["en"]
    assert "co-chair" in april.value["en"]
    assert not [c for c in found if c.attribute in ("date", "founded", "venue")]


def test_find_claims_skips_sentences_without_triggers() -> None:
    assert analysis("a", "هذا نص لا يقول شيئا عن أي حدث. " * 20, MAY_10).claims == ()


def test_lexicon_patterns_are_written_normalised() -> None:
    lex = lexicon()
    rules = (*lex.attendance, *lex.units, *lex.events, *lex.status, *lex.representation, *lex.modality, *lex.contexts)
    for rule in (*rules, *lex.reasons, *lex.quantifiers_before, *lex.quantifiers_after):
        assert not set(rule.row["pattern"]) & set("أإآىةئؤ"), rule.row["pattern"]
    for word in lex.numbers:
        assert arabic.normalize(word) == word


@pytest.mark.parametrize("path", sorted(SAMPLES.glob("*.txt")), ids=lambda p: p.name[:3])
def test_fold_is_normalize_for_arabic_news(path: Path) -> None:
    """The fast fold used on every sentence reads letters exactly as `arabic.normalize` does."""
    for line in path.read_text(encoding="utf-8").splitlines():
        if not re.search(r"[″′]", line):  # NFKC rewrites these quote marks; letters are what matter
            assert arabic.fold(line) == arabic.normalize(line)


def test_every_extractor_has_literal_words_to_skip_sentences() -> None:
    """A pattern with no literal word of two letters would make its extractor read every sentence."""
    for family, words in lexicon().keywords.items():
        assert words is not None, family
    assert required_literals(["س?[يتن]شارك", "الغ[يا]\\w* (?:زيار|مشارك)"]) == ("شارك", "الغ")
    assert required_literals(["(?:ما|لا)"]) is None


def _wanted_literally(norm: str) -> frozenset[str]:
    """The extractor families a folded sentence wakes, by testing every literal on the whole sentence."""
    lex = lexicon()
    wanted = {family for family, words in lex.keywords.items() if words is None or any(w in norm for w in words)}
    if re.search(r"\d", norm) or not lex.number_words.isdisjoint(norm.split()):
        wanted.add("counts")
    return frozenset(wanted)


@pytest.mark.parametrize(
    "text",
    [
        "قال مصدر إن الوزير سيترأس الاجتماع، نيابة عن الرئيس.",  # a literal inside a word, a phrase with a space
        "أطلق سراح الصحفي بعد 3 أيام، ولا صحة لما نشر.",
        "وصل خمسة وزراء، وحضر الاجتماع.",  # a number word
        "الطقس جميل اليوم",
        "",
    ],
)
def test_trigger_families_are_the_literals_in_the_sentence(text: str) -> None:
    norm = arabic.fold(text)
    assert lexicon().triggers.wanted(norm) == _wanted_literally(norm)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(["نيابة", "عن", "سيطرت", "٣", "خمسة", "لا", "صحة", "مراكش", "،", "x"]), max_size=8))
def test_trigger_families_of_any_words(words: list[str]) -> None:
    norm = arabic.fold(" ".join(words))
    assert lexicon().triggers.wanted(norm) == _wanted_literally(norm)


def test_options_limit_conflicts() -> None:
    analyses = [analysis("x", ATTEND, APRIL_20), analysis("y", ABSENT, MAY_10)]
    assert find_conflicts(analyses, ConflictOptions(max_conflicts=0)) == ()


WORDS = [
    "بلينكن",
    "يشارك",
    "لن",
    "غياب",
    "مراكش",
    "في",
    "11",
    "ماي",
    "أكثر",
    "من",
    "80",
    "دولة",
    "عضوا",
    "نيابة",
    "عن",
    "نولاند",
    "تمثيله",
    "من قبل",
    "وفدا",
    "أمريكيا",
    "سيطرت",
    "قسد",
    "على",
    "الرقة",
    "مقتل",
    "،",
    ".",
    "٨٤",
    "ألف",
    "ثلاثة",
    "قتيلا",
    "حلب",
    "بهدف",
    "كانت",
    "نفت",
    "ما حقيقة",
    "غير صحيح",
    "اعتقال",
    "عليه",
    "x",
    "é",
    "\u200f",
    "ـ",
]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(WORDS), max_size=40), st.text(max_size=40))
def test_any_text_in_no_crash_out(words: list[str], noise: str) -> None:
    text = " ".join(words) + noise
    result = analysis("h", text, MAY_10)
    assert all(c.article_id == "h" and c.attribute for c in result.claims)
    find_conflicts([result, analysis("i", noise + text, None)])


def test_rival_claims_of_responsibility_are_disputed() -> None:
    first = "وأعلنت حركة حماس مسؤوليتها عن إسقاط الطائرة المسيرة فوق المدينة ."
    second = "وأعلن حزب الله مسؤوليته عن إسقاط الطائرة المسيرة فوق المدينة ."
    analyses = [analysis("a", first, APRIL_20), analysis("b", second, APRIL_20)]
    found = [c for c in find_conflicts(analyses) if c.attribute == "responsibility"]
    assert [c.kind for c in found] == ["disputed-responsibility"]
    assert {side.articles for side in found[0].claims} == {("a",), ("b",)}


def test_one_agent_claiming_an_act_twice_is_no_conflict() -> None:
    text = "وأعلنت حركة حماس مسؤوليتها عن إسقاط الطائرة المسيرة فوق المدينة ."
    analyses = [analysis("a", text, APRIL_20), analysis("b", text, APRIL_20)]
    assert not [c for c in find_conflicts(analyses) if c.attribute == "responsibility"]


def test_the_disagreement_model_is_symmetric_and_reproducible(tmp_path: Path) -> None:
    from digest.analyze import disagreement

    a = "أعلنت الوزارة مقتل القائد العسكري في غارة جوية على المدينة"
    b = "نفت الوزارة مقتل القائد العسكري في غارة جوية على المدينة"
    assert disagreement.probability(a, b) == disagreement.probability(b, a)
    assert disagreement.probability(a, b) > disagreement.probability(a, a)


def count_conflicts(*texts: str, published: tuple[datetime | None, ...] = (), outlets: tuple[str, ...] = ()) -> list:
    analyses = [
        analysis(
            f"a{i}",
            text,
            published[i] if published else APRIL_20,
            outlets[i] if outlets else None,
        )
        for i, text in enumerate(texts)
    ]
    return [c for c in find_conflicts(analyses) if c.attribute == "count"]


@pytest.mark.parametrize(
    ("first", "second"),
    [
        # one place's part of the toll against the country's: "in Syria, 18 in Aleppo" is not "in Syria, 30"
        ("وفي سوريا، قتل 18 شخصا في القصف المدفعي على حلب.", "وفي سوريا، قتل 30 شخصا في القصف المدفعي."),
        # two raids on one city: the clauses share nothing but the place and the toll
        ("قتل 21 مدنيا في غارات جوية على حلب.", "قتل 26 مدنيا بانفجار سيارة مفخخة في حلب."),
        # the same kind of raid on different days
        (
            "قتل 21 مدنيا في غارات جوية على حلب يوم الاثنين 9 أيار 2022.",
            "قتل 26 مدنيا في غارات جوية على حلب يوم الثلاثاء 10 أيار 2022.",
        ),
        # undated pages: the day names differ, and who reports it ("أعلن المرصد") is not what is counted
        (
            "وأعلن المرصد أن 21 مدنيا قتلوا يوم الأربعاء في غارات جوية على حلب.",
            "وأعلن المرصد أن 26 مدنيا قتلوا يوم الجمعة في غارات جوية على حلب.",
        ),
        # a running total against one raid's toll
        ("قتل 21 مدنيا في غارات جوية على حلب.", "قتل 26 مدنيا في غارات جوية على حلب منذ بداية الشهر."),
        # killed and injured are different counts
        ("قتل 21 مدنيا في غارات جوية على حلب.", "أصيب 26 مدنيا في غارات جوية على حلب."),
    ],
)
def test_counts_of_different_events_are_not_a_discrepancy(first: str, second: str) -> None:
    assert count_conflicts(first, second) == []


def test_counts_of_one_event_that_differ_are_a_discrepancy() -> None:
    (conflict,) = count_conflicts("قتل 21 مدنيا في غارات جوية على حلب.", "قتل 26 مدنيا في غارات جوية على حلب.")
    assert conflict.kind == "discrepancy"
    assert sorted(side.value["en"] for side in conflict.claims) == ["21", "26"]


def test_a_toll_that_rose_supersedes_the_earlier_one() -> None:
    (conflict,) = count_conflicts(
        "قتل 21 مدنيا في غارات جوية على حلب.", "ارتفعت حصيلة قتلى الغارات الجوية على حلب إلى 30 مدنيا."
    )
    assert conflict.kind == "superseded"
    assert [side.value["en"] for side in conflict.claims if side.latest] == ["30"]


def test_one_outlets_later_higher_toll_supersedes_its_earlier_one() -> None:
    (conflict,) = count_conflicts(
        "قتل 21 مدنيا في غارات جوية على حلب.",
        "قتل 26 مدنيا في غارات جوية على حلب.",
        published=(datetime(2022, 5, 10, 9, 0), datetime(2022, 5, 10, 13, 0)),
        outlets=("same-outlet", "same-outlet"),
    )
    assert conflict.kind == "superseded"
    assert [side.value["en"] for side in conflict.claims if side.latest] == ["26"]


def kinds_of(*texts: str, published: tuple[datetime | None, ...] = ()) -> list[tuple[str, str]]:
    """(attribute, kind) of the conflicts between articles a0, a1, ... of one story (published at one time unless
    `published` says when each was)."""
    moments = published or (APRIL_20,) * len(texts)
    analyses = [analysis(f"a{i}", text, moment) for i, (text, moment) in enumerate(zip(texts, moments, strict=True))]
    return [(c.attribute, c.kind) for c in find_conflicts(analyses)]


@pytest.mark.parametrize(
    ("first", "second", "expected"),
    [
        # the second article gives both values: it reports a change, and the first agrees with its latest
        (
            "سيطرت قوات سوريا الديمقراطية على مدينة الرقة.",
            "انسحبت قوات سوريا الديمقراطية من الرقة. ثم سيطرت قوات سوريا الديمقراطية على الرقة.",
            [],
        ),
        (
            "انسحبت قوات سوريا الديمقراطية من الرقة.",
            "سيطرت قوات سوريا الديمقراطية على مدينة الرقة.",
            [("control", "superseded")],
        ),
    ],
)
def test_an_article_that_gives_both_values_is_not_a_side(first: str, second: str, expected: list) -> None:
    assert kinds_of(first, second, published=(APRIL_20, MAY_10)) == expected


@pytest.mark.parametrize(
    ("published", "shown"), [((APRIL_20, MAY_10), True), ((APRIL_20, APRIL_20), False), ((None, None), False)]
)
def test_who_holds_a_place_is_a_change_in_time_not_a_contradiction(published: tuple, shown: bool) -> None:
    texts = ("وأصبحت الرقة تحت سيطرة تنظيم داعش.", "سيطرت قوات سوريا الديمقراطية على مدينة الرقة.")
    assert kinds_of(*texts, published=published) == ([("control", "superseded")] if shown else [])


def test_an_aim_and_a_capture_are_a_sequence_not_a_conflict() -> None:
    aim = "وتسعى قوات سوريا الديمقراطية إلى السيطرة على مدينة الرقة خلال أيام."
    assert kinds_of(aim, "وسيطرت قوات سوريا الديمقراطية على مدينة الرقة بعد معارك.") == []


@pytest.mark.parametrize(
    ("second", "disputed"),
    [
        ("وتبنى تنظيم داعش إسقاط طائرة حربية سورية في دير الزور.", False),  # another plane, over another region
        ("وأعلن الجيش الإسرائيلي أنه أسقط طائرة حربية سورية في دير الزور.", True),
    ],
)
def test_acts_claimed_in_different_places_are_different_acts(second: str, disputed: bool) -> None:
    first = "وتبنى تنظيم داعش إسقاط طائرة حربية سورية في دير الزور." if disputed else ""
    first = first or "وأعلن الجيش الإسرائيلي أنه أسقط طائرة حربية سورية فوق الجولان."
    assert kinds_of(first, second) == ([("responsibility", "disputed-responsibility")] if disputed else [])


@pytest.mark.parametrize(
    ("second", "expected"),
    [
        # "the meeting" of other participants is another meeting, or the next round: its date is no discrepancy
        ("وعقد الاجتماع في 20 ماي 2022 بمشاركة سعد الحريري.", []),
        ("وعقد الاجتماع في 20 ماي 2022 بمشاركة ناصر بوريطة.", [("date", "discrepancy")]),
        ("ويعقد الاجتماع المقبل في 20 ماي 2022 بمشاركة ناصر بوريطة.", []),  # the next meeting is another one
    ],
)
def test_dates_of_a_meeting_compare_only_with_a_participant_or_place_in_common(second: str, expected: list) -> None:
    assert kinds_of("وسيعقد الاجتماع في 11 ماي 2022 بمشاركة ناصر بوريطة.", second) == expected


@pytest.mark.parametrize(
    "reporter",
    [
        "صدر أمر ملكي جديد بمنح الجنسية السعودية لمواليد المملكة. "
        "وهو خبر منح الجنسية السعودية لمواليد المملكة الذي نفته وزارة الداخلية.",
        "صدر أمر ملكي جديد بمنح الجنسية السعودية لمواليد المملكة، وهو ما نفته وزارة الداخلية.",
    ],
)
def test_a_report_told_with_its_denial_is_not_a_side(reporter: str) -> None:
    assert kinds_of(QUESTIONED, reporter) == []
    assert kinds_of(QUESTIONED, reporter.split(".")[0].split("،")[0] + ".") == [("report", "denial")]
