"""Stage 7, deliver: write the outputs atomically, and email the briefing.

Entry points:
- `write_outputs(outputs, out_dir) -> list[Path]`: the files of one briefing replaced as one set, only inside
  `out_dir` (see `write_outputs`: a folder per set, switched by one rename; the names stay
  `briefing-DATE.{html,pdf,json}`).
- `build_message(briefing, options, attachments) -> EmailMessage`: multipart/mixed with a multipart/alternative
  (plain text, then HTML with inline styles only) and the PDF(s) attached; subject with the localised date.
- `send_message(message, options) -> None`: SMTP with STARTTLS or implicit TLS and login; the password is
  read from the environment variable named by `[email] password_env`, never from a flag, never logged.
- `send_briefing(briefing, options, pdfs)`: both of the above; renders the PDF when none was built.
- `load_built(out_dir, on_date)`: a briefing already built (its JSON and PDFs, from one set), to send it again.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import smtplib
import ssl
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from datetime import UTC, date, datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, getaddresses, make_msgid
from pathlib import Path

from digest import render
from digest.document import Briefing
from digest.errors import ConfigError, DeliveryError, InputError, OutputError
from digest.options import EmailOptions, RenderOptions

SECURITY = ("starttls", "tls", "none")


SETS = ".digest"
"""The hidden folder of `--out` that holds the briefing sets, the per-date links that switch them, and a lock."""
_DATED = re.compile(r"^(briefing-\d{4}-\d{2}-\d{2})[.-]")


def write_outputs(outputs: Mapping[str, bytes], out_dir: Path) -> list[Path]:
    """Write the named outputs into `out_dir` as one set; names are plain file names, never paths.

    Every name is checked before anything is written, so a bad name leaves the folder untouched. The files are
    written into a temporary folder, `.digest/tmp-…`, fsynced, and that folder renamed `.digest/briefing-DATE.ID`;
    then one rename switches the link `.digest/briefing-DATE` to it. The names a reader uses,
    `briefing-DATE.html` and the others, are symlinks through that link (`.digest/briefing-DATE/briefing-DATE.html`),
    made once: every one of them shows the new set from the same instant, and none shows a mix of two builds.
    A failure (a full disk, a kill) before the switch leaves the previous set whole; a name of the previous set
    that this one lacks is removed after the switch; the previous set's folder is removed, and what a killed
    run left (temporary folders and links, `.briefing-….tmp` files of older versions) is removed by the next.
    Runs writing into the same folder take turns (a lock on `.digest/lock`)."""
    out_dir = out_dir.resolve()
    names = []
    for name in outputs:  # a plain name: no separator, not "." or "..", not hidden (the sets are)
        if not name or name != Path(name).name or name.startswith(".") or "\x00" in name or os.sep in name:
            raise OutputError(f"refusing to write {name!r} outside {out_dir}")
        names.append(name)
    dated = {m.group(1) for m in (_DATED.match(name) for name in names) if m}
    group = dated.pop() if len(dated) == 1 and all(_DATED.match(name) for name in names) else "outputs"
    state = out_dir / SETS
    try:
        state.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"cannot write to {out_dir}: {exc.strerror or exc}") from None
    with _locked(state):
        _remove_stale(out_dir, state)
        folder = _write_set(state, group, outputs)
        previous = _current_set(state, group)
        try:
            _symlink_over(state / group, folder.name, state)
        except OSError as exc:
            shutil.rmtree(folder, ignore_errors=True)
            raise OutputError(f"cannot write {state / group}: {exc.strerror or exc}") from None
        for name in names:  # the visible names, each a link through the switched one (made once)
            link = f"{SETS}/{group}/{name}"
            if not (out_dir / name).is_symlink() or os.readlink(out_dir / name) != link:
                _symlink_over(out_dir / name, link, state)
        for old in _set_names(out_dir, group):
            if old not in names:  # the previous set had it and this one has not: no name left to a stale file
                (out_dir / old).unlink(missing_ok=True)
        if previous is not None and previous != folder.name:
            shutil.rmtree(state / previous, ignore_errors=True)
        _fsync_folder(out_dir)
    return [out_dir / name for name in names]


def _write_set(state: Path, group: str, outputs: Mapping[str, bytes]) -> Path:
    """The outputs written and fsynced in a new folder `state/<group>.<id>`; nothing left behind on failure."""
    try:
        tmp = Path(tempfile.mkdtemp(prefix="tmp-", dir=state))
        os.chmod(tmp, 0o755)  # mkdtemp's is 0700: the files are read by others (a web server) through it
    except OSError as exc:
        raise OutputError(f"cannot write to {state}: {exc.strerror or exc}") from None
    try:
        for name, data in outputs.items():
            _write_file(tmp / name, data)
        _fsync_folder(tmp)
        folder = state / f"{group}.{tmp.name.removeprefix('tmp-')}"
        os.rename(tmp, folder)
        _fsync_folder(state)
    except OSError as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        raise OutputError(f"cannot write {exc.filename or tmp}: {exc.strerror or exc}") from None
    except BaseException:  # the run was stopped: no half set is left behind
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return folder


def _write_file(path: Path, data: bytes) -> None:
    with path.open("wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.chmod(path, 0o644)


def _symlink_over(path: Path, target: str, state: Path) -> None:
    """`path` made a symlink to `target` by one rename (readers see the old link or the new one)."""
    tmp = state / f"link-{os.getpid()}-{path.name}"
    tmp.unlink(missing_ok=True)
    os.symlink(target, tmp)
    try:
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _current_set(state: Path, group: str) -> str | None:
    """The folder name the link `state/group` points to, if there is one."""
    with contextlib.suppress(OSError):
        return os.readlink(state / group)
    return None


def _set_names(out_dir: Path, group: str) -> list[str]:
    """The visible names of a date's set in `out_dir`: links through `.digest/<group>/`, and the regular files of
    older versions with the set's names (`briefing-DATE.html`, `briefing-DATE-en.pdf`...)."""
    found = []
    for path in out_dir.glob(f"{group}[.-]*"):
        if path.is_symlink():
            if os.readlink(path).startswith(f"{SETS}/{group}/"):
                found.append(path.name)
        elif re.fullmatch(rf"{re.escape(group)}(\.(html|json|pdf)|-[a-z]{{2,3}}\.pdf)", path.name) and path.is_file():
            found.append(path.name)
    return found


