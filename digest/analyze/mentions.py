"""Stage 2, analyze: the persons, organisations, places and dates one article names.

Per article (called from `digest.analyze.analyze`):
1. `find_mentions`: persons, organisations and places in each sentence, from
   a. the gazetteer (`digest.lang.gazetteer`: known names and their spelling variants, clitics and ال allowed);
   b. titles and appositions: "وزير الخارجية الأمريكي، أنتوني بلينكن" / "عبدالله بن زايد، وزير الخارجية": the
      title is kept as the mention's role, and an unknown name framed by a title is a person;
   c. honorifics ("السيد"، "الشيخ"، "د.") and common given names ("محمد"، "جورج") before name-like words;
   d. head nouns of organisations and places ("وزارة ..."، "حزب ..."، "مدينة ..."), sports teams ("فريق نابولي"،
      "منتخب نيجيريا": the city or country there is the team) and agency credits ("(الفرنسية)" is AFP).
   All cue words are data, read into bit flags per word by `digest.analyze.cues`.
   e. by default (`backend="crf"`, `ExtractOptions.ner_backend`), the CRF tagger (`digest.analyze.tagger`), which
      reads a-d as features and decides the spans (a span the rules found too keeps their key and role; a title
      the rules bound stays with the name the tagger reads over it); then a name it found once is read again
      where the article writes it alone (`tagger.spread_names`). "rules" keeps a-d alone, "rules+crf" lets the
      tagger fill what they left, "crf+rules" the reverse. `backend="camel"`: camel-tools' BERT NER when its
      model is installed; never required, never downloaded, and slow (for evaluation and small batches).
   Speed: each distinct written word is read once (`cues.word_info`); a sentence is split with `re.split` into
   parallel lists (no object per word, `gazetteer.read_words`) and mapped through cached dicts, and a rule runs
   only when one of the sentence's words carries its cue.
2. `find_dates`: `digest.lang.dates.find_dates` on each sentence, resolved against the publication date.

The story's actors, venue and event date are drawn from these in stage 4 (`digest.synthesize.facts`).
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache, reduce
from itertools import compress, count, repeat
from operator import and_, or_
from pathlib import Path
from typing import Any

from digest.analyze.cues import (
    ANY_GIVEN,
    BRAND,
    CREDIT,
    FUNCTION,
    GAZETTEER_START,
    GIVEN,
    GIVEN_AMBIGUOUS,
    GIVEN_WEAK,
    HONORIFIC,
    NAME_OK,
    NATIONALITY,
    NISBA,
    ORG_HEAD,
    PARTICLE,
    PERSON_NOUN,
    PLACE_HEAD,
    PLACE_IN_NAME,
    PRONOUN,
    SPEECH_STOP,
    SPEECH_VERB,
    STATE_HEAD,
    STOP,
    STRICT_BAD,
    TEAM,
    TEAM_IN_NAME,
    TITLE,
    TITLE_WORD,
    WRAPPER,
    Cues,
    cue_lists,
    words_info,
)
from digest.document import Article, DateMention, Mention, Sentence
from digest.errors import ConfigError
from digest.lang import dates as date_finder
from digest.lang.arabic import normalize
from digest.lang.gazetteer import Entry, clitic_readings, gazetteer, read_words, role_names, surface_readings
from digest.runtime.memo import PerWord

_DEFINITE = re.compile(r"^(?:[وف]?[بكل]?ال|[وف]?لل)")
_HARD_BREAK = frozenset('،,.;؛:!?؟()[]{}|/–—-•\n"«»“”')
_KIND_OF_ENTRY = {"person": "person", "organization": "organization", "place": "place", "country": "place"}
_GIVEN_KIND = {GIVEN: "given", GIVEN_AMBIGUOUS: "ambiguous", GIVEN_WEAK: "weak"}


@dataclass
class _Span:
    start: int  # token indices [start, end)
    end: int
    kind: str
    key: str | None = None
    role: str | None = None
    cue: str | None = None  # the rule that found an unknown name (`Mention.cue`)


@dataclass
class _Sentence:
    """One sentence being read: its words (parallel lists, index i is word i), where punctuation breaks them,
    and the spans found so far."""

    text: str
    norms: list[str]  # normalised words
    raws: list[str]  # words as written
    starts: list[int]  # character offsets of each word
    ends: list[int]
    breaks: list[bool]  # breaks[i]: punctuation between token i-1 and token i
    flags: list[int]  # `word_info` flags of each token
    mask: int  # the flags of all its tokens together: rules whose cue is absent skip the sentence
    separators: list[str]  # separators[i]: the text before token i
    owner: list[int | None] = field(default_factory=list)
    spans: list[_Span] = field(default_factory=list)

    def add(self, span: _Span) -> bool:
        if span.end <= span.start or any(self.owner[k] is not None for k in range(span.start, span.end)):
            return False
        for k in range(span.start, span.end):
            self.owner[k] = len(self.spans)
        self.spans.append(span)
        return True

    def move(self, span: _Span, start: int, end: int) -> bool:
        """Give a span new bounds, if the tokens it takes are free."""
        at = self.owner[span.start]
        if any(self.owner[k] not in (None, at) for k in range(start, end)):
            return False
        for k in range(span.start, span.end):
            self.owner[k] = None
        for k in range(start, end):
            self.owner[k] = at
        span.start, span.end = start, end
        return True

    def span_at(self, i: int) -> _Span | None:
        if 0 <= i < len(self.norms) and self.owner[i] is not None:
            span = self.spans[self.owner[i]]  # type: ignore[index]
            return span if span.start == i else None
        return None

    def raw(self, i: int) -> str:
        return self.raws[i]

    def between(self, i: int, j: int) -> str:
        """The text from word i to word j - 1, as written."""
        return self.text[self.starts[i] : self.ends[j - 1]]


def _read(text: str) -> _Sentence:
    """A sentence's words, their flags and where punctuation breaks them; `map` over cached dicts, no loop in
    Python for words already seen (this runs on every sentence of every article)."""
    norms, raws, starts, ends, separators = read_words(text)
    breaks = list(map(_BREAKS.__getitem__, separators))
    if breaks:
        breaks[0] = False
    flags = words_info(raws, norms)
    mask = reduce(or_, set(flags), 0)  # a sentence's words carry far fewer distinct flag sets than words
    if mask & PRONOUN:  # "رغبة ه": a pronoun suffix written apart; the word it belongs to is no name
        for i in range(1, len(flags)):
            if flags[i] & PRONOUN and not breaks[i]:
                flags[i - 1] &= ~(NAME_OK | ANY_GIVEN)
    return _Sentence(text, norms, raws, starts, ends, breaks, flags, mask, separators, [None] * len(norms))


def _breaks(separator: str) -> bool:
    """Whether the text between two words holds punctuation that ends a name or a title."""
    return any(c in _HARD_BREAK for c in separator)


_BREAKS = PerWord(_breaks, 100_000)


def _given_name(s: _Sentence, i: int) -> str | None:
    """ "given", "ambiguous", "weak" or None for token i; the preposition على is not the name علي."""
    return _GIVEN_KIND.get(s.flags[i] & ANY_GIVEN)


def _name_like(s: _Sentence, i: int, strict: bool = False) -> bool:
    """Whether token i can be part of a person's name."""
    flags = s.flags[i]
    if s.owner[i] is not None or not flags & NAME_OK:
        return False
    return bool(flags & (PARTICLE | GIVEN)) or not (strict and flags & STRICT_BAD)


