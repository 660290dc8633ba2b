"""Print the medians, the ratios and the targets of a benchmark run; return them for the JSON."""

from __future__ import annotations

import statistics
from functools import partial

from measure import Result

OVERHEAD_LIMIT = 1.0  # at 500 and 2,000 tables, ours (child process included) may not take longer than the floor


def _median(by: dict[tuple[int, str], Result], size: int, tool: str, attr: str = "seconds") -> float | None:
    result = by.get((size, tool))
    return result.median(attr) if result else None


def _fmt(result: Result | None, attr: str, digits: int) -> str:
    if result is None:
        return "-"
    if not result.valid:
        return "FAILED" if result.samples or result.note.startswith("failed") else "skipped"
    values = [getattr(s, attr) for s in result.samples]
    return f"{statistics.median(values):.{digits}f} ({min(values):.{digits}f}-{max(values):.{digits}f})"


def _ratio(a: float | None, b: float | None) -> str:
    return f"{a / b:.2f}" if a is not None and b else "-"


def print_table(rows: list[list[str]]) -> None:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for n, row in enumerate(rows):
        print("  ".join(cell.rjust(w) for cell, w in zip(row, widths, strict=True)))
        if n == 0:
            print("  ".join("-" * w for w in widths))


def report(results: list[Result], sizes: list[int]) -> list[list[str]]:
    """Print medians (min-max) and the ratios; return the ratio rows for the JSON."""
    by = {(r.tables, r.tool): r for r in results}
    med = partial(_median, by)
    head = ["tables", "files", "floor s", "ours s", "existing s"]
    head += ["ours/floor", "ours/existing", "floor MB", "ours MB", "existing MB", "MB ours/existing"]
    rows = [head]
    for size in sizes:
        files = next((r.files for r in results if r.tables == size), 0)
        timed = ("floor", "ours", "existing")
        row = [str(size), str(files)] + [_fmt(by.get((size, t)), "seconds", 3) for t in timed]
        row += [
            _ratio(med(size, "ours", "seconds"), med(size, "floor", "seconds")),
            _ratio(med(size, "ours", "seconds"), med(size, "existing", "seconds")),
        ]
        row += [_fmt(by.get((size, t)), "peak_rss_mb", 0) for t in ("floor", "ours", "existing")]
        row.append(_ratio(med(size, "ours", "peak_rss_mb"), med(size, "existing", "peak_rss_mb")))
        rows.append(row)
    print("\nmedian (min-max) over the timed runs; wall seconds and peak RSS of the child in MB")
    print_table(rows)
    return rows


def check_targets(results: list[Result], sizes: list[int]) -> list[dict[str, str]]:
    """Evaluate the issue's targets: PASS, FAIL, or n/a when a size or a comparison was not run."""
    by = {(r.tables, r.tool): r for r in results}
    med = partial(_median, by)

    def verdict(
        name: str, needs: list[int], ours: float | None, limit: float | None, shown: str
    ) -> dict[str, str]:
        if any(s not in sizes for s in needs):
            status, detail = "n/a", f"needs --sizes {','.join(map(str, needs))}"
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
        targets.append(
            verdict(
                f"{size} tables: ours <= {OVERHEAD_LIMIT:g} x floor",
                [size],
                med(size, "ours"),
                floor * OVERHEAD_LIMIT if floor is not None else None,
                "{ours:.3f} s vs limit {limit:.3f} s",
            )
        )
    for size in sizes:
        targets.append(
            verdict(
                f"{size} tables: peak RSS ours <= existing",
                [size],
                med(size, "ours", "peak_rss_mb"),
                med(size, "existing", "peak_rss_mb"),
                "{ours:.1f} MB vs {limit:.1f} MB",
            )
        )
    floor2 = med(2, "floor")
    targets.append(
        verdict(
            "2 tables: ours within 0.1 s of floor",
            [2],
            med(2, "ours"),
            floor2 + 0.1 if floor2 is not None else None,
            "{ours:.3f} s vs limit {limit:.3f} s",
        )
    )
    ours500 = med(500, "ours")
    floor500, floor5000 = med(500, "floor"), med(5000, "floor")
    # the two sizes run minutes apart, so show the floor's own growth as a yardstick for machine noise
    floor_growth = f" (floor grew {floor5000 / floor500:.1f}x)" if floor500 and floor5000 else ""
    targets.append(
        verdict(
            "5000 tables: ours <= 11 x ours at 500",
            [500, 5000],
            med(5000, "ours"),
            ours500 * 11 if ours500 is not None else None,
            "{ours:.3f} s vs limit {limit:.3f} s" + floor_growth,
        )
    )
    print("\ntargets")
    width = max(len(t["target"]) for t in targets)
    for t in targets:
        print(f"  {t['status']:<4}  {t['target']:<{width}}  {t['detail']}")
    return targets
