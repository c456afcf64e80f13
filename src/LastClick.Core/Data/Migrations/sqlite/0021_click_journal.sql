-- SQLite folds clicks into the report rollups a few hundred at a time instead of click by click
-- (Tracking/ClickJournal.cs): the clicks with a seq above this mark are not in the rollups yet, and a report adds
-- them as it reads. The clicks already stored are in them.
CREATE TABLE click_rollup_mark (
    id   INTEGER PRIMARY KEY CHECK (id = 1),
    seq  BIGINT NOT NULL
);
INSERT INTO click_rollup_mark (id, seq) SELECT 1, COALESCE(MAX(seq), 0) FROM clicks;
