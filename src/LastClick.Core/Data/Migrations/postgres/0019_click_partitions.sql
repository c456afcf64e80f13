-- Clicks partitioned by UTC day (issue 19, decision 0015): retention drops a day's partition instead of deleting its
-- rows, and the redirect's inserts touch only today's small indexes. The table is rewritten once, here: a partition
-- for every day that has clicks, the rest (none) in the default partition, which also catches a click outside every
-- day partition (a replay of old history, a clock far off) so an insert never fails for want of one.
-- A unique index must include the partition key, so the click id is unique with its time, (id, at): the redirect's ids
-- are UUIDv7 made from the click's own instant, so one id has one time, and a retried batch carries both.
ALTER TABLE clicks RENAME TO clicks_unpartitioned;
CREATE TABLE clicks (LIKE clicks_unpartitioned INCLUDING DEFAULTS INCLUDING IDENTITY) PARTITION BY RANGE (at);
CREATE TABLE clicks_default PARTITION OF clicks DEFAULT;
DO $$
DECLARE day BIGINT;
BEGIN
    FOR day IN SELECT DISTINCT at / 86400000000 FROM clicks_unpartitioned WHERE at >= 0 ORDER BY 1 LOOP
        EXECUTE format('CREATE TABLE %I PARTITION OF clicks FOR VALUES FROM (%s) TO (%s)',
            'clicks_d' || to_char(to_timestamp(day * 86400) AT TIME ZONE 'UTC', 'YYYYMMDD'), day * 86400000000, (day + 1) * 86400000000);
    END LOOP;
END $$;
INSERT INTO clicks OVERRIDING SYSTEM VALUE SELECT * FROM clicks_unpartitioned;
SELECT setval(pg_get_serial_sequence('clicks', 'seq'), COALESCE((SELECT MAX(seq) FROM clicks_unpartitioned), 0) + 1, false);
DROP TABLE clicks_unpartitioned;

CREATE UNIQUE INDEX clicks_id_at ON clicks (id, at);
CREATE INDEX clicks_seq ON clicks (seq);
CREATE INDEX clicks_visitor_at ON clicks (visitor_id, at);
CREATE INDEX clicks_invalid_at ON clicks (at) WHERE invalid_reason IS NOT NULL;
CREATE INDEX clicks_signal_at ON clicks (at) WHERE signal_kind IS NOT NULL;
ANALYZE clicks;
