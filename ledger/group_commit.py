"""Group commit: concurrent commands of one process share one event-store transaction.

Why: the library serialises every writer on an exclusive table lock (eventsourcing-notes §4.6),
so one ``save()`` per HTTP request caps a process near 800–1,200 single-command saves/s however
many threads run, and each save costs ~14 client/server round trips. A ``save()`` of several
commands' aggregates costs about the same as a save of one. So while one thread (the leader)
is saving, the others queue their aggregates; when it is done, the next leader saves everything
that queued up in one ``app.save(*aggregates)`` and hands every request its own recordings.

Correctness:
- each request's events are captured before the save, so its recordings are found again by
  event identity, and its result reports the positions of its own events;
- a group is one transaction: all of it is stored or none of it. If it fails (a duplicate
  idempotency key or claim, or an optimistic-concurrency conflict in any member), every
  request's events are saved again on their own, so each request gets its own outcome —
  exactly what it would have got without grouping;
- the caller still holds its per-project lock while it waits, so the engine's serialisation
  and retry rules are unchanged.

Requirement: the repository's cache must be off or fast-forwarding (the engine's default),
because the per-request fallback saves events, not aggregates, and so does not refresh a
non-fast-forwarding cache. :func:`supported` checks this.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from eventsourcing.application import Application
from eventsourcing.persistence import Recording
from eventsourcing.utils import strtobool

#: Group commit is on unless ``GROUP_COMMIT`` (or ``LEDGER_GROUP_COMMIT``) says otherwise.
DEFAULT = "y"


def supported(app: Application[Any]) -> bool:
    """Whether group commit is safe for ``app``'s repository configuration."""
    return not app.repository.cache or bool(app.repository.fastforward)


def group_committer(app: Application[Any]) -> GroupCommitter | None:
    """The committer ``app`` should use, or None to save directly (flag off or unsupported)."""
    if not strtobool(app.env.get("GROUP_COMMIT", DEFAULT)) or not supported(app):
        return None
    return GroupCommitter(app)


@dataclass
class _Request:
    aggregates: Sequence[Any]
    events: list[Any] = field(default_factory=list)
    recordings: list[Recording[Any]] = field(default_factory=list)
    error: BaseException | None = None
    done: bool = False


@dataclass
class GroupStats:
    """Counters for benchmarks and tests: how many saves, and how many requests they carried."""

    transactions: int = 0
    requests: int = 0
    fallbacks: int = 0
    largest: int = 0


class GroupCommitter:
    """Leader/follower committer over one application's ``save()``; thread-safe."""

    def __init__(self, app: Application[Any], max_group: int = 256) -> None:
        self._app = app
        self._max_group = max_group
        self._cond = threading.Condition()
        self._queue: list[_Request] = []
        self._leading = False
        self.stats = GroupStats()

    def save(self, aggregates: Sequence[Any]) -> list[Recording[Any]]:
        """Store the pending events of ``aggregates`` (with those of concurrent callers).

        Returns this call's recordings only; raises what saving them alone would have raised.
        """
        request = _Request(aggregates)
        with self._cond:
            self._queue.append(request)
            while not request.done and self._leading:
                self._cond.wait()
            if not request.done:
                self._leading = True
                group = self._take(request)
        if not request.done:
            try:
                self._commit(group)
            finally:
                with self._cond:
                    self._leading = False
                    self._cond.notify_all()
        if request.error is not None:
            raise request.error
        return request.recordings

    def _take(self, own: _Request) -> list[_Request]:
        """The queued requests for this leader's transaction (always including its own)."""
        group = self._queue[: self._max_group]
        if own not in group:
            group = [own, *group[: self._max_group - 1]]
        taken = {id(r) for r in group}
        self._queue = [r for r in self._queue if id(r) not in taken]
        return group

    def _commit(self, group: list[_Request]) -> None:
        for request in group:
            request.events = [e for a in request.aggregates for e in list(a.pending_events)]
        self.stats.transactions += 1
        self.stats.requests += len(group)
        self.stats.largest = max(self.stats.largest, len(group))
        try:
            try:
                recordings = self._app.save(*(a for r in group for a in r.aggregates))
            except Exception as error:  # noqa: BLE001 - each request is retried alone below
                if len(group) == 1:
                    group[0].error = error
                else:
                    self.stats.fallbacks += 1
                    self._save_each(group)
            else:
                by_event = {id(r.domain_event): r for r in recordings}
                for request in group:
                    request.recordings = [by_event[id(e)] for e in request.events]
        except BaseException as error:
            # Never leave a request undecided: its events were taken from its aggregates, so a
            # second attempt by its own thread would silently store nothing.
            for request in group:
                if request.error is None and not request.recordings:
                    request.error = error
            raise
        finally:
            for request in group:
                request.done = True

    def _save_each(self, group: list[_Request]) -> None:
        """After a failed group: each request's events in a transaction of their own."""
        for request in group:
            if not request.events:
                continue
            try:
                request.recordings = self._app.save(*request.events)
            except Exception as error:  # noqa: BLE001 - handed to the request's own thread
                request.error = error
