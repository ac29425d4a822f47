"""Translation: protection of names and figures, the argos backend on a real tiny package, the cache.

The packages are built by `tests/argos_package.py` (real sentencepiece + CTranslate2, hand-set weights) and
installed with argostranslate's own installer into a temporary folder. The ``copy`` package "translates" a
sentence into itself, so what comes out shows exactly what the wiring did with placeholders and names.
"""

from __future__ import annotations

import re
import socket
import sqlite3
import unicodedata
from datetime import date, datetime
from pathlib import Path

import pytest

from digest import pipeline, translate
from digest.document import Actor, Article, Story, SummarySentence, Venue
from digest.errors import ConfigError
from digest.options import Options, RenderOptions, TranslateOptions
from digest.translate import packages as models
from digest.translate.cache import TranslationCache
from tests.argos_package import build_package, train_sentencepiece
from tests.conftest import SAMPLES, json_of


def whole_word(name: str, text: str) -> bool:
    """`name` written in `text` as a word of its own, perhaps after a conjunction or preposition."""
    return re.search(rf"(?<!\w)[وفبلك]{{0,2}}{re.escape(name)}(?!\w)", text) is not None


def nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


BOURITA = {"ar": "ناصر بوريطة", "en": "Nasser Bourita", "es": "Nasser Bourita"}
BLINKEN = {"ar": "أنتوني بلينكن", "en": "Antony Blinken", "es": "Antony Blinken"}
MARRAKESH = {"ar": "مراكش", "en": "Marrakesh", "es": "Marrakech"}
MOROCCO = {"ar": "المغرب", "en": "Morocco", "es": "Marruecos"}


@pytest.fixture(scope="session")
def spm_model() -> bytes:
    lines = [line for path in sorted(SAMPLES.glob("*.txt")) for line in path.read_text("utf-8").splitlines()]
    return train_sentencepiece(lines)


SPECS = {
    "ar_en": ("ar", "en", "copy"),
    "en_es": ("en", "es", "copy"),
    "ar_es": ("ar", "es", "copy"),
    "ar_en_nodigits": ("ar", "en", "no-digits"),
    "ar_en_noise": ("ar", "en", "noise"),
}


class Archives(dict):
    """The test packages, each built on first use and kept for the session."""

    def __init__(self, folder: Path, spm_model: bytes) -> None:
        super().__init__()
        self.folder, self.spm_model = folder, spm_model

    def __missing__(self, name: str) -> Path:
        source, target, behaviour = SPECS[name]
        path = self.folder / f"{name}.argosmodel"
        self[name] = build_package(path, (), source, target, behaviour, sentencepiece_model=self.spm_model)
        return self[name]


@pytest.fixture(scope="session")
def archives(tmp_path_factory: pytest.TempPathFactory, spm_model: bytes) -> Archives:
    """copy ar→en, en→es, ar→es; no-digits ar→en; noise ar→en."""
    return Archives(tmp_path_factory.mktemp("argosmodels"), spm_model)


@pytest.fixture(scope="session")
def pivot_models(tmp_path_factory: pytest.TempPathFactory, archives: Archives) -> Path:
    """ar→en and en→es installed with argostranslate's installer: English direct, Spanish through English."""
    folder = tmp_path_factory.mktemp("models-pivot")
    models.install_files([archives["ar_en"], archives["en_es"]], folder)
    return folder


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """Any attempt to open a connection fails the test (and is recorded)."""
    attempts: list[object] = []

    def refuse(*args: object, **kwargs: object) -> None:
        attempts.append(args)
        raise OSError(101, "Network is unreachable (blocked by the test)")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    return attempts


