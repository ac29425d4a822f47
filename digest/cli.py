"""The `digest` command: a thin click layer over the library.

Every `DigestError` becomes one line on stderr and a non-zero exit; no traceback for a user's mistake.
Each command imports the stages it runs when it runs, so that `digest --help` or `digest models list` does
not pay for torch, camel-tools and WeasyPrint.
"""

from __future__ import annotations

import os
import re
import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from digest.errors import ConfigError, DigestError
from digest.evaluation import bench
from digest.options import Options, load_options

if TYPE_CHECKING:
    from digest.pipeline import Progress


class OneLineErrors(click.Group):
    """A click group whose every user error (bad flag, `DigestError`) is one line on stderr."""

    def main(self, *args: Any, **kwargs: Any) -> Any:
        kwargs["standalone_mode"] = False
        try:
            with stop_on_sigterm():
                return super().main(*args, **kwargs)
        except click.ClickException as exc:
            click.echo(f"digest: error: {printable(exc.format_message())} (see digest --help)", err=True)
            sys.exit(exc.exit_code)
        except click.Abort:
            click.echo("digest: aborted", err=True)
            sys.exit(130)
        except DigestError as exc:
            click.echo(f"digest: error: {printable(str(exc))}", err=True)
            sys.exit(exc.exit_code)


_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def printable(text: str) -> str:
    """`text` as one line of a terminal: control characters (a newline in a file name, an escape sequence,
    a bidi override) written as escapes, so a name cannot forge another "digest: …" line."""
    return _UNPRINTABLE.sub(lambda m: m.group(0).encode("unicode_escape").decode("ascii"), text)


def report_inputs(inputs: Any) -> None:
    """One line on stderr per skipped input and per warning about an input read (`Briefing.inputs`)."""
    for skipped in inputs.skipped:
        click.echo(f"digest: skipped {printable(skipped.path)}: {printable(skipped.reason)}", err=True)
    for warning in inputs.warnings:
        click.echo(f"digest: warning: {printable(warning.path)}: {printable(warning.reason)}", err=True)


def _stop(signum: int, frame: Any) -> None:
    """SIGTERM: kill the workers, say so, and end by the signal. Not by raising SystemExit: raised at an
    arbitrary point (in an at-fork hook, a `finally`, a weakref callback) it can be swallowed and the run goes
    on. Output files are never half-replaced (`deliver.write_outputs`); the next run removes the temporary
    folder left."""
    from digest.runtime.parallel import stop_all_workers

    stop_all_workers()
    click.echo(f"digest: stopped ({signal.Signals(signum).name})", err=True)
    signal.signal(signum, signal.SIG_DFL)
    os.kill(os.getpid(), signum)


