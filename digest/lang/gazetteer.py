"""A multilingual gazetteer: one canonical name per language for every known person, organisation, place, country.

Data files under `digest/data/gazetteer/` (each names its sources in its header):
`countries.tsv` (Babel/CLDR names, nisba exceptions, English adjectives), `places.tsv` (capitals and major
cities with Arabic exonyms), `organizations.tsv`, `persons.tsv` (heads of state and government, foreign
ministers, top diplomats), `roles.tsv` and `roles_country.tsv` (the role lexicon).

Matching works on names normalised with `digest.lang.arabic.normalize`, token by token, with the article ال
optional and the clitics و ف ب ل ك allowed on the first word ("وبلينكن", "بمراكش", "للمغرب").
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate, repeat
from operator import itemgetter
from typing import NamedTuple

from camel_tools.utils.dediac import dediac_ar

from digest.errors import DigestError
from digest.lang.arabic import normalize
from digest.resources import read_lines, read_tsv
from digest.runtime.memo import PerWord

KINDS = ("person", "organization", "place", "country")
_LANGS = ("ar", "en", "es")

# A word: letters and digits with Arabic diacritics, tatweel and zero-width joiners inside.
_WORD = re.compile(r"[^\W_][\w\u064B-\u065F\u0670\u0640\u200C\u200D]*")
_CONJ = "وف"
_PREP = "بلك"
_CLITICS = frozenset(_CONJ + _PREP)  # a word starting with none of them has no clitic reading
# First words that join the next one when it starts with ال or is a known second half ("عبد الله" = "عبدالله").
_JOIN_FIRST = frozenset({"عبد", "ابو", "بو"})


class GazetteerError(DigestError):
    """A gazetteer data file is malformed."""


@dataclass(frozen=True)
class Entry:
    """A known person, organisation, place or country, with its canonical names."""

    key: str  # stable id, e.g. "person:antony-blinken", "place:marrakesh", "country:MA"
    kind: str  # "person" | "organization" | "place" | "country"
    names: dict[str, str]  # canonical {"ar":..., "en":..., "es":...}
    variants: tuple[str, ...]  # Arabic (and Latin) surface forms, spelling variants
    country: str | None = None  # ISO 3166 alpha-2 for places, persons, organisations when relevant
    role: dict[str, str] | None = None  # default title of a person {"ar", "en", "es"}
    gender: str | None = None  # "m" | "f" for persons, when known

    def __hash__(self) -> int:
        return hash(self.key)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Entry) and other.key == self.key


class Token(NamedTuple):
    """A word of a text: its span and its normalised forms."""

    start: int
    end: int
    norm: str  # normalised
    bare: str  # normalised, article ال removed


def bare(token: str) -> str:
    """A normalised token without its leading article (ال), if what remains is a word."""
    if token.startswith("ال") and len(token) >= 4:
        return token[2:]
    return token


@lru_cache(maxsize=200_000)
def clitic_readings(token: str) -> tuple[str, ...]:
    """The bare forms a normalised first word can stand for: as written, and without و/ف + ب/ل/ك in front."""
    if token[:1] not in _CLITICS:
        return (bare(token),)
    out = [bare(token)]
    rest = token
    if len(rest) > 3 and rest[0] in _CONJ:
        rest = rest[1:]
        out.append(bare(rest))
    if len(rest) > 3 and rest[0] in _PREP:
        if rest[0] == "ل" and rest.startswith("لل"):
            out.append(bare("ال" + rest[2:]))
        out.append(bare(rest[1:]))
    return tuple(dict.fromkeys(out))


def tokenize(text: str) -> list[Token]:
    """Words of a text with their spans; "عبد الله" and "أبو ظبي" become one word as in "عبدالله"."""
    return split_words(text)[0]


_NORM, _BARE = PerWord(normalize, 400_000), PerWord(bare, 400_000)
_NORM_OF = itemgetter(2)  # Token.norm, read in C
_SPLIT = re.compile(f"({_WORD.pattern})")


class Words(NamedTuple):
    """A text's words as parallel lists, with no object per word (`read_words`)."""

    norms: list[str]  # normalised
    raws: list[str]  # as written
    starts: list[int]  # character offsets of each word in the text
    ends: list[int]
    separators: list[str]  # separators[i]: the text before word i


