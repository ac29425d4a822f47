"""Arabic text utilities: normalisation, tokens, sentences."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from digest.lang import arabic


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("أنطوني بلينكن", "انطوني بلينكن"),
        ("مُسْتَشْفَى", "مستشفي"),
        ("الإسلاميةُ", "الاسلاميه"),
        ("٢٠٢٢ ١١", "2022 11"),
        ("Albarès", "albares"),
        ("كـــورونا", "كورونا"),
    ],
)
def test_normalize(raw: str, expected: str) -> None:
    assert arabic.normalize(raw) == expected


@given(st.text())
def test_normalize_is_idempotent(text: str) -> None:
    once = arabic.normalize(text)
    assert arabic.normalize(once) == once


def test_content_tokens_drop_stop_words_and_clitics() -> None:
    tokens = arabic.content_tokens("وقال وزير الخارجية إن الاجتماع في مراكش")
    assert "مراكش" in tokens and "اجتماع" in tokens
    assert "في" not in tokens and "ان" not in tokens


def test_split_sentences_keeps_decimals_and_splits_on_arabic_question_mark() -> None:
    text = "بلغت النسبة 3.5 في المئة. هل ينعقد الاجتماع؟ نعم ينعقد غدا"
    assert arabic.split_sentences(text) == ["بلغت النسبة 3.5 في المئة.", "هل ينعقد الاجتماع؟", "نعم ينعقد غدا"]


_TOKEN_ALPHABET = st.sampled_from(
    "بلينكنالمغربداعشأإآةىيءؤئ\u064e\u0651\u0640"  # letters, harakat, tatweel
    "abcXYZéñ0123456789٠١٢٣"
    " \t\n\u00a0.,;:!?_-–—\"'«»“”()[]/@#%&*+=$€|~،؛؟…٪"
)


@given(st.text(_TOKEN_ALPHABET, max_size=80))
def test_words_are_camel_simple_word_tokenize_words(text: str) -> None:
    from camel_tools.tokenizers.word import simple_word_tokenize

    assert arabic.words(text) == [t for t in simple_word_tokenize(text) if arabic._WORD.match(t)]


def test_words_of_the_samples_are_camel_simple_word_tokenize_words() -> None:
    from camel_tools.tokenizers.word import simple_word_tokenize

    from .conftest import SAMPLES

    for path in sorted(SAMPLES.iterdir()):
        for line in path.read_text(encoding="utf-8").splitlines():
            assert arabic.words(line) == [t for t in simple_word_tokenize(line) if arabic._WORD.match(t)], line


_PLAIN_CHARS = "".join(
    chr(c) for first, end in ((0x20, 0x7F), (0x621, 0x64B), (0x660, 0x66A), (0x6F0, 0x6FA)) for c in range(first, end)
)


@given(st.text(alphabet=_PLAIN_CHARS, max_size=30))
def test_plain_text_normalises_character_by_character_as_the_full_passes_do(text: str) -> None:
    assert arabic._normalize(text) == arabic._normalize_text(text)


def test_no_pair_of_plain_characters_normalises_together() -> None:
    pairs = [a + b for a in _PLAIN_CHARS for b in _PLAIN_CHARS]
    assert [arabic._normalize(pair) for pair in pairs] == [arabic._normalize_text(pair) for pair in pairs]
