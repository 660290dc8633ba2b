"""Real open-source projects installed from PyPI load through the stand-in for Atlas: the provider, as the
projects' environment has it, prints DDL that loads into a clean dev database, which then holds exactly the
tables of the project's own MetaData (issue 9). What each project stands for is in projects.py."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from tests.realprojects.environment import Environment
from tests.realprojects.projects import PROJECTS, RealProject
from tests.support import BACKENDS, Backend, load_ddl

pytestmark = pytest.mark.realprojects

DEFECTIVE = [p for p in PROJECTS if p.skip_defects]


@pytest.mark.parametrize("project", PROJECTS, ids=lambda p: p.name)
def test_project_loads_into_the_dev_database_as_its_own_metadata(
    project: RealProject, backend: Backend, fresh_db: Engine, realprojects: Environment, tmp_path: Path,
) -> None:
    skip = ("--skip-defects",) if project.skip_defects else ()
    result = realprojects.provider(*project.args, "--dialect", backend.dialect, *skip, cwd=tmp_path)
    if backend.name in project.refused:  # nothing this database would take is printed, and it says why
        assert (result.returncode, result.stdout) == (1, ""), result.stderr
        assert len(result.stderr.splitlines()) == 1 and project.refused[backend.name] in result.stderr, result.stderr
        return
    assert result.returncode == 0, result.stderr

    left_out = project.left_out.get(backend.name, ())
    for item in left_out:  # one stderr line each, naming the table and the object
        table, name = item.split(".")
        assert any(table in line and name in line for line in result.stderr.splitlines()), result.stderr
    load_ddl(result.stdout, fresh_db)
    url = fresh_db.url.render_as_string(hide_password=False)
    check = realprojects.inside(project.name, backend.name, url, "--left-out", *left_out)
    assert check.returncode == 0, check.stderr
    assert json.loads(check.stdout)["tables"] == project.tables


@pytest.mark.parametrize("project", DEFECTIVE, ids=lambda p: p.name)
def test_defect_refused_without_skip_defects_names_the_table_and_the_way_on(
    project: RealProject, realprojects: Environment, tmp_path: Path
) -> None:
    for backend, items in project.left_out.items():
        result = realprojects.provider(*project.args, "--dialect", BACKENDS[backend].dialect, cwd=tmp_path)
        assert (result.returncode, result.stdout) == (1, ""), result.stderr
        lines = result.stderr.splitlines()
        assert len(lines) == 1, result.stderr
        named = [item for item in items if all(part in lines[0] for part in item.split("."))]
        assert named and "--skip-defects" in lines[0], lines[0]
