-- Issue 17: a publisher names its links ("Homepage banner", "Newsletter 12/2026") so lists and reports show names,
-- not codes. NULL for a link without one (a feed's own link is shown under its feed's name).
ALTER TABLE links ADD COLUMN name TEXT NULL;