@contextmanager
def stop_on_sigterm() -> Iterator[None]:
    """On SIGTERM, the workers are killed before this process ends (`_stop`); where the kernel offers it they
    would die with it anyway (`runtime.parallel`). The handler is put back after (the CLI may run inside
    another program)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, _stop)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _parse_date(ctx: click.Context, param: click.Parameter, value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return datetime.strptime(value, "%Y-%m-%d").date()
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date like 2022-05-11") from None


def _split(value: str | None) -> list[str] | None:
    return [v.strip() for v in value.split(",") if v.strip()] if value else None


def options_from(config: Path | None, **flags: Any) -> Options:
    """Defaults, the options file, then flags (only those given)."""
    overrides: dict[str, Any] = {}
    for dotted, value in flags.items():
        if value is None:
            continue
        node = overrides
        *parents, leaf = dotted.split(".")
        for parent in parents:
            node = node.setdefault(parent, {})
        node[leaf] = value
    return load_options(config, overrides)


config_option = click.option("--config", type=click.Path(dir_okay=False, path_type=Path), help="Options file (TOML).")


@click.group(cls=OneLineErrors, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="digest")
def main() -> None:
    """Turn a day of (mostly Arabic) press into one dated trilingual briefing."""


@main.command()
@click.argument("inputs", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--out", "out_dir", required=True, type=click.Path(file_okay=False, path_type=Path), help="Output folder."
)
@click.option(
    "--date", "on_date", callback=_parse_date, help="Briefing date (YYYY-MM-DD); default: newest publication date."
)
@click.option("--format", "formats", help="Comma-separated formats: html,pdf,json (default: all).")
@click.option("--langs", help="Comma-separated editions: ar,en,es (default: all).")
@click.option("--summarizer", help="lexrank (default), textrank or lsa.")
@config_option
def build(
    inputs: tuple[Path, ...],
    out_dir: Path,
    on_date: date | None,
    formats: str | None,
    langs: str | None,
    summarizer: str | None,
    config: Path | None,
) -> None:
    """Build the briefing from INPUTS (files or folders of articles) into --out."""
    options = options_from(
        config,
        **{"render.formats": _split(formats), "languages": _split(langs), "summary.algorithm": summarizer},
    )
    if "ar" not in options.languages:
        raise ConfigError("--langs must include ar: the other editions are translated from it")
    from digest import pipeline

    with progress_reporter() as progress:
        result = pipeline.build(list(inputs), out_dir, options, on_date, progress=progress)
    report_inputs(result.briefing.inputs)
    _warn_undated(result.briefing)
    for path in result.written:
        click.echo(str(path))


def _warn_undated(briefing: Any) -> None:
    if briefing.date_source == "none":
        day = briefing.date.isoformat()
        click.echo(
            f"digest: warning: no input carries a date; the briefing is dated today ({day}); use --date", err=True
        )


@main.command("eval")
@click.argument("kind", type=click.Choice(["cluster", "summary", "ner", "conflicts", "day"]))
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="End with one JSON line of the figures.")
@click.option(
    "--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), help="day: write the briefing and sheets."
)
@click.option("--backend", help="ner: the name finder (extract.ner_backend: rules, crf, rules+crf, crf+rules, camel).")
@click.option(
    "--heldout",
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    help="ner: the fold models of `digest train ner PATH --folds-dir DIR` (held-out figures, per fold).",
)
@config_option
def eval_command(
    kind: str,
    path: Path,
    as_json: bool,
    out_dir: Path | None,
    backend: str | None,
    heldout: Path | None,
    config: Path | None,
) -> None:
    """Measure quality on labelled data at PATH (see README: Quality)."""
    from digest import evaluation

    if (backend or heldout) and kind != "ner":
        raise ConfigError("--backend and --heldout are options of `digest eval ner`")
    options = options_from(config, **{"extract.ner_backend": backend})
    report = evaluation.run(kind, path, options, out_dir, heldout=heldout)
    click.echo(report.to_text())
    if as_json:
        click.echo(report.to_json())


@main.command("train")
@click.argument("kind", type=click.Choice(["ner", "disagreement"]))
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="Model file (default: the shipped one).")
@click.option("--seed", default=0, show_default=True, help="Random seed (same seed, same data: same model).")
@click.option("--json", "as_json", is_flag=True, help="End with one JSON line of the held-out figures.")
@click.option(
    "--folds-dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="ner: keep the fold models here (for `digest eval ner --heldout DIR`).",
)
def train_command(kind: str, path: Path, out: Path | None, seed: int, as_json: bool, folds_dir: Path | None) -> None:
    """Retrain a learned part on labelled data at PATH and print its held-out figures (see README: Quality)."""
    from digest import training

    if folds_dir is not None and kind != "ner":
        raise ConfigError("--folds-dir is an option of `digest train ner`")
    report = training.run(kind, path, out, seed, **({"folds_dir": folds_dir} if folds_dir is not None else {}))
    click.echo(report.to_text())
    if as_json:
        click.echo(report.to_json())


# Further commands (inspect, models, send, bench) are registered here, one line each.


@main.command("inspect")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@config_option
def inspect_command(path: Path, config: Path | None) -> None:
    """Show how FILE is read: each article's cleaned text, metadata (and how each was found), removed lines."""
    from digest import ingest

    inspections, skipped = ingest.inspect(path, options_from(config).ingest)
    for item in inspections:
        article = item.article
        click.echo(f"== {article.id}  ({article.source})")
        for name in ("title", "outlet", "author", "published", "language", "url"):
            how = dict(article.inferred).get(name)
            click.echo(f"{name:>9}: {getattr(article, name)}" + (f"   [{how}]" if how else ""))
        click.echo("-- text\n" + article.text)
        click.echo(f"-- removed ({len(item.removals)} lines)")
        for removal in item.removals:
            click.echo(f"  [{removal.reason}] {removal.line}")
    for skip in skipped:
        click.echo(f"digest: skipped {printable(skip.path)}: {printable(skip.reason)}", err=True)


@contextmanager
def progress_reporter(stream: Any = None) -> Iterator[Progress]:
    """A rich status line on stderr while the stages run, only on a terminal: quiet in CI and when piped."""
    stream = stream if stream is not None else sys.stderr
    if not stream.isatty() or os.environ.get("CI") or os.environ.get("TERM") == "dumb":
        yield lambda stage: None
        return
    from rich.console import Console

    console = Console(file=stream, force_terminal=True)
    with console.status("digest: starting", spinner="dots") as status:
        yield lambda stage: status.update(f"digest: {stage}…")


