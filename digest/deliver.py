"""Stage 7, deliver: write the outputs atomically, and email the briefing.

Entry points:
- `write_outputs(outputs, out_dir) -> list[Path]`: each file appears whole or not at all, only inside `out_dir`.
- `build_message(briefing, options, attachments) -> EmailMessage`: multipart/mixed with a multipart/alternative
  (plain text, then HTML with inline styles only) and the PDF(s) attached; subject with the localised date.
- `send_message(message, options) -> None`: SMTP with STARTTLS or implicit TLS and login; the password is
  read from the environment variable named by `[email] password_env`, never from a flag, never logged.
- `send_briefing(briefing, options, pdfs)`: both of the above; renders the PDF when none was built.
- `load_built(out_dir, on_date)`: a briefing already built (its JSON and PDFs), to send it again.
"""

from __future__ import annotations

import json
import os
import smtplib
import ssl
import tempfile
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, date, datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, getaddresses, make_msgid
from pathlib import Path
from typing import BinaryIO

from digest import render
from digest.document import Briefing
from digest.errors import ConfigError, DeliveryError, InputError, OutputError
from digest.options import EmailOptions, RenderOptions

SECURITY = ("starttls", "tls", "none")


def write_atomic(path: Path, data: bytes) -> None:
    """Write `data` to `path` so that readers see the old file or the new one, never half of it."""
    write_stream(path, lambda handle: handle.write(data))


def write_stream(path: Path, write: Callable[[BinaryIO], object]) -> None:
    """What `write` writes to the file handle it gets, as `path`: a temporary file beside it, renamed once whole
    (readers see the old file or the new one). `write_atomic` writes bytes already made; a writer such as
    `render.write_json` need not hold its output whole (the pipeline still renders the JSON to bytes first)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise OutputError(f"cannot write to {path.parent}: {exc.strerror or exc}") from None
    try:
        with os.fdopen(fd, "wb") as handle:
            write(handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise OutputError(f"cannot write {path}: {exc.strerror or exc}") from None
    except BaseException:  # `write` failed (or the run was stopped): no half file is left behind
        Path(tmp).unlink(missing_ok=True)
        raise


def write_outputs(outputs: Mapping[str, bytes], out_dir: Path) -> list[Path]:
    """Write each named output into `out_dir`; names are plain file names, never paths.

    Every name is checked before anything is written, so a bad name leaves the folder untouched.
    """
    out_dir = out_dir.resolve()
    targets = []
    for name in outputs:
        target = (out_dir / name).resolve()
        if not name or name != Path(name).name or target.parent != out_dir:
            raise OutputError(f"refusing to write {name!r} outside {out_dir}")
        targets.append((target, outputs[name]))
    for target, data in targets:
        write_atomic(target, data)
    return [target for target, _ in targets]


def _address(value: str, what: str) -> str:
    """A checked mail address (no header injection, one @); the error names the option to fix."""
    value = value.strip()
    try:
        address = Address(addr_spec=value)
    except (ValueError, IndexError, TypeError) as exc:
        raise ConfigError(f"[email] {what}: {value!r} is not a mail address ({exc})") from None
    if not address.username or not address.domain:
        raise ConfigError(f"[email] {what}: {value!r} is not a mail address like desk@example.org")
    return address.addr_spec


def subject_line(briefing: Briefing, options: EmailOptions) -> str:
    """`[email] subject` with {title} and {date} in the subject's language (the first edition by default)."""
    lang = options.language or (briefing.languages[0] if briefing.languages else "ar")
    try:
        return options.subject.format_map(
            {"title": render.labels(lang)["title"], "date": render.long_date(briefing.date, lang)}
        )
    except (KeyError, IndexError, ValueError) as exc:
        raise ConfigError(f"[email] subject: only {{title}} and {{date}} may be used ({exc})") from None