def _name_end(s: _Sentence, start: int, cues: Cues, limit: int = 4) -> int:
    """End (exclusive) of the name-like run of tokens from `start`, not crossing punctuation."""
    k = start
    while k < len(s.norms) and k - start < limit and (k == start or not s.breaks[k]) and _name_like(s, k):
        k += 1
    while k > start and s.norms[k - 1] in cues.particles:  # a name does not end on "بن"
        k -= 1
    return k


def _title_end(s: _Sentence, start: int, cues: Cues) -> tuple[int, bool]:
    """End of a title that begins at token `start`, and whether a name seems to start right there.

    A title runs up to punctuation, a known person, an honorific or a given name; or up to a word without the
    article that cannot continue it ("السفير الأمريكي جيفري ...": after the head's construct partner, a title
    goes on only with definite words, places, organisations and nationalities).
    """
    head_definite = bool(_DEFINITE.match(s.norms[start]))
    k = start + 1
    while k < len(s.norms) and k - start < 9 and not s.breaks[k]:
        span = s.span_at(k)
        if span is not None and span.kind == "person":
            break
        word, flags = s.norms[k], s.flags[k]
        if flags & (HONORIFIC | GIVEN):
            break
        construct = k == start + 1 and not head_definite
        continues = construct or span is not None or s.owner[k] is not None or bool(_DEFINITE.match(word))
        continues = continues or bool(flags & (TITLE | TITLE_WORD | NATIONALITY)) or word == "باسم"
        if not continues and word.isalpha():
            return k, _name_like(s, k)
        k += 1
    return k, False


def _skip_honorifics(s: _Sentence, k: int) -> int:
    while k < len(s.norms) and s.flags[k] & HONORIFIC and s.owner[k] is None:
        k += 1
    return k


