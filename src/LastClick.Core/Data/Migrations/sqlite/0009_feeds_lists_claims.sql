-- Issue 6 (decision 0010): feeds, banned keywords, best sellers, broken links, missing-order claims.

-- A feed's Last-Modified is the newest product change: read from this index, not a scan.
CREATE INDEX products_updated_at ON products (updated_at);

-- A publisher's feed (G2/G3). code is the feed's own tracking link (links.code): item links are /go/{code}/{product},
-- so clicks from a feed are stored, reported and attributed like any other. token is the secret in the feed's stable
-- URL (/feeds/{token}.xml): revocable on its own, never the API key.
CREATE TABLE feeds (
    code          TEXT PRIMARY KEY,
    token         TEXT NOT NULL UNIQUE,
    publisher_id  TEXT NOT NULL,
    program_id    TEXT NOT NULL,
    name          TEXT NOT NULL,
    market        TEXT NOT NULL,
    language      TEXT NOT NULL,
    format        TEXT NOT NULL,
    filters       TEXT NOT NULL,
    created_at    INTEGER NOT NULL,
    revoked_at    INTEGER NULL
);
CREATE INDEX feeds_publisher ON feeds (publisher_id, created_at);

-- G5: words and phrases publishers must not bid on. normalized is the checker's form (accents stripped, case folded).
CREATE TABLE banned_keywords (
    keyword     TEXT PRIMARY KEY,
    normalized  TEXT NOT NULL,
    added_by    TEXT NOT NULL,
    added_at    INTEGER NOT NULL
);

-- G4: a month's best sellers per market, recomputed whole by the monthly job.
CREATE TABLE best_sellers (
    month       TEXT NOT NULL,
    market      TEXT NOT NULL,
    rank        INTEGER NOT NULL,
    product_id  TEXT NOT NULL,
    orders      INTEGER NOT NULL,
    units       INTEGER NOT NULL,
    PRIMARY KEY (month, market, rank)
);

-- F3: links whose product is gone or out of stock, as the last run found them, with up to three suggestions (JSON).
CREATE TABLE broken_links (
    link_code     TEXT PRIMARY KEY,
    publisher_id  TEXT NOT NULL,
    product_id    TEXT NOT NULL,
    reason        TEXT NOT NULL,
    found_at      INTEGER NOT NULL,
    suggestions   TEXT NOT NULL
);
CREATE INDEX broken_links_publisher ON broken_links (publisher_id);

-- Missing-order claims: a publisher says an order was not tracked; the operator decides against the marketplace's data.
CREATE TABLE claims (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    publisher_id  TEXT NOT NULL,
    program_id    TEXT NOT NULL,
    order_id      TEXT NOT NULL,
    order_date    TEXT NOT NULL,
    amount_minor  INTEGER NOT NULL,
    currency      TEXT NOT NULL,
    comment       TEXT NOT NULL,
    status        TEXT NOT NULL,
    reason        TEXT NULL,
    note          TEXT NULL,
    filed_at      INTEGER NOT NULL,
    decided_by    TEXT NULL,
    decided_at    INTEGER NULL
);
CREATE INDEX claims_publisher ON claims (publisher_id, filed_at);
CREATE INDEX claims_status ON claims (status, filed_at);
CREATE UNIQUE INDEX claims_open_order ON claims (publisher_id, order_id) WHERE status = 'open';

-- A feed reads every product's texts in product order next to the products (a merge, not a look-up per product):
-- clustered by (product_id, language), the texts are one ordered scan.
CREATE TABLE product_texts_clustered (
    product_id   TEXT NOT NULL,
    language     TEXT NOT NULL,
    title        TEXT NOT NULL,
    description  TEXT NULL,
    PRIMARY KEY (product_id, language)
) WITHOUT ROWID;
INSERT INTO product_texts_clustered (product_id, language, title, description) SELECT product_id, language, title, description FROM product_texts;
DROP TABLE product_texts;
ALTER TABLE product_texts_clustered RENAME TO product_texts;
