"""Faults of the machine and of the run (issue 24): workers never outlive `digest build`, the briefing's files
are replaced as one set, and a user's mistake is one line."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from digest.runtime.parallel import can_fork

from .conftest import SAMPLES

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