@main.command()
@click.argument("inputs", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--out", "out_dir", required=True, type=click.Path(file_okay=False, path_type=Path), help="Output folder."
)
@click.option("--date", "on_date", callback=_parse_date, help="Briefing date (YYYY-MM-DD); default: the newest built.")
@click.option("--langs", help="Comma-separated editions when building: ar,en,es (default: all).")
@click.option("--to", "recipients", help="Comma-separated recipients (default: [email] recipients).")
@config_option
def send(
    inputs: tuple[Path, ...],
    out_dir: Path,
    on_date: date | None,
    langs: str | None,
    recipients: str | None,
    config: Path | None,
) -> None:
    """Email the briefing: build it from INPUTS into --out first, or send the one already built there.

    SMTP settings come from the [email] section of the options file; the password from the environment
    variable it names ([email] password_env, default DIGEST_SMTP_PASSWORD). A failed send exits non-zero
    and leaves the built files in place.
    """
    from digest import deliver, pipeline

    options = options_from(config, languages=_split(langs))
    deliver.check_settings(options.email, _split(recipients))  # before a build that could take minutes
    if inputs:
        if "ar" not in options.languages:
            raise ConfigError("--langs must include ar: the other editions are translated from it")
        with progress_reporter() as progress:
            result = pipeline.build(list(inputs), out_dir, options, on_date, progress=progress)
        report_inputs(result.briefing.inputs)
        _warn_undated(result.briefing)
        briefing, pdfs = result.briefing, deliver.built_pdfs(result.briefing, out_dir)
    else:
        briefing, pdfs = deliver.load_built(out_dir, on_date)
    message = deliver.send_briefing(briefing, options.email, pdfs, _split(recipients), render_options=options.render)
    click.echo(f"sent {message['Subject']!s} to {message['To']!s} via {options.email.host}:{options.email.port}")


main.add_command(bench.command, "bench")


@main.group("models")
def models_group() -> None:
    """Translation models (argos packages) in $DIGEST_MODELS_DIR (default ~/.local/share/digest/models)."""


@models_group.command("install")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--timeout", default=20.0, show_default=True, help="Network timeout in seconds (index download).")
@config_option
def models_install(paths: tuple[Path, ...], timeout: float, config: Path | None) -> None:
    """Install PATHS: .argosmodel files, or a folder from `digest models download` (checked against its MANIFEST).

    Without PATHS, download ar→en, en→es (and ar→es) from the argos index ($DIGEST_MODELS_INDEX to use a mirror).
    """
    from digest.translate import packages as models

    folders = [p for p in paths if p.is_dir()]
    if folders:
        installed = [package for folder in folders for package in models.install_folder(folder)]
        installed += models.install_files([p for p in paths if not p.is_dir()])
    elif paths:
        installed = models.install_files(list(paths))
    else:
        options = options_from(config)
        installed = models.install_from_index(options.languages, timeout=timeout, pivot=options.translate.pivot)
    for package in installed:
        click.echo(f"installed {package.source}→{package.target} {package.label} in {package.path.parent}")


@models_group.command("download")
@click.option("--to", "folder", required=True, type=click.Path(file_okay=False, path_type=Path), help="Folder to fill.")
@click.option("--timeout", default=20.0, show_default=True, help="Network timeout in seconds.")
@config_option
def models_download(folder: Path, timeout: float, config: Path | None) -> None:
    """Download the packages the editions need (ar→en, en→es, ar→es when offered) into FOLDER with a MANIFEST of
    sha256 checksums, to carry to a desk without network and install there: digest models install FOLDER."""
    from digest.translate import packages as models

    options = options_from(config)
    files = models.download_from_index(options.languages, folder, timeout=timeout, pivot=options.translate.pivot)
    for file in files:
        click.echo(f"downloaded {file.name}")
    click.echo(f"checksums in {folder / models.MANIFEST}; on the desk: digest models install {folder}")


@models_group.command("list")
@config_option
def models_list(config: Path | None) -> None:
    """Show the installed packages and what each edition will use (direct, pivot or missing)."""
    from digest.translate import packages as models

    options = options_from(config)
    packages = models.installed_packages()
    click.echo(f"models folder: {models.models_dir()}")
    for package in packages:
        state = f"  (unusable: {package.problem})" if package.problem else ""
        click.echo(f"  {package.source}→{package.target}  {package.label}{state}")
    if not packages:
        click.echo("  no package installed")
    for lang in options.languages:
        if lang != models.SOURCE:
            click.echo(f"edition {lang}: {models.find_route(packages, lang, pivot=options.translate.pivot).describe()}")


if __name__ == "__main__":  # pragma: no cover
    main()
