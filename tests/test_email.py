"""The email, sent for real: an aiosmtpd server on loopback (plain, STARTTLS, implicit TLS with login),
and what arrived is read back: subject with the localised date, both alternatives, the PDF attached.

The TLS certificate is self-signed, made by the `openssl` command in the test; the client trusts it through
`[email] cafile`, and fails (one line, non-zero) without it.
"""

from __future__ import annotations

import contextlib
import email
import shutil
import socket
import ssl
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from email.message import EmailMessage
from email.policy import default
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from click.testing import CliRunner

from digest import deliver, render
from digest.cli import main
from digest.errors import ConfigError
from digest.options import EmailOptions, RenderOptions

from .conftest import visible
from .test_render import rich_briefing

# aiosmtpd warns about AUTH without STARTTLS even when the whole connection is implicit TLS.
pytestmark = pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS:UserWarning")

USER, PASSWORD = "desk", "s3cret-Pa55"
RECIPIENTS = ("amb@example.org", "news@example.net", "desk@example.com")


@dataclass
class Mailbox:
    """What the test server received: one (envelope from, envelope to, parsed message) per message."""

    received: list[tuple[str, list[str], EmailMessage]] = field(default_factory=list)
    refuse_rcpt: set[str] = field(default_factory=set)
    refuse_data: bool = False

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse_rcpt:
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.refuse_data:
            return "554 5.7.1 message rejected by policy"
        message = email.message_from_bytes(envelope.original_content, policy=default)
        self.received.append((envelope.mail_from, list(envelope.rcpt_tos), message))
        return "250 Message accepted for delivery"


def _authenticate(server, session, envelope, mechanism, auth_data):
    ok = isinstance(auth_data, LoginPassword) and (auth_data.login, auth_data.password) == (
        USER.encode(),
        PASSWORD.encode(),
    )
    return AuthResult(success=ok, handled=False)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1, made now with the openssl command."""
    if shutil.which("openssl") is None:
        pytest.skip("the openssl command is needed to make a test certificate (apt-get install openssl)")
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
         "-keyout", str(key), "-out", str(cert), "-days", "2", "-subj", "/CN=127.0.0.1",
         "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"],
        check=True, capture_output=True, timeout=60,
    )  # fmt: skip
    return cert, key


@contextlib.contextmanager
def smtp_server(security: str, certificate: tuple[Path, Path] | None = None) -> Iterator[tuple[Mailbox, int]]:
    """A real SMTP server on loopback in a thread: `none` (no TLS, no auth), `starttls` or `tls` (login required)."""
    mailbox = Mailbox()
    kwargs: dict = {}
    if security != "none":
        assert certificate is not None
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(*certificate)
        kwargs = {"authenticator": _authenticate, "auth_required": True, "auth_require_tls": True}
        if security == "starttls":
            kwargs.update(tls_context=context, require_starttls=True)
        else:
            # aiosmtpd only counts STARTTLS as TLS when it decides whether to offer AUTH; here the whole
            # connection is TLS from the first byte.
            kwargs.update(ssl_context=context, auth_require_tls=False)
    port = _free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port, **kwargs)
    controller.start()
    try:
        yield mailbox, port
    finally:
        controller.stop()


def email_options(port: int, security: str = "none", cert: Path | None = None, **more) -> EmailOptions:
    login = {"username": USER} if security != "none" else {}
    return EmailOptions(
        host="127.0.0.1",
        port=port,
        security=security,
        sender="digest@example.org",
        recipients=RECIPIENTS,
        cafile=str(cert) if cert else "",
        timeout=10.0,
        **login,
        **more,
    )


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The rich briefing built as files (HTML, PDF, JSON), as `digest build` leaves them."""
    out = tmp_path_factory.mktemp("built")
    deliver.write_outputs(render.render(rich_briefing(), ["html", "pdf", "json"]), out)
    return out


def _files(folder: Path) -> dict[str, bytes]:
    return {name: (folder / name).read_bytes() for name in visible(folder)}


def _parts(message: EmailMessage) -> dict[str, list[EmailMessage]]:
    parts: dict[str, list[EmailMessage]] = {}
    for part in message.walk():
        parts.setdefault(part.get_content_type(), []).append(part)
    return parts


def check_arrived(message: EmailMessage, pdf: bytes, subject: str = "الموجز الصحفي — الأربعاء، 11 مايو 2022") -> None:
    assert message["Subject"] == subject
    assert message.get_content_type() == "multipart/mixed"
    parts = _parts(message)
    assert len(parts["multipart/alternative"]) == 1
    text = parts["text/plain"][0].get_content()
    html = parts["text/html"][0].get_content()
    for needle in ("Nasser Bourita (ناصر بوريطة) — Moroccan Foreign Minister", "ناصر بوريطة", "Naser Burita"):
        assert needle in text
    assert "Marrakesh, Morocco" in html and "مراكش، المغرب" in html and "Marrakech, Marruecos" in html
    for needle in ("Key facts: Who: Nasser Bourita (Moroccan Foreign Minister)", "Datos clave: Quién: Naser Burita"):
        assert needle in text  # the key-facts line, in both editions of both parts
    assert "<strong>Key facts:</strong> <strong>Who:</strong> Nasser Bourita" in html
    assert "<strong>Datos clave:</strong> <strong>Quién:</strong> Naser Burita" in html
    assert "The briefing is attached as a PDF for printing." in text
    # What mail clients keep: inline styles, no <style> block, no script, nothing fetched.
    assert "<script" not in html and "<style" not in html and "src=" not in html and "url(" not in html
    assert html.count('style="') > 50
    (attachment,) = parts["application/pdf"]
    assert attachment.get_filename() == "briefing-2022-05-11.pdf"
    assert attachment.get_content() == pdf


