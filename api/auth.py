"""Who is calling, and may they: bearer tokens, roles and university scoping (api.md "Auth").

401 for a missing or unknown token, 403 for a role without the right, and 404 — never 403 —
for another university's project, so a finance office cannot learn that a project exists.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated
from weakref import WeakKeyDictionary

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from api.problems import AuthError
from api.tokens import TokenInfo, TokenStore
from ledger import errors
from ledger.application import Ledger
from ledger.context import Actor

DEPARTMENT, FINANCE_OFFICE, AUDITOR, ADMIN = "department", "finance_office", "auditor", "admin"
READERS = (DEPARTMENT, FINANCE_OFFICE, AUDITOR)

bearer = HTTPBearer(auto_error=False, description="A token from `ledger tokens create`.")


def current_token(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> TokenInfo:
    """The caller's active token (401 when missing, malformed, unknown or revoked)."""
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise AuthError(401, "Send a token as `Authorization: Bearer <token>`.")
    store: TokenStore = request.app.state.tokens
    info = store.verify(credentials.credentials)
    if info is None:
        raise AuthError(401, "The bearer token is unknown or has been revoked.")
    request.state.token_id = info.token_id
    return info


def require(*roles: str) -> Callable[..., TokenInfo]:
    """A dependency admitting only ``roles`` (403 for any other valid token)."""

    def dependency(token: Annotated[TokenInfo, Depends(current_token)]) -> TokenInfo:
        if token.role not in roles:
            raise AuthError(
                403, f"A {token.role} token may not do this; it needs the role "
                f"{' or '.join(roles)}.")
        return token

    dependency.__name__ = f"require_{'_or_'.join(roles)}"
    return dependency


def actor_of(token: TokenInfo) -> Actor:
    return Actor(token_id=token.token_id, role=token.role, organisation=token.organisation,
                 name=token.name)


def may_see(token: TokenInfo, university_code: str) -> bool:
    """Finance offices see only their own university's projects; other readers see all."""
    return token.role != FINANCE_OFFICE or token.university_code == university_code


_universities: WeakKeyDictionary[Ledger, dict[str, str]] = WeakKeyDictionary()


def university_of(ledger: Ledger, code: str) -> str:
    """The project's university (404 if unknown). A project never changes university, so the
    answer is cached per process: a finance office's posting costs no extra load for the check."""
    known = _universities.setdefault(ledger, {})
    if code not in known:
        known[code] = ledger.get_project(code).university_code
    return known[code]


def visible_project(ledger: Ledger, token: TokenInfo, code: str) -> None:
    """Nothing, or 404 when the project does not exist *or* belongs to another university."""
    if not may_see(token, university_of(ledger, code)):
        raise errors.NotFound(f"Project {code} does not exist.", project=code)
