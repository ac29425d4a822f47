"""Synthesis, part 1: the story's Arabic summary and headline.

Entry point: `summarize(analyses, options) -> Summary`. In order:

1. candidates  every sentence of every article of the story, except those the rules of
               `data/summary/<lang>.json` and the options reject (page furniture, bylines, prompts, date
               lines, captions in another script, titles repeated in the body or pieces of the page's own
               title, unterminated short lines); a leading dateline ("إيلاف من الرباط:"), and a headline or
               the page's title (or its last part) glued before the lead, are cut off;
2. merge       near-identical sentences across articles (token Jaccard on light stems, found through a
               prefix-filtering index, not by comparing all pairs) become one candidate credited to every
               article; paraphrases (a lower Jaccard) count as support without being merged;
3. score       a linear mix of normalised features: centrality from a sumy summarizer (LexRank, TextRank or
               LSA, fed with our tokens and stop words), a position prior (the lead, then the share of the
               article read before the sentence), similarity to the story centroid (terms shared by several
               articles; a run of off-topic sentences such as an appended op-ed is dropped), support (how
               many articles say it) and recency (the latest state of the story first). Single articles and
               stories have their own centroid and position weights (`SummaryOptions`, tuned on EASC);
   A sentence that stands in `furniture_stories` different stories of the day (a newsletter prompt, a
   site's slogan: `site_furniture`) is never a candidate: news sentences are not shared by unrelated stories.
4. select      best first, skipping redundant sentences, within the budget in sentences and words;
5. order       the best news sentence first, then news (newest article first, in reading order), then
               background (foundation dates, pluperfect reminders).

The headline is the given title closest to the story's vocabulary, newer preferred; else a title found in a
page (above the body, or kept twice at its top) of the more central half of the reports; date lines, section
banners, foreign captions and titles cut short ("… من التحول ل") are never headlines. Without titles, the
most representative lead sentence stands in, cut after a clause when long, never one that opens with a
connective ("و أشار", "بدورها", "وتم"); nothing is composed that the articles do not say.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from functools import lru_cache
from itertools import chain, repeat
from operator import itemgetter, mul
from typing import Any
from urllib.parse import urlparse

import numpy
from scipy import sparse
from sumy.models.dom import ObjectDocumentModel, Paragraph
from sumy.models.dom import Sentence as SumySentence
from sumy.nlp.stemmers import Stemmer, null_stemmer
from sumy.summarizers.lex_rank import LexRankSummarizer
from sumy.summarizers.lsa import LsaSummarizer
from sumy.summarizers.text_rank import TextRankSummarizer

from digest.document import REPEATED_TITLE, Analysis, Article, Sentence, SummarySentence
from digest.errors import ConfigError
from digest.lang import arabic
from digest.lang.gazetteer import gazetteer
from digest.options import SummaryOptions
from digest.resources import read_json
from digest.runtime.groups import connected_groups
from digest.runtime.memo import PerWord


class MatrixLexRank(LexRankSummarizer):
    """sumy's LexRank with its two quadratic pure-Python steps done as sparse matrix products.

    The same quantities as sumy's own methods (tf / max tf, idf = log(N / (1 + n_j)), sumy's idf-modified
    cosine, the 0/1 graph over the threshold, rows divided by their degree) and sumy's power method: only the
    loops are gone (89 ms a story, most of synthesis, before).
    """

    def __call__(self, document: Any, sentences_count: Any) -> Any:
        self._vocabulary: dict[str, int] = {}
        return super().__call__(document, sentences_count)

    @property
    def stop_words(self) -> frozenset[str]:
        return self._stop_words

    @stop_words.setter
    def stop_words(self, words: Any) -> None:
        # sumy's setter normalises every stop word on every call, that is once per story: once per set here.
        self._stop_words = (
            _normalized_stop_words(words)
            if isinstance(words, frozenset)
            else frozenset(map(self.normalize_word, words))
        )

    def _to_words_set(self, sentence: Any) -> list[str]:
        # sumy's own: each word lower-cased (`normalize_word`), stop words dropped, then stemmed (`stem_word`:
        # lower-cased again by the null stemmer), a few Python calls per word; here both forms per distinct word.
        if self._stemmer is not null_stemmer:
            return super()._to_words_set(sentence)
        stops = self._stop_words
        return [stemmed for word, stemmed in map(_SUMY_FORMS.__getitem__, sentence.words) if word not in stops]

    def _compute_idf(self, sentences: Sequence[Sequence[str]]) -> dict[str, float]:
        df: Counter[str] = Counter(chain.from_iterable(map(set, sentences)))
        self._vocabulary = {t: i for i, t in enumerate(df)}
        return {t: math.log(len(sentences) / (1 + n)) for t, n in df.items()}

    def _create_matrix(
        self,
        sentences: Sequence[Sequence[str]],
        threshold: float,
        tf_metrics: Sequence[dict[str, float]],
        idf_metrics: dict[str, float],
    ) -> numpy.ndarray:
        rows: list[int] = []
        cols: list[int] = []
        values: list[float] = []
        column, idf = self._vocabulary.__getitem__, idf_metrics.__getitem__
        for row, tf in enumerate(tf_metrics):
            rows.extend(repeat(row, len(tf)))
            cols.extend(map(column, tf))
            values.extend(map(mul, tf.values(), map(idf, tf)))
        weights = sparse.csr_matrix((values, (rows, cols)), shape=(len(sentences), len(self._vocabulary)))
        norms = numpy.sqrt(numpy.asarray(weights.multiply(weights).sum(axis=1)).ravel())
        dots = (weights @ weights.T).toarray()
        with numpy.errstate(invalid="ignore", divide="ignore"):
            cosines = numpy.where(numpy.outer(norms, norms) > 0, dots / numpy.outer(norms, norms), 0.0)
        matrix = (cosines > threshold).astype(float)
        degrees = matrix.sum(axis=1)
        degrees[degrees == 0] = 1
        return matrix / degrees[:, None]


@lru_cache(maxsize=8)
def _normalized_stop_words(words: frozenset[str]) -> frozenset[str]:
    return frozenset(map(LexRankSummarizer.normalize_word, words))


_SUMY_FORMS = PerWord(lambda word: (word.lower(), null_stemmer(word.lower())))
"""A word → sumy's `normalize_word` of it and its `stem_word` with the null stemmer (both `str.lower`)."""

SUMMARIZERS: dict[str, Any] = {
    "lexrank": MatrixLexRank,
    "textrank": TextRankSummarizer,
    "lsa": LsaSummarizer,
}

_TERMINATED = re.compile(r"[.!?؟…:»\"”)]\s*$")
_NUMBERISH = re.compile(r"^[\d:/.\-–—|,]+$")


class SumyTokenizer:
    """The tokenizer interface sumy expects, over our Arabic-aware splitter and normaliser."""

    language = "arabic"

    def to_sentences(self, paragraph: str) -> tuple[str, ...]:
        return tuple(arabic.split_sentences(paragraph))

    def to_words(self, sentence: str) -> tuple[str, ...]:
        return tuple(arabic.content_tokens(sentence))


class _Pretokenized(SumyTokenizer):
    """Hands sumy the tokens analysis already computed, instead of tokenising again."""

    def __init__(self, tokens: dict[str, tuple[str, ...]]) -> None:
        self._tokens = tokens

    def to_words(self, sentence: str) -> tuple[str, ...]:
        return self._tokens.get(sentence) or super().to_words(sentence)


@dataclass(frozen=True)
class Summary:
    headline: str
    sentences: tuple[SummarySentence, ...]


@dataclass
class Candidate:
    """A sentence that may enter the summary, with what scoring and ordering need."""

    text: str
    article_id: str
    position: int  # rank among the kept sentences of its article (0 = lead)
    tokens: tuple[str, ...]
    words: int
    recency: float  # 1.0 = newest article of the story, 0.0 = oldest
    published: datetime | None
    background: bool
    sources: list[str] = field(default_factory=list)
    support: set[str] = field(default_factory=set)  # articles that carry it or a paraphrase of it
    relative_position: float = 0.0  # share of the article's kept words before this sentence (0 = lead)
    score: float = 0.0
    positions: dict[str, int] = field(default_factory=dict)  # article id -> its position there (merged copies)
    facts: frozenset[str] = frozenset()  # names, figures, dates and speech it reports (`sentence_facts`)
    centrality: float = 0.0  # sumy centrality in the story, divided by the best
    widget: bool = False  # furniture inside the sentence (a template marker, a date widget): never a headline
    minor: bool = False  # a short sentence kept only to read a lead whole; never chosen on its own
    needs_before: bool = False  # it leans on the sentence before it in its article (`refers_back`)


