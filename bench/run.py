"""Benchmark atlas-provider against atlas-provider-sqlalchemy and the bare import of the models.

    python bench/run.py [--sizes 2,100,500] [--runs 5] [--python PY] [--with-cache] ...

See bench/README.md. Python stdlib only: the tools under test run in their own interpreters.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import PACKAGE, ModelPackage, generate  # noqa: E402
from measure import Sample, run_once  # noqa: E402

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
DEFAULT_SIZES = (2, 100, 500, 2000, 5000)
EXISTING = "atlas-provider-sqlalchemy"
CACHE_TARGET_SECONDS = 0.15


@dataclass
class Tool:
    """One way of producing (or, for the floor, of merely loading) the schema of a model package."""

    name: str
    python: str  # the interpreter it runs on, reported with the results
    argv: Callable[[ModelPackage], list[str]]
    env: Callable[[ModelPackage], dict[str, str]]
    # what a correct run prints: CREATE TABLE statements, or for the floor the number of tables it loaded
    count: Callable[[str], int] | None = None
    skip_exit_code: int | None = None  # a warm-up exiting with this code means "not supported": skip, not fail


@dataclass
class Result:
    tables: int
    files: int
    tool: str
    samples: list[Sample] = field(default_factory=list)
    note: str = ""  # why there are no samples: a failed or skipped warm-up

    @property
    def good(self) -> list[Sample]:
        return [s for s in self.samples if s.ok]

    @property
    def valid(self) -> bool:
        """Counts only when every timed run was right: a fast wrong answer must not pass a target."""
        return bool(self.samples) and len(self.good) == len(self.samples)

    def median(self, attr: str) -> float | None:
        return statistics.median(getattr(s, attr) for s in self.samples) if self.valid else None

    def summary(self) -> dict[str, object]:
        out: dict[str, object] = {"tables": self.tables, "files": self.files, "tool": self.tool, "note": self.note}
        if self.valid:
            for attr in ("seconds", "peak_rss_mb"):
                values = [getattr(s, attr) for s in self.samples]
                out[attr] = {"median": statistics.median(values), "min": min(values), "max": max(values)}
        out["samples"] = [asdict(s) for s in self.samples]
        return out


# ---------------------------------------------------------------------------------------------- the tools


def _clean_env(**extra: str) -> dict[str, str]:
    """The caller's environment without PYTHON* variables, so every tool starts alike, plus ``extra``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    env.update(extra)
    return env


def _count_create_tables(stdout: str) -> int:
    return sum(1 for line in stdout.splitlines() if line.lstrip().upper().startswith("CREATE TABLE"))


def _count_loaded(stdout: str) -> int:
    try:
        return int(stdout.strip())
    except ValueError:
        return -1


def floor_code(package: ModelPackage) -> str:
    """Import the model modules and nothing else; print how many tables that registered (no import needed)."""
    return (
        f"import {', '.join(package.modules)}; import sys; "
        f"print(len(sys.modules['{PACKAGE}.base'].Base.metadata.tables))"
    )


def make_tools(python: str, existing_venv: Path | None, with_cache: bool) -> list[Tool]:
    """Our provider and the floor run on ``python`` with the same sys.path (the checkout first, so the working
    tree is what gets measured); the existing provider runs from its own venv."""
    ours_env = lambda pkg: _clean_env(PYTHONPATH=str(REPO))  # noqa: E731
    ours = lambda pkg: [python, "-m", "atlas_provider", "--path", str(pkg.models_dir), "--dialect", "postgresql"]  # noqa: E731
    tools = [
        Tool("floor", python, lambda pkg: [python, "-c", floor_code(pkg)], ours_env, _count_loaded),
        Tool("ours", python, ours, ours_env, _count_create_tables),
    ]
    if with_cache:
        tools.append(Tool("ours-cache", python, lambda pkg: [*ours(pkg), "--cache"], ours_env,
                          _count_create_tables, skip_exit_code=2))
    if existing_venv is not None:
        script = str(existing_venv / "bin" / EXISTING)
        tools.append(Tool(
            "existing", str(existing_venv / "bin" / "python"),
            lambda pkg: [script, "--path", str(pkg.models_dir), "--dialect", "postgresql"],
            # its console script does not put the current folder on sys.path; the models' absolute
            # `from benchmodels.base import Base` needs the package root there
            lambda pkg: _clean_env(PYTHONPATH=str(pkg.root)),
            _count_create_tables,
        ))
    return tools


