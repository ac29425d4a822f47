"""Arabic (and Latin-script) text utilities shared by every stage.

Normalisation comes from camel-tools' data-free utilities (`dediac_ar`, the `normalize_*` functions); they
never touch `camel_tools.data`, whose import creates folders in the user's home. Word tokens are those of
camel-tools' `simple_word_tokenize` (whitespace and every Unicode punctuation or symbol split), found by one
regular expression instead of its per-character loop: 4x faster, the same tokens on the 57,697 lines of
bench/stance (tests/test_arabic.py compares them).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache, partial
from itertools import compress
from operator import itemgetter

import regex
from camel_tools.utils.dediac import dediac_ar
from camel_tools.utils.normalize import (
    normalize_alef_ar,
    normalize_alef_maksura_ar,
    normalize_teh_marbuta_ar,
)

from digest.resources import read_lines
from digest.runtime.memo import PerWord

ARABIC_LETTER = re.compile(r"[\u0621-\u064A\u066E-\u06D3\u06FA-\u06FF]")
LATIN_LETTER = re.compile(r"[A-Za-z\u00C0-\u024F]")
_TATWEEL = "\u0640"
_INVISIBLE = re.compile(r"[\u200B-\u200F\u202A-\u202E\u2066-\u2069\uFEFF]")
DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
"""The one digit table: Arabic-Indic and Persian digits to ASCII (`str.translate`; same length, offsets kept)."""
# The one clitic pattern, in parts, for the regular expressions of every stage: a conjunction (wa-, fa-), then a
# preposition (bi-, li-, ka-), glued to the word they stand before; "لل" is li- with the article.
CONJUNCTION = "[وف]"
PREPOSITION = "[بلك]"
PROCLITICS = f"{CONJUNCTION}?{PREPOSITION}?"
_WORD = re.compile(r"\w+", re.UNICODE)
_TOKEN = regex.compile(r"[^\s\p{P}\p{S}]+|[\p{P}\p{S}]")  # a run of word characters, or one punctuation or symbol

# A sentence ends at . ! ? ؟ or an Arabic full stop, followed by space; or at a line break.
# Decimal points (3.5), initials and the press's ".." separator ("رسميا.. بلينكن يغيب") stay inside
# sentences; a full stop glued to the next Arabic word ("داعش.كما") still ends one, unless it follows a
# one-letter abbreviation ("د.أحمد").
_SENTENCE_END = re.compile(
    r"(?<=[.!?؟۔])(?<!\d\.)(?<!\b[A-Za-z]\.)(?<!\.\.)\s+"
    r"|(?<=[\u0621-\u064A]{2}[.!؟])(?<!\.\.)(?=[\u0621-\u064A])"
    r"|\n+"
)
_ELISION = re.compile(r"([(\[])\s*(?:(?:\.\s*){2,}|…\s*)([)\]])")
"""Words left out of a quote, "( . . . )": one mark "(…)", never the end of a sentence."""
_LINE_END = re.compile(r"[.!?؟۔:…\"”»)\]]\s*$")


def clean_invisible(text: str) -> str:
    """Drop bidi marks, zero-width characters and tatweel; unify line breaks."""
    text = _INVISIBLE.sub("", text).replace(_TATWEEL, "")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def to_ascii_digits(text: str) -> str:
    """Arabic-Indic and Persian digits to ASCII digits."""
    return text.translate(DIGITS)


def normalize(text: str) -> str:
    """Normalise Arabic for matching: no diacritics or tatweel; alef, alef maksura and teh marbuta unified.

    Latin text is lower-cased and stripped of accents. Idempotent.
    """
    # Most calls are on single words, which repeat (Zipf): those are remembered.
    return _normalize_word(text) if len(text) <= _CACHED_LENGTH else _normalize(text)


_CACHED_LENGTH = 40


def _normalize(text: str) -> str:
    if _PLAIN.fullmatch(text):  # nearly every word: one table lookup per character does the same
        return text.translate(_plain_table())
    return _normalize_text(text)


# Printable ASCII, space, the Arabic letters (tatweel included) and both sets of Arabic digits: characters that
# the passes of `_normalize_text` change one by one, never by what stands next to them (no combining mark, no
# composition), so that a text of them alone normalises character by character.
_PLAIN = re.compile(r"[ -~\u0621-\u064A\u0660-\u0669\u06F0-\u06F9]+")


@lru_cache(maxsize=1)
def _plain_table() -> dict[int, str]:
    ranges = ((0x20, 0x7F), (0x621, 0x64B), (0x660, 0x66A), (0x6F0, 0x6FA))
    table = {code: _normalize_text(chr(code)) for first, end in ranges for code in range(first, end)}
    return {code: text for code, text in table.items() if text != chr(code)}


def _normalize_text(text: str) -> str:
    text = unicodedata.normalize("NFKC", clean_invisible(text))
    text = dediac_ar(text)
    text = normalize_alef_ar(text)
    text = normalize_alef_maksura_ar(text)
    text = normalize_teh_marbuta_ar(text)
    text = to_ascii_digits(text).lower()
    text = "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))
    return unicodedata.normalize("NFC", text)


_normalize_word = lru_cache(maxsize=1 << 18)(_normalize)


def words(text: str) -> list[str]:
    """Word tokens (punctuation dropped), as written."""
    return list(_words(text))


def word_count(text: str) -> int:
    """How many `words` the text has."""
    return len(_words(text))


@lru_cache(maxsize=1 << 13)
def _words(text: str) -> tuple[str, ...]:
    # Stages tokenise the same sentences several times (filters, scoring, cues): remember the latest ones.
    tokens = _TOKEN.findall(text)
    return tuple(compress(tokens, map(_STARTS_WORD.__getitem__, map(itemgetter(0), tokens))))


# Whether a token is a word (`_WORD.match`) depends on its first character only: one regex match per character.
_STARTS_WORD = PerWord(lambda first: _WORD.match(first) is not None)


@lru_cache(maxsize=8)
def stop_words(language: str = "ar") -> frozenset[str]:
    """The normalised stop words of a language (data file `stopwords/<lang>.txt`); none when there is no list
    for the language."""
    try:
        return frozenset(normalize(w) for w in read_lines(f"stopwords/{language}.txt"))
    except FileNotFoundError:
        return frozenset()


# Clitics glued to the front of Arabic words: conjunction wa/fa, prepositions bi/li/ka, and the article.
_PROCLITICS = re.compile(r"^(?:و|ف)?(?:ب|ل|ك)?(?:ال|لل)?(?=\w{3,})")


def strip_article(token: str) -> str:
    """Remove a leading conjunction, preposition and article from a normalised Arabic token."""
    return _PROCLITICS.sub("", token) if ARABIC_LETTER.match(token) else token


def content_tokens(text: str, language: str = "ar") -> list[str]:
    """Normalised content words: stop words, numbers-only and one-letter tokens dropped, clitics stripped."""
    return list(filter(None, map(_CONTENT[language].__getitem__, _words(text))))


# language → its words' content tokens, remembered per distinct word
_CONTENT: PerWord[PerWord[str]] = PerWord(lambda language: PerWord(partial(_content_token, language=language), 1 << 18))


def _content_token(raw: str, language: str) -> str:
    # Per distinct word (words repeat: Zipf), "" for a word that is not a content word.
    stops = stop_words(language)
    token = normalize(raw)
    if token in stops or token.isdigit() or len(token) < 2:
        return ""
    token = strip_article(token)
    return "" if token in stops or len(token) < 2 else token


def unwrap_lines(text: str) -> str:
    """Join hard-wrapped lines (a text broken at a fixed width, mid-sentence) back into paragraphs.

    A text counts as hard-wrapped when at least three lines, and 40% of all lines, stop near the widest
    lines' length without final punctuation; those lines are joined to the next one. Titles, bylines and
    other short lines, and blank-line paragraph breaks, are kept.
    """
    lines = text.split("\n")
    lengths = sorted(len(line.strip()) for line in lines if line.strip())
    if len(lengths) < 3:
        return text
    width = lengths[int(0.9 * (len(lengths) - 1))]
    wrapped = {
        i
        for i, line in enumerate(lines[:-1])
        if len(line.strip()) >= 0.7 * width and not _LINE_END.search(line) and lines[i + 1].strip()
    }
    if width < 40 or len(wrapped) < 3 or len(wrapped) < 0.4 * len(lengths):
        return text
    return "".join(line.rstrip() + (" " if i in wrapped else "\n") for i, line in enumerate(lines))[:-1]


def split_sentences(text: str) -> list[str]:
    """Split a text into sentences, keeping each sentence's own punctuation (an elision is written "(…)")."""
    sentences = []
    text = _ELISION.sub(r"\1…\2", unwrap_lines(clean_invisible(text)))
    for piece in _SENTENCE_END.split(text):
        piece = piece.strip()
        if piece and (ARABIC_LETTER.search(piece) or LATIN_LETTER.search(piece)):
            sentences.append(piece)
    return sentences