def story(*sentences: str, headline: str = "بوريطة يستقبل بلينكن في مراكش") -> Story:
    published = datetime(2022, 5, 11, 9, 0)
    return Story(
        id="s-test",
        headline={"ar": headline},
        articles=(Article(id="a1", text="", published=published),),
        summary={"ar": tuple(SummarySentence(s, ("a1",)) for s in sentences)},
        actors=(
            Actor(name=BOURITA, kind="person", role={}, variants=("بوريطة", "ناصر بوريطة")),
            Actor(name=BLINKEN, kind="person", role={}, variants=("بلينكن",)),
        ),
        venue=Venue(name=MARRAKESH, country=MOROCCO),
        event_date=date(2022, 5, 11),
    )


SENTENCES = (
    "ترأس ناصر بوريطة اجتماع التحالف الدولي ضد داعش في مراكش يوم 11 ماي 2022 بحضور 84 دولة.",
    "وقال لبلينكن إن المغرب شريك، وأضاف بوريطة أن 1٫5 مليار دولار رصدت.",
)


# --- protection -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected", "forms_en"),
    [
        ("استقبل بوريطة الوزير", "استقبل ZX1 الوزير", ["Nasser Bourita"]),
        ("وقال ناصر بوريطة", "وقال ZX1", ["Nasser Bourita"]),  # the longest name wins
        ("وبوريطة ولبلينكن", "و ZX1 ول ZX2", ["Nasser Bourita", "Antony Blinken"]),  # proclitics kept
        ("بوريطةهم", "بوريطةهم", []),  # not a whole word
        ("في 11 ماي 2022 حضر 84 وفدا", "في ZX1 حضر ZX2 وفدا", ["May 11, 2022", "84"]),
        ("يوم ١١ ماي", "يوم ZX1", ["May 11"]),
        ("رصد 1٫5 مليار", "رصد ZX1 مليار", ["1.5"]),
        ("أمس في المغرب", "أمس في ZX1", ["Morocco"]),  # relative dates stay words
        ("لا شيء هنا", "لا شيء هنا", []),
        # Names the gazetteer knows, outside the story's actors; their proclitics stay in the Arabic.
        ("وصل بمراكش قادما من الرباط", "وصل ب ZX1 قادما من ZX2", ["Marrakesh", "Rabat"]),
        ("وللمغرب دور", "ول ZX1 دور", ["Morocco"]),
    ],
)
def test_protect_replaces_names_dates_and_figures(text: str, expected: str, forms_en: list[str]) -> None:
    glossary = translate.Glossary.of_story(story())
    protected = translate.protect(text, glossary, ["en", "es"], reference=date(2022, 5, 11))
    assert protected.text == expected
    assert [f["en"] for f in protected.forms] == forms_en


def test_protect_gives_each_language_its_own_form() -> None:
    protected = translate.protect(SENTENCES[1], translate.Glossary.of_story(story()), ["en", "es"])
    assert [f["es"] for f in protected.forms] == ["Antony Blinken", "Marruecos", "Nasser Bourita", "1,5"]
    dated = translate.protect("في 11 ماي 2022", translate.Glossary([]), ["es"])
    assert dated.forms[0]["es"] == "11 de mayo de 2022"


@pytest.mark.parametrize(
    ("output", "restored"),
    [
        ("ZX1 met ZX2 in ZX3.", "Nasser Bourita met Antony Blinken in Marrakesh."),
        ("zx1 met ZX 2 in ZX3.", "Nasser Bourita met Antony Blinken in Marrakesh."),  # case and a space
        ("ZX3: ZX2 and ZX1 met.", "Marrakesh: Antony Blinken and Nasser Bourita met."),  # order may change
        ("ZX1 met ZX2.", None),  # one lost
        ("ZX1 met ZX2 in ZX4.", None),  # one mangled
        ("ZX1 met ZX2 in ZX31.", None),
    ],
)
def test_restore_checks_every_placeholder(output: str, restored: str | None) -> None:
    protected = translate.Protected("", "", (BOURITA, BLINKEN, MARRAKESH), ("", "", ""))
    assert translate.restore(output, protected, "en") == restored