def read_words(text: str) -> Words:
    """The words of a text as `tokenize` reads them ("عبد الله" and "أبو ظبي" are one word), as parallel lists.

    Built with `map` and `accumulate` over one `re.split`: this runs on every sentence of every article, and
    making no tuple per word also spares the garbage collector.
    """
    parts = _SPLIT.split(text)
    raws = parts[1::2]
    separators = parts[0:-1:2]
    offsets = list(accumulate(map(len, parts)))
    norms = list(map(_NORM.__getitem__, raws))
    starts = offsets[0:-1:2]
    ends = offsets[1::2]
    if not _JOIN_FIRST.isdisjoint(norms):
        for i in reversed(_joined_pairs(norms, offsets)):  # from the end, so that earlier indices stay valid
            norms[i : i + 2] = [norms[i] + norms[i + 1]]
            raws[i : i + 2] = [text[starts[i] : ends[i + 1]]]
            del starts[i + 1], ends[i], separators[i + 1]
    return Words(norms, raws, starts, ends, separators)


def split_words(text: str) -> tuple[list[Token], list[str], list[str]]:
    """`tokenize`, with each token's text as written and the text before it (separators, for punctuation)."""
    norms, raws, starts, ends, separators = read_words(text)
    spans = zip(starts, ends, norms, map(_BARE.__getitem__, norms), strict=True)
    return list(map(tuple.__new__, repeat(Token), spans)), raws, separators


def _joined_pairs(norms: list[str], offsets: list[int]) -> list[int]:
    """Indices of the words that join the next one ("عبد الله", "أبو ظبي"), left to right as the text reads:
    "أبو أبو X" joins the first two words. `offsets` are the running ends of `re.split`'s parts."""
    pairs: list[int] = []
    for i, norm in enumerate(norms):
        if (
            norm in _JOIN_FIRST
            and i + 1 < len(norms)
            and (not pairs or pairs[-1] < i - 1)
            and offsets[2 * i + 2] - offsets[2 * i + 1] <= 2  # the gap between word i and word i + 1
            and (norm in ("ابو", "بو") or norms[i + 1].startswith("ال"))
        ):
            pairs.append(i)
    return pairs


@lru_cache(maxsize=100_000)
def name_key(surface: str) -> tuple[str, ...]:
    """A loose key of a name for grouping: its normalised tokens without the article."""
    return tuple(t.bare for t in tokenize(surface))


def surface_key(surface: str) -> tuple[str, ...]:
    """The matching key of a name: its normalised tokens, article kept ("المالي" is not "مالي")."""
    return tuple(t.norm for t in tokenize(surface))


@lru_cache(maxsize=200_000)
def surface_readings(token: str) -> tuple[str, ...]:
    """What a normalised first word can be once clitics are taken off: "وبالمغرب" → "المغرب", "للمغرب" → "المغرب"."""
    if token[:1] not in _CLITICS:
        return (token,)
    out = [token]
    rest = token
    if len(rest) > 3 and rest[0] in _CONJ:
        rest = rest[1:]
        out.append(rest)
    if len(rest) > 3 and rest[0] in _PREP:
        if rest[0] == "ل" and rest.startswith("لل"):
            out.append("ال" + rest[2:])
        out.append(rest[1:])
    return tuple(dict.fromkeys(out))


def nisba_forms(arabic_country: str) -> list[str]:
    """Masculine nisba adjectives made by rule from a one-word Arabic country name, with ال.

    المغرب → المغربي; إسبانيا → الإسباني; فرنسا → الفرنسي; السعودية → السعودي; تونس → التونسي.
    Multi-word names get none (their adjectives are listed as exceptions in the data).
    """
    name = arabic_country.strip()
    if " " in name or "-" in name or len(name) < 3:
        return []
    stem = name[2:] if name.startswith("ال") else name
    if stem.endswith("يا") and len(stem) > 3:
        stem = stem[:-1]
    elif stem.endswith("ية") or stem.endswith("ا") or stem.endswith("ة"):
        stem = stem[:-2] + "ي" if stem.endswith("ية") else stem[:-1]
    if not stem.endswith("ي"):
        stem += "ي"
    return ["ال" + stem]


