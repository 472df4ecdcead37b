-- Bearer tokens of the HTTP API (api.md "Auth"), created by `ledger tokens create`.
-- Only the SHA-256 hash of a token is stored: the token itself is shown once and never kept.
-- A finance office's token is bound to one university; revocation keeps the row for the audit
-- trail (who could act, and until when). Owned by the API (migrations 0050-0069).
CREATE TABLE IF NOT EXISTS api_tokens (
    token_id        TEXT PRIMARY KEY,
    token_hash      TEXT NOT NULL UNIQUE,
    role            TEXT NOT NULL
        CHECK (role IN ('department', 'finance_office', 'auditor', 'admin')),
    university_code TEXT,
    name            TEXT NOT NULL,
    created_at      TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    revoked_at      TEXT,
    CHECK ((role = 'finance_office') = (university_code IS NOT NULL))
);
