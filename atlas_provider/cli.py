"""The command line: options -> core -> stdout, and the one place that picks exit codes.

stdout is Atlas's input, so it is guarded at the file-descriptor level (see `guarded`). Exit codes: 0 success;
1 any failure (the model, the dialect, an option value), with one line on stderr and nothing on
stdout; 2 a command line Typer cannot parse.
"""

from __future__ import annotations

import contextlib
import os
import sys
import traceback
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Annotated, Optional, TextIO

import typer

from . import __version__
from .errors import ProviderError

PROG = "atlas-provider"
TRACEBACK_ENV = "ATLAS_PROVIDER_TRACEBACK"

app = typer.Typer(
    name=PROG,
    add_completion=False,
    no_args_is_help=False,
    invoke_without_command=True,
    context_settings={"help_option_names": ["-h", "--help"]},
    help="Print the DDL of a SQLAlchemy model for Atlas (data \"external_schema\"), and keep targets in sync.",
)


def warn(message: str) -> None:
    print(f"{PROG}: warning: {message}", file=sys.stderr)


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


PathOpt = Annotated[Optional[list[Path]], typer.Option("--path", "-p", help="Folder (or .py file) of model modules; repeatable.")]
ModelOpt = Annotated[Optional[list[str]], typer.Option("--model", "-m", help="pkg.module[:attr] naming a Base, registry, MetaData or Table; repeatable.")]
ExcludeOpt = Annotated[Optional[list[str]], typer.Option("--exclude", help="Glob of files/folders (relative to the working directory) not to import; repeatable.")]
IncludeOpt = Annotated[Optional[list[str]], typer.Option("--include", help="Glob of skipped files/folders (tests, migrations, hidden) to import anyway; repeatable.")]
SettingOpt = Annotated[Optional[list[str]], typer.Option("--setting", "-s", help="Target-wide KEY=VALUE for the dialect (e.g. ClickHouse engine=ReplacingMergeTree); repeatable.")]


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
    setting: SettingOpt = None,
    cache: Annotated[bool, typer.Option("--cache", help="Answer a repeated run from the cache when provably nothing changed (arguments, interpreter, every imported file).")] = False,
    skip_errors: Annotated[bool, typer.Option("--skip-errors", help="Compatibility: skip model modules that fail to import, with a warning each (their tables are then missing).")] = False,
    show_traceback: Annotated[bool, typer.Option("--traceback", help=f"Show the full stack on errors (or set {TRACEBACK_ENV}=1).")] = False,
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit.")] = False,
) -> None:
    """Print the DDL of the model for one dialect (the command Atlas runs)."""
    ctx.obj = {"traceback": show_traceback}
    if ctx.invoked_subcommand is not None:
        return
    if dialect is None:
        raise typer.BadParameter("is required", param_hint="--dialect")
    from .config import target_options

    def run() -> str:
        from .api import build_schema, check_model
        from .dialects import get_adapter
        from .loading import load_model

        options = target_options(dialect, create_schemas=create_schemas, cli_settings=_settings(setting or []))
        adapter = get_adapter(dialect, options)
        loaded = load_model(path or [], model or [], exclude=exclude or [], include=include or [],
                            skip_errors=skip_errors, warn=warn)
        check_model(loaded)
        schema = build_schema(loaded, adapter, allow_empty=allow_empty, strict=strict)
        warnings = [f"{PROG}: warning: {line}" for line in schema.losses.lines()]
        for line in warnings:
            print(line, file=sys.stderr)
        if cache:
            from .cache import store

            store(sys.argv[1:], schema.text, warnings)
        return schema.text

    guarded(run, show_traceback)


def guarded(run: Callable[[], str | None], show_traceback: bool = False) -> None:
    """The error boundary around one command.

    While `run` works, descriptor 1 points at stderr, so nothing the model prints (even from C code)
    reaches stdout; its result is written to the real stdout once, after it succeeded. Our errors
    become one line and exit 1; a bug gets one line and a hint; the stack only on request.
    """
    show = show_traceback or os.environ.get(TRACEBACK_ENV, "") not in ("", "0")
    with _stdout_guard() as write:
        try:
            text = run()
        except ProviderError as error:
            if show:
                traceback.print_exc()
            print(f"{PROG}: error: {_one_line(str(error))}", file=sys.stderr)
            raise typer.Exit(1) from None
        except (typer.Exit, typer.Abort, KeyboardInterrupt):
            raise
        except Exception as error:  # a bug in the provider: still one line, stack on request
            if show:
                traceback.print_exc()
            print(f"{PROG}: internal error: {type(error).__name__}: {_one_line(str(error))} "
                  f"(run with --traceback for details)", file=sys.stderr)
            raise typer.Exit(1) from None
        if text:
            write(text)


@contextlib.contextmanager
def _stdout_guard() -> Iterator[Callable[[str], None]]:
    sys.stdout.flush()
    try:
        fd = sys.stdout.fileno()
        saved = os.dup(fd)
    except (AttributeError, OSError, ValueError):  # no real descriptor (in-process test runners)
        stream = sys.stdout
        with contextlib.redirect_stdout(sys.stderr):
            yield _writer_for_stream(stream)
        return
    os.dup2(sys.stderr.fileno(), fd)
    try:
        yield _writer_for_fd(saved)
    finally:
        sys.stdout.flush()
        os.dup2(saved, fd)
        os.close(saved)


def _writer_for_fd(fd: int) -> Callable[[str], None]:
    def write(text: str) -> None:
        view = memoryview(text.encode("utf-8"))
        while view:
            view = view[os.write(fd, view):]
    return write


def _writer_for_stream(stream: TextIO) -> Callable[[str], None]:
    def write(text: str) -> None:
        stream.write(text)
        stream.flush()
    return write


def _one_line(text: str) -> str:
    return " ".join(text.split())


def main() -> None:
    """Kept for callers of `atlas_provider.cli:main`; the console scripts use `__main__.main`."""
    from .__main__ import main as entry

    entry()