def _remove_stale(out_dir: Path, state: Path) -> None:
    """What a killed run left: temporary folders and links in `.digest`, set folders no link points to, and the
    `.briefing-….tmp` files of older versions (which wrote each file beside its target)."""
    temporary = ("tmp-", "link-")
    linked = {os.readlink(p) for p in state.iterdir() if p.is_symlink() and not p.name.startswith(temporary)}
    for path in state.iterdir():
        if path.name.startswith(temporary) or (not path.is_symlink() and path.is_dir() and path.name not in linked):
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path, ignore_errors=True)
            else:
                path.unlink(missing_ok=True)
    for path in out_dir.glob(".briefing-*.tmp"):
        if path.is_file() and not path.is_symlink():
            path.unlink(missing_ok=True)


@contextlib.contextmanager
def _locked(state: Path) -> Iterator[None]:
    """One writer at a time in a folder (where `fcntl` exists): a lock held while a set is written and switched,
    so that a temporary folder found under it is a killed run's, never a running one's."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not POSIX
        yield
        return
    try:
        handle = (state / "lock").open("a")
    except OSError as exc:
        raise OutputError(f"cannot write to {state}: {exc.strerror or exc}") from None
    with handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        yield


def _fsync_folder(folder: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def built_folder(out_dir: Path, on_date: date) -> Path:
    """The folder of the set of `on_date` in `out_dir` as it is now (its link resolved once, so that what is read
    from it is one set even if a build switches sets meanwhile); `out_dir` itself for an older layout."""
    link = out_dir / SETS / f"briefing-{on_date.isoformat()}"
    return link.resolve() if link.is_symlink() else out_dir


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
    """A briefing already built in `out_dir` (that date's, else the newest) and its PDF files, from one set."""
    if on_date is not None:
        name = f"briefing-{on_date.isoformat()}.json"
    else:
        found = sorted(out_dir.glob("briefing-????-??-??.json"))
        if not found:
            raise InputError(f"no briefing-DATE.json in {out_dir}: run digest build first, or give INPUTS to send")
        name = found[-1].name
    day = date.fromisoformat(name.removeprefix("briefing-").removesuffix(".json"))
    folder = built_folder(out_dir, day)
    path = out_dir / name if folder == out_dir else folder / name
    try:
        briefing = Briefing.from_dict(json.loads(path.read_text(encoding="utf-8")))
    except FileNotFoundError:
        raise InputError(f"{out_dir / name} not found: run digest build first, or give INPUTS to send") from None
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise InputError(f"{out_dir / name} is not a briefing JSON file: {exc}") from None
    return briefing, _pdfs_in(briefing, folder)


def built_pdfs(briefing: Briefing, out_dir: Path) -> list[tuple[str, bytes]]:
    """The PDF files of `briefing` built in `out_dir` (combined, else one per edition), from its date's set."""
    return _pdfs_in(briefing, built_folder(out_dir, briefing.date))


def _pdfs_in(briefing: Briefing, folder: Path) -> list[tuple[str, bytes]]:
    pdfs = []
    for mode in render.PDF_MODES:
        for name in render.pdf_names(briefing, mode).values():
            path = folder / name
            with contextlib.suppress(FileNotFoundError):  # a set switched meanwhile: send renders the PDF
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
