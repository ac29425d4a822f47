"""One options object for the whole run.

Defaults are the field defaults below (shipped with the package); a user's TOML file goes on top
(`--config FILE`, else `$XDG_CONFIG_HOME/digest/config.toml` when it exists); command-line flags go on
top of that. Each stage receives only its own section. Environment variables are used only for paths:
`DIGEST_MODELS_DIR` (argos packages), `DIGEST_CACHE_DIR` (translation cache).
"""

from __future__ import annotations

import dataclasses
import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar, get_type_hints

from digest.errors import ConfigError


@dataclass(frozen=True)
class IngestOptions:
    max_bytes: int = 5_000_000  # larger articles are skipped, not read (a text or HTML file, a JSON line, a feed entry)
    max_file_bytes: int = 2_000_000_000  # larger JSON Lines files and feeds are skipped (JSON Lines: streamed)
    min_chars: int = 80  # shorter article bodies are skipped as empty
    duplicate_threshold: float = 0.8  # shingle Jaccard above which two articles are copies
    timezone: str = "UTC"  # for publication times written without a zone
    cohesion_min: float = 0.2  # appended blocks sharing fewer content words with the article are dropped
    shingle_size: int = 5  # words per shingle for near-duplicate sketches
    sketch_size: int = 64  # bottom-k MinHash values kept per article
    duplicate_min_shared: float = 0.5  # share of sketch values two articles must share to be compared
    workers: int = 0  # processes for reading many files (0: one per core)
    anchor_similarity: float = 0.35  # cosine at which a dated article dates a weekday-only one (>1: off)
    anchor_terms: int = 60  # heaviest terms per article for that comparison, from its first anchor_chars
    anchor_chars: int = 4000
    anchor_max_posting: int = 150  # candidates for it share terms held by at most this many articles...
    anchor_candidates: int = 50  # ...and the exact cosine is computed for this many sharing most of them
    date_lead_chars: int = 1500  # "اليوم الأحد (2 تموز 2017)" dates an article only in its body's first characters
    event_min_shared: int = 3  # a weekday statement reports the same event as a dated sentence sharing this many
    event_overlap: float = 0.5  # content words, and this share of the smaller sentence's...
    event_overlap_same_words: float = 0.2  # ...or this share when both use the same relative word and weekday
    event_max_days: int = 3  # an event link dates an article at most this far from its anchor's date
    weekday_in_window: bool = True  # also the only day with its weekday in the batch's days, when the batch's
    batch_window_days: int = 7  # own dates (batch_window_share of them) span at most this many days
    batch_window_share: float = 1.0  # below 1, outliers are left out (and an article written among them misdated)
    date_slack_days: int = 2  # an undated article is written this close to its story's dated articles
    # A site's template text (digest/ingest/templates.py): word runs that its pages about different things share
    template_shingle: int = 5  # words per shingle (0: off)
    template_min_pages: int = 3  # a shingle on this many of one site's pages is template text...
    template_max_similarity: float = 0.3  # ...and on two whose word sets are less alike than this (Jaccard)
    template_min_run: int = 8  # a run this long is cut anywhere; a shorter one only at a line's start or end