def _feminine(adjective: str) -> str:
    return " ".join(word + "ة" if word.endswith("ي") else word for word in adjective.split())


@dataclass(frozen=True)
class CountryInfo:
    """What titles need to know about a country: its adjectives in Arabic and English, its Spanish "de X"."""

    code: str
    nisba: tuple[str, ...]  # masculine Arabic adjectives with ال, the first is canonical
    en_adj: str
    es_of: str


@dataclass(frozen=True)
class RoleRule:
    key: str
    pattern: re.Pattern[str]
    ar: str
    ar_f: str
    en: str
    es: str
    es_f: str


class Gazetteer:
    """Known names and how to find them in text."""

    def __init__(self, entries: Iterable[Entry], countries: Iterable[CountryInfo]) -> None:
        self._entries: dict[str, Entry] = {}
        self._names: dict[tuple[str, ...], Entry] = {}
        self._first: dict[str, list[tuple[str, ...]]] = {}
        for entry in entries:
            if entry.key in self._entries:
                raise GazetteerError(f"gazetteer: duplicate key {entry.key}; make keys unique in the data files")
            self._entries[entry.key] = entry
            surfaces = [entry.names.get(lang, "") for lang in _LANGS] + list(entry.variants)
            for surface in surfaces:
                keys = [surface_key(surface)]
                if "غ" in surface and entry.kind != "organization":  # Egyptian spelling of foreign g: هونج كونج
                    keys.append(surface_key(surface.replace("غ", "ج")))
                for key in keys:
                    if key and key not in self._names:  # earlier files win: persons, orgs, countries, places
                        self._names[key] = entry
                        self._first.setdefault(key[0], []).append(key)
        for keys in self._first.values():
            keys.sort(key=len, reverse=True)
        self.countries: dict[str, CountryInfo] = {c.code: c for c in countries}
        self._names_of: dict[str, dict[str, str]] | None = None
        # the keys a written first word can start, filled as words are met (bounded by the vocabulary)
        self._candidates: dict[str, tuple[tuple[str, ...], ...]] = {}
        self._tails: dict[str, tuple[tuple[int, list[str], Entry], ...]] = {}
        self._adjectives: dict[str, str] = {}
        for info in self.countries.values():
            for masc in info.nisba:
                for form in (masc, _feminine(masc)):
                    self._adjectives.setdefault(" ".join(name_key(form)), info.code)

    def __len__(self) -> int:
        return len(self._entries)

    def __iter__(self) -> Iterator[Entry]:
        return iter(self._entries.values())

    def get(self, key: str) -> Entry:
        """The entry with this key (KeyError if unknown)."""
        return self._entries[key]

    def lookup(self, surface: str) -> Entry | None:
        """The entry a name as written stands for (any variant, with or without ال and clitics), or None."""
        tokens = tokenize(surface)
        if not tokens:
            return None
        found = self._match(tokens, 0)
        if found and found[0] == len(tokens):
            return found[1]
        # Asked about one name, allow the article to differ on its first word ("لعمامرة" / "العمامرة").
        first = tokens[0]
        other = first.norm[2:] if first.norm.startswith("ال") else "ال" + first.norm
        found = self._match([first._replace(norm=other), *tokens[1:]], 0)
        return found[1] if found and found[0] == len(tokens) else None

    def find(self, text: str) -> list[tuple[int, int, Entry]]:
        """Every known name in a text, leftmost longest, as (start, end, entry) character spans."""
        return [(tokens[i].start, tokens[j - 1].end, e) for tokens, i, j, e in self.find_tokens(tokenize(text))]

    def find_tokens(
        self, tokens: list[Token], starts: Iterable[int] | None = None
    ) -> list[tuple[list[Token], int, int, Entry]]:
        """Known names in a token list: (tokens, first index, end index, entry), leftmost longest.

        `starts`, when given, are the only indices (ascending) where a name may begin (see `starts_name`).
        """
        return [(tokens, i, j, entry) for i, j, entry in self.find_words(list(map(_NORM_OF, tokens)), starts)]

    def find_words(self, norms: list[str], starts: Iterable[int] | None = None) -> list[tuple[int, int, Entry]]:
        """`find_tokens` over normalised words: (first index, end index, entry), leftmost longest."""
        found = []
        cache, n, end = self._tails, len(norms), 0
        for i in range(n) if starts is None else starts:
            if i < end:
                continue
            norm = norms[i]
            candidates = cache.get(norm)
            if candidates is None:
                candidates = self._tails_of(norm)
            for size, tail, entry in candidates:
                if size == 1 or (i + size <= n and norms[i + 1 : i + size] == tail):
                    end = i + size
                    found.append((i, end, entry))
                    break
        return found

    def _tails_of(self, norm: str) -> tuple[tuple[int, list[str], Entry], ...]:
        """The names a written word can begin, longest first, as (length, their other words, entry)."""
        tails = self._tails[norm] = tuple(
            (len(key), list(key[1:]), self._names[key]) for key in self._candidates_for(norm)
        )
        return tails

    def starts_name(self, norm: str) -> bool:
        """Whether a known name can begin with this normalised word (clitics allowed)."""
        return bool(self._candidates_for(norm))

    def _candidates_for(self, norm: str) -> tuple[tuple[str, ...], ...]:
        """The keys of the names a written word can begin, longest first (remembered per word)."""
        candidates = self._candidates.get(norm)
        if candidates is None:
            keys = [key for first in surface_readings(norm) for key in self._first.get(first, ())]
            candidates = tuple(sorted(keys, key=len, reverse=True)) if len(keys) > 1 else tuple(keys)
            self._candidates[norm] = candidates
        return candidates

    def _match(self, tokens: list[Token], i: int) -> tuple[int, Entry] | None:
        for key in self._candidates_for(tokens[i].norm):
            n = len(key)
            if i + n <= len(tokens) and all(tokens[i + k].norm == key[k] for k in range(1, n)):
                return i + n, self._names[key]
        return None

    @property
    def names_of(self) -> dict[str, dict[str, str]]:
        """Names of countries and organisations by key (for titles: "of Spain", "of the United Nations")."""
        if self._names_of is None:
            self._names_of = {e.key: e.names for e in self if e.kind in ("country", "organization")}
        return self._names_of

    def adjective_country(self, surface: str) -> str | None:
        """The country code of a nisba adjective as written ("الأمريكي", "المغربية", "والإسباني"), or None."""
        if " " not in surface:
            return self.word_adjective_country(normalize(surface))
        tokens = tokenize(surface)
        if not tokens:
            return None
        rest = " ".join(t.bare for t in tokens[1:])
        for first in clitic_readings(tokens[0].norm):
            code = self._adjectives.get(f"{first} {rest}".strip())
            if code:
                return code
        return None

    def word_adjective_country(self, norm: str) -> str | None:
        """`adjective_country` for one word already normalised (the hot path of `digest.synthesize.facts`)."""
        adjectives = self._adjectives
        return next((c for r in clitic_readings(norm) if (c := adjectives.get(r))), None)

    def country_names(self, code: str) -> dict[str, str] | None:
        """The country's names in ar/en/es, or None for an unknown code."""
        entry = self._entries.get(f"country:{code}")
        return dict(entry.names) if entry else None


