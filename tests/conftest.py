"""Shared fixtures: the samples built once per session, golden-file comparison."""

from __future__ import annotations

import json
import os
import tempfile
from datetime import date
from pathlib import Path

import pytest
from hypothesis import settings

from digest import pipeline
from digest.options import Options

# Property tests draw the same examples on every run: the suite is deterministic (a failure found while
# exploring with another seed becomes a named test of its own).
settings.register_profile("deterministic", derandomize=True, print_blob=True)
settings.load_profile("deterministic")

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
GOLDEN = Path(__file__).resolve().parent / "golden"
BENCH = ROOT.parent / "shared" / "bench"


def pytest_configure(config: pytest.Config) -> None:
    """The suite never sees the user's models, cache or options file: it gets empty folders of its own."""
    base = Path(tempfile.mkdtemp(prefix="digest-tests-"))
    os.environ["DIGEST_MODELS_DIR"] = str(base / "models")
    os.environ["DIGEST_CACHE_DIR"] = str(base / "cache")
    os.environ["XDG_CONFIG_HOME"] = str(base / "config")
    os.environ["XDG_DATA_HOME"] = str(base / "data")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-golden", action="store_true", help="Rewrite golden files from the current output.")


@pytest.fixture(scope="session")
def options() -> Options:
    """Shipped defaults only: no user options file is read."""
    return Options()


@pytest.fixture(scope="session")
def samples_build(tmp_path_factory: pytest.TempPathFactory) -> pipeline.BuildResult:
    """`digest build samples/` with the shipped defaults, no translation model, all formats."""
    out = tmp_path_factory.mktemp("samples-out")
    return pipeline.build([SAMPLES], out, Options(), on_date=None)


@pytest.fixture
def golden(request: pytest.FixtureRequest):
    """Compare text with tests/golden/NAME, or rewrite it under --update-golden."""

    def check(name: str, text: str) -> None:
        path = GOLDEN / name
        if request.config.getoption("--update-golden"):
            path.write_text(text, encoding="utf-8")
            return
        assert path.exists(), f"missing golden file {path}; run pytest --update-golden once, then review it"
        assert text == path.read_text(encoding="utf-8"), f"{name} differs from its golden file"

    return check


def json_of(result: pipeline.BuildResult) -> dict:
    path = next(p for p in result.written if p.suffix == ".json")
    return json.loads(path.read_text(encoding="utf-8"))


FIXED_DATE = date(2022, 5, 11)


def visible(folder: Path) -> list[str]:
    """The names a reader sees in an output folder: without the hidden `.digest` folder that holds the sets."""
    return sorted(p.name for p in folder.iterdir() if not p.name.startswith("."))
