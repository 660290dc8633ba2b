"""`atlas-provider init`: the atlas.hcl it writes parses as HCL, names the right program, dev URL and migration
directory per target, and its program lines print exactly what the direct command prints."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import hcl2
import pytest

from atlas_provider.scaffold import DATABASE_DEV_URLS, DEV_URLS
from tests.support.provider import run_provider

ROOT = Path(__file__).parent.parent
EXAMPLES = ROOT / "examples"
INIT = ("init", "--path", "shop", "--dialect", "postgresql", "--dialect", "clickhouse")


def provider(*args: str, cwd: Path) -> Any:
    return run_provider(*args, cwd=cwd, env={"PYTHONPATH": ""})


def parse(text: str) -> dict[str, Any]:
    """The file as python-hcl2 reads it, strings unquoted."""
    try:
        from hcl2.utils import SerializationOptions
    except ImportError:  # python-hcl2 < 8 strips the quotes itself
        return hcl2.loads(text)  # type: ignore[no-any-return]
    return hcl2.loads(text, serialization_options=SerializationOptions(strip_string_quotes=True))  # type: ignore[no-any-return]


def blocks(document: dict[str, Any], kind: str) -> dict[str, dict[str, Any]]:
    """Labelled blocks by label: env "app" -> {"app": {...}}; data "external_schema" "app" -> {"app": {...}}."""
    found: dict[str, dict[str, Any]] = {}
    for block in document.get(kind, []):
        for label, body in block.items():
            if kind == "data":
                assert label.strip('"') == "external_schema"
                for name, inner in body.items():
                    found[name.strip('"')] = inner
            else:
                found[label.strip('"')] = body
    return found


def unquote(value: str) -> str:
    return json.loads(value) if value.startswith('"') else value


def program(data: dict[str, Any]) -> list[str]:
    return [unquote(item) for item in data["program"]]


def dev_url_expression(document: dict[str, Any], dialect: str) -> str:
    return document["locals"][0]["dev_url"][dialect]


_CONDITIONAL = re.compile(r'^\$\{getenv\("(\w+)"\) != "" \? getenv\("(\w+)"\) : "([^"]+)"\}$')


def evaluate_dev_url(expression: str, environ: dict[str, str]) -> str:
    """Evaluate the one expression form init writes, as Atlas would: the variable when set, else the default."""
    match = _CONDITIONAL.match(expression)
    assert match, expression
    variable, again, default = match.groups()
    assert variable == again
    return environ.get(variable) or default


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Any]:
    """A copy of examples/ without atlas.hcl, where init ran."""
    folder = tmp_path_factory.mktemp("project")
    shutil.copytree(EXAMPLES / "shop", folder / "shop", ignore=shutil.ignore_patterns("__pycache__"))
    return folder, provider(*INIT, cwd=folder)


@pytest.fixture(scope="module")
def document(project: tuple[Path, Any]) -> dict[str, Any]:
    folder, _ = project
    return parse((folder / "atlas.hcl").read_text(encoding="utf-8"))


def test_init_writes_atlas_hcl_and_prints_the_next_commands(project: tuple[Path, Any]) -> None:
    folder, result = project
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout.startswith('wrote atlas.hcl: env "app" (postgresql), env "lake" (clickhouse), '
                                    'env "sqlalchemy" (--var dialect=...)\n')
    for line in ("  atlas-provider check --path shop --dialect postgresql --dialect clickhouse",
                 "  atlas migrate diff --env app ", "  atlas migrate diff --env lake ",
                 "  export ATLAS_DEV_URL_POSTGRESQL=", "  export ATLAS_DEV_URL_CLICKHOUSE="):
        assert any(printed.startswith(line) for printed in result.stdout.splitlines()), line
    assert (folder / "atlas.hcl").is_file()


def test_the_example_atlas_hcl_is_what_init_writes(project: tuple[Path, Any]) -> None:
    folder, _ = project
    assert (EXAMPLES / "atlas.hcl").read_bytes() == (folder / "atlas.hcl").read_bytes()


@pytest.mark.parametrize(
    ("env", "dialect"), [("app", "postgresql"), ("lake", "clickhouse")],
)
def test_a_named_env_per_target(document: dict[str, Any], env: str, dialect: str) -> None:
    body = blocks(document, "env")[env]
    assert body["src"] == f"${{data.external_schema.{env}.url}}"
    assert body["dev"] == f"${{local.dev_url.{dialect}}}"
    assert unquote(body["migration"][0]["dir"]) == f"file://migrations/{dialect}"
    assert program(blocks(document, "data")[env]) == ["atlas-provider", "--path", "shop", "--dialect", dialect]


def test_the_template_env_follows_variable_dialect(document: dict[str, Any]) -> None:
    ((label, variable),) = document["variable"][0].items()
    assert (label.strip('"'), variable["type"].strip("${}"), unquote(variable["default"])) == (
        "dialect", "string", "postgresql")
    body = blocks(document, "env")["sqlalchemy"]
    assert body["src"] == "${data.external_schema.sqlalchemy.url}"
    assert body["dev"] == "${local.dev_url[var.dialect]}"
    assert unquote(body["migration"][0]["dir"]) == "file://migrations/${var.dialect}"
    assert blocks(document, "data")["sqlalchemy"]["program"][-1] == "${var.dialect}"
    assert [unquote(a) for a in blocks(document, "data")["sqlalchemy"]["program"][:-1]] == \
        ["atlas-provider", "--path", "shop", "--dialect"]


@pytest.mark.parametrize("dialect", ["postgresql", "clickhouse"])
def test_dev_urls_default_to_docker_and_follow_an_environment_variable(document: dict[str, Any], dialect: str) -> None:
    expression = dev_url_expression(document, dialect)
    variable = f"ATLAS_DEV_URL_{dialect.upper()}"
    assert evaluate_dev_url(expression, {}) == DATABASE_DEV_URLS[dialect]  # the shop uses two schemas
    assert evaluate_dev_url(expression, {variable: "postgres://u@h:5432/empty"}) == "postgres://u@h:5432/empty"


@pytest.mark.parametrize(("env", "dialect"), [("app", "postgresql"), ("lake", "clickhouse"),
                                              ("sqlalchemy", "postgresql"), ("sqlalchemy", "clickhouse")])
def test_running_a_program_line_prints_what_the_direct_command_prints(
    project: tuple[Path, Any], document: dict[str, Any], env: str, dialect: str
) -> None:
    """Run the program as Atlas does (from the directory of atlas.hcl, the console script on PATH), with
    `var.dialect` substituted for the template."""
    folder, _ = project
    argv = [dialect if item == "${var.dialect}" else unquote(item) for item in blocks(document, "data")[env]["program"]]
    assert argv[0] == "atlas-provider"
    scripts = str(Path(sys.executable).parent)
    ran = subprocess.run(argv, cwd=folder, capture_output=True, encoding="utf-8", stdin=subprocess.DEVNULL,
                         env={**os.environ, "PATH": scripts + os.pathsep + os.environ.get("PATH", ""), "PYTHONPATH": ""},
                         check=False, timeout=120)
    direct = provider("--path", "shop", "--dialect", dialect, cwd=folder)
    assert (ran.returncode, direct.returncode) == (0, 0)
    assert ran.stdout.encode("utf-8") == direct.stdout.encode("utf-8")
    assert ran.stdout.startswith("-- atlas:pos ")


def test_init_never_overwrites_without_force(tmp_path: Path) -> None:
    shutil.copytree(EXAMPLES / "shop", tmp_path / "shop", ignore=shutil.ignore_patterns("__pycache__"))
    (tmp_path / "atlas.hcl").write_text("# mine\n", encoding="utf-8")
    refused = provider(*INIT, cwd=tmp_path)
    assert (refused.returncode, refused.stdout) == (1, "")
    assert refused.stderr == "atlas-provider: error: atlas.hcl: already exists; pass --force to overwrite it\n"
    assert (tmp_path / "atlas.hcl").read_text(encoding="utf-8") == "# mine\n"
    forced = provider(*INIT, "--force", cwd=tmp_path)
    assert forced.returncode == 0
    assert (tmp_path / "atlas.hcl").read_bytes() == (EXAMPLES / "atlas.hcl").read_bytes()


def test_envs_are_named_by_dialect_when_targets_share_a_role(tmp_path: Path) -> None:
    (tmp_path / "app").mkdir()
    result = provider("init", "--path", "app", "-d", "postgresql", "-d", "mysql", "-d", "clickhouse",
                      "--file", "deploy.hcl", cwd=tmp_path)
    assert result.returncode == 0
    document = parse((tmp_path / "deploy.hcl").read_text(encoding="utf-8"))
    assert list(blocks(document, "env")) == ["sqlalchemy", "postgresql", "mysql", "lake"]
    assert evaluate_dev_url(dev_url_expression(document, "mysql"), {}) == "docker://mysql/8/dev"


def test_paths_and_options_reach_the_program_line_as_literal_strings(tmp_path: Path) -> None:
    (tmp_path / "my ${app}").mkdir()
    result = provider("init", "--path", "my ${app}", "--exclude", "my ${app}/legacy/*", "-d", "sqlite", cwd=tmp_path)
    assert result.returncode == 0
    text = (tmp_path / "atlas.hcl").read_text(encoding="utf-8")
    assert '"my $${app}"' in text  # not an HCL interpolation
    argv = program(blocks(parse(text), "data")["app"])
    assert [a.replace("$${", "${") for a in argv] == [
        "atlas-provider", "--path", "my ${app}", "--exclude", "my ${app}/legacy/*", "--dialect", "sqlite"]


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["--path", "nowhere", "-d", "postgresql"], 1, "atlas-provider: error: --path nowhere: path does not exist"),
        (["--path", "app", "-d", "oracle9000"], 1, "unknown dialect 'oracle9000'"),
        (["--path", "app"], 2, "--dialect"),
        (["-d", "postgresql"], 1, "nothing to load"),
    ],
)
def test_bad_command_lines_write_nothing(tmp_path: Path, args: list[str], code: int, message: str) -> None:
    (tmp_path / "app").mkdir()
    result = provider("init", *args, cwd=tmp_path)
    assert (result.returncode, result.stdout) == (code, "")
    assert message in result.stderr
    assert not (tmp_path / "atlas.hcl").exists()


def _one_module(tmp_path: Path, tables: str) -> Path:
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "__init__.py").write_text("", encoding="utf-8")
    (tmp_path / "app" / "models.py").write_text("import sqlalchemy as sa\nmd = sa.MetaData()\n" + tables, encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize(("tables", "scoped"), [
    ('sa.Table("a", md, sa.Column("id", sa.Integer, primary_key=True))\n'
     'sa.Table("b", md, sa.Column("id", sa.Integer, primary_key=True), schema="analytics")\n', False),
    ('sa.Table("a", md, sa.Column("id", sa.Integer, primary_key=True))\n'
     'sa.Table("b", md, sa.Column("id", sa.Integer, primary_key=True))\n', True),
], ids=["two-schemas", "one-schema"])
def test_the_dev_url_scope_fits_the_models_schemas(tmp_path: Path, tables: str, scoped: bool) -> None:
    """A schema-scoped dev database keeps CREATE SCHEMA between runs and loses the tables in it."""
    result = provider("init", "--path", "app", "-d", "postgresql", "-d", "mysql", cwd=_one_module(tmp_path, tables))
    assert result.returncode == 0, result.stderr
    text = (tmp_path / "atlas.hcl").read_text(encoding="utf-8")
    urls = {d: evaluate_dev_url(dev_url_expression(parse(text), d), {}) for d in ("postgresql", "mysql")}
    if scoped:
        assert urls == {"postgresql": "docker://postgres/15/dev?search_path=public", "mysql": "docker://mysql/8/dev"}
        assert "database-scoped" not in text + result.stdout
    else:
        assert urls == {"postgresql": "docker://postgres/15/dev", "mysql": "docker://mysql/8"}
        assert "# postgresql: database-scoped: the model also uses schema(s) analytics" in text
        assert "postgresql: the dev database must be database-scoped" in result.stdout
