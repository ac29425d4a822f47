"""A real day, as a desk reads it: `digest eval day PATH [--json] [--out DIR]`.

Every page of the stance claims in PATH (related and unrelated, each URL once) is written as a JSON Lines
record with only its id, URL and raw page text (no title, no outlet, no date: what a scraper gives) and the
whole pipeline runs on them as one day (`pipeline.build_briefing`). Then:

- **stories**: B-cubed precision, recall and F1 over the related pages (a claim's related pages are one gold
  story; unrelated pages are in the day, and cost precision when they join a story, but are not averaged);
- **clutter**: the share of the headlines, and of the summary sentences, of stories with two or more pages
  that carry page furniture. Furniture is defined from the pool itself, not by the pipeline's cleaner: a
  *template n-gram* is a run of five normalised words found on two or more pages of one site (domain) that
  belong to different stories (different claims, or unrelated pages), and in no page's rationale line (the
  lines the corpus marks as the news a page reports). A headline or sentence carries furniture when it holds
  two or more template n-grams (a run of six template words, or two pieces), or a template marker (`{{ }}`).
  Pages are flattened (a breadcrumb, a date widget and the first sentence on one line), so the test is on
  word runs, not on whole lines;
- **fields**: how many stories of two or more pages have a venue, an event date, actors, conflicts, an
  English headline; and the briefing's `date_source`.

Each figure is given for the pool and for each half of the claims (sorted by id, alternating: the half a
story belongs to is the half of most of its related pages), so that options tuned on half 1 are checked on
half 2. With `--out DIR`, the briefing (HTML and JSON) and `handcheck-half1.md`, `handcheck-half2.md` (the 20
biggest stories of each half with their sources' first lines, for the hand check in the README) are written
there.
"""

from __future__ import annotations

import json
import re
import tempfile
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from digest.errors import InputError
from digest.evaluation import Report
from digest.evaluation.cluster import bcubed
from digest.lang import arabic
from digest.options import Options

GRAM = 5  # words in a template n-gram
MIN_TEMPLATE_GRAMS = 2  # a text with this many template n-grams carries furniture (a run of 6 words or more)
MARKERS = ("{{", "}}", "{ {", "} }")
HANDCHECK_STORIES = 20


@dataclass(frozen=True)
class Page:
    id: str
    claim: str
    stance: str
    url: str
    text: str
    rationale: frozenset[int]  # line indices

    @property
    def related(self) -> bool:
        return self.stance != "unrelated"

    @property
    def domain(self) -> str:
        return (urlparse(self.url).hostname or "").removeprefix("www.")


def load_pages(folder: Path) -> list[Page]:
    """Every page of every claim file in `folder`, each URL once (the first claim that lists it keeps it, as
    `stance.load_claims` does; a page related to any claim counts as related)."""
    files = sorted(folder.glob("*.json"))
    if not files:
        raise InputError(f"no claim files (*.json) in {folder}")
    pages: dict[str, Page] = {}
    for path in files:
        data = json.loads(path.read_text(encoding="utf-8"))
        rows = zip(data["article"], data["url"], data["stance"], data["rationale"], strict=True)
        for index, (text, url, stance, rationale) in enumerate(rows):
            known = pages.get(url)
            if known is not None and (known.related or stance == "unrelated"):
                continue
            pages[url] = Page(f"{data['id']}-{index}", str(data["id"]), stance, url, text, _line_indices(rationale))
    return list(pages.values())


def _line_indices(rationale: Any) -> frozenset[int]:
    return frozenset(int(n) for n in re.findall(r"\d+", str(rationale)))


def halves(pages: Sequence[Page]) -> dict[str, int]:
    """Claim id → 0 or 1: the claims sorted by id, alternating (the halves `digest eval cluster` uses)."""
    claims = sorted({p.claim for p in pages if p.related})
    return {claim: k % 2 for k, claim in enumerate(claims)}


def _norm_words(text: str) -> list[str]:
    return [w for w in arabic.words(arabic.normalize(text)) if w]


class Furniture:
    """The pool's template text (see the module docstring), to test headlines and sentences against."""

    def __init__(self, pages: Sequence[Page]) -> None:
        stories_of: dict[tuple[str, tuple[str, ...]], set[str]] = defaultdict(set)
        news: set[tuple[str, ...]] = set()
        for page in pages:
            story = page.claim if page.related else f"unrelated:{page.id}"
            lines = page.text.split("\n")
            for index in page.rationale:
                if index < len(lines):
                    news.update(_grams(_norm_words(lines[index])))
            for gram in {g for line in lines for g in _grams(_norm_words(line))}:
                stories_of[(page.domain, gram)].add(story)
        self.grams: dict[str, set[tuple[str, ...]]] = defaultdict(set)
        for (domain, gram), stories in stories_of.items():
            if len(stories) >= 2 and gram not in news:
                self.grams[domain].add(gram)

    def carries(self, text: str, domains: Iterable[str]) -> bool:
        """Whether `text`, taken from pages of `domains`, carries furniture: two or more of those sites' template
        word n-grams, or a template marker."""
        if any(marker in text for marker in MARKERS):
            return True
        grams = _grams(_norm_words(text))
        return sum(any(g in self.grams.get(d, ()) for d in set(domains)) for g in grams) >= MIN_TEMPLATE_GRAMS