@lru_cache(maxsize=1)
def _institutions() -> dict[tuple[str, ...], dict[str, tuple[str, str]]]:
    """Heads of `gazetteer/institutions.tsv`: normalised words → country code ("" for any) → (en, es)."""
    table: dict[tuple[str, ...], dict[str, tuple[str, str]]] = {}
    for row in read_tsv("gazetteer/institutions.tsv"):
        table.setdefault(tuple(normalize(row["ar"]).split()), {})[row["country"] or ""] = (row["en"], row["es"])
    return table


def institution_names(arabic: str) -> dict[str, str] | None:
    """A state institution named by its head and its country's adjective, in ar/en/es ("وزارة الدفاع الروسية" →
    "Russian Ministry of Defence", "Ministerio de Defensa de Rusia"; "وزارة الداخلية" → "Ministry of the
    Interior"); None for any other name (a head with anything but a country's adjective after it)."""
    words = arabic.split()
    norms = tuple(normalize(w) for w in words)
    heads = _institutions()
    size = next((k for k in range(len(norms), 0, -1) if norms[:k] in heads), 0)
    if not size:
        return None
    by_country = heads[norms[:size]]
    rest = " ".join(words[size:])
    if not rest:
        general = by_country.get("")
        return {"ar": arabic, "en": general[0], "es": general[1]} if general else None
    gaz = gazetteer()
    info = gaz.countries.get(gaz.adjective_country(rest) or "")
    names = gaz.country_names(info.code) if info else None
    if info is None or names is None:
        return None
    if info.code in by_country:  # the country's own name for it
        en, es = by_country[info.code]
    elif "" in by_country:
        en, es = _of_country(*by_country[""], info, names)
    else:
        return None
    return {"ar": arabic, "en": en, "es": es}


