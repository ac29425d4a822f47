"""Translation models: routes, installation with argostranslate's installer, `digest models install/list`."""

from __future__ import annotations

import json
import socket
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from digest.cli import main
from digest.errors import ModelError
from digest.translate import packages as models
from tests.argos_package import build_package


def package(source: str, target: str, version: str = "1.0", problem: str | None = None) -> models.InstalledPackage:
    path = Path(f"/nowhere/translate-{source}_{target}-{version}")
    return models.InstalledPackage(path, source, target, version, path / "sentencepiece.model", problem=problem)


@pytest.mark.parametrize(
    ("installed", "target", "kind", "labels"),
    [
        ([], "en", "missing", []),
        ([package("ar", "en")], "en", "direct", ["translate-ar_en-1.0@1.0"]),
        ([package("ar", "en")], "es", "missing", []),
        (
            [package("ar", "en"), package("en", "es")],
            "es",
            "pivot",
            ["translate-ar_en-1.0@1.0", "translate-en_es-1.0@1.0"],
        ),
        ([package("ar", "en"), package("en", "es"), package("ar", "es")], "es", "direct", ["translate-ar_es-1.0@1.0"]),
        ([package("en", "es")], "es", "missing", []),
        (
            [package("ar", "en", "1.0"), package("ar", "en", "1.10"), package("ar", "en", "1.9")],
            "en",
            "direct",
            ["translate-ar_en-1.10@1.10"],
        ),
        (
            [package("ar", "en", "2.0", problem="no model/model.bin"), package("ar", "en", "1.0")],
            "en",
            "direct",
            ["translate-ar_en-1.0@1.0"],
        ),
    ],
)
def test_find_route(installed: list, target: str, kind: str, labels: list[str]) -> None:
    route = models.find_route(installed, target)
    assert route.kind == kind
    assert [h.label for h in route.hops] == labels
    assert ("digest models install" in route.describe()) == (kind == "missing")


def test_models_dir_follows_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("DIGEST_MODELS_DIR", str(tmp_path / "m"))
    assert models.models_dir() == tmp_path / "m"
    monkeypatch.delenv("DIGEST_MODELS_DIR")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    assert models.models_dir() == tmp_path / "data" / "digest" / "models"
    assert not (tmp_path / "data").exists()


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("tiny")
    return build_package(folder / "ar_en.argosmodel", ["مرحبا بكم في مراكش", "اجتماع التحالف الدولي"])


