"""Odd input (issue 24): bytes that are almost UTF-8, mojibake, JSON Lines beyond one article's limit, paths that
loop or cannot be read, hostile names and URLs, pages nested too deep. Every input is read or skipped with a
reason; none stops the run."""

from __future__ import annotations

import json
import os
import random
import re
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from digest import cli, ingest
from digest.ingest import read
from digest.ingest.metadata import domain_of, site_outlet
from digest.ingest.read import decode_text, expand_paths
from digest.options import IngestOptions

from .test_ingest import BODY, OPTIONS, OTHER_STORY, SAMPLES, write

MOJIBAKE = re.compile(read._MOJIBAKE.pattern)
ARABIC_ALPHABET = st.sampled_from([*map(chr, range(0x0621, 0x063B)), *map(chr, range(0x0641, 0x064B)), " ", ".", "\n"])
HEADLINE = "الأربعاء 20 أبريل 2022"


def _insert(raw: bytes, positions: list[int], values: list[int]) -> bytes:
    """`raw` with one byte inserted before each of `positions` (distinct places of the original)."""
    out = bytearray()
    extra = dict(zip(positions, values, strict=False))
    for n, byte in enumerate(raw):
        if n in extra:
            out.append(extra[n])
        out.append(byte)
    return bytes(out)


# ------------------------------------------------------------------------------------------------ decoding


def test_a_few_bad_bytes_in_utf8_arabic_stay_utf8_and_are_counted() -> None:
    raw = f"{HEADLINE}\n{BODY}".encode()
    broken = raw[:10] + b"\xff" + raw[10:200] + b"\x81\x8d" + raw[200:]
    decoded = decode_text(broken)
    assert decoded.encoding == "utf-8" and decoded.replaced == 3  # \xff, \x81, \x8d: each a stray byte
    assert not MOJIBAKE.search(decoded.text) and "ط§ظ„" not in decoded.text
    assert decoded.text.replace("\ufffd", "").splitlines()[1:] == BODY.splitlines()


def test_random_bytes_after_arabic_text_do_not_make_it_mojibake() -> None:
    rng = random.Random(24)
    raw = BODY.encode() + bytes(rng.randrange(256) for _ in range(12))
    decoded = decode_text(raw)
    assert decoded.encoding == "utf-8" and not MOJIBAKE.search(decoded.text)
    assert decoded.text.startswith(BODY)


@pytest.mark.parametrize("encoding", ["cp1256", "iso-8859-6"])
def test_a_legacy_code_page_is_still_read_when_it_reads_better(encoding: str) -> None:
    text = BODY.replace("،", ",")
    decoded = decode_text(text.encode(encoding))
    assert (decoded.text, decoded.encoding, decoded.replaced) == (text, encoding, 0)


def test_mojibake_in_every_encoding_is_skipped_with_its_reason(tmp_path: Path) -> None:
    garbled = BODY.encode("utf-8").decode("cp1256")  # saved once already decoded wrong: valid UTF-8 of mojibake
    path = write(tmp_path / "garbled.txt", garbled)
    result = ingest.ingest([path, write(tmp_path / "good.txt", OTHER_STORY)], OPTIONS)
    assert [a.id for a in result.articles] == ["good"]
    (skipped,) = result.skipped
    assert skipped.reason.startswith("mojibake:") and "Windows-1256" in skipped.reason


