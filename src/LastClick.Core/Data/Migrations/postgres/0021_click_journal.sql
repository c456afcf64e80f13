-- SQLite folds clicks into the report rollups a few hundred at a time (Tracking/ClickJournal.cs): the clicks with
-- a seq above this mark are not in them yet. PostgreSQL writes a click's rollups with the click (its seqs are not
-- handed out in commit order), so nothing reads the mark here; the table keeps both stores' schemas alike.
CREATE TABLE click_rollup_mark (
    id   SMALLINT PRIMARY KEY CHECK (id = 1),
    seq  BIGINT NOT NULL
);
INSERT INTO click_rollup_mark (id, seq) SELECT 1, COALESCE(MAX(seq), 0) FROM clicks;