def _split(cell: str | None) -> tuple[str, ...]:
    return tuple(v.strip() for v in (cell or "").split("|") if v.strip())


def _names(row: dict[str, str]) -> dict[str, str]:
    ar, en = row["ar"].strip(), row["en"].strip()
    return {"ar": ar, "en": en, "es": (row.get("es") or "").strip() or en}


def _rows(name: str, required: tuple[str, ...]) -> tuple[dict[str, str], ...]:
    rows = read_tsv(f"gazetteer/{name}")
    for number, row in enumerate(rows, 2):
        missing = [c for c in required if not (row.get(c) or "").strip()]
        if missing:
            raise GazetteerError(f"gazetteer/{name}: row {number} lacks {', '.join(missing)}; fill it in")
    return rows


@lru_cache(maxsize=1)
def role_rules() -> tuple[RoleRule, ...]:
    """The role lexicon, in priority order."""
    rules = []
    for row in _rows("roles.tsv", ("key", "pattern", "ar", "en", "es")):
        rules.append(
            RoleRule(
                key=row["key"],
                pattern=re.compile(row["pattern"]),
                ar=row["ar"],
                ar_f=row.get("ar_f") or row["ar"],
                en=row["en"],
                es=row["es"],
                es_f=row.get("es_f") or row["es"],
            )
        )
    return tuple(rules)


@lru_cache(maxsize=1)
def _role_overrides() -> dict[tuple[str, str], dict[str, str]]:
    return {(r["key"], r["country"]): r for r in _rows("roles_country.tsv", ("key", "country", "ar", "en", "es"))}


def _countries() -> tuple[list[Entry], list[CountryInfo]]:
    entries, infos = [], []
    for row in _rows("countries.tsv", ("code", "ar", "en")):
        code = row["code"].strip()
        names = _names(row)
        nisba = _split(row.get("nisba")) or tuple(nisba_forms(names["ar"]))
        entries.append(Entry(f"country:{code}", "country", names, (names["ar"], *_split(row.get("variants"))), code))
        infos.append(CountryInfo(code, nisba, (row.get("en_adj") or "").strip(), (row.get("es_of") or "").strip()))
    return entries, infos


def _simple(name: str, kind: str) -> list[Entry]:
    entries = []
    for row in _rows(name, ("key", "ar", "en")):
        country = (row.get("country") or "").strip() or None
        names = _names(row)
        entries.append(Entry(row["key"].strip(), kind, names, (names["ar"], *_split(row.get("variants"))), country))
    return entries


def _persons(countries: dict[str, CountryInfo], names_of: dict[str, dict[str, str]]) -> list[Entry]:
    entries = []
    for row in _rows("persons.tsv", ("key", "ar", "en")):
        country = (row.get("country") or "").strip() or None
        gender = (row.get("gender") or "").strip() or None
        role_key, _, affiliation = (row.get("role") or "").strip().partition("@")
        role = compose_role(role_key, affiliation or country, gender == "f", countries, names_of) if role_key else None
        names = _names(row)
        variants = (names["ar"], *_split(row.get("variants")))
        entries.append(Entry(row["key"].strip(), "person", names, variants, country, role, gender))
    return entries


