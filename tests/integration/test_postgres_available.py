"""Smoke test: the test PostgreSQL server is reachable and is version 15."""

import psycopg


def test_fresh_database_answers(pg_database_url: str) -> None:
    with psycopg.connect(pg_database_url) as conn:
        assert conn.execute("select 1").fetchone() == (1,)
        assert conn.execute("select current_database()").fetchone()[0].startswith("t_")
        version = conn.execute("show server_version").fetchone()[0]
        assert conn.info.server_version // 10000 == 15
    assert version.startswith("15"), version


def test_each_test_gets_its_own_database(pg_database_url: str, postgres_url: str) -> None:
    with psycopg.connect(postgres_url) as conn:
        names = [r[0] for r in conn.execute("select datname from pg_database")]
    assert pg_database_url.rsplit("/", 1)[1] in names
