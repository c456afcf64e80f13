-- A repeated click (same visitor or same IP and user agent, same link, within seconds) is stored, marked, and not
-- counted as a unique click. It is not invalid traffic: it still counts for attribution like any click.
ALTER TABLE clicks ADD COLUMN duplicate INTEGER NOT NULL DEFAULT 0;