@dataclass(frozen=True)
class ClusterOptions:
    # Defaults tuned on half 1 of the stance bench's claims, alone and among their unrelated pages
    # (`python -m digest.evaluation.cluster PATH --unrelated`); checked on half 2 and on the pool of all claims.
    linkage: str = "average"  # centroid (cosine of summed vectors) | average (mean pairwise similarity)
    threshold: float = 0.23  # average-link: groups merge while their mean pairwise similarity is at least this
    max_days: int = 4  # two articles are linked only if their days (published, or named) come this close...
    event_days: int = 45  # ...counting the dates an article names this near its publication (unknown: no limit)
    word_weight: float = 1.0  # feature groups, each TF-IDF and unit length, summed with these weights
    char_weight: float = 0.5  # character n-grams of the rarer words (spelling variants)
    name_weight: float = 0.5  # gazetteer keys, entity mentions, capitalised Latin words
    number_weight: float = 0.1  # numbers written in the text
    pair_weight: float = 1.5  # adjacent pairs of content words (a report's phrases, shared by its copies)...
    pair_min_df: int = 2  # ...found in at least this many articles (a pair seen once matches nothing)
    rare_min: float = 0.05  # two articles are linked only if the cosine of their rarer words reaches this...
    rare_share: float = 0.05  # ...words in at most this share of articles (sharing only common words and
    # phrases, e.g. a template or the same text with other names, is not being one story)
    lead_tokens: int = 60  # the title and this many first content words of the body...
    lead_boost: int = 1  # ...count this many extra times
    background_articles: int = 100  # IDF counts this many unrelated articles besides the day's: in a day of
    # five articles on one story, the story's own words must not look common
    idf_power: float = 1.0  # above 1, rare words (names, places) weigh more against common ones
    min_df: int = 1  # features found in fewer articles are left out
    char_gram_size: int = 4
    char_gram_terms: int = 40  # character n-grams come from this many heaviest words of each article...
    char_gram_min_length: int = 5  # ...none shorter than this...
    char_gram_max_df: float = 0.05  # ...nor found in more than this share of articles
    vector_terms: int = 400  # heaviest features kept per article
    block_terms: int = 60  # candidates share one of each other's heaviest features (blocking keys)...
    max_posting: int = 150  # ...among those held by at most this many articles
    candidates: int = 30  # candidates per article whose exact similarity is computed
    neighbors: int = 20  # candidate links kept per article...
    mutual: bool = True  # ...a link only if it is among both articles' best (a mutual-kNN graph; else either's)
    min_similarity: float = 0.03  # weaker candidate links are dropped
    cross_language_weight: float = 1.0  # links across languages: cosine of gazetteer keys and numbers, times this
    cross_language_min: float = 0.3  # weaker cross-language links are dropped
    cross_language_numbers: float = 0.5  # weight of numbers against names in that cosine
    smoothing_neighbors: int = 10  # each vector is smoothed with this many nearest neighbours' vectors...
    smoothing_weight: float = 0.6  # ...weighted by similarity times this (0: off)
    boilerplate_shingle: int = 4  # word shingles recurring within an outlet are page furniture (0: off)
    boilerplate_articles: int = 25  # and so are shingles found in this many articles
    min_kept_tokens: int = 30  # an article left with fewer tokens after that keeps its text
    attach_threshold: float = 0.2  # an article left in a group of at most attach_max_size joins the candidate
    attach_max_size: int = 1  # group whose centroid is closest, at this cosine or more (1 or more: off)
    attach_smoothed: bool = True  # compare smoothed vectors (else the article's own)
    passage_threshold: float = 1.0  # a long article left in such a group joins the group whose centroid one of
    passage_tokens: int = 80  # its passages (windows of this many words, overlapping by half) matches at
    passage_min_tokens: int = 200  # this cosine or more (1 or more: off); only articles of this many words


