"""The command line: options -> core -> output, and the one place that picks exit codes.

`run_cli` runs in the child process (child.py); the parent (parent.py) writes the output to stdout. A
command returns its output through `guarded`, which keeps whatever the model prints off it. Exit codes:
0 success; 1 any failure (the model, the dialect, an option value); 2 a command line that cannot be
parsed; 3 `check` found drift (its report is the output). Every failure is one line on stderr.
"""

from __future__ import annotations

import contextlib
import gc
import os
import sys
import traceback
from collections.abc import Callable, Iterator
from enum import Enum
from pathlib import Path
from typing import Annotated, Any, Optional

import typer

try:  # Typer 0.2x carries its own copy of Click
    from typer._click.exceptions import ClickException, UsageError
except ImportError:  # pragma: no cover - Typer on the click package
    from click.exceptions import ClickException, UsageError

from . import __version__, typer_values
from .errors import OutputError, ProviderError

typer_values.install()  # strings, lists of strings and flags without importing pydantic (typer_values.py)

PROG = "atlas-provider"
TRACEBACK_ENV = "ATLAS_PROVIDER_TRACEBACK"

app = typer.Typer(
    name=PROG,
    add_completion=False,
    no_args_is_help=False,
    invoke_without_command=True,
    # Plain text, no boxes: every message a user can cause is one line on stderr (see run_cli).
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
    help="Print the DDL of a SQLAlchemy model for Atlas (data \"external_schema\"), and keep targets in sync.",
)


def warn(message: str) -> None:
    print(f"{PROG}: warning: {message}", file=sys.stderr)


def say(message: str) -> None:
    print(f"{PROG}: {message}", file=sys.stderr)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"{PROG} {__version__}")
        raise typer.Exit()


def _settings(pairs: list[str]) -> dict[str, str]:
    settings: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise typer.BadParameter(f"expected KEY=VALUE, got {pair!r}", param_hint="--setting")
        settings[key.strip()] = value.strip()
    return settings


PathOpt = Annotated[Optional[list[str]], typer.Option("--path", "-p", help="Folder (or .py file, or dotted module name) of model modules; repeatable.")]
ModelOpt = Annotated[Optional[list[str]], typer.Option("--model", "-m", help="pkg.module[:attr] naming a Base, registry, MetaData or Table; repeatable.")]
ExcludeOpt = Annotated[Optional[list[str]], typer.Option("--exclude", help="Glob of files/folders (relative to the working directory) not to import; repeatable.")]
IncludeOpt = Annotated[Optional[list[str]], typer.Option("--include", help="Glob of skipped files/folders (tests, migrations, hidden) to import anyway; repeatable.")]
VerboseOpt = Annotated[bool, typer.Option("--verbose", help="List every file and folder under --path that is not imported, and why.")]
SkipDefectsOpt = Annotated[Optional[bool], typer.Option("--skip-defects/--no-skip-defects", help="Leave out the model's objects a target's database would reject (a third-party model you cannot edit), one warning each; default: skip-defects under [tool.atlas-provider] in ./pyproject.toml.")]
AllowLossOpt = Annotated[bool, typer.Option("--allow-loss", help="Let an application target leave out or weaken a foreign key, unique index or check (a warning instead of an error).")]
SettingOpt = Annotated[Optional[list[str]], typer.Option("--setting", "-s", help="Target-wide KEY=VALUE for the dialect (e.g. ClickHouse engine=ReplacingMergeTree); repeatable.")]
TargetSettingsOpt = Annotated[Optional[list[str]], typer.Option("--setting", "-s", help="A target setting as for the DDL command: KEY=VALUE for every target, DIALECT:KEY=VALUE for one (e.g. clickhouse:cdc_tool=peerdb); repeatable.")]


