-- Why: the execution-rate report also gives each project's rate per source and over all sources
-- (domain.md §7), so it groups a year's postings by project and source; this covering index
-- keeps that grouping streamed from the index alone. It replaces the fiscal-only index of 0004.
DROP INDEX IF EXISTS rm_postings_rates_idx;
CREATE INDEX rm_postings_rates_by_source_idx
    ON rm_postings (year, project_code, source, booked_on, kind, amount, fiscal);
