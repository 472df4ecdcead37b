"""The CLI over the read models: migrate, projections status/rebuild, reports to a file.

Given a SQLite database holding the worked example, when the `ledger` commands run against it
(LEDGER_DATABASE_URL), then they migrate, report positions, rebuild, and write the execution-rate
report as XLSX with its Chinese headers.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from openpyxl import load_workbook

from service.cli import main
from tests.integration.test_projection_support import open_store
from tests.scenario import PROJECT, SCENARIO_TODAY, load_example_scenario


@pytest.fixture
def example_database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{tmp_path / 'ledger.sqlite'}"
    app, engine = open_store(url, SCENARIO_TODAY)
    load_example_scenario(app)
    engine.close()
    app.close()
    monkeypatch.setenv("LEDGER_DATABASE_URL", url)
    return url


def test_migrate_status_rebuild_and_report_from_the_command_line(
    example_database: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # when the schema is checked, the read models rebuilt and their status asked
    assert main(["migrate", "--check"]) == 0
    assert main(["projections", "rebuild", "--quiet"]) == 0
    capsys.readouterr()
    assert main(["projections", "status", "--json"]) == 0
    status = json.loads(capsys.readouterr().out)
    # then every read model is at the head of the log
    assert {s["lag_events"] for s in status} == {0}
    # when the execution-rate report is written as XLSX
    out = tmp_path / "rates.xlsx"
    assert main(["reports", "execution-rates", "--year", "2018", "--as-of", "2018-06-30",
                 "--format", "xlsx", "-o", str(out)]) == 0
    # then it opens with the Chinese headers and the example's row
    rows = list(load_workbook(io.BytesIO(out.read_bytes())).active.iter_rows(values_only=True))
    assert rows[0][:3] == ("项目编号", "高校", "类别")
    assert rows[1][0] == PROJECT


def test_an_unknown_read_model_is_refused(example_database: str,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["projections", "rebuild", "nonsense"]) == 2
    assert "unknown read model" in capsys.readouterr().err
