"""Stage 6, render: one `Briefing` into HTML, PDF, JSON, and the two parts of the email.

Entry point: `render(briefing, formats, pdf_mode) -> dict[file name, bytes]`.

- HTML (`briefing.html.j2`): one self-contained page, every edition in it (Arabic right to left, English and
  Spanish left to right) and a language switcher made of links and CSS (:target): it works offline, from a
  single file, with no script. No current time is written in it, so the same briefing gives the same bytes.
  The first `web_stories` stories are full cards, every other one a line of an index (headline linked to its
  first source, articles, outlets, date): 50,000 stories make a 55 MB page, not 496 MB.
- JSON (`write_json`): every story in full, written piece by piece (never the whole document as one string).
- PDF: the same template for print (`medium="print"`, denser: bullets as text, sources run on in one
  paragraph) through WeasyPrint: A4, a binding margin, a running header with the briefing date in the
  edition's language, page numbers, a contents list with page numbers, one bookmark per edition and per
  story, tagged. `pdf_mode="combined"` (default) writes one PDF with every edition, each laid out on its own
  (in a second process when `parallel`) and starting on a recto with its own running header and numbering;
  `pdf_mode="per-language"` writes one PDF per edition (`briefing-DATE-ar.pdf`...), each readable on its own.
  WeasyPrint gets a URL fetcher that refuses every URL: fonts come from the system (fontconfig), nothing is
  fetched from files or the network.
- Email (`email.html.j2`, `email.txt.j2`): a body with inline styles only (what mail clients keep), no
  script, no external resource; and a plain-text alternative.

Templates are jinja2 files in `digest/templates/`, autoescaped for HTML (article text is always shown as text);
dates and numbers are written by Babel in each edition's language; labels come from `data/labels.json`.
"""

from __future__ import annotations

import io
import json
import os
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Executor
from contextlib import ExitStack, contextmanager
from dataclasses import replace
from datetime import date, datetime
from functools import lru_cache, partial
from importlib import resources
from pathlib import Path
from typing import Any, BinaryIO
from urllib.parse import urlsplit

import jinja2
from babel import Locale
from babel.dates import format_date, format_time, get_datetime_format
from babel.numbers import format_decimal

from digest.document import Article, Briefing, Story
from digest.errors import ConfigError
from digest.options import RenderOptions
from digest.resources import read_json
from digest.runtime.parallel import can_fork, forked_pool
from digest.translate.compose import key_facts, subject_in

FORMATS = ("html", "pdf", "json")
PDF_MODES = ("combined", "per-language")
DIRECTION = {"ar": "rtl", "en": "ltr", "es": "ltr", "fr": "ltr"}
MEDIA = ("web", "print")
_SAFE_SCHEMES = ("http", "https")
_LANG_CODE = re.compile(r"^[a-z]{2,3}$")
INDEX_PART = 500
"""Lines of one list of the web page's index: each list is laid out by the browser only once scrolled to."""


def templates_dir() -> Path:
    """The jinja2 templates shipped inside the package (`digest/templates/`)."""
    return Path(str(resources.files("digest").joinpath("templates")))


def isolate(text: object) -> str:
    """`text` between FIRST STRONG ISOLATE and POP DIRECTIONAL ISOLATE.

    An outlet, an article id or a date inside a right-to-left line keeps its own order ("004_fdc6"), in the
    browser and in WeasyPrint (Pango honours the isolates; WeasyPrint does not implement `unicode-bidi`).
    """
    return f"\u2068{text}\u2069"


def _autoescape(name: str | None) -> bool:
    """Escape every template but the plain-text ones (`*.txt.j2`): those are never read as HTML."""
    return not (name or "").endswith(".txt.j2")


@lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(templates_dir()),
        autoescape=_autoescape,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["isolate"] = isolate
    return env


def labels(lang: str) -> dict[str, Any]:
    """The interface labels of an edition (English for a language without its own)."""
    table: dict[str, dict[str, Any]] = read_json("labels.json")
    return table.get(lang, table["en"])


def direction(lang: str) -> str:
    return DIRECTION.get(lang, "ltr")


def long_date(value: date, lang: str) -> str:
    """A date as a reader of `lang` writes it in full ("Wednesday, May 11, 2022")."""
    return format_date(value, format="full", locale=lang)


def short_datetime(value: datetime | str | None, lang: str) -> str:
    """A publication time, short; the date alone when the time is midnight (often: time unknown)."""
    if value is None:
        return str(labels(lang)["unknown"])
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            return str(value)  # not ISO: shown as the source wrote it
    day = format_date(value, format="medium", locale=lang)
    if value.hour == 0 and value.minute == 0:
        return day
    # The locale's own way of joining a date and a time ("{1}, {0}"), minutes only.
    return str(get_datetime_format("medium", locale=lang)).format(format_time(value, "short", locale=lang), day)