def compose_role(
    role_key: str,
    affiliation: str | None,
    feminine: bool,
    countries: dict[str, CountryInfo],
    names_of: dict[str, dict[str, str]],
    acting: bool = False,
    former: bool = False,
) -> dict[str, str] | None:
    """A title in ar/en/es from a role key and an affiliation (country code or organisation key); `acting`
    ("بالنيابة") and `former` ("السابق", "المخلوع", "الراحل": a title its holder no longer holds) qualify it."""
    rule = next((r for r in role_rules() if r.key == role_key), None)
    if rule is None:
        return None
    override = _role_overrides().get((role_key, affiliation or ""))
    if override:
        ar = (override.get("ar_f") or override["ar"]) if feminine else override["ar"]
        en = override["en"]
        es = (override.get("es_f") or override["es"]) if feminine else override["es"]
    else:
        ar = rule.ar_f if feminine else rule.ar
        en = rule.en
        es = rule.es_f if feminine else rule.es
        info = countries.get(affiliation or "")
        names = names_of.get(f"country:{affiliation}") if info else names_of.get(affiliation or "")
        if info and names:
            ar = _with_nisba(ar, info.nisba[0] if info.nisba else "", feminine)
            en, es = _of_country(en, es, info, names)
        elif names:
            of = "لل" + names["ar"][2:] if names["ar"].startswith("ال") else "ل" + names["ar"]
            ar, en, es = f"{ar} {of}", f"{en}, {names['en']}", f"{es}, {names['es']}"
    if acting:
        en = f"Acting {en}"
        es = f"{es} {'interina' if feminine else 'interino'}"
        ar = f"{ar} بالنيابة"
    if former:
        en = f"Former {en}"
        head, _, rest = es.partition(" ")
        # "expresidente iraquí", "exministra de Asuntos Exteriores"; "ex primer ministro" (a head of two words)
        es = f"ex{head} {rest}".strip() if head in _ES_ONE_WORD_HEADS else f"ex {es}"
        ar = f"{ar} {'السابقة' if feminine else 'السابق'}"
    return {"ar": ar, "en": en, "es": es}


_ES_ONE_WORD_HEADS = frozenset(
    [
        "presidente",
        "presidenta",
        "ministro",
        "ministra",
        "embajador",
        "embajadora",
        "canciller",
        "rey",
        "reina",
        "director",
        "directora",
        "jefe",
        "jefa",
        "portavoz",
        "enviado",
        "enviada",
    ]
)
_FORMER = frozenset({"السابق", "السابقه", "المخلوع", "المخلوعه", "الراحل", "الراحله"})


def _of_country(en: str, es: str, info: CountryInfo, names: dict[str, str]) -> tuple[str, str]:
    """An English and a Spanish title or institution of a country: "{en_adj} {en}" ("Spanish Minister of Foreign
    Affairs"), else "{en} of {Country}"; "{es} {es_of}" ("ministro de Asuntos Exteriores de España")."""
    return (
        f"{info.en_adj} {en}" if info.en_adj else f"{en} of {names['en']}",
        f"{es} {info.es_of}" if info.es_of else f"{es} de {names['es']}",
    )


def _with_nisba(title: str, adjective: str, feminine: bool) -> str:
    """Put the nisba right after the title's first definite word: "مساعدة وزير الخارجية الأمريكي للشؤون ..."."""
    if not adjective:
        return title
    words = title.split()
    at = next((i + 1 for i, w in enumerate(words) if i > 0 and w.startswith("ال")), len(words))
    # The adjective agrees with the title's head noun only when it directly follows it ("وزيرة الخارجية الأمريكية").
    adjective = _feminine(adjective) if feminine and at <= 2 else adjective
    return " ".join([*words[:at], adjective, *words[at:]])


def _is_feminine_title(word: str) -> bool:
    word = bare(word)
    return len(word) >= 4 and word.endswith("ه") and word not in {"امانه"}