def _titles(s: _Sentence, cues: Cues) -> None:
    """Titles before a name ("وزير الخارجية، ناصر بوريطة") and after one ("ناصر بوريطة، وزير الخارجية")."""
    n = len(s.norms)
    i = apposition_end = 0
    while i < n:
        if s.owner[i] is not None or not s.flags[i] & TITLE:
            i += 1
            continue
        end, name_next = _title_end(s, i, cues)
        title = s.between(i, end)
        before = s.spans[s.owner[i - 1]] if i > 0 and s.owner[i - 1] is not None else None  # type: ignore[index]
        if before is not None and _conjoined_title(title):
            before = None  # "بوتين ووزير الدفاع ...": another person's title, not Putin's apposition
        if role_names(title) is None or (before is not None and before.kind == "person"):
            if role_names(title) is not None:
                apposition_end = end  # the apposition of the name before it (read below)
            i += 1
            continue
        k = _skip_honorifics(s, end)
        if k < n and _conjunction_before_name(s.raw(k), cues):
            i = end  # "التقى الوزير ومحمد ...": "و" starts another person, the title is not theirs
            continue
        role = _spoken_for(s, i, end, title)
        if role is None:
            i = end
            continue
        span = s.span_at(k)
        if span is not None and span.kind == "person":
            span.role = span.role or role
        elif k < n and span is None and s.owner[k] is None:
            starts_given = _given_name(s, k) == "given"
            name_end = _given_name_end(s, k, cues, strict=False) if starts_given else _name_end(s, k, cues)
            # "title، name" or "title honorific name"; not a title inside the apposition of the name before it
            # ("عفيفي , المتحدث باسم أمين عام الجامعة , قيام ..."), which names a person only right after it
            framed = (s.breaks[k] or k > end) and i >= apposition_end
            closed = name_end == n or s.breaks[name_end] or bool(s.flags[name_end] & STOP)
            if name_end > k and ((framed and closed and name_end - k <= 4) or starts_given):
                s.add(_Span(k, name_end, "person", None, role, "title"))
            elif name_next and k == end and not s.norms[k].startswith(_VERB_PREFIX):
                strict_end = _strict_name_end(s, k, cues, limit=3)
                # one word alone after a title is a name only when punctuation closes it ("السفير X،")
                if strict_end - k >= 2 or (strict_end > k and (strict_end == n or s.breaks[strict_end])):
                    s.add(_Span(k, strict_end, "person", None, role, "title"))
        i = end
    # Apposition after the name: "عبدالله بن زايد آل نهيان وزير الخارجية والتعاون الدولي"
    for span in list(s.spans):
        if span.kind != "person" or span.role or span.end >= n:
            continue
        k = span.end
        if s.flags[k] & TITLE and s.owner[k] is None:
            end, name_next = _title_end(s, k, cues)
            title = s.between(k, end)
            if role_names(title) is None or _conjoined_title(title):
                continue
            following = _titled_next(s, end, name_next)
            if following is None:
                span.role = title
            elif following.kind == "person" and not following.role:
                following.role = title


def _conjoined_title(title: str) -> bool:
    """A title joined by "و" to what comes before it ("ووزير الدفاع", "والرئيس"; not "وزير", "ولي العهد"): it
    starts another person, never the apposition of the name before it."""
    return title.startswith("و") and role_names(title[1:]) is not None


def _spoken_for(s: _Sentence, start: int, end: int, title: str) -> str | None:
    """The title of the name after a spokesman's title, or None when it is not the name's to hold. "متحدثة
    باسم X": X is whom she speaks for; "المتحدث باسم الخارجية X": X is the spokesman; "متحدث باسم رئيسة الوزراء
    X" (a spokesman, unnamed): X is the prime minister; "المتحدث باسم الرئيس X": X is the president, or the
    spokesman with his master's name left out: neither title is sure."""
    at = next((k for k in range(start + 1, end) if s.norms[k] == "باسم"), None)
    if at is None:
        return title
    if at == end - 1:
        return None
    inner = s.between(at + 1, end)
    if role_names(inner) is None:
        return title
    return None if _DEFINITE.match(s.norms[start]) else inner


def _titled_next(s: _Sentence, end: int, name_next: bool) -> _Span | None:
    """The name a title that ends at `end` stands before with no punctuation between them: the title is that
    name's ("التقى خامنئي ولي العهد السعودي محمد بن سلمان"), not the apposition of the name before it. A name
    not read yet (after an honorific, or a given name) is an empty span: no one to give the title to, and still
    not the name's before it."""
    k = _skip_honorifics(s, end)
    if k >= len(s.norms) or (s.breaks[k] and k == end):
        return None
    following = s.span_at(k)
    if following is not None and following.kind == "person":
        return following
    starts_name = k > end or bool(s.flags[k] & (GIVEN | HONORIFIC))  # "الأمير محمد ...", "title السيد X"
    return _Span(k, k, "") if name_next and starts_name else None


def _honorific_names(s: _Sentence, cues: Cues) -> None:
    n = len(s.norms)
    for i in range(n):
        if s.owner[i] is not None or not s.flags[i] & HONORIFIC:
            continue
        k = _skip_honorifics(s, i + 1)
        if k < n and s.owner[k] is None and not s.breaks[k]:
            end = _strict_name_end(s, k, cues, limit=3)
            if end > k:
                s.add(_Span(k, end, "person", cue="honorific"))


