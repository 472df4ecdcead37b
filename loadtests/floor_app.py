"""The HTTP-plus-commit floor (quality.md, Performance (a)): the least a durable posting per
HTTP request can cost on this stack.

One sync FastAPI endpoint (run in the same thread pool as the ledger's sync endpoints) that
INSERTs one row of about a stored event's size through a psycopg pool, commits and returns 201.
Served by uvicorn with the ledger server's settings. ``FLOOR_DATABASE_URL`` names the database.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.responses import JSONResponse
from psycopg_pool import ConnectionPool

STATE = (
    b'{"amount":{"_type_":"decimal_str","_data_":"10.00"},"source":"PROVINCIAL",'
    b'"category":"MATERIALS","booked_on":"2018-03-01","voucher_no":"V-000001"}'
)
DDL = (
    "CREATE TABLE IF NOT EXISTS floor_events (notification_id bigserial, originator_id uuid "
    "NOT NULL, originator_version bigint NOT NULL, topic text, state bytea, "
    "PRIMARY KEY (originator_id, originator_version)); "
    "CREATE UNIQUE INDEX IF NOT EXISTS floor_events_nid ON floor_events (notification_id)"
)
INSERT = (
    "INSERT INTO floor_events (originator_id, originator_version, topic, state) "
    "VALUES (%s, 1, 'ledger.project:Project.ExpenditurePosted', %s) RETURNING notification_id"
)

pools: dict[str, ConnectionPool] = {}


@asynccontextmanager
async def lifespan(_: FastAPI) -> AsyncIterator[None]:
    pool = ConnectionPool(os.environ["FLOOR_DATABASE_URL"], min_size=5, max_size=15, open=True)
    pools["main"] = pool
    yield
    pool.close()


app = FastAPI(lifespan=lifespan)


@app.post("/rows", status_code=201)
def insert_row() -> JSONResponse:
    with pools["main"].connection() as conn:
        row = conn.execute(INSERT, (uuid.uuid4(), STATE)).fetchone()
    return JSONResponse({"position": row[0] if row else None}, status_code=201)


@app.get("/health")
def health() -> dict[str, str]:
    return {"status": "ok"}
