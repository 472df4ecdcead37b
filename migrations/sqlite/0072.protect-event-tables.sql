-- Why: stored events are facts; corrections are new events. SQLite has no roles: whoever can
-- write the file can drop these triggers, so on SQLite they only stop accidents; the hash chain
-- and `ledger audit verify` detect the rest (docs/audit.md).
CREATE TRIGGER IF NOT EXISTS stored_events_no_update BEFORE UPDATE ON stored_events
BEGIN SELECT RAISE(ABORT, 'fundledger: UPDATE on stored_events is refused: append-only'); END;

CREATE TRIGGER IF NOT EXISTS stored_events_no_delete BEFORE DELETE ON stored_events
BEGIN SELECT RAISE(ABORT, 'fundledger: DELETE on stored_events is refused: append-only'); END;

CREATE TRIGGER IF NOT EXISTS stored_snapshots_no_update BEFORE UPDATE ON stored_snapshots
BEGIN SELECT RAISE(ABORT, 'fundledger: UPDATE on stored_snapshots is refused: append-only'); END;

CREATE TRIGGER IF NOT EXISTS stored_snapshots_no_delete BEFORE DELETE ON stored_snapshots
BEGIN SELECT RAISE(ABORT, 'fundledger: DELETE on stored_snapshots is refused: append-only'); END;

CREATE TRIGGER IF NOT EXISTS audit_chain_no_update BEFORE UPDATE ON audit_chain
BEGIN SELECT RAISE(ABORT, 'fundledger: UPDATE on audit_chain is refused: append-only'); END;

CREATE TRIGGER IF NOT EXISTS audit_chain_no_delete BEFORE DELETE ON audit_chain
BEGIN SELECT RAISE(ABORT, 'fundledger: DELETE on audit_chain is refused: append-only'); END;