def _given_name_end(s: _Sentence, i: int, cues: Cues, strict: bool) -> int:
    """End of a name that starts with a given name: "محمد زيدان", "محمد حسني مبارك", "حمد بن فيصل آل ثاني".

    A third word is taken only after a second given name or a particle (بن، آل، أبو), or when it is a family
    name with the article ("محمد البرادعي"): "محمد زيدان المحترف" stops after "زيدان".
    """
    n = len(s.norms)
    end = i + 1
    family_taken = False
    while end < n and end - i < 6 and not s.breaks[end] and _name_like(s, end, strict=strict):
        word = s.norms[end]
        previous = s.norms[end - 1]
        definite = bool(_DEFINITE.match(word)) and word not in cues.particles
        if definite and not word.startswith("ال"):
            break  # "للصحفيين", "بالمنطقة": a preposition, not a family name
        if end - i >= 2:
            chained = previous in cues.particles or _given_name(s, end - 1) is not None
            after_particle = any(s.norms[k] in cues.particles for k in range(i + 1, end))
            family = definite and (word.endswith("ي") or (after_particle and not family_taken))
            if not (chained or family or word in cues.particles):
                break
            if previous not in cues.particles and _given_name(s, end) is None:
                if definite and not family:
                    break  # "أنجلينا جولي المركز": after two names, only a family name with the article
                if word.startswith(_VERB_PREFIX):
                    break  # "مدحت صالح يغني"
        elif definite and strict and not word.endswith("ي"):
            break  # after an ambiguous name only a nisba-like family name: "حسن البنا" is missed, "حسن النية" too
        family_taken = family_taken or definite
        end += 1
    while end > i + 1 and s.norms[end - 1] in cues.particles:
        end -= 1
    return end


_VERB_PREFIX = ("ي", "ت", "ن")
_FUTURE_PREFIX = ("سي", "ست", "سن")


def _strict_name_end(s: _Sentence, k: int, cues: Cues, limit: int = 2) -> int:
    """End of an unknown name introduced by a noun ("العداء المغربي ربيع دكانة"): words without the article."""
    if _given_name(s, k) in ("given", "ambiguous"):
        # the noun, title or honorific before it is the evidence: "الدكتور فارس السقاف" takes its family name
        return _given_name_end(s, k, cues, strict=False)
    n = len(s.norms)
    end = k
    while end < n and end - k < limit and (end == k or not s.breaks[end]) and _name_like(s, end):
        word = s.norms[end]
        definite = bool(_DEFINITE.match(word)) and word not in cues.particles
        if definite and (end == k or not word.endswith("ي")):
            break
        raw = s.raw(end)
        if raw.endswith(("ه", "ها", "هم")) and len(raw) > 3 and _given_name(s, end) is None:
            break  # a pronoun suffix: "حضوره", "بلادها"
        if word.startswith(_VERB_PREFIX) and _given_name(s, end) is None and end == k:
            break  # most likely a verb ("الجانب الأمريكي يرى")
        if word.startswith(_FUTURE_PREFIX) and len(word) > 4 and _given_name(s, end) is None:
            break  # a verb in the future: "سيشارك", "ستعقد"
        end += 1
    while end > k and s.norms[end - 1] in cues.particles:
        end -= 1
    return end


def _introduced_names(s: _Sentence, cues: Cues) -> None:
    """Names after a person noun or a nationality: "اللاعب المغربي X", "الروسي X Y", "زوجة X"."""
    n = len(s.norms)
    i = 0
    while i < n:
        if s.owner[i] is not None or not s.flags[i] & PERSON_NOUN:
            i += 1
            continue
        k = i + 1
        while k < n and not s.breaks[k] and s.owner[k] is None and s.flags[k] & (PERSON_NOUN | NATIONALITY):
            k += 1
        if k < n and not s.breaks[k] and s.owner[k] is None:
            end = _strict_name_end(s, k, cues)
            if end > k:
                s.add(_Span(k, end, "person", cue="noun"))
                i = end
                continue
        i = k


def _cued_names(s: _Sentence, cues: Cues) -> None:
    """Unknown names after a verb of saying, closed by punctuation or a function word:
    "قال سولانا إن ...", "وأضاف الحريري:" (not "قال مصدر", "قال متمردون")."""
    n = len(s.norms)
    for i in range(n - 1):
        if not s.flags[i] & SPEECH_VERB:
            continue
        if s.owner[i] is not None or s.owner[i + 1] is not None or s.breaks[i + 1]:
            continue
        k = i + 1
        first = s.norms[k]
        if s.flags[k] & SPEECH_STOP:
            continue
        if first.endswith("ا") and len(first) > 3:
            continue  # an adverb: "قال قائلا", "أضاف مؤكدا"
        end = _strict_name_end(s, k, cues, limit=3)
        if end == k and first.startswith("ال") and first.endswith("ي"):
            end = k + 1 if _name_like(s, k) else k  # "قال الحريري"
        closed = end == n or (end < n and (s.breaks[end] or bool(s.flags[end] & STOP)))
        if end > k and closed:
            s.add(_Span(k, end, "person", cue="speech"))


