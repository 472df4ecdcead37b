-- Why: migrations/ owns every table, the event store's included, so the service runs the
-- eventsourcing library with LEDGER_CREATE_TABLE=no. Exactly the library's SQLite DDL (9.5.6):
-- the rowid of stored_events is the notification id.
CREATE TABLE IF NOT EXISTS stored_events (
    originator_id TEXT,
    originator_version INTEGER,
    topic TEXT,
    state BLOB,
    PRIMARY KEY (originator_id, originator_version));

CREATE TABLE IF NOT EXISTS stored_snapshots (
    originator_id TEXT,
    originator_version INTEGER,
    topic TEXT,
    state BLOB,
    PRIMARY KEY (originator_id, originator_version)) WITHOUT ROWID;
