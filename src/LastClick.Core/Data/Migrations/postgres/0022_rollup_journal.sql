-- SQLite keeps the report rollups' changes from orders in this journal and folds them a thousand or so at a time
-- (Reports/RollupJournal.cs). PostgreSQL writes them with the change (several nodes write at once), so nothing
-- uses it here; the table keeps both stores' schemas alike.
CREATE TABLE rollup_journal (
    seq                        BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
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
