"""The execution engine under the application service.

Every write goes through :meth:`LedgerEngine._execute`, which gives the command
- idempotency: a record aggregate with id uuid5(organisation, key) saved in the same transaction
  as the posting, so a retried request never posts twice and a reused key is detected;
- uniqueness by claim aggregates (voucher, asset number) in the same transaction;
- per-project serialisation inside the process and bounded, jittered retry on optimistic
  concurrency conflicts across processes;
- translation of library errors into domain errors.
"""

from __future__ import annotations

import hashlib
import json
import random
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any, ClassVar
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Application
from eventsourcing.domain import Aggregate, Snapshot
from eventsourcing.persistence import (
    IntegrityError,
    InterfaceError,
    JSONTranscoder,
    OperationalError,
)

from ledger import errors
from ledger.claims import (
    IdempotencyRecord,
    idempotency_record_id,
)
from ledger.context import SYSTEM, CommandContext
from ledger.group_commit import group_committer
from ledger.history import replay_project
from ledger.locks import StripedLocks
from ledger.money import MoneyError, positive_money
from ledger.programs import SEED_PROGRAMS, Program, ProgramRules, program_id
from ledger.project import Project, project_id
from ledger.saving import AggregateProcessingEvent, snapshots_due
from ledger.store import position_of
from ledger.tranches import PoolAsDict, TrancheAsDict
from ledger.transcodings import DateAsISO
from ledger.validation import check_arguments

MAX_ATTEMPTS = 12


def backoff(attempt: int) -> None:
    """Sleep before retrying a conflicting write: full jitter, exponential, capped at 0.25 s.

    Conflicts across processes on one hot account need the writers to spread out; a fixed
    short pause makes them collide again (measured: 409s at 16 clients with 1-4 ms pauses).
    """
    time.sleep(random.uniform(0, min(0.25, 0.002 * 2**attempt)))


@dataclass
class Outcome:
    """What a command decided: its result, the aggregate whose new event is "the posting"
    (its log position is the result's ``position``) and the claims it makes."""

    result: dict[str, Any]
    subject: Aggregate
    claims: list[tuple[UUID, errors.DomainError]] = field(default_factory=list)


class Changes:
    """The aggregates one command (or one atomic batch) loads or creates, saved together.

    Loading the same id twice returns the same object, so several operations of an atomic batch
    on one project see each other's effects before the single ``save()``.
    """

    def __init__(self, app: LedgerEngine, *, optimistic: bool = False) -> None:
        self._app = app
        self._aggregates: dict[UUID, Aggregate] = {}
        # Optimistic: claims are not looked up before the save; the store's unique key
        # rejects a duplicate and the caller then decides again with look-ups on.
        self.optimistic = optimistic

    def get(self, aggregate_id: UUID) -> Any:
        if aggregate_id not in self._aggregates:
            self._aggregates[aggregate_id] = self._app.repository.get(aggregate_id)
        return self._aggregates[aggregate_id]

    def find(self, aggregate_id: UUID) -> Any | None:
        try:
            return self.get(aggregate_id)
        except AggregateNotFoundError:
            return None

    def exists(self, aggregate_id: UUID) -> bool:
        """Whether an aggregate is staged here or stored (a claim check: one indexed read)."""
        if aggregate_id in self._aggregates:
            return True
        return not self.optimistic and self._app._first_event(aggregate_id) is not None

    def add(self, aggregate: Aggregate) -> None:
        self._aggregates[aggregate.id] = aggregate

    def pending(self) -> list[Aggregate]:
        return [a for a in self._aggregates.values() if a.pending_events]


def _canonical(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _canonical(v) for k, v in sorted(value.items())}
    if isinstance(value, (list, tuple)):
        return [_canonical(v) for v in value]
    if isinstance(value, (Decimal, UUID)):
        return str(value)
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return value


