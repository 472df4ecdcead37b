"""The load test itself is tested: a short headless locust run against a real server.

Given ``ledger serve`` on an embedded SQLite store on a free loopback port, when the personas
of ``loadtests/locustfile.py`` run headless for 20 s (creating their own tokens and projects),
then locust exits 0 — bodies validated, failure ratio and p99 within the objectives — and every
persona's main request was made. CI therefore catches a broken load test.
"""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from pathlib import Path

from loadtests import infra

REPO = Path(__file__).resolve().parents[2]


def test_a_short_headless_locust_run_meets_its_service_level_objectives(tmp_path: Path):
    database_url = f"sqlite:///{tmp_path / 'ledger.sqlite'}"
    port = infra.free_port()
    env = {"LEDGER_DATABASE_URL": database_url, "LEDGER_LOG_LEVEL": "warning",
           "LOCUST_MAX_P99_MS": "2000"}
    serve = [sys.executable, "-m", "service.cli", "serve", "--host", "127.0.0.1", "--port",
             str(port)]
    with infra.server(serve, port, env=env, log=tmp_path / "serve.log", ready_path="/healthz"):
        run = subprocess.run(
            [sys.executable, "-m", "locust", "-f", str(REPO / "loadtests/locustfile.py"),
             "--headless", "-H", f"http://127.0.0.1:{port}", "-u", "8", "-r", "8", "-t", "20s",
             "--stop-timeout", "5", "--csv", str(tmp_path / "run"), "--only-summary"],
            cwd=REPO, env={**os.environ, **env}, capture_output=True, text=True, timeout=120,
            check=False)

    assert run.returncode == 0, run.stderr[-3000:]
    with open(tmp_path / "run_stats.csv", newline="") as stats:
        requests = {row["Name"]: int(row["Request Count"]) for row in csv.DictReader(stats)}
    for name in ("POST expenditures", "GET account", "POST allocations", "GET events"):
        assert requests.get(name, 0) > 0, f"{name} was never requested: {requests}"
    assert requests["Aggregated"] >= 50
