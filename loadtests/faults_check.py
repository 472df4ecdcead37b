"""The verdict of a fault run: what the log holds against what the client was told.

The event log is the truth. Every ``ExpenditurePosted`` event of the run (recognised by its
idempotency key's run prefix) is decoded through the ledger's own mapper and counted by key and by
voucher number. Then:

- *found*: acknowledged postings whose key is in the log (with the expenditure id the client was
  given); *lost*: acknowledged postings that are not;
- *duplicates*: extra copies of one key or one voucher number;
- *phantoms*: stored postings of the run that the client never sent;
- the journal read model holds each stored voucher exactly once, and ``ledger audit verify``
  (hash chain, trial balance, read models equal a scratch rebuild) is clean.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg

from loadtests.faults_client import ClientLog

REPO = Path(__file__).resolve().parent.parent


@dataclass
class Verdict:
    sent: int = 0
    acknowledged: int = 0
    found: int = 0
    duplicates: int = 0
    lost: int = 0
    phantoms: int = 0
    wrong_ids: int = 0
    read_model_mismatches: int = 0
    audit_ok: bool = False
    problems: list[str] = field(default_factory=list)

    @property
    def verify_ok(self) -> bool:
        return (self.audit_ok and not self.problems and self.phantoms == 0
                and self.wrong_ids == 0 and self.read_model_mismatches == 0)

    @property
    def ok(self) -> bool:
        return self.duplicates == 0 and self.lost == 0 and self.verify_ok

    def line(self) -> str:
        return (f"faults: sent={self.sent} acknowledged={self.acknowledged} found={self.found} "
                f"duplicates={self.duplicates} lost={self.lost} "
                f"verify={'ok' if self.verify_ok else 'failed'}")


def stored_expenditures(database_url: str, key_prefix: str) -> list[dict[str, Any]]:
    """Every ``ExpenditurePosted`` of the run in the log: key, voucher, id, position."""
    from ledger.application import Ledger
    from service.runtime import ledger_env
    from service.settings import Settings

    app = Ledger(ledger_env(Settings(database_url=database_url)), seed=False)
    found = []
    try:
        start = 1
        while True:
            batch = app.recorder.select_notifications(start, 500, topics=())
            if not batch:
                break
            for notification in batch:
                if not notification.topic.endswith("ExpenditurePosted"):
                    continue
                event = app.mapper.to_domain_event(notification)
                key = getattr(event, "idempotency_key", None) or ""
                if key.startswith(key_prefix):
                    found.append({"key": key, "voucher": event.voucher_no,
                                  "expenditure_id": str(event.expenditure_id),
                                  "position": notification.id})
            start = batch[-1].id + 1
    finally:
        app.close()
    return found


def read_model_vouchers(database_url: str) -> Counter[str]:
    """Postings per voucher number in the journal read model (one log position per posting;
    a posting spread over several tranches has several rows at one position)."""
    with psycopg.connect(database_url, connect_timeout=10) as conn:
        rows = conn.execute("SELECT voucher_no, count(DISTINCT position) FROM rm_journal "
                            "WHERE voucher_no LIKE 'F%' GROUP BY voucher_no").fetchall()
    return Counter({row[0]: int(row[1]) for row in rows})


def audit_verify(database_url: str, log: Path) -> bool:
    """``ledger audit chain`` then ``ledger audit verify``; True when it reports no finding."""
    env = {**os.environ, "LEDGER_DATABASE_URL": database_url}
    with open(log, "ab") as out:
        for action in ("chain", "verify"):
            out.write(f"\n===== ledger audit {action}\n".encode())
            out.flush()
            done = subprocess.run([sys.executable, "-m", "service.cli", "audit", action],
                                  cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT,
                                  timeout=600, check=False)
            if done.returncode != 0:
                return False
    return True


def judge(database_url: str, client_log: ClientLog, key_prefix: str, audit_log: Path,
          unexpected_statuses: int) -> Verdict:
    verdict = Verdict()
    postings = client_log.postings
    verdict.sent = len(postings)
    acknowledged = client_log.acknowledged
    verdict.acknowledged = len(acknowledged)

    stored = stored_expenditures(database_url, key_prefix)
    by_key = Counter(row["key"] for row in stored)
    by_voucher = Counter(row["voucher"] for row in stored)
    verdict.duplicates = (sum(n - 1 for n in by_key.values() if n > 1)
                          + sum(n - 1 for n in by_voucher.values() if n > 1))
    ids = {row["key"]: row["expenditure_id"] for row in stored}
    for posting in acknowledged:
        if posting.key in by_key:
            verdict.found += 1
            if posting.expenditure_id and ids[posting.key] != posting.expenditure_id:
                verdict.wrong_ids += 1
        else:
            verdict.lost += 1
    verdict.phantoms = sum(1 for key in by_key if key not in postings)
    for key in by_key:
        posting = postings.get(key)
        if posting is not None and posting.rejected:
            verdict.problems.append(f"{key} is stored but was answered {posting.rejected}")

    in_model = read_model_vouchers(database_url)
    verdict.read_model_mismatches = sum(1 for voucher in by_voucher if in_model[voucher] != 1)
    verdict.read_model_mismatches += sum(1 for voucher in in_model
                                         if voucher.startswith("F") and voucher not in by_voucher)
    if client_log.replay_mismatches:
        verdict.problems.append(f"{len(client_log.replay_mismatches)} replays named another "
                                f"expenditure or lacked Idempotent-Replayed: "
                                f"{client_log.replay_mismatches[:3]}")
    if client_log.retry_after_missing:
        verdict.problems.append(f"{client_log.retry_after_missing} answers 503 lacked Retry-After")
    if unexpected_statuses:
        verdict.problems.append(f"{unexpected_statuses} answers were 5xx other than 503, or "
                                "not 503 + Retry-After while the database was down")
    rejected = [p for p in postings.values() if p.rejected]
    if rejected:
        verdict.problems.append(f"{len(rejected)} postings were rejected, e.g. "
                                f"{rejected[0].key}: {rejected[0].rejected}")
    verdict.audit_ok = audit_verify(database_url, audit_log)
    return verdict