@app.callback()
def main_command(
    ctx: typer.Context,
    path: PathOpt = None,
    model: ModelOpt = None,
    dialect: Annotated[Optional[str], typer.Option("--dialect", "-d", help="postgresql, mysql, mariadb, sqlite, mssql, clickhouse (or any SQLAlchemy dialect).")] = None,
    exclude: ExcludeOpt = None,
    include: IncludeOpt = None,
    allow_empty: Annotated[bool, typer.Option("--allow-empty", help="Print an empty schema instead of failing when no table is found.")] = False,
    create_schemas: Annotated[Optional[bool], typer.Option("--create-schemas/--no-create-schemas", help="Emit CREATE SCHEMA for the schemas tables use (default: when there are any).")] = None,
    strict: Annotated[bool, typer.Option("--strict", help="Fail when the target cannot express something the model declares.")] = False,
    allow_loss: AllowLossOpt = False,
    setting: SettingOpt = None,
    skip_defects: SkipDefectsOpt = None,
    skip_errors: Annotated[bool, typer.Option("--skip-errors", help="Compatibility: skip model modules that fail to import, with a warning each (their tables are then missing).")] = False,
    verbose: VerboseOpt = False,
    show_traceback: Annotated[bool, typer.Option("--traceback", help=f"Show the full stack on errors (or set {TRACEBACK_ENV}=1).")] = False,
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit.")] = False,
) -> None:
    """Print the DDL of the model for one dialect (the command Atlas runs)."""
    ctx.obj = {"traceback": show_traceback}
    if ctx.invoked_subcommand is not None:
        return
    if dialect is None:
        raise typer.BadParameter("is required", param_hint="--dialect")
    from .config import skip_defects as skip_defects_setting, target_options

    settings = _settings(setting or [])

    def run() -> str:
        from .api import build_schema, check_model
        from .child import AGAIN_ENV, ChildStdout
        from .dialects import get_adapter
        from .loading import load_model
        from .loading.release import release_model_modules

        # A short-lived process: importing thousands of mapped classes makes the cyclic garbage
        # collector walk an ever larger heap again and again for garbage that hardly exists (the
        # peak memory measured the same with it off), at a cost of up to a third of the run.
        gc.disable()

        options = target_options(dialect, create_schemas=create_schemas, cli_settings=settings)
        adapter = get_adapter(dialect, options)
        before = set(sys.modules)
        one_shot = isinstance(sys.stdout, ChildStdout)  # the child: only the tables are needed once loaded
        loaded = load_model(path or [], model or [], exclude=exclude or [], include=include or [],
                            skip_errors=skip_errors, warn=warn, verbose=say if verbose else None,
                            let_go=one_shot and not os.environ.get(AGAIN_ENV))
        check_model(loaded)
        if one_shot:
            release_model_modules(before)
        schema = build_schema(loaded, adapter, allow_empty=allow_empty, strict=strict,
                              skip_defects=skip_defects_setting(skip_defects), allow_loss=allow_loss)
        for line in [*schema.notes, *schema.losses.lines()]:
            warn(line)
        return schema.text

    guarded(run, show_traceback)


def guarded(run: Callable[[], str | None], show_traceback: bool = False) -> None:
    """The error boundary around one command's work: `run` loads the model and returns the output.

    While `run` works, whatever prints to `sys.stdout` goes to stderr; its result is the command's output.
    Our errors become one line and exit 1; a bug gets one line and a hint; the stack only on request.
    Model code runs only inside `run`.
    """
    show = show_traceback or _traceback_env()
    with _output_channel() as deliver:
        try:
            text = run()
            encode_output(text or "")  # fails here, as one line, rather than where it is written
        except (typer.Exit, typer.Abort, KeyboardInterrupt):
            raise
        except Exception as error:  # ours, or a bug in the provider: one line either way
            _report(error, show)
            raise typer.Exit(1) from None
        if text:
            deliver(text)


def encode_output(text: str, where: str | None = None) -> bytes:
    """`text` as the UTF-8 bytes Atlas reads. A lone surrogate cannot be encoded: Python decodes a file or
    folder name that is not UTF-8 that way (PEP 383), and a model's string may hold one."""
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError as error:
        line = text.count("\n", 0, error.start) + 1
        start = text.rfind("\n", 0, error.start) + 1
        end = text.find("\n", error.start)
        shown = text[start:end if end != -1 else len(text)][:120].encode("utf-8", "backslashreplace").decode()
        raise OutputError(f"line {line} of the output cannot be written as UTF-8 (it holds "
                          f"{text[error.start]!a}: a file or folder name that is not UTF-8, or a lone surrogate in "
                          f"the model's text): {shown}", where=where) from None


@contextlib.contextmanager
def _output_channel() -> Iterator[Callable[[str], None]]:
    """In the child, `sys.stdout` is sealed for good (child.ChildStdout): a model's thread that prints after
    `run` returned still reaches stderr only. In-process (tests, CliRunner), stdout is redirected meanwhile."""
    stdout = sys.stdout
    seal = getattr(stdout, "seal", None)
    if seal is not None:
        yield seal()
        return

    def deliver(text: str) -> None:
        stdout.write(text)
        stdout.flush()

    with contextlib.redirect_stdout(sys.stderr):
        yield deliver


