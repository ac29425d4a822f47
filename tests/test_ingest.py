"""Ingest: formats, encodings, cleaning, metadata with provenance, near-duplicates and bad input."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import datetime
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from digest import cli
from digest.document import Article
from digest.errors import InputError
from digest.ingest import IngestResult, ingest
from digest.ingest.clean import clean, repeated_title
from digest.ingest.read import decode, expand_paths, read_documents
from digest.options import IngestOptions
from digest.runtime.parallel import can_fork

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
OPTIONS = IngestOptions()

BODY = (
    "أجرى وزير الخارجية المغربي ناصر بوريطة مباحثات مع نظيره الإسباني خوسيه مانويل ألباريس في مراكش "
    "على هامش الاجتماع الوزاري للتحالف الدولي ضد داعش.\n"
    "وقال بوريطة إن العلاقات بين البلدين تشهد مرحلة جديدة من التعاون في مجالات الأمن والهجرة والاقتصاد، "
    "مؤكدا أن التنسيق بين الرباط ومدريد ضروري لمواجهة التهديدات الإرهابية في منطقة الساحل.\n"
    "من جهته، أشاد ألباريس بالدور الذي يضطلع به المغرب في مكافحة الإرهاب والتطرف العنيف في القارة الإفريقية.\n"
)
OTHER_STORY = (
    "بتاريخ 3 مارس الماضي، كشف منسق ملف الترشيح المشترك لكأس العالم لكرة القدم أن لشبونة لن تستضيف "
    "المباراة النهائية للمونديال، وأثناء تقديم شعار البطولة وسفرائها، أكد أن الملاعب ستكون جاهزة قبل الموعد."
)


@pytest.fixture(scope="module")
def samples() -> dict[str, Article]:
    result = ingest([SAMPLES], OPTIONS)
    return {a.id[:3]: a for a in result.articles}


# ------------------------------------------------------------------------------------------------ samples


@pytest.mark.parametrize(
    ("key", "outlet", "author", "published"),
    [
        ("000", None, None, datetime(2022, 4, 23, 0, 5)),
        ("001", "الصحيفة", "محمد سعيد أرباط", datetime(2022, 4, 20, 12, 0)),
        ("002", "إيلاف", None, datetime(2022, 5, 11)),
        ("003", "مدار21", None, datetime(2022, 5, 10)),
        ("004", None, None, datetime(2022, 5, 10)),
    ],
)
def test_sample_metadata(
    samples: dict[str, Article], key: str, outlet: str | None, author: str | None, published: datetime
) -> None:
    article = samples[key]
    assert (article.outlet, article.author, article.published) == (outlet, author, published)
    inferred = dict(article.inferred)
    assert {"outlet", "published", "title", "language"} <= set(inferred)
    assert article.language == "ar"


@pytest.mark.parametrize(
    ("key", "how"),
    [("000", "date line"), ("001", "date line"), ("002", "inferred"), ("003", "inferred"), ("004", "embedded post")],
)
def test_sample_dates_say_how(samples: dict[str, Article], key: str, how: str) -> None:
    assert how in dict(samples[key].inferred)["published"]


def test_briefing_date_of_samples_is_the_newest(samples: dict[str, Article]) -> None:
    from digest.ingest import newest_publication

    newest = newest_publication(samples.values())
    assert newest is not None and newest.date().isoformat() == "2022-05-11"


@pytest.mark.parametrize(
    ("key", "title"),
    [
        ("000", "في ماي المقبل.. “داعش” يجمع بلينكن وألباريس في مراكش!"),
        ("001", '"داعش" تُعيد وزير الخارجية الأمريكي أنطوني بلينكن إلى المغرب في ماي المقبل'),
        ("003", "رسميا.. بلينكين يغيب عن الاجتماع الوزاري للتحالف الدولي ضد “داعش”"),
    ],
)
def test_sample_titles(samples: dict[str, Article], key: str, title: str) -> None:
    assert samples[key].title == title


@pytest.mark.parametrize(
    ("key", "furniture"),
    [
        ("000", "حاتم عمور في ضيافة السفير"),  # navigation bullets
        ("000", "El ministro de Asuntos Exteriores"),  # photo caption with another date
        ("000", "عاجل"),
        ("001", "السيد فوزي لقجع"),  # appended op-ed headline
        ("001", "لارانغو"),  # and its teaser
        ("001", "جاري تحميل التعليقات"),
        ("002", "قراؤنا من مستخدمي تويتر"),
        ("002", "لا تعبر بالضرورة عن رأي إيلاف"),
        ("003", "تابع آخر الأخبار من مدار21"),
        ("003", "لن يتم نشر عنوان بريدك"),
        ("004", "pic.twitter.com"),
        ("004", "مباحثات مغربية بحرينية خلال لقاء مراكش"),  # related headline inside the body
        ("004", "الجامعة العربية تقدم رؤيتها"),
    ],
)
def test_sample_furniture_is_removed_and_kept_aside(samples: dict[str, Article], key: str, furniture: str) -> None:
    article = samples[key]
    lines = article.text.split("\n")
    assert not any(line.strip() == furniture or furniture in line for line in lines)
    assert any(furniture in line for line in article.removed)


@pytest.mark.parametrize(
    ("key", "sentence"),
    [
        ("000", "وتأسس التحالف الدولي ضد تنظيم “الدولة الإسلامية” عام 2014"),
        ("001", "ويُعتبر المغرب من الفاعلين الأساسيين على المستوى الدولي"),
        ("002", "إيلاف من الرباط:أجرى وزير الخارجية المغربي"),
        ("003", "وكان التحالف قد أنشأ مؤخرًا مجموعة عمل في دجنبر الماضي"),
        ("004", "يتواجد حوالي “27 تنظيماً إرهابيا"),
        ("004", "وينتظر أن تفتتح غدا الأربعاء قمة التحالف الدولي"),
    ],
)
def test_sample_body_sentences_are_kept(samples: dict[str, Article], key: str, sentence: str) -> None:
    assert sentence in samples[key].text


# ------------------------------------------------------------------------------------------------ cleaning


def test_unrelated_block_after_comments_goes_related_one_stays() -> None:
    page = f"عنوان الخبر عن لقاء بوريطة وألباريس\n{BODY}تعليقات\nعنوان آخر عن المونديال\n{OTHER_STORY}\n"
    cleaned = clean(page)
    assert "لشبونة" not in "\n".join(cleaned.body)
    assert any("لشبونة" in r.line for r in cleaned.removed)
    same_story = "وأضاف بوريطة أن مباحثاته مع ألباريس تناولت التعاون الأمني ومكافحة الإرهاب في منطقة الساحل."
    cleaned = clean(f"{BODY}تعليقات\n{same_story}\n")
    assert same_story in cleaned.body


def test_appended_article_after_a_late_headline_goes() -> None:
    cleaned = clean(f"{BODY}مقال رأي: المونديال والملاعب\n{OTHER_STORY}\n")
    assert not any("لشبونة" in line for line in cleaned.body)
    assert len(cleaned.body) == 3


def test_bulleted_sentences_inside_the_body_are_kept() -> None:
    item = "- دفعت الأمم المتحدة أربعة ملايين دولار على الأقل للشركة الحكومية المزودة للنفط في سوريا."
    cleaned = clean(f"{BODY}{item}\n")
    assert item in cleaned.body


def test_repeated_paragraph_is_removed_once() -> None:
    first = BODY.split("\n")[1]
    cleaned = clean(BODY + first.replace("،", "، ") + "\n")
    assert cleaned.body.count(first) == 1
    assert [r.reason for r in cleaned.removed] == ["repeated paragraph"]


# ------------------------------------------------------------------------------------------------ formats


def write(path: Path, data: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        path.write_text(data, encoding="utf-8")
    else:
        path.write_bytes(data)
    return path


HTML = f"""<!doctype html><html lang="ar"><head><title>هسبريس | بوريطة يستقبل ألباريس</title>
<meta property="og:site_name" content="هسبريس"><meta name="author" content="سعيد المراكشي">
<meta property="article:published_time" content="2022-05-10T14:30:00+01:00">
<link rel="canonical" href="https://www.hespress.com/politique/1"></head>
<body><nav><ul><li><a href="/">الرئيسية</a></li><li><a href="/p">سياسة</a></li></ul></nav>
<article><h1>بوريطة يستقبل ألباريس في مراكش</h1>{"".join(f"<p>{p}</p>" for p in BODY.strip().split(chr(10)))}</article>
<footer>جميع الحقوق محفوظة</footer></body></html>"""


def test_html_page_gives_text_and_metadata(tmp_path: Path) -> None:
    result = ingest([write(tmp_path / "page.html", HTML)], OPTIONS)
    (article,) = result.articles
    assert article.outlet == "هسبريس" and dict(article.inferred)["outlet"] == "HTML metadata"
    assert article.url == "https://www.hespress.com/politique/1"
    assert article.published == datetime(2022, 5, 10, 13, 30)  # 14:30+01:00 in the desk's zone (UTC)
    assert "مباحثات مع نظيره الإسباني" in article.text and "الرئيسية" not in article.text


RSS = f"""<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>مدار21</title>
<language>ar</language>
<item><title>بوريطة يستقبل ألباريس</title><link>https://madar21.com/1</link><guid>a1</guid>
<pubDate>Tue, 10 May 2022 12:00:00 +0000</pubDate><description><![CDATA[<p>{BODY}</p>]]></description></item>
<item><title>بدون نص</title><link>https://madar21.com/2</link><guid>a2</guid><description></description></item>
</channel></rss>"""

ATOM = """<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Le Desk</title>
<entry><title>Bourita reçoit Albares</title><id>urn:1</id><link href="https://ledesk.ma/1"/>
<updated>2022-05-10T10:00:00Z</updated><content type="html">&lt;p&gt;Le ministre des affaires étrangères
Nasser Bourita a reçu son homologue espagnol à Marrakech, en marge de la réunion de la coalition contre Daech,
pour parler de la coopération sécuritaire et de la migration dans la région du Sahel.&lt;/p&gt;</content></entry>
</feed>"""


def test_rss_feed_gives_one_article_per_entry(tmp_path: Path) -> None:
    result = ingest([write(tmp_path / "feed.rss", RSS)], OPTIONS)
    (article,) = result.articles
    assert (article.outlet, article.title, article.url) == ("مدار21", "بوريطة يستقبل ألباريس", "https://madar21.com/1")
    assert article.published == datetime(2022, 5, 10, 12, 0)
    assert [s.reason for s in result.skipped] == ["feed entry without text"]


def test_atom_feed_in_french(tmp_path: Path) -> None:
    (article,) = ingest([write(tmp_path / "feed.atom", ATOM)], OPTIONS).articles
    assert article.language == "fr" and article.outlet == "Le Desk"
    assert article.published == datetime(2022, 5, 10, 10, 0)


def test_jsonl_fields_bad_lines_and_duplicate_ids(tmp_path: Path) -> None:
    lines = [
        json.dumps({"id": "a", "text": BODY, "outlet": "هسبريس", "published": "2022-05-10T09:00:00", "title": "ت"}),
        "{not json",
        json.dumps({"id": "b"}),
        json.dumps({"id": "a", "text": BODY + "إضافة."}),
        json.dumps({"id": "c", "text": OTHER_STORY, "published": "someday"}),
        json.dumps(["a", "list"]),
    ]
    path = write(tmp_path / "export.jsonl", "\n".join(lines) + "\n")
    result = ingest([path], OPTIONS)
    assert [a.id for a in result.articles] == ["a", "c"]  # c: an unreadable date is noted, not fatal
    assert "given date 'someday' unreadable" in dict(result.articles[1].inferred)["published"]
    assert result.articles[0].outlet == "هسبريس" and dict(result.articles[0].inferred)["outlet"] == "given field"
    reasons = [s.reason for s in result.skipped]
    assert reasons[0].startswith("invalid JSON") and reasons[1] == "no text"
    assert any(r.startswith("duplicate id 'a'") for r in reasons)
    assert not any("published" in r for r in reasons)
    assert any("object" in r for r in reasons)


def test_folders_and_globs(tmp_path: Path) -> None:
    write(tmp_path / "in" / "a.txt", BODY)
    write(tmp_path / "in" / "sub" / "b.html", HTML)
    write(tmp_path / "in" / "image.png", b"\x89PNG\r\n\x1a\n\x00\x00")
    assert [p.name for p in expand_paths([tmp_path / "in"])[0]] == ["a.txt", "b.html"]
    assert [p.name for p in expand_paths([tmp_path / "in" / "**" / "*.html"])[0]] == ["b.html"]
    with pytest.raises(InputError):
        expand_paths([tmp_path / "missing.txt"])
    with pytest.raises(InputError):
        expand_paths([tmp_path / "*.nothing"])


# ------------------------------------------------------------------------------------------------ encodings


@pytest.mark.parametrize(
    ("encoding", "bom"),
    [
        ("utf-8", b""),
        ("utf-8", b"\xef\xbb\xbf"),
        ("utf-16-le", b"\xff\xfe"),
        ("utf-16-be", b"\xfe\xff"),
        ("utf-16-le", b""),
        ("cp1256", b""),
        ("iso-8859-6", b""),
    ],
)
def test_encodings_are_detected(encoding: str, bom: bytes) -> None:
    text = BODY.replace("،", ",") if encoding == "iso-8859-6" else BODY  # ISO-8859-6 has the Arabic comma too
    decoded, _ = decode(bom + text.encode(encoding))
    assert decoded == text


# ------------------------------------------------------------------------------------------------ bad input


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("empty.txt", b"", "empty file"),
        ("blank.txt", b"  \n\n ", "empty file"),
        ("short.txt", "نص قصير.".encode(), "too short"),
        ("binary.txt", bytes(range(256)) * 8, "binary"),
        ("bad.txt", b"\xff\xfe\xfd" + b"\x81\x8d\x8e\x8f\x90" * 50, "undecodable"),
        ("broken.html", b"<html><body><div><p></div></body>", "HTML"),
        ("broken.rss", b"<rss><channel><item><title>x</title></chann", "feed"),
        ("empty.jsonl", b"\n\n", "empty file"),
    ],
)
def test_bad_input_is_skipped_with_a_reason(tmp_path: Path, name: str, data: bytes, reason: str) -> None:
    good = write(tmp_path / "good.txt", BODY)
    bad = write(tmp_path / name, data)
    result = ingest([good, bad], OPTIONS)
    assert [a.id for a in result.articles] == ["good"]
    (skipped,) = result.skipped
    assert skipped.path.startswith(str(bad)) and reason in skipped.reason and "\n" not in skipped.reason


def test_huge_input_is_skipped_unread(tmp_path: Path) -> None:
    path = write(tmp_path / "huge.txt", BODY * 50)
    result = ingest([path], replace(OPTIONS, max_bytes=1000))
    assert not result.articles and "too large" in result.skipped[0].reason


def test_duplicate_ids_across_files(tmp_path: Path) -> None:
    result = ingest(
        [write(tmp_path / "x" / "same.txt", BODY), write(tmp_path / "y" / "same.txt", OTHER_STORY)], OPTIONS
    )
    assert len(result.articles) == 1 and "duplicate id 'same'" in result.skipped[0].reason


@pytest.mark.skipif(not can_fork(), reason="the platform cannot fork")
def test_parallel_reading_is_the_serial_reading(tmp_path: Path) -> None:
    # Both parallel paths: many files (read and built by workers), and one large JSON Lines file (its documents
    # built by workers, more than one span of them); the results and their order are the serial ones.
    texts = [p.read_text(encoding="utf-8") for p in sorted(SAMPLES.glob("*.txt"))]
    for n in range(130):
        write(tmp_path / "many" / f"{n:03d}.txt", f"{texts[n % len(texts)]}\nملاحظة رقم {n}.")
    records = [
        json.dumps({"id": f"r{n}", "text": f"{texts[n % len(texts)]}\nملاحظة رقم {n}."}, ensure_ascii=False)
        for n in range(420)
    ]
    write(tmp_path / "large" / "day.jsonl", "\n".join([*records, "not json"]))
    assert (tmp_path / "large" / "day.jsonl").stat().st_size >= 2_000_000
    for folder, count in (("many", 130), ("large", 420)):
        serial = ingest([tmp_path / folder], replace(OPTIONS, workers=1))
        assert serial.read == count
        assert ingest([tmp_path / folder], replace(OPTIONS, workers=2)) == serial


# ------------------------------------------------------------------------------------------------ duplicates


def test_near_duplicates_are_folded_with_their_outlets(tmp_path: Path) -> None:
    wire = next(SAMPLES.glob("003_*.txt")).read_text(encoding="utf-8")
    edited = wire.replace("بوريطة", "ناصر بوريطة", 1).replace("سياسة\n", "") + "\nالمصدر: وكالة المغرب العربي للأنباء."
    other = next(SAMPLES.glob("002_*.txt")).read_text(encoding="utf-8")
    lines = [
        json.dumps({"id": "a", "text": wire, "outlet": "مدار21"}),
        json.dumps({"id": "b", "text": edited, "outlet": "le360"}),
        json.dumps({"id": "c", "text": other, "outlet": "إيلاف"}),  # same story, another text: not a copy
    ]
    result: IngestResult = ingest([write(tmp_path / "day.jsonl", "\n".join(lines))], OPTIONS)
    assert result.duplicates == 1 and result.read == 3
    kept = {a.id: a for a in result.articles}
    assert set(kept) == {"b", "c"}  # the longer copy is kept
    assert [c.id for c in kept["b"].copies] == ["a"] and kept["b"].outlets == ("le360", "مدار21")
    assert kept["b"].to_dict()["copies"][0]["outlet"] == "مدار21"


# ------------------------------------------------------------------------------------------------ properties


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=3000), suffix=st.sampled_from([".txt", ".html", ".rss", ".jsonl", ".bin"]))
def test_any_bytes_give_an_article_or_a_reason(tmp_path: Path, data: bytes, suffix: str) -> None:
    path = tmp_path / f"input{suffix}"
    path.write_bytes(data)
    result = ingest([path], OPTIONS)
    assert result.articles or result.skipped
    assert all(s.reason and "\n" not in s.reason for s in result.skipped)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from([*BODY.split("\n"), "عاجل", "• عنوان", "تعليقات", OTHER_STORY, "", "  "]), max_size=12))
def test_cleaning_never_invents_text(lines: list[str]) -> None:
    text = "\n".join(lines)
    cleaned = clean(text)
    for line in (*cleaned.body, *cleaned.header):
        assert line in text
    assert len(cleaned.body) + len(cleaned.header) + len(cleaned.removed) >= len([x for x in lines if x.strip()]) - 0


# ------------------------------------------------------------------------------------------------ CLI


def test_inspect_command_shows_text_metadata_and_removed_lines() -> None:
    result = CliRunner().invoke(cli.main, ["inspect", str(next(SAMPLES.glob("001_*.txt")))])
    assert result.exit_code == 0, result.output
    assert "outlet: الصحيفة   [byline" in result.output
    assert "published: 2022-04-20 12:00:00   [date line" in result.output
    assert "[appended block not about this article] السيد فوزي لقجع" in result.output


def test_read_documents_rejects_nothing_silently(tmp_path: Path) -> None:
    documents, skipped, warnings = read_documents(write(tmp_path / "a.txt", BODY), OPTIONS)
    assert [d.id for d in documents] == ["a"] and not skipped and not warnings


# --- a scraped page's title, kept twice at its top -----------------------------------------------------------

_TITLE = "الجيش يستعيد السيطرة على مدينة الميادين شرق البلاد"
_BODY = "وقال مصدر عسكري إن وحدات الجيش دخلت المدينة صباح اليوم بعد معارك استمرت أياما مع مسلحي التنظيم ."


@pytest.mark.parametrize(
    ("page", "title"),
    [
        (f"{_TITLE} | أخبار عربية | موقع المدينة الرئيسية سياسة اقتصاد {_TITLE} {_BODY}", _TITLE),
        (f"Main navigation Search الرئيسية - {_TITLE} - News Online الأحد 21 يناير 2018 {_TITLE} {_BODY}", _TITLE),
        (f"أخبار عربية ودولية {_TITLE} {_TITLE} {_TITLE} {_BODY}", _TITLE),
        # a clock widget repeated is no title; nor is a phrase inside sentences, nor a clause ending in a comma
        (
            f"الساعة 14 : 48 ( مكة المكرمة ) 1432 / 6 / 1 ه - الساعة 14 : 48 ( مكة المكرمة ) 1432 / 6 / 1 ه - {_BODY}",
            None,
        ),
        (f"{_BODY} وأكد أن وزير الدفاع في الحكومة الجديدة زار الجبهة . وقال وزير الدفاع في الحكومة الجديدة إن", None),
        (f"على هامش الاجتماع الوزاري للتحالف الدولي ، {_BODY} على هامش الاجتماع الوزاري للتحالف الدولي ، قال", None),
    ],
)
def test_a_title_kept_twice_at_the_top_of_a_page_is_found(page: str, title: str | None) -> None:
    assert repeated_title(page) == title


def test_a_page_without_a_title_gets_the_one_repeated_at_its_top(tmp_path: Path) -> None:
    page = f"{_TITLE} - موقع المدينة {_TITLE} {_BODY} " + "وأضاف المصدر أن عمليات التمشيط مستمرة في الأحياء . " * 3
    (tmp_path / "day.jsonl").write_text(json.dumps({"id": "p1", "text": page}, ensure_ascii=False) + "\n", "utf-8")
    article = ingest([tmp_path], IngestOptions()).articles[0]
    assert article.title == _TITLE
    assert dict(article.inferred)["title"] == "title repeated at the top of the page"