def _probe(python: str) -> dict[str, str]:
    """Interpreter path, Python and SQLAlchemy versions of ``python``."""
    code = (
        "import sys, platform, importlib.metadata as m\n"
        "try: sa = m.version('sqlalchemy')\nexcept m.PackageNotFoundError: sa = ''\n"
        "print(sys.executable, platform.python_version(), sa, sep='\\n')"
    )
    done = subprocess.run([python, "-c", code], capture_output=True, text=True, env=_clean_env(), check=True)
    executable, version, sqlalchemy = (done.stdout.splitlines() + ["", "", ""])[:3]
    return {"python": python, "executable": executable, "version": version, "sqlalchemy": sqlalchemy}


def ensure_existing_venv(venv: Path, base_python: str, version: str, sqlalchemy: str) -> Path:
    """Create ``venv`` with ``base_python`` and install the existing provider from PyPI, once.

    SQLAlchemy is pinned to the version our interpreter has, so the comparison is of the providers alone.
    """
    python = venv / "bin" / "python"
    wanted = [f"{EXISTING}=={version}"] + ([f"sqlalchemy=={sqlalchemy}"] if sqlalchemy else [])
    check = "import importlib.metadata as m; print(*(f'{n}=={m.version(n)}' for n in %r))" % [
        w.split("==")[0] for w in wanted]
    if python.exists():
        done = subprocess.run([str(python), "-c", check], capture_output=True, text=True, env=_clean_env())
        if done.returncode == 0 and done.stdout.split() == wanted:
            return venv
    print(f"installing {' '.join(wanted)} into {venv} ...", file=sys.stderr)
    if not python.exists():
        subprocess.run([base_python, "-m", "venv", str(venv)], check=True, env=_clean_env())
    subprocess.run([str(python), "-m", "pip", "install", "--quiet", *wanted], check=True, env=_clean_env())
    return venv


# -------------------------------------------------------------------------------------------- measuring


def bench_size(package: ModelPackage, tools: list[Tool], runs: int, timeout: float) -> list[Result]:
    """One discarded warm-up per tool, then ``runs`` rounds, each running every tool once, in a rotating order
    so that noise and ordering effects fall on all tools alike."""
    files = len(package.modules)
    results = {t.name: Result(package.tables, files, t.name) for t in tools}

    def once(tool: Tool) -> Sample:
        return run_once(tool.argv(package), cwd=package.root, env=tool.env(package),
                        expected=package.tables, count=tool.count, timeout=timeout)

    active = []
    for tool in tools:
        warm = once(tool)
        if warm.ok:
            active.append(tool)
        elif tool.skip_exit_code is not None and warm.exit_code == tool.skip_exit_code:
            results[tool.name].note = f"skipped: warm-up exited {warm.exit_code} ({warm.error})"
        else:
            results[tool.name].note = f"failed warm-up: {warm.error}"
        if results[tool.name].note:
            print(f"  {package.tables:>5} tables  {tool.name:<10} {results[tool.name].note}", file=sys.stderr)
    for round_ in range(runs):
        shift = round_ % len(active) if active else 0
        for tool in active[shift:] + active[:shift]:
            sample = once(tool)
            results[tool.name].samples.append(sample)
            status = "ok" if sample.ok else sample.error
            print(f"  {package.tables:>5} tables  {tool.name:<10} run {round_ + 1}/{runs}  "
                  f"{sample.seconds:7.3f} s  {sample.peak_rss_mb:7.1f} MB  {status}", file=sys.stderr)
    return list(results.values())


# ------------------------------------------------------------------------------------------- reporting


def _fmt(result: Result | None, attr: str, unit: str, digits: int) -> str:
    if result is None:
        return "-"
    if not result.valid:
        return "FAILED" if result.samples or result.note.startswith("failed") else "skipped"
    values = [getattr(s, attr) for s in result.samples]
    return f"{statistics.median(values):.{digits}f} ({min(values):.{digits}f}-{max(values):.{digits}f}){unit}"


def _ratio(a: float | None, b: float | None) -> str:
    return f"{a / b:.2f}" if a is not None and b else "-"


def print_table(rows: list[list[str]]) -> None:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for n, row in enumerate(rows):
        print("  ".join(cell.rjust(w) for cell, w in zip(row, widths)))
        if n == 0:
            print("  ".join("-" * w for w in widths))


