-- SQLite keeps the report rollups' changes from orders (and every other change but a click's) in this journal, one
-- row per quarter hour and full key of a commit, and folds them into the rollup tables a thousand or so at a time
-- (Reports/RollupJournal.cs): a report adds the rows still here as it reads. Nothing waits in it when it is made.
CREATE TABLE rollup_journal (
    seq                        INTEGER PRIMARY KEY,
    at                         BIGINT NOT NULL,
    program_id                 TEXT NOT NULL,
    publisher_id               TEXT NOT NULL,
    link_id                    TEXT NOT NULL,
    sub1                       TEXT NOT NULL,
    sub2                       TEXT NOT NULL,
    sub3                       TEXT NOT NULL,
    sub4                       TEXT NOT NULL,
    sub5                       TEXT NOT NULL,
    country                    TEXT NOT NULL,
    device                     TEXT NOT NULL,
    source                     TEXT NOT NULL,
    currency                   TEXT NOT NULL,
    clicks                     BIGINT NOT NULL,
    unique_clicks              BIGINT NOT NULL,
    invalid_clicks             BIGINT NOT NULL,
    orders                     BIGINT NOT NULL,
    orders_approved            BIGINT NOT NULL,
    orders_declined            BIGINT NOT NULL,
    sales_minor                BIGINT NOT NULL,
    commission_pending_minor   BIGINT NOT NULL,
    commission_confirmed_minor BIGINT NOT NULL,
    commission_payable_minor   BIGINT NOT NULL,
    commission_paid_minor      BIGINT NOT NULL,
    commission_declined_minor  BIGINT NOT NULL
);