@settings(max_examples=150, deadline=None)
@given(
    text=st.text(ARABIC_ALPHABET, min_size=50, max_size=400),
    data=st.data(),
)
def test_arabic_with_up_to_one_percent_random_bytes_never_reads_as_mojibake(text: str, data: st.DataObject) -> None:
    raw = text.encode("utf-8")
    count = data.draw(st.integers(0, max(1, len(raw) // 100)))
    positions = data.draw(st.lists(st.integers(0, len(raw) - 1), min_size=count, max_size=count, unique=True))
    values = data.draw(st.lists(st.integers(0, 255), min_size=count, max_size=count))
    try:
        decoded = decode_text(_insert(raw, positions, values))
    except Exception as exc:  # a reason is acceptable (e.g. a control byte in a text of spaces), never mojibake
        assert "mojibake" not in str(exc)
        return
    assert decoded.encoding == "utf-8"
    assert not MOJIBAKE.search(decoded.text)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data(), suffix=st.sampled_from([".txt", ".html", ".jsonl"]))
def test_ingest_of_arabic_with_inserted_bytes_gives_arabic_or_a_reason(
    tmp_path: Path, data: st.DataObject, suffix: str
) -> None:
    text = f"{HEADLINE}\n{BODY}"
    if suffix == ".html":
        text = f"<html><body><h1>{HEADLINE}</h1>{''.join(f'<p>{p}</p>' for p in BODY.splitlines())}</body></html>"
    elif suffix == ".jsonl":
        text = json.dumps({"id": "a", "title": HEADLINE, "text": BODY}, ensure_ascii=False)
    raw = text.encode("utf-8")
    count = data.draw(st.integers(0, len(raw) // 100))
    positions = data.draw(st.lists(st.integers(1, len(raw) - 1), min_size=count, max_size=count, unique=True))
    values = data.draw(st.lists(st.integers(0, 255), min_size=count, max_size=count))
    path = tmp_path / f"input{suffix}"
    path.write_bytes(_insert(raw, positions, values))
    result = ingest.ingest([path], OPTIONS)
    reasons = [s.reason for s in result.skipped]
    assert all(r and "\n" not in r for r in reasons)
    # Read as Arabic, or skipped for what the bytes did to the format (a NUL: binary; a byte in a tag or a JSON
    # key): never cleaned away as text in another script, never mojibake.
    assert not any("too short" in r or "mojibake" in r for r in reasons)
    if suffix == ".txt" and not any("binary" in r for r in reasons):
        assert result.articles
    for article in result.articles:
        assert not MOJIBAKE.search(article.text) and not MOJIBAKE.search(article.title or "")


def test_replaced_bytes_are_a_warning_in_the_json_and_one_line_on_stderr(tmp_path: Path) -> None:
    raw = next(SAMPLES.glob("001_*.txt")).read_bytes()
    path = write(tmp_path / "in" / "almost.txt", raw[:300] + b"\xfe\xff\xc3" + raw[300:])
    out = tmp_path / "out"
    result = CliRunner().invoke(cli.main, ["build", str(path), "--out", str(out), "--format", "json"])
    assert result.exit_code == 0, result.output
    warning = {"path": str(path), "reason": "3 invalid UTF-8 byte sequences replaced (U+FFFD); the rest is UTF-8"}
    data = json.loads((out / "briefing-2022-04-20.json").read_text(encoding="utf-8"))
    assert data["inputs"]["warnings"] == [warning] and data["inputs"]["read"] == 1
    assert f"digest: warning: {warning['path']}: {warning['reason']}" in result.stderr.splitlines()


# ------------------------------------------------------------------------------------------------ JSON Lines


def test_a_json_lines_file_is_limited_per_record_not_as_a_whole(tmp_path: Path) -> None:
    lines = [json.dumps({"id": f"r{n}", "text": f"{BODY}\nملاحظة رقم {n}."}, ensure_ascii=False) for n in range(40)]
    big = json.dumps({"id": "big", "text": BODY * 40}, ensure_ascii=False)
    path = write(tmp_path / "day.jsonl", "\n".join([*lines[:20], big, *lines[20:]]) + "\n")
    options = replace(OPTIONS, max_bytes=5_000, duplicate_threshold=1.01)
    assert path.stat().st_size > options.max_bytes
    result = ingest.ingest([path], options)
    assert result.read == 40
    (skipped,) = result.skipped
    assert (
        skipped.path == f"{path}:21" and skipped.reason.startswith("too large (") and "max_bytes 5000" in skipped.reason
    )
    result = ingest.ingest([path], replace(options, max_file_bytes=10_000))
    assert not result.articles and "raise [ingest] max_file_bytes" in result.skipped[0].reason


def _day_of_records(count: int, page_bytes: int) -> list[str]:
    """`count` JSON lines of distinct articles (five sentences of the samples each, and the record's number),
    each carrying the saved page it came from (`page_bytes` of HTML, a field the reader leaves alone)."""
    sentences = [
        s.strip() + "." for p in sorted(SAMPLES.glob("*.txt")) for s in p.read_text(encoding="utf-8").split(".")
    ]
    sentences = [s for s in sentences if len(s) > 60]
    rng = random.Random(24)
    page = ("<p>" + " ".join(sentences) + "</p>") * (1 + page_bytes // len(" ".join(sentences).encode()))
    records = []
    for n in range(count):
        text = "\n".join([*rng.sample(sentences, 5), f"وهذا الخبر رقم {n} في نشرة اليوم."])
        records.append(json.dumps({"id": f"r{n}", "text": text, "html": page[:page_bytes]}, ensure_ascii=False))
    return records


def test_ingest_reads_every_article_of_a_20_mb_json_lines_file(tmp_path: Path) -> None:
    path = write(tmp_path / "day.jsonl", "\n".join(_day_of_records(2000, 9_000)) + "\n")
    assert path.stat().st_size > 20_000_000 > 3 * IngestOptions().max_bytes
    result = ingest.ingest([path], IngestOptions())
    assert result.skipped == () and result.read == 2000


def test_build_reads_a_json_lines_file_larger_than_max_bytes(tmp_path: Path) -> None:
    path = write(tmp_path / "day.jsonl", "\n".join(_day_of_records(60, 3_000)) + "\n")
    config = write(tmp_path / "digest.toml", '[ingest]\nmax_bytes = 10_000\n[translate]\nengine = "identity"\n')
    assert path.stat().st_size > 10 * 10_000
    out = tmp_path / "out"
    result = CliRunner().invoke(
        cli.main, ["build", str(path), "--out", str(out), "--format", "json", "--config", str(config)]
    )
    assert result.exit_code == 0, result.output
    inputs = json.loads(next(out.glob("briefing-*.json")).read_text(encoding="utf-8"))["inputs"]
    assert inputs["skipped"] == [] and inputs["read"] == 60


# ------------------------------------------------------------------------------------------------ paths


def test_every_odd_path_in_a_folder_gets_a_skip_line(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    write(folder / "a.txt", BODY)
    os.symlink("loop.txt", folder / "loop.txt")  # a link to itself
    os.symlink(".", folder / "here")  # a folder link back to the folder that holds it
    os.symlink("gone.txt", folder / "broken.txt")
    os.symlink("/dev/null", folder / "null.txt")  # a character device
    os.mkfifo(folder / "pipe.jsonl")
    write(folder / "sub" / "b.txt", OTHER_STORY)
    files, skipped = expand_paths([folder])
    assert files == [folder / "a.txt", folder / "sub" / "b.txt"]
    reasons = {Path(s.path).name: s.reason for s in skipped}
    assert reasons == {
        "broken.txt": "broken symlink (its target gone.txt does not exist)",
        "here": "symlink loop (a link to a folder that contains it)",
        "loop.txt": "symlink loop (the link leads back to itself)",
        "null.txt": "not a regular file: a character device",
        "pipe.jsonl": "not a regular file: a FIFO (named pipe)",
    }
    result = ingest.ingest([folder], OPTIONS)
    assert {a.id for a in result.articles} == {"a", "b"} and len(result.skipped) == 5


def test_a_looping_symlink_given_directly_is_a_skip_not_a_stop(tmp_path: Path) -> None:
    loop = tmp_path / "loop.txt"
    os.symlink("loop.txt", loop)
    result = ingest.ingest([loop, write(tmp_path / "a.txt", BODY)], OPTIONS)
    assert [a.id for a in result.articles] == ["a"]
    assert [(s.path, s.reason) for s in result.skipped] == [(str(loop), "symlink loop (the link leads back to itself)")]


def test_an_unreadable_folder_gets_a_skip_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "in"
    write(folder / "a.txt", BODY)
    locked = folder / "locked"
    write(locked / "b.txt", OTHER_STORY)
    if os.geteuid() != 0:
        locked.chmod(0)
    else:  # root reads any folder: the refusal is made here, as the kernel would make it
        real_scandir = os.scandir

        def refusing(path: object) -> object:
            if Path(str(path)) == locked:
                raise PermissionError(13, "Permission denied", str(path))
            return real_scandir(path)  # type: ignore[arg-type]

        monkeypatch.setattr(read.os, "scandir", refusing)
    try:
        files, skipped = expand_paths([folder])
    finally:
        locked.chmod(0o755)
    assert files == [folder / "a.txt"]
    assert [(s.path, s.reason) for s in skipped] == [(str(locked), "cannot read folder: Permission denied")]


# ------------------------------------------------------------------------------------------------ names, URLs, depth


@pytest.mark.parametrize(
    ("url", "domain"),
    [
        ("javascript:alert(1)", None),
        ("JavaScript://hespress.com/%0aalert(1)", None),
        ("mailto:desk@hespress.com", None),
        ("data:text/html,<b>x</b>", None),
        ("file:///etc/passwd", None),
        ("https://www.hespress.com/politique/1", "hespress.com"),
        ("//hespress.com/x", "hespress.com"),
        ("www.hespress.com/x", "hespress.com"),
        ("hespress.com:8080/x", "hespress.com"),
    ],
)
def test_outlet_names_come_only_from_web_addresses(url: str, domain: str | None) -> None:
    assert domain_of(url) == domain
    assert (site_outlet(url) is None) == (domain is None)


def test_a_javascript_url_gives_no_outlet(tmp_path: Path) -> None:
    record = {"id": "x", "text": OTHER_STORY, "url": "javascript:alert(1)"}
    result = ingest.ingest([write(tmp_path / "a.jsonl", json.dumps(record, ensure_ascii=False))], OPTIONS)
    assert result.articles[0].outlet != "javascript"


def test_a_page_nested_too_deep_names_the_depth_limit(tmp_path: Path) -> None:
    page = "<html><body>" + "<div>" * 10_000 + f"<p>{BODY}</p>" + "</div>" * 10_000 + "</body></html>"
    result = ingest.ingest([write(tmp_path / "deep.html", page)], OPTIONS)
    (skipped,) = result.skipped
    assert (
        skipped.reason
        == f"malformed HTML: elements nested deeper than {read.HTML_MAX_DEPTH} levels, the HTML parser's depth limit"
    )


def test_a_few_control_bytes_inside_utf8_arabic_are_replaced_and_counted(tmp_path: Path) -> None:
    # Found by the property test above: \x01 bytes inside a UTF-8 Arabic letter made the file "undecodable".
    raw = f"{HEADLINE}\n{BODY}".encode()
    path = tmp_path / "input.txt"
    path.write_bytes(_insert(raw, [1, 2, 3], [1, 1, 1]))
    result = ingest.ingest([path], OPTIONS)
    assert result.articles and not result.skipped
    assert result.warnings and "\x01" not in result.articles[0].text
