"""Quality measured on labelled data: `digest eval KIND PATH [--json]`.

Each kind is a module of this package with `evaluate(path, options) -> Report`; the CLI finds it by name.
"""

from __future__ import annotations

import importlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from digest.errors import ConfigError, InputError
from digest.options import Options

KINDS = ("cluster", "summary", "ner", "conflicts", "day")


@dataclass(frozen=True)
class Report:
    """An evaluation's figures (`metrics`, printed as JSON with --json) and its human-readable lines."""

    metrics: dict[str, Any]
    lines: tuple[str, ...] = field(default=())

    def to_text(self) -> str:
        return "\n".join(self.lines)

    def to_json(self) -> str:
        return json.dumps(self.metrics, ensure_ascii=False, sort_keys=True)


def prf(hits: int, predicted: int, gold: int) -> tuple[float, float, float]:
    """Precision, recall and F1 from counts (0 where a count is 0)."""
    precision = hits / predicted if predicted else 0.0
    recall = hits / gold if gold else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


class Evaluation(Protocol):
    def evaluate(self, path: Path, options: Options) -> Report: ...


def run(kind: str, path: Path, options: Options, out: Path | None = None, heldout: Path | None = None) -> Report:
    """Run the evaluation named `kind` on the labelled data at `path`; `out`: a folder for what it writes
    besides its figures (only `day` writes: the briefing and the hand-check sheets); `heldout`: the fold models
    a `ner` evaluation reads each window with (`digest train ner --folds-dir`)."""
    if kind not in KINDS:
        raise ConfigError(f"unknown evaluation {kind!r}; choose one of {', '.join(KINDS)}")
    if not path.exists():
        raise InputError(f"labelled data not found: {path}")
    module: Evaluation = importlib.import_module(f"digest.evaluation.{kind}")
    if heldout is not None:
        if kind != "ner":
            raise ConfigError(f"--heldout is for `digest eval ner`; not {kind}")
        return module.evaluate(path, options, heldout=heldout)  # type: ignore[call-arg]
    if out is not None:
        if kind != "day":
            raise ConfigError(f"--out is for `digest eval day`; {kind} writes nothing")
        return module.evaluate(path, options, out=out)  # type: ignore[call-arg]
    return module.evaluate(path, options)