def arabic_ratio(text: str) -> float:
    """Share of letters that are Arabic: 0.0 for Latin-script text, 1.0 for pure Arabic."""
    if not LATIN_LETTER.search(text):  # most sentences: no list of every letter needed
        return 1.0 if ARABIC_LETTER.search(text) else 0.0
    arabic = len(ARABIC_LETTER.findall(text))
    latin = len(LATIN_LETTER.findall(text))
    return arabic / (arabic + latin) if arabic + latin else 0.0


_FOLD_LETTERS = (
    *((c, "ا") for c in "أإآٱ"),
    ("ى", "ي"),
    ("ئ", "ي"),
    ("ؤ", "و"),
    ("ة", "ه"),
    ("\xa0", " "),
    ("\u202f", " "),
    *((c, str(i)) for i, c in enumerate("٠١٢٣٤٥٦٧٨٩")),
    *((c, str(i)) for i, c in enumerate("۰۱۲۳۴۵۶۷۸۹")),
)
_FOLD_DROP = re.compile(
    r"[\u0610-\u061A\u064B-\u065F\u0670\u06D6-\u06ED\u0640\u200B-\u200F\u202A-\u202E\u2066-\u2069\uFEFF]"
)
_FOLD_ACCENTED = re.compile(r"[\u00C0-\u024F]")


def fold(text: str) -> str:
    """The one matching form of the stages' rules: `normalize`'s letters (hamza carriers, alef maksura, teh
    marbuta, digits, case; diacritics, tatweel and invisible marks dropped) without its Unicode passes (NFKC,
    accents), which only text with accented Latin letters still takes. Fast enough for whole texts and for
    every sentence; it differs from `normalize` only on compatibility characters ("…", presentation forms)."""
    text = _FOLD_DROP.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    for letter, folded in _FOLD_LETTERS:
        if letter in text:
            text = text.replace(letter, folded)
    text = text.lower()
    if _FOLD_ACCENTED.search(text):
        return normalize(text)
    return text


fold_word = lru_cache(maxsize=1 << 17)(fold)
"""`fold`, remembered: for words and names, which repeat across sentences, pages and articles."""
