-- Why: the read side (projections/), SQLite twin of postgres/0002 (dates are ISO TEXT).
-- Every table here is written only by the projection engine,
-- in the same transaction as its row in projection_tracking, and can be rebuilt from the events.
-- Amounts are INTEGER fen (cents): exact sums on both PostgreSQL and SQLite, converted to Decimal
-- yuan by projections/sql.py.
CREATE TABLE projection_tracking (
    name TEXT PRIMARY KEY,
    position INTEGER NOT NULL DEFAULT 0);

CREATE TABLE rm_projects (
    project_id TEXT PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    program TEXT NOT NULL,
    university_code TEXT NOT NULL,
    university_name TEXT NOT NULL,
    name TEXT NOT NULL,
    project_class TEXT NOT NULL,
    period_start_year INTEGER NOT NULL,
    period_end_year INTEGER NOT NULL,
    lead TEXT NOT NULL,
    platforms TEXT NOT NULL,
    platform_entitlement INTEGER NOT NULL,
    status TEXT NOT NULL,
    terminated_on TEXT,
    last_closed_year INTEGER,
    registered_on TEXT NOT NULL,
    position INTEGER NOT NULL);
CREATE INDEX rm_projects_university_idx ON rm_projects (university_code);

CREATE TABLE rm_tranches (
    project_code TEXT NOT NULL,
    source TEXT NOT NULL,
    appropriation_year INTEGER NOT NULL,
    allocated INTEGER NOT NULL DEFAULT 0,
    spent INTEGER NOT NULL DEFAULT 0,
    prior_year_refunds INTEGER NOT NULL DEFAULT 0,
    surplus INTEGER NOT NULL DEFAULT 0,
    recovered INTEGER NOT NULL DEFAULT 0,
    status TEXT NOT NULL DEFAULT 'OPEN',
    surplus_reason TEXT,
    PRIMARY KEY (project_code, source, appropriation_year));

CREATE TABLE rm_pools (
    project_code TEXT NOT NULL,
    source TEXT NOT NULL,
    contributed INTEGER NOT NULL DEFAULT 0,
    spent INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (project_code, source));

-- One row per movement of money (per tranche piece), with its business TEXT: the base of every
-- time-based report (execution rates, carry-over ageing, matching, 经费决算表).
CREATE TABLE rm_postings (
    position INTEGER NOT NULL,
    seq INTEGER NOT NULL,
    project_code TEXT NOT NULL,
    year INTEGER NOT NULL,
    booked_on TEXT NOT NULL,
    source TEXT NOT NULL,
    fiscal INTEGER NOT NULL,
    appropriation_year INTEGER,
    kind TEXT NOT NULL,
    category TEXT,
    amount INTEGER NOT NULL,
    PRIMARY KEY (position, seq));
CREATE INDEX rm_postings_year_booked_idx ON rm_postings (year, booked_on);
CREATE INDEX rm_postings_project_idx ON rm_postings (project_code, year);
CREATE INDEX rm_postings_booked_idx ON rm_postings (booked_on);

CREATE TABLE rm_journal (
    position INTEGER NOT NULL,
    seq INTEGER NOT NULL,
    project_code TEXT NOT NULL,
    booked_on TEXT NOT NULL,
    year INTEGER NOT NULL,
    source TEXT NOT NULL,
    entry TEXT NOT NULL,
    category TEXT,
    voucher_no TEXT,
    document_no TEXT,
    description TEXT,
    inflow INTEGER NOT NULL,
    outflow INTEGER NOT NULL,
    PRIMARY KEY (position, seq));
CREATE INDEX rm_journal_project_idx ON rm_journal (project_code, position);

CREATE TABLE rm_expenditures (
    expenditure_id TEXT PRIMARY KEY,
    project_code TEXT NOT NULL,
    booked_on TEXT NOT NULL,
    year INTEGER NOT NULL,
    source TEXT NOT NULL,
    category TEXT NOT NULL,
    amount INTEGER NOT NULL,
    voucher_no TEXT NOT NULL,
    position INTEGER NOT NULL);
CREATE INDEX rm_expenditures_project_idx ON rm_expenditures (project_code, year);

-- Reversals and asset fundings of expenditures, with their own business dates (as-of reports).
CREATE TABLE rm_expenditure_movements (
    position INTEGER NOT NULL,
    seq INTEGER NOT NULL,
    expenditure_id TEXT NOT NULL,
    project_code TEXT NOT NULL,
    booked_on TEXT NOT NULL,
    kind TEXT NOT NULL,
    amount INTEGER NOT NULL,
    PRIMARY KEY (position, seq));
CREATE INDEX rm_expenditure_movements_exp_idx ON rm_expenditure_movements (expenditure_id);

CREATE TABLE rm_assets (
    asset_id TEXT PRIMARY KEY,
    project_code TEXT NOT NULL,
    asset_no TEXT NOT NULL,
    name TEXT NOT NULL,
    category_code TEXT NOT NULL,
    original_value INTEGER NOT NULL,
    quantity INTEGER NOT NULL,
    unit TEXT NOT NULL,
    acquired_on TEXT NOT NULL,
    location TEXT NOT NULL,
    custodian TEXT NOT NULL,
    booked_on TEXT NOT NULL,
    funded_by TEXT NOT NULL,
    position INTEGER NOT NULL);
CREATE INDEX rm_assets_project_idx ON rm_assets (project_code);
