"""``ledger audit verify``: does the stored history still say what was recorded?

Three independent checks, each reporting findings with the log position they concern:

1. **Chain** — every stored event is read raw (``select_notifications``: the bytes as stored) and
   its link recomputed. Stored chain row n must equal ``link(prev_hash_n, canonical(event n))``
   (an edited event fails here, at its own position), ``prev_hash_n`` must equal the previous
   row's hash (a removed chain row fails here), and every chain row must still have its event
   (a deleted event, or a truncated log whose chain rows remain, fails here). Gaps in positions
   are normal (rolled-back transactions use up sequence values) and are not findings.
2. **Expected head** — ``POSITION:HASH`` published earlier (``ledger audit head``) must be
   reproduced by the chain recomputed from genesis *from the events alone*; this catches a
   truncated log even when its chain rows were removed too, and a chain rewritten to match
   tampered events.
3. **Projections** — every read model is rebuilt from the events in a scratch area
   (:mod:`projections.audit_scratch`) to the live model's position and compared row by row.

Plus: every snapshot equals the replay of its events (:mod:`projections.audit_snapshots`), and
the double-entry invariants (:func:`projections.double_entry_journal.check_trial_balance`).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from typing import Any

from projections.audit_canonical import GENESIS, UnreadableEvent, link, notification_bytes
from projections.audit_chain import AuditChain

PAGE = 1000
MAX_ROW_FINDINGS = 1000


@dataclass
class Finding:
    """One thing found wrong; ``position`` is the log position it concerns (None: not one)."""

    check: str
    kind: str
    position: int | None
    detail: str
    row: dict[str, Any] | None = None


@dataclass
class VerifyReport:
    """The outcome of a verification: ``ok`` only when nothing at all was found."""

    events_checked: int = 0
    chain_head: tuple[int, str] | None = None
    recomputed_head: tuple[int, str] | None = None
    unchained_events: int = 0
    projections_compared: list[str] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.findings

    @property
    def first_broken_position(self) -> int | None:
        positions = [f.position for f in self.findings if f.position is not None]
        return min(positions) if positions else None

    def to_dict(self) -> dict[str, Any]:
        def head(value: tuple[int, str] | None) -> str | None:
            return None if value is None else f"{value[0]}:{value[1]}"

        return {
            "ok": self.ok,
            "events_checked": self.events_checked,
            "chain_head": head(self.chain_head),
            "recomputed_head": head(self.recomputed_head),
            "unchained_events": self.unchained_events,
            "first_broken_position": self.first_broken_position,
            "projections_compared": self.projections_compared,
            "findings": [asdict(f) for f in self.findings],
        }


def parse_head(text: str) -> tuple[int, str]:
    """``"POSITION:HASH"`` → ``(position, hash)``; ValueError when malformed."""
    position, sep, hash_ = text.strip().partition(":")
    if (not sep or not position.isdigit() or len(hash_) != 64
            or any(c not in "0123456789abcdefABCDEF" for c in hash_)):
        raise ValueError(f"expected POSITION:HASH (64 hex digits), got {text!r}")
    return int(position), hash_.lower()


def _notifications(app: Any) -> Iterator[Any]:
    start = 0
    while True:
        page = app.recorder.select_notifications(start=start, limit=PAGE, inclusive_of_start=False)
        yield from page
        if len(page) < PAGE:
            return
        start = page[-1].id


def verify_chain(app: Any, chain: AuditChain, report: VerifyReport,
                 expected_head: tuple[int, str] | None = None) -> None:
    """Checks 1 and 2 (see the module docstring); findings are added to ``report``."""
    stored = chain.rows()
    row = next(stored, None)
    last_row_hash = GENESIS
    recomputed = GENESIS
    seen_head = False

    def add(kind: str, position: int | None, detail: str) -> None:
        report.findings.append(Finding("chain", kind, position, detail))

    def check_link(position: int, hash_: str, prev: str) -> None:
        nonlocal last_row_hash
        if prev != last_row_hash:
            add("chain-link-broken", position, f"prev_hash of chain row {position} is not the "
                "hash of the row before it: a chain row was removed or rewritten")
        last_row_hash = hash_

    for notification in _notifications(app):
        position = notification.id
        while row is not None and row[0] < position:
            check_link(*row)
            add("event-missing", row[0], f"the chain covers position {row[0]} but no stored "
                "event has it: the event was deleted")
            row = next(stored, None)
        report.events_checked += 1
        try:
            canonical = notification_bytes(notification, app.mapper)
        except UnreadableEvent as error:
            add("event-unreadable", position, f"stored event {position} cannot be read: {error}")
            canonical = bytes(notification.state)
        recomputed = link(recomputed, canonical)
        report.recomputed_head = (position, recomputed)
        if expected_head is not None and position == expected_head[0]:
            seen_head = True
            if recomputed != expected_head[1]:
                add("head-mismatch", position, f"the events recomputed up to position {position} "
                    f"give {recomputed}, not the expected head {expected_head[1]}")
        if row is not None and row[0] == position:
            check_link(*row)
            if link(row[2], canonical) != row[1]:
                add("event-changed", position, f"stored event {position} no longer matches its "
                    "chain hash: its stored data was changed")
            report.chain_head = (row[0], row[1])
            row = next(stored, None)
        elif row is not None:
            # Behind a later chain row yet without its own: inserted out of band, or its chain
            # row deleted. Events after the last chain row are simply not chained yet.
            add("chain-row-missing", position, f"stored event {position} has no chain row")
        else:
            report.unchained_events += 1
    while row is not None:
        check_link(*row)
        add("event-missing", row[0], f"the chain covers position {row[0]} but no stored event "
            "has it: the log was truncated or the event deleted")
        report.chain_head = (row[0], row[1])
        row = next(stored, None)
    if expected_head is not None and not seen_head:
        last = report.recomputed_head[0] if report.recomputed_head else 0
        add("head-missing", expected_head[0], f"no stored event at the expected head position "
            f"{expected_head[0]} (the log ends at {last}): the log was truncated or the event "
            "deleted")


def verify(app: Any, database_url: str, *, expected_head: tuple[int, str] | None = None,
           projections: bool = True, chain: AuditChain | None = None) -> VerifyReport:
    """Run every check against the ledger ``app`` and its read-model database; never writes to
    the live tables (the projections are rebuilt in a scratch area that is removed after)."""
    from projections.double_entry_journal import check_trial_balance, read_journal

    report = VerifyReport()
    own_chain = chain is None
    chain = chain or AuditChain(app, database_url)
    try:
        verify_chain(app, chain, report, expected_head)
    finally:
        if own_chain:
            chain.close()
    from projections.audit_snapshots import verify_snapshots

    verify_snapshots(app, report)
    for problem in check_trial_balance(read_journal(app)):
        report.findings.append(Finding("double-entry", "trial-balance", None, problem))
    if projections:
        from projections.audit_scratch import compare_projections

        compare_projections(app, database_url, report)
    return report
