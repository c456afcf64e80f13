-- The marketplace's catalog (G1, issue 6; decision 0010). A product is never deleted: one that disappears gets
-- gone_at (links, orders and broken-link reports refer to it). body_hash makes a repeated push change nothing.
CREATE TABLE products (
    id             TEXT PRIMARY KEY,
    category       TEXT NOT NULL,
    store          TEXT NULL,
    price_minor    INTEGER NOT NULL,
    currency       TEXT NOT NULL,
    stock          INTEGER NOT NULL,
    affiliated     INTEGER NOT NULL,
    seller_rate    TEXT NULL,
    is_virtual     INTEGER NOT NULL,
    section        TEXT NULL,
    seller_origin  TEXT NULL,
    markets        TEXT NOT NULL,
    images         TEXT NOT NULL,
    url            TEXT NOT NULL,
    body_hash      TEXT NOT NULL,
    created_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL,
    gone_at        INTEGER NULL
);
CREATE INDEX products_category_store ON products (category, store);

-- Title and description per language (G3: a feed falls back to English where a translation is missing).
CREATE TABLE product_texts (
    product_id   TEXT NOT NULL,
    language     TEXT NOT NULL,
    title        TEXT NOT NULL,
    description  TEXT NULL,
    PRIMARY KEY (product_id, language)
);