def run_cli(argv: list[str]) -> int:
    """Parse `argv`, run the command, return its exit code; every failure is one line on stderr."""
    show = "--traceback" in argv or _traceback_env()
    try:
        code = app(args=argv, prog_name=PROG, standalone_mode=False)
    except UsageError as error:
        where = f"{error.ctx.command_path} --help" if error.ctx is not None else f"{PROG} --help"
        _error(f"{error.format_message()} (see '{where}')")
        return 2
    except ClickException as error:
        _error(error.format_message())
        return error.exit_code
    except (typer.Abort, KeyboardInterrupt):
        _error("interrupted")
        return 1
    except Exception as error:  # raised while reading options, outside a command's `guarded`
        _report(error, show)
        return 1
    if code == 130:  # Typer's answer to KeyboardInterrupt
        _error("interrupted")
        return 1
    return code if isinstance(code, int) else 0


def _traceback_env() -> bool:
    return os.environ.get(TRACEBACK_ENV, "") not in ("", "0")


def _error(message: str) -> None:
    print(f"{PROG}: error: {_one_line(message)}", file=sys.stderr)


def _report(error: Exception, show_traceback: bool) -> None:
    """A `ProviderError` is the user's to fix: its message; so is an OSError that escaped (a file or folder the
    system refused: its name and the reason). Anything else is a bug in the provider."""
    if show_traceback:
        traceback.print_exception(type(error), error, error.__traceback__)
    if isinstance(error, ProviderError):
        _error(str(error))
    elif isinstance(error, OSError) and error.strerror:
        names = [os.fsdecode(n) for n in (error.filename, error.filename2) if n is not None]
        _error(f"{' -> '.join(names) + ': ' if names else ''}{error.strerror}")
    else:
        print(f"{PROG}: internal error: {type(error).__name__}: {_one_line(str(error))} "
              f"(run with --traceback for details)", file=sys.stderr)


def _one_line(text: str) -> str:
    return " ".join(text.split())


# ---------------------------------------------------------------------------------------------
# Commands for projects with several targets: check (parity report), schema --out-dir, init.
# They load the model once and build each target from it; `guarded` stays the error boundary.

DRIFT_EXIT = 3  # `check` found drift: distinct from 1 (could not run) and 2 (bad command line)

DialectsOpt = Annotated[Optional[list[str]], typer.Option("--dialect", "-d", help="A target dialect; repeat for each target (postgresql, clickhouse, ...).")]


class ReportFormat(str, Enum):
    table = "table"
    json = "json"
    markdown = "markdown"


def _dialects(names: list[str] | None) -> list[str]:
    """Canonical dialect names in the order given, each once; at least one."""
    from .dialects import canonical_name

    if not names:
        raise typer.BadParameter("is required (repeat it for each target)", param_hint="--dialect")
    return list(dict.fromkeys(canonical_name(name) for name in names))


def _traceback(ctx: typer.Context) -> bool:
    return bool((ctx.obj or {}).get("traceback"))


def _schemas(path: list[str] | None, model: list[str] | None, exclude: list[str] | None,
             include: list[str] | None, dialects: list[str], *, allow_empty: bool = False,
             create_schemas: bool | None = None, strict: bool = False,
             verbose: bool = False, skip_defects: bool | None = None,
             allow_loss: bool = False, setting: list[str] | None = None) -> tuple[Any, list[Any]]:
    """Load the model once, then build every target's schema from it (settings from pyproject.toml under
    --setting: `DIALECT:KEY=VALUE` for that target only, `KEY=VALUE` for every target); warn about the model's
    defects, each line once however many targets share it."""
    from .api import build_schema, check_model
    from .config import skip_defects as skip_defects_setting, target_options
    from .dialects import get_adapter
    from .loading import load_model

    pairs = _settings(setting or [])

    def scoped(dialect: str) -> dict[str, str]:
        own = {k.partition(":")[2]: v for k, v in pairs.items() if k.partition(":")[0] == dialect and ":" in k}
        return {**{k: v for k, v in pairs.items() if ":" not in k}, **own}

    adapters = [get_adapter(d, target_options(d, create_schemas=create_schemas, cli_settings=scoped(d)))
                for d in dialects]
    loaded = load_model(path or [], model or [], exclude=exclude or [], include=include or [], warn=warn,
                        verbose=say if verbose else None)
    check_model(loaded)
    skip = skip_defects_setting(skip_defects)
    schemas = [build_schema(loaded, a, allow_empty=allow_empty, strict=strict, skip_defects=skip,
                            allow_loss=allow_loss) for a in adapters]
    for line in dict.fromkeys(line for schema in schemas for line in schema.notes):
        warn(line)
    return loaded, schemas


