-- LastClick core schema, SQLite. Money in integer minor units, times in microseconds since the Unix epoch (UTC).
CREATE TABLE publishers (
    id                       TEXT PRIMARY KEY,
    traffic_type             TEXT NOT NULL,
    ranking                  INTEGER NULL,
    payout_details_complete  INTEGER NOT NULL,
    created_at               INTEGER NOT NULL
);

CREATE TABLE clicks (
    seq             INTEGER PRIMARY KEY,
    id              TEXT NOT NULL UNIQUE,
    program_id      TEXT NOT NULL,
    publisher_id    TEXT NOT NULL,
    link_id         TEXT NULL,
    visitor_id      TEXT NULL,
    at              INTEGER NOT NULL,
    ip              TEXT NULL,
    country         TEXT NULL,
    asn             INTEGER NOT NULL,
    anonymizer      INTEGER NOT NULL,
    invalid_reason  TEXT NULL,
    user_agent      TEXT NULL,
    referrer        TEXT NULL,
    sub1 TEXT NULL, sub2 TEXT NULL, sub3 TEXT NULL, sub4 TEXT NULL, sub5 TEXT NULL
);
CREATE INDEX clicks_visitor_at ON clicks (visitor_id, at);

CREATE TABLE touches (
    seq         INTEGER PRIMARY KEY,
    id          TEXT NOT NULL UNIQUE,
    visitor_id  TEXT NOT NULL,
    at          INTEGER NOT NULL,
    channel     TEXT NULL
);
CREATE INDEX touches_visitor_at ON touches (visitor_id, at);

CREATE TABLE orders (
    seq                 INTEGER PRIMARY KEY,
    id                  TEXT NOT NULL UNIQUE,
    body_hash           TEXT NOT NULL,
    program_id          TEXT NOT NULL,
    visitor_id          TEXT NULL,
    click_id            TEXT NULL,
    at                  INTEGER NOT NULL,
    currency            TEXT NOT NULL,
    delivery_country    TEXT NOT NULL,
    amount_minor        INTEGER NOT NULL,
    publisher_id        TEXT NULL,
    attributed_click_id TEXT NULL,
    attribution_reason  TEXT NULL,
    attribution_trace   TEXT NOT NULL,
    traffic_type        TEXT NULL,
    status              TEXT NOT NULL,
    decline_reason      TEXT NULL,
    payout_currency     TEXT NOT NULL,
    fx_rate             TEXT NOT NULL,
    sales_minor         INTEGER NOT NULL,
    commission_minor    INTEGER NOT NULL,
    capped              INTEGER NOT NULL,
    cap_trace           TEXT NULL,
    held_account        TEXT NULL,
    held_minor          INTEGER NOT NULL,
    paid_out            INTEGER NOT NULL,
    settled_minor       INTEGER NOT NULL,
    paid_at             INTEGER NULL,
    confirmed_at        INTEGER NULL,
    cancelled_at        INTEGER NULL,
    fraud_at            INTEGER NULL,
    fully_refunded      INTEGER NOT NULL,
    updated_at          INTEGER NOT NULL
);
CREATE INDEX orders_publisher_at ON orders (publisher_id, program_id, at);
-- The orders a payout run marks paid.
CREATE INDEX orders_payable ON orders (program_id, publisher_id, payout_currency) WHERE held_account = 'payable';
CREATE INDEX orders_status_confirmed ON orders (status, confirmed_at);

CREATE TABLE order_lines (
    order_id          TEXT NOT NULL,
    line_no           INTEGER NOT NULL,
    line_id           TEXT NOT NULL,
    product_id        TEXT NOT NULL,
    category          TEXT NOT NULL,
    store             TEXT NULL,
    price_minor       INTEGER NOT NULL,
    quantity          INTEGER NOT NULL,
    affiliated        INTEGER NOT NULL,
    seller_rate       TEXT NULL,
    is_virtual        INTEGER NOT NULL,
    section           TEXT NULL,
    seller_origin     TEXT NULL,
    rate              TEXT NOT NULL,
    rate_reason       TEXT NULL,
    trace             TEXT NOT NULL,
    reason            TEXT NULL,
    refunded_minor    INTEGER NOT NULL,
    commission_minor  INTEGER NOT NULL,
    PRIMARY KEY (order_id, line_no)
);

CREATE TABLE order_events (
    seq           INTEGER PRIMARY KEY,
    id            TEXT NOT NULL UNIQUE,
    body_hash     TEXT NOT NULL,
    order_id      TEXT NOT NULL,
    type          TEXT NOT NULL,
    at            INTEGER NOT NULL,
    line_id       TEXT NULL,
    amount_minor  INTEGER NULL,
    received_at   INTEGER NOT NULL
);
CREATE INDEX order_events_order ON order_events (order_id);

-- One row a transfer: amount_minor moves from from_account to to_account, so every transfer balances (D1).
CREATE TABLE ledger_transfers (
    id             INTEGER PRIMARY KEY,
    program_id     TEXT NOT NULL,
    publisher_id   TEXT NOT NULL,
    currency       TEXT NOT NULL,
    order_id       TEXT NULL,
    payout_run_id  TEXT NULL,
    kind           TEXT NOT NULL,
    from_account   TEXT NOT NULL,
    to_account     TEXT NOT NULL,
    amount_minor   INTEGER NOT NULL CHECK (amount_minor > 0),
    at             INTEGER NOT NULL,
    CHECK (from_account <> to_account)
);
CREATE INDEX ledger_transfers_publisher ON ledger_transfers (publisher_id, currency);
-- Cover a payout run's payable balances: money into and out of 'payable', per program.
CREATE INDEX ledger_transfers_into ON ledger_transfers (program_id, to_account, publisher_id, currency, amount_minor);
CREATE INDEX ledger_transfers_out_of ON ledger_transfers (program_id, from_account, publisher_id, currency, amount_minor);
CREATE INDEX ledger_transfers_order ON ledger_transfers (order_id);
CREATE TRIGGER ledger_transfers_no_update BEFORE UPDATE ON ledger_transfers
BEGIN SELECT RAISE(ABORT, 'ledger transfers are never updated'); END;
CREATE TRIGGER ledger_transfers_no_delete BEFORE DELETE ON ledger_transfers
BEGIN SELECT RAISE(ABORT, 'ledger transfers are never deleted'); END;

CREATE TABLE payout_runs (
    id          TEXT PRIMARY KEY,
    program_id  TEXT NOT NULL,
    at          INTEGER NOT NULL,
    UNIQUE (program_id, at)
);

CREATE TABLE payouts (
    run_id        TEXT NOT NULL,
    publisher_id  TEXT NOT NULL,
    currency      TEXT NOT NULL,
    amount_minor  INTEGER NOT NULL,
    status        TEXT NOT NULL,
    reason        TEXT NULL,
    PRIMARY KEY (run_id, publisher_id, currency)
);
