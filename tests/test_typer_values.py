"""typer_values.py: option values that are already strings, lists of strings or flags skip Typer's pydantic
coercion, with the values Typer would give; anything else is still Typer's."""

from __future__ import annotations

import subprocess
import sys
from typing import Annotated

import typer
from typer.testing import CliRunner

from atlas_provider import typer_values


def test_values_are_what_typer_gives() -> None:
    typer_values.install()
    seen: dict[str, object] = {}
    app = typer.Typer()

    @app.command()
    def command(name: Annotated[str | None, typer.Option()] = None,
                tag: Annotated[list[str] | None, typer.Option()] = None,
                flag: Annotated[bool | None, typer.Option("--flag/--no-flag")] = None,
                count: Annotated[int, typer.Option()] = 1) -> None:
        seen.update(name=name, tag=tag, flag=flag, count=count)

    result = CliRunner().invoke(app, ["--name", "x", "--tag", "a", "--tag", "b", "--no-flag", "--count", "3"])
    assert result.exit_code == 0, result.output
    assert seen == {"name": "x", "tag": ["a", "b"], "flag": False, "count": 3}  # the int: Typer's own coercion
    assert type(seen["tag"]) is list

    result = CliRunner().invoke(app, [])
    assert result.exit_code == 0, result.output
    assert seen == {"name": None, "tag": None, "flag": None, "count": 1}

    result = CliRunner().invoke(app, ["--count", "many"])
    assert result.exit_code == 2  # not a number: still refused, by Typer


def test_the_ddl_command_never_imports_pydantic() -> None:
    code = ("import sys; from atlas_provider.cli import run_cli; "
            "run_cli(['--path', 'no-such-folder', '--dialect', 'postgresql', '--exclude', 'x', '--no-skip-defects']); "
            "print('pydantic' in sys.modules)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert result.stdout.strip() == "False", result.stderr