def test_install_with_argos_installer_then_list(tiny: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DIGEST_MODELS_DIR", str(tmp_path / "models"))
    runner = CliRunner()
    installed = runner.invoke(main, ["models", "install", str(tiny)])
    assert installed.exit_code == 0, installed.output
    assert "installed ar→en translate-ar_en-0_1@0.1" in installed.output
    assert (tmp_path / "models" / "translate-ar_en-0_1" / "model" / "model.bin").is_file()
    listed = runner.invoke(main, ["models", "list"])
    assert listed.exit_code == 0
    assert "ar→en  translate-ar_en-0_1@0.1" in listed.output
    assert "edition en: ar→en direct (translate-ar_en-0_1@0.1)" in listed.output
    assert "edition es: ar→es: missing; run: digest models install" in listed.output
    again = runner.invoke(main, ["models", "install", str(tiny)])  # a reinstall replaces the folder
    assert again.exit_code == 0
    assert [p.name for p in (tmp_path / "models").iterdir()] == ["translate-ar_en-0_1"]


def _zip(path: Path, files: dict[str, str]) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    return path


META = json.dumps({"from_code": "ar", "to_code": "en", "package_version": "1"})


@pytest.mark.parametrize(
    ("files", "message"),
    [
        (None, "not an .argosmodel"),
        ({"metadata.json": META}, "exactly one top-level folder"),
        ({"a/metadata.json": META, "b/model/model.bin": "x"}, "exactly one top-level folder"),
        ({"p/../../evil": "x"}, "exactly one top-level folder"),
        ({"p/model/model.bin": "x"}, "no readable p/metadata.json"),
        ({"p/metadata.json": META}, "no p/model/model.bin"),
        ({"p/metadata.json": json.dumps({"type": "sbd"}), "p/model/model.bin": "x"}, "not describe a translation"),
    ],
)
def test_bad_archives_are_refused_before_installing(tmp_path: Path, files: dict | None, message: str) -> None:
    path = tmp_path / "bad.argosmodel"
    if files is None:
        path.write_text("plain text")
    else:
        _zip(path, files)
    with pytest.raises(ModelError, match=message):
        models.install_files([path], tmp_path / "models")
    assert not (tmp_path / "models").exists()


def test_install_without_paths_fails_cleanly_without_network(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def unreachable(*args: object, **kwargs: object) -> None:
        raise OSError(101, "Network is unreachable")

    monkeypatch.setattr(socket.socket, "connect", unreachable)
    monkeypatch.setattr(socket, "create_connection", unreachable)
    monkeypatch.setattr(
        socket, "getaddrinfo", lambda *a, **k: [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("192.0.2.1", 443))]
    )
    monkeypatch.setenv("DIGEST_MODELS_DIR", str(tmp_path / "models"))
    result = CliRunner().invoke(main, ["models", "install", "--timeout", "2"])
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("digest: error: cannot reach the argos package index")
    assert "digest models install FILE.argosmodel" in lines[0]
    assert "Traceback" not in result.output
    assert not (tmp_path / "models").exists()


def test_install_from_an_index(tmp_path: Path, tiny: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The index path with a local index (file: URLs): picks the newest ar→en, skips what is not offered."""
    index = [
        {"type": "translate", "from_code": "ar", "to_code": "en", "package_version": "0.0", "links": ["file:///gone"]},
        {"type": "translate", "from_code": "ar", "to_code": "en", "package_version": "0.1", "links": [tiny.as_uri()]},
        {"type": "translate", "from_code": "fr", "to_code": "en", "package_version": "1.0", "links": ["file:///gone"]},
    ]
    index_file = tmp_path / "index.json"
    index_file.write_text(json.dumps(index))
    installed = models.install_from_index(["en", "es"], tmp_path / "models", url=index_file.as_uri())
    assert [p.label for p in installed] == ["translate-ar_en-0_1@0.1"]
    assert models.wanted_pairs(["ar", "en", "es"]) == [("ar", "en"), ("en", "es"), ("ar", "es")]


@pytest.fixture
def index_server(tmp_path: Path, tiny: Path, tmp_path_factory: pytest.TempPathFactory):
    """A fake argos index and its packages served over HTTP on 127.0.0.1 (never the real network)."""
    import functools
    import http.server
    import threading

    from tests.argos_package import build_package

    root = tmp_path / "www"
    root.mkdir()
    (root / "ar_en.argosmodel").write_bytes(tiny.read_bytes())
    en_es = tmp_path_factory.mktemp("en_es") / "en_es.argosmodel"
    build_package(en_es, ["Global Coalition", "Marrakesh"], source="en", target="es")
    (root / "en_es.argosmodel").write_bytes(en_es.read_bytes())
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(root))
    handler.log_message = lambda *args: None  # type: ignore[attr-defined]
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    base = f"http://127.0.0.1:{server.server_address[1]}"
    index = [
        {"type": "translate", "from_code": "ar", "to_code": "en", "package_version": "0.1",
         "links": [f"{base}/ar_en.argosmodel"]},
        {"type": "translate", "from_code": "en", "to_code": "es", "package_version": "0.1",
         "links": [f"{base}/gone.argosmodel", f"{base}/en_es.argosmodel"]},
        {"type": "translate", "from_code": "fr", "to_code": "en", "package_version": "1.0",
         "links": [f"{base}/gone.argosmodel"]},
    ]  # fmt: skip
    (root / "index.json").write_text(json.dumps(index))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"{base}/index.json"
    finally:
        server.shutdown()
        server.server_close()


def test_download_then_install_on_a_desk_without_network(
    index_server: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`models download --to DIR` fetches what the editions need with a MANIFEST of sha256s; `models install DIR`
    checks them and installs both, after which the Spanish edition has its pivot route."""
    monkeypatch.setenv("DIGEST_MODELS_INDEX", index_server)
    monkeypatch.setenv("DIGEST_MODELS_DIR", str(tmp_path / "models"))
    runner = CliRunner()
    carried = tmp_path / "usb"
    downloaded = runner.invoke(main, ["models", "download", "--to", str(carried)])
    assert downloaded.exit_code == 0, downloaded.output
    names = sorted(p.name for p in carried.iterdir())
    assert names == ["MANIFEST", "translate-ar_en-0.1.argosmodel", "translate-en_es-0.1.argosmodel"]
    manifest = models.read_manifest(carried)
    assert manifest == {name: models.sha256(carried / name) for name in names if name != "MANIFEST"}
    assert not (tmp_path / "models").exists()  # downloading installs nothing

    monkeypatch.setenv("DIGEST_MODELS_INDEX", "http://127.0.0.1:9/unreachable.json")  # the desk: no index
    installed = runner.invoke(main, ["models", "install", str(carried)])
    assert installed.exit_code == 0, installed.output
    assert "installed ar→en" in installed.output and "installed en→es" in installed.output
    listed = runner.invoke(main, ["models", "list"])
    assert "edition es: ar→en→es pivot" in listed.output


def test_install_from_a_folder_refuses_a_damaged_file(index_server: str, tmp_path: Path) -> None:
    carried = tmp_path / "usb"
    models.download_from_index(["ar", "en", "es"], carried, url=index_server)
    damaged = carried / "translate-en_es-0.1.argosmodel"
    damaged.write_bytes(damaged.read_bytes()[:-10] + b"0123456789")
    with pytest.raises(ModelError, match="checksum does not match MANIFEST"):
        models.install_folder(carried, tmp_path / "models")
    assert not (tmp_path / "models").exists()  # nothing installed when one file is wrong
    (carried / "MANIFEST").unlink()
    with pytest.raises(ModelError, match="digest models download --to"):
        models.install_folder(carried, tmp_path / "models")
