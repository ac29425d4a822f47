"""The printed PDF, checked from outside with poppler (pdfinfo, pdffonts, pdftotext) and WeasyPrint's bookmarks:
A4, title and language set, fonts embedded, running header with the localised date and page numbers per
edition, a contents list, one bookmark per story, nothing cut at page breaks, nothing fetched.
"""

from __future__ import annotations

import logging
import re
import shutil
import subprocess
import zlib
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from functools import partial
from pathlib import Path
from typing import Any

import pytest

from digest import render
from digest.document import Briefing, SummarySentence
from digest.runtime.parallel import can_fork

from .test_render import rich_briefing

pytestmark = pytest.mark.skipif(
    shutil.which("pdftotext") is None, reason="poppler-utils is needed (scripts/setup --test installs it)"
)

DATES = {"ar": "الأربعاء، 11 مايو 2022", "en": "Wednesday, May 11, 2022", "es": "miércoles, 11 de mayo de 2022"}
PAGE = {"ar": "صفحة", "en": "Page", "es": "Página"}
OF = {"ar": "من", "en": "of", "es": "de"}


def poppler(tool: str, pdf: Path, *args: str) -> str:
    return subprocess.run([tool, *args, str(pdf), "-"][: None if tool == "pdftotext" else -1], check=True,
                          capture_output=True, text=True, timeout=60).stdout  # fmt: skip


BIDI_CONTROLS = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def pages(pdf: Path) -> list[str]:
    """The text of each page: bidi controls (which pdftotext adds around Arabic) out, whitespace collapsed."""
    text = BIDI_CONTROLS.sub("", poppler("pdftotext", pdf))
    return [" ".join(page.split()) for page in text.split("\f")[:-1]]


def squash(text: str) -> str:
    """Letters and digits only: pdftotext moves punctuation and spaces around in right-to-left lines."""
    return re.sub(r"[\W_]+", "", text)


def has(page: str, needle: str) -> bool:
    return squash(needle) in squash(page)


def info(pdf: Path) -> dict[str, str]:
    return dict(line.split(":", 1) for line in poppler("pdfinfo", pdf).splitlines() if ":" in line)


def objects(pdf: bytes) -> list[bytes]:
    """The PDF and its decompressed streams (WeasyPrint writes most objects inside compressed object streams)."""
    chunks = [pdf]
    for match in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S):
        try:
            chunks.append(zlib.decompress(match.group(1)))
        except zlib.error:
            continue
    return chunks


def catalog_language(pdf: bytes) -> str | None:
    """/Lang of the PDF catalog."""
    for chunk in objects(pdf):
        found = re.search(rb"/Lang \((\w+)\)", chunk)
        if found:
            return found.group(1).decode()
    return None


def destinations(pdf: Path) -> dict[str, int]:
    """Named destinations (anchors) and their page numbers, from `pdfinfo -dests`."""
    rows = poppler("pdfinfo", pdf, "-dests").splitlines()[1:]
    return {row.rsplit('"', 2)[1]: int(row.split()[0]) for row in rows if '"' in row}


def long_briefing() -> Briefing:
    """Enough stories, summary sentences and conflicts to run over several pages per edition."""
    base = rich_briefing()
    story = base.stories[0]
    stories = []
    for n in range(9):
        summary = {
            lang: tuple(
                SummarySentence(f"{s.text} [{lang}-{n}-{i}] " + "مزيد من التفاصيل " * 6 if lang == "ar" else
                                f"{s.text} [{lang}-{n}-{i}] " + "further detail " * 8, s.sources)
                for i, s in enumerate(sents * 3)
            )
            for lang, sents in story.summary.items()
        }  # fmt: skip
        stories.append(replace(story, id=f"s-{n}", summary=summary))
    return replace(base, stories=tuple(stories))


@dataclass
class Printed:
    path: Path
    bookmarks: list
    warnings: list[str]


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def _print(folder: Path, name: str, lay_out: Callable[[], Any]) -> Printed:
    """Lay out (`lay_out()`) and write one PDF, keeping its bookmarks and whatever WeasyPrint warned about."""
    collect = _Collect()
    logger = logging.getLogger("weasyprint")
    logger.addHandler(collect)
    try:
        document = lay_out()
        (folder / name).write_bytes(document.write_pdf(**render.PDF_OPTIONS))
    finally:
        logger.removeHandler(collect)
    return Printed(folder / name, document.make_bookmark_tree(), collect.messages)