def test_placeholders_pass_through_sentencepiece(spm_model: bytes) -> None:
    import sentencepiece

    processor = sentencepiece.SentencePieceProcessor(model_proto=spm_model)
    protected = translate.protect(SENTENCES[0], translate.Glossary.of_story(story()), ["en"])
    pieces = processor.encode(protected.text, out_type=str)
    assert processor.unk_id() not in processor.encode(protected.text)
    assert processor.decode_pieces(pieces) == protected.text
    assert translate.restore(processor.decode_pieces(pieces), protected, "en") is not None


@pytest.mark.parametrize("template", ["{n}", "Z{n}Z{n}", "<x{n}>", "ZX"])
def test_a_bad_placeholder_template_is_a_config_error(template: str) -> None:
    with pytest.raises(ConfigError, match="placeholder"):
        translate.translate_story(
            story(*SENTENCES), ["ar", "en"], translate.IdentityTranslator(), TranslateOptions(placeholder=template)
        )


# --- the argos backend on real packages -------------------------------------------------------------


def test_pivot_translation_restores_every_name(pivot_models: Path, tmp_path: Path, no_network: list) -> None:
    argos = translate.ArgosTranslator(TranslateOptions(), pivot_models)
    translator = translate.CachingTranslator(argos, TranslationCache(tmp_path / "cache.sqlite"))
    result = translate.translate_story(story(*SENTENCES), ["ar", "en", "es"], translator)
    assert result.translation["en"].status == "ok"
    assert "ar→en direct" in (result.translation["en"].detail or "")
    assert "ar→en→es pivot" in (result.translation["es"].detail or "")
    # The copy model keeps the Arabic words; every protected item comes back in canonical form.
    assert result.headline["en"] == "Nasser Bourita يستقبل Antony Blinken في Marrakesh"
    assert result.headline["es"] == "Nasser Bourita يستقبل Antony Blinken في Marrakech"
    en, es = (tuple(s.text for s in result.summary[lang]) for lang in ("en", "es"))
    assert "Nasser Bourita" in en[0] and "May 11, 2022" in en[0] and "84" in en[0] and "Marrakesh" in en[0]
    assert "11 de mayo de 2022" in es[0] and "Marrakech" in es[0]
    assert "ل Antony Blinken" in en[1] and "Morocco" in en[1] and "1.5" in en[1] and "1,5" in es[1]
    assert all("ZX" not in text for text in en + es)
    assert [s.sources for s in result.summary["es"]] == [("a1",), ("a1",)]
    assert no_network == []
    assert argos.sentences == 3 + 3  # headline and two sentences, for each edition
    assert translator.misses == 6 and translator.hits == 0


def test_second_run_translates_nothing(pivot_models: Path, tmp_path: Path) -> None:
    cache_file = tmp_path / "cache.sqlite"
    first = translate.CachingTranslator(
        translate.ArgosTranslator(TranslateOptions(), pivot_models), TranslationCache(cache_file)
    )
    expected = translate.translate_story(story(*SENTENCES), ["ar", "en", "es"], first)
    argos = translate.ArgosTranslator(TranslateOptions(), pivot_models)
    second = translate.CachingTranslator(argos, TranslationCache(cache_file))
    again = translate.translate_story(story(*SENTENCES), ["ar", "en", "es"], second)
    assert again == expected
    assert argos.sentences == 0 and second.translated_sentences == 0
    assert second.hits == 6 and second.misses == 0 and second.stats()["hit_rate"] == 1.0


def test_a_new_setting_or_package_version_is_not_served_from_the_cache(pivot_models: Path, tmp_path: Path) -> None:
    cache = TranslationCache(tmp_path / "cache.sqlite")
    translate.CachingTranslator(translate.ArgosTranslator(TranslateOptions(), pivot_models), cache).translate(
        ["مراكش"], "en"
    )
    wider = translate.CachingTranslator(translate.ArgosTranslator(TranslateOptions(beam_size=4), pivot_models), cache)
    wider.translate(["مراكش"], "en")
    assert wider.misses == 1
    assert "translate-ar_en-0_1@0.1" in wider.fingerprint("en")


