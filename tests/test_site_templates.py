"""Furniture found by the day itself (a site's repeated text) and timestamp widgets glued into a line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from digest.ingest import ingest
from digest.ingest.clean import clean
from digest.options import IngestOptions

MENU = "الرئيسية أخبار محلية أخبار دولية اقتصاد رياضة ثقافة وفنون منوعات اتصل بنا من نحن سياسة الخصوصية"
LOGIN = "دخول الأعضاء اسم المستخدم كلمة المرور تذكرني نسيت كلمة المرور تسجيل جديد"
STORIES = [
    "أعلنت وزارة الصحة اليوم عن افتتاح مستشفى جديد في العاصمة بطاقة ثلاثمئة سرير لخدمة سكان الأحياء الجنوبية. "
    "وقال الوزير في مؤتمر صحفي إن المستشفى سيبدأ استقبال المرضى الشهر المقبل بعد استكمال تجهيزاته.",
    "فاز المنتخب الوطني لكرة القدم على نظيره بثلاثة أهداف مقابل هدف واحد في المباراة التي جرت مساء أمس. "
    "وسجل المهاجم هدفين في الشوط الثاني بعد أن تقدم الفريق المنافس في الدقائق الأولى من اللقاء.",
    "ارتفعت أسعار النفط في الأسواق العالمية بنسبة خمسة في المئة بعد قرار خفض الإنتاج الذي أعلنته الدول المصدرة. "
    "ويتوقع المحللون أن تستمر الأسعار في الارتفاع خلال الأسابيع المقبلة بسبب تراجع المخزونات.",
]


def _day(tmp_path: Path, site_pages: list[str], other: list[str] = ()) -> Path:
    records = [
        {"id": f"p{k}", "url": f"https://news.example/article/{k}", "text": text} for k, text in enumerate(site_pages)
    ]
    records += [{"id": f"o{k}", "url": f"https://other{k}.example/a", "text": text} for k, text in enumerate(other)]
    path = tmp_path / "day.jsonl"
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records) + "\n", encoding="utf-8")
    return path


def test_a_sites_menu_and_login_form_go_even_glued_to_the_first_sentence(tmp_path: Path) -> None:
    pages = [f"{MENU}\n{LOGIN} {story}" for story in STORIES]
    result = ingest([_day(tmp_path, pages)], IngestOptions())
    for article, story in zip(result.articles, STORIES, strict=True):
        assert "كلمة المرور" not in article.text and "اتصل بنا" not in article.text
        assert article.text.startswith(story.split(".")[0][:40])
        assert any("كلمة المرور" in r for r in article.removed)


def test_two_reports_of_one_story_on_one_site_keep_what_they_share(tmp_path: Path) -> None:
    update = STORIES[0] + " وأضاف أن المستشفى يضم قسما للطوارئ يعمل على مدار الساعة."
    result = ingest([_day(tmp_path, [STORIES[0], update])], IngestOptions(duplicate_threshold=0.99))
    texts = sorted(a.text for a in result.articles)
    assert all("افتتاح مستشفى جديد في العاصمة" in t for t in texts)


def test_text_shared_by_different_sites_is_not_a_template(tmp_path: Path) -> None:
    wire = STORIES[2]
    result = ingest([_day(tmp_path, [wire + " " + STORIES[0]], other=[wire + " " + STORIES[1]])], IngestOptions())
    assert all("ارتفعت أسعار النفط" in a.text for a in result.articles)


def test_a_timestamp_widget_and_the_title_glued_before_it_are_cut_from_the_line() -> None:
    page = (
        "انفجار في الميناء - موقع الأخبار 1 / 21 / 2018 8 : 19 : 10 AM "
        "قال مسؤول في الدفاع المدني إن انفجارا وقع في مستودع بالميناء صباح اليوم دون أن يسفر عن إصابات.\n"
        "وأضاف أن فرق الإطفاء سيطرت على الحريق بعد ساعتين من العمل المتواصل في الموقع."
    )
    cleaned = clean(page)
    text = "\n".join(cleaned.body)
    assert text.startswith("قال مسؤول في الدفاع المدني")
    assert "8 : 19" not in text
    assert any(r.reason == "timestamp widget" and "موقع الأخبار" in r.line for r in cleaned.removed)


@pytest.mark.parametrize("zone", ["بتوقيت غرينتش", "بتوقيت مكة المكرمة", "GMT"])
def test_a_widget_with_a_time_zone_leaves_the_lead_verb_after_it(zone: str) -> None:
    page = (
        f"الداخلية تقتل انتحاريا في أيمن الموصل الأحد 13 أغسطس 2017 - 01 : 20 {zone} "
        "أعلنت وزارة الداخلية , السبت , عن قتل انتحاري يرتدي حزاما ناسفا بعد محاصرته بأحد منازل المدينة .\n"
        + STORIES[0]
    )
    assert clean(page).body[0].startswith("أعلنت وزارة الداخلية")


def test_a_date_in_a_sentence_is_not_a_widget() -> None:
    sentence = "وقال الوزير في مؤتمر صحفي يوم 12 مايو 2022 إن الاجتماع سيعقد في الساعة العاشرة صباحا في مراكش."
    cleaned = clean(sentence + "\n" + STORIES[0])
    assert sentence in cleaned.body


@pytest.mark.parametrize("byline", ["كتبت - إيمان محمود :", "كتب - محمد قاسم :", "بقلم : علاء أبو صالح :"])
def test_a_byline_and_the_title_glued_before_it_are_cut_from_the_lead(byline: str) -> None:
    lead = "أعلنت وزارة الصحة اليوم عن افتتاح مستشفى جديد في العاصمة بطاقة ثلاثمئة سرير ."
    cleaned = clean(f"مستشفى جديد في العاصمة {byline} {lead}\n{STORIES[1]}")
    assert cleaned.body[0] == lead
    assert any(r.reason == "byline" and r.line.endswith(byline) for r in cleaned.removed)


def test_a_writer_quoted_in_a_sentence_is_not_a_byline() -> None:
    sentence = "وقال الكاتب إن الحكومة كتبت : هذه رسالة واضحة للجميع في المنطقة كلها بلا استثناء ."
    assert sentence in clean(sentence + "\n" + STORIES[0]).body
