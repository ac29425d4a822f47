"""`digest train KIND PATH`: retrain one of the learned parts shipped in `digest/data/`, reproducibly.

Each kind names the module that owns the model and the labelled data it learns from; the module's
`train(path, out, seed) -> Report` fits the model with a fixed seed, prints its figures on the part of the
data it was not fitted on, and writes the model to `out` (by default the file the package ships, so that a
retrained model is used from the next run on).
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any, Protocol

from digest.errors import ConfigError, InputError
from digest.evaluation import Report

# kind -> (module, what PATH is)
KINDS: dict[str, tuple[str, str]] = {
    "ner": ("digest.analyze.tagger", "NewsFANE-style BIO file or folder (../shared/bench/ner)"),
    "disagreement": ("digest.analyze.disagreement", "stance corpus folder (../shared/bench/stance)"),
}


class Trainer(Protocol):
    def train(self, path: Path, out: Path | None, seed: int) -> Report: ...


def run(kind: str, path: Path, out: Path | None = None, seed: int = 0, **extra: Any) -> Report:
    """Train the model named `kind` on the labelled data at `path` (`extra`: the module's own options, such as
    the tagger's `folds_dir`)."""
    if kind not in KINDS:
        raise ConfigError(f"unknown model {kind!r}; choose one of {', '.join(KINDS)}")
    if not path.exists():
        raise InputError(f"training data not found: {path}")
    module: Trainer = importlib.import_module(KINDS[kind][0])
    return module.train(path, out, seed, **extra)