def _given_names(s: _Sentence, cues: Cues) -> None:
    n = len(s.norms)
    i = 0
    while i < n:
        kind = _given_name(s, i) if s.owner[i] is None else None
        if kind is None:
            i += 1
            continue
        if kind == "weak":  # "علي عبدالله صالح" yes, "علي سبيل المثال" no
            nxt = i + 1 < len(s.norms) and not s.breaks[i + 1] and s.owner[i + 1] is None
            if not (nxt and (_given_name(s, i + 1) in ("given", "ambiguous") or s.norms[i + 1] in cues.particles)):
                i += 1
                continue
        end = _given_name_end(s, i, cues, strict=kind != "given")
        if end > i + 1 or kind == "given":
            s.add(_Span(i, end, "person", cue="given"))
        i = end


def _head_nouns(s: _Sentence, cues: Cues) -> None:
    """ "وزارة الخارجية الإسبانية", "حزب العدالة والتنمية" (organisations); "مدينة X" (places)."""
    n = len(s.norms)
    for i in range(n):
        if s.owner[i] is not None:
            continue
        word = s.norms[i]
        if not s.flags[i] & (ORG_HEAD | PLACE_HEAD | PLACE_IN_NAME):
            continue
        if s.flags[i] & ORG_HEAD and _org_head_ok(word, cues):
            # "شركة نوكيا", but "الحزب مستمر" is a sentence: a head with the article takes no bare proper word
            brand = bool(s.flags[i] & BRAND) and not _DEFINITE.match(word)
            k = i + 1
            while k < n and k - i < 5 and not s.breaks[k] and s.owner[k] is None:
                following = s.norms[k]
                definite = following.startswith("ال") or following.startswith("وال")
                # "وزارة الداخلية": a word that ends a person's name ("الداخلية") may be part of an organisation's
                if (s.flags[k] & FUNCTION or (s.flags[k] & STOP and not definite)) or not following.isalpha():
                    break
                if k > i + 1 and not definite:
                    if not (brand and k == i + 2 and _proper_like(following) and s.flags[k] & NAME_OK):
                        break  # "صحيفة ديلي تلغراف" goes on; "حزب العدالة قرر" does not
                    if following.startswith(_VERB_PREFIX) or s.flags[k] & NATIONALITY:
                        break
                if k == i + 1 and not definite and not (brand and _proper_like(following)):
                    break
                k += 1
            if k > i + 1:
                first = i + 1 if s.flags[i] & WRAPPER and not word.startswith("ال") else i
                s.add(_Span(first, k, "organization", cue="head"))
        elif s.flags[i] & (PLACE_HEAD | PLACE_IN_NAME) and i + 1 < n:
            if s.breaks[i + 1] or s.owner[i + 1] is not None or not _name_like(s, i + 1):
                continue
            if _DEFINITE.match(word) and not _member_written(word, cues.place_heads):
                continue  # "المدينة شهرة", "بالمدينة تحرص": "the city" is no head of a name; "العاصمة الرياض" is
            end = i + 2
            if (
                end < n
                and not s.breaks[end]
                and s.owner[end] is None
                and _name_like(s, end, strict=True)
                and not s.norms[end].endswith(_PLURAL_ENDINGS)
            ):
                end += 1  # "سان فرانسيسكو"; not "نهر مهروت مصابتين"
            first = i if s.flags[i] & PLACE_IN_NAME else i + 1
            s.add(_Span(first, end, "place", cue="head"))


_PLURAL_ENDINGS = ("ين", "ون", "ات")


def _member_written(norm: str, words: frozenset[str]) -> bool:
    """Whether a word is one of `words` as written with its article (clitics و ف ب ل ك allowed before it)."""
    return any(r in words for r in surface_readings(norm))


def _org_head_ok(word: str, cues: Cues) -> bool:
    """An organisation head with the article is a generic reference ("الجماعة الإرهابية") unless listed so."""
    if not _DEFINITE.match(word):
        return True
    return any("ال" + r in cues.org_heads_definite for r in clitic_readings(word))


def _proper_like(word: str) -> bool:
    """A word after "شركة"/"حزب" that is a name rather than an adjective ("دولية", "عربية", "كبرى")."""
    return not word.endswith(("يه", "ي", "ين", "يون", "ات")) and len(word) > 2


def _trim_front(s: _Sentence, i: int, j: int, entry: Entry) -> int:
    """Leave a title or a generic head out of a known name when the rest still names the same entry:
    "الملك محمد السادس" → "محمد السادس", "حركة حماس" → "حماس" (the title is kept as a role elsewhere)."""
    k = i
    while k + 1 < j and (s.flags[k] & (HONORIFIC | TITLE | WRAPPER)):
        k += 1
    if k == i:
        return i
    rest = s.between(k, j)
    return k if gazetteer().lookup(rest) == entry else i


NER_BACKENDS = ("rules", "camel", "crf", "rules+crf", "crf+rules")
_CAMEL_KINDS = {"PERS": "person", "ORG": "organization", "LOC": "place"}


def camel_model_path() -> Path | None:
    """Where camel-tools' NER model would be installed (`camel_data -i ner`), if it is there.

    Looked up without importing `camel_tools.data`, whose import creates `~/.camel_tools`.
    """
    root = Path(os.environ["CAMELTOOLS_DATA"]) if os.environ.get("CAMELTOOLS_DATA") else Path.home() / ".camel_tools"
    path = root.expanduser() / "data" / "ner" / "arabert"
    return path if (path / "config.json").is_file() else None