CHECK_HELP = (
    "Report what each target gets of every table and column, and fail on unintended drift.\n\n"
    f"Exit 0: no drift. Exit {DRIFT_EXIT}: drift, with the report on stdout and one line on stderr: a table or "
    "column missing from a target without an exclusion, or an adaptation that changes values (time zone, "
    "precision, scale, width, values) that the model does not accept with info={'atlas': {'accept': [...]}}. "
    "Exit 1: no report could be made (one line on stderr, nothing on stdout)."
)


@app.command("check", help=CHECK_HELP)
def check_command(
    ctx: typer.Context,
    path: PathOpt = None,
    model: ModelOpt = None,
    dialect: DialectsOpt = None,
    exclude: ExcludeOpt = None,
    include: IncludeOpt = None,
    output_format: Annotated[ReportFormat, typer.Option("--format", "-f", help="table (terminal), json (CI) or markdown (pull requests).")] = ReportFormat.table,
    verbose: VerboseOpt = False,
    skip_defects: SkipDefectsOpt = None,
    allow_loss: AllowLossOpt = False,
    setting: TargetSettingsOpt = None,
) -> None:
    """The parity report (parity.py), rendered by parity_format.py; exit codes in CHECK_HELP."""
    dialects = _dialects(dialect)
    found: dict[str, Any] = {}

    def run() -> str:
        from .errors import EmptySchemaError
        from .parity import build_report
        from .parity_format import render

        loaded, schemas = _schemas(path, model, exclude, include, dialects, allow_empty=True, verbose=verbose,
                                   skip_defects=skip_defects, allow_loss=True, setting=setting)
        found["blocking"] = [f"{s.dialect}: {s.losses.error_message()}" for s in schemas if s.losses.blocking() and not allow_loss]
        if not loaded.tables:
            raise EmptySchemaError("no tables found; nothing to compare")
        report = found["report"] = build_report(loaded, schemas)
        return render(report, output_format.value)

    guarded(run, _traceback(ctx))
    report = found["report"]
    # Integrity losses are listed in the report; the direct command refuses them, so they are drift too.
    problems = ([] if report.ok else [report.summary()]) + found["blocking"]
    for problem in problems:
        print(f"{PROG}: drift: {problem}", file=sys.stderr)
    if problems:
        raise typer.Exit(DRIFT_EXIT)


@app.command("schema", help=(
    "Write each target's DDL to OUT_DIR/<dialect>.sql: the same text `atlas-provider --dialect <dialect>` "
    "prints, so a pull request shows each target's schema change.\n\n"
    "The model is loaded once; nothing is written unless every target succeeds. Exit 0, or 1 with one line "
    "on stderr."
))
def schema_command(
    ctx: typer.Context,
    out_dir: Annotated[Path, typer.Option("--out-dir", "-o", help="Folder for one <dialect>.sql per target (created if missing; files replaced, all together or none).")],
    path: PathOpt = None,
    model: ModelOpt = None,
    dialect: DialectsOpt = None,
    exclude: ExcludeOpt = None,
    include: IncludeOpt = None,
    allow_empty: Annotated[bool, typer.Option("--allow-empty", help="Write an empty schema instead of failing when a target gets no table.")] = False,
    create_schemas: Annotated[Optional[bool], typer.Option("--create-schemas/--no-create-schemas", help="Emit CREATE SCHEMA for the schemas tables use (default: when there are any).")] = None,
    strict: Annotated[bool, typer.Option("--strict", help="Fail when a target cannot express something the model declares.")] = False,
    verbose: VerboseOpt = False,
    skip_defects: SkipDefectsOpt = None,
    allow_loss: AllowLossOpt = False,
) -> None:
    """One file per target, written after every target's schema was built."""
    dialects = _dialects(dialect)

    def run() -> str:
        from .outdir import write_together

        _, schemas = _schemas(path, model, exclude, include, dialects, allow_empty=allow_empty,
                              create_schemas=create_schemas, strict=strict, verbose=verbose,
                              skip_defects=skip_defects, allow_loss=allow_loss)
        for schema in schemas:
            for line in schema.losses.lines():
                warn(line)
        # every file, and the report, encoded before any file is written; then all replace the old ones, or none
        files = {f"{s.dialect}.sql": encode_output(s.text, where=f"{out_dir / s.dialect}.sql") for s in schemas}
        report = "".join(f"wrote {out_dir / name} ({len(s.tables)} tables)\n" for name, s in zip(files, schemas))
        encode_output(report)
        write_together(out_dir, files)
        return report

    guarded(run, _traceback(ctx))