def number(value: int, lang: str) -> str:
    return format_decimal(value, locale=lang)


@lru_cache(maxsize=4096)
def counted(count: int, what: str, lang: str) -> str:
    """ "3 stories", "قصتان", "11 قصة": a count with its noun in the language's plural form (CLDR rules by Babel)."""
    forms: dict[str, str] = labels(lang)["counts"][what]
    form = Locale.parse(lang).plural_form(count)
    return (forms.get(form) or forms["other"]).format(n=number(count, lang))


def safe_url(url: str | None) -> str | None:
    """The URL when it is a web address a reader may follow; None for `javascript:`, `file:` and the like."""
    if not url:
        return None
    try:
        scheme = urlsplit(url.strip()).scheme.lower()
    except ValueError:
        return None
    return url.strip() if scheme in _SAFE_SCHEMES else None


def text_direction(text: str) -> str:
    """ "rtl" or "ltr" from the first letter with a strong direction (the rule of HTML's dir="auto").

    Written out explicitly because WeasyPrint does not implement dir="auto".
    """
    for char in text:
        kind = unicodedata.bidirectional(char)
        if kind in ("R", "AL"):
            return "rtl"
        if kind == "L":
            return "ltr"
    return "ltr"


def _attribute_label(attribute: str, lang: str) -> str:
    known: dict[str, str] = labels(lang).get("attributes", {})
    return known.get(attribute) or attribute.replace("_", " ")


def _in(text: dict[str, str], lang: str) -> tuple[str, str]:
    """A localised string in `lang`, else English for another Latin-script edition, else Arabic (the source).

    Returns (text, language of the text shown), so that the template can mark a fallback's language.
    """
    if text.get(lang):
        return text[lang], lang
    order = ("ar",) if lang in ("ar", "en") else ("en", "ar")
    for fallback in (*order, *sorted(text)):
        if text.get(fallback):
            return text[fallback], fallback
    return "", lang


def site_name(url: str | None) -> str | None:
    """The site's name from a web address's domain ("www.swissinfo.ch/ara/..." → "swissinfo.ch"); None."""
    if not safe_url(url):
        return None
    try:
        host = urlsplit(str(url).strip()).hostname or ""
    except ValueError:
        return None
    host = host.removeprefix("www.")
    return host if "." in host else None


def outlet_name(article: Article, lang: str) -> str:
    """Who published `article` as a reader reads it: its outlet, else its site's domain, else "unknown source"
    in the edition's language. Never the file name the article was read from."""
    return article.outlet or site_name(article.url) or str(labels(lang)["unknown_source"])


def known_outlets(story: Story) -> list[str]:
    """The outlets a story's articles (and their copies) name or whose site is known: what "N outlets" counts."""
    names = [a.outlet or site_name(a.url) for article in story.articles for a in (article, *article.copies)]
    return _unique(n for n in names if n)


def _article(article: Article, lang: str) -> dict[str, Any]:
    return {
        "id": article.id,
        "outlet": outlet_name(article, lang),
        "author": article.author,
        "title": article.title,
        "title_lang": article.language,
        "title_dir": direction(article.language),
        "url": safe_url(article.url),
        "published": short_datetime(article.published, lang),
        "copies": _unique(outlet_name(c, lang) for c in article.copies),
    }