@lru_cache(maxsize=50_000)
def _role_names(arabic_role: str, country: str | None, feminine: bool | None) -> tuple[tuple[str, str], ...] | None:
    names = _compute_role_names(arabic_role, country, feminine)
    return tuple(names.items()) if names else None


def role_names(arabic_role: str, country: str | None = None, feminine: bool | None = None) -> dict[str, str] | None:
    """An Arabic title as written → {"ar", "en", "es"}, or None when it is not in the role lexicon.

    "وزير الخارجية الأمريكي" → {"en": "US Secretary of State", "es": "secretario de Estado de EE. UU.", ...}.
    The country comes from the title itself (a nisba adjective, a country or organisation name), else from
    `country` (the person's); `feminine` defaults to the grammatical gender of the title's first word.
    """
    names = _role_names(arabic_role, country, feminine)
    return dict(names) if names else None


def _compute_role_names(arabic_role: str, country: str | None, feminine: bool | None) -> dict[str, str] | None:
    """An Arabic title as written → {"ar", "en", "es"}, or None when it is not in the role lexicon.

    "وزير الخارجية الأمريكي" → {"en": "US Secretary of State", "es": "secretario de Estado de EE. UU.", ...}.
    The country comes from the title itself (a nisba adjective, a country or organisation name), else from
    `country` (the person's); `feminine` defaults to the grammatical gender of the title's first word.
    """
    text = " ".join(normalize(arabic_role).split())
    text = re.sub(r"[^\w\s]", " ", text)
    text = " ".join(text.split())
    if not text:
        return None
    match, rule = next(((m, r) for r in role_rules() if _at_head(m := r.pattern.search(text))), (None, None))
    if match is None or rule is None or not _SUBNATIONAL.isdisjoint(text.split()):
        return None  # "رئيس حكومة ولاية فيكتوريا" is a state's premier, not a Prime Minister
    gaz = gazetteer()
    # the country is named after the office, not inside it: "وزير المالية" is Finance, not Mali's ("المالي")
    affiliation = _affiliation(text, gaz, match.end()) or country
    if feminine is None:
        feminine = _is_feminine_title(text.split()[0])
    names_of = gaz.names_of
    acting = "بالنيابه" in text or "بالوكاله" in text
    former = not _FORMER.isdisjoint(text.split())
    return compose_role(rule.key, affiliation, feminine, gaz.countries, names_of, acting, former)


def _at_head(match: re.Match[str] | None) -> bool:
    """Whether a role matched at the head of the title, its clitics aside ("ورئيس", "لرئيس الوزراء"), or at an
    office joined to it by "و" ("زعيم الحزب ورئيس الوزراء"): a title after another noun is that noun's
    complement ("مستشار ولي العهد", "ممثل الأمين العام": the adviser, the representative)."""
    if match is None:
        return False
    before = match.string[: match.start()]
    clitics = before.rpartition(" ")[2]  # glued to the word the role starts in
    if not _ROLE_CLITICS.fullmatch(clitics):
        return False
    return len(before) == len(clitics) or clitics.startswith("و")


_ROLE_CLITICS = re.compile(r"[وف]?(?:[بلك]|ال|بال|لل|كال)?")


# Units below a state (normalised): a title over one of them is a regional office, which the role lexicon does
# not hold ("رئيس إقليم كردستان", "رئيس حكومة ولاية فيكتوريا").
_SUBNATIONAL = frozenset({"ولايه", "الولايه", "اقليم", "الاقليم", "مقاطعه", "المقاطعه", "محافظه", "المحافظه"})


def _affiliation(arabic_role: str, gaz: Gazetteer, office_end: int = 0) -> str | None:
    """The country or organisation a title names in its words after the office's (which end at `office_end`)."""
    tokens = tokenize(arabic_role)
    first = next((i for i, t in enumerate(tokens) if t.start >= office_end), len(tokens))
    for i in range(first, len(tokens)):
        for n in (2, 1):
            if i + n <= len(tokens):
                code = gaz.adjective_country(" ".join(t.norm for t in tokens[i : i + n]))
                if code:
                    return code
    for _, i, end, entry in gaz.find_tokens(tokens):
        if end <= first:  # a name that runs on after the office's words counts ("رئيس جمهورية الصين الشعبية")
            continue
        if entry.kind == "country" and entry.country:
            return entry.country
        if entry.kind == "organization" and i > 0:
            return entry.key
    return None