@app.command("init", help=(
    "Write an atlas.hcl that drives every target: a named env per target (app, lake) with its dev database, "
    "migration directory and program, and an env templated on `variable \"dialect\"`; then print the next "
    "commands.\n\n"
    "The model is loaded (as the provider loads it) to learn its schemas: a dev URL fits them. An existing file "
    "is never replaced without --force. Exit 0, or 1 with one line on stderr."
))
def init_command(
    ctx: typer.Context,
    path: PathOpt = None,
    model: ModelOpt = None,
    dialect: DialectsOpt = None,
    exclude: ExcludeOpt = None,
    include: IncludeOpt = None,
    file: Annotated[Path, typer.Option("--file", help="The project file to write.")] = Path("atlas.hcl"),
    force: Annotated[bool, typer.Option("--force", help="Overwrite the file if it exists.")] = False,
) -> None:
    """scaffold.py writes the text; the next commands go to stdout."""
    dialects = _dialects(dialect)

    def run() -> str:
        from .dialects import get_adapter
        from .errors import UsageError
        from .scaffold import atlas_hcl, next_steps, plan_targets, write_new

        if not path and not model:
            raise UsageError("nothing to load: give --path DIR or --model pkg.module[:attr]")
        for folder in path or []:
            if not Path(folder).exists():
                raise UsageError("path does not exist", where=f"--path {folder}")
        source = [*_pairs("--path", path or []), *_pairs("--model", model or []),
                  *_pairs("--exclude", exclude or []), *_pairs("--include", include or [])]
        from .loading import load_model
        from .scaffold import target_extensions, target_schemas

        adapters = [get_adapter(d) for d in dialects]
        loaded = load_model(path or [], model or [], exclude=exclude or [], include=include or [], warn=warn)
        targets = plan_targets(source, [(a.name, a.role) for a in adapters],
                               {a.name: target_schemas(loaded, a) for a in adapters},
                               {a.name: target_extensions(loaded, a) for a in adapters})
        write_new(file, atlas_hcl(source, targets), force=force)
        return next_steps(str(file), source, targets)

    guarded(run, _traceback(ctx))


def _pairs(flag: str, values: list[str]) -> list[str]:
    return [item for value in values for item in (flag, value)]


VERIFY_HELP = (
    "Move edge-case rows of every table from a scratch application database into ClickHouse (in process, "
    "through chDB) and report the columns whose values change.\n\n"
    "Give one application dialect and clickhouse. PostgreSQL, MySQL and MariaDB need --app-url: verify creates "
    "a database of its own on that server and drops it afterwards; SQLite uses a temporary file. "
    f"Exit 0: every value arrives unchanged. Exit {DRIFT_EXIT}: drift, the report on stdout. Exit 1: verify "
    "could not run (one line on stderr). Needs the extra: pip install 'atlas-provider[verify]'."
)


class VerifyFormat(str, Enum):
    table = "table"
    json = "json"


@app.command("verify", help=VERIFY_HELP)
def verify_command(
    ctx: typer.Context,
    path: PathOpt = None,
    model: ModelOpt = None,
    dialect: DialectsOpt = None,
    exclude: ExcludeOpt = None,
    include: IncludeOpt = None,
    app_url: Annotated[Optional[str], typer.Option("--app-url", help="A server for the scratch app database, e.g. postgresql://postgres@127.0.0.1:5432/postgres (a database is created and dropped).")] = None,
    output_format: Annotated[VerifyFormat, typer.Option("--format", "-f", help="table (terminal) or json (CI).")] = VerifyFormat.table,
    setting: TargetSettingsOpt = None,
) -> None:
    """The verify package does the work; this picks the exit code."""
    dialects = _dialects(dialect)
    found: dict[str, Any] = {}

    def run() -> str:
        from .verify import render, split_targets, verify

        app_dialect, lake_dialect = split_targets(dialects)
        _, (app_schema, lake_schema) = _schemas(path, model, exclude, include, [app_dialect, lake_dialect],
                                                setting=setting)
        report = found["report"] = verify(app_schema, lake_schema, app_url=app_url,
                                          progress=lambda line: print(f"{PROG}: verify: {line}", file=sys.stderr))
        return render(report, output_format.value)

    guarded(run, _traceback(ctx))
    report = found["report"]
    if not report.ok:
        print(f"{PROG}: drift: {report.summary()}", file=sys.stderr)
        raise typer.Exit(DRIFT_EXIT)
