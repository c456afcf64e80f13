-- Issue 14 (decision 0012): payout runs as durable objects (planned → approved → exported → settled), bank files,
-- statements, manual adjustments, and the messages other parts will deliver.

-- A change of payout details after the first ones holds the publisher's next payout until then (hijacked accounts).
ALTER TABLE publishers ADD COLUMN payout_hold_until INTEGER NULL;

-- A run's state and who moved it. Runs written before this migration paid at once: they are exported.
ALTER TABLE payout_runs ADD COLUMN status TEXT NOT NULL DEFAULT 'exported';
ALTER TABLE payout_runs ADD COLUMN planned_at INTEGER NULL;
ALTER TABLE payout_runs ADD COLUMN planned_by TEXT NULL;
ALTER TABLE payout_runs ADD COLUMN approved_at INTEGER NULL;
ALTER TABLE payout_runs ADD COLUMN approved_by TEXT NULL;
ALTER TABLE payout_runs ADD COLUMN second_approved_at INTEGER NULL;
ALTER TABLE payout_runs ADD COLUMN second_approved_by TEXT NULL;
ALTER TABLE payout_runs ADD COLUMN exported_at INTEGER NULL;
ALTER TABLE payout_runs ADD COLUMN exported_by TEXT NULL;
ALTER TABLE payout_runs ADD COLUMN settled_at INTEGER NULL;
CREATE INDEX payout_runs_status ON payout_runs (program_id, status, at);

-- A line: planned_minor is what the plan saw, amount_minor what was paid (the balance at export, never more than
-- planned). pay_* is what the bank sends when the publisher is paid in another currency (fx_rate the program's
-- internal rate of the run date). bank is the publisher's details as they were at planning (JSON); reference the
-- bank's end-to-end id; invoice the self-billing invoice number.
ALTER TABLE payouts ADD COLUMN seq INTEGER NOT NULL DEFAULT 0;
ALTER TABLE payouts ADD COLUMN planned_minor INTEGER NOT NULL DEFAULT 0;
ALTER TABLE payouts ADD COLUMN method TEXT NULL;
ALTER TABLE payouts ADD COLUMN pay_currency TEXT NULL;
ALTER TABLE payouts ADD COLUMN pay_minor INTEGER NULL;
ALTER TABLE payouts ADD COLUMN fx_rate TEXT NULL;
ALTER TABLE payouts ADD COLUMN bank TEXT NULL;
ALTER TABLE payouts ADD COLUMN reference TEXT NULL;
ALTER TABLE payouts ADD COLUMN invoice TEXT NULL;
ALTER TABLE payouts ADD COLUMN settled_at INTEGER NULL;
ALTER TABLE payouts ADD COLUMN settled_by TEXT NULL;
ALTER TABLE payouts ADD COLUMN returned_at INTEGER NULL;
ALTER TABLE payouts ADD COLUMN return_reason TEXT NULL;
CREATE INDEX payouts_publisher ON payouts (publisher_id, run_id);

-- Runs and lines written before: paid at once, in the balance's currency. Statements and returns read these columns.
UPDATE payout_runs SET exported_at = at, planned_at = at, planned_by = 'schedule', approved_at = at, approved_by = 'schedule', exported_by = 'schedule';
UPDATE payouts SET planned_minor = amount_minor, pay_currency = currency, pay_minor = amount_minor WHERE status = 'paid';
-- "Complete" is derived from the details from now on: a publisher with none is not complete, whatever it was set to.
UPDATE publishers SET payout_details_complete = 0 WHERE payout_details IS NULL;

-- A run's money moves once per line (publisher and balance currency): an export retried or resumed cannot post a
-- second payout, conversion or return. payout_line is the line's balance currency.
ALTER TABLE ledger_transfers ADD COLUMN payout_line TEXT NULL;
CREATE UNIQUE INDEX ledger_transfers_once_per_run ON ledger_transfers (payout_run_id, publisher_id, payout_line, currency, kind)
    WHERE payout_line IS NOT NULL;

-- The bank files of an exported run, kept as written (gzip-compressed: a SEPA file of 100,000 transfers is ~50 MB of
-- XML): a second download is the same bytes. sha256 and size are the file's own, uncompressed.
CREATE TABLE payout_files (
    run_id    TEXT NOT NULL,
    name      TEXT NOT NULL,
    media     TEXT NOT NULL,
    content   BLOB NOT NULL,
    size      INTEGER NOT NULL,
    sha256    TEXT NOT NULL,
    at        INTEGER NOT NULL,
    PRIMARY KEY (run_id, name)
);

-- Self-billing invoice numbers, per program and year, without gaps.
CREATE TABLE invoice_counters (
    program_id  TEXT NOT NULL,
    year        INTEGER NOT NULL,
    last        INTEGER NOT NULL,
    PRIMARY KEY (program_id, year)
);

-- Manual credits and debits (bonus, correction): the ledger transfer carries the money, this row the why.
CREATE TABLE payout_adjustments (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    program_id    TEXT NOT NULL,
    publisher_id  TEXT NOT NULL,
    currency      TEXT NOT NULL,
    amount_minor  INTEGER NOT NULL,
    reason        TEXT NOT NULL,
    note          TEXT NULL,
    reference     TEXT NULL,
    by_actor      TEXT NOT NULL,
    at            INTEGER NOT NULL
);
CREATE UNIQUE INDEX payout_adjustments_reference ON payout_adjustments (publisher_id, reference) WHERE reference IS NOT NULL;
ALTER TABLE ledger_transfers ADD COLUMN adjustment_id INTEGER NULL;

-- Facts worth telling, written in the transaction of the change (payout planned, approved, exported, a line returned,
-- details changed): the notification work delivers them.
CREATE TABLE outbox_messages (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    kind          TEXT NOT NULL,
    program_id    TEXT NULL,
    publisher_id  TEXT NULL,
    subject       TEXT NOT NULL,
    payload       TEXT NOT NULL,
    at            INTEGER NOT NULL,
    delivered_at  INTEGER NULL
);
CREATE INDEX outbox_messages_undelivered ON outbox_messages (id) WHERE delivered_at IS NULL;
CREATE INDEX outbox_messages_publisher ON outbox_messages (publisher_id, id);

-- Issue 13 follow-up: one open finding per key, any number decided. A late order under a key whose finding was
-- already confirmed or dismissed opens a new finding instead of being silently left alone.
DROP INDEX fraud_findings_key;
CREATE UNIQUE INDEX fraud_findings_open_key ON fraud_findings (rule, program_id, publisher_id, sub1, day) WHERE status = 'open';
CREATE INDEX fraud_findings_key ON fraud_findings (rule, program_id, publisher_id, sub1, day);

