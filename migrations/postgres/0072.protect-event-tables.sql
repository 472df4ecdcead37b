-- Why: stored events are facts; corrections are new events. Whatever a role's privileges (the
-- service's role needs UPDATE on ledger_events for the library's table lock), these triggers
-- reject UPDATE, DELETE and TRUNCATE of the event store, its snapshots and the audit chain.
-- A superuser can still disable them (ALTER TABLE ... DISABLE TRIGGER): that is what the hash
-- chain and `ledger audit verify` are for (docs/audit.md).
CREATE OR REPLACE FUNCTION fundledger_reject_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'fundledger: % on % is refused: the table is append-only', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege',
              HINT = 'Stored events are never changed; record a correcting event instead.';
END
$$;

DROP TRIGGER IF EXISTS ledger_events_append_only ON ledger_events;
CREATE TRIGGER ledger_events_append_only
    BEFORE UPDATE OR DELETE OR TRUNCATE ON ledger_events
    FOR EACH STATEMENT EXECUTE FUNCTION fundledger_reject_change();

DROP TRIGGER IF EXISTS ledger_snapshots_append_only ON ledger_snapshots;
CREATE TRIGGER ledger_snapshots_append_only
    BEFORE UPDATE OR DELETE OR TRUNCATE ON ledger_snapshots
    FOR EACH STATEMENT EXECUTE FUNCTION fundledger_reject_change();

DROP TRIGGER IF EXISTS audit_chain_append_only ON audit_chain;
CREATE TRIGGER audit_chain_append_only
    BEFORE UPDATE OR DELETE OR TRUNCATE ON audit_chain
    FOR EACH STATEMENT EXECUTE FUNCTION fundledger_reject_change();