@pytest.fixture(scope="module")
def combined(tmp_path_factory: pytest.TempPathFactory) -> Printed:
    folder = tmp_path_factory.mktemp("pdf")
    return _print(folder, "combined.pdf", lambda: render.briefing_document(rich_briefing()))


@pytest.fixture(scope="module")
def per_language(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Printed]:
    folder = tmp_path_factory.mktemp("pdf-per-language")
    names = render.pdf_names(rich_briefing(), "per-language")
    assert names == {lang: f"briefing-2022-05-11-{lang}.pdf" for lang in ("ar", "en", "es")}
    briefing = rich_briefing()
    return {
        lang: _print(folder, name, partial(render.briefing_document, briefing, [lang])) for lang, name in names.items()
    }


def test_combined_pdf_is_a4_titled_in_arabic_with_fonts_embedded(combined: Printed) -> None:
    path = combined.path
    meta = info(path)
    assert meta["Page size"].strip().endswith("(A4)")
    assert meta["Tagged"].strip() == "yes"  # structure for screen readers
    assert meta["Title"].strip() == f"الموجز الصحفي — {DATES['ar']}"
    assert catalog_language(path.read_bytes()) == "ar"
    fonts = poppler("pdffonts", path).splitlines()[2:]
    assert fonts and all(line.split()[-5] == "yes" for line in fonts), fonts  # the "emb" column
    assert any("Amiri" in line for line in fonts)
    assert any("Noto-Serif" in line for line in fonts)  # the Latin editions keep their own serif


def test_each_edition_starts_a_page_with_its_own_header_and_numbering(combined: Printed) -> None:
    text = pages(combined.path)
    starts = {lang: next(i for i, p in enumerate(text) if squash(p).count(squash(DATES[lang])) >= 2) for lang in DATES}
    assert starts["ar"] == 0 < starts["en"] < starts["es"]
    for lang, first in starts.items():
        # The running header (date) and the page label restart with each edition: "Page 1".
        assert squash(text[first]).endswith(squash(f"{PAGE[lang]} 1")), text[first][-80:]
        following = text[first + 1]
        assert has(following, DATES[lang]) and squash(following).endswith(squash(f"{PAGE[lang]} 2")), following[-80:]


def test_contents_and_one_bookmark_per_story(combined: Printed) -> None:
    briefing = rich_briefing()
    tree = combined.bookmarks
    assert [label for label, *_ in tree] == ["الموجز الصحفي — العربية", "Press Briefing — English",
                                              "Resumen de prensa — Español"]  # fmt: skip
    for (_, _, children, _), lang in zip(tree, ("ar", "en", "es"), strict=True):
        assert [label for label, *_ in children] == [render.edition(briefing, lang)["stories"][i]["headline"]
                                                     for i in range(len(briefing.stories))]  # fmt: skip
    text = render.render_html(briefing, medium="print")
    assert 'class="contents"' in text and text.count('href="#en-s-') == 2


@pytest.mark.parametrize("lang", ["ar", "en", "es"])
def test_per_language_pdf_is_readable_on_its_own(per_language: dict[str, Printed], lang: str) -> None:
    pdf = per_language[lang].path
    words = render.labels(lang)
    assert [label for label, *_ in per_language[lang].bookmarks] == [f"{words['title']} — {words['language_name']}"]
    meta = info(pdf)
    assert meta["Title"].strip() == f"{render.labels(lang)['title']} — {DATES[lang]}"
    assert catalog_language(pdf.read_bytes()) == lang
    text = pages(pdf)
    whole = " ".join(text)
    total = len(text)
    for number, page in enumerate(text, 1):
        assert has(page, DATES[lang])
        assert squash(page).endswith(squash(f"{PAGE[lang]} {number} {OF[lang]} {total}")), page[-80:]
    others = [other for other in DATES if other != lang]
    assert not any(has(whole, DATES[other]) for other in others)
    expected = {
        "ar": ["المحتويات", "الفاعلون الرئيسيون", "روايات متضاربة", "ناصر بوريطة"],
        "en": ["Contents", "Key actors", "Conflicting reports", "Nasser Bourita", "Marrakesh, Morocco"],
        "es": ["Índice", "Actores principales", "Informaciones contradictorias", "Naser Burita", "models install"],
    }[lang]
    for needle in expected:
        assert has(whole, needle), needle


