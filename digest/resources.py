"""Language resources shipped as data files in `digest/data/`, read with importlib.resources."""

from __future__ import annotations

import csv
import json
from functools import lru_cache
from importlib import resources
from typing import Any


def read_text(name: str) -> str:
    """The text of the data file `digest/data/<name>` (a path with forward slashes)."""
    node = resources.files("digest").joinpath("data")
    for part in name.split("/"):
        node = node.joinpath(part)
    return node.read_text(encoding="utf-8")


@lru_cache(maxsize=64)
def read_lines(name: str) -> tuple[str, ...]:
    """Non-empty lines of a data file, `#` comments dropped."""
    lines = (line.split("#", 1)[0].strip() for line in read_text(name).splitlines())
    return tuple(line for line in lines if line)


@lru_cache(maxsize=64)
def read_json(name: str) -> Any:
    """A JSON data file."""
    return json.loads(read_text(name))


@lru_cache(maxsize=64)
def read_tsv(name: str) -> tuple[dict[str, str], ...]:
    """A tab-separated data file with a header row, `#` comment lines dropped."""
    rows = [line for line in read_text(name).splitlines() if line.strip() and not line.startswith("#")]
    return tuple(dict(row) for row in csv.DictReader(rows, delimiter="\t", quoting=csv.QUOTE_NONE))
