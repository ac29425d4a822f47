"""Faults of the machine and of the run (issue 24): workers never outlive `digest build`, the briefing's files
are replaced as one set, and a user's mistake is one line."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from digest import deliver, render
from digest.cli import main
from digest.errors import OutputError
from digest.runtime.parallel import can_fork

from .conftest import SAMPLES, visible
from .test_render import rich_briefing

ROOT = Path(__file__).resolve().parent.parent


def _many_articles(folder: Path, count: int) -> Path:
    """`count` small text files made from the samples: enough files for ingest to fork its readers."""
    folder.mkdir()
    texts = [p.read_text(encoding="utf-8") for p in sorted(SAMPLES.glob("*.txt"))]
    for n in range(count):
        (folder / f"a{n:04}.txt").write_text(f"{texts[n % len(texts)]}\n\nملاحظة رقم {n}\n", encoding="utf-8")
    return folder


def _run_processes(marker: str) -> list:
    """The live (not zombie) processes whose command line names `marker`: the build and its forked workers."""
    import psutil

    found = []
    for proc in psutil.process_iter(["cmdline", "status"]):
        if proc.info["status"] != psutil.STATUS_ZOMBIE and marker in " ".join(proc.info["cmdline"] or ()):
            found.append(proc)
    return found


@pytest.mark.skipif(not can_fork() or (os.cpu_count() or 1) < 2, reason="needs forked workers (two cores)")
@pytest.mark.parametrize("signum", [signal.SIGKILL, signal.SIGTERM], ids=["SIGKILL", "SIGTERM"])
def test_killed_build_leaves_no_worker_behind(tmp_path: Path, signum: int) -> None:
    psutil = pytest.importorskip("psutil")
    inputs = _many_articles(tmp_path / "in", 300)
    out = tmp_path / "out"
    config = tmp_path / "digest.toml"
    config.write_text("workers = 2\n[ingest]\nworkers = 2\n", encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    command = [sys.executable, "-m", "digest", "build", str(inputs), "--out", str(out), "--format", "json"]
    build = subprocess.Popen([*command, "--config", str(config)], env=env, stderr=subprocess.PIPE, text=True)
    try:
        parent = psutil.Process(build.pid)
        workers: list = []
        for _ in range(6000):  # a bounded wait (at most ~10 min under load) for the first forked worker
            if build.poll() is not None:
                break
            workers = parent.children(recursive=True)
            if workers:
                break
            time.sleep(0.02)
        assert workers, f"no worker was forked (exit {build.returncode}): {build.stderr.read()[-500:]}"
        os.kill(build.pid, signum)
        build.wait(60)
        left = _run_processes(str(out))
        for _ in range(500):  # the kernel kills the workers when their parent dies: give it a moment
            if not left:
                break
            time.sleep(0.02)
            left = _run_processes(str(out))
        assert left == []
        if signum == signal.SIGTERM:
            assert build.returncode == -signal.SIGTERM
            assert build.stderr.read().strip().splitlines()[-1] == "digest: stopped (SIGTERM)"
    finally:
        if build.poll() is None:
            build.kill()
        build.wait()
        if build.stderr:
            build.stderr.close()


# ------------------------------------------------------------------------------------------------ one set


def _set(tag: str) -> dict[str, bytes]:
    """A briefing's three files, told apart by `tag` (in the JSON: the number of inputs read)."""
    briefing = rich_briefing()
    briefing = replace(briefing, inputs=replace(briefing.inputs, read=len(tag)))
    files = {f"briefing-2022-05-11.{fmt}": f"{tag} {fmt}".encode() for fmt in ("html", "pdf")}
    return {**files, "briefing-2022-05-11.json": render.render_json(briefing)}


def _read_set(out: Path) -> dict[str, bytes]:
    return {name: (out / name).read_bytes() for name in visible(out)}


def test_outputs_are_replaced_as_one_set(tmp_path: Path) -> None:
    deliver.write_outputs(_set("old"), tmp_path)
    assert _read_set(tmp_path) == _set("old")
    folder = deliver.built_folder(tmp_path, date(2022, 5, 11))  # what a reader pinned before the switch
    deliver.write_outputs(_set("new"), tmp_path)
    assert _read_set(tmp_path) == _set("new")
    assert all((tmp_path / name).is_symlink() for name in _set("new"))
    assert oct(deliver.built_folder(tmp_path, date(2022, 5, 11)).stat().st_mode & 0o777) == "0o755"
    assert not folder.exists()  # the previous set is gone whole, never half of it
    assert sorted(p.name for p in (tmp_path / deliver.SETS).iterdir() if not p.is_symlink()) == [
        deliver.built_folder(tmp_path, date(2022, 5, 11)).name,
        "lock",
    ]


