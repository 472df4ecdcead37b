"""The worked example's figures from the projections with the in-memory store (read models in
an in-memory SQLite database): the fast variant of tests/integration/test_projection_scenario.py."""

from __future__ import annotations

from tests.integration.test_projection_scenario import check_every_figure
from tests.integration.test_projection_support import open_store
from tests.scenario import SCENARIO_TODAY, load_example_scenario


def test_every_figure_of_the_worked_example_comes_out_of_in_memory_projections() -> None:
    # given the worked example on the in-memory store
    app, engine = open_store("memory://", SCENARIO_TODAY)
    load_example_scenario(app)
    # when the engine catches up
    engine.catch_up()
    # then the example's figures are read from the in-memory read models
    check_every_figure(engine.read_models)
    # and catching up again finds nothing to do
    assert engine.catch_up() == 0