def test_direct_spanish_is_preferred_to_the_pivot(tmp_path: Path, archives: Archives) -> None:
    models.install_files([archives["ar_en"], archives["en_es"], archives["ar_es"]], tmp_path)
    argos = translate.ArgosTranslator(TranslateOptions(), tmp_path)
    assert argos.route("es").kind == "direct"
    result = translate.translate_story(story(*SENTENCES), ["ar", "es"], argos)
    assert result.headline["es"] == "Nasser Bourita يستقبل Antony Blinken في Marrakech"
    assert argos.sentences == 3


def test_lost_placeholders_fall_back_and_say_so(tmp_path: Path, archives: Archives) -> None:
    models.install_files([archives["ar_en_nodigits"]], tmp_path)
    argos = translate.ArgosTranslator(TranslateOptions(), tmp_path)
    result = translate.translate_story(story(*SENTENCES, headline="اجتماع بلا أسماء"), ["ar", "en"], argos)
    status = result.translation["en"]
    assert status.status == "ok"
    assert "2 of 3 sentences translated without name protection" in (status.detail or "")
    assert "بوريطة" in (status.detail or "")
    # The unprotected retranslation is the model's own output: no placeholder left in the text.
    assert all("ZX" not in s.text for s in result.summary["en"])
    # Tried three times: with placeholders, with the names inline (the digits cannot come out), as written.
    assert argos.sentences == 3 + 2 + 2
    assert "names given inline" not in (status.detail or "")


def test_nonsense_output_is_kept_clean(tmp_path: Path, archives: Archives) -> None:
    models.install_files([archives["ar_en_noise"]], tmp_path)
    result = translate.translate_story(
        story(*SENTENCES), ["ar", "en"], translate.ArgosTranslator(TranslateOptions(max_decoding_length=40), tmp_path)
    )
    texts = [result.headline["en"], *(s.text for s in result.summary["en"])]
    assert result.translation["en"].status == "ok"
    assert all(not any(ord(c) < 32 for c in text) for text in texts)


def test_missing_model_reports_model_missing_with_the_command(tmp_path: Path) -> None:
    argos = translate.ArgosTranslator(TranslateOptions(), tmp_path / "empty")
    cached = translate.CachingTranslator(argos, TranslationCache(tmp_path / "cache" / "t.sqlite"))
    result = translate.translate_story(story(*SENTENCES), ["ar", "en", "es"], cached)
    for lang in ("en", "es"):
        assert result.translation[lang].status == "model-missing"
        assert "digest models install" in (result.translation[lang].detail or "")
        assert result.summary[lang] == ()
    assert not (tmp_path / "empty").exists() and not (tmp_path / "cache").exists()  # no side effects


def test_a_broken_model_fails_that_edition_only(tmp_path: Path, archives: Archives) -> None:
    models.install_files([archives["ar_en"]], tmp_path)
    (tmp_path / "translate-ar_en-0_1" / "model" / "model.bin").write_bytes(b"not a model")
    result = translate.translate_story(story(*SENTENCES), ["ar", "en"], translate.ArgosTranslator(None, tmp_path))
    assert result.translation["en"].status == "failed"
    assert "digest models install" in (result.translation["en"].detail or "")


def test_unknown_engine_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="unknown translation engine"):
        translate.make_translator(TranslateOptions(engine="deepl"))


def test_make_translator_caches_argos_only() -> None:
    assert isinstance(translate.make_translator(TranslateOptions()), translate.CachingTranslator)
    assert isinstance(translate.make_translator(TranslateOptions(cache=False)), translate.ArgosTranslator)
    assert isinstance(translate.make_translator(TranslateOptions(engine="identity")), translate.IdentityTranslator)


# --- the full pipeline ------------------------------------------------------------------------------


