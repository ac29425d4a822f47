"""Latin spellings of Arabic names the gazetteer does not know, for the English and Spanish editions.

`romanize_name(arabic) -> Romanized`: `arabic-name-romanizer` (offline: a names database of attested spellings,
and a small ONNX model for the words it lacks), else the digest's own letter scheme (`gazetteer.romanize`).
Measured on `tests/data/romanization_names.tsv` (46 names whose press spelling is settled, Arab and foreign):
the library gives the accepted spelling for 26 (the letter scheme 5) and a close one (similarity ≥ 0.85) for
34 (the letter scheme 21), at about 7 ms a name; each name is romanised once per process.

`Romanized.sure` is True when the names database knew every word of the name (attested spellings), False when a
word was guessed (by the model or by letters): the briefing then shows the Arabic beside the Latin, as it does
for every romanised name, and the JSON says `romanized_sure: false`.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any, NamedTuple

from digest.lang.gazetteer import romanize


class Romanized(NamedTuple):
    latin: str
    sure: bool  # every word's spelling is attested, not guessed


_SURE_SOURCES = frozenset({"dictionary", "user", "passthrough"})


@lru_cache(maxsize=1)
def _transliterator() -> Any:
    """The library's transliterator, loaded once per process (about 0.3 s); None when it is not installed."""
    try:
        from arabic_name_romanizer import Transliterator
    except ImportError:  # an optional enrichment: the letter scheme still gives a readable name
        return None
    return Transliterator()


@lru_cache(maxsize=50_000)
def romanize_name(arabic: str) -> Romanized:
    """A recognisable Latin spelling of a name not in the gazetteer ("رياض حجاب" → "Riad Hijab")."""
    engine = _transliterator()
    if engine is not None:
        candidates = engine.transliterate(arabic, top_k=2)
        if candidates and candidates[0].text.strip():
            best = candidates[0]
            units = getattr(best, "units", ()) or ()
            sure = best.source in _SURE_SOURCES or (
                best.source == "mixed" and bool(units) and all(u.source in _SURE_SOURCES for u in units)
            )
            return Romanized(best.text.strip(), sure)
    return Romanized(romanize(arabic), False)
