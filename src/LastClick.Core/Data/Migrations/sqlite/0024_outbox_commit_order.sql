-- The outbox's readers keep their place as (xact, id) on PostgreSQL, where transactions commit out of id order
-- (Data/Outbox.cs). SQLite commits one write at a time, in id order: its xact is always 0. outbox_messages_undelivered
-- was read by nothing (delivered_at is never set: each reader keeps its own cursor, decision 0013) and every message
-- entered it.
ALTER TABLE outbox_cursors ADD COLUMN last_xact INTEGER NOT NULL DEFAULT 0;
DROP INDEX outbox_messages_undelivered;
-- A postback test now takes its message's id from its insert (RETURNING): two tests of one publisher at once took
-- the same "last" message, and the second's job failed on its unique key. Nothing reads this index any more.
DROP INDEX outbox_messages_postback_test;