def test_build_translates_the_samples_offline_and_then_from_the_cache(
    pivot_models: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, no_network: list
) -> None:
    monkeypatch.setenv("DIGEST_MODELS_DIR", str(pivot_models))
    monkeypatch.setenv("DIGEST_CACHE_DIR", str(tmp_path / "cache"))
    options = Options(render=RenderOptions(formats=("json",)))
    first = translate.make_translator(options.translate)
    data = json_of(pipeline.build([SAMPLES], tmp_path / "one", options, translator=first))
    assert no_network == []
    stories = [s for s in data["stories"] if s["summary"]["ar"]]
    assert stories
    checked = 0
    for item in stories:
        for lang in ("en", "es"):
            assert item["translation"][lang]["status"] == "ok"
            assert len(item["summary"][lang]) == len(item["summary"]["ar"])
            texts = [item["headline"][lang], *(s["text"] for s in item["summary"][lang])]
            assert not any("ZX" in text for text in texts)
        # The copy model gives back its input: each edition is exactly the protected Arabic, restored.
        parsed = Story.from_dict(item)
        glossary = translate.Glossary.of_story(parsed)
        arabic = [item["headline"]["ar"], *(s["text"] for s in item["summary"]["ar"])]
        for lang in ("en", "es"):
            expected = [
                translate.restore(p.text, p, lang)
                for p in (
                    translate.protect(t, glossary, ["en", "es"], reference=translate.reference_date(parsed))
                    for t in arabic
                )
            ]
            got = [item["headline"][lang], *(s["text"] for s in item["summary"][lang])]
            assert [nfkc(t) for t in got] == [nfkc(t or "") for t in expected]  # sentencepiece applies NFKC
        # Every actor named in an Arabic sentence (not as part of a longer name) is in its translation.
        for actor in item["actors"]:
            longer = [n for a in item["actors"] for n in [a["name"]["ar"], *a["variants"]] if a is not actor]
            for ar_sentence, en_sentence in zip(item["summary"]["ar"], item["summary"]["en"], strict=True):
                text = ar_sentence["text"]
                for name in sorted(longer, key=len, reverse=True):
                    text = text.replace(name, " ") if len(name) > len(actor["name"]["ar"]) else text
                if any(v and whole_word(v, text) for v in [actor["name"]["ar"], *actor["variants"]]):
                    assert actor["name"]["en"] in en_sentence["text"]
                    checked += 1
    assert first.misses > 0 and checked > 0
    second = translate.make_translator(options.translate)
    again = json_of(pipeline.build([SAMPLES], tmp_path / "two", options, translator=second))
    assert second.translated_sentences == 0 and second.misses == 0 and second.hits == first.misses + first.hits
    assert again["stories"] == data["stories"]


# --- the cache --------------------------------------------------------------------------------------


def test_cache_round_trip_and_concurrent_writers(tmp_path: Path) -> None:
    path = tmp_path / "c" / "t.sqlite"
    one, two = TranslationCache(path), TranslationCache(path)
    one.put_many("e", "en", {"مرحبا": "hello", "شكرا": "thanks"})
    two.put_many("e", "en", {"مرحبا": "hi", "نعم": "yes"})  # same key from another run: first row kept
    assert one.get_many("e", "en", ["مرحبا", "نعم", "لا"]) == {"مرحبا": "hello", "نعم": "yes"}
    assert two.get_many("e", "es", ["مرحبا"]) == {}
    assert one.count() == 3
    assert sqlite3.connect(path).execute("PRAGMA journal_mode").fetchone()[0] == "wal"


@pytest.mark.parametrize("garbage", [b"this is not a database at all" * 100, b"SQLite format 3\x00" + b"\xff" * 4000])
def test_a_corrupt_cache_is_moved_aside_and_rebuilt(tmp_path: Path, garbage: bytes) -> None:
    path = tmp_path / "t.sqlite"
    path.write_bytes(garbage)
    cache = TranslationCache(path)
    assert cache.get_many("e", "en", ["مرحبا"]) == {}
    cache.put_many("e", "en", {"مرحبا": "hello"})
    assert cache.get_many("e", "en", ["مرحبا"]) == {"مرحبا": "hello"}
    assert cache.moved_aside is not None and cache.moved_aside.read_bytes() == garbage
    assert cache.disabled is None


