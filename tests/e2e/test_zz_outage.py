import time
from urllib.parse import urlsplit

import psycopg

from tests.e2e.service import expenditure, fresh_code, register_project, start_service


def test_outage(pg_database_url, postgres_url):
    services = start_service(pg_database_url)
    service = next(services)
    code = fresh_code(); register_project(service, code)
    name = urlsplit(pg_database_url).path.lstrip("/")
    with psycopg.connect(postgres_url, autocommit=True) as c:
        c.execute(f"ALTER DATABASE {name} ALLOW_CONNECTIONS false")
        c.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", (name,))
    for label, fn in [("post", lambda: service.post("finance_office", f"/v1/projects/{code}/expenditures", expenditure())),
                      ("read", lambda: service.get("finance_office", f"/v1/projects/{code}/account")),
                      ("ready", lambda: service.client.get("/readyz"))]:
        t = time.perf_counter(); r = fn(); print(label, r.status_code, r.headers.get("retry-after"), round(time.perf_counter()-t, 2), r.text[:150])
    with psycopg.connect(postgres_url, autocommit=True) as c:
        c.execute(f"ALTER DATABASE {name} ALLOW_CONNECTIONS true")
    time.sleep(1)
    for label, fn in [("post", lambda: service.post("finance_office", f"/v1/projects/{code}/expenditures", expenditure(voucher="x2"))),
                      ("read", lambda: service.get("finance_office", f"/v1/projects/{code}/account"))]:
        t = time.perf_counter(); r = fn(); print("after", label, r.status_code, round(time.perf_counter()-t, 2))
    services.close()