@lru_cache(maxsize=1)
def _camel_recognizer() -> Any:
    path = camel_model_path()
    if path is None:
        raise ConfigError(
            "extract.ner_backend = 'camel' needs camel-tools' NER model: run `camel_data -i ner` "
            "(or set CAMELTOOLS_DATA), or use ner_backend = 'rules'"
        )
    from camel_tools.ner import NERecognizer  # the data is there: importing camel_tools.data is harmless now

    return NERecognizer(str(path), use_gpu=False)


def _camel_spans(s: _Sentence) -> None:
    """camel-tools' BERT NER on the sentence's words: its spans fill what the rules left unlabelled."""
    if not s.norms:
        return
    labels = _camel_recognizer().predict_sentence(list(s.raws))
    start, kind = 0, None
    for i, label in enumerate([*labels, "O"]):
        prefix, _, cls = label.partition("-")
        if kind is not None and not (prefix == "I" and _CAMEL_KINDS.get(cls) == kind):
            s.add(_Span(start, i, kind, cue="camel"))
            kind = None
        if prefix == "B" or (prefix == "I" and kind is None):
            start, kind = i, _CAMEL_KINDS.get(cls)


def _teams(s: _Sentence, cues: Cues) -> None:
    """Sports teams: "فريق برشلونة", "نادي الوداد", "منتخب نيجيريا", "المنتخب المغربي", "فريق المغرب التطواني";
    a city or country named after the head is the team, not the place."""
    n = len(s.norms)
    for i in range(n - 1):
        if not s.flags[i] & TEAM or s.owner[i] is not None or s.breaks[i + 1]:
            continue
        k = i + 1
        first = i if s.flags[i] & TEAM_IN_NAME else k
        span = s.span_at(k)
        if span is not None and span.kind == "place":
            end = span.end
            if end < n and not s.breaks[end] and s.owner[end] is None and NISBA.match(s.norms[end]):
                end += 0 if s.flags[end] & NATIONALITY else 1  # "المغرب التطواني", not "أندرلخت البلجيكي"
            if s.move(span, first, end):
                span.kind, span.key, span.cue = "organization", None, "team"
        elif span is None and s.owner[k] is None:
            if s.flags[i] & TEAM_IN_NAME and s.flags[k] & NATIONALITY:
                s.add(_Span(i, k + 1, "organization", cue="team"))  # "المنتخب المغربي"
            elif not s.flags[k] & NATIONALITY and not _DEFINITE.match(s.norms[k]):
                end = _strict_name_end(s, k, cues, limit=3)
                if end > k:
                    s.add(_Span(first, end, "organization", cue="team"))


def _credits(s: _Sentence, cues: Cues) -> None:
    """An agency credit in parentheses: "(الفرنسية)" is AFP, "(رويترز - أرشيف)" Reuters."""
    n = len(s.norms)
    for i in range(n):
        if not s.flags[i] & CREDIT or s.owner[i] is not None or "(" not in s.separators[i]:
            continue
        after = s.separators[i + 1].lstrip() if i + 1 < n else s.text[s.ends[i] :].lstrip()
        if after[:1] in (")", "-", "–", "/"):
            key = cues.agency_credits.get(s.norms[i])
            s.add(_Span(i, i + 1, "organization", key, cue="credit"))


def _join_adjacent_names(s: _Sentence) -> None:
    """An unknown name right before a name that starts with a given name is one name: "الفنان حجاج" +
    "عبد العظيم" → "حجاج عبد العظيم" (each rule found one half)."""
    for span in sorted(s.spans, key=lambda sp: sp.start):
        if span.kind != "person" or span.key or span.end >= len(s.norms) or s.breaks[span.end]:
            continue
        following = s.span_at(span.end)
        if following is None or following.kind != "person" or following.key or following.cue != "given":
            continue
        if following.end - span.start > 4:
            continue
        for k in range(following.start, following.end):
            s.owner[k] = None
        following.kind = ""
        s.move(span, span.start, following.end)


def _state_bodies(s: _Sentence, cues: Cues) -> None:
    """ "الحكومة اللبنانية", "والشرطة البريطانية": a state body named by its country's adjective."""
    for i in range(len(s.norms) - 1):
        if s.owner[i] is not None or s.owner[i + 1] is not None or s.breaks[i + 1]:
            continue
        if s.flags[i] & STATE_HEAD and s.flags[i + 1] & NATIONALITY:
            s.add(_Span(i, i + 2, "organization", cue="state"))


# A sentence's name rules, in order, each run only when the sentence holds one of its cue flags. Titles run twice:
# for the persons the gazetteer found, then for those the name rules found.
_RULES: tuple[tuple[int, Callable[[_Sentence, Cues], None]], ...] = (
    (TEAM, _teams),
    (CREDIT, _credits),
    (TITLE, _titles),
    (HONORIFIC, _honorific_names),
    (ANY_GIVEN, _given_names),
    (PERSON_NOUN, _introduced_names),
    (SPEECH_VERB, _cued_names),
    (TITLE, _titles),
    (ORG_HEAD | PLACE_HEAD | PLACE_IN_NAME, _head_nouns),
    (STATE_HEAD, _state_bodies),
)


