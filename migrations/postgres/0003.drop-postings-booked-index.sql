-- Why: every report that filters rm_postings by booked_on alone (carry-overs, matching) sums
-- nearly all rows up to the date anyway, so this index never paid for its cost on every insert
-- (measured: it slowed `ledger bench rebuild`). Year-bound reports keep (year, booked_on).
DROP INDEX IF EXISTS rm_postings_booked_idx;
