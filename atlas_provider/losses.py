"""What a target cannot express, recorded while adapting, told on stderr, an error under --strict."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field


MAX_LISTED = 8  # one line per kind stays readable; the parity report lists every item


@dataclass(frozen=True, order=True)
class Loss:
    """One thing the model declares that the target leaves out or changes.

    `kind` groups the report ("foreign key", "unique constraint"); `subject` names the object
    ("orders.customer_id -> customers.id"); `reason` says why, once per kind.
    """

    kind: str
    subject: str
    reason: str = ""


@dataclass
class LossReport:
    """The losses of one target, reported one line per kind with counts."""

    dialect: str
    losses: list[Loss] = field(default_factory=list)

    def add(self, kind: str, subject: str, reason: str = "") -> None:
        self.losses.append(Loss(kind, subject, reason))

    def __bool__(self) -> bool:
        return bool(self.losses)

    def lines(self) -> list[str]:
        """`clickhouse: 3 foreign keys left out (ClickHouse has no foreign keys): a, b, c`, sorted."""
        by_kind: dict[tuple[str, str], list[str]] = defaultdict(list)
        for loss in sorted(set(self.losses)):
            by_kind[(loss.kind, loss.reason)].append(loss.subject)
        lines = []
        for (kind, reason), subjects in sorted(by_kind.items()):
            noun = kind if len(subjects) == 1 else _plural(kind)
            why = f" ({reason})" if reason else ""
            shown = ", ".join(subjects[:MAX_LISTED])
            more = f" and {len(subjects) - MAX_LISTED} more" if len(subjects) > MAX_LISTED else ""
            lines.append(f"{self.dialect}: {len(subjects)} {noun} left out{why}: {shown}{more}")
        return lines


def _plural(noun: str) -> str:
    head, _, tail = noun.rpartition(" ")
    word = tail[:-1] + "ies" if tail.endswith("y") and tail[-2:-1] not in "aeiou" else tail + "s"
    if tail.endswith(("s", "x")):
        word = tail + "es"
    return f"{head} {word}".strip()