def _edition_story(
    story: Story,
    lang: str,
    outlet_of: dict[str, str],
    options: RenderOptions,
    refer_to_arabic: bool = False,
    max_sources: int | None = None,
    max_actors: int = 0,
) -> dict[str, Any]:
    """What the templates need of one story in one language (lists capped as `options` says; the articles at
    `max_sources` when given, else `options.max_sources`; the actors at `max_actors`; 0: all).

    An untranslated summary is the Arabic original, marked as such; with `refer_to_arabic` (a document that
    holds the Arabic edition too) it is a link to the story in the Arabic edition instead of a second copy.
    (Not a page number: WeasyPrint's `target-counter` made the layout of a 30-story briefing 40% slower.)
    """
    status = story.translation.get(lang) if lang != "ar" else None
    headline, headline_lang = _in(story.headline, lang)
    unknown = str(labels(lang)["unknown_source"])
    summary = story.summary.get(lang, ())
    summary_lang = lang
    summary_ref = None
    if not summary and lang != "ar" and story.summary.get("ar"):
        if refer_to_arabic:
            summary_ref = f"ar-{story.id}"
        else:
            summary, summary_lang = story.summary["ar"], "ar"
    actors = []
    for actor in story.actors[:max_actors] if max_actors > 0 else story.actors:
        name, name_lang = _in(actor.name, lang)
        original = actor.name.get("ar") if lang != "ar" and actor.name.get("ar") not in (None, "", name) else None
        actors.append(
            {
                "name": name,
                "name_lang": name_lang,
                "name_dir": direction(name_lang),
                "original": original,
                "role": actor.role.get(lang),
                "kind": actor.kind,
                "kind_label": labels(lang).get(f"kind_{actor.kind}", actor.kind),
                "mentions": actor.mentions,
                "mentions_text": counted(actor.mentions, "mentions", lang),
                "romanized": actor.romanized and lang != "ar",
                # Spellings met in the press, other than the names already shown.
                "variants": _other_spellings(
                    actor.variants, (name, original, actor.name.get("ar")), options.max_variants
                ),
            }
        )
    conflicts = []
    for conflict in story.conflicts:
        subject, subject_lang = subject_in(conflict, story, lang)
        sides = []
        for side in conflict.claims:
            value, value_lang = _in(side.value, lang)
            sides.append(
                {
                    "value": value,
                    "value_dir": direction(value_lang),
                    "outlets": _side_outlets(side.outlets, side.articles, outlet_of),
                    "published": [short_datetime(p, lang) for p in side.published],
                    "evidence": [{"text": e, "dir": text_direction(e)} for e in side.evidence],
                    "latest": side.latest,
                }
            )
        conflicts.append(
            {
                "subject": subject,
                "subject_dir": direction(subject_lang),
                "attribute": _attribute_label(conflict.attribute, lang),
                "kind": conflict.kind,
                "kind_label": labels(lang).get(f"kind_{conflict.kind}", conflict.kind),
                "claims": sides,
            }
        )
    cap = options.max_sources if max_sources is None else max_sources
    listed = story.articles[:cap] if cap > 0 else story.articles
    venue = None
    if story.venue:
        venue_name, _ = _in(story.venue.name, lang)
        country, _ = _in(story.venue.country, lang)
        venue = {"name": venue_name, "country": country if country != venue_name else ""}
    facts = key_facts(story, lang)
    outlets = known_outlets(story)
    return {
        "id": story.id,
        "anchor": f"{lang}-{story.id}",
        "headline": headline,
        "headline_composed": lang in story.composed and headline_lang == lang,
        "key_facts": _key_facts(facts, lang),
        "headline_is_source": headline_lang != lang,
        "headline_lang": headline_lang,
        "headline_dir": direction(headline_lang),
        "summary": [
            {"text": s.text, "outlets": _unique(outlet_of.get(a, unknown) for a in s.sources)} for s in summary
        ],
        "summary_is_source": summary_lang != lang,
        "summary_lang": summary_lang,
        "summary_dir": direction(summary_lang),
        "summary_ref": summary_ref,
        "status": status.to_dict() if status else None,
        "status_dir": text_direction(status.detail or "") if status else "ltr",
        "actors": actors,
        "venue": venue,
        "event_date": long_date(story.event_date, lang) if story.event_date else None,
        "conflicts": conflicts,
        "articles": [_article(a, lang) for a in listed],
        "more_articles": number(len(story.articles) - len(listed), lang) if len(listed) < len(story.articles) else None,
        "articles_text": counted(len(story.articles), "articles", lang),
        "outlets_text": counted(len(outlets), "outlets", lang) if outlets else None,
    }


def _key_facts(facts: Any, lang: str) -> list[dict[str, str]]:
    """The key-facts line as (label, text) parts: who, what (the conflicts, each isolated), where, when."""
    words = labels(lang)
    separator = "؛ " if lang == "ar" else "; "
    parts = [
        (words["who"], facts.who),
        (words["what"], separator.join(isolate(item) for item in facts.what)),
        (words["venue"], facts.where),
        (words["event_date"], facts.when),
    ]
    return [{"label": str(label), "text": text} for label, text in parts if text]


def _side_outlets(outlets: Sequence[str], articles: Sequence[str], outlet_of: dict[str, str]) -> list[str]:
    """Who reported one side of a conflict: the outlets synthesis found, an article id among them (an article
    without outlet) read as that article's outlet or site; else the outlets of the side's articles."""
    if outlets:
        return _unique(outlet_of.get(name, name) for name in outlets)
    return _unique(outlet_of[a] for a in articles if a in outlet_of)


@lru_cache(maxsize=1024)
def _index_date(value: date, lang: str) -> str:
    return format_date(value, format="medium", locale=lang)