@dataclass(frozen=True)
class SummaryOptions:
    algorithm: str = "lexrank"  # lexrank | textrank | lsa
    sentences: int = 5  # length budget in sentences
    max_words: int = 140  # and in words
    # lead: the lead of the story's best report, then what the other reports add | ranked: best scored sentences
    strategy: str = "lead"
    core_share: float = 0.6  # share of the budget (sentences and words) the best report's lead may take
    single_core_share: float = 1.0  # the same in a story of one article (a report's own lead is hard to beat)
    report_clean_exponent: float = 2.0  # best report: lead score x (share of its words in clean sentences) ** this
    widget_factor: float = 0.5  # and x this when a lead sentence carries a widget or the lead opens with "وأضاف"
    addition_support_weight: float = 1.0  # an addition's rank: share of the story's outlets that report it (log)
    addition_centrality_weight: float = 1.0  # + sumy centrality in the story
    addition_redundancy: float = 0.7  # MMR: rank x (1 - this) - this x (highest token Jaccard with the summary)
    # score = weighted sum of normalised features (digest/summarize.py); tuned on EASC (`digest eval summary`)
    centrality_weight: float = 0.1  # sumy centrality, divided by the story's best
    position_weight: float = 1.0  # position prior: lead_bonus for the first sentence + (1 - place/length) ** exponent
    lead_bonus: float = 1.0
    position_exponent: float = 1.0
    centroid_weight: float = 0.2  # cosine with the story centroid, divided by the best
    story_centroid_weight: float = 1.0  # the same for stories of several articles (cross-article consensus)
    story_position_weight: float = 0.5  # and the position prior there (each article has its own lead)
    support_weight: float = 1.0  # share of the story's articles that carry the sentence or a paraphrase (log)
    support_threshold: float = 0.275  # token Jaccard at which another article's sentence is a paraphrase
    recency_weight: float = 1.5  # 1 for the newest article of the story, 0 for the oldest
    min_centroid_similarity: float = 0.12  # below (averaged with its neighbours): off-topic, e.g. an appended op-ed
    merge_threshold: float = 0.7  # token Jaccard at which sentences of two articles are one
    redundancy_threshold: float = 0.5  # token Jaccard at which a sentence repeats one already chosen
    stem: bool = True  # Snowball Arabic light stems for similarity (centrality, centroid, merging)
    max_candidates: int = 200  # sentences given to sumy per story, best by a cheap score
    min_sentence_words: int = 6
    max_sentence_words: int = 250  # longer: an unsplit block (Arabic sentences chain many clauses; EASC)
    min_content_words: int = 4
    unterminated_min_words: int = 16  # shorter lines without final punctuation are titles/captions/bylines
    min_arabic_ratio: float = 0.5  # share of Arabic letters below which a sentence is a foreign caption
    furniture_stories: int = 3  # a sentence found in this many stories of the day is site furniture (0: off)
    headline_min_words: int = 4
    headline_max_words: int = 22  # a lead sentence standing in for a title is cut after a clause within this
    headline_recency_weight: float = 0.3
    headline_lead_sentences: int = 2  # without a title: the first sentences of each report tried, best report first


@dataclass(frozen=True)
class ExtractOptions:
    max_actors: int = 8
    min_mentions: int = 1  # actors named fewer times (and with no title) are left out
    spread_weight: float = 2.0  # salience: + this per article that names the actor
    role_weight: float = 2.0  # salience: + this when a title is known
    organization_weight: float = 0.6  # salience multiplier for organisations (persons first)
    unknown_weight: float = 0.8  # salience multiplier for names not in the gazetteer
    summary_actor_weight: float = 1.0  # salience: a mention in a sentence the summary uses counts 1 + this
    cue_window: int = 4  # words before a place or date where a venue or date cue counts
    event_lead_sentences: int = 3  # an article's event sentences (venue, event date): its first sentences...
    lead_min_words: int = 8  # ...of this many words or more (shorter lines at a page's top are menus, captions)
    city_weight: float = 1.5  # a city named as the venue outweighs its country (its score times this)
    venue_article_cap: float = 6.0  # one article's weight in the venue and event-date votes
    same_day_weight: float = 0.4  # "اليوم" = publication day weighs this much as an event date
    venue_min_articles: int = 2  # the venue is named as such by this many outlets (sites)...
    min_outlet_share: float = 0.25  # ...and by this share of the story's outlets...
    venue_margin: float = 1.5  # ...and scores this many times any other place's (its own country aside)
    event_min_articles: int = 2  # an event date is given by this many outlets (sites)...
    event_min_share: float = 0.5  # ...and more than this share of the outlets that write a day write it
    event_max_days_before: int = 14  # an article's event date lies at most this long before its publication...
    event_max_days_after: int = 60  # ...and at most this long after it (an announced meeting)
    # crf (the CRF tagger, `digest.analyze.tagger`, with the gazetteer, cue words and rules as its features; held out
    # on NewsFANE it beats the rules alone) | rules | rules+crf | crf+rules | camel (camel-tools' BERT NER; needs
    # `camel_data -i ner`, slow)
    ner_backend: str = "crf"


