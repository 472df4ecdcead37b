"""The beancount file the API serves to an auditor passes bean-check with the ledger's balances."""

from __future__ import annotations

from pathlib import Path

from ledger.application import Ledger
from service.runtime import ledger_env
from service.settings import Settings
from tests.e2e.http_scenario import post_example_scenario
from tests.e2e.service import start_service
from tests.integration.test_beancount_export import assert_export_matches_ledger
from tests.scenario import PROJECT, SCENARIO_TODAY


def test_the_journal_served_to_an_auditor_passes_bean_check_with_the_ledgers_balances(
    tmp_path: Path,
) -> None:
    # given the worked example posted over HTTP on a SQLite store
    url = f"sqlite:///{tmp_path / 'ledger.sqlite'}"
    for service in start_service(url):
        post_example_scenario(service)
        # when an auditor downloads the journal of the project
        response = service.get("auditor", "/v1/exports/journal.beancount", project=PROJECT)
        assert response.status_code == 200
        path = tmp_path / "journal.beancount"
        path.write_text(response.text, encoding="utf-8")
    # then beancount's checker accepts it and its balances are the ledger's own
    app = Ledger(ledger_env(Settings(database_url=url)), today=lambda: SCENARIO_TODAY, seed=False)
    try:
        assert_export_matches_ledger(app, path)
    finally:
        app.close()