def _index_line(story: Story, lang: str, options: RenderOptions) -> dict[str, Any]:
    """One story as a line of the web page's index: headline (a link to its first source), number of articles,
    outlets (the first `options.index_outlets`), and the event date, else the first report's."""
    headline, headline_lang = _in(story.headline, lang)
    first = story.articles[0] if story.articles else None
    outlets = known_outlets(story) or [str(labels(lang)["unknown_source"])]
    shown = outlets[: options.index_outlets] if options.index_outlets > 0 else outlets
    when = story.event_date or (first.published.date() if first and first.published else None)
    return {
        "anchor": f"{lang}-{story.id}",
        "headline": headline,
        "headline_lang": headline_lang if headline_lang != lang else None,
        "headline_dir": direction(headline_lang),
        "url": safe_url(first.url) if first else None,
        "articles_text": counted(len(story.articles), "articles", lang),
        "outlets": shown,
        "more_outlets": number(len(outlets) - len(shown), lang) if len(shown) < len(outlets) else None,
        "date": _index_date(when, lang) if when else None,
        "iso_date": when.isoformat() if when else None,
    }


def _unique(names: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(names))


_NOT_A_LETTER = re.compile(r"[\W_]+")


def _other_spellings(variants: Iterable[str], shown: Iterable[str | None], limit: int) -> list[str]:
    """Spellings met in the press that differ in their letters (not quotes or spaces) from the names shown.

    At most `limit` of them (0: all).
    """
    seen = {_NOT_A_LETTER.sub("", name) for name in shown if name}
    kept = []
    for variant in variants:
        key = _NOT_A_LETTER.sub("", variant)
        if key and key not in seen:
            seen.add(key)
            kept.append(variant.strip(" \"'“”«»"))
    return kept[:limit] if limit > 0 else kept


def edition(
    briefing: Briefing,
    lang: str,
    options: RenderOptions | None = None,
    medium: str = "web",
    refer_to_arabic: bool = False,
) -> dict[str, Any]:
    """One language edition of the briefing, fully localised, as the templates read it.

    The first stories (the pipeline puts the biggest first) are shown in full: `options.print_stories` of them in
    print, where the edition says how many more there are; `options.web_stories` on the web, where every story
    after them is one line of an index (`_index_line`), so that a day of tens of thousands of stories is a
    page a browser opens and still lists them all. `max_sources` and `max_variants` cap lists. 0 means all.
    `refer_to_arabic`: see `_edition_story`.
    """
    options = options or RenderOptions()
    max_stories = options.print_stories if medium == "print" else options.web_stories
    max_sources = print_sources(options) if medium == "print" else options.max_sources
    max_actors = options.print_actors if medium == "print" else 0
    words = labels(lang)
    kept = briefing.stories[:max_stories] if max_stories > 0 else briefing.stories
    outlet_of = {a.id: outlet_name(a, lang) for s in kept for a in s.articles}
    stories = [
        {
            **_edition_story(s, lang, outlet_of, options, refer_to_arabic, max_sources, max_actors),
            "number": number(n, lang),
        }
        for n, s in enumerate(kept, 1)
    ]
    rest = briefing.stories[len(kept) :]
    index = [_index_line(s, lang, options) for s in rest] if medium == "web" else []
    left_out = len(rest) if medium == "print" else 0
    duplicates = briefing.inputs.duplicates
    # No model for this language: said once at the top of the edition rather than under every story.
    missing = bool(stories) and all(s["status"] and s["status"]["status"] == "model-missing" for s in stories)
    if missing:
        for story in stories:
            story["status"] = None
    return {
        "translation_missing": missing,
        "more_stories": str(words["more_stories"]).format(count=number(left_out, lang)) if left_out else None,
        "lang": lang,
        "dir": direction(lang),
        "labels": words,
        "title": words["title"],
        "date": long_date(briefing.date, lang),
        "undated": words["undated"] if briefing.date_source == "none" else None,
        "stories": stories,
        "index_parts": [
            {"start": len(kept) + 1 + at, "lines": index[at : at + INDEX_PART]}
            for at in range(0, len(index), INDEX_PART)
        ],
        "index_link": str(words["index_link"]).format(stories=counted(len(index), "stories", lang)) if index else None,
        "index_note": (
            str(words["index_note"]).format(first=number(len(kept) + 1, lang), last=number(len(briefing.stories), lang))
            if index
            else None
        ),
        "stories_text": counted(len(briefing.stories), "stories", lang),
        "read_text": counted(briefing.inputs.read, "read", lang),
        "duplicates_text": counted(duplicates, "duplicates", lang) if duplicates else "",
        "skipped": [
            {"path": skip.path, "reason": skip.reason, "reason_dir": text_direction(skip.reason)}
            for skip in briefing.inputs.skipped
        ],
        "list_separator": "، " if lang == "ar" else ", ",
        "item_separator": "؛ " if lang == "ar" else "; ",
    }


