"""Dates in news text: explicit, numeric, Maghreb/Levantine names, relative words resolved consistently."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from digest.lang import dates
from digest.lang.dates import FoundDate, find_dates, parse_datetime

WED = datetime(2022, 5, 11, 9, 0)  # a Wednesday
TUE = date(2022, 5, 10)
APR23 = date(2022, 4, 23)


def one(text: str, reference: datetime | date | None = None) -> FoundDate:
    found = find_dates(text, reference)
    assert len(found) == 1, found
    return found[0]


@pytest.mark.parametrize(
    ("text", "value", "precision", "at"),
    [
        ("السبت 23 أبريل 2022 على الساعة 00:05", date(2022, 4, 23), "day", time(0, 5)),
        ("الأربعاء 20 أبريل 2022 - 12:00", date(2022, 4, 20), "day", time(12, 0)),
        ("18-01-2022 El ministro", date(2022, 1, 18), "day", None),
        ("2022/05/10", date(2022, 5, 10), "day", None),
        ("٢٣ أبريل ٢٠٢٢", date(2022, 4, 23), "day", None),
        ("11 ماي 2022", date(2022, 5, 11), "day", None),
        ("3 يوليوز 2021", date(2021, 7, 3), "day", None),
        ("في 2 غشت 2019", date(2019, 8, 2), "day", None),
        ("15 نونبر 2020", date(2020, 11, 15), "day", None),
        ("5 تشرين الثاني 2020", date(2020, 11, 5), "day", None),
        ("1 كانون الأول 2021", date(2021, 12, 1), "day", None),
        ("9 أيار 2022", date(2022, 5, 9), "day", None),
        ("10 جوان 2022", date(2022, 6, 10), "day", None),
        ("25 يونيو/ حزيران 2021", date(2021, 6, 25), "day", None),
        ("May 10, 2022", date(2022, 5, 10), "day", None),
        ("Tuesday, May 10, 2022 at 3:30 pm", date(2022, 5, 10), "day", time(15, 30)),
        ("10 de mayo de 2022", date(2022, 5, 10), "day", None),
        ("le 3 mars 2021", date(2021, 3, 3), "day", None),
        ("شتنبر 2014", date(2014, 9, 1), "month", None),
        ("كانون الأول 2021", date(2021, 12, 1), "month", None),
        ("تأسس عام 2014", date(2014, 1, 1), "year", None),
        ("العام الماضي (2020)", date(2020, 1, 1), "year", None),
    ],
)
def test_explicit_dates(text: str, value: date, precision: str, at: time | None) -> None:
    found = one(text)
    assert (found.value, found.precision, found.time, found.relative) == (value, precision, at, False)
    assert text[found.start : found.end] == found.text


@pytest.mark.parametrize(
    ("text", "reference", "value"),
    [
        ("أجرى بوريطة، امس الثلاثاء،محادثة", WED, TUE),
        ("أجرى بوريطة، امس الثلاثاء،محادثة", datetime(2022, 5, 12, 0, 5), TUE),  # just after midnight
        ("ينعقد يوم غد الأربعاء", TUE, date(2022, 5, 11)),
        ("أجرى اليوم الثلاثاء", TUE, TUE),
        ("اليوم", TUE, TUE),
        ("أمس", TUE, date(2022, 5, 9)),
        ("أمس الأول", TUE, date(2022, 5, 8)),
        ("غداً", TUE, date(2022, 5, 11)),
        ("أجرى منذ يومين مباحثات", APR23, date(2022, 4, 21)),
        ("قال لاندبيرغ، الثلاثاء، بمراكش", WED, TUE),
        ("الثلاثاء الماضي", TUE, date(2022, 5, 3)),
        ("الثلاثاء المقبل", TUE, date(2022, 5, 17)),
        ("ستعقد القمة الأربعاء.", date(2022, 5, 9), date(2022, 5, 11)),
        ("yesterday", WED, TUE),
        ("hier", WED, TUE),
    ],
)
def test_relative_days(text: str, reference: datetime | date, value: date) -> None:
    found = one(text, reference)
    assert found.relative and found.precision == "day"
    assert found.value == value


@pytest.mark.parametrize(
    ("text", "reference", "value", "precision"),
    [
        ("في 11 ماي.", APR23, date(2022, 5, 11), "day"),
        ("في 11 ماي المقبل", APR23, date(2022, 5, 11), "day"),
        ("25 يونيو/ حزيران الماضي", TUE, date(2021, 6, 25), "day"),
        ("أواخر مارس الماضي", APR23, date(2022, 3, 1), "month"),
        ("في دجنبر الماضي", TUE, date(2021, 12, 1), "month"),
        ("شهر ماي المقبل", APR23, date(2022, 5, 1), "month"),
    ],
)
def test_yearless_and_month_relative(text: str, reference: date, value: date, precision: str) -> None:
    found = one(text, reference)
    assert (found.value, found.precision) == (value, precision)


@pytest.mark.parametrize("text", ["امس الثلاثاء", "في 11 ماي", "الثلاثاء الماضي", "مارس الماضي", "غدا"])
def test_relative_needs_a_reference(text: str) -> None:
    assert find_dates(text) == []


@pytest.mark.parametrize("text", ["الأحد واحد من الناس", "يمارس 2022 لاعبا", "رقم 12345678", ""])
def test_no_false_dates(text: str) -> None:
    assert find_dates(text, TUE) == []


def test_dates_come_in_order_with_offsets() -> None:
    text = "اليوم الاثنين وغدا الأربعاء، وفي 11 ماي 2022"
    found = find_dates(text, date(2022, 5, 9))
    assert [f.value for f in found] == [date(2022, 5, 9), date(2022, 5, 11), date(2022, 5, 11)]
    assert all(text[f.start : f.end] == f.text for f in found)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2022-05-10T10:00:00", datetime(2022, 5, 10, 10, 0)),
        ("Tue, 10 May 2022 12:00:00 GMT", datetime(2022, 5, 10, 12, 0, tzinfo=datetime.now().astimezone().tzinfo)),
        ("السبت 23 أبريل 2022 على الساعة 00:05", datetime(2022, 4, 23, 0, 5)),
        ("10 mai 2022", datetime(2022, 5, 10)),
        ("not a date", None),
        ("", None),
    ],
)
def test_parse_datetime(value: str, expected: datetime | None) -> None:
    parsed = parse_datetime(value)
    if expected is None or expected.tzinfo is None:
        assert parsed == expected
    else:
        assert parsed is not None and parsed.utcoffset() is not None
        assert parsed.replace(tzinfo=None) == expected.replace(tzinfo=None)


FRAGMENTS = list("0123456789٢٣ /-:،,.() ماييوأبريلالثلاثاءأمسغدMayonTuesdayعام")


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(FRAGMENTS), max_size=60))
def test_any_text_gives_consistent_spans(text: str) -> None:
    for found in find_dates(text, TUE):
        assert text[found.start : found.end] == found.text
        assert found.precision in ("day", "month", "year")


def _candidates_by_scanning(text: str, digits: bool) -> list[int]:
    """Where a date can start, by running the trigger pattern over the whole folded line (the slow reference)."""
    lex = dates._lexicon()
    folded = text.lower().replace("أ", "ا").replace("إ", "ا").replace("آ", "ا").replace("ى", "ي").replace("ة", "ه")
    folded = folded.replace("’", "'")
    out = []
    for m in dates._trigger_pattern(lex.triggers, digits).finditer(folded):
        if m["w"] is not None:
            out.append(m.start("w"))
        else:
            out.append(m.start("d"))
            if folded[m.start("d")] == "(":
                out.append(m.start("d") + 1)
    return out


@pytest.mark.parametrize(
    "text",
    [
        "وقال امس الثلاثاء (2022) إن اجتماع 11 ماي  سيعقد\tفي مراكش، يوم11/05/2022.",
        "ومايو اليمايو 3مارس يمارس (٣) ((12 _أمس",
        "لا تاريخ هنا",
        "",
    ],
)
def test_candidates_read_by_chunk_are_the_full_scan(text: str) -> None:
    for digits in (True, False):
        assert dates._candidates(text, dates._lexicon().triggers, digits) == _candidates_by_scanning(text, digits)


PIECES = ["أمس", "ومايو", "مايو", "ي", "(", "12", "٣", " ", "  ", "\n", "،", "x", "_"]


@settings(max_examples=80, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=10))
def test_candidates_of_any_text(pieces: list[str]) -> None:
    text = "".join(pieces)
    assert dates._candidates(text, dates._lexicon().triggers, True) == _candidates_by_scanning(text, True)
