"""Reads over HTTP: project, journal, raw events with positions, as-of account, exports."""

from __future__ import annotations

import pytest

from tests.e2e.service import Service, expenditure, fresh_code, register_project


@pytest.fixture(scope="module")
def service(module_service: Service) -> Service:
    return module_service


@pytest.fixture(scope="module")
def code(service: Service) -> str:
    """A project with 1,000,000.00 of SUPPORT and three travel expenditures of 1,000.00."""
    code = fresh_code()
    register_project(service, code)
    for i in range(3):
        response = service.post("finance_office", f"/v1/projects/{code}/expenditures",
                                expenditure(voucher=f"2017-05-{i:03d}"))
        assert response.status_code == 201
    return code


def test_a_project_reads_back_its_registration(service: Service, code: str) -> None:
    project = service.get("finance_office", f"/v1/projects/{code}").json()
    assert (project["project_code"], project["university_code"], project["status"]) == (
        code, "10108", "ACTIVE")
    assert project["platform_entitlement"] == "1000000.00"


def test_the_journal_carries_a_running_balance_per_source(service: Service, code: str) -> None:
    lines = service.get("auditor", f"/v1/projects/{code}/journal", source="SUPPORT").json()[
        "lines"]
    assert [line["balance"] for line in lines] == [
        "1000000.00", "999000.00", "998000.00", "997000.00"]


def test_events_are_paged_by_log_position(service: Service, code: str) -> None:
    everything = service.get("auditor", f"/v1/projects/{code}/events").json()["events"]
    assert [e["type"] for e in everything] == [
        "Registered", "FundsAllocated", "ExpenditurePosted", "ExpenditurePosted",
        "ExpenditurePosted"]
    positions = [e["position"] for e in everything]
    assert positions == sorted(positions) and len(set(positions)) == 5
    assert everything[2]["actor"]["role"] == "finance_office"
    assert everything[2]["data"]["amount"] == "1000.00"
    assert all(len(e["hash"]) == 64 for e in everything)
    page = service.get("department", f"/v1/projects/{code}/events", after=positions[1],
                       limit=2).json()
    assert [e["position"] for e in page["events"]] == positions[2:4]
    assert page["next_after"] == positions[3]


def test_the_account_as_recorded_before_a_time_ignores_later_postings(
    service: Service, code: str,
) -> None:
    events = service.get("auditor", f"/v1/projects/{code}/events").json()["events"]
    before_spending = events[2]["recorded_at"]
    account = service.get("auditor", f"/v1/projects/{code}/account",
                          recorded_before=before_spending).json()
    assert account["fiscal_total"]["spent"] == "0.00"
    too_early = service.get("auditor", f"/v1/projects/{code}/account",
                            recorded_before="2000-01-01T00:00:00Z")
    assert (too_early.status_code, too_early.json()["type"]) == (404, "not-found")


def test_a_report_date_before_its_year_is_a_validation_error(service: Service) -> None:
    response = service.get("department", "/v1/reports/execution-rates", year=2018,
                           as_of="2017-12-31")
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "query.as_of"


def test_the_beancount_export_lists_the_projects_postings(service: Service, code: str) -> None:
    response = service.get("auditor", "/v1/exports/journal.beancount", project=code)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    assert "1000000.00" in response.text and code.replace("-", "") in response.text.replace(
        "-", "")


def test_an_auditor_verifies_the_untouched_history_as_clean(service: Service, code: str) -> None:
    report = service.get("auditor", "/v1/audit/verify").json()
    assert report["ok"] is True, report["findings"]
    assert report["events_checked"] > 0 and report["first_broken_position"] is None
    assert report["chain_head"] == report["recomputed_head"]
    malformed = service.get("auditor", "/v1/audit/verify", head="not-a-head")
    assert (malformed.status_code, malformed.json()["errors"][0]["field"]) == (422,
                                                                               "query.head")


def test_the_request_id_is_echoed_and_one_is_made_when_missing(service: Service) -> None:
    given = service.client.get("/healthz", headers={"X-Request-ID": "sxu-batch-0042"})
    made = service.client.get("/healthz")
    assert given.headers["X-Request-ID"] == "sxu-batch-0042"
    assert len(made.headers["X-Request-ID"]) == 32


def test_a_report_read_again_after_a_posting_shows_the_posting(service: Service) -> None:
    fresh = fresh_code()
    register_project(service, fresh)

    def spent() -> str:
        rows = service.get("department", "/v1/reports/execution-rates", year=2017,
                           as_of="2017-12-31").json()["rows"]
        return next(r["spent"] for r in rows if r["project_code"] == fresh)

    assert spent() == spent() == "0.00"  # the second answer comes from the report cache
    service.post("finance_office", f"/v1/projects/{fresh}/expenditures", expenditure())
    assert spent() == "1000.00"
