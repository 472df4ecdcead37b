"""The whole journal, built from the event log, and its trial balance.

:func:`build_journal` walks decoded events in log order. It learns each project's code and its
program's matching source and display names from the ``Program``/``Project`` creation events, and
turns each project event into entries with :func:`projections.double_entry.entries_for_event`.
The trial balance (debits minus credits per account) nets to exactly zero for the whole ledger
and for every project, because every entry does: :func:`check_trial_balance` says so or lists
what is wrong (it is called by the tests and by ``ledger audit verify``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from uuid import UUID

from ledger.programs import Program, program_id
from ledger.project import Project
from projections.double_entry import ZERO, JournalEntry, ProjectRef, entries_for_event

PAGE_SIZE = 1000
JOURNAL_TOPICS_PREFIXES = ("ledger.project:Project.", "ledger.programs:Program.")


@dataclass
class _ProgramInfo:
    matching_source: str | None
    source_names: dict[str, str]
    category_names: dict[str, str]


@dataclass
class Journal:
    """Entries in log order, and per project its reference data and its events (for replays)."""

    entries: list[JournalEntry] = field(default_factory=list)
    projects: dict[str, ProjectRef] = field(default_factory=dict)
    project_events: dict[str, list[Any]] = field(default_factory=dict)

    def for_project(self, code: str) -> list[JournalEntry]:
        return [e for e in self.entries if e.project_code == code]


def _matching_source(settings: dict[str, Any]) -> str | None:
    matching = settings.get("matching")
    return matching.get("source") if isinstance(matching, dict) else None


def build_journal(events: Iterable[tuple[int, Any]], project_code: str | None = None) -> Journal:
    """The journal of ``events`` (``(position, event)`` in log order); one project's only when
    ``project_code`` is given."""
    journal = Journal()
    programs: dict[str, _ProgramInfo] = {}
    refs: dict[UUID, ProjectRef] = {}
    for position, event in events:
        if isinstance(event, Program.Defined):
            programs[event.code] = _ProgramInfo(
                _matching_source(event.settings),
                {s["code"]: s["name"] for s in event.sources},
                {c["code"]: c["name"] for c in event.categories},
            )
        elif isinstance(event, Program.SettingsChanged):
            code = _program_code_of(programs, event.originator_id)
            if code is not None and "matching" in event.changes:
                programs[code].matching_source = _matching_source(event.changes)
        elif isinstance(event, Project.Registered):
            info = programs.get(event.program)
            ref = ProjectRef(event.code)
            if info is not None:
                ref = ProjectRef(event.code, info.matching_source, dict(info.source_names),
                                 dict(info.category_names))
            refs[event.originator_id] = ref
            if project_code in (None, event.code):
                journal.projects[event.code] = ref
                journal.project_events[event.code] = [event]
        elif isinstance(event, Project.Event):
            ref = refs.get(event.originator_id)
            if ref is None or ref.code not in journal.projects:
                continue
            journal.project_events[ref.code].append(event)
            for entry in entries_for_event(event, ref):
                entry.meta["position"] = position
                journal.entries.append(entry)
    return journal


def _program_code_of(programs: dict[str, _ProgramInfo], originator_id: UUID) -> str | None:
    """The code of the program a ``SettingsChanged`` belongs to (programs have uuid5 ids)."""
    return next((code for code in programs if program_id(code) == originator_id), None)


def iter_log(app: Any, *, page_size: int = PAGE_SIZE) -> Iterator[tuple[int, Any]]:
    """Every program and project event of ``app`` as ``(position, event)``, in log order."""
    topics = _journal_topics()
    start = 1
    while True:
        page = app.recorder.select_notifications(start=start, limit=page_size, topics=topics)
        for notification in page:
            yield notification.id, app.mapper.to_domain_event(notification)
        if len(page) < page_size:
            return
        start = page[-1].id + 1


def _journal_topics() -> list[str]:
    classes: list[type] = [Program.Defined, Program.SettingsChanged]
    classes += [cls for cls in vars(Project).values()
                if isinstance(cls, type) and issubclass(cls, Project.Event)]
    return sorted({f"{cls.__module__}:{cls.__qualname__}" for cls in classes})


def read_journal(app: Any, project_code: str | None = None) -> Journal:
    """The journal of the ledger application ``app`` (or of one of its projects)."""
    return build_journal(iter_log(app), project_code)


def trial_balance(entries: Iterable[JournalEntry]) -> dict[str, Decimal]:
    """Balance per account (debits positive, credits negative), accounts sorted by name."""
    totals: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for entry in entries:
        for posting in entry.postings:
            totals[posting.account] += posting.amount
    return dict(sorted(totals.items()))


def check_trial_balance(journal: Journal) -> list[str]:
    """Problems with the double-entry invariants, empty when debits equal credits everywhere:
    per entry, per project and for the whole ledger."""
    problems = [
        f"entry at position {e.meta.get('position')} ({e.kind}) is off by {e.imbalance}"
        for e in journal.entries
        if e.imbalance != ZERO
    ]
    for code in journal.projects:
        net = sum(trial_balance(journal.for_project(code)).values(), ZERO)
        if net != ZERO:
            problems.append(f"trial balance of project {code} nets to {net}, not 0.00")
    net = sum(trial_balance(journal.entries).values(), ZERO)
    if net != ZERO:
        problems.append(f"trial balance of the ledger nets to {net}, not 0.00")
    return problems
