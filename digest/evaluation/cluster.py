"""Story clustering on the Arabic Fact-Checking and Stance corpus: `digest eval cluster PATH [--json]`.

A "day" pools the related (not `unrelated`) articles of every claim (`digest.evaluation.stance`); the gold
story of an article is its claim. Each article goes through the cleaning that ingest applies
(`digest.ingest.build_article`; an article that cleaning would empty keeps its page text, so that the day
always holds the same articles) and the real `analyze` stage, then the day is clustered with
`digest.cluster.cluster` and scored with B-cubed precision, recall and F1 (Bagga and Baldwin 1998, per
article, averaged over articles).

For comparison the report also gives two baselines computed here on the same analyses: one story per
article, and word TF-IDF cosine with average-link clustering at its best threshold on this very day (an
oracle choice, so a generous baseline); and the scores of each half of a two-fold split of the claims (claims
sorted by id, alternately), each half clustered as a day of its own with the same options, to show that the
figures do not hang on a few claims.

The report also breaks the scores down by stance. The corpus's articles were found by a web search for the
claim; `agree` and `disagree` pages report it, `discuss` pages are on its topic without taking a position, and
are often about another event of the same place or campaign. So it gives each stance's B-cubed precision and
recall (each article against its whole gold story), and the scores of the `agree` and `disagree` articles
clustered as a day of their own: how the clusterer does on story-level gold.

With `unrelated=True` (`python -m digest.evaluation.cluster PATH --unrelated`), each half is also clustered with
the pages its claims' searches returned that are `unrelated` to them (real pages, mostly on the same region and
weeks): a day is mostly other news. Those pages are scored as stories of their own: B-cubed over the related
articles, where an unrelated page in an article's predicted story counts against its precision; the report
also gives the share of unrelated pages left alone.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import time
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
from scipy.cluster.hierarchy import fcluster, linkage
from scipy.spatial.distance import pdist

from digest import analyze, ingest
from digest.cluster import cluster
from digest.document import Analysis, Article
from digest.errors import InputError
from digest.evaluation import Report
from digest.evaluation.stance import load_claims, outlet_of
from digest.options import ClusterOptions, Options, load_options

BASELINE_THRESHOLDS = tuple(round(0.05 * k, 2) for k in range(1, 17))  # cosine similarity 0.05 ... 0.80


@dataclass(frozen=True)
class Scores:
    precision: float
    recall: float
    f1: float
    predicted: int
    gold: int


def bcubed(predicted: Sequence[object], gold: Sequence[object], scored: Sequence[bool] | None = None) -> Scores:
    """B-cubed precision, recall and F1 of a labelling against the gold labels (one label per item).

    With `scored`, only those items are averaged over; the others (each with a gold label of its own) still
    count in the size of the predicted story they are in, so that they cost the scored items precision."""
    if len(predicted) != len(gold) or (scored is not None and len(scored) != len(gold)):
        raise ValueError("predicted and gold labellings must have the same length")
    chosen = [True] * len(gold) if scored is None else list(scored)
    n = sum(chosen)
    if n == 0:
        return Scores(0.0, 0.0, 0.0, 0, 0)
    pairs = Counter((p, g) for p, g, c in zip(predicted, gold, chosen, strict=True) if c)
    predicted_sizes = Counter(predicted)
    gold_sizes = Counter(g for g, c in zip(gold, chosen, strict=True) if c)
    precision = sum(count * count / predicted_sizes[p] for (p, _), count in pairs.items()) / n
    recall = sum(count * count / gold_sizes[g] for (_, g), count in pairs.items()) / n
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return Scores(precision, recall, f1, len({p for p, _ in pairs}), len(gold_sizes))


def bcubed_by_class(
    predicted: Sequence[object], gold: Sequence[object], classes: Sequence[str]
) -> dict[str, tuple[float, float, int]]:
    """Each class's B-cubed precision and recall, averaged over its items but against whole stories (an item's
    recall counts every article of its gold story, of any class), and how many items it has."""
    pairs = Counter(zip(predicted, gold, strict=True))
    predicted_sizes = Counter(predicted)
    gold_sizes = Counter(gold)
    sums: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0, 0])
    for p, g, c in zip(predicted, gold, classes, strict=True):
        both = pairs[(p, g)]
        sums[c][0] += both / predicted_sizes[p]
        sums[c][1] += both / gold_sizes[g]
        sums[c][2] += 1
    return {c: (precision / n, recall / n, int(n)) for c, (precision, recall, n) in sorted(sums.items())}


@dataclass(frozen=True)
class Errors:
    """Where the B-cubed losses come from: predicted stories that mix gold stories (precision) and gold
    stories spread over predicted ones (recall), each with its share of the loss, worst first."""

    merged: tuple[tuple[float, tuple[tuple[str, int], ...]], ...]  # loss, (gold label, articles) per story
    split: tuple[tuple[float, str, tuple[int, ...]], ...]  # loss, gold label, sizes of its parts


def errors(predicted: Sequence[object], gold: Sequence[object], keep: int = 5) -> Errors:
    """The `keep` predicted stories and gold stories that cost B-cubed precision and recall the most."""
    n = len(gold)
    pairs = Counter(zip(predicted, gold, strict=True))
    predicted_sizes = Counter(predicted)
    gold_sizes = Counter(gold)
    by_predicted: dict[object, list[tuple[str, int]]] = defaultdict(list)
    by_gold: dict[object, list[int]] = defaultdict(list)
    for (p, g), count in pairs.items():
        by_predicted[p].append((str(g), count))
        by_gold[g].append(count)
    merged: list[tuple[float, tuple[tuple[str, int], ...]]] = []
    for p, parts in by_predicted.items():
        if len(parts) > 1:
            loss = sum(c * (1 - c / predicted_sizes[p]) for _, c in parts) / n
            merged.append((loss, tuple(sorted(parts, key=lambda x: (-x[1], x[0])))))
    split: list[tuple[float, str, tuple[int, ...]]] = []
    for g, sizes in by_gold.items():
        if len(sizes) > 1:
            loss = sum(c * (1 - c / gold_sizes[g]) for c in sizes) / n
            split.append((loss, str(g), tuple(sorted(sizes, reverse=True))))
    merged.sort(key=lambda x: (-x[0], x[1]))
    split.sort(key=lambda x: (-x[0], x[1]))
    return Errors(tuple(merged[:keep]), tuple(split[:keep]))


def labels_of(groups: Sequence[Sequence[int]], n: int) -> list[int]:
    """A partition (lists of indices) as one label per item; raises if it is not a partition of range(n)."""
    labels = [-1] * n
    for label, group in enumerate(groups):
        for i in group:
            if labels[i] != -1:
                raise ValueError(f"article {i} is in two stories")
            labels[i] = label
    if -1 in labels:
        raise ValueError(f"article {labels.index(-1)} is in no story")
    return labels


def prepared(article: Article, options: Options) -> tuple[Article, bool]:
    """The article as ingest would clean it (text, title, outlet, date); the page text if nothing is left."""
    document = ingest.Document(
        id=article.id, text=article.text, source=article.source or "", url=article.url, outlet=article.outlet
    )
    try:
        return ingest.build_article(document, options.ingest).article, True
    except InputError:
        return article, False


def tfidf_average_link(analyses: Sequence[Analysis], thresholds: Sequence[float]) -> dict[float, list[int]]:
    """The baseline: word TF-IDF (sublinear tf) cosine, average-link, cut at each similarity threshold."""
    n = len(analyses)
    counts = [Counter(a.terms) for a in analyses]
    df: Counter[str] = Counter()
    for c in counts:
        df.update(c.keys())
    vocabulary = {t: k for k, t in enumerate(sorted(df))}
    matrix = np.zeros((n, max(len(vocabulary), 1)))
    for i, c in enumerate(counts):
        for term, tf in c.items():
            matrix[i, vocabulary[term]] = (1 + math.log(tf)) * math.log((n + 1) / df[term])
    filled = [i for i in range(n) if matrix[i].any()]
    results: dict[float, list[int]] = {}
    tree = linkage(pdist(matrix[filled], metric="cosine"), method="average") if len(filled) > 1 else None
    for threshold in thresholds:
        labels = list(range(n))  # empty articles stay alone
        if tree is not None:
            for i, label in zip(filled, fcluster(tree, t=1 - threshold, criterion="distance"), strict=True):
                labels[i] = n + int(label)
        results[threshold] = labels
    return results


def unrelated_pages(path: Path, seen: set[str]) -> list[tuple[str, Article]]:
    """The pages a claim's search returned that are `unrelated` to it, with the claim's id; a URL already in
    `seen` (any related article, or an earlier page) is left out, as `load_claims` does."""
    pages = []
    for file in sorted(path.glob("*.json")):
        data = json.loads(file.read_text(encoding="utf-8"))
        for index, (text, url, stance) in enumerate(zip(data["article"], data["url"], data["stance"], strict=True)):
            if stance != "unrelated" or url in seen:
                continue
            seen.add(url)
            article = Article(id=f"{data['id']}-{index}", text=text, url=url, outlet=outlet_of(url), source=str(file))
            pages.append((str(data["id"]), article))
    return pages


def _with_unrelated(
    analyses: Sequence[Analysis], gold: Sequence[str], pages: Sequence[Analysis], options: ClusterOptions
) -> tuple[Scores, float]:
    """B-cubed over `analyses` clustered together with the unrelated `pages`, and the share of pages alone."""
    day = [*analyses, *pages]
    labels = labels_of(cluster(day, options), len(day))
    scores = bcubed(
        labels, [*gold, *(f"unrelated:{p.article.id}" for p in pages)], [True] * len(analyses) + [False] * len(pages)
    )
    sizes = Counter(labels)
    alone = sum(sizes[label] == 1 for label in labels[len(analyses) :]) / max(1, len(pages))
    return scores, alone


def _cluster_scores(analyses: Sequence[Analysis], gold: Sequence[str], options: ClusterOptions) -> Scores:
    return bcubed(labels_of(cluster(analyses, options), len(analyses)), gold)


def _figures(scores: Scores) -> str:
    return (
        f"P {scores.precision:.3f}  R {scores.recall:.3f}  F1 {scores.f1:.3f}  "
        f"({scores.predicted} predicted / {scores.gold} gold stories)"
    )


def evaluate(path: Path, options: Options, unrelated: bool = False) -> Report:
    """B-cubed scores of `digest.cluster` on one pooled day, with baselines and split halves (and, with
    `unrelated`, each half among its claims' unrelated pages)."""
    claims = load_claims(path)
    articles: list[Article] = []
    gold: list[str] = []
    stances: list[str] = []
    uncleaned = 0
    for claim in claims:
        for item in claim.articles:
            article, cleaned = prepared(item.article, options)
            uncleaned += not cleaned
            articles.append(article)
            gold.append(claim.id)
            stances.append(item.stance)
    if not articles:
        raise InputError(f"no related articles in the claims of {path}")
    analyses = analyze.analyze_all(articles, replace(options, workers=min(2, os.cpu_count() or 1)))

    started = time.perf_counter()
    groups = cluster(analyses, options.cluster)
    seconds = time.perf_counter() - started
    labels = labels_of(groups, len(analyses))
    scores = bcubed(labels, gold)

    by_stance = bcubed_by_class(labels, gold, stances)
    reporting = [i for i, stance in enumerate(stances) if stance != "discuss"]
    reports = _cluster_scores([analyses[i] for i in reporting], [gold[i] for i in reporting], options.cluster)

    singletons = bcubed(list(range(len(analyses))), gold)
    baseline = {t: bcubed(labels, gold) for t, labels in tfidf_average_link(analyses, BASELINE_THRESHOLDS).items()}
    best_threshold = max(baseline, key=lambda t: (baseline[t].f1, -t))
    best = baseline[best_threshold]

    claim_ids = sorted({claim.id for claim in claims if claim.articles})
    half_of = {claim_id: k % 2 for k, claim_id in enumerate(claim_ids)}
    halves: list[Scores] = []
    for half in (0, 1):
        members = [i for i, g in enumerate(gold) if half_of[g] == half]
        halves.append(_cluster_scores([analyses[i] for i in members], [gold[i] for i in members], options.cluster))

    among: list[tuple[Scores, float, int]] = []
    if unrelated:
        seen = {item.article.url or "" for claim in claims for item in claim.articles}
        found = [(claim_id, page) for claim_id, page in unrelated_pages(path, seen) if claim_id in half_of]
        pages = analyze.analyze_all(
            [prepared(page, options)[0] for _, page in found], replace(options, workers=min(2, os.cpu_count() or 1))
        )
        for half in (0, 1):
            members = [i for i, g in enumerate(gold) if half_of[g] == half]
            own = [page for (claim_id, _), page in zip(found, pages, strict=True) if half_of[claim_id] == half]
            result = _with_unrelated([analyses[i] for i in members], [gold[i] for i in members], own, options.cluster)
            among.append((*result, len(own)))

    sizes = Counter(len(g) for g in groups)
    largest = max(len(g) for g in groups)
    by_gold: dict[str, set[int]] = defaultdict(set)
    worst = errors(labels, gold)
    for i, g in enumerate(gold):
        by_gold[g].add(labels[i])
    lines = [
        f"stance day: {len(analyses)} articles, {scores.gold} gold stories, from {len(claims)} claims in {path}"
        + (f" ({uncleaned} kept their page text: cleaning left too little)" if uncleaned else ""),
        f"digest.cluster        {_figures(scores)}  in {seconds:.2f} s",
        f"  largest story {largest} articles; {sizes[1]} single-article stories; "
        f"gold stories split in two or more: {sum(len(v) > 1 for v in by_gold.values())}",
        f"baseline, one story per article   {_figures(singletons)}",
        f"baseline, word TF-IDF average-link at its best threshold {best_threshold:.2f}   {_figures(best)}",
        *(f"half {k + 1} of the claims ({h.gold} stories)   {_figures(h)}" for k, h in enumerate(halves)),
        "by stance (each article against its whole story): "
        + "; ".join(f"{stance} ({n}) P {p:.3f} R {r:.3f}" for stance, (p, r, n) in by_stance.items()),
        f"only the articles that agree or disagree with their claim (a day of {len(reporting)}; "
        f"'discuss' pages are on the claim's topic and take no position on it)   {_figures(reports)}",
        *(
            f"half {k + 1} among its claims' {count} unrelated pages   P {h.precision:.3f}  R {h.recall:.3f}  "
            f"F1 {h.f1:.3f}; unrelated pages left alone: {alone:.0%}"
            for k, (h, alone, count) in enumerate(among)
        ),
        "costliest mixed stories (B-cubed precision lost; claim: articles): "
        + (
            "; ".join(f"{loss:.3f} " + ", ".join(f"{g}: {c}" for g, c in parts) for loss, parts in worst.merged)
            or "none"
        ),
        "costliest split stories (B-cubed recall lost; claim: sizes of its parts): "
        + ("; ".join(f"{loss:.3f} {g}: {list(parts)}" for loss, g, parts in worst.split) or "none"),
    ]
    metrics = {
        "bcubed_precision": round(scores.precision, 4),
        "bcubed_recall": round(scores.recall, 4),
        "bcubed_f1": round(scores.f1, 4),
        "articles": len(analyses),
        "gold_clusters": scores.gold,
        "predicted_clusters": scores.predicted,
        "cluster_seconds": round(seconds, 3),
        "baseline_singletons_f1": round(singletons.f1, 4),
        "baseline_tfidf_threshold": best_threshold,
        "baseline_tfidf_precision": round(best.precision, 4),
        "baseline_tfidf_recall": round(best.recall, 4),
        "baseline_tfidf_f1": round(best.f1, 4),
        "halves": [
            {
                "bcubed_precision": round(h.precision, 4),
                "bcubed_recall": round(h.recall, 4),
                "bcubed_f1": round(h.f1, 4),
                "gold_clusters": h.gold,
                "predicted_clusters": h.predicted,
            }
            for h in halves
        ],
    }
    metrics["by_stance"] = {
        stance: {"bcubed_precision": round(p, 4), "bcubed_recall": round(r, 4), "articles": n}
        for stance, (p, r, n) in by_stance.items()
    }
    metrics["agree_disagree_only"] = {
        "bcubed_precision": round(reports.precision, 4),
        "bcubed_recall": round(reports.recall, 4),
        "bcubed_f1": round(reports.f1, 4),
        "articles": len(reporting),
        "gold_clusters": reports.gold,
        "predicted_clusters": reports.predicted,
    }
    if among:
        metrics["halves_among_unrelated"] = [
            {
                "bcubed_precision": round(h.precision, 4),
                "bcubed_recall": round(h.recall, 4),
                "bcubed_f1": round(h.f1, 4),
                "unrelated_pages": count,
                "unrelated_alone": round(alone, 4),
            }
            for h, alone, count in among
        ]
    return Report(metrics=metrics, lines=tuple(lines))


def main(argv: Sequence[str] | None = None) -> int:
    """`python -m digest.evaluation.cluster PATH [--unrelated] [--json] [--config FILE]`: `digest eval cluster`
    with the measurement among unrelated pages."""
    parser = argparse.ArgumentParser(prog="python -m digest.evaluation.cluster", description=main.__doc__)
    parser.add_argument("path", type=Path)
    parser.add_argument("--unrelated", action="store_true", help="also cluster each half among unrelated pages")
    parser.add_argument("--json", action="store_true", help="end with one JSON line of the figures")
    parser.add_argument("--config", type=Path, help="options file (TOML), as for `digest`")
    args = parser.parse_args(argv)
    report = evaluate(args.path, load_options(args.config), unrelated=args.unrelated)
    print(report.to_text())
    if args.json:
        print(report.to_json())
    return 0


__all__ = [
    "Errors",
    "Scores",
    "bcubed",
    "bcubed_by_class",
    "errors",
    "evaluate",
    "labels_of",
    "prepared",
    "tfidf_average_link",
    "unrelated_pages",
]


if __name__ == "__main__":
    raise SystemExit(main())
