"""The command line: the build on the samples, and one-line errors for a user's mistakes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from digest.cli import main

from .conftest import SAMPLES, visible


def test_build_json_only(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["build", str(SAMPLES), "--out", str(tmp_path), "--format", "json"])
    assert result.exit_code == 0, result.output
    files = visible(tmp_path)
    assert files == ["briefing-2022-05-11.json"]
    data = json.loads((tmp_path / files[0]).read_text(encoding="utf-8"))
    assert data["date"] == "2022-05-11"
    assert sum(len(s["articles"]) for s in data["stories"]) == 5


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["build", "no/such/folder", "--out", "OUT"], "input not found: no/such/folder"),
        (["build", str(SAMPLES), "--out", "OUT", "--format", "docx"], "unknown format 'docx'"),
        (["build", str(SAMPLES), "--out", "OUT", "--date", "11/05/2022"], "is not a date like 2022-05-11"),
        (["build", str(SAMPLES), "--out", "OUT", "--bogus"], "No such option '--bogus'"),
        (["build", str(SAMPLES), "--out", "OUT", "--summarizer", "gpt"], "unknown summarizer 'gpt'"),
    ],
)
def test_user_mistakes_get_one_line_and_nonzero_exit(tmp_path: Path, args: list[str], message: str) -> None:
    args = [a.replace("OUT", str(tmp_path / "out")) for a in args]
    proc = subprocess.run([sys.executable, "-m", "digest", *args], capture_output=True, text=True, timeout=120)
    assert proc.returncode != 0
    assert message in proc.stderr
    assert "Traceback" not in proc.stderr


def test_unwritable_output_folder(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    proc = subprocess.run(
        [sys.executable, "-m", "digest", "build", str(SAMPLES), "--out", str(blocker / "out"), "--format", "json"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 1
    assert "cannot write" in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1


def test_an_undated_day_is_said_to_be_undated(tmp_path: Path) -> None:
    day = tmp_path / "day.jsonl"
    text = "أعلن وزير الخارجية أن الاجتماع المقبل سيعقد في العاصمة لبحث الأوضاع في المنطقة مع الشركاء. " * 3
    day.write_text(json.dumps({"id": "a1", "text": text}, ensure_ascii=False) + "\n", encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["build", str(day), "--out", str(out), "--format", "json,html"])
    assert result.exit_code == 0, result.output
    warnings = [line for line in result.stderr.splitlines() if "warning" in line]
    assert len(warnings) == 1 and "no input carries a date" in warnings[0]
    data = json.loads(next(out.glob("*.json")).read_text(encoding="utf-8"))
    assert data["date_source"] == "none"
    html = next(out.glob("*.html")).read_text(encoding="utf-8")
    assert "No source carries a date" in html and "لا يحمل أي من المصادر تاريخا" in html


def test_a_dated_day_says_where_its_date_comes_from(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["build", str(SAMPLES), "--out", str(tmp_path), "--format", "json"])
    assert "warning" not in result.stderr
    assert json.loads(next(tmp_path.glob("*.json")).read_text(encoding="utf-8"))["date_source"] == "inputs"
    CliRunner().invoke(
        main, ["build", str(SAMPLES), "--out", str(tmp_path), "--format", "json", "--date", "2022-05-12"]
    )
    assert json.loads((tmp_path / "briefing-2022-05-12.json").read_text(encoding="utf-8"))["date_source"] == "given"
