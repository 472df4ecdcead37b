"""Uniqueness by deterministic ids (conventions §7).

A voucher number, an asset number and an idempotency key each map to a uuid5; the claim
aggregate with that id is saved in the same ``save()`` as the posting it belongs to, so the event
store's primary key rejects a duplicate atomically. No query-then-insert decides uniqueness
(a prior look-up only produces a clearer error message).
"""

from __future__ import annotations

from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate

from ledger.events import LedgerCreated

CLAIM_NAMESPACE = uuid5(NAMESPACE_URL, "https://fundledger.example/claims")


def voucher_claim_id(project_id: UUID, voucher_no: str) -> UUID:
    return uuid5(CLAIM_NAMESPACE, f"voucher\x00{project_id}\x00{voucher_no}")


def asset_number_claim_id(university_code: str, asset_no: str) -> UUID:
    return uuid5(CLAIM_NAMESPACE, f"asset\x00{university_code}\x00{asset_no}")


def idempotency_record_id(organisation: str, key: str) -> UUID:
    return uuid5(CLAIM_NAMESPACE, f"idempotency\x00{organisation}\x00{key}")


class VoucherClaim(Aggregate):
    """A voucher number (凭证号) used once within a project (P11)."""

    class Claimed(LedgerCreated):
        project_code: str
        voucher_no: str
        posting: str

    def __init__(self, project_code: str, voucher_no: str, posting: str) -> None:
        self.project_code = project_code
        self.voucher_no = voucher_no
        self.posting = posting

    @classmethod
    def claim(cls, *, project_id: UUID, meta: dict[str, Any], **facts: Any) -> VoucherClaim:
        return cls._create(
            cls.Claimed, id=voucher_claim_id(project_id, facts["voucher_no"]), **meta, **facts
        )


class AssetNumberClaim(Aggregate):
    """An asset number (资产编号) used once within a university (P8)."""

    class Claimed(LedgerCreated):
        university_code: str
        asset_no: str
        project_code: str

    def __init__(self, university_code: str, asset_no: str, project_code: str) -> None:
        self.university_code = university_code
        self.asset_no = asset_no
        self.project_code = project_code

    @classmethod
    def claim(cls, *, meta: dict[str, Any], **facts: Any) -> AssetNumberClaim:
        return cls._create(
            cls.Claimed,
            id=asset_number_claim_id(facts["university_code"], facts["asset_no"]),
            **meta,
            **facts,
        )


class IdempotencyRecord(Aggregate):
    """The first outcome of a request made with an idempotency key.

    ``fingerprint`` identifies the request (command and its parsed arguments), ``result`` is what
    the command returned; ``subject`` is (aggregate id, version) of the event that is the posting,
    so a replay can find its log position.
    """

    class Recorded(LedgerCreated):
        organisation: str
        key: str
        command: str
        fingerprint: str
        result: dict[str, Any]
        subject_id: UUID | None
        subject_version: int | None

    def __init__(
        self,
        organisation: str,
        key: str,
        command: str,
        fingerprint: str,
        result: dict[str, Any],
        subject_id: UUID | None,
        subject_version: int | None,
    ) -> None:
        self.organisation = organisation
        self.key = key
        self.command = command
        self.fingerprint = fingerprint
        self.result = result
        self.subject_id = subject_id
        self.subject_version = subject_version

    @classmethod
    def record(cls, *, meta: dict[str, Any], **facts: Any) -> IdempotencyRecord:
        return cls._create(
            cls.Recorded,
            id=idempotency_record_id(facts["organisation"], facts["key"]),
            **meta,
            **facts,
        )