def report(results: list[Result], sizes: list[int], with_cache: bool) -> list[list[str]]:
    """Print medians (min-max) and the ratios; return the ratio rows for the JSON."""
    by = {(r.tables, r.tool): r for r in results}
    head = ["tables", "files", "floor s", "ours s", "existing s"] + (["ours-cache s"] if with_cache else [])
    head += ["ours/floor", "ours/existing", "floor MB", "ours MB", "existing MB", "MB ours/existing"]
    rows = [head]
    for size in sizes:
        get = lambda tool: by.get((size, tool))  # noqa: E731
        med = lambda tool, attr: get(tool).median(attr) if get(tool) else None  # noqa: E731
        files = next((r.files for r in results if r.tables == size), 0)
        row = [str(size), str(files)] + [_fmt(get(t), "seconds", "", 3) for t in ("floor", "ours", "existing")]
        if with_cache:
            row.append(_fmt(get("ours-cache"), "seconds", "", 3))
        row += [_ratio(med("ours", "seconds"), med("floor", "seconds")),
                _ratio(med("ours", "seconds"), med("existing", "seconds"))]
        row += [_fmt(get(t), "peak_rss_mb", "", 0) for t in ("floor", "ours", "existing")]
        row.append(_ratio(med("ours", "peak_rss_mb"), med("existing", "peak_rss_mb")))
        rows.append(row)
    print("\nmedian (min-max) over the timed runs; wall seconds and peak RSS of the child in MB")
    print_table(rows)
    return rows


def check_targets(results: list[Result], sizes: list[int], with_cache: bool) -> list[dict[str, str]]:
    """Evaluate the issue's targets: PASS, FAIL, or n/a when a size or a comparison was not run."""
    by = {(r.tables, r.tool): r for r in results}

    def med(size: int, tool: str, attr: str = "seconds") -> float | None:
        r = by.get((size, tool))
        return r.median(attr) if r else None

    def verdict(name: str, size_needed: list[int], ours: float | None, limit: float | None, shown: str) -> dict:
        if any(s not in sizes for s in size_needed):
            status, detail = "n/a", f"needs --sizes {','.join(map(str, size_needed))}"
        elif ours is None:
            status, detail = "FAIL", "our provider has no valid runs"
        elif limit is None:
            status, detail = "n/a", "no valid runs to compare with"
        else:
            status, detail = ("PASS" if ours <= limit else "FAIL"), shown.format(ours=ours, limit=limit)
        return {"target": name, "status": status, "detail": detail}

    targets = []
    for size in (500, 2000):
        floor = med(size, "floor")
        targets.append(verdict(f"{size} tables: ours <= 1.1 x floor", [size], med(size, "ours"),
                               floor * 1.1 if floor is not None else None, "{ours:.3f} s vs limit {limit:.3f} s"))
    for size in sizes:
        targets.append(verdict(f"{size} tables: peak RSS ours <= existing", [size], med(size, "ours", "peak_rss_mb"),
                               med(size, "existing", "peak_rss_mb"), "{ours:.0f} MB vs {limit:.0f} MB"))
    floor2 = med(2, "floor")
    targets.append(verdict("2 tables: ours within 0.1 s of floor", [2], med(2, "ours"),
                           floor2 + 0.1 if floor2 is not None else None, "{ours:.3f} s vs limit {limit:.3f} s"))
    ours500 = med(500, "ours")
    targets.append(verdict("5000 tables: ours <= 11 x ours at 500", [500, 5000], med(5000, "ours"),
                           ours500 * 11 if ours500 is not None else None, "{ours:.3f} s vs limit {limit:.3f} s"))
    if with_cache:
        cached = by.get((2000, "ours-cache"))
        if cached is not None and cached.note.startswith("skipped"):
            targets.append({"target": "2000 tables: warm cache < 0.15 s", "status": "n/a", "detail": cached.note})
        else:
            targets.append(verdict("2000 tables: warm cache < 0.15 s", [2000], med(2000, "ours-cache"),
                                   CACHE_TARGET_SECONDS, "{ours:.3f} s vs limit {limit:.3f} s"))
    print("\ntargets")
    width = max(len(t["target"]) for t in targets)
    for t in targets:
        print(f"  {t['status']:<4}  {t['target']:<{width}}  {t['detail']}")
    return targets


