"""Migrations own the schema: a database behind is refused, ``ledger migrate`` brings it
current, and the library then runs with CREATE_TABLE=no on the tables the migrations made."""

from __future__ import annotations

import pytest

from projections.schema import (
    SchemaBehind,
    apply_migrations,
    check_schema_current,
    is_migrated,
    pending_migrations,
)
from service.runtime import build_ledger, ledger_env
from service.settings import Settings
from tests.integration.test_projection_support import db_url_fixture  # noqa: F401 (fixture)
from tests.scenario import SCENARIO_TODAY, load_example_scenario


def test_a_database_behind_is_refused_until_migrated(db_url: str) -> None:
    # given an empty database
    assert not is_migrated(db_url)
    # then the start-up check refuses it, naming the command to run
    with pytest.raises(SchemaBehind, match="ledger migrate"):
        check_schema_current(db_url)
    # when it is migrated (twice: the second run applies nothing)
    assert "0002.create-read-models" in apply_migrations(db_url)
    assert apply_migrations(db_url) == []
    # then it is current
    check_schema_current(db_url)
    assert pending_migrations(db_url) == []
    assert is_migrated(db_url)


def test_the_service_uses_the_migrated_event_tables_without_creating_any(db_url: str) -> None:
    # given a migrated database
    apply_migrations(db_url)
    settings = Settings(database_url=db_url)
    # then the runtime tells the library not to create tables
    assert ledger_env(settings)["LEDGER_CREATE_TABLE"] == "no"
    # and the ledger writes into the migrated tables
    app = build_ledger(settings, today=lambda: SCENARIO_TODAY)
    try:
        load_example_scenario(app)
        assert app.recorder.max_notification_id() > 50
    finally:
        app.close()


def test_checking_an_empty_database_does_not_make_it_look_migrated(db_url: str) -> None:
    # given an empty database that the start-up check has looked at
    with pytest.raises(SchemaBehind):
        check_schema_current(db_url)
    # then the runtime still lets the library create its tables
    assert not is_migrated(db_url)
    assert "LEDGER_CREATE_TABLE" not in ledger_env(Settings(database_url=db_url))
