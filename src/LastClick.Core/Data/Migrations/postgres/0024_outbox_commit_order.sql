-- The outbox's readers (postbacks, news) kept a cursor by id. PostgreSQL gives an identity out when a row is inserted,
-- not when it commits: a transaction that stays open a while (a payout export, another node's or another writer's
-- batch, the hold's end) commits smaller ids after a reader has passed them, and they were never read. Each message
-- now carries the id of the transaction that wrote it (xact); readers go by (xact, id) and take only the messages of
-- transactions older than every one still running (Data/Outbox.cs). Messages written before this migration read as
-- xact 0, in id order, before the rest: they are all committed once it holds its lock. A non-volatile default adds
-- the column without rewriting the table; the volatile one applies to new rows only.
ALTER TABLE outbox_messages ADD COLUMN xact xid8 NOT NULL DEFAULT '0';
ALTER TABLE outbox_messages ALTER COLUMN xact SET DEFAULT pg_current_xact_id();
ALTER TABLE outbox_cursors ADD COLUMN last_xact BIGINT NOT NULL DEFAULT 0;
-- The readers' order. It takes the place of outbox_messages_undelivered, which nothing read (delivered_at is never
-- set: each reader keeps its own cursor, decision 0013), so a message still enters as many indexes as before. Building
-- it and dropping the other lock outbox_messages for writes (the drop for reads too) until the migration commits:
-- upgrade in a maintenance window.
CREATE INDEX outbox_messages_xact ON outbox_messages (xact, id);
DROP INDEX outbox_messages_undelivered;
-- A postback test now takes its message's id from its insert (RETURNING): two tests of one publisher at once took
-- the same "last" message, and the second's job failed on its unique key. Nothing reads this index any more.
DROP INDEX outbox_messages_postback_test;