@dataclass(frozen=True)
class ConflictOptions:
    subject_window: int = 80  # characters between a trigger word and the name it is about
    approx_tolerance: float = 0.1  # "about 80" allows 80 ± 10 %
    max_count_ratio: float = 2.0  # counts further apart are taken for different quantities, not a discrepancy
    max_date_gap_days: int = 14  # event dates further apart are taken for different events
    supersede_after_hours: float = 12.0  # a side whose reports all come this much later supersedes the others
    compare_titles: bool = False  # report differing titles of one person (noisy: "President" vs "Russian President")
    max_conflicts: int = 12  # per story
    max_evidence: int = 3  # evidence sentences shown per side
    max_sentence_chars: int = 1500  # longer "sentences" are page furniture run together, not read
    round_figure: int = 10  # a bare multiple of this ("80") is compatible with "more than 80", "about 80"
    report_min_words: int = 3  # content words a denied report must share with a sentence that reports it
    report_min_overlap: float = 0.6  # and the share of the denial's content words that sentence must hold
    act_min_words: int = 2  # content words of an act whose responsibility is claimed ("إسقاط الطائرة")
    # Reports that deny, doubt or negate, against another article's sentence on the same subject, confirmed by the
    # learned judge (`digest.analyze.disagreement`): shared content words, their share of the shorter sentence,
    # and the judge's score a pair needs (0: the model's own threshold).
    statements: bool = True
    max_statement_conflicts: int = 2  # per story, the best-judged
    statement_min_shared: int = 4
    statement_min_cover: float = 0.45  # tuned on half 1 of the stance folds (0.5 missed a plan against its outcome)
    statement_min_score: float = 0.0
    statement_max_sentences: int = 40  # per article, from its start: the lead is where a report is made
    confirm_reports: bool = False  # a report matched with a denial must also be judged disagreeing by the model


@dataclass(frozen=True)
class TranslateOptions:
    engine: str = "argos"  # argos | identity
    threads: int = 2  # CTranslate2 intra_threads (0: all cores)
    beam_size: int = 2
    compute_type: str = "int8"  # CTranslate2: int8 | int8_float32 | float32 | auto
    batch_size: int = 16  # sentences per CTranslate2 batch
    cache: bool = True  # SQLite cache in $DIGEST_CACHE_DIR (digest/cache.py)
    pivot: str = "en"  # ar→X goes through this language when no direct ar→X package is installed
    protect: bool = True  # names, dates and figures become placeholders, restored in canonical form
    placeholder: str = "ZX{n}"  # Latin letters around {n}: sentencepiece models copy them through
    max_decoding_length: int = 256  # tokens per translated sentence
    max_stories: int = 100  # only the first (biggest) stories are translated: ~4 s each on 2 cores; 0: all


@dataclass(frozen=True)
class RenderOptions:
    formats: tuple[str, ...] = ("html", "pdf", "json")
    pdf_mode: str = "combined"  # combined | per-language
    print_stories: int = 30  # stories in the PDF and the email, biggest first (0: all); the web page: web_stories
    max_sources: int = 20  # articles listed under a story, then "and N more" (0: all); the JSON has all
    # In print (PDF, email) at most this many of them (0: max_sources): a desk reads the first reports, and a
    # run of twenty outlets and dates was a third of a story's lines and of the PDF's drawing time
    print_sources: int = 6
    print_actors: int = 5  # key actors printed per story, the most salient first (0: all the story has)
    max_variants: int = 3  # other spellings shown per actor (0: all)
    # Full story cards on the web page, biggest first (0: all); every story after them is one line of an index
    # (headline linked to its first source, sources, outlets, date): a desk day of up to ~2,000 stories is
    # whole (a 10k bench day, 2,000 cards and 3,776 index lines in three editions: 34.5 MB), and a day of
    # 57,000 stories is a 121 MB page, not 785 MB. The JSON always has every story in full.
    web_stories: int = 2000
    index_outlets: int = 3  # outlets named on an index line, then "and N more" (0: all)


@dataclass(frozen=True)
class EmailOptions:
    host: str = "localhost"
    port: int = 587
    security: str = "starttls"  # starttls | tls | none
    username: str = ""
    password_env: str = "DIGEST_SMTP_PASSWORD"
    sender: str = ""
    recipients: tuple[str, ...] = ()
    subject: str = "{title} — {date}"  # {title} and {date} in the subject's language
    timeout: float = 30.0
    language: str = ""  # language of the subject line; "" = the briefing's first edition
    cafile: str = ""  # a CA bundle to trust for the server's certificate (e.g. a company CA); "" = system's
    attach_pdf: bool = True
    bcc: bool = False  # recipients hidden from each other (Bcc; To: undisclosed-recipients)