def fingerprint(command: str, args: dict[str, Any]) -> str:
    """Identity of a request for idempotency: the command and its parsed arguments."""
    payload = json.dumps([command, _canonical(args)], ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(payload.encode()).hexdigest()


def amount_arg(field_name: str, value: Any) -> Decimal:
    """Parse a posting amount, reporting a bad one as a field error."""
    try:
        return positive_money(value)
    except MoneyError as error:
        raise errors.FieldError(field_name, str(error)) from None


@dataclass
class Staged:
    """A decided command awaiting its save: the result to return, the event whose position the
    result reports, and the claims to blame if the save hits a duplicate key."""

    result: dict[str, Any]
    subject_event: Any
    claims: list[tuple[UUID, errors.DomainError]]


@dataclass
class AtomicBatch:
    """The commands of one atomic batch, decided against shared ``changes``."""

    changes: Changes
    staged: list[Staged] = field(default_factory=list)
    indexes: list[int] = field(default_factory=list)
    index: int = 0
    recorded: dict[UUID, tuple[str, dict[str, Any]]] = field(default_factory=dict)
    rules: dict[str, Any] = field(default_factory=dict)

    def stage(
        self,
        engine: LedgerEngine,
        ctx: CommandContext,
        command: str,
        print_: str,
        record_id: UUID | None,
        decide: Callable[[Changes], Outcome],
    ) -> dict[str, Any]:
        if record_id is not None:
            if record_id in self.recorded:  # the same key twice in one batch
                first_print, first_result = self.recorded[record_id]
                if first_print != print_:
                    raise errors.IdempotencyKeyReused(
                        f"Idempotency key {ctx.idempotency_key!r} is used twice in this batch "
                        "for different requests."
                    )
                return {**first_result, "replayed": True}
            replay = None if self.changes.optimistic else engine._replay(record_id, print_)
            if replay is not None:
                return replay
        staged = engine._stage(ctx, command, print_, self.changes, decide)
        self.staged.append(staged)
        self.indexes.append(self.index)
        if record_id is not None:
            self.recorded[record_id] = (print_, staged.result)
        return staged.result

    def indexed_claims(self) -> list[tuple[int, list[tuple[UUID, errors.DomainError]]]]:
        return [(i, s.claims) for i, s in zip(self.indexes, self.staged)]


def _without_zero_cache_size(env: dict[str, str] | None) -> dict[str, str] | None:
    """``AGGREGATE_CACHE_MAXSIZE=0`` means "no cache" here; the library reads 0 as *unbounded*."""
    if env is None:
        return None
    return {key: "" if key.endswith("AGGREGATE_CACHE_MAXSIZE") and value.strip() == "0"
            else value for key, value in env.items()}


class LedgerEngine(Application):
    """Infrastructure of the application: idempotency, retries, locks, reference reads."""

    name = "ledger"
    snapshotting_intervals: ClassVar[dict[Any, int]] = {Project: 200, Program: 200}
    env: ClassVar[dict[str, str]] = {
        "AGGREGATE_CACHE_MAXSIZE": "10000",
        "AGGREGATE_CACHE_FASTFORWARD": "y",
        "DEEPCOPY_FROM_AGGREGATE_CACHE": "y",
    }

    def __init__(
        self,
        env: dict[str, str] | None = None,
        *,
        today: Callable[[], date] | None = None,
        seed: bool = True,
    ) -> None:
        super().__init__(_without_zero_cache_size(env))
        self.today = today or (lambda: datetime.now(UTC).date())
        self._locks = StripedLocks()
        self._local = threading.local()
        self._rules_cache: dict[str, tuple[int, ProgramRules]] = {}
        self._group = group_committer(self)  # concurrent saves share a transaction (GROUP_COMMIT)
        if seed:
            self.seed_programs()

    def save(self, *objs: Any, **kwargs: Any) -> Any:
        """``Application.save()`` with the cheaper collection and snapshots of
        :mod:`ledger.saving` (same events, same order, same snapshot state)."""
        processing_event = AggregateProcessingEvent()
        processing_event.collect_events(*objs, **kwargs)
        recordings = self._record(processing_event)
        self._take_snapshots(processing_event)
        self._notify(recordings)
        return recordings

    def _take_snapshots(self, processing_event: Any) -> None:
        if self.snapshots is not None and self.snapshotting_intervals:
            due = snapshots_due(
                processing_event, self.snapshotting_intervals, self.snapshot_class or Snapshot
            )
            if due:
                self.snapshots.put(due)

    def register_transcodings(self, transcoder: JSONTranscoder) -> None:
        super().register_transcodings(transcoder)
        transcoder.register(DateAsISO())
        transcoder.register(TrancheAsDict())
        transcoder.register(PoolAsDict())

    # --- the execution engine ------------------------------------------------------------------

    def _execute(
        self,
        ctx: CommandContext,
        command: str,
        args: dict[str, Any],
        lock_keys: Iterable[Any],
        decide: Callable[[Changes], Outcome],
    ) -> dict[str, Any]:
        check_arguments(args)
        print_ = fingerprint(command, args)
        record_id = (
            idempotency_record_id(ctx.actor.organisation, ctx.idempotency_key)
            if ctx.idempotency_key
            else None
        )
        batch: AtomicBatch | None = getattr(self._local, "batch", None)
        if batch is not None:
            return batch.stage(self, ctx, command, print_, record_id, decide)
        keys = list(lock_keys)
        for attempt in range(MAX_ATTEMPTS):
            staged: Staged | None = None
            # The first attempt looks nothing up beyond the account itself: a replayed key or a
            # taken claim makes the save fail on the store's unique key, and is answered then.
            optimistic = attempt == 0
            try:
                if record_id is not None and not optimistic:
                    replay = self._replay(record_id, print_)
                    if replay is not None:
                        return replay
                with self._locks.hold(*keys):
                    changes = Changes(self, optimistic=optimistic)
                    staged = self._stage(ctx, command, print_, changes, decide)
                    self._save_staged(changes, [staged])
                    return staged.result
            except IntegrityError:
                if record_id is not None:
                    replay = self._replay(record_id, print_)
                    if replay is not None:
                        return replay
                if staged is not None:
                    self._raise_claim_taken(staged.claims)
                if not optimistic:
                    backoff(attempt)
            except errors.DomainError:
                # A concurrent request with the same key may have been posted between our
                # look-up and our decision, and changed what this one sees (its voucher is
                # taken, its funds are spent): answer with that first result, not the error.
                if record_id is not None:
                    replay = self._replay(record_id, print_)
                    if replay is not None:
                        return replay
                raise
            except (OperationalError, InterfaceError) as error:
                raise errors.StoreUnavailable(
                    "The event store cannot be reached; retry the request shortly."
                ) from error
        raise errors.ConcurrentUpdate(
            f"The account kept changing concurrently; {command} was not posted after "
            f"{MAX_ATTEMPTS} attempts. Retry the request."
        )

    def _on_project(
        self,
        ctx: CommandContext,
        command: str,
        args: dict[str, Any],
        method: str,
        *,
        with_rules: bool = False,
    ) -> dict[str, Any]:
        """A use case that is one ``Project`` command: load the project named by
        ``args["project_code"]``, call ``method`` with the other arguments, report them back."""
        code = args["project_code"]
        arguments = {k: v for k, v in args.items() if k != "project_code"}

        def decide(changes: Changes) -> Outcome:
            project = self._project(changes, code)
            if with_rules:
                arguments["rules"] = self.program_rules(project.program)
            getattr(project, method)(meta=ctx.event_meta(), **arguments)
            return Outcome({**args}, project)

        return self._execute(ctx, command, args, [project_id(code)], decide)

    def _stage(
        self,
        ctx: CommandContext,
        command: str,
        print_: str,
        changes: Changes,
        decide: Callable[[Changes], Outcome],
    ) -> Staged:
        """Decide a command against ``changes`` and add its idempotency record; nothing saved."""
        outcome = decide(changes)
        pending = outcome.subject.pending_events
        subject_event = pending[-1] if pending else None
        result = dict(outcome.result)
        if subject_event is not None:
            result["recorded_at"] = subject_event.timestamp
        if ctx.idempotency_key:
            changes.add(
                IdempotencyRecord.record(
                    meta=ctx.event_meta(),
                    booked_on=self.today(),
                    organisation=ctx.actor.organisation,
                    key=ctx.idempotency_key,
                    command=command,
                    fingerprint=print_,
                    result=dict(result),
                    subject_id=subject_event.originator_id if subject_event else None,
                    subject_version=subject_event.originator_version if subject_event else None,
                )
            )
        result["position"] = None
        return Staged(result, subject_event, outcome.claims)

    def _save_staged(self, changes: Changes, staged: list[Staged]) -> None:
        """One ``save()`` (one transaction) for everything staged; fills in the positions."""
        to_save = changes.pending()
        if not to_save:
            recordings = []
        elif self._group is not None:
            recordings = self._group.save(to_save)
        else:
            recordings = self.save(*to_save)
        positions = {id(r.domain_event): r.notification.id for r in recordings}
        for item in staged:
            if item.subject_event is not None:
                item.result["position"] = positions.get(id(item.subject_event))

    def run_atomic(self, operations: Sequence[Callable[[], dict[str, Any]]]) -> list[dict[str, Any]]:
        """Run several use-case calls as one transaction: all are posted or none.

        Each operation is a zero-argument callable invoking a use-case method (with its own
        context and idempotency key). Operations see the effects of earlier ones in the batch.
        A failing operation raises :class:`errors.BatchOperationFailed` naming its index.
        """
        for attempt in range(MAX_ATTEMPTS):
            optimistic = attempt == 0  # see _execute: look-ups only after a failed save
            batch = AtomicBatch(Changes(self, optimistic=optimistic))
            self._local.batch = batch
            try:
                results = []
                for index, operation in enumerate(operations):
                    batch.index = index
                    try:
                        results.append(operation())
                    except errors.DomainError as error:
                        if optimistic:
                            break  # perhaps a replay: decide again with look-ups
                        raise errors.BatchOperationFailed(index, error) from error
            finally:
                self._local.batch = None
            if len(results) < len(operations):
                continue
            try:
                self._save_staged(batch.changes, batch.staged)
                return results
            except IntegrityError:
                if optimistic:
                    continue  # decide again with look-ups: replays and taken claims show up
                for index, item in batch.indexed_claims():
                    try:
                        self._raise_claim_taken(item)
                    except errors.DomainError as error:
                        raise errors.BatchOperationFailed(index, error) from error
                backoff(attempt)
            except (OperationalError, InterfaceError) as error:
                raise errors.StoreUnavailable(
                    "The event store cannot be reached; retry the request shortly."
                ) from error
        raise errors.ConcurrentUpdate(
            f"Accounts kept changing concurrently; the batch was not posted after "
            f"{MAX_ATTEMPTS} attempts. Retry the request."
        )

    def _first_event(self, aggregate_id: UUID) -> Any | None:
        """The creation event of an aggregate, or None: one indexed read, no snapshot query.

        Claims and idempotency records have exactly one event and are never snapshotted, so
        this is all that existence checks and replays need.
        """
        stored = self.recorder.select_events(aggregate_id, limit=1)
        return self.mapper.to_domain_event(stored[0]) if stored else None

    def _replay(self, record_id: UUID, print_: str) -> dict[str, Any] | None:
        record = self._first_event(record_id)
        if record is None:
            return None
        if record.fingerprint != print_:
            raise errors.IdempotencyKeyReused(
                f"Idempotency key {record.key!r} was already used for a different request "
                f"({record.command}); use a new key for a new posting.",
            )
        result = dict(record.result)
        result["position"] = (
            position_of(self.recorder, record.subject_id, record.subject_version)
            if record.subject_id is not None and record.subject_version is not None
            else None
        )
        result["replayed"] = True
        return result

    def _raise_claim_taken(self, claims: list[tuple[UUID, errors.DomainError]]) -> None:
        for claim_id, error in claims:
            if self._first_event(claim_id) is not None:
                raise error

    # --- reference data -------------------------------------------------------------------------

    def seed_programs(self) -> None:
        """Define the two programs of domain.md §2 unless they exist (idempotent, race-safe)."""
        for definition in SEED_PROGRAMS:
            if program_id(definition["code"]) in self.repository:
                continue
            program = Program.define(
                meta=CommandContext(SYSTEM).event_meta(), booked_on=self.today(), **definition
            )
            try:
                self.save(program)
            except IntegrityError:
                pass  # another process seeded it first

    def program_rules(self, code: str) -> ProgramRules:
        """The program's current rules; rebuilt only when the program has a new event."""
        batch: AtomicBatch | None = getattr(self._local, "batch", None)
        if batch is not None and code in batch.rules:
            return batch.rules[code]  # type: ignore[no-any-return]
        rules = self._current_rules(code)
        if batch is not None:
            batch.rules[code] = rules
        return rules

    def _current_rules(self, code: str) -> ProgramRules:
        program = self.get_program(code, copy=False)  # only read: no deep copy of the cache
        cached = self._rules_cache.get(code)
        if cached is None or cached[0] != program.version:
            cached = (program.version, program.rules())
            self._rules_cache[code] = cached
        return cached[1]

    def get_program(self, code: str, *, copy: bool = True) -> Program:
        try:
            return self.repository.get(program_id(code), deepcopy_from_cache=copy)
        except AggregateNotFoundError:
            raise errors.NotFound(f"Program {code} does not exist.", program=code) from None

    def get_project(self, code: str) -> Project:
        try:
            return self.repository.get(project_id(code))
        except AggregateNotFoundError:
            raise errors.NotFound(f"Project {code} does not exist.", project=code) from None

    def _project(self, changes: Changes, code: str) -> Project:
        project = changes.find(project_id(code))
        if project is None:
            raise errors.NotFound(f"Project {code} does not exist.", project=code)
        return project

    def project_codes(self, program: str) -> list[str]:
        return list(self.get_program(program).project_codes)

    # --- history (auditors, as-of reads) --------------------------------------------------------

    def project_events(self, code: str) -> list[Any]:
        """Every event of a project's account, in order."""
        return list(self.events.get(self.get_project(code).id))

    def project_as_of(
        self, code: str, *, as_of: date | None = None, recorded_before: datetime | None = None
    ) -> Project:
        """The account as it stood at a business date and/or before a recorded time.

        Before the project was recorded it did not exist: that is :class:`errors.NotFound`.
        """
        events = self.project_events(code)
        try:
            return replay_project(events, as_of=as_of, recorded_before=recorded_before)
        except LookupError:
            raise errors.NotFound(
                f"Project {code} was not yet registered before {recorded_before}.", project=code
            ) from None

