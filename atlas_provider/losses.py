"""What a target cannot express, recorded while adapting: an error or a warning by the kind of loss.

Atlas throws a successful program's stderr away, so a warning never reaches an Atlas user. On an
application target, leaving out or weakening something the model declares for integrity (a foreign key,
a unique or partial unique index, a check) would let production accept rows the model forbids, or refuse
rows it allows, without a word: that is an error unless the model excludes the object for the dialect or
the run passes --allow-loss. A loss that changes no row's fate (a comment, a plain index) stays a warning,
and so does everything on the lake, which enforces nothing by design. --strict makes every loss an error.
Severity is a property of the kind, decided here and nowhere else.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field


MAX_LISTED = 8  # one line per kind stays readable; the parity report lists every item

# Kinds whose loss changes no row's fate: speed or documentation only. Every other kind (foreign key,
# unique constraint, unique expression index, partial unique index, check constraint, and any kind not
# listed here) guards integrity on an application target.
# A computed column left out because a column it is computed from is left out (closure.py) guards nothing.
COSMETIC_KINDS = frozenset({"comment", "expression index", "partial index", "index", "collation", "computed column"})
# The lake's warning about a layout a CDC pipeline may lose rows with (dialects/clickhouse/cdc.py).
CDC_RISK = "CDC risk"
# What happened to the object, for the report line; the default is "left out".
WEAKENED_KINDS = {"partial index": "made full", "partial unique index": "made full",
                  CDC_RISK: "printed as the model declares", "PostgreSQL type": "adapted"}


@dataclass(frozen=True, order=True)
class Loss:
    """One thing the model declares that the target leaves out or changes.

    `kind` groups the report ("foreign key", "unique constraint"); `subject` names the object
    ("orders.customer_id -> customers.id"); `reason` says why, once per kind.
    """

    kind: str
    subject: str
    reason: str = ""


@dataclass(frozen=True, order=True)
class Rewrite:
    """Text of the model printed in another form of the same meaning, so the database reads it back unchanged."""

    subject: str  # "check tickets.ck_status", "partial index tickets.ix_open"
    before: str
    after: str
    reason: str

    def line(self) -> str:
        return f"{self.subject}: printed as {self.after} (the model says {self.before}): {self.reason}"


@dataclass
class LossReport:
    """The losses of one target, reported one line per kind with counts."""

    dialect: str
    losses: list[Loss] = field(default_factory=list)
    enforcing: bool = True  # an application target; False for the lake, where every loss is a warning
    notes: list[str] = field(default_factory=list)  # not losses: what Atlas will not carry over
    rewrites: list[Rewrite] = field(default_factory=list)  # not losses: the same meaning, in a stable form

    def add(self, kind: str, subject: str, reason: str = "") -> None:
        self.losses.append(Loss(kind, subject, reason))

    def note(self, text: str) -> None:
        """Something the output does that Atlas will not carry into a migration (a trigger, say)."""
        if text not in self.notes:
            self.notes.append(text)

    def rewrite(self, subject: str, before: str, after: str, reason: str) -> None:
        """The model's `before` is printed as `after`, which means the same (`reason`: why)."""
        found = Rewrite(subject, before, after, reason)
        if found not in self.rewrites:
            self.rewrites.append(found)

    def __bool__(self) -> bool:
        return bool(self.losses)

    def blocking(self) -> list[Loss]:
        """The losses that fail the run unless --allow-loss: integrity kinds on an application target."""
        if not self.enforcing:
            return []
        return sorted({loss for loss in self.losses if loss.kind not in COSMETIC_KINDS})

    def error_message(self) -> str:
        """One line naming every blocking loss and the two ways on."""
        blocking = self.blocking()
        what = "; ".join(line.split(": ", 1)[1] for line in LossReport(self.dialect, blocking).lines())
        return (f"{what}; the database would not enforce what the model declares. Exclude it for this dialect in "
                f"the model (info={{\"atlas\": {{\"exclude\": [\"{self.dialect}\"]}}}}) or pass --allow-loss")

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
            verb = WEAKENED_KINDS.get(kind, "left out")
            lines.append(f"{self.dialect}: {len(subjects)} {noun} {verb}{why}: {shown}{more}")
        return (lines + [f"{self.dialect}: {rewrite.line()}" for rewrite in sorted(self.rewrites)]
                + [f"{self.dialect}: {note}" for note in self.notes])


def _plural(noun: str) -> str:
    head, _, tail = noun.rpartition(" ")
    word = tail[:-1] + "ies" if tail.endswith("y") and tail[-2:-1] not in "aeiou" else tail + "s"
    if tail.endswith(("s", "x")):
        word = tail + "es"
    return f"{head} {word}".strip()
