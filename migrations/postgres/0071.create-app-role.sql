-- Why: least privilege (docs/audit.md "Database roles"). The service connects as a login role
-- that is a member of fundledger_app, never as the owner of the tables:
--   CREATE ROLE fundledger_svc LOGIN PASSWORD '...' IN ROLE fundledger_app;
-- fundledger_app itself is NOLOGIN (a group role: no password lives in a migration) and is
-- cluster-wide, so it is created only if missing (several databases share it).
-- Event tables: SELECT and INSERT, plus UPDATE on ledger_events only because the library's
-- `LOCK TABLE ledger_events IN EXCLUSIVE MODE` needs it (0072 rejects every UPDATE); never
-- DELETE or TRUNCATE. The audit chain is append-only too. Every other table (read models,
-- tracking, tokens, yoyo's bookkeeping read at start-up) is read and written by the service.
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'fundledger_app') THEN
        BEGIN
            CREATE ROLE fundledger_app NOLOGIN;
        EXCEPTION WHEN duplicate_object OR unique_violation THEN
            NULL;  -- created concurrently by a migration of another database
        END;
    END IF;
    EXECUTE format('GRANT USAGE ON SCHEMA %I TO fundledger_app', current_schema());
    EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA %I '
                   'TO fundledger_app', current_schema());
    EXECUTE format('GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA %I TO fundledger_app',
                   current_schema());
    -- Tables created by later migrations (run by this same owner) get the same grants.
    EXECUTE format('ALTER DEFAULT PRIVILEGES IN SCHEMA %I GRANT SELECT, INSERT, UPDATE, DELETE '
                   'ON TABLES TO fundledger_app', current_schema());
    EXECUTE format('ALTER DEFAULT PRIVILEGES IN SCHEMA %I GRANT USAGE, SELECT ON SEQUENCES '
                   'TO fundledger_app', current_schema());
END
$$;

REVOKE ALL ON ledger_events, ledger_snapshots, audit_chain FROM fundledger_app;
GRANT SELECT, INSERT, UPDATE ON ledger_events TO fundledger_app;
GRANT SELECT, INSERT ON ledger_snapshots, audit_chain TO fundledger_app;
REVOKE ALL ON ledger_events, ledger_snapshots, audit_chain FROM PUBLIC;
-- yoyo's bookkeeping is read by the service's start-up check, written only by `ledger migrate`.
REVOKE INSERT, UPDATE, DELETE ON _yoyo_migration, _yoyo_log, _yoyo_version, yoyo_lock
    FROM fundledger_app;
