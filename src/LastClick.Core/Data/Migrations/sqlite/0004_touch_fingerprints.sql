-- Touches are idempotent by id like orders and events: the fingerprint of the first body tells a repeat (nothing
-- changes) from a different body under the same id (a conflict). Touches stored before this have none.
ALTER TABLE touches ADD COLUMN body_hash TEXT NULL;
