"""Stage 5, translate: the Arabic headline and summary of each story into the other editions.

Entry point: `translate_story(story, languages, translator) -> Story`. Backends implement the small
`Translator` protocol and are chosen by name from `TRANSLATORS`. Names, places and figures never depend on
the model: actors, roles, venue and conflicts already carry their English and Spanish forms from the
gazetteer and lexicons.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Protocol

from digest.errors import ConfigError
from digest.model import Story, SummarySentence, TranslationStatus
from digest.options import TranslateOptions


class ModelMissing(Exception):
    """No installed model translates this pair (not an error: the edition says so)."""


class Translator(Protocol):
    """Translates Arabic sentences into one target language."""

    name: str

    def available(self, target: str) -> bool:
        """Whether a model for ar→target is installed."""
        ...

    def translate(self, sentences: Sequence[str], target: str) -> list[str]:
        """One translation per sentence, in order; raises `ModelMissing` when `available` is False."""
        ...


class IdentityTranslator:
    """Returns the text unchanged: for tests of the wiring and for Arabic-only runs."""

    name = "identity"

    def __init__(self, options: TranslateOptions | None = None) -> None:
        self.options = options

    def available(self, target: str) -> bool:
        return True

    def translate(self, sentences: Sequence[str], target: str) -> list[str]:
        return list(sentences)


class MissingTranslator:
    """Stands in when no translation engine is installed: every edition reports `model-missing`."""

    name = "argos"

    def __init__(self, options: TranslateOptions | None = None) -> None:
        self.options = options

    def available(self, target: str) -> bool:
        return False

    def translate(self, sentences: Sequence[str], target: str) -> list[str]:
        raise ModelMissing(f"no ar→{target} model installed")


TRANSLATORS: dict[str, type] = {"identity": IdentityTranslator, "argos": MissingTranslator}

INSTALL_HINT = "digest models install"


def make_translator(options: TranslateOptions) -> Translator:
    """The translator named in the options."""
    try:
        factory = TRANSLATORS[options.engine]
    except KeyError:
        raise ConfigError(
            f"unknown translation engine {options.engine!r}; choose one of {', '.join(TRANSLATORS)}"
        ) from None
    translator: Translator = factory(options)
    return translator


def translate_story(story: Story, languages: Sequence[str], translator: Translator) -> Story:
    """The story with its headline and summary in every requested language besides Arabic."""
    headline = dict(story.headline)
    summary = dict(story.summary)
    status = dict(story.translation)
    source = list(story.summary.get("ar", ()))
    for lang in languages:
        if lang == "ar":
            continue
        if not translator.available(lang):
            status[lang] = TranslationStatus(
                translator.name, "model-missing", f"no Arabic→{lang} model installed; run: {INSTALL_HINT}"
            )
            summary[lang] = ()
            headline.setdefault(lang, "")
            continue
        try:
            texts = translator.translate([story.headline.get("ar", "")] + [s.text for s in source], lang)
        except ModelMissing as exc:
            status[lang] = TranslationStatus(translator.name, "model-missing", f"{exc}; run: {INSTALL_HINT}")
            summary[lang] = ()
            headline.setdefault(lang, "")
            continue
        headline[lang] = texts[0]
        summary[lang] = tuple(SummarySentence(t, s.sources) for t, s in zip(texts[1:], source, strict=True))
        status[lang] = TranslationStatus(translator.name, "ok", None)
    return replace(story, headline=headline, summary=summary, translation=status)