def print_sources(options: RenderOptions) -> int:
    """Articles listed under a story in print: the smaller of `print_sources` and `max_sources` (0: no cap)."""
    caps = [cap for cap in (options.print_sources, options.max_sources) if cap > 0]
    return min(caps) if caps else 0


def _languages(briefing: Briefing, languages: Sequence[str] | None) -> list[str]:
    chosen = list(languages or briefing.languages)
    bad = [lang for lang in chosen if not _LANG_CODE.match(lang)]
    if bad:
        raise ConfigError(f"unknown language code {bad[0]!r}; use codes like ar,en,es")
    return chosen


def context(
    briefing: Briefing,
    languages: Sequence[str] | None = None,
    medium: str = "web",
    options: RenderOptions | None = None,
    paged: bool = False,
) -> dict[str, Any]:
    """The template context: one edition per language, each fully localised.

    Print (PDF, email) keeps `options.print_stories` stories; the web page shows `options.web_stories` in full
    and the others as an index, one line each (`edition`). `paged`: a PDF,
    where an untranslated summary in an edition of a document that holds the Arabic edition too is a link
    to the story there rather than a second copy of the Arabic text.
    """
    if medium not in MEDIA:
        raise ConfigError(f"unknown medium {medium!r}; choose from {', '.join(MEDIA)}")
    chosen = _languages(briefing, languages)
    refer = paged and "ar" in chosen
    editions = [edition(briefing, lang, options, medium, refer) for lang in chosen]
    first = editions[0] if editions else edition(briefing, "ar", options, medium)
    return {
        "editions": editions,
        "shown": editions,
        "first": first,
        "iso_date": briefing.date.isoformat(),
        "medium": medium,
        "switcher": medium == "web" and len(editions) > 1,
    }


def render_html(
    briefing: Briefing,
    languages: Sequence[str] | None = None,
    medium: str = "web",
    options: RenderOptions | None = None,
    paged: bool = False,
) -> str:
    """The briefing as one self-contained HTML page (no scripts, no external resources).

    `medium="web"` adds the language switcher; `medium="print"` is the page WeasyPrint lays out (`paged`:
    for a PDF, see `context`).
    """
    page = environment().get_template("briefing.html.j2")
    return page.render(**context(briefing, languages, medium, options, paged))


def edition_pages_html(
    briefing: Briefing, languages: Sequence[str] | None = None, options: RenderOptions | None = None
) -> dict[str, str]:
    """The printed briefing as one HTML document per edition, to be laid out apart and joined (`briefing_pdf`).

    Each holds one edition's section under the same head, styles and root element as the whole briefing, so
    that its pages are those the edition would have in the whole document.
    """
    page = environment().get_template("briefing.html.j2")
    whole = context(briefing, languages, "print", options, paged=True)
    return {ed["lang"]: page.render(**{**whole, "shown": [ed]}) for ed in whole["editions"]}


def render_email_html(
    briefing: Briefing,
    languages: Sequence[str] | None = None,
    options: RenderOptions | None = None,
    attached: bool = True,
) -> str:
    """The email body: every edition one after the other, inline styles only, no script, no external resource.

    `attached`: whether the PDF goes with it (the body says so).
    """
    body = environment().get_template("email.html.j2")
    return body.render(**context(briefing, languages, "print", options), attached=attached)


def render_email_text(
    briefing: Briefing,
    languages: Sequence[str] | None = None,
    options: RenderOptions | None = None,
    attached: bool = True,
) -> str:
    """The plain-text alternative of the email body."""
    body = environment().get_template("email.txt.j2")
    return body.render(**context(briefing, languages, "print", options), attached=attached)


def refuse_urls(url: str, *args: Any, **kwargs: Any) -> Any:
    """The PDF's URL policy: fetch nothing. A briefing never pulls files or network resources."""
    raise ValueError(f"digest does not fetch resources while rendering a PDF: {url}")


def refusing_fetcher() -> Any:
    """A WeasyPrint `URLFetcher` whose every fetch is refused by `refuse_urls` (WeasyPrint logs it and goes on).

    WeasyPrint 70 wants a `URLFetcher` object (it reads `_fail_on_errors` from it), not a bare function.
    """
    from weasyprint.urls import URLFetcher  # heavy import: only when a PDF is asked for

    class RefuseAll(URLFetcher):
        def fetch(self, url: str, headers: Any = None) -> Any:
            return refuse_urls(url)

    return RefuseAll(allowed_protocols=(), allow_redirects=False, fail_on_errors=False)