@lru_cache(maxsize=200_000)
def stem(token: str) -> str:
    """Snowball's Arabic light stem of a normalised token (sumy's `Stemmer("arabic")`, from NLTK)."""
    return _arabic_stemmer()(token) if arabic.ARABIC_LETTER.match(token) else token


@lru_cache(maxsize=1)
def _arabic_stemmer() -> Stemmer:
    stemmer = Stemmer("arabic")
    _untimed(getattr(stemmer._stemmer, "__self__", None))
    return stemmer


def _untimed(nltk_stemmer: object) -> None:
    """Give an NLTK stemmer its regular expressions without NLTK's wall-clock guard (`nltk.redos`): the same
    `regex` patterns, but each guarded call cost about 80 µs, most of stemming a word. The patterns are NLTK's
    own one-character classes, which cannot backtrack. An NLTK without `nltk.redos` has no guard to remove."""
    try:
        from nltk.redos import TimedPattern
    except ImportError:
        return
    for name in dir(type(nltk_stemmer)):
        pattern = getattr(type(nltk_stemmer), name, None)
        if isinstance(pattern, TimedPattern):
            setattr(nltk_stemmer, name, pattern._rx)


# --- rules ---------------------------------------------------------------------------------------------------


class AnyPattern:
    """Several regular expressions searched as one: `search` finds a match of the first that matches.

    Faster than one alternation of them all, which tries every branch at every position; and a rule without
    cased letters is compiled without IGNORECASE, which slows every literal it holds."""

    def __init__(self, patterns: Iterable[str], flags: int = 0) -> None:
        self.patterns = tuple(re.compile(p, flags & ~re.IGNORECASE if _caseless(p) else flags) for p in patterns)

    def search(self, text: str) -> re.Match[str] | None:
        for pattern in self.patterns:
            match = pattern.search(text)
            if match:
                return match
        return None


def _caseless(pattern: str) -> bool:
    """Whether a pattern holds no letter that has a case (escapes such as \\w aside)."""
    return all(c.lower() == c == c.upper() == c.casefold() for c in re.sub(r"\\.", "", pattern))


@dataclass(frozen=True)
class Rules:
    reject: AnyPattern  # every rejection rule
    background: tuple[re.Pattern[str], ...]
    calendar: frozenset[str]
    dateline: tuple[re.Pattern[str], ...] = ()
    open_ends: frozenset[str] = frozenset()
    continuation: tuple[re.Pattern[str], ...] = ()
    reporting: tuple[re.Pattern[str], ...] = ()
    widget: AnyPattern = field(default_factory=lambda: AnyPattern(()))
    tail_words: frozenset[str] = frozenset()
    refers_back: tuple[re.Pattern[str], ...] = ()
    lead_verbs: frozenset[str] = frozenset()


@lru_cache(maxsize=8)
def rules(language: str = "ar") -> Rules:
    """The sentence rules of `data/summary/<language>.json` (Arabic rules for languages without a file)."""
    try:
        data = read_json(f"summary/{language}.json")
    except FileNotFoundError:
        data = read_json("summary/ar.json")
    return Rules(
        reject=AnyPattern(data["reject"], re.IGNORECASE),
        background=tuple(re.compile(p) for p in data["background"]),
        calendar=frozenset(arabic.normalize(w) for w in data["calendar"]),
        dateline=tuple(re.compile(p) for p in data.get("dateline", ())),
        open_ends=frozenset(arabic.normalize(w) for w in data.get("open_ends", ())),
        continuation=tuple(re.compile(p) for p in data.get("continuation", ())),
        reporting=tuple(re.compile(p) for p in data.get("reporting", ())),
        widget=AnyPattern(data.get("widget", ())),
        tail_words=frozenset(arabic.normalize(w) for w in data.get("tail_words", ())),
        refers_back=tuple(re.compile(p) for p in data.get("refers_back", ())),
        lead_verbs=frozenset(arabic.normalize(w) for w in data.get("lead_verbs", ())),
    )


def strip_dateline(text: str, language: str = "ar") -> str:
    """The sentence without a leading dateline ("إيلاف من الرباط:"), when what is left is a sentence; twice at
    most (a caption's credit, then a view counter after it)."""
    for _ in range(_DATELINE_PASSES):
        for pattern in rules(language).dateline:
            match = pattern.match(text)
            if match and match.end() > 0 and arabic.word_count(text[match.end() :]) >= 4:
                text = text[match.end() :]
                break
        else:
            break
    return text


_DATELINE_PASSES = 2


_WORD = re.compile(r"\S+")
_MIN_TITLE_WORDS = 4  # a repeated run or a title this long, glued before the report, is cut
_TITLE_WITHIN = 8  # ... when it starts within this many words of the sentence's start
_LEFT_WORDS = 6  # ... and at least this many words of report follow it


