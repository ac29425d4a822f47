"""Stage 5, translate: the Arabic headline and summary of each story into the other editions.

Entry point: `translate_story(story, languages, translator) -> Story`; `translate_stories` does the same for
a whole day in one model call per language (the pipeline uses it; only the first `max_stories` are
translated). Backends implement the small `Translator` protocol and are chosen by name from `TRANSLATORS`;
`make_translator` wraps the argos one in `CachingTranslator` (SQLite, `digest.translate.cache`). Names and numbers
never depend on the model:

1. protect   the story's actor names (canonical and variants), venue and country, every name the gazetteer
             knows, dates and figures are replaced by placeholders (``ZX1``, ``ZX2``... per sentence: Latin
             letters and digits, which sentencepiece vocabularies hold and translation models copy through);
2. translate the protected sentences, in batches (argos: ar→target directly, else ar→en→target);
3. restore   each placeholder by the canonical form in the target language (gazetteer names, Babel dates);
             a sentence whose placeholders did not all come back is translated again with those forms
             written inline (kept if they all come out), else unprotected; the edition's
             `TranslationStatus.detail` says how many sentences took each way and which names went unchecked.

The argos backend runs the package's CTranslate2 model and sentencepiece directly on our sentences
(argostranslate's own sentence splitter would download a model on first use); it opens no socket.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date, datetime
from typing import Any

from digest.document import Story, SummarySentence, TranslationStatus
from digest.errors import ModelError
from digest.options import TranslateOptions
from digest.translate.compose import compose_headline
from digest.translate.engines import (
    ArgosTranslator,
    CachingTranslator,
    IdentityTranslator,
    ModelMissing,
    Translator,
    describe,
    make_translator,
)
from digest.translate.packages import INSTALL_HINT, SOURCE

__all__ = [
    "ArgosTranslator",
    "CachingTranslator",
    "Glossary",
    "IdentityTranslator",
    "Protected",
    "Translator",
    "make_translator",
    "protect",
    "restore",
    "translate_stories",
    "translate_story",
]
from digest.translate.placeholders import Glossary, Protected, check_template, form_in, protect, restore


def reference_date(story: Story) -> date | None:
    """The date year-less dates of a story are resolved against: its event date, else its newest article's."""
    if story.event_date is not None:
        return story.event_date
    published = [a.published for a in story.articles if isinstance(a.published, datetime)]
    return max(published).date() if published else None


def translate_story(
    story: Story,
    languages: Sequence[str],
    translator: Translator,
    options: TranslateOptions | None = None,
) -> Story:
    """The story with its headline and summary in every requested language besides Arabic."""
    return translate_stories([story], languages, translator, options)[0]


def translate_stories(
    stories: Sequence[Story],
    languages: Sequence[str],
    translator: Translator,
    options: TranslateOptions | None = None,
) -> list[Story]:
    """`translate_story` for many stories, their sentences sent to the model together (larger batches)."""
    options = options or getattr(translator, "options", None) or TranslateOptions()
    cap = options.max_stories if options.max_stories > 0 else len(stories)
    if len(stories) > cap:  # the rest say why they are Arabic only (the pipeline sorts biggest first)
        return translate_stories(stories[:cap], languages, translator, options) + [
            _beyond_cap(story, languages, translator, cap) for story in stories[cap:]
        ]
    targets = [lang for lang in languages if lang != SOURCE]
    if options.protect:
        check_template(options.placeholder)
    texts = [[story.headline.get("ar", "")] + [s.text for s in story.summary.get("ar", ())] for story in stories]
    protected: list[list[Protected]] = []
    if options.protect and targets:
        for story, story_texts in zip(stories, texts, strict=True):
            glossary, reference = Glossary.of_story(story), reference_date(story)
            protected.append([protect(t, glossary, targets, options.placeholder, reference) for t in story_texts])
    editions: dict[str, tuple[list[list[str]], list[str | None]] | TranslationStatus] = {}
    for lang in targets:
        try:
            if not translator.available(lang):
                raise ModelMissing(f"no Arabic→{lang} model installed")
            editions[lang] = _translate_all(texts, protected, lang, translator, options.placeholder)
        except ModelMissing as exc:
            editions[lang] = TranslationStatus(translator.name, "model-missing", f"{exc}; run: {INSTALL_HINT}")
        except ModelError as exc:
            editions[lang] = TranslationStatus(translator.name, "failed", str(exc))
    out = []
    for index, story in enumerate(stories):
        headline, summary, status = dict(story.headline), dict(story.summary), dict(story.translation)
        composed = set(story.composed)
        source = story.summary.get("ar", ())
        for lang, edition in editions.items():
            if isinstance(edition, TranslationStatus):
                status[lang] = edition
                summary[lang] = ()
                _compose(story, lang, headline, composed)
                continue
            translated, details = edition[0][index], edition[1][index]
            headline[lang] = translated[0]
            composed.discard(lang)
            summary[lang] = tuple(SummarySentence(t, s.sources) for t, s in zip(translated[1:], source, strict=True))
            status[lang] = TranslationStatus(translator.name, "ok", details)
        out.append(replace(story, headline=headline, summary=summary, translation=status, composed=frozenset(composed)))
    return out