PYDYF_PATCHED = ("0.13.0",)
"""pydyf versions whose `PDF.page_references` was read and found safe to replace by `_page_references`."""


def _page_references(pdf: Any) -> tuple[bytes, ...]:
    """pydyf 0.13.0's `PDF.page_references` (`b"12 0 R"` per page), built once per page count.

    Upstream rebuilds the whole tuple on every read, and WeasyPrint 70's `pdf/tags.py` (`_build_box_tree`)
    reads it once per tagged box: quadratic in pages (0.5 s of the 3.9 s write of a 103-page briefing). pydyf only
    ever appends to `pages["Kids"]` (`add_page`), so the tuple is kept while that list and its length stay.
    """
    kids = pdf.pages["Kids"]
    cached = pdf.__dict__.get("_digest_page_references")
    if cached is None or cached[0] is not kids or cached[1] != len(kids):
        cached = (kids, len(kids), tuple(f"{number} 0 R".encode("ascii") for number in kids[::3]))
        pdf.__dict__["_digest_page_references"] = cached
    references: tuple[bytes, ...] = cached[2]
    return references


@lru_cache(maxsize=1)
def speed_up_pdf_writing() -> bool:
    """Replace pydyf's `PDF.page_references` by `_page_references` where the version is one we checked.

    Done on the first PDF, not at import. Returns whether the replacement is in place (another pydyf keeps its
    own, slower but correct, property; `tests/test_pdf.py` fails then, to have the new version checked).
    """
    import pydyf

    if getattr(pydyf, "__version__", None) not in PYDYF_PATCHED:
        return False
    if not isinstance(pydyf.PDF.__dict__.get("page_references"), property):
        return False
    pydyf.PDF.page_references = property(_page_references)
    return True


def pdf_document(html: str) -> Any:
    """The laid-out WeasyPrint document (pages, bookmarks) of `html`, nothing fetched."""
    from weasyprint import HTML  # heavy import: only when a PDF is asked for

    speed_up_pdf_writing()
    return HTML(string=html, base_url=None, url_fetcher=refusing_fetcher()).render()


PDF_OPTIONS: dict[str, Any] = {"pdf_tags": True}
"""Tagged PDF: headings, lists and tables stay structure, so screen readers and reflow can use them."""


def render_pdf(html: str) -> bytes:
    """The HTML through WeasyPrint: tagged, fonts embedded, no resource fetched."""
    pdf: bytes = pdf_document(html).write_pdf(**PDF_OPTIONS)
    return pdf


def briefing_pdf(
    briefing: Briefing,
    languages: Sequence[str] | None = None,
    options: RenderOptions | None = None,
    parallel: bool = False,
    pool: Executor | None = None,
) -> bytes:
    """The printed briefing: the editions of `languages` (default: all) in one PDF (`briefing_document`)."""
    pdf: bytes = briefing_document(briefing, languages, options, parallel, pool).write_pdf(**PDF_OPTIONS)
    return pdf


def briefing_document(
    briefing: Briefing,
    languages: Sequence[str] | None = None,
    options: RenderOptions | None = None,
    parallel: bool = False,
    pool: Executor | None = None,
) -> Any:
    """The laid-out WeasyPrint document of the printed briefing.

    One edition is one document ("Page N of M"). Several are laid out as one document each (the same head and
    styles, `edition_pages_html`) and their pages joined with WeasyPrint's `Document.copy`: links, bookmarks
    and tags work across them. An edition that would start on the back of a sheet gets a blank page before it:
    each edition starts on a recto, with its binding margin on the inner edge when printed on both sides.
    With `parallel` (or a forked `pool` to use), worker processes lay out the editions after the first while
    this one lays out the first (`_lay_out_editions`); the PDF is the same bytes.
    """
    chosen = _languages(briefing, languages)
    if len(chosen) < 2:
        return pdf_document(render_html(briefing, chosen, "print", options, paged=True))
    first, pages_of = _lay_out_editions(edition_pages_html(briefing, chosen, options), parallel, pool)
    pages: list[Any] = []
    for lang in chosen:
        if len(pages) % 2:
            pages.append(_blank_page(pages[-1]))
        pages.extend(pages_of[lang])
    return first.copy(pages)


def _blank_page(like: Any) -> Any:
    """A page of the size of `like` with nothing on it (no header, no number)."""
    size = f"{like.width}px {like.height}px"
    return pdf_document(f"<html><head><style>@page {{ size: {size}; margin: 0 }}</style></head></html>").pages[0]