def test_plain_smtp_several_recipients_both_parts_and_the_pdf(built: Path) -> None:
    briefing, pdfs = deliver.load_built(built)
    with smtp_server("none") as (mailbox, port):
        deliver.send_briefing(briefing, email_options(port), pdfs)
    (sender, recipients, message), *others = mailbox.received
    assert not others
    assert sender == "digest@example.org"
    assert recipients == list(RECIPIENTS)
    assert message["To"] == ", ".join(RECIPIENTS)
    assert message["Content-Language"] == "ar, en, es"
    check_arrived(message, (built / "briefing-2022-05-11.pdf").read_bytes())


@pytest.mark.parametrize("security", ["starttls", "tls"])
def test_tls_with_login_through_the_cli(
    built: Path, certificate: tuple[Path, Path], tmp_path: Path, security: str
) -> None:
    before = _files(built)
    with smtp_server(security, certificate) as (mailbox, port):
        config = tmp_path / "digest.toml"
        config.write_text(
            f'[email]\nhost = "127.0.0.1"\nport = {port}\nsecurity = "{security}"\nusername = "{USER}"\n'
            f'sender = "digest@example.org"\nrecipients = ["amb@example.org"]\ncafile = "{certificate[0]}"\n'
            'language = "es"\npassword_env = "TEST_SMTP_PASSWORD"\n',
            encoding="utf-8",
        )
        result = CliRunner().invoke(
            main,
            ["send", "--out", str(built), "--config", str(config), "--to", "a@example.org,b@example.org"],
            env={"TEST_SMTP_PASSWORD": PASSWORD},
        )
    assert result.exit_code == 0, result.output
    assert PASSWORD not in result.output
    (_, recipients, message), *others = mailbox.received
    assert not others and recipients == ["a@example.org", "b@example.org"]
    check_arrived(message, before["briefing-2022-05-11.pdf"], "Resumen de prensa — miércoles, 11 de mayo de 2022")
    assert PASSWORD not in message.as_string()
    assert _files(built) == before


def _send_cli(built: Path, tmp_path: Path, email_section: str, env: dict[str, str]) -> tuple[int, str, str]:
    config = tmp_path / "digest.toml"
    config.write_text("[email]\n" + email_section, encoding="utf-8")
    result = CliRunner().invoke(main, ["send", "--out", str(built), "--config", str(config)], env=env)
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize(
    ("case", "expected", "code"),
    [
        ("server refuses every recipient", "refused every recipient: amb@example.org (550 5.1.1 mailbox", 1),
        ("server refuses the message", "refused the message (554 5.7.1 message rejected by policy)", 1),
        ("one recipient refused", "sent to 1 of 2 recipients; refused: news@example.net (550", 1),
        ("wrong password", "refused the login of 'desk' (535", 1),
        ("password not set", "the SMTP password is not set: export TEST_SMTP_PASSWORD=", 2),
        ("certificate not trusted", "CERTIFICATE_VERIFY_FAILED", 1),
        ("nobody listening", "cannot send the email via 127.0.0.1:", 1),
        ("password without TLS", "refusing to send a password without TLS", 2),
    ],
)
def test_failed_send_is_one_line_nonzero_and_leaves_the_files(
    built: Path, certificate: tuple[Path, Path], tmp_path: Path, case: str, expected: str, code: int
) -> None:
    before = _files(built)
    tls = case in ("wrong password", "password not set", "certificate not trusted")
    env = {"TEST_SMTP_PASSWORD": "wrong" if case == "wrong password" else PASSWORD}
    if case == "password not set":
        env = {"TEST_SMTP_PASSWORD": ""}
    with smtp_server("starttls" if tls else "none", certificate) as (mailbox, port):
        mailbox.refuse_rcpt = {"amb@example.org", "news@example.net"} if "every" in case else set()
        if case == "one recipient refused":
            mailbox.refuse_rcpt = {"news@example.net"}
        mailbox.refuse_data = case == "server refuses the message"
        section = (
            f'host = "127.0.0.1"\nport = {_free_port() if case == "nobody listening" else port}\n'
            f'sender = "digest@example.org"\nrecipients = ["amb@example.org", "news@example.net"]\n'
            'password_env = "TEST_SMTP_PASSWORD"\ntimeout = 5.0\n'
        )
        if tls:
            section += f'security = "starttls"\nusername = "{USER}"\n'
            if case != "certificate not trusted":
                section += f'cafile = "{certificate[0]}"\n'
        else:
            section += 'security = "none"\n' + ('username = "desk"\n' if case == "password without TLS" else "")
        exit_code, stdout, stderr = _send_cli(built, tmp_path, section, env)
    assert exit_code == code, (stdout, stderr)
    assert expected in stderr
    assert len(stderr.strip().splitlines()) == 1 and stderr.startswith("digest: error: ")
    assert PASSWORD not in stderr + stdout and "wrong" not in stderr
    assert _files(built) == before
    if case == "one recipient refused":
        assert [r for _, r, _ in mailbox.received] == [["amb@example.org"]]


