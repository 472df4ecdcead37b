"""Several writers commit concurrently while two engines follow the log: the read models end
up equal to a rebuild (PostgreSQL: the production set-up of API processes plus a worker).

Given four writer threads posting allocations, expenditures and reversals into their own
projects, a worker engine following the log with LISTEN/NOTIFY and a second engine catching up
in a loop (as an embedded API process would), when the writers finish and the engines have
caught up, then the live tables are exactly what a rebuild from event zero gives.
"""

from __future__ import annotations

import threading
from datetime import date
from decimal import Decimal

from ledger.application import Ledger
from projections.engine import ProjectionEngine
from tests.factories import dept, fo
from tests.integration.test_projection_support import open_store

WRITERS, POSTINGS = 4, 25


def write_history(app: Ledger, code: str) -> None:
    app.register_project(dept(), code=code, program="1331-CIC", university_code="10108",
                         university_name="山西大学", name=code, project_class="A",
                         period_start_year=2017, period_end_year=2020, lead="某",
                         platforms=[], booked_on=date(2017, 1, 1))
    app.allocate(dept(), code, source="SUPPORT", appropriation_year=2017,
                 amount=Decimal("1000000.00"), document_no="D", booked_on=date(2017, 1, 2))
    for n in range(POSTINGS):
        result = app.post_expenditure(fo(), code, source="SUPPORT", category="MATERIALS",
                                      amount=Decimal("1000.00"), booked_on=date(2017, 3, 1),
                                      voucher_no=f"V{n}", payee="p", description="d")
        if n % 5 == 0:
            app.reverse_expenditure(fo(), code, result["expenditure_id"],
                                    amount=Decimal("100.00"), booked_on=date(2017, 3, 2),
                                    reason="r", voucher_no=f"R{n}")


def test_concurrent_writers_and_engines_end_equal_to_a_rebuild(pg_database_url: str) -> None:
    # given a worker engine and an "embedded" engine following the log
    app, worker = open_store(pg_database_url, date(2030, 1, 1))
    embedded = ProjectionEngine(app, pg_database_url)
    stop, errors = threading.Event(), []

    def follow() -> None:
        try:
            while not stop.is_set():
                embedded.catch_up()
        except Exception as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(error)

    threads = [threading.Thread(target=worker.run_forever, args=(stop,)),
               threading.Thread(target=follow)]
    writers = [threading.Thread(target=write_history, args=(app, f"CONC-{i}"))
               for i in range(WRITERS)]
    # when four writers post concurrently
    for thread in threads + writers:
        thread.start()
    for thread in writers:
        thread.join()
    stop.set()
    for thread in threads:
        thread.join()
    worker.catch_up()
    try:
        # then both engines agree with a rebuild from event zero
        assert errors == []
        live = worker.table_contents()
        spent = [r for r in live["rm_journal"] if r[6] == "EXPENDITURE"]
        assert len(spent) == WRITERS * POSTINGS
        worker.rebuild()
        assert worker.table_contents() == live
        assert all(s["lag_events"] == 0 for s in embedded.status())
    finally:
        embedded.close()
        worker.close()
        app.close()
