-- Why: tamper evidence (docs/audit.md). One row per stored event, in global order:
-- hash = SHA-256(prev_hash || canonical bytes of the event), hex; prev_hash of the first event is
-- 64 zeros. Kept beside the events, appended by projections/audit_chain.py in the same
-- transaction as its tracking row ('audit_chain' in projection_tracking), never updated.
CREATE TABLE IF NOT EXISTS audit_chain (
    position INTEGER PRIMARY KEY,
    hash TEXT NOT NULL,
    prev_hash TEXT NOT NULL);

INSERT INTO projection_tracking (name, position) VALUES ('audit_chain', 0)
    ON CONFLICT (name) DO NOTHING;