def _lay_out_editions(htmls: dict[str, str], parallel: bool, pool: Executor | None) -> tuple[Any, dict[str, list[Any]]]:
    """The document of the first edition (it gives the PDF its metadata) and the pages of every edition.

    With a pool (given, or forked when `parallel`: one worker per edition after the first), the other editions
    are laid out by its workers, which send their pages back (`_send_pages`), while this process lays out the
    first. Pages that cannot be sent are laid out here: slower, the same result. One process per edition even
    on two cores: with untranslated editions (Arabic 3.0 s, English and Spanish 1.75 s each) it ends about
    0.3 s after the best split in two, and with translated ones, alike, well before any split in two.
    """
    first_lang, *elsewhere = htmls
    if pool is None and not (parallel and can_fork()):
        elsewhere = []
    with ExitStack() as stack:
        if elsewhere and pool is None:
            pool = stack.enter_context(forked_pool(min(len(elsewhere), os.cpu_count() or 1)))
        futures = {lang: pool.submit(_lay_out_and_send, htmls[lang]) for lang in elsewhere} if pool else {}
        documents = {lang: pdf_document(html) for lang, html in htmls.items() if lang not in futures}
        first = documents[first_lang]
        pages_of = {lang: document.pages for lang, document in documents.items()}
        sent = {lang: future.result() for lang, future in futures.items()}
    for lang, pickled in sent.items():
        received = _receive_pages(pickled, first.font_config) if pickled is not None else None
        pages_of[lang] = received if received is not None else pdf_document(htmls[lang]).pages
    return first, {lang: pages_of[lang] for lang in htmls}


def _lay_out_and_send(html: str) -> bytes | None:
    """In a worker: the laid-out pages of an HTML document, pickled (`_send_pages`); None if they cannot be."""
    return _send_pages(pdf_document(html).pages)


def _placeholder(box: Any, layout_done: bool) -> Any:
    from weasyprint.layout.absolute import AbsolutePlaceholder

    placeholder = AbsolutePlaceholder(box)
    object.__setattr__(placeholder, "_layout_done", layout_done)
    return placeholder


def _send_pages(pages: Any) -> bytes | None:
    """WeasyPrint 70's laid-out pages as bytes for another process (None if some object cannot go).

    They are plain Python objects once laid out (Pango layouts are dropped after each line), but for the
    `FontConfiguration` (fontconfig and Pango handles: the receiver puts its own in its place) and
    `AbsolutePlaceholder` (a list marker's box), whose attribute forwarding defeats pickle's default way.
    """
    import io
    import pickle

    from weasyprint.layout.absolute import AbsolutePlaceholder
    from weasyprint.text.fonts import FontConfiguration

    class Sender(pickle.Pickler):
        def persistent_id(self, obj: Any) -> str | None:
            return "font_config" if isinstance(obj, FontConfiguration) else None

        def reducer_override(self, obj: Any) -> Any:
            if type(obj) is AbsolutePlaceholder:
                return _placeholder, (object.__getattribute__(obj, "_box"), obj._layout_done)
            return NotImplemented

    buffer = io.BytesIO()
    try:
        Sender(buffer, protocol=pickle.HIGHEST_PROTOCOL).dump(pages)
    except (pickle.PicklingError, TypeError, AttributeError, RecursionError):
        return None
    return buffer.getvalue()


def _receive_pages(sent: bytes, font_config: Any) -> Any:
    """The pages `_send_pages` sent, using this process's `font_config`."""
    import io
    import pickle

    class Receiver(pickle.Unpickler):
        def persistent_load(self, pid: Any) -> Any:
            if pid != "font_config":
                raise pickle.UnpicklingError(f"unknown persistent object {pid!r}")
            return font_config

    return Receiver(io.BytesIO(sent)).load()


class _StoryDicts(list[Any]):
    """A briefing's stories as the JSON encoder reads them: each one's `to_dict()` made when it is written and
    dropped after, never the whole tree at once. Only Python's own encoder (`iterencode`, not one-shot)
    iterates a list through `__iter__`, which is what `write_json` uses."""

    def __iter__(self) -> Iterator[Any]:
        for story in list.__iter__(self):
            yield story.to_dict()


_JSON_PIECE = 1 << 20  # characters of JSON encoded and written at a time


def write_json(briefing: Briefing, handle: BinaryIO) -> None:
    """The briefing's JSON record (UTF-8, indented by 2, a final newline) written to `handle` piece by piece.

    The same bytes as `json.dumps(briefing.to_dict(), ensure_ascii=False, indent=2) + "\n"`, without holding
    the document (or its dict tree) in memory: 50,000 stories are 306 MB of JSON, and building them as one
    string took 1.9 GB more at its peak.
    """
    record = replace(briefing, stories=()).to_dict()
    record["stories"] = _StoryDicts(briefing.stories)
    pending: list[str] = []
    size = 0
    for chunk in json.JSONEncoder(ensure_ascii=False, indent=2).iterencode(record):
        pending.append(chunk)
        size += len(chunk)
        if size >= _JSON_PIECE:
            handle.write("".join(pending).encode("utf-8"))
            pending.clear()
            size = 0
    pending.append("\n")
    handle.write("".join(pending).encode("utf-8"))


