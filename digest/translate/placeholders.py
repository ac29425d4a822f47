"""Names, dates and figures kept out of the model: replaced by placeholders before translation, restored in
their canonical form in the target language after it (`protect`, `restore`, `Glossary`)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from digest.document import Localized, Story
from digest.errors import ConfigError
from digest.lang import arabic

# wa/fa, then bi/li/ka: glued to the name, kept before the placeholder
_PROCLITIC = f"(?:{arabic.PROCLITICS}|{arabic.CONJUNCTION}?لل)"
# Proclitics the gazetteer allows on a name's first word, as (written, kept before the placeholder, put back
# on the name): conjunction then preposition, and li + al written "لل". Longest first.
_CLITICS = sorted(
    [(c + p, c + p, "") for c in ("", "و", "ف") for p in ("", "ب", "ل", "ك") if c + p]
    + [(c + "لل", c + "ل", "ال") for c in ("", "و", "ف")],
    key=lambda clitic: -len(clitic[0]),
)
_NUMBER = re.compile(r"(?<![\w.,٫٬])[0-9٠-٩۰-۹]+(?:[.,٫٬][0-9٠-٩۰-۹]+)*(?![\w])")
_DIGITS = {**arabic.DIGITS, **str.maketrans("٫٬", ".,")}  # with the Arabic decimal and thousands separators
_YEAR = re.compile(r"[0-9٠-٩۰-۹]{4}")


@dataclass(frozen=True)
class Protected:
    """A sentence with placeholders, and the text each placeholder stands for in every target language."""

    source: str
    text: str
    forms: tuple[Localized, ...]  # forms[i] for placeholder i+1
    names: tuple[str, ...]  # the Arabic text each placeholder replaced


@dataclass(frozen=True)
class _Span:
    start: int
    end: int
    prefix: str  # a proclitic kept in the Arabic text
    forms: Localized
    name: str = ""  # the name as looked up, when it is not the text after the prefix


@lru_cache(maxsize=4)
def _placeholder_regex(template: str) -> re.Pattern[str]:
    before, _, after = template.partition("{n}")
    spaced = r"\s?".join(re.escape(c) for c in before)
    return re.compile(rf"{spaced}\s?(\d+){re.escape(after)}" if after else rf"{spaced}\s?(\d+)(?!\d)", re.IGNORECASE)


def check_template(template: str) -> None:
    if "{n}" not in template or not re.fullmatch(r"[A-Za-z]+\{n\}[A-Za-z]*", template):
        raise ConfigError(f"translate.placeholder {template!r} must be Latin letters around {{n}}, like ZX{{n}}")


class Glossary:
    """The names of one story that translation must not touch, with their forms in every language."""

    def __init__(self, entries: Sequence[tuple[str, Localized]], gazetteer: bool = False) -> None:
        self.gazetteer = gazetteer  # also every name `digest.lang.gazetteer` knows, wherever it is written
        forms: dict[str, Localized] = {}
        for surface, localized in entries:
            surface = " ".join(surface.split())
            if len(surface) >= 2 and surface not in forms:
                forms[surface] = localized
        self.forms = forms
        names = sorted(forms, key=len, reverse=True)
        body = "|".join(re.escape(n).replace(r"\ ", r"\s+") for n in names)
        self.pattern = re.compile(rf"(?<!\w)({_PROCLITIC})({body})(?!\w)") if names else None
        self._by_key = {" ".join(n.split()): n for n in names}

    @classmethod
    def of_story(cls, story: Story, gazetteer: bool = True) -> Glossary:
        entries: list[tuple[str, Localized]] = []
        for actor in story.actors:
            for surface in (actor.name.get("ar", ""), *actor.variants):
                entries.append((surface, actor.name))
        if story.venue is not None:
            for localized in (story.venue.name, story.venue.country):
                entries.append((localized.get("ar", ""), localized))
        return cls(entries, gazetteer)

    def spans(self, text: str) -> list[_Span]:
        found = self._gazetteer_spans(text) if self.gazetteer else []
        if self.pattern is None:
            return found
        for m in self.pattern.finditer(text):
            name = self._by_key.get(" ".join(m.group(2).split()), m.group(2))
            found.append(_Span(m.start(), m.end(), m.group(1), self.forms[name]))
        return found

    @staticmethod
    def _gazetteer_spans(text: str) -> list[_Span]:
        from digest.lang.gazetteer import gazetteer

        known = gazetteer()
        found = []
        for start, end, entry in known.find(text):
            written = text[start:end]
            prefix, name = "", written
            for clitic, kept, restored in _CLITICS:  # "بمراكش" is found: keep "ب" (in) before the placeholder
                if written.startswith(clitic) and known.lookup(restored + written[len(clitic) :]) == entry:
                    prefix, name = kept, restored + written[len(clitic) :]
                    break
            found.append(_Span(start, end, prefix, dict(entry.names), name))
        return found


@lru_cache(maxsize=1024)
def _date_forms(value: date, precision: str, with_year: bool, languages: tuple[str, ...]) -> Localized:
    from babel.dates import format_date, format_skeleton

    forms = {}
    for lang in languages:
        if precision == "month":
            forms[lang] = format_skeleton("yMMMM", value, locale=lang)
        elif with_year:
            forms[lang] = format_date(value, "long", locale=lang)
        else:
            forms[lang] = format_skeleton("MMMMd", value, locale=lang)
    return forms


@lru_cache(maxsize=16)
def _separators(lang: str) -> tuple[str, str]:
    from babel.numbers import get_decimal_symbol, get_group_symbol

    return get_decimal_symbol(lang), get_group_symbol(lang)


def _number_forms(written: str, languages: Sequence[str]) -> Localized:
    ascii_number = written.translate(_DIGITS)
    forms = {}
    for lang in languages:
        decimal, group = _separators(lang)
        if "٫" in written or "٬" in written:  # Arabic separators: unambiguous, so localise them
            forms[lang] = ascii_number.replace(",", "\0").replace(".", decimal).replace("\0", group)
        else:
            forms[lang] = ascii_number
    return forms


def _date_spans(text: str, reference: date | None, languages: Sequence[str]) -> list[_Span]:
    from digest.lang.dates import find_dates

    spans = []
    for found in find_dates(text, reference):
        if found.relative or found.precision not in ("day", "month") or found.time is not None:
            continue
        with_year = bool(_YEAR.search(found.text))
        spans.append(
            _Span(
                found.start, found.end, "", dict(_date_forms(found.value, found.precision, with_year, tuple(languages)))
            )
        )
    return spans


def protect(
    text: str,
    glossary: Glossary,
    languages: Sequence[str],
    template: str = "ZX{n}",
    reference: date | None = None,
) -> Protected:
    """`text` with every glossary name, date and figure replaced by a numbered placeholder."""
    spans = glossary.spans(text) + _date_spans(text, reference, languages)
    spans += [_Span(m.start(), m.end(), "", _number_forms(m.group(), languages)) for m in _NUMBER.finditer(text)]
    spans.sort(key=lambda s: (s.start, -(s.end - s.start)))
    out: list[str] = []
    forms: list[Localized] = []
    names: list[str] = []
    at = 0
    for span in spans:
        if span.start < at:
            continue  # inside a longer protected span (a figure within a date)
        placeholder = template.replace("{n}", str(len(forms) + 1))
        out.append(text[at : span.start])
        out.append(f"{span.prefix} {placeholder}" if span.prefix else placeholder)
        forms.append(span.forms)
        names.append(span.name or text[span.start + len(span.prefix) : span.end])
        at = span.end
    out.append(text[at:])
    return Protected(text, "".join(out), tuple(forms), tuple(names))


def restore(translated: str, protected: Protected, target: str, template: str = "ZX{n}") -> str | None:
    """The translation with each placeholder replaced by its target form; None when one was lost or mangled."""
    if not protected.forms:
        return translated
    pattern = _placeholder_regex(template)
    seen = {int(m.group(1)) for m in pattern.finditer(translated)}
    if seen != set(range(1, len(protected.forms) + 1)):
        return None

    return pattern.sub(lambda m: form_in(protected.forms[int(m.group(1)) - 1], target) or m.group(), translated)


def form_in(localized: Localized, target: str) -> str:
    """A protected item's text in `target`, else in English."""
    return localized.get(target) or localized.get("en") or next(iter(localized.values()), "")


# --- the stage entry point --------------------------------------------------------------------------