def strip_glued_title(text: str, title: str | None) -> str:
    """The sentence without the page's title glued before its report: the article's own title starting within
    its first words ("تفاصيل زيارة ... ( فيديو وصور ) قال الكرملين ..."), or a run of words that opens the
    sentence and comes again in it (a title kept two or three times at a flattened page's top, with "خبر
    عاجل" between); everything up to the end of the last copy goes, if enough of a report is left. Words are
    compared as written: the copies come from one page."""
    spans = [(m.start(), m.end()) for m in _WORD.finditer(text)]
    if len(spans) < _MIN_TITLE_WORDS + _LEFT_WORDS:
        return text
    words = [text[a:b] for a, b in spans]
    cut = 0
    again = [j for j in range(_MIN_TITLE_WORDS, len(words)) if words[j] == words[0]]  # most sentences: none
    for size in range(min(len(words) // 2, 40), _MIN_TITLE_WORDS - 1, -1) if again else ():
        copies = [j for j in again if j >= size and words[j : j + size] == words[:size]]
        if copies:
            cut = copies[-1] + size
            break
    for wanted in _title_runs(title):
        found = next(
            (
                j
                for j in range(cut, min(cut + _TITLE_WITHIN, len(words) - len(wanted)) + 1)
                if words[j] == wanted[0] and words[j : j + len(wanted)] == wanted
            ),
            None,
        )
        if found is not None:
            cut = found + len(wanted)
            break
    if cut == 0 or len(words) - cut < _LEFT_WORDS:
        return text
    return text[spans[cut][0] :]


_HEAD_WITHIN = 25  # a headline glued before a lead: the lead's verb stands within this many words
_LEAD_LEFT = 8  # ... and at least this many words of report follow from it
_NOT_AFTER = frozenset({",", "،", "-", "–", "—", "و"})  # a verb after these goes on with the sentence before it
_REFERS_BACK = frozenset({"فيه", "فيها", "فيهم"})  # "بيانا قالت فيه": a relative clause, not a lead


def strip_glued_headline(text: str, language: str = "ar") -> str:
    """The sentence without a headline or caption glued before its report's lead: a lead verb ("قال", "أعلن";
    `lead_verbs`) standing bare in its first words, after a run of four words or more that shares two of its
    content words (and a third of the run's) with what follows. A headline says in short what the lead then
    tells ("صواريخ إسرائيلية تستهدف منشأة قرب دمشق قال التلفزيون السوري إن إسرائيل أطلقت صواريخ على منشأة
    ..."); in prose a verb of speech follows a conjunction, a comma or a particle, or has no subject after it.
    A run that opens as a sentence that goes on from another ("وعن العلاقة ... قال") is prose."""
    data = rules(language)
    if not data.lead_verbs:
        return text
    spans = [(m.start(), m.end()) for m in _WORD.finditer(text)]
    words = [text[a:b] for a, b in spans]
    stops = arabic.stop_words(language)
    for k in range(_MIN_TITLE_WORDS, min(len(words) - _LEAD_LEFT, _HEAD_WITHIN)):
        if arabic.normalize(words[k]) not in data.lead_verbs or words[k - 1] in _NOT_AFTER:
            continue
        before, after = arabic.normalize(words[k - 1]), arabic.normalize(words[k + 1])
        if before in stops or after in stops or after in data.calendar or words[k + 1] in _REFERS_BACK:
            continue
        head, rest = text[: spans[k][0]], text[spans[k][0] :]
        if _leans_back(head, data.continuation):
            continue
        head_terms = {stem(t) for t in arabic.content_tokens(head, language)}
        shared = head_terms & {stem(t) for t in arabic.content_tokens(rest, language)}
        if len(head_terms) >= 3 and len(shared) >= 2 and 3 * len(shared) >= len(head_terms):
            return rest
    return text


def own_names(article: Article, language: str = "ar") -> tuple[str, ...]:
    """The names a page gives its own site: its outlet's, when written in the page's script, and the short part
    that ends its title after a separator, less a date widget ("… رسمي ا - عنب بلدي الأحد 21 كانون الثاني /
    يناير 2018" → "عنب بلدي")."""
    names = []
    if article.outlet and (language != "ar" or arabic.ARABIC_LETTER.search(article.outlet)):
        names.append(article.outlet.strip())
    parts = title_segments(article.title or "")
    if len(parts) > 1:
        tail = _strip_widget_tail(parts[-1], language)
        if 1 <= arabic.word_count(tail) <= _BYLINE_WORDS < arabic.word_count(" ".join(parts[:-1])):
            names.append(tail)
    return tuple(dict.fromkeys(n for n in names if len(n) >= 3))


_CLITIC_LETTERS = frozenset("لبكو")
_CREDIT_WITHIN = 200  # characters: a site's name this near a sentence's start, after a separator, is a credit


@lru_cache(maxsize=4096)
def _own_credit(name: str) -> re.Pattern[str]:
    # after a title and a dash ("… - - العربي الجديد على هامش …"), a caption's date ("… 2017 ( عنب بلدي ) , ع ع ع
    # أعلنت …") or at the very start with a separator ("ترك برس : …"), then stray letters of a byline's initials
    return re.compile(
        rf"^(?:[^.!?؟]{{0,{_CREDIT_WITHIN}}}?(?:[-–—|/]\s*\(?|\d\s*[-–—]?\s*\()\s*|\s*)"
        rf"(?P<name>{re.escape(name)})\s*(?:\)\s*)?[-–—:|,،]*\s+(?:[\u0621-\u064A]\s+){{0,3}}"
    )


def strip_own_credit(text: str, names: Sequence[str], after_title: bool = False) -> str:
    """The sentence without what a flattened page put before its report, up to the site's own name as a credit
    (`own_names`): a title and the name after a dash, a photo caption and its credit in brackets after a date;
    when `_LEFT_WORDS` words of report or more are left. The name at the start needs a separator after it, or a
    bracket, or to follow the page's title just cut (`after_title`: "TITLE | SITE" flattened, then the lead): a
    site's name can be a sentence's subject ("الشرق الأوسط يشهد …" stays)."""
    for name in names:
        found = _own_credit(name).match(text)
        if found is None:
            continue
        before = text[: found.start("name")].rstrip(" -–—|/(").split()
        if before and before[-1] in _CLITIC_LETTERS:
            continue  # "قال مصدر ل - عنب بلدي": the site is who was told ("لـ" written with a dash)
        if before or after_title or re.match(rf"{re.escape(name)}\s*[-–—:|)]", text):
            rest = text[found.end() :]
            if arabic.word_count(rest) >= _LEFT_WORDS:
                return rest
    return text


def _title_runs(title: str | None) -> list[list[str]]:
    """The words of a title, then of each of its sentences ("مشروعا قرار وفيتو روسي . . مجلس الأمن يفشل ..."):
    a page may glue the whole title or its last part (the splitter ends a sentence at ". .") to its lead."""
    if not title:
        return []
    runs = [title.split(), *(p.rstrip(" .").split() for p in arabic.split_sentences(title))]
    return [run for k, run in enumerate(runs) if len(run) >= _MIN_TITLE_WORDS and run not in runs[:k]]


def within_title(tokens: Sequence[str], title: str | None, language: str = "ar") -> bool:
    """Whether a sentence (its content tokens) says its article's title again and nothing else: all its words
    but one at most (a site's name, a speaker's name before a colon) are the title's, and it has three or more;
    a page that keeps its title, or a piece of it, as a line of its own (one word more only in five or more)."""
    if not title or len(tokens) < _TITLE_TOKENS:
        return False
    words = set(arabic.content_tokens(title, language))
    outside = sum(t not in words for t in tokens)
    return outside == 0 or (outside == 1 and len(tokens) >= _TITLE_TOKENS_ONE_OFF)


_TITLE_TOKENS = 3
_TITLE_TOKENS_ONE_OFF = 5  # a word not in the title is allowed in a sentence this long


def is_date_line(text: str, language: str = "ar") -> bool:
    """A line made only of weekday, month, time and number words (a dateline or a timestamp)."""
    calendar = rules(language).calendar
    tokens = (arabic.normalize(w) for w in arabic.words(text))  # lazily: most sentences fail at the first word
    return bool(arabic.words(text)) and all(t in calendar or _NUMBERISH.match(t) for t in tokens)


def reject_reason(
    text: str, options: SummaryOptions, language: str = "ar", tokens: Sequence[str] | None = None
) -> str | None:
    """Why a sentence can never be part of a summary, or None when it can (`tokens`: its content tokens)."""
    n_words = arabic.word_count(text)
    if n_words < options.min_sentence_words:
        return "too short"
    if n_words > options.max_sentence_words:
        return "too long (an unsplit block)"
    if is_date_line(text, language):
        return "date line"
    if language == "ar" and arabic.arabic_ratio(text) < options.min_arabic_ratio:
        return "not in Arabic script (caption or credit)"
    if rules(language).reject.search(text):
        return "page furniture"
    if not _TERMINATED.search(text) and n_words < options.unterminated_min_words:
        return "short line without final punctuation (title, caption or byline)"
    if tokens is None:
        tokens = arabic.content_tokens(text, language)
    if len(tokens) < options.min_content_words:
        return "too few content words"
    if _ends_open(text, language):
        return "cut short (ends on a preposition or particle)"
    if _ends_in_open_bracket(text):
        return "cut short (a bracket left open: an abbreviation's dot taken for the end)"
    if language == "ar" and _photo_caption(text):
        return "photo caption (a country, a place and a colon before it)"
    return None


_CAPTION_HEAD = re.compile(r"^\s*([^\s,،:]+)\s*[,،]\s*(?!و)[^\s,،:.!?؟]+(?:\s[^\s,،:.!?؟]+){0,2}\s:\s")


def _photo_caption(text: str) -> bool:
    """A wire photo's caption: "COUNTRY, PLACE: what the picture shows …" ("سوريا , جرابلس : دخان يتصاعد …").
    A report's dateline names one place ("دمشق :", "دمشق ( رويترز ) -"), not a country and then a place in it."""
    head = _CAPTION_HEAD.match(text)
    if head is None:
        return False
    entry = gazetteer().lookup(head.group(1))
    return entry is not None and entry.kind == "country"


_OPEN_BRACKET_END = re.compile(r"\(\s*(?:[^()\s]+\s*){0,2}[.!?؟]?\s*$")


def _ends_in_open_bracket(text: str) -> bool:
    """A sentence that ends a word or two after a bracket it never closes ("… لوكالة الأنباء الألمانية ( د ."):
    the splitter took an abbreviation's dot for the end. A bracket closed in a later sentence, with a clause
    inside, is not this."""
    return _OPEN_BRACKET_END.search(text) is not None


def _ends_open(text: str, language: str) -> bool:
    """A sentence whose last word is a preposition, a conjunction or a relative ("… وزير الخارجية حول ."): the page
    or the splitter cut it. Words a sentence may end on ("بعد": not yet) are not in the list."""
    words = arabic.words(text)
    return bool(words) and arabic.normalize(words[-1]) in rules(language).open_ends


def refers_back(text: str, language: str = "ar") -> bool:
    """A sentence that leans on the one before it in its article (`refers_back` rules): its speaker is a
    pronoun, "another" or "the statement" ("وأضاف أنه ...", "وأعربت عن ...", "وقال آخر", "وأضاف البيان أن"), or
    it opens on a connective ("كما", "لكن", "بدوره"). Read after another sentence, it says who or
    what it means no more."""
    return any(p.search(text) for p in rules(language).refers_back)


def is_background(text: str, language: str = "ar") -> bool:
    """True for sentences that recall older background (foundation years, pluperfect reminders)."""
    return any(p.search(text) for p in rules(language).background)


# --- candidates and near-duplicate merging -------------------------------------------------------------------


def _recencies(analyses: Sequence[Analysis]) -> dict[str, float]:
    times = {a.article.id: a.article.published.timestamp() for a in analyses if a.article.published}
    if len(set(times.values())) < 2:
        return {a.article.id: 1.0 for a in analyses}
    low, high = min(times.values()), max(times.values())
    return {
        a.article.id: (times[a.article.id] - low) / (high - low) if a.article.id in times else 0.5 for a in analyses
    }


def _title_keys(analyses: Sequence[Analysis]) -> set[frozenset[str]]:
    keys = set()
    for a in analyses:
        if a.article.title:
            keys.add(frozenset(arabic.content_tokens(a.article.title, a.article.language)))
    return keys


def furniture_key(sentence: Sentence) -> tuple[str, ...]:
    """What two copies of one sentence share whatever their punctuation and diacritics: its content tokens."""
    return sentence.tokens


def site_furniture(
    analyses: Sequence[Analysis], groups: Sequence[Sequence[int]], options: SummaryOptions
) -> frozenset[tuple[str, ...]]:
    """The sentences (`furniture_key`) found in `options.furniture_stories` or more of the day's stories.

    A page's widgets ("do you want to subscribe to our newsletter?", "this email is already registered")
    repeat on every page of an outlet whatever the story, and scraped pages keep them; within one story they
    look central (every copy carries them), across stories they give themselves away.
    """
    if options.furniture_stories <= 0 or len(groups) < options.furniture_stories:
        return frozenset()
    stories: Counter[tuple[str, ...]] = Counter()
    affixes: dict[tuple[str, ...], set[int]] = defaultdict(set)
    for g, group in enumerate(groups):
        stories.update({furniture_key(s) for i in group for s in analyses[i].sentences if s.tokens})
        for i in group:
            article = analyses[i].article
            segments = title_segments(article.title or "")
            for segment in segments if len(segments) > 1 else ():
                affixes[(_TITLE_AFFIX, site_of(article) or "", *arabic.content_tokens(segment))].add(g)
    repeated = {key for key, n in stories.items() if n >= options.furniture_stories}
    return frozenset(
        repeated | {key for key, found in affixes.items() if len(found) >= 2} | _template_grams(analyses, groups)
    )


_TITLE_AFFIX = "\x00title"
_TEMPLATE = "\x00gram"
TEMPLATE_GRAM = 4  # content words in a template n-gram
TEMPLATE_SENTENCES = 12  # the first sentences of an article searched for template n-grams (furniture sits there)


def _template_grams(analyses: Sequence[Analysis], groups: Sequence[Sequence[int]]) -> set[tuple[str, ...]]:
    """The site's template inside titles and sentences: runs of `TEMPLATE_GRAM` content words that one site's
    pages of two or more different stories carry (a breadcrumb, a date widget, a menu glued to the first
    sentence). Keyed (`_TEMPLATE`, site, the run); only articles with a known site count."""
    stories_of: dict[tuple[str, str], set[int]] = defaultdict(set)
    for g, group in enumerate(groups):
        for i in group:
            site = site_of(analyses[i].article)
            if not site:
                continue
            title = tuple(arabic.content_tokens(analyses[i].article.title or ""))
            for tokens in (title, *(s.tokens for s in analyses[i].sentences[:TEMPLATE_SENTENCES])):
                for gram in set(_grams(tokens)):
                    stories_of[(site, gram)].add(g)
    return {(_TEMPLATE, site, gram) for (site, gram), found in stories_of.items() if len(found) >= 2}


def site_of(article: Article) -> str | None:
    """The site an article comes from: its URL's host (one site's pages share a template whatever outlet name
    their bylines give), else its outlet."""
    host = urlparse(article.url).hostname if article.url and "//" in article.url else None
    return host.removeprefix("www.") if host else article.outlet


def _grams(tokens: Sequence[str]) -> list[str]:
    return [" ".join(tokens[i : i + TEMPLATE_GRAM]) for i in range(len(tokens) - TEMPLATE_GRAM + 1)]


def carries_template(
    tokens: Sequence[str], site: str | None, furniture: frozenset[tuple[str, ...]], minimum: int = 2
) -> bool:
    """Whether a text (its content tokens) holds `minimum` or more of its site's template n-grams
    (`site_furniture`; `site`: `site_of` its article)."""
    if not site or not furniture:
        return False
    return sum((_TEMPLATE, site, g) in furniture for g in _grams(tokens)) >= minimum


def candidates(
    analyses: Sequence[Analysis], options: SummaryOptions, furniture: frozenset[tuple[str, ...]] = frozenset()
) -> list[Candidate]:
    """The story's selectable sentences, in story order (oldest article first), before merging; `furniture`:
    the day's `site_furniture`."""
    ordered = sorted(analyses, key=lambda a: (a.article.published is None, a.article.published or 0, a.article.id))
    recency = _recencies(ordered)
    titles = _title_keys(ordered)
    out: list[Candidate] = []
    for analysis in ordered:
        language = analysis.article.language
        position = 0
        facts_of = sentence_facts(analysis)
        site = site_of(analysis.article)
        names = own_names(analysis.article, language)
        widget = rules(language).widget
        for sentence in analysis.sentences:
            tokens = sentence.tokens or tuple(arabic.content_tokens(sentence.text, language))
            if options.stem:
                tokens = tuple(map(stem, tokens))
            if frozenset(tokens) in titles or furniture_key(sentence) in furniture:
                continue
            if within_title(sentence.tokens, analysis.article.title, language):
                continue
            if carries_template(sentence.tokens, site, furniture):
                continue
            reason = reject_reason(sentence.text, options, language, sentence.tokens or None)
            minor = reason in _SHORT and _reads_in_a_lead(sentence.text, options, language, sentence.tokens)
            if reason and not minor:
                continue
            untitled = strip_glued_title(sentence.text, analysis.article.title)
            text = strip_own_credit(untitled, names, after_title=untitled != sentence.text)
            text = strip_dateline(strip_glued_headline(text, language), language)
            if text != sentence.text and (
                _SEPARATOR_FIRST.match(text)
                or rules(language).reject.search(text)
                or (language == "ar" and _photo_caption(text))
            ):
                continue  # what a cut left is furniture too: the rest of a title line ("- اسم الموقع ..."), a caption
            out.append(
                Candidate(
                    text=text,
                    article_id=sentence.article_id,
                    position=position,
                    tokens=tokens,
                    words=arabic.word_count(sentence.text),
                    recency=recency[analysis.article.id],
                    published=analysis.article.published,
                    background=is_background(sentence.text, language),
                    sources=[sentence.article_id],
                    positions={sentence.article_id: position},
                    facts=facts_of.get(sentence.index, frozenset()),
                    widget=widget.search(sentence.text) is not None,
                    minor=minor,
                    needs_before=refers_back(text, language),
                )
            )
            position += 1
        total = sum(c.words for c in out[len(out) - position :])
        before = 0
        for c in out[len(out) - position :]:
            c.relative_position = before / total
            before += c.words
    return out


_SEPARATOR_FIRST = re.compile(r"\s*[-–—|:]")  # no report starts on a title's separator

_FIGURE = re.compile(r"\d+(?:[.,]\d+)?")


def sentence_facts(analysis: Analysis) -> dict[int, frozenset[str]]:
    """Sentence index -> the facts it reports: the names it holds (persons, organisations, places, by gazetteer
    key or normalised spelling), its figures, its dates, and who speaks when it reports speech ("قال", "نفى")."""
    found: dict[int, set[str]] = defaultdict(set)
    speakers: dict[int, str] = {}
    for m in analysis.mentions:
        found[m.sentence].add(f"{m.kind}:{m.key or arabic.normalize(m.text)}")
        if m.kind != "place":
            speakers.setdefault(m.sentence, m.key or arabic.normalize(m.text))
    for d in analysis.dates:
        found[d.sentence].add(f"date:{d.value.isoformat()}")
    reporting = rules(analysis.article.language).reporting
    for sentence in analysis.sentences:
        text = arabic.to_ascii_digits(sentence.text)
        found[sentence.index].update(f"figure:{n}" for n in _FIGURE.findall(text) if not _is_year(n))
        if any(p.search(sentence.text) for p in reporting):
            found[sentence.index].add(f"speech:{speakers.get(sentence.index, '')}")
    return {k: frozenset(v) for k, v in found.items()}


def _is_year(number: str) -> bool:
    return len(number) == 4 and number[:2] in ("19", "20")


_SHORT = ("too short", "too few content words")


def _reads_in_a_lead(text: str, options: SummaryOptions, language: str, tokens: Sequence[str]) -> bool:
    """A short sentence that ends as a sentence ends and breaks no other rule ("ماذا يريد؟"): it reads with the
    sentences around it in a lead, though it says too little to be picked on its own."""
    relaxed = replace(options, min_sentence_words=_MINOR_WORDS, min_content_words=_MINOR_WORDS - 1)
    return _TERMINATED.search(text) is not None and reject_reason(text, relaxed, language, tokens or None) is None


_MINOR_WORDS = 3


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


def similar_pairs(sets: Sequence[frozenset[str]], threshold: float) -> list[tuple[int, int]]:
    """Every pair (j, i), j < i, of token sets with Jaccard >= threshold, without comparing all pairs.

    Prefix filtering (Chaudhuri et al. 2006; Bayardo et al. 2007): with tokens in one global order (rarest
    first), two sets with Jaccard >= t share at least one token among the first |s| - ceil(t |s|) + 1
    tokens of each; only sets sharing such a token, and of compatible sizes, are compared.
    """
    frequency = Counter(chain.from_iterable(sets))
    rarest_first = {t: k for k, (t, _) in enumerate(sorted(frequency.items(), key=itemgetter(1, 0)))}
    index: dict[str, list[int]] = defaultdict(list)
    pairs = []
    for i, tokens in enumerate(sets):
        if not tokens:
            continue
        ordered = sorted(tokens, key=rarest_first.__getitem__)
        prefix = ordered[: len(ordered) - math.ceil(threshold * len(ordered)) + 1]
        seen: set[int] = set()
        for token in prefix:
            for j in index[token]:
                if j in seen:
                    continue
                seen.add(j)
                smaller, larger = sorted((len(sets[j]), len(tokens)))
                if smaller >= threshold * larger and jaccard(sets[j], tokens) >= threshold:
                    pairs.append((j, i))
            index[token].append(i)
    return pairs


def merge_near_duplicates(items: Sequence[Candidate], threshold: float) -> list[Candidate]:
    """One candidate per group of near-identical sentences (token Jaccard >= threshold), crediting all sources.

    The first candidate of a group (oldest article, reading order) keeps its text; the group takes the newest
    recency and the most prominent position among its copies.
    """
    merged = []
    for group in connected_groups(len(items), similar_pairs([frozenset(c.tokens) for c in items], threshold)):
        members = [items[i] for i in group]
        head = members[0]
        head.sources = list(dict.fromkeys(s for m in members for s in m.sources))
        head.recency = max(m.recency for m in members)
        # its most prominent placement: a sentence one outlet leads with counts as a lead
        head.position = min(m.position for m in members)
        head.relative_position = min(m.relative_position for m in members)
        head.support = set(head.sources)
        head.positions = {k: v for m in reversed(members) for k, v in m.positions.items()}
        head.facts = frozenset().union(*(m.facts for m in members))
        head.widget = any(m.widget for m in members)
        merged.append(head)
    return merged


def corroborate(items: Sequence[Candidate], threshold: float) -> None:
    """Count, for each candidate, the articles that say much the same (paraphrases too, Jaccard >= threshold)."""
    for j, i in similar_pairs([frozenset(c.tokens) for c in items], threshold):
        items[i].support.update(items[j].sources)
        items[j].support.update(items[i].sources)


# --- scoring -------------------------------------------------------------------------------------------------


def rank(texts: Sequence[str], algorithm: str, tokens: Sequence[Sequence[str]] | None = None) -> list[float]:
    """A sumy score per text, in the order given (higher is more central)."""
    try:
        summarizer_class = SUMMARIZERS[algorithm]
    except KeyError:
        raise ConfigError(f"unknown summarizer {algorithm!r}; choose one of {', '.join(SUMMARIZERS)}") from None
    if not texts:
        return []
    tokenizer: SumyTokenizer = (
        _Pretokenized({t: tuple(w) for t, w in zip(texts, tokens, strict=True)}) if tokens else SumyTokenizer()
    )
    sumy_sentences = [SumySentence(t, tokenizer) for t in texts]
    summarizer = summarizer_class()
    summarizer.stop_words = arabic.stop_words("ar")
    rated: list[Any] = []

    def keep_all(infos: Any) -> Any:
        # sumy hands the sentence count a list of (sentence, order, rating), best first: record it.
        rated.extend(infos)
        return rated

    # LexRank's power method divides by a zero norm when no two sentences are similar: the scores are NaN,
    # read as 0 below.
    with numpy.errstate(invalid="ignore", divide="ignore"):
        summarizer(ObjectDocumentModel([Paragraph(sumy_sentences)]), keep_all)
    scores = [0.0] * len(texts)
    for info in rated:
        rating = float(info.rating)
        # Rounded so that float noise (set iteration order inside sumy) never changes a ranking.
        scores[info.order] = round(rating, 9) if math.isfinite(rating) else 0.0
    return scores


def _normalised(values: Sequence[float]) -> list[float]:
    top = max(values, default=0.0)
    return [v / top for v in values] if top > 0 else [0.0 for _ in values]


def centroid_similarities(items: Sequence[Candidate], n_articles: int) -> list[float]:
    """Cosine of each sentence with the story centroid.

    With several articles the centroid weighs a term by the share of the *other* articles that use it
    (document frequency - 1), so that a passage only one article carries (an appended op-ed) stays far from
    it; a single article's centroid is its own term frequencies.
    """
    by_article: dict[str, set[str]] = defaultdict(set)
    term_counts: Counter[str] = Counter()
    for c in items:
        for source in c.sources:
            by_article[source].update(c.tokens)
        term_counts.update(c.tokens)
    if n_articles > 1:
        df = Counter(t for terms in by_article.values() for t in terms)
        weights = {t: (n - 1) / (n_articles - 1) for t, n in df.items() if n > 1}
    else:
        weights = {t: float(n) for t, n in term_counts.items()}
    norm = math.sqrt(sum(w * w for w in weights.values())) or 1.0
    out = []
    for c in items:
        counts = Counter(c.tokens)
        values = counts.values()
        length = math.sqrt(sum(map(mul, values, values))) or 1.0
        out.append(sum(map(mul, map(weights.get, counts, repeat(0.0)), values)) / (norm * length))
    return out


def position_prior(c: Candidate, options: SummaryOptions) -> float:
    """Lead bias: the first sentence, then a prior that falls with the relative place in the article."""
    lead = 1.0 if c.position == 0 else 0.0
    return options.lead_bonus * lead + (1.0 - c.relative_position) ** options.position_exponent


def _in_context(items: Sequence[Candidate], similarity: Sequence[float]) -> list[float]:
    """Centroid similarity averaged with a neighbour in the same article: the lower of (previous, this) and
    (this, next).

    An unrelated passage (an op-ed or a "read also" teaser appended to the article) is a run of sentences
    far from the story, so each of its sentences has a low pair on one side at least; a single on-topic
    sentence with few shared words keeps on-topic neighbours on both sides.
    """
    by_article: dict[str, list[int]] = defaultdict(list)
    for i, c in enumerate(items):
        by_article[c.article_id].append(i)
    out = list(similarity)
    for indices in by_article.values():
        indices.sort(key=lambda i: items[i].position)
        for k, i in enumerate(indices):
            sides = [indices[k - 1 : k + 1] if k else [], indices[k : k + 2] if k + 1 < len(indices) else []]
            out[i] = min((sum(similarity[j] for j in side) / 2 for side in sides if side), default=similarity[i])
    return out


def score(items: list[Candidate], n_articles: int, options: SummaryOptions) -> list[Candidate]:
    """Score candidates in place (see the module docstring); off-topic ones are dropped."""
    if not items:
        return []
    centroid = centroid_similarities(items, n_articles)
    support = [math.log1p(len(c.support)) / math.log1p(n_articles) if n_articles > 1 else 0.0 for c in items]
    position = [position_prior(c, options) for c in items]
    # Cheap preselection bounds the quadratic sumy step on stories of hundreds of articles.
    if len(items) > options.max_candidates:
        cheap = [
            options.centroid_weight * g + options.position_weight * p + options.support_weight * s
            for g, p, s in zip(_normalised(centroid), position, support, strict=True)
        ]
        keep = sorted(sorted(range(len(items)), key=lambda i: (-cheap[i], i))[: options.max_candidates])
        items = [items[i] for i in keep]
        centroid, support, position = ([values[i] for i in keep] for values in (centroid, support, position))
    central = _normalised(rank([c.text for c in items], options.algorithm, [c.tokens for c in items]))
    centroid_norm = _normalised(centroid)
    centroid_weight = options.centroid_weight if n_articles == 1 else options.story_centroid_weight
    position_weight = options.position_weight if n_articles == 1 else options.story_position_weight
    context = _in_context(items, centroid)
    kept = []
    for i, c in enumerate(items):
        if n_articles > 1 and context[i] < options.min_centroid_similarity:
            continue
        c.centrality = central[i]
        c.score = (
            options.centrality_weight * central[i]
            + position_weight * position[i]
            + centroid_weight * centroid_norm[i]
            + options.support_weight * support[i]
            + options.recency_weight * c.recency
        )
        kept.append(c)
    return kept


# --- selection and order -------------------------------------------------------------------------------------


def select(
    items: Sequence[Candidate], options: SummaryOptions, max_sentences: int, max_words: int, fill: bool = False
) -> list[Candidate]:
    """Best first within the budget, skipping sentences too close to one already chosen.

    With `fill`, the last sentence may overrun `max_words` (for evaluation at a fixed length, where the
    summary is then cut); otherwise a sentence that would overrun is skipped and shorter ones are tried,
    and only when no sentence fits at all is the best one given alone.
    """
    ordered = sorted((c for c in items if not c.minor), key=lambda c: (-round(c.score, 9), c.article_id, c.position))
    chosen: list[Candidate] = []
    chosen_sets: list[frozenset[str]] = []
    words = 0
    for c in ordered:
        if len(chosen) >= max_sentences or words >= max_words:
            break
        if not fill and words + c.words > max_words:
            continue
        tokens = frozenset(c.tokens)
        if any(jaccard(tokens, other) >= options.redundancy_threshold for other in chosen_sets):
            continue
        chosen.append(c)
        chosen_sets.append(tokens)
        words += c.words
    if not chosen and ordered and max_sentences > 0:
        chosen.append(ordered[0])
    return chosen


def reading_order(chosen: Iterable[Candidate]) -> list[Candidate]:
    """The best news sentence first (the event), then the other news, newest article first and in reading
    order within an article, then background."""
    ordered = sorted(chosen, key=lambda c: (c.background, -c.recency, c.article_id, c.position))
    news = [c for c in ordered if not c.background]
    if len(news) > 1:
        lead = max(news, key=lambda c: round(c.score, 9))
        ordered.remove(lead)
        ordered.insert(0, lead)
    return ordered


def ranked_candidates(
    analyses: Sequence[Analysis], options: SummaryOptions, furniture: frozenset[tuple[str, ...]] = frozenset()
) -> list[Candidate]:
    """Candidates of the story, merged and scored."""
    if options.algorithm not in SUMMARIZERS:
        raise ConfigError(f"unknown summarizer {options.algorithm!r}; choose one of {', '.join(SUMMARIZERS)}")
    pooled = merge_near_duplicates(candidates(analyses, options, furniture), options.merge_threshold)
    if len(analyses) > 1:
        corroborate(pooled, options.support_threshold)
    return score(pooled, len(analyses), options)


def best_report(analyses: Sequence[Analysis], ranked: Sequence[Candidate], options: SummaryOptions) -> str | None:
    """The article whose lead tells the story best (the first of `report_ranking`)."""
    return next(iter(report_ranking(analyses, ranked, options)), None)


def report_ranking(analyses: Sequence[Analysis], ranked: Sequence[Candidate], options: SummaryOptions) -> list[str]:
    """The story's articles with a lead, best report first: the mean score of its lead sentences (centrality,
    consensus, support; recency aside) times the cosine of its words with the other articles' (the most central
    report) times the share of its words in clean sentences squared (a page with furniture glued into its lines
    keeps fewer), lowered when a lead sentence carries a widget. Not the longest: length earns nothing."""
    if len(analyses) == 1:
        return [analyses[0].article.id]
    leads = _leads(ranked)
    core_sentences = max(1, math.ceil(options.sentences * options.core_share))
    vectors = {a: Counter(chain.from_iterable(c.tokens for c in cs)) for a, cs in leads.items()}
    everything: Counter[str] = sum(vectors.values(), Counter())
    values: dict[str, float] = {}
    for analysis in analyses:
        article_id = analysis.article.id
        lead = leads.get(article_id, [])[:core_sentences]
        if not lead:
            continue
        total = sum(arabic.word_count(s.text) for s in analysis.sentences) or 1
        clean = min(1.0, sum(c.words for c in leads[article_id]) / total)
        others = everything - vectors[article_id]
        value = (
            sum(c.score - options.recency_weight * c.recency for c in lead)
            / len(lead)
            * _cosine(vectors[article_id], others)
            * clean**options.report_clean_exponent
        )
        if any(c.widget for c in lead) or _leans_back(lead[0].text, rules(analysis.article.language).continuation):
            value *= options.widget_factor  # furniture in its lead, or its lead is lost ("وأضاف" comes first)
        values[article_id] = round(value, 9)
    return sorted(values, key=lambda a: (-values[a], a))


def _cosine(a: Counter[str], b: Counter[str]) -> float:
    norm = math.sqrt(sum(v * v for v in a.values()) * sum(v * v for v in b.values()))
    return sum(v * b[t] for t, v in a.items() if t in b) / norm if norm else 0.0


def _leads(ranked: Sequence[Candidate]) -> dict[str, list[Candidate]]:
    """Article id -> its kept candidates in its reading order (a merged sentence counts in every copy)."""
    by_article: dict[str, list[tuple[int, Candidate]]] = defaultdict(list)
    for c in ranked:
        for article_id, position in c.positions.items():
            by_article[article_id].append((position, c))
    return {k: [c for _, c in sorted(v, key=itemgetter(0))] for k, v in by_article.items()}


def compose(
    analyses: Sequence[Analysis],
    ranked: Sequence[Candidate],
    options: SummaryOptions,
    max_sentences: int,
    max_words: int,
    fill: bool = False,
) -> list[Candidate]:
    """The story's summary in reading order: the lead of its best report (`best_report`) up to the core share
    of the budget, then the sentences of the other reports that add a fact the summary lacks (a name, a figure,
    a date, another party's statement), best first by outlets that report them and centrality, each far from
    what is already said (MMR), placed after the core in the order they were published. Among several reports a
    sentence that leans on the one before it in its article (`refers_back`: "وأضاف أنه", "كما") is used only
    right after that sentence, in the core; never as an addition.

    With `fill` (evaluation at a fixed length), the last sentence may overrun `max_words`."""
    best = best_report(analyses, ranked, options)
    if best is None or max_sentences <= 0:
        return []
    single = len(analyses) == 1
    share = options.single_core_share if single else options.core_share
    core_sentences = max(1, math.ceil(max_sentences * share)) if share < 1 else max_sentences
    core_words = max_words * share
    core: list[Candidate] = []
    words = 0
    lead = _leads(ranked).get(best, [])
    for k, c in enumerate(lead):
        if len(core) >= core_sentences or words >= core_words:
            break
        if c.minor and not single:
            continue  # among several reports every sentence stands on its own
        if not single and c.needs_before and not (core and core[-1] is lead[k - 1]):
            continue  # "وأضاف أن ...": who speaks was named in the sentence before, which is not there
        if core and not fill and words + c.words > core_words:
            break
        if _repeats(c, core, options.redundancy_threshold):
            continue
        core.append(c)
        words += c.words
    known = set().union(*(c.facts for c in core))
    pool = [
        c
        for c in ranked
        if not c.minor and c not in core and (single or (any(s != best for s in c.sources) and not c.needs_before))
    ]
    n_articles = len(analyses)
    outlets = _fact_outlets(ranked)
    scale = math.log1p(n_articles) if n_articles > 1 else 0.0
    additions: list[Candidate] = []
    chosen = list(core)
    while len(chosen) < max_sentences and words < max_words:
        best_value: tuple[float, int] = (-math.inf, 0)
        pick = None
        for c in pool:
            new_facts = c.facts - known
            if c in additions or not new_facts or (not fill and words + c.words > max_words):
                continue
            overlap = max((jaccard(frozenset(c.tokens), frozenset(o.tokens)) for o in chosen), default=0.0)
            if overlap >= options.redundancy_threshold:
                continue
            if overlap >= options.support_threshold and not any(f.startswith(_DETAILS) for f in new_facts):
                continue  # a paraphrase that only names who else says it: its outlets are among the sources
            # how widely it is reported: the sentence itself, and the facts it adds
            reach = (len(c.support) + sum(outlets[f] for f in new_facts) / len(new_facts)) / 2
            relevance = (
                options.addition_support_weight * (math.log1p(reach) / scale if scale else 0.0)
                + options.addition_centrality_weight * c.centrality
            )
            value = (1 - options.addition_redundancy) * relevance - options.addition_redundancy * overlap
            key = (round(value, 9), len(new_facts))  # ties: the sentence that adds more
            if key > best_value:
                best_value, pick = key, c
        if pick is None:
            break
        additions.append(pick)
        chosen.append(pick)
        known |= pick.facts
        words += pick.words
    if not chosen and ranked:
        chosen = [ranked[0]]
    additions.sort(key=lambda c: (c.background, _first_published(c, analyses), c.article_id, c.position))
    return core + additions if core else additions


_DETAILS = ("figure:", "date:", "place:")


def _fact_outlets(ranked: Sequence[Candidate]) -> Counter[str]:
    """Fact -> how many of the story's articles report it (in any kept sentence)."""
    facts_of: dict[str, set[str]] = defaultdict(set)
    for c in ranked:
        for article_id in c.positions:
            facts_of[article_id] |= c.facts
    return Counter(chain.from_iterable(facts_of.values()))


def _repeats(c: Candidate, chosen: Sequence[Candidate], threshold: float) -> bool:
    tokens = frozenset(c.tokens)
    return any(jaccard(tokens, frozenset(o.tokens)) >= threshold for o in chosen)


def _first_published(c: Candidate, analyses: Sequence[Analysis]) -> float:
    times = [a.article.published.timestamp() for a in analyses if a.article.id in c.sources and a.article.published]
    return min(times, default=math.inf)


def sources_of(c: Candidate) -> tuple[str, ...]:
    """Every article that reports the sentence: its copies first, then the articles that paraphrase it."""
    return tuple(dict.fromkeys([*c.sources, *sorted(c.support)]))


def summarize(
    analyses: Sequence[Analysis], options: SummaryOptions, furniture: frozenset[tuple[str, ...]] = frozenset()
) -> Summary:
    """The story's summary sentences (with sources) and its Arabic headline (`furniture`: `site_furniture`)."""
    ranked = ranked_candidates(analyses, options, furniture)
    chosen = chosen_candidates(analyses, ranked, options, options.sentences, options.max_words)
    sentences = tuple(SummarySentence(c.text, sources_of(c)) for c in chosen)
    return Summary(headline=headline(analyses, options, ranked, furniture), sentences=sentences)


def chosen_candidates(
    analyses: Sequence[Analysis],
    ranked: Sequence[Candidate],
    options: SummaryOptions,
    max_sentences: int | None = None,
    max_words: int | None = None,
    fill: bool = False,
) -> list[Candidate]:
    """The summary's candidates in reading order, by the options' strategy (`lead`: `compose`; `ranked`: the
    best scored, `select`), within `max_sentences` and `max_words` (the options' budget when None)."""
    max_sentences = options.sentences if max_sentences is None else max_sentences
    max_words = options.max_words if max_words is None else max_words
    if options.strategy == "lead":
        return compose(analyses, ranked, options, max_sentences, max_words, fill)
    if options.strategy == "ranked":
        return reading_order(select(ranked, options, max_sentences, max_words, fill))
    raise ConfigError(f"unknown summary strategy {options.strategy!r}; choose lead or ranked")


def summarize_to_length(analysis: Analysis, max_words: int, options: SummaryOptions) -> list[str]:
    """One article's summary filled to `max_words` words (the last sentence may overrun), in reading order.

    For evaluation against human summaries of a given length (`digest eval summary`).
    """
    ranked = ranked_candidates([analysis], options)
    return [c.text for c in chosen_candidates([analysis], ranked, options, 10**6, max_words, fill=True)]


# --- headline ------------------------------------------------------------------------------------------------


def headline(
    analyses: Sequence[Analysis],
    options: SummaryOptions | None = None,
    ranked: Sequence[Candidate] | None = None,
    furniture: frozenset[tuple[str, ...]] = frozenset(),
) -> str:
    """The story's headline, taken from its articles, never composed.

    A title given with the input (HTML, feed, JSON Lines) when one is usable, the most representative and
    recent; else a headline found above an article's body, when its own article says what it says; else the
    lead sentence of the story's best report (`best_report`), cut after a clause when long. Titles lose their
    site name and date widget (`trim_title`); a caption, a credit, a date line, a sentence that leans on a
    previous one ("وأضاف", "كما") or one with a widget in it is never a headline.
    """
    options = options or SummaryOptions()
    recency = _recencies(analyses)
    story_terms = Counter(chain.from_iterable(set(_terms(a.sentences)) for a in analyses))
    given: list[Candidate] = []
    found: list[Candidate] = []
    for a in analyses:
        language, site = a.article.language, site_of(a.article)
        is_given = dict(a.article.inferred).get("title") not in _FOUND_TITLE
        title = trim_title(a.article.title or "", language, furniture, site, strict=not is_given)
        if not title or not _usable_title(title, options, language) or _leans_back(title, rules(language).continuation):
            continue
        if not is_given and _cut_short(title, language):
            continue
        tokens = tuple(arabic.content_tokens(title, language))
        # a headline found above the body is trusted less: short, free of the site's template, said by the body
        if not is_given and (
            arabic.word_count(title) > options.headline_max_words
            or rules(language).widget.search(title)
            or carries_template(tokens, site, furniture, minimum=1)
            or not _said_by(tokens, a)
        ):
            continue
        pool = given if is_given else found
        pool.append(Candidate(title, a.article.id, 0, tokens, 0, recency[a.article.id], None, False, [a.article.id]))

    def best_title(pool: Sequence[Candidate]) -> str:
        return max(pool, key=lambda c: (_title_score(c, story_terms, len(analyses), options), c.article_id)).text

    if given:
        return best_title(given)
    if ranked is None:
        ranked = ranked_candidates(analyses, options) if analyses else []
    ranking = report_ranking(analyses, ranked, options)
    if found:
        # a title found in a page is as good as its page: one of the more central half of the reports (a page
        # that joined the story on a side topic has a title of its own)
        central = set(ranking[: max(1, math.ceil(len(ranking) / 2))])
        return best_title([c for c in found if c.article_id in central] or found)
    continuation = rules().continuation
    leads = _leads(ranked)
    fallback: str | None = None
    articles = {a.article.id: a.article for a in analyses}
    for k in range(options.headline_lead_sentences):  # every report's first sentence, then every second one
        for c in (leads[a][k] for a in ranking if len(leads.get(a, ())) > k):
            site = site_of(articles[c.article_id]) if c.article_id in articles else None
            text = trim_title(c.text, "ar", furniture, site)  # a page's title glued before its lead, with its site
            if (
                not text
                or c.minor
                or c.widget
                or _leans_back(text, continuation)
                or carries_template(arabic.content_tokens(text), site, furniture, minimum=1)
            ):
                continue
            short = shorten_to_clause(text, options)
            if arabic.word_count(short) <= options.headline_max_words:
                return short
            fallback = fallback or short
    if fallback:
        return fallback
    if ranked:
        plain = [c for c in ranked if not c.minor] or list(ranked)
        best = max(
            plain, key=lambda c: (not _leans_back(c.text, continuation), not c.widget, round(c.score, 9), c.article_id)
        )
        return shorten_to_clause(best.text, options)
    return next((shorten_to_clause(s.text, options) for a in analyses for s in a.sentences), "")


_FOUND_TITLE = ("headline above the body", REPEATED_TITLE, "unknown", None)
_SEPARATOR = re.compile(r"\s+[-–—|:»«]+\s+|\s*\|\s*")


def title_segments(title: str) -> list[str]:
    """A title's parts between separators (" - ", " | ", " : "), in order."""
    return [p.strip() for p in _SEPARATOR.split(title) if p.strip()]


def trim_title(
    title: str,
    language: str = "ar",
    furniture: frozenset[tuple[str, ...]] = frozenset(),
    outlet: str | None = None,
    strict: bool = False,
) -> str:
    """The title without the site's name and date widget glued before or after it ("… - Sputnik Arabic 21
    يناير 2018 مباشر عاجل", "الحياة - …"): a leading or trailing part that the outlet's other titles of the day
    carry too (`site_furniture`), in another script, or made of calendar words, numbers and banner words; and
    a title repeated in a row keeps one copy. Empty when what is left is no title; with `strict` (a headline
    that ingest found above the body, not one given), a title that ends with a date is a caption: empty."""
    words = title.split()
    while language == "ar" and words and not arabic.ARABIC_LETTER.search(words[0]) and not words[0][0].isdigit():
        words.pop(0)  # a credit or a photo line in another script before the title ("/ AFP PHOTO / …")
    title = " ".join(words)
    for size in range(len(words) // 2, 2, -1):  # "X X" (a title and its copy): X
        if words[:size] == words[size : 2 * size]:
            title = " ".join(words[:size])
            break
    title = _without_repeat_or_source(title)
    parts = title_segments(title)
    while len(parts) > 1 and _title_furniture(parts[-1], language, furniture, outlet):
        parts.pop()
    # a short last part after a dash ("- شبكة الأخبار", "- رائد جبر") is a site's name or a byline
    while len(parts) > 1 and arabic.word_count(parts[-1]) <= _BYLINE_WORDS < arabic.word_count(" ".join(parts[:-1])):
        if not re.search(rf"[-–—|]\s*{re.escape(parts[-1])}\s*$", title):
            break
        parts.pop()
    while len(parts) > 1 and _title_furniture(parts[0], language, furniture, outlet):
        parts.pop(0)
    if len(parts) != len(title_segments(title)):
        start = title.find(parts[0])
        end = title.rfind(parts[-1]) + len(parts[-1])
        title = title[start:end] if 0 <= start < end else " ".join(parts)
    trimmed = _strip_widget_tail(title, language)
    if strict and trimmed != title and arabic.word_count(title) - arabic.word_count(trimmed) >= 2:
        return ""
    return _strip_widget_head(trimmed, language).rstrip(" («[")


def _strip_widget_head(text: str, language: str) -> str:
    """`text` without the banner words and time letters ("ص", "م" of a clock widget, "عاجل") that start it;
    figures and calendar words stay (a title may open with a count or a weekday)."""
    data = rules(language)
    words = text.split()
    start = 0
    while start < len(words) - 1 and arabic.normalize(words[start]) in data.tail_words:
        start += 1
    return " ".join(words[start:]) if start else text


_COLON = re.compile(r"\s+:\s+")
_SOURCE_WORDS = 3


def _without_repeat_or_source(title: str) -> str:
    """A title glued to its own copy ("X - X and the lead...") keeps the first; one with two "name :" prefixes
    ("حرية برس : حسون : …") loses the first, the site's (a headline quotes one speaker at most)."""
    parts = title_segments(title)
    if len(parts) > 1 and arabic.word_count(parts[0]) >= 3 and parts[1].startswith(parts[0]):
        return parts[0]
    pieces = _COLON.split(title)
    if len(pieces) >= 3 and all(arabic.word_count(p) <= _SOURCE_WORDS for p in pieces[:2]):
        return " : ".join(pieces[1:])
    return title


def _title_furniture(part: str, language: str, furniture: frozenset[tuple[str, ...]], outlet: str | None) -> bool:
    """A part of a title that is no news: the site's affix of the day, another script, a date widget, or a short
    name with a date after it ("اليوم السابع الأحد , 21 يناير 2018")."""
    if (_TITLE_AFFIX, outlet or "", *arabic.content_tokens(part, language)) in furniture:
        return True
    if language == "ar" and arabic.arabic_ratio(part) < 0.5:
        return True
    left = _strip_widget_tail(part, language)
    return not left or (arabic.word_count(part) - arabic.word_count(left) >= 2 and arabic.word_count(left) <= 3)


_BYLINE_WORDS = 3


def _strip_widget_tail(text: str, language: str) -> str:
    """`text` without the calendar words, numbers, Latin-script words and banner words ("مباشر", "عاجل") that
    end it (a date widget glued after a title)."""
    data = rules(language)
    words = text.split()
    end = len(words)
    while end and _widget_word(words[end - 1], data):
        end -= 1
    if end == len(words) - 1 and _COUNT.match(words[-1]):
        return text  # one figure after a word ("… إلى 530") is the title's own count, not a date widget
    return " ".join(words[:end]).rstrip(" -–—|,،:/") if end < len(words) else text


_COUNT = re.compile(r"^\d{1,3}(?:[.,]\d+)?$")


def _widget_word(word: str, data: Rules) -> bool:
    token = arabic.normalize(word)
    return (
        not token
        or token in data.calendar
        or token in data.tail_words
        or _NUMBERISH.match(token) is not None
        or (arabic.LATIN_LETTER.search(word) is not None and not arabic.ARABIC_LETTER.search(word))
    )


def _said_by(tokens: Sequence[str], analysis: Analysis) -> bool:
    """Whether most of a found headline's words are in its article's body (a credit line or a site's banner
    shares none)."""
    if not tokens:
        return False
    body = set(_terms(analysis.sentences))
    return sum(t in body for t in tokens) >= 0.5 * len(tokens)


def _cut_short(title: str, language: str) -> bool:
    """A title that ends on a preposition or a particle ("… من التحول ل"): its page cut it, or trimming did."""
    words = arabic.words(title)
    return bool(words) and arabic.normalize(words[-1]) in arabic.stop_words(language)


def _leans_back(text: str, continuation: Sequence[re.Pattern[str]]) -> bool:
    return any(p.search(text) for p in continuation)


_CLAUSE_END = re.compile(r"[،,؛;:]")


def shorten_to_clause(sentence: str, options: SummaryOptions) -> str:
    """A long lead sentence cut after its last clause (comma) within `headline_max_words` words, if that clause
    holds at least half of them; otherwise the whole sentence (a headline is never invented)."""
    if arabic.word_count(sentence) <= options.headline_max_words:
        return sentence
    shortest = max(options.headline_min_words, options.headline_max_words // 2)
    best = None
    for match in _CLAUSE_END.finditer(sentence):
        n_words = arabic.word_count(sentence[: match.start()])
        if n_words > options.headline_max_words:
            break
        if n_words >= shortest:
            best = sentence[: match.start()].rstrip()
    return best or sentence


def _terms(sentences: Sequence[Sentence]) -> Iterable[str]:
    return chain.from_iterable(s.tokens for s in sentences)


def _usable_title(title: str, options: SummaryOptions, language: str) -> bool:
    n_words = arabic.word_count(title)
    if n_words < options.headline_min_words or is_date_line(title, language):
        return False
    if language == "ar" and arabic.arabic_ratio(title) < options.min_arabic_ratio:
        return False
    return not rules(language).reject.search(title)


def _title_score(c: Candidate, story_terms: Counter[str], n_articles: int, options: SummaryOptions) -> float:
    """Share of the title's terms that the story's articles use (coverage), plus a recency bonus."""
    if not c.tokens:
        return 0.0
    coverage = sum(story_terms[t] / n_articles for t in set(c.tokens)) / len(set(c.tokens))
    return coverage + options.headline_recency_weight * c.recency
