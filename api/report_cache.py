"""Rendered reports, cached until the read models move.

A report is a pure function of its query, the caller's scope, the server's date (the default
``as_of``) and the read models' contents; the read models only change when their tracking
position advances. So the rendered bytes are kept under a key holding all of these, and a warm
request costs one small position query instead of computing and validating the report again
(≈ 160 ms for 1,000 projects, docs/performance.md). Bounded LRU, per process.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any

from fastapi import Request
from fastapi.responses import Response
from pydantic import BaseModel

MAX_ENTRIES = 128


class ReportCache:
    """LRU of rendered JSON report bodies."""

    def __init__(self, max_entries: int = MAX_ENTRIES) -> None:
        self._entries: OrderedDict[Hashable, bytes] = OrderedDict()
        self._lock = threading.Lock()
        self._max = max_entries

    def get(self, key: Hashable) -> bytes | None:
        with self._lock:
            body = self._entries.get(key)
            if body is not None:
                self._entries.move_to_end(key)
            return body

    def put(self, key: Hashable, body: bytes) -> None:
        with self._lock:
            self._entries[key] = body
            self._entries.move_to_end(key)
            while len(self._entries) > self._max:
                self._entries.popitem(last=False)


def read_model_version(request: Request) -> tuple[Any, ...]:
    """What the report depends on besides its query: read-model positions and today's date."""
    state = request.app.state
    positions = state.projections.positions()
    return (tuple(sorted(positions.items())), state.ledger.today())


def cached_json(request: Request, key: Hashable, model: type[BaseModel],
                compute: Callable[[], dict[str, Any]]) -> Response:
    """The report for ``key`` as JSON, rendered through ``model`` once per read-model version."""
    cache: ReportCache = request.app.state.report_cache
    full_key = (key, read_model_version(request))
    body = cache.get(full_key)
    if body is None:
        body = model.model_validate(compute()).model_dump_json().encode("utf-8")
        cache.put(full_key, body)
    return Response(body, media_type="application/json")