def find_mentions(article: Article, sentences: Sequence[Sentence], backend: str = "rules") -> tuple[Mention, ...]:
    """Persons, organisations and places named in the article (offsets are in each sentence's text).

    Sentence by sentence: gazetteer names, titles, honorifics, given names, person nouns, head nouns; then,
    over the whole article, a surname written alone after the full name was found ("فيلتمان" after "جيفري
    فيلتمان") is the same person.
    """
    if backend not in NER_BACKENDS:
        raise ConfigError(f"unknown extract.ner_backend {backend!r}; choose one of {', '.join(NER_BACKENDS)}")
    cues = cue_lists()
    read = _read_article(sentences, backend)
    mentions: list[Mention] = []
    for sentence, s in zip(sentences, read, strict=True):
        for span in sorted(s.spans, key=lambda sp: sp.start):
            if not span.kind:
                continue  # joined to the span before it
            start, end = s.starts[span.start], s.ends[span.end - 1]
            if span.kind == "person" and span.key is None and _conjunction_before_name(s.raw(span.start), cues):
                start += 1  # "ومحمد العنزي" is "و" + the name
            mentions.append(
                Mention(
                    text=sentence.text[start:end],
                    kind=span.kind,
                    article_id=article.id,
                    sentence=sentence.index,
                    start=start,
                    end=end,
                    key=span.key,
                    role=span.role,
                    cue=span.cue,
                )
            )
    return tuple(mentions)


def _read_article(sentences: Sequence[Sentence], backend: str) -> list[_Sentence]:
    """The article's sentences read, with the spans of the gazetteer, the rules and the backend."""
    gaz = gazetteer()
    cues = cue_lists()
    read: list[_Sentence] = []
    for sentence in sentences:
        s = _read(sentence.text)
        starts = compress(count(), map(and_, s.flags, repeat(GAZETTEER_START))) if s.mask & GAZETTEER_START else ()
        for i, j, entry in gaz.find_words(s.norms, starts):
            if not any(s.breaks[k] for k in range(i + 1, j)) or entry.kind != "person":
                i = _trim_front(s, i, j, entry)
                s.add(_Span(i, j, _KIND_OF_ENTRY[entry.kind], entry.key))
        mask = s.mask
        for cue_flags, rule in _RULES:
            if mask & cue_flags:
                rule(s, cues)
        if mask & ANY_GIVEN and len(s.spans) > 1:
            _join_adjacent_names(s)
        if backend == "camel":
            _camel_spans(s)
        read.append(s)
    _surnames_alone(read, cues)
    if "crf" in backend:
        _crf_pass(read, backend)
    return read


def _hints(s: _Sentence) -> list[str]:
    """What the gazetteer and the rules found, word by word, as the tagger's features: "BP:title", "IL:gaz", ""."""
    hints = [""] * len(s.norms)
    for span in s.spans:
        if span.kind:
            cue = span.cue or ("gaz" if span.key else "rule")
            letter = _HINT_KIND[span.kind]
            hints[span.start] = f"B{letter}:{cue}"
            for k in range(span.start + 1, span.end):
                hints[k] = f"I{letter}:{cue}"
    return hints


_WordSpan = tuple[str, int, int]  # (kind, first word, end), as the tagger gives them
_HINT_KIND = {"person": "P", "organization": "O", "place": "L"}


def rule_hints(texts: Sequence[str]) -> list[list[str]]:
    """`_hints` of each sentence of a text read as one article by the gazetteer and the rules (the tagger's
    training reads its data with this, as `find_mentions` does)."""
    sentences = [Sentence("hints", i, t) for i, t in enumerate(texts)]
    return [_hints(s) for s in _read_article(sentences, "rules")]


