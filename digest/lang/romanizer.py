"""Latin spellings of Arabic names the gazetteer does not know, for the English and Spanish editions.

`romanize_name(arabic) -> Romanized`: `arabic-name-romanizer` (offline: a names database of attested spellings,
and a small ONNX model for the words it lacks), else the digest's own letter scheme (`gazetteer.romanize`).
Measured on `tests/data/romanization_names.tsv` (46 names whose press spelling is settled, Arab and foreign):
the library gives the accepted spelling for 26 (the letter scheme 5) and a close one (similarity ≥ 0.85) for
34 (the letter scheme 21). Each name is romanised once per process, alone: the model's beam search over a batch
of names pads them to one length, and that changes some guessed spellings ("Ricote" / "Recote"), so a name would
be spelled by what it was batched with. The model runs on one thread (about 4 ms a name): the stages already keep
every core busy with processes, and its default of two threads per process tripled the CPU for the same answers.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any, NamedTuple

from digest.lang.gazetteer import romanize


class Romanized(NamedTuple):
    latin: str
    sure: bool  # every word's spelling is attested, not guessed


_SURE_SOURCES = frozenset({"dictionary", "user", "passthrough"})


def _one_thread_model(folder: Path) -> Any:
    """The library's ONNX model in `folder` on one thread, or None when its files are not there."""
    from arabic_name_romanizer.inference import OnnxModel

    files = ("encoder.onnx", "decoder.onnx", "vocab.json", "meta.json")
    return OnnxModel(folder, intra_op_threads=1) if all((folder / f).exists() for f in files) else None


@lru_cache(maxsize=1)
def _transliterator() -> Any:
    """The library's transliterator, loaded once per process (about 0.3 s); None when it is not installed."""
    try:
        from arabic_name_romanizer import Transliterator
        from arabic_name_romanizer.api import default_resources_dir
    except ImportError:  # an optional enrichment: the letter scheme still gives a readable name
        return None
    resources = Path(default_resources_dir())
    return Transliterator(
        model=_one_thread_model(resources),
        persian_model=_one_thread_model(resources / "persian"),
        auto_load_model=False,
    )


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