def render_json(briefing: Briefing) -> bytes:
    """The JSON record as bytes: one copy in memory (`BytesIO.getvalue` hands over its buffer), see `write_json`."""
    buffer = io.BytesIO()
    write_json(briefing, buffer)
    return buffer.getvalue()


def pdf_names(briefing: Briefing, pdf_mode: str, languages: Sequence[str] | None = None) -> dict[str, str]:
    """The PDF file names by edition: `{"*": combined}` or one per language."""
    stem = f"briefing-{briefing.date.isoformat()}"
    if pdf_mode == "combined":
        return {"*": f"{stem}.pdf"}
    return {lang: f"{stem}-{lang}.pdf" for lang in _languages(briefing, languages)}


def output_names(briefing: Briefing, formats: Sequence[str]) -> dict[str, str]:
    return {fmt: f"briefing-{briefing.date.isoformat()}.{fmt}" for fmt in formats}


def render(
    briefing: Briefing,
    formats: Sequence[str],
    pdf_mode: str | None = None,
    options: RenderOptions | None = None,
    parallel: bool = False,
) -> dict[str, bytes]:
    """Every requested format, keyed by output file name (PDFs as `pdf_mode`, else `options.pdf_mode`, says).

    With `parallel`, two forked processes write the HTML and lay out part of the PDF (some editions, or the
    per-language PDFs after the first) while this one lays out the rest, then writes the JSON: made here, it
    is one copy in memory (in a worker it would be pickled and copied again on its way back, 306 MB a time at
    50,000 stories).
    """
    options = options or RenderOptions()
    pdf_mode = pdf_mode or options.pdf_mode
    unknown = [f for f in formats if f not in FORMATS]
    if unknown:
        raise ConfigError(f"unknown format {unknown[0]!r}; choose from {', '.join(FORMATS)}")
    if pdf_mode not in PDF_MODES:
        raise ConfigError(f"unknown pdf_mode {pdf_mode!r}; choose from {', '.join(PDF_MODES)}")
    names = output_names(briefing, formats)
    jobs: dict[str, Callable[[], bytes]] = {}  # what may run in another process
    if "html" in formats:
        jobs[names["html"]] = lambda: render_html(briefing, options=options).encode("utf-8")
    here: dict[str, Callable[[], bytes]] = {}  # what runs in this process, after the first PDF
    if "json" in formats:
        here[names["json"]] = partial(render_json, briefing)
    pdfs = pdf_names(briefing, pdf_mode) if "pdf" in formats else {}
    printed = list(pdfs.items())
    for lang, name in printed[1:]:  # per-language PDFs after the first: whole documents, elsewhere
        jobs[name] = partial(briefing_pdf, briefing, [lang], options)
    with _beside(jobs, parallel and bool(pdfs)) as (outputs, pool):
        for lang, name in printed[:1]:
            outputs[name] = briefing_pdf(briefing, None if lang == "*" else [lang], options, pool=pool)
        outputs.update((name, job()) for name, job in here.items())
    order = [names.get("html"), *pdfs.values(), names.get("json")]
    return {name: outputs[name] for name in order if name in outputs}


_forked_jobs: dict[str, Callable[[], bytes]] = {}  # what a forked worker runs, by name


def _run_forked_job(name: str) -> bytes:
    return _forked_jobs[name]()


@contextmanager
def _beside(jobs: dict[str, Callable[[], bytes]], parallel: bool) -> Iterator[tuple[dict[str, bytes], Executor | None]]:
    """Runs `jobs` (name -> bytes) in two forked processes while the `with` body runs here, and yields the dict
    of results (filled once the body is done) and the pool, for the body to share work with (`briefing_pdf`).
    Without `parallel`, or where processes cannot be forked, the jobs run here after the body, and no pool."""
    results: dict[str, bytes] = {}
    if not parallel or not can_fork():
        yield results, None
        results.update((name, job()) for name, job in jobs.items())
        return
    global _forked_jobs
    _forked_jobs = jobs
    try:
        with forked_pool(2) as pool:
            futures = {name: pool.submit(_run_forked_job, name) for name in jobs}
            yield results, pool
            results.update((name, future.result()) for name, future in futures.items())
    finally:
        _forked_jobs = {}