# ------------------------------------------------------------------------------------------------ main


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    venv_python = REPO / ".venv" / "bin" / "python"
    parser = argparse.ArgumentParser(description="Benchmark atlas-provider (see bench/README.md).")
    parser.add_argument("--sizes", default=",".join(map(str, DEFAULT_SIZES)),
                        help="comma-separated table counts (default: %(default)s)")
    parser.add_argument("--runs", type=int, default=5, help="timed runs per tool and size (default: %(default)s)")
    parser.add_argument("--python", default=str(venv_python if venv_python.exists() else Path(sys.executable)),
                        help="interpreter for our provider and the floor (default: %(default)s)")
    parser.add_argument("--tools", default="floor,ours,existing",
                        help="which of floor,ours,existing to run (default: %(default)s)")
    parser.add_argument("--with-cache", action="store_true",
                        help="also time our provider with --cache after one warming run")
    parser.add_argument("--existing-version", default="0.5.2", help=f"{EXISTING} version (default: %(default)s)")
    parser.add_argument("--work-dir", type=Path, default=BENCH / ".work",
                        help="where model packages are generated (default: bench/.work)")
    parser.add_argument("--timeout", type=float, default=600, help="seconds before a run is killed")
    parser.add_argument("--json", type=Path, help="where to write results (default: bench/results/<timestamp>.json)")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target fails")
    args = parser.parse_args(argv)
    args.sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    args.tools = [t.strip() for t in args.tools.split(",") if t.strip()]
    unknown = set(args.tools) - {"floor", "ours", "existing"}
    if unknown or args.runs < 1 or any(s < 1 for s in args.sizes):
        parser.error(f"bad --tools {sorted(unknown)}" if unknown else "--runs and --sizes must be positive")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    started = time.time()
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(started))
    python = str(Path(args.python).absolute())  # not resolved: a venv's python must keep its own path
    interpreters = {"ours": _probe(python)}

    existing_venv = None
    if "existing" in args.tools:
        try:
            existing_venv = ensure_existing_venv(BENCH / ".venvs" / "existing", python, args.existing_version,
                                                 interpreters["ours"]["sqlalchemy"])
            interpreters["existing"] = _probe(str(existing_venv / "bin" / "python"))
        except subprocess.CalledProcessError as error:
            print(f"note: cannot set up {EXISTING}, measuring without it: {error}")
    tools = [t for t in make_tools(python, existing_venv, args.with_cache)
             if t.name.removesuffix("-cache") in args.tools]

    print(f"{platform.platform()}, {os.cpu_count()} cpus; {args.runs} timed runs per tool after 1 warm-up")
    for name, info in interpreters.items():
        used_by = "ours, floor" if name == "ours" else name
        via = f" via {info['python']}" if info["python"] != info["executable"] else ""
        print(f"  {used_by:<12} {info['executable']}{via} (Python {info['version']}, "
              f"SQLAlchemy {info['sqlalchemy'] or 'missing'})")

    results: list[Result] = []
    for size in args.sizes:
        package = generate(args.work_dir / f"tables_{size}", size)
        print(f"{size} tables in {len(package.modules)} files: {package.models_dir}", file=sys.stderr)
        results += bench_size(package, tools, args.runs, args.timeout)

    for r in results:
        if r.note or not r.valid:
            errors = sorted({s.error for s in r.samples if s.error})
            print(f"note: {r.tool} at {r.tables} tables: {r.note or '; '.join(errors)}")
    ratios = report(results, args.sizes, args.with_cache)
    targets = check_targets(results, args.sizes, args.with_cache)
    elapsed = time.time() - started

    out = args.json or BENCH / "results" / f"{stamp}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({
        "timestamp": stamp,
        "elapsed_seconds": round(elapsed, 1),
        "machine": {"platform": platform.platform(), "cpus": os.cpu_count()},
        "config": {"sizes": args.sizes, "runs": args.runs, "tools": [t.name for t in tools],
                   "existing_version": args.existing_version},
        "interpreters": interpreters,
        "commands": {t.name: t.argv(ModelPackage(Path("<root>"), Path("<models_dir>"), ("<modules>",), 0))
                     for t in tools},
        "results": [r.summary() for r in results],
        "ratios": [dict(zip(ratios[0], row)) for row in ratios[1:]],
        "targets": targets,
    }, indent=2) + "\n")
    print(f"\nwrote {out} ({elapsed:.0f} s)")
    return 1 if args.strict and any(t["status"] == "FAIL" for t in targets) else 0


if __name__ == "__main__":
    sys.exit(main())
