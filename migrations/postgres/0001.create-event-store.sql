-- Why: migrations/ owns every table on PostgreSQL, the event store's included, so the service
-- runs the eventsourcing library with LEDGER_CREATE_TABLE=no. This is exactly the DDL the
-- library (9.5.6) creates for the application "ledger" (eventsourcing-notes.md §4.5, §4.7),
-- written so that it also adopts tables the library created before the first `ledger migrate`.
DO $$
BEGIN
    IF NOT EXISTS (
        SELECT 1 FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
        WHERE t.typname = 'stored_event_uuid' AND n.nspname = current_schema()
    ) THEN
        CREATE TYPE stored_event_uuid AS (
            originator_id uuid, originator_version bigint, topic text, state bytea);
    END IF;
END
$$;

CREATE TABLE IF NOT EXISTS ledger_events (
    originator_id uuid NOT NULL,
    originator_version bigint NOT NULL,
    topic text,
    state bytea,
    notification_id bigserial,
    PRIMARY KEY (originator_id, originator_version))
  WITH (autovacuum_enabled=true, autovacuum_vacuum_threshold=100000000,
        autovacuum_vacuum_scale_factor=0.5, autovacuum_analyze_threshold=1000,
        autovacuum_analyze_scale_factor=0.01);

CREATE UNIQUE INDEX IF NOT EXISTS ledger_events_notification_id_idx
    ON ledger_events (notification_id);

CREATE TABLE IF NOT EXISTS ledger_snapshots (
    originator_id uuid NOT NULL,
    originator_version bigint NOT NULL,
    topic text,
    state bytea,
    PRIMARY KEY (originator_id, originator_version))
  WITH (autovacuum_enabled=true, autovacuum_vacuum_threshold=100000000,
        autovacuum_vacuum_scale_factor=0.5, autovacuum_analyze_threshold=1000,
        autovacuum_analyze_scale_factor=0.01);