@dataclass(frozen=True)
class Options:
    languages: tuple[str, ...] = ("ar", "en", "es")
    ingest: IngestOptions = field(default_factory=IngestOptions)
    cluster: ClusterOptions = field(default_factory=ClusterOptions)
    summary: SummaryOptions = field(default_factory=SummaryOptions)
    extract: ExtractOptions = field(default_factory=ExtractOptions)
    conflicts: ConflictOptions = field(default_factory=ConflictOptions)
    translate: TranslateOptions = field(default_factory=TranslateOptions)
    render: RenderOptions = field(default_factory=RenderOptions)
    email: EmailOptions = field(default_factory=EmailOptions)
    workers: int = 0  # processes for per-article (analyze) and per-story (synthesize) work; 0: one per core


T = TypeVar("T")


def _coerce(section: str, name: str, kind: Any, value: Any) -> Any:
    origin = getattr(kind, "__origin__", None)
    if isinstance(kind, type) and dataclasses.is_dataclass(kind):
        if not isinstance(value, dict):
            raise ConfigError(f"options: [{name}] must be a table")
        return _build(kind, value, name)
    if origin is tuple:
        if isinstance(value, str):
            value = [v.strip() for v in value.split(",") if v.strip()]
        if not isinstance(value, (list, tuple)):
            raise ConfigError(f"options: {section}{name} must be a list")
        return tuple(value)
    if kind is bool and not isinstance(value, bool):
        raise ConfigError(f"options: {section}{name} must be true or false, not {value!r}")
    if kind in (int, float) and (isinstance(value, bool) or not isinstance(value, (int, float))):
        raise ConfigError(f"options: {section}{name} must be a number, not {value!r}")
    if kind is str and not isinstance(value, str):
        raise ConfigError(f"options: {section}{name} must be a string, not {value!r}")
    return kind(value) if kind in (int, float) else value


def _build(cls: type[T], values: dict[str, Any], section: str = "") -> T:
    hints = get_type_hints(cls)
    names = {f.name for f in dataclasses.fields(cls)}  # type: ignore[arg-type]
    unknown = sorted(set(values) - names)
    if unknown:
        where = f"[{section}] " if section else ""
        raise ConfigError(f"options: unknown option {where}{unknown[0]!r}; known: {', '.join(sorted(names))}")
    prefix = f"{section}." if section else ""
    return cls(**{k: _coerce(prefix, k, hints[k], v) for k, v in values.items()})


def _merge(base: dict[str, Any], top: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in top.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def default_config_path() -> Path:
    home = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(home) / "digest" / "config.toml"


def load_options(config: Path | None = None, overrides: dict[str, Any] | None = None) -> Options:
    """Defaults, then the TOML file (if any), then `overrides` (nested dict, as from flags)."""
    values: dict[str, Any] = {}
    path = config if config is not None else default_config_path()
    if config is not None or path.is_file():
        try:
            values = tomllib.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise ConfigError(f"options file not found: {path}") from None
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ConfigError(f"options file {path} is not valid TOML: {exc}") from None
    values = _merge(values, {k: v for k, v in (overrides or {}).items() if v is not None})
    return _checked(_build(Options, values))


def editions() -> tuple[str, ...]:
    """The language codes a briefing can be made in: those with interface labels (data file `labels.json`)."""
    from digest.resources import read_json

    return tuple(read_json("labels.json"))


def _checked(options: Options) -> Options:
    """Options whose values are checked with the others, before any work: a wrong one is one line."""
    known = editions()
    for lang in options.languages:
        if lang not in known:
            raise ConfigError(
                f"options: languages: unknown edition {lang!r}; choose from {', '.join(known)} (--langs ar,en,es)"
            )
    if not options.languages or len(set(options.languages)) != len(options.languages):
        raise ConfigError(f"options: languages must name each edition once, not {list(options.languages)}")
    if options.email.language and options.email.language not in known:
        raise ConfigError(
            f"options: [email] language: unknown edition {options.email.language!r}; choose from "
            f"{', '.join(known)} or leave it empty"
        )
    return options
