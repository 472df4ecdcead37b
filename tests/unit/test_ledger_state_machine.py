"""Property test: random sequences of postings, reversals, assets, closes and recoveries.

Hypothesis drives one project of 1331-CIC (period 2017–2019) through allocations, matching
contributions, expenditures (all sources and a few categories, including forbidden ones),
reversals, asset registrations, year closes (sometimes too early), surplus recoveries and
attempts to post into closed years. Business dates only move forward, so the account as of any
date reached equals the live account at that moment. After every step:

- fiscal money is conserved per tranche and in total:
  allocated = spent + available + surplus awaiting + recovered, with the totals of accepted
  commands (kept by the test, independently of the ledger);
- no tranche figure and no pool is ever negative;
- a rejected command stores nothing; a closed year accepts nothing;
- the account rebuilt from its events equals the live one (and the one loaded from snapshots,
  taken every 5 events here, with the aggregate cache off);
- ``project_as_of`` at every date reached equals the live account at that date.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any, ClassVar

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    initialize,
    invariant,
    multiple,
    precondition,
    rule,
)

from ledger import errors
from ledger.application import Ledger
from ledger.history import replay_project
from ledger.project import Project
from tests.factories import (
    MEMORY_ENV,
    Clock,
    account_state,
    allocate,
    close,
    contribute,
    max_position,
    recover,
    register,
    register_asset,
    reverse,
    spend,
)

ZERO = Decimal("0.00")
FISCAL = ("SUPPORT", "PLATFORM")
CATEGORIES = ("EQUIPMENT", "EQUIPMENT", "EQUIPMENT", "MATERIALS", "LABOUR", "EVALUATION_FEE")


def money_between(low_cents: int, high_cents: int, round_amounts: list[str]) -> Any:
    """Amounts as a clerk posts them: mostly round figures, sometimes any cent value."""
    return st.one_of(st.sampled_from([Decimal(a) for a in round_amounts]),
                     st.integers(low_cents, high_cents).map(lambda c: Decimal(c) / 100))


amounts = money_between(1, 60_000_000, ["300000.00", "1000000.00", "2000000.00"])
spendings = money_between(1, 20_000_000, ["5000.00", "80000.00", "250000.00"])
fractions = st.sampled_from([Decimal("0.01"), Decimal("0.25"), Decimal("0.5"), Decimal(1),
                             Decimal("1.5")])
days = st.integers(min_value=0, max_value=45)


class SnapshotEveryFiveLedger(Ledger):
    """The ledger with frequent snapshots, so loading exercises snapshot state round trips."""

    snapshotting_intervals: ClassVar[dict[Any, int]] = {Project: 5}


class LedgerMachine(RuleBasedStateMachine):
    expenditures = Bundle("expenditures")

    def __init__(self) -> None:
        super().__init__()
        self.clock = Clock(date(2017, 1, 1))
        # Cache off: every load goes through snapshots and events (AGGREGATE_CACHE_MAXSIZE unset).
        self.app = SnapshotEveryFiveLedger({**MEMORY_ENV, "AGGREGATE_CACHE_MAXSIZE": ""},
                                           today=self.clock)
        self.code = register(self.app, start=2017, end=2019, platforms=["MOE_ERC"])
        self.cursor = date(2017, 1, 1)
        self.allocated = self.spent = self.recovered = ZERO
        self.live_at: dict[date, dict[str, Any]] = {}

    # --- helpers --------------------------------------------------------------------------------

    @property
    def project(self) -> Project:
        return self.app.get_project(self.code)

    def booking_date(self, advance: int) -> date:
        """Move the business date forward, staying inside the open year (if any)."""
        open_year = self.project.open_year
        target = self.cursor + timedelta(days=advance)
        if open_year is not None:
            target = max(min(target, date(open_year, 12, 31)), date(open_year, 1, 1))
        self.cursor = max(self.cursor, target)
        return self.cursor

    def attempt(self, call: Any) -> Any:
        """Run a command; a rejection must name a rule (or a field) and store nothing."""
        before = max_position(self.app)
        try:
            return call()
        except errors.DomainError as error:
            assert error.rule is not None or isinstance(error, errors.FieldError), error
            assert max_position(self.app) == before
            return None

    def remember(self) -> None:
        self.live_at[self.cursor] = account_state(self.project)

    # --- rules ---------------------------------------------------------------------------------

    @initialize(support=amounts, platform=amounts, matching=amounts)
    def fund_the_first_year(self, support, platform, matching):
        self.allocate_funds("SUPPORT", 2017, support, 30)
        self.allocate_funds("PLATFORM", 2017, min(platform, Decimal("1000000.00")), 0)
        self.contribute_matching(matching, 0)

    @rule(source=st.sampled_from(FISCAL), year=st.sampled_from([2017, 2018, 2019]),
          amount=amounts, advance=days)
    def allocate_funds(self, source, year, amount, advance):
        on = self.booking_date(advance)
        if self.attempt(lambda: allocate(self.app, self.code, source, year, str(amount),
                                         on.isoformat())):
            self.allocated += amount
        self.remember()

    @rule(amount=amounts, advance=days)
    def contribute_matching(self, amount, advance):
        on = self.booking_date(advance)
        self.attempt(lambda: contribute(self.app, self.code, str(amount), on.isoformat()))
        self.remember()

    @rule(target=expenditures, source=st.sampled_from(FISCAL + ("MATCHING",)),
          category=st.sampled_from(CATEGORIES), amount=spendings, advance=days)
    def post_expenditure(self, source, category, amount, advance):
        on = self.booking_date(advance)
        result = self.attempt(lambda: spend(self.app, self.code, source, str(amount),
                                            on.isoformat(), category=category))
        self.remember()
        if not result:
            return multiple()
        self.spent += amount if source in FISCAL else ZERO
        return result["expenditure_id"], source

    @rule(expenditure=expenditures, fraction=fractions, advance=days)
    def reverse_expenditure(self, expenditure, fraction, advance):
        expenditure_id, source = expenditure
        card = self.app.repository.get(expenditure_id)
        amount = (card.net_amount * fraction).quantize(Decimal("0.01"))
        on = self.booking_date(advance)
        if amount > ZERO and self.attempt(
                lambda: reverse(self.app, self.code, expenditure_id, str(amount), on.isoformat())):
            self.spent -= amount if source in FISCAL else ZERO
        self.remember()

    @rule(expenditure=expenditures, fraction=fractions, advance=days)
    def register_asset(self, expenditure, fraction, advance):
        expenditure_id, _ = expenditure
        card = self.app.repository.get(expenditure_id)
        value = (card.net_amount * fraction).quantize(Decimal("0.01"))
        on = self.booking_date(advance)
        if value > ZERO:
            self.attempt(lambda: register_asset(self.app, self.code, [(expenditure_id, str(value))],
                                                on.isoformat()))
        self.remember()

    @precondition(lambda self: self.project.open_year is not None)
    @rule(too_early=st.booleans(), now=st.integers(0, 2))
    def close_year(self, too_early, now):
        if now:  # closes are rarer than postings, so that years fill up before they close
            return
        year = self.project.open_year
        self.clock.day = date(year, 12, 31) if too_early else date(year + 1, 1, 1)
        result = self.attempt(lambda: close(self.app, self.code, year))
        assert (result is None) == too_early, "P10: a year closes exactly once it has ended"
        if result is not None:
            self.cursor = date(year, 12, 31)
            self.remember()
            self.cursor = date(year + 1, 1, 1)

    @rule(data=st.data(), fraction=fractions, advance=days)
    def recover_surplus(self, data, fraction, advance):
        surplus = [t for t in self.project.tranches.values() if t.status == "SURPLUS"]
        if not surplus:
            return
        tranche = data.draw(st.sampled_from(sorted(surplus, key=lambda t: (t.source,
                                                                            t.appropriation_year))))
        amount = (tranche.surplus_awaiting * fraction).quantize(Decimal("0.01"))
        on = self.booking_date(advance) if self.project.open_year else self.cursor
        if amount > ZERO and self.attempt(lambda: recover(
                self.app, self.code, tranche.source, tranche.appropriation_year, str(amount),
                on.isoformat())):
            self.recovered += amount
        self.remember()

    @precondition(lambda self: self.project.last_closed_year is not None)
    @rule(data=st.data(), kind=st.sampled_from(["allocation", "contribution", "expenditure"]))
    def post_into_a_closed_year(self, data, kind):
        year = data.draw(st.integers(2017, self.project.last_closed_year))
        on = date(year, 12, 31).isoformat()
        call = {
            "allocation": lambda: allocate(self.app, self.code, "SUPPORT", 2019, "1.00", on),
            "contribution": lambda: contribute(self.app, self.code, "1.00", on),
            "expenditure": lambda: spend(self.app, self.code, "MATCHING", "0.01", on),
        }[kind]
        before = max_position(self.app)
        try:
            call()
        except (errors.YearClosed, errors.PostingNotAccepted):
            assert max_position(self.app) == before
        else:
            raise AssertionError(f"a {kind} dated {on} was accepted into a closed year")

    # --- invariants ----------------------------------------------------------------------------

    @invariant()
    def fiscal_money_is_conserved(self):
        tranches = list(self.project.tranches.values())
        for t in tranches:
            assert t.allocated == t.spent + t.available + t.surplus_awaiting + t.recovered, t
        assert sum((t.allocated for t in tranches), ZERO) == self.allocated
        assert sum((t.spent for t in tranches), ZERO) == self.spent
        assert sum((t.recovered for t in tranches), ZERO) == self.recovered

    @invariant()
    def nothing_is_ever_negative(self):
        for t in self.project.tranches.values():
            assert min(t.allocated, t.spent, t.available, t.surplus_awaiting, t.recovered) >= 0, t
        for pool in self.project.pools.values():
            assert min(pool.contributed, pool.spent, pool.available) >= 0, pool

    @invariant()
    def the_account_rebuilt_from_its_events_equals_the_live_one(self):
        live = account_state(self.project)
        assert account_state(replay_project(self.app.project_events(self.code))) == live

    @invariant()
    def the_account_as_of_each_date_reached_equals_the_live_one_then(self):
        for on in sorted(self.live_at)[-3:]:  # the latest few: earlier ones were checked before
            as_of = account_state(self.app.project_as_of(self.code, as_of=on))
            assert as_of == self.live_at[on], on


TestLedgerStateMachine = LedgerMachine.TestCase
TestLedgerStateMachine.settings = settings(
    max_examples=50, stateful_step_count=40, deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
