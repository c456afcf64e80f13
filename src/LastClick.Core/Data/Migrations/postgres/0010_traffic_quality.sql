-- Issue 13 (decision 0011): invalid traffic judged from the request (A6, GIVT), publisher-level findings (SIVT) and
-- their review by the operator.

-- What showed a click to be invalid (a header and its value, a count), and a source signal the analytics read: a
-- paid-search click with its keyword, or a referrer on a pop network. Both null for almost every click.
ALTER TABLE clicks ADD COLUMN invalid_evidence TEXT NULL;
ALTER TABLE clicks ADD COLUMN signal_kind TEXT NULL;
ALTER TABLE clicks ADD COLUMN signal_detail TEXT NULL;
-- The daily analytics read the few clicks with a signal by day; every other click stays out of this index.
CREATE INDEX clicks_signal_at ON clicks (at) WHERE signal_kind IS NOT NULL;

-- A confirmed finding declines the orders behind it (invalid_traffic or prohibited_practice): a fact of the order,
-- like a marketplace's fraud event, kept with the finding that established it.
ALTER TABLE orders ADD COLUMN finding_id BIGINT NULL;
ALTER TABLE orders ADD COLUMN finding_reason TEXT NULL;
ALTER TABLE orders ADD COLUMN finding_at BIGINT NULL;
-- The analytics read a day's orders by time.
CREATE INDEX orders_at ON orders (at);

-- A publisher whose links are suspended: its links still send visitors on, but every click is invalid ('suspended').
ALTER TABLE publishers ADD COLUMN links_suspended_at BIGINT NULL;
ALTER TABLE publishers ADD COLUMN links_suspended_by TEXT NULL;
ALTER TABLE publishers ADD COLUMN links_suspended_reason TEXT NULL;

-- Findings of the publisher-level analytics: one per rule, program, publisher, sub id ('' for a publisher-wide one) and
-- analysed day. evidence is JSON (figures, click ids, order ids). status: open, confirmed, dismissed.
CREATE TABLE fraud_findings (
    id              BIGSERIAL PRIMARY KEY,
    rule            TEXT NOT NULL,
    program_id      TEXT NOT NULL,
    publisher_id    TEXT NOT NULL,
    sub1            TEXT NOT NULL,
    day             TEXT NOT NULL,
    score           INTEGER NOT NULL,
    summary         TEXT NOT NULL,
    evidence        TEXT NOT NULL,
    status          TEXT NOT NULL,
    found_at        BIGINT NOT NULL,
    decided_by      TEXT NULL,
    decided_at      BIGINT NULL,
    decision_reason TEXT NULL,
    decision_note   TEXT NULL,
    reply           TEXT NULL,
    replied_at      BIGINT NULL
);
CREATE UNIQUE INDEX fraud_findings_key ON fraud_findings (rule, program_id, publisher_id, sub1, day);
CREATE INDEX fraud_findings_status ON fraud_findings (status, found_at);
CREATE INDEX fraud_findings_publisher ON fraud_findings (publisher_id, found_at);