def check_settings(
    options: EmailOptions, recipients: Sequence[str] | None = None, environ: Mapping[str, str] | None = None
) -> None:
    """Fail now, before a long build, if the email could not be sent as configured (sender, recipients, TLS,
    password variable). The server itself is only tried when sending."""
    if not options.sender:
        raise ConfigError('[email] sender is not set: add sender = "desk@example.org" to the options file')
    _address(options.sender, "sender")
    chosen = recipients if recipients is not None else options.recipients
    if not chosen:
        raise ConfigError("[email] recipients is empty: list them in the options file or give --to")
    for recipient in chosen:
        _address(recipient, "recipients")
    if options.security not in SECURITY:
        raise ConfigError(f"[email] security must be one of {', '.join(SECURITY)}, not {options.security!r}")
    _password(options, os.environ if environ is None else environ)


def build_message(
    briefing: Briefing,
    options: EmailOptions,
    attachments: Sequence[tuple[str, bytes]] = (),
    recipients: Sequence[str] | None = None,
    now: datetime | None = None,
    render_options: RenderOptions | None = None,
) -> EmailMessage:
    """The email: plain text and HTML alternatives of every edition (the PDF's stories), the PDF(s) attached."""
    sender = _address(options.sender, "sender") if options.sender else ""
    if not sender:
        raise ConfigError('[email] sender is not set: add sender = "desk@example.org" to the options file')
    to = [_address(r, "recipients") for r in (recipients if recipients is not None else options.recipients)]
    if not to:
        raise ConfigError("[email] recipients is empty: list them in the options file or give --to")
    message = EmailMessage(policy=SMTP)
    message["Subject"] = subject_line(briefing, options)
    message["From"] = sender
    if options.bcc:
        message["To"] = "undisclosed-recipients:;"  # an empty group (RFC 5322): nobody listed
        message["Bcc"] = ", ".join(to)  # smtplib sends to these and drops the header from what it transmits
    else:
        message["To"] = ", ".join(to)
    message["Date"] = format_datetime(now or datetime.now(UTC))
    message["Message-ID"] = make_msgid("digest", domain=sender.rsplit("@", 1)[1])
    message["Auto-Submitted"] = "auto-generated"
    attached = bool(attachments)
    text = render.render_email_text(briefing, options=render_options, attached=attached)
    message.set_content(text, subtype="plain", charset="utf-8")
    html = render.render_email_html(briefing, options=render_options, attached=attached)
    message.add_alternative(html, subtype="html", charset="utf-8")
    for name, data in attachments:
        message.add_attachment(data, maintype="application", subtype="pdf", filename=name)
    # After the parts: setting content clears (or moves into a subpart) every Content-* header.
    message["Content-Language"] = ", ".join(briefing.languages)
    return message


def _password(options: EmailOptions, environ: Mapping[str, str]) -> str | None:
    if not options.username:
        return None
    if options.security == "none":
        raise ConfigError('[email] refusing to send a password without TLS: set security = "starttls" or "tls"')
    password = environ.get(options.password_env)
    if not password:
        raise ConfigError(f"the SMTP password is not set: export {options.password_env}=... ([email] password_env)")
    return password


