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

import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol

from digest.document import Localized, Story, SummarySentence, TranslationStatus
from digest.errors import ConfigError, ModelError
from digest.options import TranslateOptions
from digest.translate.cache import TranslationCache
from digest.translate.packages import INSTALL_HINT, SOURCE, InstalledPackage, Route, find_route, installed_packages


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


def describe(translator: Translator, target: str) -> str | None:
    """What the translator uses for `target` (route, packages), if it says."""
    method = getattr(translator, "describe", None)
    return method(target) if callable(method) else None


def fingerprint(translator: Translator, target: str) -> str:
    """What the output depends on (engine, packages and versions, decoding settings): the cache key."""
    method = getattr(translator, "fingerprint", None)
    return method(target) if callable(method) else translator.name


class IdentityTranslator:
    """Returns the text unchanged: for tests of the wiring and for Arabic-only runs."""

    name = "identity"

    def __init__(self, options: TranslateOptions | None = None) -> None:
        self.options = options

    def available(self, target: str) -> bool:
        return True

    def translate(self, sentences: Sequence[str], target: str) -> list[str]:
        return list(sentences)


# --- argos: CTranslate2 + sentencepiece on our own sentences -------------------------------------------

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffd]")


class _Engine:
    """One loaded package: its CTranslate2 translator and its tokenizer."""

    def __init__(self, package: InstalledPackage, options: TranslateOptions) -> None:
        import ctranslate2

        self.package = package
        self.options = options
        try:
            self.model = ctranslate2.Translator(
                str(package.path / "model"),
                device="cpu",
                compute_type=options.compute_type,
                inter_threads=1,
                intra_threads=max(0, options.threads),
            )
        except (RuntimeError, ValueError, OSError) as exc:
            raise ModelError(
                f"cannot load the translation model {package.path}: {exc}; reinstall it with: {INSTALL_HINT} FILE"
            ) from None
        self._encode, self._decode = self._tokenizer(package)

    @staticmethod
    def _tokenizer(package: InstalledPackage) -> tuple[Callable[[str], list[str]], Callable[[list[str]], str]]:
        assert package.tokenizer is not None
        if package.tokenizer.name == "bpe.model":
            from argostranslate.tokenizer import BPETokenizer  # Moses + BPE: only older argos packages

            bpe = BPETokenizer(package.tokenizer, package.source, package.target)
            return bpe.encode, bpe.decode
        import sentencepiece

        try:
            processor = sentencepiece.SentencePieceProcessor(model_file=str(package.tokenizer))
        except (RuntimeError, OSError) as exc:
            raise ModelError(f"cannot read {package.tokenizer}: {exc}; reinstall the package") from None
        return (lambda text: processor.encode(text, out_type=str)), processor.decode_pieces

    def translate(self, sentences: Sequence[str]) -> list[str]:
        tokens = [self._encode(s) for s in sentences]
        prefix = [[self.package.target_prefix]] * len(tokens) if self.package.target_prefix else None
        results = self.model.translate_batch(
            tokens,
            target_prefix=prefix,
            beam_size=max(1, self.options.beam_size),
            max_batch_size=max(1, self.options.batch_size),
            batch_type="examples",
            max_decoding_length=self.options.max_decoding_length,
            replace_unknowns=True,
        )
        out = []
        for result in results:
            pieces = result.hypotheses[0]
            if prefix and pieces and pieces[0] == self.package.target_prefix:
                pieces = pieces[1:]
            out.append(" ".join(_CONTROL.sub("", self._decode(pieces)).split()))  # one line, as the source
        return out


def _model_stamp(package: InstalledPackage) -> tuple[int, int]:
    """Changes when the package is reinstalled: a loaded model is reused only while this holds."""
    try:
        stat = (package.path / "model" / "model.bin").stat()
    except OSError:
        return (0, 0)
    return (stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=8)
def _load_engine(package: InstalledPackage, stamp: tuple[int, int], options: TranslateOptions) -> _Engine:
    """Loaded models, shared by every translator of the process (loading takes a second or more)."""
    return _Engine(package, options)


class ArgosTranslator:
    """Argos packages installed in `digest.translate.packages.models_dir()`: ar→target directly, else through the pivot.

    Models load on first use. `sentences` and `seconds` count what the models did (for `digest bench`).
    """

    name = "argos"
    cacheable = True

    def __init__(self, options: TranslateOptions | None = None, directory: Path | None = None) -> None:
        self.options = options or TranslateOptions()
        self.directory = directory
        self._packages: tuple[InstalledPackage, ...] | None = None
        self.sentences = 0
        self.seconds = 0.0

    def route(self, target: str) -> Route:
        if self._packages is None:
            self._packages = installed_packages(self.directory)
        return find_route(self._packages, target, SOURCE, self.options.pivot)

    def available(self, target: str) -> bool:
        return bool(self.route(target).hops)

    def describe(self, target: str) -> str:
        return self.route(target).describe()

    def fingerprint(self, target: str) -> str:
        hops = "+".join(h.label for h in self.route(target).hops) or "none"
        o = self.options
        return f"argos:{hops}:beam={o.beam_size}:ct={o.compute_type}:max={o.max_decoding_length}"

    def _engine(self, package: InstalledPackage) -> _Engine:
        return _load_engine(package, _model_stamp(package), self.options)

    def translate(self, sentences: Sequence[str], target: str) -> list[str]:
        route = self.route(target)
        if not route.hops:
            raise ModelMissing(f"no {SOURCE}→{target} model installed")
        texts = list(sentences)
        todo = [i for i, text in enumerate(texts) if text.strip()]
        if not todo:
            return texts
        started = time.perf_counter()
        batch = [texts[i] for i in todo]
        for hop in route.hops:
            batch = self._engine(hop).translate(batch)
        self.seconds += time.perf_counter() - started
        self.sentences += len(todo)
        for i, text in zip(todo, batch, strict=True):
            texts[i] = text
        return texts


