"""The client of the fault harness: idempotent postings, each retried until acknowledged.

Every posting gets a unique voucher number and ``Idempotency-Key`` before it is first sent and
keeps both for every retry, like a careful finance clerk's system would. A posting counts as
*acknowledged* only when a 2xx answer came back; a connection error, a timeout, a 503 or a 409
``concurrent-update`` means "unknown" and the same request is sent again (with back-off) until it
is acknowledged or the run's final deadline passes. Now and then an acknowledged posting is sent
once more on purpose (a client that lost the answer): the replay must name the same expenditure.
"""

from __future__ import annotations

import http.client
import json
import random
import threading
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

RETRYABLE_STATUSES = frozenset({502, 503, 504})


@dataclass
class Posting:
    """One intended expenditure and what the client learnt about it."""

    key: str
    project: str
    body: dict[str, Any]
    attempts: int = 0
    acknowledged: bool = False
    expenditure_id: str | None = None
    rejected: str | None = None


@dataclass
class ClientLog:
    """Everything the clients sent and were told (shared by the client threads)."""

    postings: dict[str, Posting] = field(default_factory=dict)
    statuses: Counter[str] = field(default_factory=Counter)
    retry_after_missing: int = 0
    replay_mismatches: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def count(self, status: str) -> None:
        with self.lock:
            self.statuses[status] += 1

    @property
    def acknowledged(self) -> list[Posting]:
        return [p for p in self.postings.values() if p.acknowledged]


class Client:
    """One client thread's connection to the API on ``port``."""

    def __init__(self, port: int, token: str, timeout: float = 15.0) -> None:
        self.port, self.token, self.timeout = port, token, timeout
        self.conn: http.client.HTTPConnection | None = None

    def post(self, path: str, body: dict[str, Any], key: str) -> tuple[int, Any, dict[str, str]]:
        """(status, parsed body, headers); status 0 when no answer came back at all."""
        payload = json.dumps(body).encode()
        headers = {"Authorization": f"Bearer {self.token}", "Idempotency-Key": key,
                   "Content-Type": "application/json"}
        try:
            if self.conn is None:
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port,
                                                       timeout=self.timeout)
            self.conn.request("POST", path, body=payload, headers=headers)
            response = self.conn.getresponse()
            raw = response.read()
            answer = {k.lower(): v for k, v in response.getheaders()}
            try:
                parsed = json.loads(raw) if raw else None
            except ValueError:
                parsed = raw.decode(errors="replace")
            return response.status, parsed, answer
        except (OSError, http.client.HTTPException):
            self.close()
            return 0, None, {}

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None


def send_until_acknowledged(client: Client, posting: Posting, log: ClientLog,
                            give_up: threading.Event) -> None:
    """Send ``posting`` (same key, same body) until a definite answer or ``give_up``."""
    path = f"/v1/projects/{posting.project}/expenditures"
    delay = 0.05
    while not give_up.is_set():
        posting.attempts += 1
        status, body, headers = client.post(path, posting.body, posting.key)
        log.count(str(status) if status else "no-answer")
        if 200 <= status < 300:
            posting.acknowledged = True
            posting.expenditure_id = body.get("expenditure_id") if isinstance(body, dict) else None
            return
        if status == 503 and "retry-after" not in headers:
            with log.lock:
                log.retry_after_missing += 1
        conflict = (status == 409 and isinstance(body, dict)
                    and body.get("type") == "concurrent-update")
        if status == 0 or status in RETRYABLE_STATUSES or conflict or status >= 500:
            give_up.wait(delay + random.random() * delay)
            delay = min(delay * 2, 1.0)
            continue
        posting.rejected = f"{status} {body.get('type') if isinstance(body, dict) else body}"
        return


def replay_check(client: Client, posting: Posting, log: ClientLog, give_up: threading.Event
                 ) -> None:
    """Send an acknowledged posting again: the answer must name the same expenditure."""
    path = f"/v1/projects/{posting.project}/expenditures"
    while not give_up.is_set():
        status, body, headers = client.post(path, posting.body, posting.key)
        log.count(f"replay-{status or 'no-answer'}")
        if 200 <= status < 300:
            same = isinstance(body, dict) and body.get("expenditure_id") == posting.expenditure_id
            if not same or headers.get("idempotent-replayed") != "true":
                with log.lock:
                    log.replay_mismatches.append(posting.key)
            return
        if status and status < 500 and status != 409:
            with log.lock:
                log.replay_mismatches.append(f"{posting.key}: {status}")
            return
        give_up.wait(0.1)


def client_loop(number: int, run_id: str, port: int, token: str, projects: list[str],
                log: ClientLog, stop_new: threading.Event, give_up: threading.Event,
                replay_share: float = 0.05) -> None:
    """Post expenditures until ``stop_new``; finish the one in flight until ``give_up``."""
    client = Client(port, token)
    rng = random.Random(f"{run_id}-{number}")
    seq = 0
    try:
        while not stop_new.is_set():
            seq += 1
            voucher = f"F{number:02d}-{seq:06d}"
            posting = Posting(
                key=f"faults-{run_id}-{number:02d}-{seq:06d}",
                project=rng.choice(projects),
                body={"source": "SUPPORT", "category": "MATERIALS",
                      "amount": f"{rng.randint(1, 500)}.{rng.randint(0, 99):02d}",
                      "booked_on": "2017-04-01", "voucher_no": voucher, "payee": "供应商",
                      "description": "故障注入测试支出"})
            with log.lock:
                log.postings[posting.key] = posting
            send_until_acknowledged(client, posting, log, give_up)
            if posting.acknowledged and rng.random() < replay_share:
                replay_check(client, posting, log, give_up)
    finally:
        client.close()


def run_clients(count: int, run_id: str, port: int, token: str, projects: list[str],
                log: ClientLog, stop_new: threading.Event, give_up: threading.Event
                ) -> list[threading.Thread]:
    threads = [threading.Thread(target=client_loop, name=f"faults-client-{i}", daemon=True,
                                args=(i, run_id, port, token, projects, log, stop_new, give_up))
               for i in range(count)]
    for thread in threads:
        thread.start()
    return threads

