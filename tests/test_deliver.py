"""Delivery to disk: atomic writes, never outside --out; and the progress display (terminal only)."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from digest import deliver, render
from digest.cli import progress_reporter
from digest.errors import InputError, OutputError

from .conftest import SAMPLES, visible
from .test_render import rich_briefing


@pytest.mark.parametrize(
    "name",
    ["../escape.html", "../../escape.html", "sub/../../escape.html", "/tmp/escape.html", "sub/inner.html", "", ".."],
)
def test_names_that_leave_the_folder_are_refused_and_nothing_is_written(tmp_path: Path, name: str) -> None:
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(OutputError, match="refusing to write"):
        deliver.write_outputs({"briefing-2022-05-11.json": b"{}", name: b"<html>"}, out)
    assert visible(out) == []
    assert not (tmp_path / "escape.html").exists()


def test_story_ids_and_texts_with_dot_dot_stay_inside(tmp_path: Path) -> None:
    briefing = rich_briefing(hostile=True)
    story = replace(briefing.stories[0], id="../../etc/cron.d/x")
    briefing = replace(briefing, stories=(story, *briefing.stories[1:]))
    out = tmp_path / "out"
    written = deliver.write_outputs(render.render(briefing, ["html", "json"]), out)
    assert visible(out) == ["briefing-2022-05-11.html", "briefing-2022-05-11.json"]
    assert all(p.parent == out.resolve() for p in written)
    assert list(tmp_path.iterdir()) == [out]
    html = (out / "briefing-2022-05-11.html").read_text(encoding="utf-8")
    assert 'id="ar-../../etc/cron.d/x"' in html  # only ever an HTML id, escaped like any text


def test_write_replaces_whole_files_and_leaves_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "briefing-2022-05-11.html"
    deliver.write_outputs({target.name: b"old"}, tmp_path)
    deliver.write_outputs({target.name: b"new" * 1000}, tmp_path)
    assert target.read_bytes() == b"new" * 1000
    assert visible(tmp_path) == [target.name]
    assert oct(target.stat().st_mode & 0o777) == "0o644"


def test_failed_write_keeps_the_old_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "briefing-2022-05-11.pdf"
    target.write_bytes(b"%PDF old")

    def broken_replace(src: str, dst: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OutputError, match=r"cannot write .*No space left on device"):
        deliver.write_outputs({target.name: b"%PDF new"}, tmp_path)
    assert target.read_bytes() == b"%PDF old"
    assert visible(tmp_path) == [target.name]


def test_load_built_reads_back_what_render_wrote(tmp_path: Path) -> None:
    briefing = rich_briefing()
    json_file = render.render(briefing, ["json"])
    deliver.write_outputs({**json_file, "briefing-2022-05-11-en.pdf": b"%PDF en"}, tmp_path)
    loaded, pdfs = deliver.load_built(tmp_path)
    assert loaded.to_dict() == briefing.to_dict()
    assert pdfs == [("briefing-2022-05-11-en.pdf", b"%PDF en")]
    deliver.write_outputs({**json_file, "briefing-2022-05-11.pdf": b"%PDF all"}, tmp_path)
    assert deliver.load_built(tmp_path)[1] == [("briefing-2022-05-11.pdf", b"%PDF all")]
    # the folder of an older version (plain files, no sets) is read as it is
    legacy = tmp_path / "legacy"
    legacy.mkdir()
    (legacy / "briefing-2022-05-11.json").write_bytes(json_file["briefing-2022-05-11.json"])
    (legacy / "briefing-2022-05-11.pdf").write_bytes(b"%PDF legacy")
    assert deliver.load_built(legacy)[1] == [("briefing-2022-05-11.pdf", b"%PDF legacy")]


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        ("nothing", "no briefing-DATE.json in"),
        ("other date", "briefing-2022-05-12.json not found"),
        ("broken", "is not a briefing JSON file"),
    ],
)
def test_load_built_errors(tmp_path: Path, setup: str, message: str) -> None:
    from datetime import date

    if setup == "broken":
        (tmp_path / "briefing-2022-05-11.json").write_text("{not json", encoding="utf-8")
    if setup == "other date":
        deliver.write_outputs(render.render(rich_briefing(), ["json"]), tmp_path)
    on_date = date(2022, 5, 12) if setup == "other date" else None
    with pytest.raises(InputError, match=message):
        deliver.load_built(tmp_path, on_date)


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_shows_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.setenv("TERM", "xterm")
    stream = FakeTerminal()
    with progress_reporter(stream) as progress:
        for stage in ("ingest", "analyze", "render"):
            progress(stage)
    assert "digest: render" in stream.getvalue()


@pytest.mark.parametrize(("tty", "ci"), [(False, None), (True, "true")])
def test_progress_is_quiet_when_piped_or_in_ci(monkeypatch: pytest.MonkeyPatch, tty: bool, ci: str | None) -> None:
    if ci:
        monkeypatch.setenv("CI", ci)
    else:
        monkeypatch.delenv("CI", raising=False)
    stream = FakeTerminal() if tty else io.StringIO()
    with progress_reporter(stream) as progress:
        progress("ingest")
    assert stream.getvalue() == ""


def test_build_piped_prints_only_the_written_files(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    proc = subprocess.run(
        [sys.executable, "-m", "digest", "build", str(SAMPLES), "--out", str(tmp_path), "--format", "json"],
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip().endswith(".json")
    assert "\x1b[" not in proc.stderr and "digest: ingest" not in proc.stderr
