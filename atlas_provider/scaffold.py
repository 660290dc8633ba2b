"""`atlas-provider init`: the atlas.hcl that drives every target, and the commands to run next.

The file has two forms, per Atlas's project-file docs (https://atlasgo.io/atlas-schema/projects):

- a template, `env "sqlalchemy"`, whose dialect is `variable "dialect"` (`--var dialect=mysql`);
- one named env per target, `app` and `lake` by role (by dialect when two targets share a role), each
  with its own `data "external_schema"` program, dev database and migration directory.

Atlas runs a data source's program only for the env that uses it. Dev URLs default to Atlas's docker
images; `ATLAS_DEV_URL_<DIALECT>` points one at any empty database instead (`getenv` is an Atlas HCL
function). Everything here returns text; the CLI writes the file.

A dev URL's scope must fit the model. Atlas cleans only what the URL scopes: with a schema-scoped dev
database a `CREATE SCHEMA analytics` from the provider survives between runs (the next run fails "already
exists") and the tables in it never reach a migration. So a target whose tables use a schema besides the
default one gets a database-scoped dev URL, with a comment saying why; the others a schema-scoped one.
To know that, init loads the model as the provider does (the schemas of `__table_args__`, mixins and
`MetaData(schema=...)` are only known once the code has run), and selects each target's tables.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from .errors import UsageError

PROGRAM = "atlas-provider"
TEMPLATE_ENV = "sqlalchemy"
DEV_URL_ENV = "ATLAS_DEV_URL_{}"

# Atlas's dev-database images (https://atlasgo.io/concepts/dev-database), schema-scoped where Atlas allows it.
DEV_URLS: dict[str, str] = {
    "postgresql": "docker://postgres/15/dev?search_path=public",
    "mysql": "docker://mysql/8/dev",
    "mariadb": "docker://mariadb/latest/dev",
    "sqlite": "sqlite://dev?mode=memory",
    "mssql": "docker://sqlserver/2022-latest/dev?mode=schema",
    "clickhouse": "docker://clickhouse/23.11/dev",
}
# The same images, database-scoped: for a model whose tables use more than the default schema.
DATABASE_DEV_URLS: dict[str, str] = {
    "postgresql": "docker://postgres/15/dev",
    "mysql": "docker://mysql/8",
    "mariadb": "docker://mariadb/latest",
    "sqlite": "sqlite://dev?mode=memory",  # one schema: the provider flattens the others
    "mssql": "docker://sqlserver/2022-latest/dev?mode=database",
    "clickhouse": "docker://clickhouse/23.11",
}
# What a dev URL looks like without Docker, for the hint printed after init.
LOCAL_EXAMPLES: dict[str, str] = {
    "postgresql": "postgres://postgres@127.0.0.1:5432/dev?sslmode=disable&search_path=public",
    "mysql": "mysql://root@127.0.0.1:3306/dev",
    "mariadb": "maria://root@127.0.0.1:3306/dev",
    "clickhouse": "clickhouse://default@127.0.0.1:9000/dev",
    "mssql": "sqlserver://sa:pass@127.0.0.1:1433?database=dev&mode=schema",
}
LOCAL_DATABASE_EXAMPLES: dict[str, str] = {
    "postgresql": "postgres://postgres@127.0.0.1:5432/dev?sslmode=disable",
    "mysql": "mysql://root@127.0.0.1:3306/",
    "mariadb": "maria://root@127.0.0.1:3306/",
    "clickhouse": "clickhouse://default@127.0.0.1:9000/",
    "mssql": "sqlserver://sa:pass@127.0.0.1:1433?database=dev&mode=database",
}
# Extensions outside PostgreSQL's contrib (which every postgres image has: citext, hstore) -> the Atlas docker
# image that offers them (https://atlasgo.io/concepts/dev-database: docker://postgis/..., docker://pgvector/...).
EXTENSION_IMAGES: dict[str, str] = {"postgis": "postgis/15-3.4", "postgis_raster": "postgis/15-3.4",
                                    "vector": "pgvector/pg15"}
# Drivers of the Atlas Pro plan (https://atlasgo.io/features#database-support).
PRO_DRIVERS = frozenset({"clickhouse", "mssql"})


@dataclass(frozen=True)
class Target:
    """One env of the file: its name, dialect and the program Atlas runs for it."""

    env: str
    dialect: str
    program: list[str]
    schemas: tuple[str, ...] = ()  # the schemas besides the default one its tables use
    extensions: tuple[str, ...] = ()  # the extensions its output creates (PostgreSQL)

    @property
    def migrations(self) -> str:
        return f"migrations/{self.dialect}"

    @property
    def dev_url(self) -> str | None:
        """Atlas's docker image for the dialect, scoped to fit the model; an image that offers the model's
        extensions (PostGIS) where the plain one lacks them."""
        url = (DATABASE_DEV_URLS if self.schemas else DEV_URLS).get(self.dialect)
        images = self.extension_images
        if url is not None and len(images) == 1:
            url = url.replace("docker://postgres/15", f"docker://{images[0]}")
        return url

    @property
    def extension_images(self) -> list[str]:
        return sorted({EXTENSION_IMAGES[name] for name in self.extensions if name in EXTENSION_IMAGES})

    @property
    def extension_note(self) -> str:
        """What the dev database must offer for the extensions the output creates, or ""."""
        if not self.extensions:
            return ""
        note = (f"the output creates the extension(s) {', '.join(self.extensions)} (CREATE EXTENSION IF NOT "
                "EXISTS), so the dev database must offer them")
        images = self.extension_images
        if len(images) > 1:
            note += f"; no Atlas image has all of them ({', '.join(images)}): set the dev URL to one that does"
        elif images:
            note += f": the default is Atlas's {images[0]} image"
        return note

    @property
    def local_example(self) -> str:
        return (LOCAL_DATABASE_EXAMPLES if self.schemas else LOCAL_EXAMPLES).get(self.dialect, "<url>")

    @property
    def scope_reason(self) -> str:
        """Why the dev database is database-scoped, or "" when it is not."""
        if not self.schemas or self.dev_url == DEV_URLS.get(self.dialect):
            return ""
        return (f"database-scoped: the model also uses schema(s) {', '.join(self.schemas)}, which a schema-scoped "
                "dev database would keep between runs and leave out of every migration")


def plan_targets(source_args: Sequence[str], dialects: Sequence[tuple[str, str]],
                 schemas: Mapping[str, Sequence[str]] | None = None,
                 extensions: Mapping[str, Sequence[str]] | None = None) -> list[Target]:
    """Name an env per (dialect, role): by role (`app`, `lake`) when the role is unique, else by dialect.
    `schemas`: per dialect, the schemas besides the default one that its tables use; `extensions`: per
    dialect, the extensions its output creates."""
    roles = Counter(role for _, role in dialects)
    targets = []
    for dialect, role in dialects:
        env = role if roles[role] == 1 and role != TEMPLATE_ENV else dialect
        used = tuple((schemas or {}).get(dialect, ()))
        targets.append(Target(env, dialect, [PROGRAM, *source_args, "--dialect", dialect], used,
                              tuple((extensions or {}).get(dialect, ()))))
    return targets


def target_schemas(model: object, adapter: object) -> list[str]:
    """The schemas `adapter`'s target creates for the model's tables it selects (none for the default one)."""
    from .selection import select

    tables = select(model.tables, adapter.target, {}).tables  # type: ignore[attr-defined]
    return list(adapter.created_schemas(tables))  # type: ignore[attr-defined]


def target_extensions(model: object, adapter: object) -> list[str]:
    """The extensions `adapter`'s output creates for the model's tables it selects."""
    from .selection import select

    tables = select(model.tables, adapter.target, {}).tables  # type: ignore[attr-defined]
    return [element.name for element in adapter.extension_elements(tables)]  # type: ignore[attr-defined]


def _string(text: str) -> str:
    """An HCL string literal: JSON escapes, plus `$${` and `%%{` so that nothing is interpolated."""
    return json.dumps(text, ensure_ascii=False).replace("${", "$${").replace("%{", "%%{")


def _list(items: Sequence[str], last: str | None = None) -> str:
    parts = [_string(item) for item in items] + ([last] if last else [])
    return "[" + ", ".join(parts) + "]"


def dev_url_variable(dialect: str) -> str:
    return DEV_URL_ENV.format(dialect.upper())


def atlas_hcl(source_args: Sequence[str], targets: Sequence[Target]) -> str:
    """The whole atlas.hcl for `targets` (the first one is the template's default dialect)."""
    dialects = list(dict.fromkeys(t.dialect for t in targets))
    by_dialect = {t.dialect: t for t in targets}
    variables = [dev_url_variable(d) for d in dialects]
    width = max(len(t.env) for t in targets)
    lines = [
        "# Written by `atlas-provider init`. Atlas reads the SQLAlchemy model by running atlas-provider.",
        "#",
        *(f"#   atlas migrate diff --env {t.env.ljust(width)}    # {t.dialect}: migrations in {t.migrations}"
          for t in targets),
        f"#   atlas migrate diff --env {TEMPLATE_ENV} --var dialect={dialects[0]}    # the same, for any dialect below",
        "#",
        "# Dev databases are Atlas's docker images. To use any other EMPTY database instead, set",
        f"# {' or '.join(variables)}.",
        *(f"# {t.dialect}: {t.scope_reason}." for t in by_dialect.values() if t.scope_reason),
        *(f"# {t.dialect}: {t.extension_note}." for t in by_dialect.values() if t.extension_note),
        "",
        'variable "dialect" {',
        "  type    = string",
        f"  default = {_string(dialects[0])}",
        "}",
        "",
        "locals {",
        "  dev_url = {",
    ]
    for dialect, variable in zip(dialects, variables):
        getenv = f"getenv({_string(variable)})"
        default = by_dialect[dialect].dev_url
        value = f'{getenv} != "" ? {getenv} : {_string(default)}' if default else getenv
        lines.append(f"    {dialect} = {value}")
    lines += ["  }", "}", ""]
    template = [PROGRAM, *source_args, "--dialect"]
    lines += [
        f"# The template: atlas migrate diff --env {TEMPLATE_ENV} --var dialect=<{'|'.join(dialects)}>",
        *_blocks(TEMPLATE_ENV, _list(template, "var.dialect"), "local.dev_url[var.dialect]",
                 '"file://migrations/${var.dialect}"'),
    ]
    for target in targets:
        lines += [
            "",
            f"# {target.env}: {target.dialect}",
            *_blocks(target.env, _list(target.program), f"local.dev_url.{target.dialect}",
                     _string(f"file://{target.migrations}")),
        ]
    return "\n".join(lines) + "\n"


def _blocks(name: str, program: str, dev: str, directory: str) -> list[str]:
    return [
        f"data \"external_schema\" {_string(name)} {{",
        f"  program = {program}",
        "}",
        "",
        f"env {_string(name)} {{",
        f"  src = data.external_schema.{name}.url",
        f"  dev = {dev}",
        "  migration {",
        f"    dir = {directory}",
        "  }",
        "}",
    ]


def next_steps(file: str, source_args: Sequence[str], targets: Sequence[Target]) -> str:
    """What to run after init, printed on stdout."""
    dialect_args = " ".join(f"--dialect {t.dialect}" for t in targets)
    width = max(len(t.env) for t in targets)
    lines = [
        f"wrote {file}: " + ", ".join(f'env "{t.env}" ({t.dialect})' for t in targets)
        + f', env "{TEMPLATE_ENV}" (--var dialect=...)',
        "",
        "Next:",
        f"  {PROGRAM} check {' '.join(source_args)} {dialect_args}    # what each target gets, and where they differ",
        *(f"  atlas migrate diff --env {t.env.ljust(width)}    # {t.dialect}: first migration in {t.migrations}/"
          for t in targets),
        "",
        "Run Atlas from this directory.",
    ]
    docker = [t for t in targets if (t.dev_url or "").startswith("docker://")]
    if docker:
        lines += [
            "The dev databases are Docker containers; without Docker, point them at any empty database:",
            *(f"  export {dev_url_variable(t.dialect)}='{t.local_example}'" for t in docker),
        ]
    scoped = [t for t in targets if t.scope_reason]
    if scoped:
        lines += ["", *(f"{t.dialect}: the dev database must be {t.scope_reason}." for t in scoped)]
    extended = [t for t in targets if t.extension_note]
    if extended:
        lines += ["", *(f"{t.dialect}: {t.extension_note}." for t in extended)]
    missing = [t.dialect for t in targets if t.dialect not in DEV_URLS]
    if missing:
        lines += ["", "No default dev database for " + ", ".join(missing) + "; set "
                  + ", ".join(dev_url_variable(d) for d in missing) + " before running Atlas."]
    pro = sorted({t.dialect for t in targets} & PRO_DRIVERS)
    if pro:
        lines += ["", f"{', '.join(pro)} needs an Atlas Pro driver: run `atlas login` first."]
    return "\n".join(lines) + "\n"


def write_new(path: Path, text: str, *, force: bool) -> None:
    """Write `text` to `path`, refusing to replace an existing file unless `force`."""
    if path.is_dir():
        raise UsageError("is a directory", where=str(path))
    try:
        with path.open("w" if force else "x", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
    except FileExistsError:
        raise UsageError("already exists; pass --force to overwrite it", where=str(path)) from None
    except OSError as error:
        raise UsageError(f"cannot write it: {error.strerror or error}", where=str(path)) from None