def test_nothing_is_cut_at_page_breaks(tmp_path: Path) -> None:
    briefing = long_briefing()
    path = tmp_path / "long.pdf"
    path.write_bytes(render.render_pdf(render.render_html(briefing, ["en"], medium="print")))
    text = pages(path)
    assert len(text) >= 4
    for story in briefing.stories:
        for sentence in story.summary["en"]:
            words = " ".join(sentence.text.split())
            assert sum(words in page for page in text) == 1, f"cut or missing across pages: {words[:60]}"
    # Every conflict table stays on one page: its subject and all its values together.
    for page in text:
        if "Superseded · Antony Blinken" in page:
            assert "attends" in page and "absent" in page


@pytest.fixture
def asked(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The URLs WeasyPrint asks the fetcher for (each still refused)."""
    urls: list[str] = []
    original = render.refuse_urls

    def spy(url: str, *args, **kwargs):
        urls.append(url)
        return original(url, *args, **kwargs)

    monkeypatch.setattr(render, "refuse_urls", spy)
    return urls


def test_article_markup_is_text_in_the_pdf_and_nothing_is_fetched(tmp_path: Path, asked: list[str]) -> None:
    path = tmp_path / "hostile.pdf"
    path.write_bytes(render.render(rich_briefing(hostile=True), ["pdf"])["briefing-2022-05-11.pdf"])
    whole = " ".join(pages(path))
    assert '<script>alert("x")</script>' in whole  # shown as text
    assert '<img src="file:///etc/passwd">' in whole
    assert "root:" not in whole
    assert asked == []  # escaped markup is never an element: nothing to fetch


@pytest.mark.parametrize(
    "markup",
    [
        '<img src="file:///etc/passwd"><p>after</p>',
        '<img src="http://203.0.113.1/x.png"><p>after</p>',
        '<link rel="stylesheet" href="http://203.0.113.1/x.css"><p>after</p>',
        '<style>@import url("file:///etc/passwd"); p { background: url(http://203.0.113.1/b.png) }</style><p>after',
        '<object data="file:///etc/passwd"></object><p>after</p>',
    ],
)
def test_url_fetcher_refuses_files_and_network(tmp_path: Path, asked: list[str], caplog, markup: str) -> None:
    path = tmp_path / "raw.pdf"
    with caplog.at_level(logging.ERROR, logger="weasyprint"):
        path.write_bytes(render.render_pdf(f"<!DOCTYPE html><html><body>{markup}</body></html>"))
    assert asked and all(url.startswith(("file:", "http:")) for url in asked)
    assert "does not fetch resources" in caplog.text
    text = " ".join(pages(path))
    assert "after" in text and "root:" not in text


def test_templates_give_weasyprint_no_css_warnings(combined: Printed, per_language: dict[str, Printed]) -> None:
    assert combined.warnings == []
    for printed in per_language.values():
        assert printed.warnings == []


def test_empty_day_still_prints(tmp_path: Path) -> None:
    empty = Briefing(date=date(2022, 5, 11), languages=("ar", "en", "es"), stories=(), inputs=rich_briefing().inputs)
    path = tmp_path / "empty.pdf"
    path.write_bytes(render.render(empty, ["pdf"])["briefing-2022-05-11.pdf"])
    text = pages(path)
    # Each edition starts on a recto: a blank back after each one-page edition, and the same binding side.
    assert len(text) == 5 and text[1] == text[3] == ""
    assert has(text[0], "لا توجد قصص في هذا اليوم.") and "No stories for this day." in text[2]
    assert "feeds/empty.txt" in text[4]
    assert _text_margins(path, 1) == pytest.approx(_text_margins(path, 3), abs=0.6)
    assert _text_margins(path, 1) == pytest.approx(_text_margins(path, 5), abs=0.6)


def _text_margins(pdf: Path, page: int) -> tuple[float, float]:
    """Left and right margins (mm) of the text on one page, from pdftotext's word boxes."""
    boxes = subprocess.run(["pdftotext", "-f", str(page), "-l", str(page), "-bbox", str(pdf), "-"], check=True,
                           capture_output=True, text=True, timeout=60).stdout  # fmt: skip
    left = min(float(x) for x in re.findall(r'xMin="([\d.]+)"', boxes))
    right = max(float(x) for x in re.findall(r'xMax="([\d.]+)"', boxes))
    return left / 72 * 25.4, (595.28 - right) / 72 * 25.4


@pytest.mark.parametrize(("lang", "binding_side_of_page_1"), [("ar", "right"), ("en", "left")])
def test_binding_margin_is_on_the_inner_edge(
    per_language: dict[str, Printed], lang: str, binding_side_of_page_1: str
) -> None:
    # Arabic books open from the other side: its first page binds on the right, then pages alternate.
    for page, side in ((1, binding_side_of_page_1), (2, "left" if binding_side_of_page_1 == "right" else "right")):
        left, right = _text_margins(per_language[lang].path, page)
        inner, outer = (left, right) if side == "left" else (right, left)
        assert inner == pytest.approx(26, abs=0.6) and outer == pytest.approx(16, abs=0.6), (page, left, right)


def test_an_untranslated_summary_is_printed_once_and_referred_to(tmp_path: Path) -> None:
    """Without a model the combined PDF prints the Arabic summary in the Arabic edition only; the other editions
    point to the story there (a link, and its number in the contents). A one-language PDF keeps the original."""
    rich = rich_briefing()
    untranslated = replace(rich, stories=tuple(replace(s, summary={"ar": s.summary["ar"]}) for s in rich.stories))
    arabic = untranslated.stories[0].summary["ar"][0].text
    path = tmp_path / "combined.pdf"
    path.write_bytes(render.render(untranslated, ["pdf"])["briefing-2022-05-11.pdf"])
    text = pages(path)
    assert sum(page.count(squash(arabic)) for page in map(squash, text)) == 1
    whole = " ".join(text)
    assert "Summary not translated: see story 1 of the Arabic edition" in whole
    # The link goes to the story in the Arabic edition, another document until the editions were joined.
    story = untranslated.stories[0].id
    assert destinations(path)[f"ar-{story}"] == 1
    one_document = render.render_pdf(render.render_html(untranslated, medium="print", paged=True))
    links = [sum(chunk.count(f"/Dest (ar-{story})".encode()) for chunk in objects(pdf)) for pdf in
             (path.read_bytes(), one_document)]  # fmt: skip
    assert links[0] == links[1] >= 3  # the contents, then en and es
    assert "Resumen sin traducir: véase la noticia 1 de la edición árabe" in whole
    html = render.render_html(untranslated, medium="print", paged=True)
    assert html.count(f'href="#ar-{untranslated.stories[0].id}"') == 3  # the contents, then en and es
    alone = tmp_path / "en.pdf"
    alone.write_bytes(render.render(untranslated, ["pdf"], pdf_mode="per-language")["briefing-2022-05-11-en.pdf"])
    assert has(" ".join(pages(alone)), arabic)


def test_page_references_are_upstreams_built_once_per_page_count() -> None:
    """`render._page_references` (which replaces pydyf's quadratic property) gives upstream's answer as pages grow."""
    import pydyf

    assert render.speed_up_pdf_writing(), f"pydyf {pydyf.__version__}: check PDF.page_references, then PYDYF_PATCHED"

    def upstream(pdf: pydyf.PDF) -> tuple[bytes, ...]:
        return tuple(f"{number} 0 R".encode("ascii") for number in pdf.pages["Kids"][::3])

    pdf = pydyf.PDF()
    assert render._page_references(pdf) == upstream(pdf) == ()
    for count in range(1, 5):
        pdf.add_object(pydyf.Dictionary({}))  # objects between pages: page numbers are not consecutive
        pdf.add_page(pydyf.Dictionary({"Type": "/Page"}))
        assert pdf.page_references == render._page_references(pdf) == upstream(pdf)
        assert len(pdf.page_references) == count
    other = pydyf.PDF()
    other.add_page(pydyf.Dictionary({"Type": "/Page"}))
    assert other.page_references == upstream(other) != pdf.page_references


@pytest.mark.skipif(not can_fork(), reason="laying out editions in parallel needs fork")
@pytest.mark.parametrize("briefing", [rich_briefing(), long_briefing()], ids=["rich", "long"])
def test_editions_laid_out_in_another_process_give_the_same_pdf(briefing: Briefing) -> None:
    alone = render.briefing_pdf(briefing)
    assert render.briefing_pdf(briefing, parallel=True) == alone
    # ...because the pages did travel, not because the worker's answer was refused and they were laid out here.
    document = render.pdf_document(render.render_html(briefing, medium="print"))
    sent = render._send_pages(document.pages)
    assert sent is not None and len(render._receive_pages(sent, document.font_config)) == len(document.pages)


@pytest.mark.skipif(not can_fork(), reason="laying out editions in parallel needs fork")
def test_pages_that_cannot_be_sent_are_laid_out_here(monkeypatch: pytest.MonkeyPatch) -> None:
    alone = render.briefing_pdf(rich_briefing())
    monkeypatch.setattr(render, "_send_pages", lambda pages: None)  # what a worker answers when pickle fails
    assert render.briefing_pdf(rich_briefing(), parallel=True) == alone


def _sources_words(pdf: Path, label: str) -> list[tuple[float, float, str]]:
    """The words of the first "Sources" paragraph's page from its label on, with their positions (x, y), as
    `pdftotext -bbox` lays them out."""
    html = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], check=True, capture_output=True, text=True,
                          timeout=60).stdout  # fmt: skip
    for page in html.split("<page ")[1:]:
        found = re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="[\d.]+" yMax="[\d.]+">(.*?)</word>', page)
        words = [(float(x), float(y), word) for x, y, word in found]
        tops = [y for x, y, word in words if squash(label) in (squash(word), squash(word[::-1]))]
        if tops:
            return [w for w in words if w[1] >= tops[0] - 4]
    raise AssertionError(f"no {label!r} in the PDF")