def _compose(story: Story, lang: str, headline: dict[str, str], composed: set[str]) -> None:
    """No model for `lang`: the headline composed from the story's claims (`compose`), unless one is there;
    without a claim, none (the edition shows the Arabic headline as the original)."""
    if headline.get(lang):
        return
    text = compose_headline(story, lang)
    if text:
        headline[lang] = text
        composed.add(lang)


def _beyond_cap(story: Story, languages: Sequence[str], translator: Translator, cap: int) -> Story:
    headline, summary, status = dict(story.headline), dict(story.summary), dict(story.translation)
    composed = set(story.composed)
    for lang in languages:
        if lang == SOURCE:
            continue
        if translator.available(lang):
            reason = f"not translated: only the first {cap} stories are (translate.max_stories)"
            status[lang] = TranslationStatus(translator.name, "failed", reason)
        else:
            reason = f"no Arabic→{lang} model installed; run: {INSTALL_HINT}"
            status[lang] = TranslationStatus(translator.name, "model-missing", reason)
        summary[lang] = ()
        _compose(story, lang, headline, composed)
    return replace(story, headline=headline, summary=summary, translation=status, composed=frozenset(composed))


def _translate_all(
    texts: list[list[str]], protected: list[list[Protected]], target: str, translator: Translator, template: str
) -> tuple[list[list[str]], list[str | None]]:
    """Every story's texts translated in one call, and per story a note (route; what lost its protection).

    A sentence whose placeholders the model lost is tried again with the target-language names written
    inline in the Arabic (models copy Latin names through), kept only if every one of them comes out;
    failing that, it is translated as written, unprotected, and the note names what was not checked.
    """
    route = describe(translator, target)
    flat = [text for story_texts in texts for text in story_texts]
    if not protected:
        translated = translator.translate(flat, target)
        return _regroup(translated, texts), [route] * len(texts)
    flat_protected = [p for story_protected in protected for p in story_protected]
    raw = translator.translate([p.text for p in flat_protected], target)
    restored = [restore(t, p, target, template) for t, p in zip(raw, flat_protected, strict=True)]
    lost = [i for i, text in enumerate(restored) if text is None]
    unprotected: set[int] = set()
    if lost:
        inline = [restore(flat_protected[i].text, flat_protected[i], target, template) or "" for i in lost]
        for i, text in zip(lost, translator.translate(inline, target), strict=True):
            forms = [form_in(f, target) for f in flat_protected[i].forms]
            if all(form in text for form in forms):
                restored[i] = text
            else:
                unprotected.add(i)
    if unprotected:
        order = sorted(unprotected)
        for i, text in zip(order, translator.translate([flat_protected[i].source for i in order], target), strict=True):
            restored[i] = text
    lost_set = set(lost)
    notes: list[str | None] = []
    at = 0
    for story_protected in protected:
        indices = range(at, at + len(story_protected))
        at += len(story_protected)
        inlined = sum(1 for i in indices if i in lost_set and i not in unprotected)
        bare = [flat_protected[i] for i in indices if i in unprotected]
        parts = [route] if route else []
        if inlined:
            parts.append(f"{inlined} of {len(indices)} sentences: placeholders lost, names given inline and checked")
        if bare:
            names = sorted({name for p in bare for name in p.names})
            parts.append(
                f"{len(bare)} of {len(indices)} sentences translated without name protection "
                f"(placeholders lost by the model; names not checked: {', '.join(names) or 'none'})"
            )
        notes.append("; ".join(parts) or None)
    return _regroup([t or "" for t in restored], texts), notes


def _regroup(flat: Sequence[Any], shape: Sequence[Sequence[Any]]) -> list[list[Any]]:
    out, at = [], 0
    for group in shape:
        out.append(list(flat[at : at + len(group)]))
        at += len(group)
    return out
