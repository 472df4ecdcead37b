"""The worked example of example-scenario.md for tests (projections, API, ledger).

The data and loader live in :mod:`service.example_scenario` because ``ledger demo`` loads the
same example from an installed package; tests import them from here.
"""

from service.example_scenario import (
    DEPARTMENT,
    EXAMPLE_STEPS,
    FINANCE_OFFICE,
    PROJECT,
    REGISTRATION,
    SCENARIO_TODAY,
    UNIVERSITY,
    Step,
    StepOutcome,
    load_example_scenario,
    run_step,
)

__all__ = [
    "DEPARTMENT",
    "EXAMPLE_STEPS",
    "FINANCE_OFFICE",
    "PROJECT",
    "REGISTRATION",
    "SCENARIO_TODAY",
    "UNIVERSITY",
    "Step",
    "StepOutcome",
    "load_example_scenario",
    "run_step",
]
