"""Stage 7, deliver: write the outputs atomically (and, with `digest send`, email them).

Entry point: `write_outputs(outputs, out_dir) -> list[Path]`.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Mapping
from pathlib import Path

from digest.errors import OutputError


def write_atomic(path: Path, data: bytes) -> None:
    """Write `data` to `path` so that readers see the old file or the new one, never half of it."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise OutputError(f"cannot write to {path.parent}: {exc.strerror or exc}") from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise OutputError(f"cannot write {path}: {exc.strerror or exc}") from None


def write_outputs(outputs: Mapping[str, bytes], out_dir: Path) -> list[Path]:
    """Write each named output into `out_dir`; names are plain file names, never paths."""
    out_dir = out_dir.resolve()
    written = []
    for name, data in outputs.items():
        target = (out_dir / name).resolve()
        if target.parent != out_dir:
            raise OutputError(f"refusing to write {name!r} outside {out_dir}")
        write_atomic(target, data)
        written.append(target)
    return written
