"""beancount's own checker accepts the export, and its balances are the ledger's.

The export of the worked example and of random histories is written to a file, checked with
``bean-check`` (the command-line tool of the ``beancount`` package) and loaded with
``beancount.loader``; the final balance of every account the ledger's state determines must
equal the figure of ``app.get_project(code)``.
"""

from __future__ import annotations

import subprocess
import sys
from collections import defaultdict
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from beancount import loader
from beancount.core import data
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ledger.application import Ledger
from ledger.store import event_store_env
from projections.beancount_export import beancount_journal
from projections.double_entry_balances import domain_balances, subtotal
from projections.double_entry_journal import read_journal
from service.cli import main as ledger_cli
from tests.factories import Clock, memory_ledger
from tests.scenario import PROJECT, SCENARIO_TODAY, load_example_scenario
from tests.unit.test_double_entry_random_histories import SOURCES, histories, play

BEAN_CHECK = Path(sys.executable).with_name("bean-check")


def bean_check(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(BEAN_CHECK), str(path)], check=False, capture_output=True,
                          text=True, timeout=120)


def beancount_balances(path: Path) -> dict[str, Decimal]:
    """Final balance per account as beancount itself reads the file."""
    entries, errors, _ = loader.load_file(str(path))
    assert errors == []
    totals: dict[str, Decimal] = defaultdict(lambda: Decimal("0.00"))
    for entry in entries:
        if isinstance(entry, data.Transaction):
            for posting in entry.postings:
                assert posting.units.currency == "CNY"
                totals[posting.account] += posting.units.number
    return dict(totals)


def assert_export_matches_ledger(app: Ledger, path: Path) -> None:
    checked = bean_check(path)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    balances = beancount_balances(path)
    assert sum(balances.values(), Decimal("0.00")) == Decimal("0.00")
    projects = read_journal(app).projects
    assert projects  # something to compare
    for code, ref in projects.items():
        expected = domain_balances(app.get_project(code), ref)
        got = {name: subtotal(balances, name) for name in expected}
        assert got == expected


def test_export_of_the_example_scenario_passes_bean_check_with_the_ledgers_balances(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    # given the worked example in a SQLite store
    url = f"sqlite:///{tmp_path / 'ledger.sqlite'}"
    app = Ledger(event_store_env(url), today=lambda: SCENARIO_TODAY)
    load_example_scenario(app)
    # when it is exported through the CLI
    out = tmp_path / "journal.beancount"
    monkeypatch.setenv("LEDGER_DATABASE_URL", url)
    assert ledger_cli(["export", "beancount", "--project", PROJECT, "-o", str(out)]) == 0
    # then bean-check finds no error and the balances equal the ledger's
    assert_export_matches_ledger(app, out)
    text = out.read_text(encoding="utf-8")
    assert "2019-01-01 balance Assets:SX1331-A-2017-001:SurplusHeld:PLATFORM  600000.00 CNY" in text
    assert "2018-01-01 balance Assets:SX1331-A-2017-001:Fund:SUPPORT  1200000.00 CNY" in text
    app.close()


def test_a_tampered_export_fails_bean_check_at_the_year_end_assertion(tmp_path: Path) -> None:
    # given the export of the example
    app = memory_ledger(Clock(SCENARIO_TODAY))
    load_example_scenario(app)
    text = beancount_journal(app)
    # when one past expenditure is edited in the file
    tampered = text.replace("Expenses:SX1331-A-2017-001:LABOUR                 500000.00 CNY",
                            "Expenses:SX1331-A-2017-001:LABOUR                 400000.00 CNY", 1)
    tampered = tampered.replace("Assets:SX1331-A-2017-001:Fund:SUPPORT            -500000.00 CNY",
                                "Assets:SX1331-A-2017-001:Fund:SUPPORT            -400000.00 CNY", 1)
    assert tampered != text
    path = tmp_path / "tampered.beancount"
    path.write_text(tampered, encoding="utf-8")
    # then beancount's checker reports the broken year-end balance
    checked = bean_check(path)
    assert checked.returncode != 0
    assert "Balance failed" in checked.stdout + checked.stderr


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                HealthCheck.function_scoped_fixture])
@given(ops=histories, program=st.sampled_from(sorted(SOURCES)), more=histories)
def test_export_of_a_random_history_passes_bean_check_with_the_ledgers_balances(
    tmp_path: Path, ops: list[tuple[str, int, int]], program: str,
    more: list[tuple[str, int, int]],
) -> None:
    # given two projects with random histories
    app = memory_ledger(Clock(date(2030, 1, 1)))
    play(app, ops, program)
    play(app, more, "CJRH" if program == "1331-CIC" else "1331-CIC")
    # when the whole ledger is exported
    path = tmp_path / f"random-{abs(hash((tuple(ops), program)))}.beancount"
    path.write_text(beancount_journal(app), encoding="utf-8")
    # then bean-check accepts it and its balances are the ledger's
    assert_export_matches_ledger(app, path)
