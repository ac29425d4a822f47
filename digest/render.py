"""Stage 6, render: one `Briefing` into HTML, PDF and JSON.

Entry point: `render(briefing, formats) -> dict[file name, bytes]`. Templates are jinja2 files in
`templates/` (autoescaped: article text is always shown as text); dates and numbers are written by Babel
in each edition's language; labels come from `data/labels.json`. The PDF is the same HTML through
WeasyPrint, with a URL fetcher that refuses every file and network URL.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date, datetime
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import jinja2
from babel.dates import format_date, format_datetime
from babel.numbers import format_decimal

from digest.errors import ConfigError
from digest.model import Briefing, Story
from digest.resources import read_json

FORMATS = ("html", "pdf", "json")
DIRECTION = {"ar": "rtl", "en": "ltr", "es": "ltr", "fr": "ltr"}


def templates_dir() -> Path:
    """`templates/` beside the package in a checkout, or the copy installed inside the package."""
    checkout = Path(__file__).resolve().parent.parent / "templates"
    if checkout.is_dir():
        return checkout
    return Path(str(resources.files("digest").joinpath("templates")))


@lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(templates_dir()),
        autoescape=jinja2.select_autoescape(["html", "j2"], default=True),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return env


def labels(lang: str) -> dict[str, str]:
    """The interface labels of an edition."""
    table: dict[str, dict[str, str]] = read_json("labels.json")
    return table.get(lang, table["en"])


def long_date(value: date, lang: str) -> str:
    """A date as a reader of `lang` writes it in full ("Wednesday, May 11, 2022")."""
    return format_date(value, format="full", locale=lang)


def short_datetime(value: datetime | str | None, lang: str) -> str:
    """A publication time, short; the date alone when the time is midnight (often: time unknown)."""
    if value is None:
        return labels(lang)["unknown"]
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if value.hour == 0 and value.minute == 0:
        return format_date(value, format="medium", locale=lang)
    return format_datetime(value, format="medium", locale=lang)


def number(value: int, lang: str) -> str:
    return format_decimal(value, locale=lang)


def _edition_story(story: Story, lang: str, outlet_of: dict[str, str]) -> dict[str, Any]:
    """What the templates need of one story in one language."""
    status = story.translation.get(lang)
    return {
        "id": story.id,
        "headline": story.headline.get(lang) or story.headline.get("ar", ""),
        "headline_is_source": not story.headline.get(lang),
        "summary": [
            {"text": s.text, "outlets": [outlet_of.get(a, a) for a in s.sources]} for s in story.summary.get(lang, ())
        ],
        "status": status,
        "actors": [
            {
                "name": actor.name.get(lang) or actor.name.get("ar", ""),
                "role": actor.role.get(lang),
                "kind": actor.kind,
                "mentions": actor.mentions,
                "romanized": actor.romanized and lang != "ar",
            }
            for actor in story.actors
        ],
        "venue": (
            {"name": story.venue.name.get(lang, ""), "country": story.venue.country.get(lang, "")}
            if story.venue
            else None
        ),
        "event_date": long_date(story.event_date, lang) if story.event_date else None,
        "conflicts": [
            {
                "subject": c.subject.get(lang, ""),
                "attribute": c.attribute,
                "kind": c.kind,
                "claims": [
                    {
                        "value": side.value.get(lang, ""),
                        "outlets": list(side.outlets) or [outlet_of.get(a, a) for a in side.articles],
                        "published": [short_datetime(p, lang) for p in side.published],
                        "evidence": list(side.evidence),
                        "latest": side.latest,
                    }
                    for side in c.claims
                ],
            }
            for c in story.conflicts
        ],
        "articles": [
            {
                "id": a.id,
                "outlet": a.outlet,
                "title": a.title,
                "url": a.url,
                "published": short_datetime(a.published, lang),
                "copies": [c.outlet or c.id for c in a.copies],
            }
            for a in story.articles
        ],
    }


def context(briefing: Briefing, languages: Sequence[str] | None = None) -> dict[str, Any]:
    """The template context: one edition per language, each fully localised."""
    languages = list(languages or briefing.languages)
    editions = []
    for lang in languages:
        outlet_of = {a.id: a.outlet or a.id for s in briefing.stories for a in s.articles}
        editions.append(
            {
                "lang": lang,
                "dir": DIRECTION.get(lang, "ltr"),
                "labels": labels(lang),
                "date": long_date(briefing.date, lang),
                "stories": [_edition_story(s, lang, outlet_of) for s in briefing.stories],
                "read": number(briefing.inputs.read, lang),
                "duplicates": number(briefing.inputs.duplicates, lang),
                "skipped": briefing.inputs.skipped,
            }
        )
    return {"briefing": briefing, "editions": editions, "iso_date": briefing.date.isoformat()}


def render_html(briefing: Briefing, languages: Sequence[str] | None = None) -> str:
    """The briefing as one self-contained HTML page (every edition, no scripts, no external resources)."""
    return environment().get_template("briefing.html.j2").render(**context(briefing, languages))


def refuse_urls(url: str, *args: Any, **kwargs: Any) -> dict[str, Any]:
    """WeasyPrint URL fetcher that fetches nothing: a briefing never pulls files or network resources."""
    raise ValueError(f"digest does not fetch resources while rendering a PDF: {url}")


def render_pdf(html: str) -> bytes:
    """The HTML through WeasyPrint, fonts embedded, no resource fetched."""
    from weasyprint import HTML  # heavy import: only when a PDF is asked for

    pdf: bytes = HTML(string=html, base_url=None, url_fetcher=refuse_urls).write_pdf()
    return pdf


def render_json(briefing: Briefing) -> bytes:
    return (json.dumps(briefing.to_dict(), ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def output_names(briefing: Briefing, formats: Sequence[str]) -> dict[str, str]:
    return {fmt: f"briefing-{briefing.date.isoformat()}.{fmt}" for fmt in formats}


def render(briefing: Briefing, formats: Sequence[str]) -> dict[str, bytes]:
    """Every requested format, keyed by output file name."""
    unknown = [f for f in formats if f not in FORMATS]
    if unknown:
        raise ConfigError(f"unknown format {unknown[0]!r}; choose from {', '.join(FORMATS)}")
    names = output_names(briefing, formats)
    outputs: dict[str, bytes] = {}
    html = render_html(briefing) if {"html", "pdf"} & set(formats) else ""
    if "html" in formats:
        outputs[names["html"]] = html.encode("utf-8")
    if "pdf" in formats:
        outputs[names["pdf"]] = render_pdf(html)
    if "json" in formats:
        outputs[names["json"]] = render_json(briefing)
    return outputs