def test_an_unusable_cache_turns_itself_off(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    cache = TranslationCache(blocker / "sub" / "t.sqlite")  # its folder cannot be created
    translator = translate.CachingTranslator(translate.IdentityTranslator(), cache)
    assert translator.translate(["مرحبا"], "en") == ["مرحبا"]
    assert cache.disabled and "not used" in cache.disabled
    assert translator.stats()["cache"] == cache.disabled


def _write_rows(path: str, worker: int) -> int:
    cache = TranslationCache(Path(path))
    for batch in range(20):
        rows = {f"جملة {i}": f"sentence {i} by {worker}" for i in range(batch * 10, batch * 10 + 15)}
        cache.put_many("e", "en", rows)
        cache.get_many("e", "en", rows)
    return 0 if cache.disabled is None else 1


def test_two_processes_share_the_cache(tmp_path: Path) -> None:
    import multiprocessing

    path = str(tmp_path / "shared.sqlite")
    with multiprocessing.get_context("fork").Pool(2) as pool:
        assert pool.starmap(_write_rows, [(path, 1), (path, 2)]) == [0, 0]
    assert TranslationCache(Path(path)).count() == 205


class DropsSecondPlaceholder:
    """A fake model that loses placeholder 2 (otherwise copies) and counts its calls."""

    name = "fake"

    def __init__(self) -> None:
        self.calls: list[int] = []

    def available(self, target: str) -> bool:
        return True

    def translate(self, sentences: list[str], target: str) -> list[str]:
        self.calls.append(len(sentences))
        return [s.replace("ZX2", "") for s in sentences]


def test_stories_are_translated_together_and_noted_one_by_one() -> None:
    fake = DropsSecondPlaceholder()
    plain = story("لا أسماء هنا.", headline="عنوان")
    named = story(SENTENCES[0], headline="لقاء بوريطة")
    results = translate.translate_stories([plain, named], ["ar", "en"], fake)
    assert fake.calls == [4, 1]  # one batch for both stories, then the one sentence that lost a placeholder
    assert results[0].translation["en"].detail is None
    detail = results[1].translation["en"].detail or ""
    assert "1 of 2 sentences: placeholders lost, names given inline and checked" in detail
    assert "without name protection" not in detail
    inline = results[1].summary["en"][0].text  # the retry with the names written in English in the Arabic
    assert "Nasser Bourita" in inline and "Marrakesh" in inline and "May 11, 2022" in inline and "ZX" not in inline
    assert results[1].headline["en"] == "لقاء Nasser Bourita"


def test_only_the_first_stories_are_translated_when_capped() -> None:
    fake = DropsSecondPlaceholder()
    stories = [story("جملة أولى.", headline=f"عنوان {i}") for i in range(3)]
    results = translate.translate_stories(stories, ["ar", "en"], fake, TranslateOptions(max_stories=2))
    assert [r.translation["en"].status for r in results] == ["ok", "ok", "failed"]
    assert "translate.max_stories" in (results[2].translation["en"].detail or "")
    assert results[2].summary["en"] == () and fake.calls == [4]


class LosesEveryName(DropsSecondPlaceholder):
    """A fake model that drops placeholders and Latin words alike."""

    def translate(self, sentences: list[str], target: str) -> list[str]:
        self.calls.append(len(sentences))
        return [re.sub(r"[A-Za-z0-9]+", "", s) for s in sentences]


def test_when_inline_names_are_lost_too_the_sentence_goes_unprotected() -> None:
    fake = LosesEveryName()
    result = translate.translate_story(story(SENTENCES[0], headline="عنوان"), ["ar", "en"], fake)
    assert fake.calls == [2, 1, 1]
    assert "1 of 2 sentences translated without name protection" in (result.translation["en"].detail or "")
    assert "ناصر بوريطة" in (result.translation["en"].detail or "")
