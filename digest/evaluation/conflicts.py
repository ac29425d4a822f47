"""Conflicting reports on the Arabic Fact-Checking and Stance corpus: `digest eval conflicts PATH [--json]`.

Each claim's related articles (`digest.evaluation.stance`) form one story; every article goes through the real
`analyze` stage (mentions, dates, claims) and the story through `find_conflicts`.

- A story whose articles include both `agree` and `disagree` should get a conflict that touches the claim.
  A conflict *touches* the claim when its subject or one of its sides' values shares a content word (normalised,
  clitics stripped, stop words dropped, at least three letters) or a number with the claim's text.
  `detected_by_subject` counts only conflicts whose subject alone shares such a word or number.
- A story whose articles are all `agree` should get no conflict at all: any conflict there is a false alarm
  (strict: touching or not). The same is reported, as a second figure, for stories with `agree` and `discuss`
  articles and no `disagree` (discussing articles do not dispute the claim either).

The stance articles carry no publication dates, so no conflict here can be `superseded`.

The same figures are given for two folds, the claims at odd and at even positions in file-name order
(`fold_1`, `fold_2`; alternating, because the file names group the corpus's two sources, R- and V-): the rules are
not fitted to either, so the folds show how much the rates move between two sets of stories. They are not the
halves of `digest eval day` (claims with related pages sorted by id, alternating: `digest.evaluation.day.halves`),
the split options are tuned on; the figures are also given for those (`half1`, `half2`), and each claim's line
names its half.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from digest import analyze
from digest.document import Conflict
from digest.evaluation import Report
from digest.evaluation.day import halves, load_pages
from digest.evaluation.stance import StanceClaim, load_claims
from digest.lang import arabic
from digest.options import Options
from digest.synthesize import conflicts

_NUMBER = re.compile(r"\d+")


def _words(text: str) -> set[str]:
    return {t for t in arabic.content_tokens(text) if len(t) >= 3}


def _numbers(text: str) -> set[str]:
    return set(_NUMBER.findall(arabic.to_ascii_digits(text)))


def touches(conflict: Conflict, claim_text: str, subject_only: bool = False) -> bool:
    """Whether a conflict is about the claim: a shared content word or number in its subject or values
    (or in its subject alone, the stricter reading)."""
    parts = [conflict.subject.get("ar", "")]
    if not subject_only:
        parts += [side.value.get("ar", "") for side in conflict.claims]
    text = " ".join(parts)
    return bool(_words(text) & _words(claim_text)) or bool(_numbers(text) & _numbers(claim_text))


def _story_conflicts(claim: StanceClaim, options: Options) -> tuple[Conflict, ...]:
    analyses = [analyze.analyze(a.article, options) for a in claim.articles]
    return conflicts.find_conflicts(analyses, options.conflicts)


def _rate(part: int, whole: int) -> float:
    return round(part / whole, 3) if whole else 0.0


def _figures(outcomes: list[tuple[str, bool]]) -> dict[str, int | float]:
    """Detection and false-alarm counts and rates from (story kind, outcome) pairs."""
    counts = {kind: [hit for k, hit in outcomes if k == kind] for kind in ("disagree", "agree", "agree+discuss")}
    return {
        "detected": sum(counts["disagree"]),
        "stories_with_disagreement": len(counts["disagree"]),
        "detection_rate": _rate(sum(counts["disagree"]), len(counts["disagree"])),
        "false_alarms": sum(counts["agree"]),
        "stories_without_disagreement": len(counts["agree"]),
        "false_alarm_rate": _rate(sum(counts["agree"]), len(counts["agree"])),
        "false_alarms_agree_discuss": sum(counts["agree+discuss"]),
        "stories_agree_discuss": len(counts["agree+discuss"]),
    }


def evaluate(path: Path, options: Options) -> Report:
    """Detection rate on stories with disagreement, false-alarm rate on stories without."""
    claims = load_claims(path)
    half_of = halves(load_pages(path))
    folds: tuple[list[tuple[str, bool]], list[tuple[str, bool]]] = ([], [])
    by_half: tuple[list[tuple[str, bool]], list[tuple[str, bool]]] = ([], [])
    detected_subject = touching_alarms = 0
    lines: list[str] = []
    for index, claim in enumerate(claims):
        stances = {a.stance for a in claim.articles}
        if "agree" not in stances:
            continue
        found = _story_conflicts(claim, options)
        about = [c for c in found if touches(c, claim.claim)]
        if "disagree" in stances:
            kind, hit = "disagree", bool(about)
            detected_subject += any(touches(c, claim.claim, subject_only=True) for c in found)
            mark = "detected" if about else "missed"
        elif stances == {"agree"}:
            kind, hit = "agree", bool(found)
            touching_alarms += bool(about)
            mark = "FALSE ALARM" if found else "quiet"
        else:
            kind, hit = "agree+discuss", bool(found)
            mark = "false alarm (agree+discuss)" if found else "quiet (agree+discuss)"
        folds[index % 2].append((kind, hit))
        half = half_of.get(claim.id, 0)
        by_half[half].append((kind, hit))
        if found or "disagree" in stances:
            shown = "; ".join(f"{c.kind} {c.attribute} {c.subject.get('en', '')}" for c in found) or "-"
            lines.append(f"{claim.id:8} half{half + 1} {mark:28} {shown}")
    metrics: dict[str, Any] = _figures(folds[0] + folds[1])
    metrics.update(
        detected_by_subject=detected_subject,
        false_alarms_touching=touching_alarms,
        false_alarm_rate_agree_discuss=_rate(metrics["false_alarms_agree_discuss"], metrics["stories_agree_discuss"]),
        fold_1=_figures(folds[0]),
        fold_2=_figures(folds[1]),
        half1=_figures(by_half[0]),
        half2=_figures(by_half[1]),
    )
    for name in ("fold_1", "fold_2", "half1", "half2"):
        f = metrics[name]
        lines.append(
            f"{name}: detected {f['detected']}/{f['stories_with_disagreement']}, false alarms "
            f"{f['false_alarms']}/{f['stories_without_disagreement']} agree-only, "
            f"{f['false_alarms_agree_discuss']}/{f['stories_agree_discuss']} agree+discuss"
        )
    m = metrics
    lines.append(
        f"detected {m['detected']}/{m['stories_with_disagreement']} stories with agree and disagree articles "
        f"({m['detection_rate']:.1%}); false alarms {m['false_alarms']}/{m['stories_without_disagreement']} "
        f"agree-only stories ({m['false_alarm_rate']:.1%}), {m['false_alarms_agree_discuss']}/"
        f"{m['stories_agree_discuss']} agree+discuss stories ({m['false_alarm_rate_agree_discuss']:.1%})"
    )
    return Report(metrics=metrics, lines=tuple(lines))