# --- the cache wrapper ------------------------------------------------------------------------------


class CachingTranslator:
    """Any `Translator`, with its translations kept on disk (`digest.translate.cache.TranslationCache`).

    Counters for `digest bench`: `hits` and `misses` (sentences found / not found in the cache),
    `translated_sentences` and `seconds` (what the wrapped translator did).
    """

    def __init__(self, inner: Translator, cache: TranslationCache | None = None) -> None:
        self.inner = inner
        self.name = inner.name
        self.options = getattr(inner, "options", None)
        self.cache = cache if cache is not None else TranslationCache()
        self.hits = 0
        self.misses = 0
        self.translated_sentences = 0
        self.seconds = 0.0

    def available(self, target: str) -> bool:
        return self.inner.available(target)

    def describe(self, target: str) -> str | None:
        return describe(self.inner, target)

    def fingerprint(self, target: str) -> str:
        return fingerprint(self.inner, target)

    def translate(self, sentences: Sequence[str], target: str) -> list[str]:
        if not self.inner.available(target):
            raise ModelMissing(f"no {SOURCE}→{target} model installed")
        key = self.fingerprint(target)
        wanted = list(dict.fromkeys(s for s in sentences if s.strip()))
        found = self.cache.get_many(key, target, wanted)
        missing = [s for s in wanted if s not in found]
        if missing:
            started = time.perf_counter()
            translated = self.inner.translate(missing, target)
            self.seconds += time.perf_counter() - started
            self.translated_sentences += len(missing)
            new = dict(zip(missing, translated, strict=True))
            self.cache.put_many(key, target, new)
            found.update(new)
        fresh = set(missing)
        asked = [s for s in sentences if s.strip()]
        self.misses += sum(1 for s in asked if s in fresh)
        self.hits += sum(1 for s in asked if s not in fresh)
        return [found.get(s, s) for s in sentences]

    def stats(self) -> dict[str, Any]:
        """Cache hit rate and model speed, as plain data."""
        asked = self.hits + self.misses
        return {
            "hits": self.hits,
            "misses": self.misses,
            "hit_rate": round(self.hits / asked, 3) if asked else None,
            "translated_sentences": self.translated_sentences,
            "seconds": round(self.seconds, 3),
            "sentences_per_second": round(self.translated_sentences / self.seconds, 2) if self.seconds else None,
            "cache": self.cache.disabled or str(self.cache.path),
        }


TRANSLATORS: dict[str, type] = {"identity": IdentityTranslator, "argos": ArgosTranslator}


def make_translator(options: TranslateOptions) -> Translator:
    """The translator named in the options, behind the on-disk cache when it is a model and caching is on."""
    try:
        factory = TRANSLATORS[options.engine]
    except KeyError:
        raise ConfigError(
            f"unknown translation engine {options.engine!r}; choose one of {', '.join(TRANSLATORS)}"
        ) from None
    translator: Translator = factory(options)
    if options.cache and getattr(translator, "cacheable", False):
        return CachingTranslator(translator)
    return translator


# --- protection of names, dates and figures ---------------------------------------------------------

_PROCLITIC = "(?:[وف]?[بلك]?|[وف]?لل)"  # wa/fa, then bi/li/ka: glued to the name, kept before the placeholder
# Proclitics the gazetteer allows on a name's first word, as (written, kept before the placeholder, put back
# on the name): conjunction then preposition, and li + al written "لل". Longest first.
_CLITICS = sorted(
    [(c + p, c + p, "") for c in ("", "و", "ف") for p in ("", "ب", "ل", "ك") if c + p]
    + [(c + "لل", c + "ل", "ال") for c in ("", "و", "ف")],
    key=lambda clitic: -len(clitic[0]),
)
_NUMBER = re.compile(r"(?<![\w.,٫٬])[0-9٠-٩۰-۹]+(?:[.,٫٬][0-9٠-٩۰-۹]+)*(?![\w])")
_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹٫٬", "01234567890123456789.,")
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


def _check_template(template: str) -> None:
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

    return pattern.sub(lambda m: _form(protected.forms[int(m.group(1)) - 1], target) or m.group(), translated)


def _form(localized: Localized, target: str) -> str:
    """A protected item's text in `target`, else in English."""
    return localized.get(target) or localized.get("en") or next(iter(localized.values()), "")


# --- the stage entry point --------------------------------------------------------------------------


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
        _check_template(options.placeholder)
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
        source = story.summary.get("ar", ())
        for lang, edition in editions.items():
            if isinstance(edition, TranslationStatus):
                status[lang] = edition
                summary[lang] = ()
                headline.setdefault(lang, "")
                continue
            translated, details = edition[0][index], edition[1][index]
            headline[lang] = translated[0]
            summary[lang] = tuple(SummarySentence(t, s.sources) for t, s in zip(translated[1:], source, strict=True))
            status[lang] = TranslationStatus(translator.name, "ok", details)
        out.append(replace(story, headline=headline, summary=summary, translation=status))
    return out


def _beyond_cap(story: Story, languages: Sequence[str], translator: Translator, cap: int) -> Story:
    headline, summary, status = dict(story.headline), dict(story.summary), dict(story.translation)
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
        headline.setdefault(lang, "")
    return replace(story, headline=headline, summary=summary, translation=status)


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
            forms = [_form(f, target) for f in flat_protected[i].forms]
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
