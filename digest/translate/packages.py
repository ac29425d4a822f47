"""Translation models: argos packages in our models folder, and the route each edition takes.

The folder is `$DIGEST_MODELS_DIR`, else `$XDG_DATA_HOME/digest/models` (`~/.local/share/digest/models`).
A package is a folder holding `metadata.json` (``from_code``, ``to_code``, ``package_version``), a CTranslate2
model in `model/` and its tokenizer (`sentencepiece.model` or `bpe.model`), as argostranslate installs it.

Reading what is installed never imports argostranslate (its import takes seconds and creates folders);
installing uses argostranslate's own installer. Nothing is downloaded unless `install_from_index` or
`download_from_index` is called (`digest models install` without paths, `digest models download --to DIR`).

For a desk without network: `download_from_index(languages, folder)` on a machine with one writes the packages
the editions need and `MANIFEST` (one line per file: sha256, two spaces, file name, as `sha256sum` writes it);
`install_folder(folder)` on the desk checks every file against it, then installs them. The index is
`$DIGEST_MODELS_INDEX` when set (a mirror, or a test's local server), else argos's own.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sys
import tempfile
import urllib.error
import urllib.request
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from digest.errors import ModelError

MODELS_ENV = "DIGEST_MODELS_DIR"
INDEX_URL = "https://raw.githubusercontent.com/argosopentech/argospm-index/main/index.json"
SOURCE = "ar"
INSTALL_HINT = "digest models install"
INDEX_ENV = "DIGEST_MODELS_INDEX"
MANIFEST = "MANIFEST"


def index_url() -> str:
    """The package index to read: `$DIGEST_MODELS_INDEX`, else argos's."""
    return os.environ.get(INDEX_ENV) or INDEX_URL


def models_dir() -> Path:
    """Where argos packages are installed and looked for (not created here)."""
    given = os.environ.get(MODELS_ENV)
    if given:
        return Path(given).expanduser()
    data_home = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(data_home) / "digest" / "models"


def _version_key(version: str) -> tuple[tuple[int, str], ...]:
    return tuple((int(part), "") if part.isdigit() else (-1, part) for part in version.replace("_", ".").split("."))


@dataclass(frozen=True)
class InstalledPackage:
    """An installed argos translation package."""

    path: Path
    source: str
    target: str
    version: str
    tokenizer: Path | None  # sentencepiece.model or bpe.model
    target_prefix: str = ""
    problem: str | None = None  # why it cannot be used, if it cannot

    @property
    def name(self) -> str:
        return self.path.name

    @property
    def label(self) -> str:
        """Name and version: part of every cache key, so a new model never reuses old translations."""
        return f"{self.name}@{self.version}"


