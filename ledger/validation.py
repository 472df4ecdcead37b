"""Shape checks of command arguments that are not money (money has :mod:`ledger.money`).

A malformed argument is a ``validation-error`` naming its field, raised before any rule is
consulted, so a bad request never surfaces as a ``KeyError`` or ``TypeError`` (a 500).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from ledger import errors

REGISTRATION_TEXT = ("code", "program", "university_code", "university_name", "name",
                     "project_class", "lead")
REGISTRATION_YEARS = ("period_start_year", "period_end_year")


def required_text(field_name: str, value: Any, max_length: int = 500) -> str:
    """A non-empty string of at most ``max_length`` characters."""
    if not isinstance(value, str) or not value.strip():
        raise errors.FieldError(field_name, "required, a non-empty string")
    if len(value) > max_length:
        raise errors.FieldError(field_name, f"at most {max_length} characters")
    return value


def year(field_name: str, value: Any) -> int:
    """A calendar year as an integer (fiscal year = calendar year)."""
    if not isinstance(value, int) or isinstance(value, bool) or not 1990 <= value <= 2200:
        raise errors.FieldError(field_name, "a year between 1990 and 2200")
    return value


def registration_facts(facts: dict[str, Any]) -> dict[str, Any]:
    """The facts of a project registration, checked field by field (platforms default to [])."""
    unknown = sorted(set(facts) - {*REGISTRATION_TEXT, *REGISTRATION_YEARS, "platforms"})
    if unknown:
        raise errors.FieldError(unknown[0], "not a field of a project registration")
    checked: dict[str, Any] = {
        name: required_text(name, facts.get(name), 64 if name == "code" else 200)
        for name in REGISTRATION_TEXT
    }
    checked.update({name: year(name, facts.get(name)) for name in REGISTRATION_YEARS})
    platforms = facts.get("platforms") or []
    if not isinstance(platforms, list):
        raise errors.FieldError("platforms", "a list of {type: ...} objects")
    for i, platform in enumerate(platforms):
        if not isinstance(platform, dict) or not isinstance(platform.get("type"), str):
            raise errors.FieldError(f"platforms[{i}].type", "required, a platform type")
    checked["platforms"] = platforms
    return checked


DATE_FIELDS = ("booked_on", "effective_on", "acquired_on")
REQUIRED_DATES = ("booked_on",)
YEAR_FIELDS = ("year", "appropriation_year", "target_year")


def check_arguments(args: dict[str, Any]) -> None:
    """Dates are dates and years are integers in every command's arguments (callers other than
    the API, e.g. scripts, get a field error instead of a crash deep inside a rule)."""
    for name in DATE_FIELDS:
        if name not in args:
            continue
        value = args[name]
        if value is None and name not in REQUIRED_DATES:
            continue
        if not isinstance(value, date) or isinstance(value, datetime):
            raise errors.FieldError(name, "a date (YYYY-MM-DD)")
    for name in YEAR_FIELDS:
        if name in args and not (args[name] is None and name == "target_year"):
            year(name, args[name])