def _at(words: list[tuple[float, float, str]], text: str) -> tuple[float, float]:
    """Where a word is (pdftotext gives Arabic words in visual order: reversed ones match too)."""
    wanted = squash(text)
    for x, y, word in words:
        if wanted in (squash(word), squash(word[::-1])):
            return x, y
    raise AssertionError(f"{text!r} not in the PDF")


@pytest.mark.parametrize("lang", ["ar", "en", "es"])
def test_sources_read_in_order_in_the_pdf(per_language: dict[str, Printed], lang: str) -> None:
    """The first source of the first story: outlet, author, date, then the Arabic title, each laid out after the
    one before in the edition's direction (on the same line, or a later one)."""
    words = _sources_words(per_language[lang].path, render.labels(lang)["sources"])
    published = render.short_datetime(rich_briefing().stories[0].articles[0].published, lang)
    source, author, when, title = (
        _at(words, text) for text in ("Hespress", "الراجي", next(w for w in published.split() if ":" in w), "مراكش")
    )
    rtl = lang == "ar"
    for before, after in ((source, author), (author, when), (when, title)):
        if abs(before[1] - after[1]) < 4:  # one line: the later piece further along the edition's direction
            assert (after[0] < before[0]) if rtl else (after[0] > before[0]), (lang, before, after)
        else:
            assert after[1] > before[1], (lang, before, after)


def test_the_key_facts_line_is_printed(tmp_path: Path) -> None:
    from digest import translate
    from digest.options import TranslateOptions

    from .test_compose import _briefing, attendance_story

    story = translate.translate_story(
        attendance_story(), ["ar", "en", "es"], translate.ArgosTranslator(TranslateOptions(), tmp_path / "none")
    )
    pdf = tmp_path / "facts.pdf"
    pdf.write_bytes(render.briefing_pdf(_briefing(story)))
    text = " ".join(pages(pdf))
    for needle in ("Key facts: Who: Nasser Bourita", "Datos clave: Quién: Nasser Bourita", story.headline["en"]):
        assert has(text, needle), needle
    assert "Headline composed from the extracted facts, not translated" in text