def _crf_pass(read: list[_Sentence], backend: str) -> None:
    """The CRF tagger (`digest.analyze.tagger`) on each sentence, with the rules' spans as its features.

    "crf": its spans replace the rules' (a span the rules found too keeps their key, role and cue); "rules+crf":
    they fill what the rules left; "crf+rules": the rules fill what the tagger left.
    """
    from digest.analyze import tagger  # imported on use: pycrfsuite is needed by the crf backends only

    model = tagger.Tagger.load()
    gaz = gazetteer()
    hints = [_hints(s) for s in read]
    seen = tagger.seen_kinds(hints, [s.norms for s in read])
    tagged = [
        model.tag_words(s.raws, s.separators, s.text[s.ends[-1] :], sentence_hints, seen) if s.norms else []
        for s, sentence_hints in zip(read, hints, strict=True)
    ]
    tagged = tagger.spread_names([s.norms for s in read], [s.raws for s in read], tagged)
    for s, found in zip(read, tagged, strict=True):
        if not s.norms:
            continue
        rules = {(sp.kind, sp.start, sp.end): sp for sp in s.spans if sp.kind}
        if backend == "rules+crf":
            first, then = [], found
        else:
            # a known name the tagger misses, or reads as another known name inside it, is taken first ("التحالف
            # الدولي ضد داعش", not "داعش"): the story's facts and claims need its key
            known = [
                span for span, sp in rules.items() if sp.key and sp.cue is None and _known_whole(s, span, sp.key, found)
            ]
            first, then = [*known, *found], list(rules) if backend == "crf+rules" else []
            s.spans, s.owner = [], [None] * len(s.norms)
        for kind, i, j in [*first, *then]:
            ruled = rules.get((kind, i, j))
            if ruled is not None:
                s.add(ruled)  # the same span as a rule's: its key, role and cue stay
                continue
            entry = gaz.lookup(s.between(i, j))
            key = entry.key if entry is not None and _KIND_OF_ENTRY[entry.kind] == kind else None
            # a title the rules bound to a name the tagger reads with other bounds stays that name's
            role = next((r.role for r in rules.values() if r.kind == kind and r.start < j and i < r.end), None)
            s.add(_Span(i, j, kind, key, role, cue="crf"))


def _known_whole(s: _Sentence, span: _WordSpan, key: str | None, found: Sequence[_WordSpan]) -> bool:
    """Whether a person or organisation the gazetteer found (`key`) stands over the tagger's reading: where the
    tagger reads no name at all, or reads, inside it and nowhere past it, another known name of the same kind and
    never the name's own ("داعش" in "التحالف الدولي ضد داعش": the text names the coalition, not the group).
    Otherwise the tagger's bounds stand: they name the same entity, and held out on NewsFANE they match the
    annotators' better ("طالبان" of "حركة طالبان", "برشلونة" of "فريق برشلونة"). Places always keep the tagger's
    reading (held out, the gazetteer's places it leaves out cost more precision than they bring recall)."""
    kind, i, j = span
    if kind == "place":
        return False
    gaz = gazetteer()
    inside: list[str | None] = []
    for found_kind, start, end in found:
        if start < j and i < end:
            if found_kind != kind or start < i or end > j:
                return False
            entry = gaz.lookup(s.between(start, end))
            inside.append(entry.key if entry is not None and _KIND_OF_ENTRY[entry.kind] == kind else None)
    return not inside or (key not in inside and any(inside))


def _conjunction_before_name(raw: str, cues: Cues) -> bool:
    """Whether a name's first word as written is و/ف glued to a given name ("وصدام", "فمحمد"), not a name that
    starts with و ("وليد", "وائل")."""
    if raw[:1] not in "وف" or len(raw) < 4:
        return False
    word = normalize(raw)
    if word in cues.given or word in cues.given_ambiguous or word in cues.given_weak:
        return False
    rest = word[1:]
    return rest in cues.given or rest in cues.given_ambiguous or rest in cues.given_weak


def _surnames_alone(read: list[_Sentence], cues: Cues) -> None:
    surnames: dict[str, str | None] = {}
    for s in read:
        for span in s.spans:
            if span.kind != "person" or span.end - span.start < 2:
                continue
            last = s.norms[span.end - 1]
            distinctive = len(last) >= 3 and last not in cues.particles and last not in cues.stops
            if distinctive and _given_name(s, span.end - 1) is None:
                surnames.setdefault(last, span.key)
    if not surnames:
        return
    written = {form for name in surnames for form in _clitic_forms(name)}  # every way a surname can be written
    for s in read:
        if written.isdisjoint(s.norms):
            continue
        for i, norm in enumerate(s.norms):
            if norm not in written or s.owner[i] is not None:
                continue
            reading = next((r for r in surface_readings(norm) if r in surnames), None)
            if reading is not None:
                s.add(_Span(i, i + 1, "person", surnames[reading], cue="surname"))


def _clitic_forms(name: str) -> list[str]:
    """A word with the clitics `surface_readings` takes off: "بوريطه" → "وبوريطه", "لبوريطه"...; "الحريري" →
    "للحريري"."""
    forms = [name]
    if name.startswith("ال"):
        forms.append("لل" + name[2:])
    forms += [p + f for f in list(forms) for p in "بلك"]
    forms += [c + f for f in list(forms) for c in "وف"]
    return forms


def find_dates(article: Article, sentences: Sequence[Sentence]) -> tuple[DateMention, ...]:
    """Dates written in the article, relative ones resolved against its publication date."""
    found: list[DateMention] = []
    for sentence in sentences:
        dates = date_finder.find_dates(sentence.text, article.published)
        for at, d in enumerate(dates):
            following = dates[at + 1] if at + 1 < len(dates) else None
            if d.relative and following and not following.relative and following.start - d.end <= 3:
                continue  # "يوم الخميس 15 يونيو": the written date says which Thursday
            found.append(
                DateMention(
                    text=d.text,
                    value=d.value,
                    article_id=article.id,
                    sentence=sentence.index,
                    relative=d.relative,
                    precision=d.precision,
                    start=d.start,
                    end=d.end,
                )
            )
    return tuple(found)
