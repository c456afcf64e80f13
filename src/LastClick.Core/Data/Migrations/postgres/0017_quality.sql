-- Issue 18 (H3): what pays after refunds. A row is a publisher's month (bucket: months since 1970-01, of the order's
-- time, UTC) of one program, market (the delivery country) and payout currency, and of one kind: the whole orders
-- (kind 'order', value ''), their lines of one category (kind 'category', value the category) or of one store (kind
-- 'store', value the store, '' for none). An order counts once in each row it adds to; every change of it writes the
-- difference, in the same transaction (Reports/Quality.cs). Money in minor units of the row's currency. The
-- migration then sums the orders already stored into it (OrderRollup.BackfillQuality).
CREATE TABLE quality_m (
    publisher_id          TEXT NOT NULL,
    bucket                BIGINT NOT NULL,
    program_id            TEXT NOT NULL,
    kind                  TEXT NOT NULL,
    value                 TEXT NOT NULL,
    market                TEXT NOT NULL,
    currency              TEXT NOT NULL,
    orders                BIGINT NOT NULL,
    lines                 BIGINT NOT NULL,
    approved              BIGINT NOT NULL,
    declined              BIGINT NOT NULL,
    refunded_full         BIGINT NOT NULL,
    refunded_partial      BIGINT NOT NULL,
    fraud                 BIGINT NOT NULL,
    sales_minor           BIGINT NOT NULL,
    refunded_minor        BIGINT NOT NULL,
    approved_sales_minor  BIGINT NOT NULL,
    commission_minor      BIGINT NOT NULL,
    pending_minor         BIGINT NOT NULL,
    fraud_minor           BIGINT NOT NULL,
    PRIMARY KEY (publisher_id, bucket, program_id, kind, value, market, currency)
);
-- The operator's reads: a program's months over every publisher.
CREATE INDEX quality_m_program ON quality_m (program_id, kind, bucket);

-- Approved orders by whole days from the order to its confirmation (at most 120), for the median and 90th percentile.
CREATE TABLE quality_lag_m (
    publisher_id  TEXT NOT NULL,
    bucket        BIGINT NOT NULL,
    program_id    TEXT NOT NULL,
    kind          TEXT NOT NULL,
    value         TEXT NOT NULL,
    market        TEXT NOT NULL,
    currency      TEXT NOT NULL,
    days          INTEGER NOT NULL,
    orders        BIGINT NOT NULL,
    PRIMARY KEY (publisher_id, bucket, program_id, kind, value, market, currency, days)
);
CREATE INDEX quality_lag_m_program ON quality_lag_m (program_id, kind, bucket);
