-- Why: the read side (projections/). Every table here is written only by the projection engine,
-- in the same transaction as its row in projection_tracking, and can be rebuilt from the events.
-- Amounts are bigint fen (cents): exact sums on both PostgreSQL and SQLite, converted to Decimal
-- yuan by projections/sql.py.
CREATE TABLE projection_tracking (
    name text PRIMARY KEY,
    position bigint NOT NULL DEFAULT 0);

CREATE TABLE rm_projects (
    project_id text PRIMARY KEY,
    code text NOT NULL UNIQUE,
    program text NOT NULL,
    university_code text NOT NULL,
    university_name text NOT NULL,
    name text NOT NULL,
    project_class text NOT NULL,
    period_start_year integer NOT NULL,
    period_end_year integer NOT NULL,
    lead text NOT NULL,
    platforms text NOT NULL,
    platform_entitlement bigint NOT NULL,
    status text NOT NULL,
    terminated_on date,
    last_closed_year integer,
    registered_on date NOT NULL,
    position bigint NOT NULL);
CREATE INDEX rm_projects_university_idx ON rm_projects (university_code);

CREATE TABLE rm_tranches (
    project_code text NOT NULL,
    source text NOT NULL,
    appropriation_year integer NOT NULL,
    allocated bigint NOT NULL DEFAULT 0,
    spent bigint NOT NULL DEFAULT 0,
    prior_year_refunds bigint NOT NULL DEFAULT 0,
    surplus bigint NOT NULL DEFAULT 0,
    recovered bigint NOT NULL DEFAULT 0,
    status text NOT NULL DEFAULT 'OPEN',
    surplus_reason text,
    PRIMARY KEY (project_code, source, appropriation_year));

CREATE TABLE rm_pools (
    project_code text NOT NULL,
    source text NOT NULL,
    contributed bigint NOT NULL DEFAULT 0,
    spent bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (project_code, source));

-- One row per movement of money (per tranche piece), with its business date: the base of every
-- time-based report (execution rates, carry-over ageing, matching, 经费决算表).
CREATE TABLE rm_postings (
    position bigint NOT NULL,
    seq integer NOT NULL,
    project_code text NOT NULL,
    year integer NOT NULL,
    booked_on date NOT NULL,
    source text NOT NULL,
    fiscal smallint NOT NULL,
    appropriation_year integer,
    kind text NOT NULL,
    category text,
    amount bigint NOT NULL,
    PRIMARY KEY (position, seq));
CREATE INDEX rm_postings_year_booked_idx ON rm_postings (year, booked_on);
CREATE INDEX rm_postings_project_idx ON rm_postings (project_code, year);
CREATE INDEX rm_postings_booked_idx ON rm_postings (booked_on);

CREATE TABLE rm_journal (
    position bigint NOT NULL,
    seq integer NOT NULL,
    project_code text NOT NULL,
    booked_on date NOT NULL,
    year integer NOT NULL,
    source text NOT NULL,
    entry text NOT NULL,
    category text,
    voucher_no text,
    document_no text,
    description text,
    inflow bigint NOT NULL,
    outflow bigint NOT NULL,
    PRIMARY KEY (position, seq));
CREATE INDEX rm_journal_project_idx ON rm_journal (project_code, position);

CREATE TABLE rm_expenditures (
    expenditure_id text PRIMARY KEY,
    project_code text NOT NULL,
    booked_on date NOT NULL,
    year integer NOT NULL,
    source text NOT NULL,
    category text NOT NULL,
    amount bigint NOT NULL,
    voucher_no text NOT NULL,
    position bigint NOT NULL);
CREATE INDEX rm_expenditures_project_idx ON rm_expenditures (project_code, year);

-- Reversals and asset fundings of expenditures, with their own business dates (as-of reports).
CREATE TABLE rm_expenditure_movements (
    position bigint NOT NULL,
    seq integer NOT NULL,
    expenditure_id text NOT NULL,
    project_code text NOT NULL,
    booked_on date NOT NULL,
    kind text NOT NULL,
    amount bigint NOT NULL,
    PRIMARY KEY (position, seq));
CREATE INDEX rm_expenditure_movements_exp_idx ON rm_expenditure_movements (expenditure_id);

CREATE TABLE rm_assets (
    asset_id text PRIMARY KEY,
    project_code text NOT NULL,
    asset_no text NOT NULL,
    name text NOT NULL,
    category_code text NOT NULL,
    original_value bigint NOT NULL,
    quantity integer NOT NULL,
    unit text NOT NULL,
    acquired_on date NOT NULL,
    location text NOT NULL,
    custodian text NOT NULL,
    booked_on date NOT NULL,
    funded_by text NOT NULL,
    position bigint NOT NULL);
CREATE INDEX rm_assets_project_idx ON rm_assets (project_code);