def _grams(words: Sequence[str]) -> list[tuple[str, ...]]:
    return [tuple(words[i : i + GRAM]) for i in range(len(words) - GRAM + 1)]


def write_day(pages: Iterable[Page], folder: Path) -> list[Path]:
    """The pages as JSON Lines files (one per claim, so that no file is large), with id, URL and text only."""
    by_claim: dict[str, list[Page]] = defaultdict(list)
    for page in pages:
        by_claim[page.claim].append(page)
    paths = []
    for claim, claim_pages in sorted(by_claim.items()):
        path = folder / f"{claim}.jsonl"
        records = (json.dumps({"id": p.id, "url": p.url, "text": p.text}, ensure_ascii=False) for p in claim_pages)
        path.write_text("\n".join(records) + "\n", encoding="utf-8")
        paths.append(path)
    return paths


def story_of_pages(briefing: dict[str, Any]) -> dict[str, int]:
    """Page id → index of the story that holds it (its copies included)."""
    found: dict[str, int] = {}
    for index, story in enumerate(briefing["stories"]):
        for article in story["articles"]:
            found[article["id"]] = index
            for copy in article.get("copies", ()):
                found[copy["id"]] = index
    return found


def _share(hits: int, total: int) -> float:
    return round(hits / total, 4) if total else 0.0


def score(briefing: dict[str, Any], pages: Sequence[Page], furniture: Furniture) -> dict[str, Any]:
    """The figures of the module docstring, for the pool and per half."""
    half_of = halves(pages)
    where = story_of_pages(briefing)
    lost = [p.id for p in pages if p.id not in where]
    labels = [where.get(p.id, f"lost:{p.id}") for p in pages]
    gold = [p.claim if p.related else f"unrelated:{p.id}" for p in pages]
    metrics: dict[str, Any] = {"pages": len(pages), "related": sum(p.related for p in pages), "not_placed": len(lost)}
    metrics["date_source"] = briefing.get("date_source")
    page_half = {p.id: half_of.get(p.claim) for p in pages if p.related}
    for name, chosen in (("pool", (0, 1)), ("half1", (0,)), ("half2", (1,))):
        scored = [p.related and half_of[p.claim] in chosen for p in pages]
        scores = bcubed(labels, gold, scored)
        block: dict[str, Any] = {
            "bcubed_precision": round(scores.precision, 4),
            "bcubed_recall": round(scores.recall, 4),
            "bcubed_f1": round(scores.f1, 4),
        }
        block.update(_story_figures(briefing, furniture, page_half, chosen))
        metrics[name] = block
    return metrics


def story_half(story: dict[str, Any], page_half: dict[str, int | None]) -> int | None:
    """The half most of a story's related pages belong to (None: only unrelated pages)."""
    votes = Counter(page_half[a["id"]] for a in _all_articles(story) if page_half.get(a["id"]) is not None)
    return votes.most_common(1)[0][0] if votes else None


def _all_articles(story: dict[str, Any]) -> list[dict[str, Any]]:
    return [x for a in story["articles"] for x in (a, *a.get("copies", ()))]


def _domains(articles: Iterable[dict[str, Any]]) -> set[str]:
    return {(urlparse(a.get("url") or "").hostname or "").removeprefix("www.") for a in articles}


def _sentence_domains(sentence: dict[str, Any], story: dict[str, Any]) -> set[str]:
    by_id = {a["id"]: a for a in _all_articles(story)}
    sources = [by_id[i] for i in sentence.get("sources", ()) if i in by_id]
    return _domains(sources or _all_articles(story))


def _story_figures(
    briefing: dict[str, Any], furniture: Furniture, page_half: dict[str, int | None], chosen: Sequence[int]
) -> dict[str, Any]:
    stories = [
        s
        for s in briefing["stories"]
        if len(_all_articles(s)) >= 2 and (len(chosen) == 2 or story_half(s, page_half) in chosen)
    ]
    headlines = [(s["headline"]["ar"], _domains(_all_articles(s))) for s in stories]
    sentences = [(x["text"], _sentence_domains(x, s)) for s in stories for x in s["summary"]["ar"]]
    dirty_headlines = sum(furniture.carries(text, domains) for text, domains in headlines)
    dirty_sentences = sum(furniture.carries(text, domains) for text, domains in sentences)
    return {
        "stories_2plus": len(stories),
        "headline_clutter": _share(dirty_headlines, len(headlines)),
        "summary_clutter": _share(dirty_sentences, len(sentences)),
        "summary_sentences": len(sentences),
        "with_venue": sum(s["venue"] is not None for s in stories),
        "with_event_date": sum(s["event_date"] is not None for s in stories),
        "with_actors": sum(bool(s["actors"]) for s in stories),
        "with_conflicts": sum(bool(s["conflicts"]) for s in stories),
        "with_english_headline": sum(bool(s["headline"].get("en")) for s in stories),
    }