def test_send_builds_first_when_given_inputs(tmp_path: Path) -> None:
    samples = Path(__file__).resolve().parent.parent / "samples"
    out = tmp_path / "out"
    with smtp_server("none") as (mailbox, port):
        exit_code, _stdout, stderr = _send_cli(
            out, tmp_path, f'host = "127.0.0.1"\nport = {port}\nsecurity = "none"\nsender = "d@example.org"\n'
            'recipients = ["r@example.org"]\n', {}
        )  # fmt: skip
        assert exit_code == 1 and "no briefing-DATE.json in" in stderr  # nothing built yet
        config = tmp_path / "digest.toml"
        result = CliRunner().invoke(
            main, ["send", str(samples), "--out", str(out), "--date", "2022-05-11", "--config", str(config)]
        )
    assert result.exit_code == 0, result.output
    names = visible(out)
    assert names == ["briefing-2022-05-11.html", "briefing-2022-05-11.json", "briefing-2022-05-11.pdf"]
    (_, _, message), *_ = mailbox.received
    assert message["Subject"] == "الموجز الصحفي — الأربعاء، 11 مايو 2022"
    (attachment,) = _parts(message)["application/pdf"]
    assert attachment.get_content() == (out / "briefing-2022-05-11.pdf").read_bytes()


def test_settings_are_checked_before_building(tmp_path: Path) -> None:
    samples = Path(__file__).resolve().parent.parent / "samples"
    config = tmp_path / "digest.toml"
    config.write_text('[email]\nrecipients = ["r@example.org"]\n', encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["send", str(samples), "--out", str(out), "--config", str(config)])
    assert result.exit_code == 2 and "[email] sender is not set" in result.stderr
    assert not out.exists()


def test_pdf_is_rendered_when_none_was_built(tmp_path: Path) -> None:
    deliver.write_outputs(render.render(rich_briefing(), ["json"]), tmp_path)
    briefing, pdfs = deliver.load_built(tmp_path)
    assert pdfs == []
    with smtp_server("none") as (mailbox, port):
        per_language = RenderOptions(pdf_mode="per-language")
        deliver.send_briefing(briefing, email_options(port), pdfs, render_options=per_language)
    names = [p.get_filename() for p in _parts(mailbox.received[0][2])["application/pdf"]]
    assert names == ["briefing-2022-05-11-ar.pdf", "briefing-2022-05-11-en.pdf", "briefing-2022-05-11-es.pdf"]
    assert visible(tmp_path) == ["briefing-2022-05-11.json"]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"sender": ""}, "[email] sender is not set"),
        ({"recipients": ()}, "[email] recipients is empty"),
        ({"recipients": ("not an address",)}, "is not a mail address"),
        ({"recipients": ("a@example.org\r\nBcc: evil@example.org",)}, "is not a mail address"),
        ({"subject": "{title} {when}"}, "only {title} and {date} may be used"),
    ],
)
def test_bad_email_options_are_config_errors(change: dict, message: str) -> None:
    options = replace(email_options(25), **change)
    with pytest.raises(ConfigError, match=__import__("re").escape(message)):
        deliver.build_message(rich_briefing(), options)


def test_unknown_security_is_refused() -> None:
    message = deliver.build_message(rich_briefing(), email_options(25))
    with pytest.raises(ConfigError, match="security must be one of"):
        deliver.send_message(message, replace(email_options(25), security="ssl3"), environ={})


def test_without_attachment_the_body_does_not_promise_one(built: Path) -> None:
    briefing, pdfs = deliver.load_built(built)
    with smtp_server("none") as (mailbox, port):
        deliver.send_briefing(briefing, email_options(port, attach_pdf=False), pdfs)
    parts = _parts(mailbox.received[0][2])
    assert "application/pdf" not in parts
    for kind in ("text/plain", "text/html"):
        assert "attached as a PDF" not in parts[kind][0].get_content()


def test_bcc_hides_the_recipients_from_each_other(built: Path) -> None:
    briefing, pdfs = deliver.load_built(built)
    with smtp_server("none") as (mailbox, port):
        deliver.send_briefing(briefing, email_options(port, bcc=True), pdfs)
    (_, recipients, message), *others = mailbox.received
    assert not others and recipients == list(RECIPIENTS)
    assert message["To"] == "undisclosed-recipients:;" and message["Bcc"] is None
    assert not any(address in message.as_string() for address in RECIPIENTS)
