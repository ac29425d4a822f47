"""The translation cache: one SQLite file, shared by every run on the machine.

Where: `$DIGEST_CACHE_DIR/translations.sqlite`, else `$XDG_CACHE_HOME/digest/` (`~/.cache/digest/`).
Key: (engine fingerprint, target language, source text). The fingerprint names the engine, each model
package and its version and the decoding settings, so a new model or setting never reuses old output.

Several runs may share the file at once: WAL journal, a busy timeout, and `INSERT OR IGNORE` (two runs
translating the same sentence both succeed; the first row stays). A file that is not a database, or a
damaged one, is moved aside (``translations.sqlite.corrupt-<time>``) and a new one started; any other
trouble (a read-only folder, a lock held too long) turns the cache off for the run, never the build.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import sqlite3
import time
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import TypeVar

CACHE_ENV = "DIGEST_CACHE_DIR"
FILENAME = "translations.sqlite"
SCHEMA_VERSION = 1
_CHUNK = 400  # host parameters per query, well under SQLite's limit
_CORRUPT = {11, 26}  # SQLITE_CORRUPT, SQLITE_NOTADB

log = logging.getLogger(__name__)
T = TypeVar("T")


def cache_dir() -> Path:
    """Where the translation cache lives (not created here)."""
    given = os.environ.get(CACHE_ENV)
    if given:
        return Path(given).expanduser()
    cache_home = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(cache_home) / "digest"


def _hash(text: str) -> bytes:
    return hashlib.sha256(text.encode("utf-8")).digest()[:16]


def _is_corruption(exc: sqlite3.Error) -> bool:
    code = getattr(exc, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF in _CORRUPT
    text = str(exc)
    return "not a database" in text or "malformed" in text


def _wal(connection: sqlite3.Connection, timeout: float) -> None:
    """Switch the file to WAL. SQLite answers "database is locked" at once, without its busy timeout, when
    another connection switches the same new file at that moment (two runs starting together): wait and
    try again, up to `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            connection.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.02)


class TranslationCache:
    """Translations on disk, looked up and stored in batches. Opened on first use."""

    def __init__(self, path: Path | None = None, timeout: float = 30.0) -> None:
        self.path = path or cache_dir() / FILENAME
        self.timeout = timeout
        self.disabled: str | None = None  # why the cache is off for this run, if it is
        self.moved_aside: Path | None = None  # where a corrupt file went
        self._connection: sqlite3.Connection | None = None

    def _open(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        connection = sqlite3.connect(self.path, timeout=self.timeout, isolation_level=None)
        try:
            connection.execute(f"PRAGMA busy_timeout = {int(self.timeout * 1000)}")
            _wal(connection, self.timeout)
            connection.execute("PRAGMA synchronous = NORMAL")
            connection.execute(
                "CREATE TABLE IF NOT EXISTS translations ("
                " engine TEXT NOT NULL, target TEXT NOT NULL, source_hash BLOB NOT NULL,"
                " source TEXT NOT NULL, translation TEXT NOT NULL, created REAL NOT NULL,"
                " PRIMARY KEY (engine, target, source_hash)) WITHOUT ROWID"
            )
            connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        except BaseException:
            connection.close()
            raise
        return connection

    def _move_aside(self) -> None:
        self.close()
        stamp = time.strftime("%Y%m%d-%H%M%S")
        aside = self.path.with_name(f"{self.path.name}.corrupt-{stamp}-{os.getpid()}")
        for suffix in ("-wal", "-shm"):
            Path(f"{self.path}{suffix}").unlink(missing_ok=True)
        try:
            self.path.replace(aside)
            self.moved_aside = aside
        except FileNotFoundError:  # another run moved it first
            pass
        log.warning("translation cache %s was damaged; moved to %s and started afresh", self.path, aside)

    def _run(self, work: Callable[[sqlite3.Connection], T]) -> T | None:
        """Run `work(connection)`; a damaged file is moved aside once and the work retried."""
        if self.disabled:
            return None
        for attempt in (1, 2):
            try:
                if self._connection is None:
                    self._connection = self._open()
                return work(self._connection)
            except sqlite3.Error as exc:
                if _is_corruption(exc) and attempt == 1:
                    self._move_aside()
                    continue
                self._disable(f"{type(exc).__name__}: {exc}")
                return None
            except OSError as exc:
                self._disable(f"{exc.strerror or exc}")
                return None
        return None

    def _disable(self, reason: str) -> None:
        self.disabled = f"translation cache {self.path} not used: {reason}"
        log.warning("%s", self.disabled)
        self.close()

    def get_many(self, engine: str, target: str, texts: Iterable[str]) -> dict[str, str]:
        """The cached translations among `texts`, by source text."""
        wanted = {_hash(t): t for t in texts}
        if not wanted:
            return {}

        def read(connection: sqlite3.Connection) -> dict[str, str]:
            found: dict[str, str] = {}
            keys = list(wanted)
            for start in range(0, len(keys), _CHUNK):
                chunk = keys[start : start + _CHUNK]
                rows = connection.execute(
                    "SELECT source_hash, source, translation FROM translations"
                    f" WHERE engine = ? AND target = ? AND source_hash IN ({','.join('?' * len(chunk))})",
                    [engine, target, *chunk],
                )
                for key, source, translation in rows:
                    if wanted.get(key) == source:
                        found[source] = translation
            return found

        return self._run(read) or {}

    def put_many(self, engine: str, target: str, translations: Mapping[str, str]) -> None:
        """Store translations (source text → translation) in one transaction; existing rows are kept."""
        if not translations:
            return
        now = time.time()
        rows = [(engine, target, _hash(s), s, t, now) for s, t in translations.items()]

        def write(connection: sqlite3.Connection) -> None:
            connection.execute("BEGIN IMMEDIATE")
            try:
                connection.executemany("INSERT OR IGNORE INTO translations VALUES (?, ?, ?, ?, ?, ?)", rows)
                connection.execute("COMMIT")
            except BaseException:
                with contextlib.suppress(sqlite3.Error):
                    connection.execute("ROLLBACK")
                raise

        self._run(write)

    def count(self) -> int:
        """How many translations are stored."""
        return self._run(lambda c: c.execute("SELECT count(*) FROM translations").fetchone()[0]) or 0

    def close(self) -> None:
        if self._connection is not None:
            try:
                self._connection.close()
            finally:
                self._connection = None