@pytest.mark.parametrize("where", ["second file", "switch"])
def test_a_failure_between_writes_leaves_the_previous_set_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, where: str
) -> None:
    deliver.write_outputs(_set("old"), tmp_path)
    real_write, real_symlink = deliver._write_file, os.symlink
    written: list[Path] = []

    def full_disk(path: Path, data: bytes) -> None:
        if written:
            raise OSError(28, "No space left on device", str(path))
        written.append(path)
        real_write(path, data)

    def killed(target: str, path: str) -> None:  # the run stopped before the one rename that switches
        if ".digest" not in target:
            raise KeyboardInterrupt
        real_symlink(target, path)

    if where == "second file":
        monkeypatch.setattr(deliver, "_write_file", full_disk)
        with pytest.raises(OutputError, match="No space left on device"):
            deliver.write_outputs(_set("new"), tmp_path)
    else:
        monkeypatch.setattr(os, "symlink", killed)
        with pytest.raises(KeyboardInterrupt):
            deliver.write_outputs(_set("new"), tmp_path)
    assert _read_set(tmp_path) == _set("old")
    briefing, pdfs = deliver.load_built(tmp_path, date(2022, 5, 11))
    assert briefing.inputs.read == len("old") and pdfs == [("briefing-2022-05-11.pdf", b"old pdf")]
    monkeypatch.undo()
    deliver.write_outputs(_set("new"), tmp_path)
    assert _read_set(tmp_path) == _set("new")


def test_what_a_killed_run_left_is_removed_by_the_next(tmp_path: Path) -> None:
    (tmp_path / ".briefing-2022-05-11.pdf.k3j2_x.tmp").write_bytes(b"%PDF half")  # an older version's temporary
    deliver.write_outputs(_set("old"), tmp_path)
    sets = tmp_path / deliver.SETS
    (sets / "tmp-abc123").mkdir()
    (sets / "tmp-abc123" / "briefing-2022-05-11.html").write_bytes(b"half")
    (sets / "briefing-2022-05-11.zzz").mkdir()  # renamed whole, but killed before the switch
    os.symlink("briefing-2022-05-11.zzz", sets / "link-99-briefing-2022-05-11")
    deliver.write_outputs(_set("new"), tmp_path)
    assert visible(tmp_path) == sorted(_set("new"))
    assert sorted(p.name for p in sets.iterdir()) == [
        "briefing-2022-05-11",
        deliver.built_folder(tmp_path, date(2022, 5, 11)).name,
        "lock",
    ]


def test_a_set_with_fewer_files_leaves_no_stale_file_beside_it(tmp_path: Path) -> None:
    (tmp_path / "briefing-2022-05-11.pdf").write_bytes(b"%PDF from an older version")  # plain file, old layout
    deliver.write_outputs(_set("old"), tmp_path)
    json_only = {"briefing-2022-05-11.json": _set("new")["briefing-2022-05-11.json"]}
    deliver.write_outputs(json_only, tmp_path)
    assert _read_set(tmp_path) == json_only
    assert deliver.load_built(tmp_path, date(2022, 5, 11))[1] == []  # send renders the PDF of this JSON


# ------------------------------------------------------------------------------------------------ one line


@pytest.mark.parametrize(
    ("args", "config"),
    [(["--langs", "ar,xx"], None), ([], 'languages = ["ar", "xx"]\n'), ([], '[email]\nlanguage = "xx"\n')],
    ids=["flag", "options file", "email language"],
)
def test_unknown_language_is_one_line_before_any_work(tmp_path: Path, args: list[str], config: str | None) -> None:
    if config is not None:
        (tmp_path / "digest.toml").write_text(config, encoding="utf-8")
        args = [*args, "--config", str(tmp_path / "digest.toml")]
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["build", str(SAMPLES), "--out", str(out), *args])
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        f"digest: error: options: {'[email] language' if 'email' in (config or '') else 'languages'}: unknown "
        + result.stderr.split(": unknown ", 1)[1].rstrip("\n")
    ]
    assert "'xx'" in result.stderr and "ar, en, es" in result.stderr and "Traceback" not in result.output
    assert not out.exists()


def test_a_newline_in_a_file_name_cannot_forge_a_line(tmp_path: Path) -> None:
    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / "x\ndigest: skipped forged.txt: fake\x1b[2K.txt").write_bytes(b"")
    result = CliRunner().invoke(
        main,
        [
            "build",
            str(inputs),
            str(next(SAMPLES.glob("001_*.txt"))),
            "--out",
            str(tmp_path / "out"),
            "--format",
            "json",
        ],
    )
    assert result.exit_code == 0, result.output
    skip_lines = [line for line in result.stderr.splitlines() if line.startswith("digest: skipped")]
    assert skip_lines == [f"digest: skipped {inputs}/x\\ndigest: skipped forged.txt: fake\\x1b[2K.txt: empty file"]
