-- Clicks are partitioned by UTC day on PostgreSQL only (see postgres/0019_click_partitions.sql and decision 0015);
-- SQLite has no partitions and keeps one clicks table, dropped by range. Nothing changes here: the version is kept
-- in step with PostgreSQL's.
SELECT 1;
