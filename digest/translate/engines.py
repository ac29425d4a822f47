"""Translation backends behind one small protocol: identity, argos (CTranslate2 + sentencepiece), and a
caching wrapper (SQLite, `digest.translate.cache`); `make_translator` picks one by name."""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol

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