def read_package(path: Path) -> InstalledPackage | None:
    """The package in folder `path`, or None when it is not a translation package."""
    try:
        metadata = json.loads((path / "metadata.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(metadata, dict) or metadata.get("type", "translate") != "translate":
        return None
    source, target = metadata.get("from_code"), metadata.get("to_code")
    if not isinstance(source, str) or not isinstance(target, str):
        return None
    tokenizer = next((p for p in (path / "sentencepiece.model", path / "bpe.model") if p.is_file()), None)
    problem = None
    if not (path / "model" / "model.bin").is_file():
        problem = "no model/model.bin"
    elif tokenizer is None:
        problem = "no sentencepiece.model or bpe.model"
    return InstalledPackage(
        path=path,
        source=source,
        target=target,
        version=str(metadata.get("package_version") or "0"),
        tokenizer=tokenizer,
        target_prefix=str(metadata.get("target_prefix") or ""),
        problem=problem,
    )


def installed_packages(directory: Path | None = None) -> tuple[InstalledPackage, ...]:
    """Every translation package installed in `directory` (default: `models_dir()`), by name."""
    folder = directory or models_dir()
    if not folder.is_dir():
        return ()
    found = (read_package(child) for child in sorted(folder.iterdir()) if child.is_dir())
    return tuple(p for p in found if p is not None)


@dataclass(frozen=True)
class Route:
    """How Arabic reaches one edition: one package (direct), two through the pivot, or none (missing)."""

    target: str
    hops: tuple[InstalledPackage, ...]

    @property
    def kind(self) -> str:
        return {0: "missing", 1: "direct"}.get(len(self.hops), "pivot")

    def describe(self) -> str:
        if not self.hops:
            return f"{SOURCE}→{self.target}: missing; run: {INSTALL_HINT}"
        path = "→".join([self.hops[0].source, *(h.target for h in self.hops)])
        return f"{path} {self.kind} ({', '.join(h.label for h in self.hops)})"


def find_route(packages: Iterable[InstalledPackage], target: str, source: str = SOURCE, pivot: str = "en") -> Route:
    """The best way from `source` to `target`: direct if a package exists, else through `pivot`."""
    best: dict[tuple[str, str], InstalledPackage] = {}
    for package in packages:
        pair = (package.source, package.target)
        if package.problem is not None:
            continue
        if pair not in best or _version_key(package.version) > _version_key(best[pair].version):
            best[pair] = package
    if (source, target) in best:
        return Route(target, (best[(source, target)],))
    if target != pivot and (source, pivot) in best and (pivot, target) in best:
        return Route(target, (best[(source, pivot)], best[(pivot, target)]))
    return Route(target, ())


def _check_archive(path: Path) -> str:
    """The top-level folder of a valid `.argosmodel`, else a `ModelError` saying what is wrong."""
    if not path.is_file():
        raise ModelError(f"{path}: no such file; give the path of a downloaded .argosmodel file")
    if not zipfile.is_zipfile(path):
        raise ModelError(f"{path}: not an .argosmodel (zip) file")
    with zipfile.ZipFile(path) as archive:
        raw = archive.namelist()
        names = [PurePosixPath(n) for n in raw]
        tops = {n.parts[0] for n in names if n.parts}
        unsafe = [n for n in names if n.is_absolute() or ".." in n.parts]
        if len(tops) != 1 or unsafe or any("/" not in name for name in raw):
            raise ModelError(f"{path}: an .argosmodel must hold exactly one top-level folder")
        top = tops.pop()
        try:
            metadata = json.loads(archive.read(f"{top}/metadata.json"))
        except (KeyError, ValueError):
            raise ModelError(f"{path}: no readable {top}/metadata.json in the package") from None
        if f"{top}/model/model.bin" not in archive.namelist():
            raise ModelError(f"{path}: no {top}/model/model.bin (CTranslate2 model) in the package")
    if metadata.get("type", "translate") != "translate" or not metadata.get("from_code") or not metadata.get("to_code"):
        raise ModelError(f"{path}: metadata.json does not describe a translation package (from_code, to_code)")
    return top


def _argos_install(archive: Path, directory: Path) -> None:
    """Install one archive with argostranslate's installer, into `directory`.

    argostranslate reads its packages folder once, at import: we set it for the import and point its
    settings at `directory` for the call, then put both back.
    """
    previous_env = os.environ.get("ARGOS_PACKAGES_DIR")
    fresh = "argostranslate.settings" not in sys.modules
    if fresh:
        os.environ["ARGOS_PACKAGES_DIR"] = str(directory)
    try:
        from argostranslate import package, settings
    finally:
        if fresh:
            if previous_env is None:
                os.environ.pop("ARGOS_PACKAGES_DIR", None)
            else:
                os.environ["ARGOS_PACKAGES_DIR"] = previous_env
    previous_dir = settings.package_data_dir
    settings.package_data_dir = directory
    try:
        package.install_from_path(archive)
    except Exception as exc:  # argostranslate raises bare Exception for a bad archive
        raise ModelError(f"{archive}: argostranslate could not install it: {exc}") from None
    finally:
        settings.package_data_dir = previous_dir


def install_files(paths: Sequence[Path], directory: Path | None = None) -> list[InstalledPackage]:
    """Install `.argosmodel` files into `directory` (default: `models_dir()`); every file is checked first."""
    folder = directory or models_dir()
    tops = [_check_archive(Path(p)) for p in paths]
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ModelError(f"cannot create the models folder {folder}: {exc.strerror}; set {MODELS_ENV}") from None
    installed = []
    for path, top in zip(paths, tops, strict=True):
        target = folder / top
        if target.exists():
            shutil.rmtree(target)  # a reinstall replaces the package rather than mixing two versions' files
        _argos_install(Path(path), folder)
        package = read_package(target)
        if package is None or package.problem:
            raise ModelError(f"{path}: installed but not usable: {package.problem if package else 'no metadata'}")
        installed.append(package)
    return installed


def fetch_index(url: str | None = None, timeout: float = 20.0) -> list[dict[str, Any]]:
    """The argos package index (a list of package descriptions), fetched now: only when asked."""
    url = url or index_url()
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            data = json.loads(response.read())
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", None) or exc
        raise ModelError(
            f"cannot reach the argos package index ({reason}); on a machine without network, download the "
            f".argosmodel files elsewhere and run: {INSTALL_HINT} FILE.argosmodel ..."
        ) from None
    except ValueError:
        raise ModelError(f"the argos package index at {url} is not valid JSON; try again later") from None
    if not isinstance(data, list):
        raise ModelError(f"the argos package index at {url} is not a list of packages")
    return [entry for entry in data if isinstance(entry, dict)]


def wanted_pairs(languages: Sequence[str], pivot: str = "en") -> list[tuple[str, str]]:
    """The pairs worth installing for these editions: ar→pivot, pivot→X, and ar→X when offered."""
    targets = [lang for lang in languages if lang != SOURCE]
    pairs = [(SOURCE, pivot)] + [(pivot, t) for t in targets if t != pivot] + [(SOURCE, t) for t in targets]
    return list(dict.fromkeys(pairs))


def offered_packages(
    languages: Sequence[str], url: str | None = None, timeout: float = 20.0, pivot: str = "en"
) -> list[dict[str, Any]]:
    """The index entries worth installing for these editions (`wanted_pairs`), the newest of each pair."""
    index = fetch_index(url, timeout)
    offered: dict[tuple[str, str], dict[str, Any]] = {}
    for entry in index:
        if entry.get("type", "translate") != "translate" or not entry.get("links"):
            continue
        pair = (str(entry.get("from_code")), str(entry.get("to_code")))
        version = str(entry.get("package_version") or "0")
        if pair not in offered or _version_key(version) > _version_key(str(offered[pair].get("package_version"))):
            offered[pair] = entry
    if (SOURCE, pivot) not in offered:
        raise ModelError(f"the argos index offers no {SOURCE}→{pivot} package; install one by path")
    return [offered[pair] for pair in wanted_pairs(languages, pivot) if pair in offered]


def _file_name(entry: dict[str, Any]) -> str:
    version = str(entry.get("package_version") or "0").replace("/", "_")
    return f"translate-{entry['from_code']}_{entry['to_code']}-{version}.argosmodel"


def install_from_index(
    languages: Sequence[str] = ("en", "es"),
    directory: Path | None = None,
    url: str | None = None,
    timeout: float = 20.0,
    pivot: str = "en",
) -> list[InstalledPackage]:
    """Download and install the packages the editions need from the argos index (network required)."""
    chosen = offered_packages(languages, url, timeout, pivot)
    installed = []
    with tempfile.TemporaryDirectory() as work:
        for entry in chosen:
            file = Path(work) / _file_name(entry)
            _download(entry["links"], file, timeout)
            installed += install_files([file], directory)
    return installed


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def download_from_index(
    languages: Sequence[str], folder: Path, url: str | None = None, timeout: float = 20.0, pivot: str = "en"
) -> list[Path]:
    """Download the packages the editions need into `folder`, each checked as an `.argosmodel`, and write
    `MANIFEST` (sha256 of each), for `install_folder` on a machine without network. Returns the files."""
    chosen = offered_packages(languages, url, timeout, pivot)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ModelError(f"cannot create {folder}: {exc.strerror}") from None
    files = []
    for entry in chosen:
        file = folder / _file_name(entry)
        partial = file.with_name(file.name + ".part")
        _download(entry["links"], partial, timeout)
        try:
            _check_archive(partial)
        except ModelError as exc:
            partial.unlink(missing_ok=True)
            raise ModelError(f"{file.name} from the index is not a usable package: {exc}") from None
        partial.replace(file)
        files.append(file)
    lines = [f"{sha256(file)}  {file.name}\n" for file in files]
    (folder / MANIFEST).write_text("".join(lines), encoding="utf-8")
    return files


def read_manifest(folder: Path) -> dict[str, str]:
    """`MANIFEST` of a downloaded folder: file name → sha256."""
    path = folder / MANIFEST
    try:
        text = path.read_text(encoding="utf-8")
    except OSError:
        raise ModelError(
            f"{folder}: no {MANIFEST}; fill the folder with `digest models download --to {folder}` "
            "on a machine with network"
        ) from None
    entries = {}
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        checksum, _, name = line.strip().partition("  ")
        if len(checksum) != 64 or not name or "/" in name or name.startswith("."):
            raise ModelError(f"{path}, line {number}: expected 'SHA256  FILE' (as sha256sum writes it)")
        entries[name.lstrip("*")] = checksum.lower()
    if not entries:
        raise ModelError(f"{path} lists no package")
    return entries


def install_folder(folder: Path, directory: Path | None = None) -> list[InstalledPackage]:
    """Install the packages of a folder written by `download_from_index`, every file checked against
    `MANIFEST` first (a missing or altered file installs nothing)."""
    manifest = read_manifest(folder)
    files = []
    for name, checksum in manifest.items():
        file = folder / name
        if not file.is_file():
            raise ModelError(f"{file}: listed in {MANIFEST} but missing; copy the whole folder again")
        if sha256(file) != checksum:
            raise ModelError(f"{file}: checksum does not match {MANIFEST} (damaged or altered); download it again")
        files.append(file)
    return install_files(files, directory)


def _download(links: Sequence[str], file: Path, timeout: float) -> None:
    errors = []
    for link in links:
        try:
            with urllib.request.urlopen(link, timeout=timeout) as response, file.open("wb") as out:
                shutil.copyfileobj(response, out)
            return
        except (urllib.error.URLError, OSError) as exc:
            errors.append(f"{link}: {getattr(exc, 'reason', None) or exc}")
    raise ModelError(f"cannot download {file.name} ({'; '.join(errors)}); download it elsewhere and install by path")
