"""One hierarchy of domain errors.

Every error carries a stable ``type`` slug (the RFC 9457 problem type the API returns), the rule
id of domain.md §5 where one applies, an HTTP-independent ``status`` hint, a ``detail`` sentence a
finance clerk can act on (naming the amounts) and ``extra`` fields a client can act on.
The API turns these into problem documents in one place; nothing else formats them.
"""

from __future__ import annotations

from typing import Any, ClassVar


class DomainError(Exception):
    """Raised when a command cannot be carried out; nothing has been stored."""

    type: ClassVar[str] = "domain-error"
    title: ClassVar[str] = "The request breaks a ledger rule"
    status: ClassVar[int] = 422
    rule: str | None = None

    def __init__(self, detail: str, *, rule: str | None = None, **extra: Any) -> None:
        super().__init__(detail)
        self.detail = detail
        if rule is not None:
            self.rule = rule
        self.extra: dict[str, Any] = extra


class FieldError(DomainError):
    """Raised when an input field is malformed or does not fit the project's program."""

    type = "validation-error"
    title = "The request is not valid"

    def __init__(self, field: str, message: str, **extra: Any) -> None:
        super().__init__(f"{field}: {message}", **extra)
        self.errors = [{"field": field, "message": message}]


class NotFound(DomainError):
    """Raised when a project, program or expenditure that the request names does not exist."""

    type = "not-found"
    title = "Not found"
    status = 404


class AlreadyExists(DomainError):
    """Raised when registering something whose code is already taken (project, program)."""

    type = "already-exists"
    title = "Already exists"
    status = 409


class IdempotencyKeyReused(DomainError):
    """Raised when an idempotency key comes back with a different request."""

    type = "idempotency-key-reused"
    title = "Idempotency key already used for a different request"
    status = 409


class ConcurrentUpdate(DomainError):
    """Raised when concurrent writes to the same account kept conflicting after bounded retries."""

    type = "concurrent-update"
    title = "The account was changed concurrently; retry the request"
    status = 409


class BatchOperationFailed(DomainError):
    """Raised when one operation of an atomic batch fails; nothing of the batch is stored."""

    type = "batch-operation-failed"
    title = "An operation of the atomic batch failed; nothing was posted"

    def __init__(self, index: int, error: DomainError) -> None:
        super().__init__(f"Operation {index} failed: {error.detail}", index=index)
        self.index = index
        self.error = error
        self.status = error.status  # type: ignore[misc]


class StoreUnavailable(DomainError):
    """Raised when the event store cannot be reached; the request may be retried later."""

    type = "store-unavailable"
    title = "The ledger store is unavailable"
    status = 503


# --- rule violations (domain.md §5), one class per problem type -------------------------------


class RuleViolation(DomainError):
    """Raised when a posting breaks one of the rules P1–P11."""


class PostingNotAccepted(RuleViolation):
    """Raised when the project does not accept this kind of posting (terminated, ended) (P1)."""

    type = "project-not-accepting-postings"
    title = "The project does not accept this posting"
    rule = "P1"


class BeforePeriod(RuleViolation):
    """Raised when ``booked_on`` falls before the project's construction period (P2)."""

    type = "before-period"
    title = "The date is before the project's construction period"
    rule = "P2"


class YearClosed(RuleViolation):
    """Raised when ``booked_on`` falls in a fiscal year that is already closed (P2)."""

    type = "year-closed"
    title = "The fiscal year is closed"
    rule = "P2"


class YearNotOpen(RuleViolation):
    """Raised when ``booked_on`` falls in a year after the project's open year (P2)."""

    type = "year-not-open"
    title = "The fiscal year is not open yet"
    rule = "P2"


class AllocationRejected(RuleViolation):
    """Raised when an allocation's appropriation year or amount is not allowed (P3)."""

    type = "allocation-not-allowed"
    title = "The allocation is not allowed"
    rule = "P3"


class PlatformEntitlementExceeded(RuleViolation):
    """Raised when PLATFORM allocations would exceed the project's platform entitlements (P4)."""

    type = "platform-entitlement-exceeded"
    title = "Platform allocations would exceed the entitlement"
    rule = "P4"


class InsufficientFunds(RuleViolation):
    """Raised when an expenditure exceeds the available balance of its source (P5)."""

    type = "insufficient-funds"
    title = "Insufficient funds in the source"
    rule = "P5"


class CategoryNotAllowedForSource(RuleViolation):
    """Raised when the expenditure category may not be charged to the source (P5)."""

    type = "category-not-allowed-for-source"
    title = "The category may not be charged to this source"
    rule = "P5"


class FiscalOriginContribution(RuleViolation):
    """Raised when a contribution comes from fiscal money (P6)."""

    type = "fiscal-origin-not-allowed"
    title = "Fiscal money cannot be a contribution"
    rule = "P6"


class ReversalRejected(RuleViolation):
    """Raised when a reversal names no such expenditure or exceeds what may be reversed (P7)."""

    type = "reversal-not-allowed"
    title = "The reversal is not allowed"
    rule = "P7"


class AssetRegistrationRejected(RuleViolation):
    """Raised when an asset registration breaks P8 (funding, threshold, duplicate number)."""

    type = "asset-registration-not-allowed"
    title = "The asset registration is not allowed"
    rule = "P8"


class RecoveryExceedsSurplus(RuleViolation):
    """Raised when a surplus recovery exceeds the surplus awaiting recovery (P9)."""

    type = "recovery-exceeds-surplus"
    title = "The recovery exceeds the surplus awaiting recovery"
    rule = "P9"


class YearCloseRejected(RuleViolation):
    """Raised when a fiscal year cannot be closed yet (P10)."""

    type = "year-close-not-allowed"
    title = "The fiscal year cannot be closed"
    rule = "P10"


class VoucherNumberUsed(RuleViolation):
    """Raised when a voucher number is already used in the project (P11)."""

    type = "voucher-number-used"
    title = "The voucher number is already used in this project"
    rule = "P11"