def handcheck_sheet(briefing: dict[str, Any], pages: Sequence[Page], half: int, furniture: Furniture) -> str:
    """The 20 biggest stories of one half, as a desk editor checks them against their sources (README rubric)."""
    half_of = halves(pages)
    page_half = {p.id: half_of.get(p.claim) for p in pages if p.related}
    by_id = {p.id: p for p in pages}
    chosen = [s for s in briefing["stories"] if story_half(s, page_half) == half][:HANDCHECK_STORIES]
    out = [f"# Hand check, half {half + 1}: the {len(chosen)} biggest stories", ""]
    for n, story in enumerate(chosen, 1):
        articles = _all_articles(story)
        claims = Counter(by_id[a["id"]].claim if by_id[a["id"]].related else "unrelated" for a in articles)
        out += [f"## {n}. {story['headline']['ar']}", ""]
        out.append(f"- pages: {len(articles)}; gold: {dict(claims.most_common())}")
        if story["headline"].get("en"):
            out.append(f"- en: {story['headline']['en']}")
        for k, sentence in enumerate(story["summary"]["ar"], 1):
            flag = " [template]" if furniture.carries(sentence["text"], _sentence_domains(sentence, story)) else ""
            out.append(f"- S{k}{flag}: {sentence['text']}")
        for actor in story["actors"]:
            role = actor["role"].get("en") or actor["role"].get("ar") or ""
            out.append(f"- actor: {actor['name']['ar']} / {actor['name']['en']} ({actor['kind']}; {role})")
        venue = story["venue"]
        out.append(f"- venue: {venue['name']['ar'] + ' / ' + venue['name']['en'] if venue else '—'}")
        out.append(f"- event date: {story['event_date'] or '—'}")
        for conflict in story["conflicts"]:
            sides = " | ".join(f"{c['value']['en']} ({', '.join(c['articles'][:3])})" for c in conflict["claims"])
            out.append(
                f"- conflict ({conflict['kind']}, {conflict['attribute']}): {conflict['subject']['en']}: {sides}"
            )
        for article in articles[:6]:
            page = by_id[article["id"]]
            lead = " ".join(line.strip() for line in page.text.split("\n") if len(line.split()) >= 8)[:300]
            out.append(f"  - source {article['id']} ({page.stance}, {page.domain}, {article.get('published')}): {lead}")
        out.append("")
    return "\n".join(out) + "\n"


def evaluate(path: Path, options: Options, out: Path | None = None) -> Report:
    from digest import pipeline, render  # the whole pipeline: imported when this evaluation runs

    pages = load_pages(path)
    furniture = Furniture(pages)
    with tempfile.TemporaryDirectory(prefix="digest-eval-day-") as tmp:
        inputs = write_day(pages, Path(tmp))
        briefing = pipeline.build_briefing(inputs, options)
    data = briefing.to_dict()
    metrics = score(data, pages, furniture)
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
        for name, content in render.render(briefing, ("html", "json"), options=options.render).items():
            (out / name).write_bytes(content)
        for half in (0, 1):
            (out / f"handcheck-half{half + 1}.md").write_text(
                handcheck_sheet(data, pages, half, furniture), encoding="utf-8"
            )
    lines = [
        f"stance day: {metrics['pages']} pages ({metrics['related']} related) from {path}; "
        f"briefing date from {metrics['date_source']}; {metrics['not_placed']} pages in no story",
    ]
    for name in ("pool", "half1", "half2"):
        m = metrics[name]
        lines.append(
            f"{name:>5}: B-cubed P {m['bcubed_precision']:.3f} R {m['bcubed_recall']:.3f} F1 {m['bcubed_f1']:.3f}; "
            f"{m['stories_2plus']} stories of 2+ pages: headline clutter {m['headline_clutter']:.1%}, "
            f"summary clutter {m['summary_clutter']:.1%} of {m['summary_sentences']} sentences; "
            f"venue {m['with_venue']}, event date {m['with_event_date']}, actors {m['with_actors']}, "
            f"conflicts {m['with_conflicts']}, English headline {m['with_english_headline']}"
        )
    return Report(metrics, tuple(lines))
