"""While PostgreSQL is down the API answers 503 + Retry-After (a problem document), never 500,
and it recovers by itself once the database is back (the pools reconnect; pre-ping is on).

The test stops and starts its own cluster (port 54343), never the shared test server.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from loadtests.faults_cluster import Cluster, own_cluster
from projections.schema import apply_migrations
from service.settings import Settings
from tests.e2e.service import Service, expenditure, make_tokens, register_project

pytestmark = [pytest.mark.postgres, pytest.mark.timeout(240)]
PORT = 54343


@pytest.fixture(scope="module")
def cluster() -> Iterator[Cluster]:
    with own_cluster(PORT) as running:
        yield running


@pytest.fixture
def service(cluster: Cluster) -> Iterator[Service]:
    with cluster.database("outage") as url:
        apply_migrations(url)
        tokens = make_tokens(url)
        app = create_app(Settings(database_url=url, projections="embedded"))
        with TestClient(app, raise_server_exceptions=False) as client:
            yield Service(client, tokens, url)
        if not cluster.running():
            cluster.start()


def requests_while_down(service: Service) -> list[Any]:
    """One write and the main reads, each answered while the database is unreachable."""
    return [
        service.post("finance_office", "/v1/projects/SX-OUT-1/expenditures",
                     expenditure("10.00", voucher="OUT-2")),
        service.get("finance_office", "/v1/projects/SX-OUT-1/account"),
        service.get("department", "/v1/projects"),
        service.get("auditor", "/v1/projects/SX-OUT-1/events"),
        service.get("department", "/v1/reports/execution-rates", year=2017),
    ]


@pytest.mark.parametrize("mode", ["fast", "immediate"])
def test_while_the_database_is_down_requests_get_503_and_afterwards_the_service_recovers(
        cluster: Cluster, service: Service, mode: str) -> None:
    # given a project with money and one expenditure
    register_project(service, "SX-OUT-1")
    first = service.post("finance_office", "/v1/projects/SX-OUT-1/expenditures",
                         expenditure("10.00", voucher="OUT-1"))
    assert first.status_code == 201, first.text
    # when PostgreSQL stops (fast: sessions disconnected; immediate: like a crash)
    cluster.stop(mode)
    try:
        started = time.monotonic()
        answers = requests_while_down(service)
        elapsed = time.monotonic() - started
    finally:
        cluster.start()
    # then each request was a 503 problem with Retry-After, promptly, never a 500
    for response in answers:
        assert response.status_code == 503, (response.request.url, response.text)
        assert response.headers["retry-after"].isdigit()
        assert response.headers["content-type"].startswith("application/problem+json")
        assert response.json()["type"] == "store-unavailable"
    assert elapsed < 60
    # and once it is back, the same process serves writes and reads again (a client retrying a
    # 503 as Retry-After says), with nothing lost
    written = until_not_503(lambda: service.post(
        "finance_office", "/v1/projects/SX-OUT-1/expenditures",
        expenditure("25.00", voucher="REC-1"), key="recover-1"))
    assert written.status_code == 201, written.text
    account = until_not_503(lambda: service.get("finance_office",
                                                "/v1/projects/SX-OUT-1/account"))
    assert account.status_code == 200, account.text
    events = until_not_503(lambda: service.get("auditor", "/v1/projects/SX-OUT-1/events"))
    assert events.status_code == 200, events.text
    vouchers = [e["data"].get("voucher_no") for e in events.json()["events"]
                if e["type"].endswith("ExpenditurePosted")]
    assert vouchers == ["OUT-1", "REC-1"]
    assert until_not_503(lambda: service.get("department", "/readyz")).status_code == 200


def until_not_503(call: Callable[[], Any], seconds: float = 30) -> Any:
    """A client honouring 503 + Retry-After (polling faster than it says, to keep tests short)."""
    deadline = time.monotonic() + seconds
    response = call()
    while response.status_code == 503 and time.monotonic() < deadline:
        time.sleep(0.5)
        response = call()
    return response