def send_message(message: EmailMessage, options: EmailOptions, environ: Mapping[str, str] | None = None) -> None:
    """Send over SMTP as `[email]` says; every failure is one `DeliveryError` line (never the password)."""
    if options.security not in SECURITY:
        raise ConfigError(f"[email] security must be one of {', '.join(SECURITY)}, not {options.security!r}")
    password = _password(options, os.environ if environ is None else environ)
    recipients = envelope_recipients(message)
    where = f"{options.host}:{options.port}"
    try:
        context = ssl.create_default_context(cafile=options.cafile or None)
    except (OSError, ssl.SSLError) as exc:
        raise ConfigError(f"[email] cafile {options.cafile!r} cannot be read: {exc}") from None
    try:
        client: smtplib.SMTP
        if options.security == "tls":
            client = smtplib.SMTP_SSL(options.host, options.port, timeout=options.timeout, context=context)
        else:
            client = smtplib.SMTP(options.host, options.port, timeout=options.timeout)
        with client:
            client.ehlo()
            if options.security == "starttls":
                client.starttls(context=context)
                client.ehlo()
            if password is not None:
                client.login(options.username, password)
            refused = client.send_message(message, to_addrs=recipients)
    except smtplib.SMTPAuthenticationError as exc:
        raise DeliveryError(
            f"{where} refused the login of {options.username!r} ({_reply(exc)}): check [email] username "
            f"and ${options.password_env}"
        ) from None
    except smtplib.SMTPRecipientsRefused as exc:
        raise DeliveryError(f"{where} refused every recipient: {_refusals(exc.recipients)}") from None
    except smtplib.SMTPNotSupportedError as exc:
        raise DeliveryError(f"{where} does not offer what [email] security needs: {exc}") from None
    except smtplib.SMTPResponseException as exc:
        raise DeliveryError(f"{where} refused the message ({_reply(exc)})") from None
    except (smtplib.SMTPException, ssl.SSLError, OSError) as exc:
        raise DeliveryError(f"cannot send the email via {where}: {_one_line(str(exc)) or type(exc).__name__}") from None
    if refused:
        raise DeliveryError(
            f"sent to {len(recipients) - len(refused)} of {len(recipients)} recipients; refused: {_refusals(refused)}"
        )


def envelope_recipients(message: EmailMessage) -> list[str]:
    """Who gets the message: To, Cc and Bcc, without repeats."""
    fields = [str(message[name]) for name in ("To", "Cc", "Bcc") if message[name]]
    return list(dict.fromkeys(address for _, address in getaddresses(fields) if address))


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _reply(exc: smtplib.SMTPResponseException) -> str:
    text = exc.smtp_error.decode("utf-8", "replace") if isinstance(exc.smtp_error, bytes) else str(exc.smtp_error)
    return _one_line(f"{exc.smtp_code} {text}")


def _refusals(refused: Mapping[str, tuple[int, bytes]]) -> str:
    return "; ".join(
        f"{who} ({code} {_one_line(reply.decode('utf-8', 'replace'))})" for who, (code, reply) in refused.items()
    )


def load_built(out_dir: Path, on_date: date | None = None) -> tuple[Briefing, list[tuple[str, bytes]]]:
    """A briefing already built in `out_dir` (that date's, else the newest) and its PDF files."""
    if on_date is not None:
        path = out_dir / f"briefing-{on_date.isoformat()}.json"
    else:
        found = sorted(out_dir.glob("briefing-????-??-??.json"))
        if not found:
            raise InputError(f"no briefing-DATE.json in {out_dir}: run digest build first, or give INPUTS to send")
        path = found[-1]
    try:
        briefing = Briefing.from_dict(json.loads(path.read_text(encoding="utf-8")))
    except FileNotFoundError:
        raise InputError(f"{path} not found: run digest build first, or give INPUTS to send") from None
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise InputError(f"{path} is not a briefing JSON file: {exc}") from None
    return briefing, built_pdfs(briefing, out_dir)


def built_pdfs(briefing: Briefing, out_dir: Path) -> list[tuple[str, bytes]]:
    """The PDF files of `briefing` found in `out_dir` (combined, else one per edition)."""
    pdfs = []
    for mode in render.PDF_MODES:
        for name in render.pdf_names(briefing, mode).values():
            path = out_dir / name
            if path.is_file():
                pdfs.append((name, path.read_bytes()))
        if pdfs:
            break
    return pdfs


def send_briefing(
    briefing: Briefing,
    options: EmailOptions,
    pdfs: Sequence[tuple[str, bytes]] = (),
    recipients: Sequence[str] | None = None,
    render_options: RenderOptions | None = None,
    environ: Mapping[str, str] | None = None,
) -> EmailMessage:
    """Email `briefing` with its PDF(s) (rendered here when `pdfs` is empty and `[email] attach_pdf` is on)."""
    attachments = list(pdfs)
    if options.attach_pdf and not attachments:
        attachments = sorted(render.render(briefing, ["pdf"], options=render_options).items())
    chosen = attachments if options.attach_pdf else []
    message = build_message(briefing, options, chosen, recipients, render_options=render_options)
    send_message(message, options, environ)
    return message