@lru_cache(maxsize=1)
def gazetteer() -> Gazetteer:
    """The gazetteer shipped with the package, loaded once."""
    country_entries, infos = _countries()
    countries = {c.code: c for c in infos}
    organizations = _simple("organizations.tsv", "organization")
    places = _simple("places.tsv", "place")
    names_of = {e.key: e.names for e in [*country_entries, *organizations]}
    persons = _persons(countries, names_of)
    return Gazetteer([*persons, *organizations, *country_entries, *places], infos)


@lru_cache(maxsize=1)
def _romanization() -> tuple[dict[str, str], dict[str, str]]:
    rows = read_tsv("gazetteer/romanization.tsv")
    return {r["letter"]: r["initial"] or "" for r in rows}, {r["letter"]: r["medial"] or "" for r in rows}


_LONG_VOWELS = frozenset("اأإآىة")


@lru_cache(maxsize=1)
def _latin_given_names() -> dict[str, str]:
    table = {}
    for line in read_lines("gazetteer/given_names.txt"):
        name, _, latin = line.partition("\t")
        if latin.strip():
            table[normalize(name.rstrip("*").strip().replace(" ", ""))] = latin.strip()
    return table


@lru_cache(maxsize=50_000)
def romanize(arabic_name: str) -> str:
    """A readable Latin spelling of an Arabic name not in the gazetteer ("وليد الكبيسي" → "Walid al-Kabisi").

    Common given names take their usual spelling (`gazetteer/given_names.txt`); other words a simple
    journalistic letter scheme (`gazetteer/romanization.tsv`): و and ي read as vowels between consonants, an
    "a" between two opening consonants, the article as "al-" inside a name. Latin text passes through.
    """
    initial, medial = _romanization()
    known = _latin_given_names()
    words: list[str] = []
    for token in tokenize(arabic_name):
        word = dediac_ar(arabic_name[token.start : token.end]).replace("\u0640", "").replace(" ", "")
        if not any("\u0600" <= c <= "\u06ff" for c in word):
            words.append(word)
            continue
        if token.norm in known:
            words.append(known[token.norm])
            continue
        if word in initial and len(word) > 1:  # particles: بن → bin, آل → Al
            words.append(initial[word] if words else initial[word].capitalize())
            continue
        prefix = ""
        if word.startswith("ال") and len(word) > 3:
            prefix, word = ("al-" if words else "Al-"), word[2:]
        latin = _transliterate(word, initial, medial)
        if latin:
            words.append(prefix + latin[:1].upper() + latin[1:])
    return " ".join(words)


def _transliterate(word: str, initial: dict[str, str], medial: dict[str, str]) -> str:
    out = []
    for i, c in enumerate(word):
        before = word[i - 1] if i else ""
        after = word[i + 1] if i + 1 < len(word) else ""
        if c in "وي" and i:
            vowel_next = bool(after) and (after in _LONG_VOWELS or after in "وي")
            if c == "و":
                out.append("w" if vowel_next or before in "اوي" else "u")
            else:
                out.append("y" if vowel_next or before in "اوي" else "i")
            continue
        if c == "ع" and before and before not in _LONG_VOWELS and after and after not in _LONG_VOWELS:
            out.append("a")  # an unwritten vowel around ع: "مسعود" → "Masud" reads better than "Ms'ud"
            continue
        out.append((initial if i == 0 else medial).get(c, c if c.isascii() else ""))
    latin = "".join(out).strip("'")
    vowels = set("aeiou")
    # Short vowels are not written: open a leading consonant cluster ("Kbisi" → "Kabisi").
    if len(latin) > 2 and latin[0] not in vowels and latin[1] not in vowels and latin[:2] not in _DIGRAPHS:
        latin = latin[0] + "a" + latin[1:]
    return latin


_DIGRAPHS = frozenset({"th", "kh", "dh", "sh", "gh"})
