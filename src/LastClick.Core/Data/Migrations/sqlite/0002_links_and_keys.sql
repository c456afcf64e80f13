-- Tracking links (F1, F2) and API keys (issue 3).
CREATE TABLE links (
    code          TEXT PRIMARY KEY,
    program_id    TEXT NOT NULL,
    publisher_id  TEXT NOT NULL,
    destination   TEXT NOT NULL,
    sub1 TEXT NULL, sub2 TEXT NULL, sub3 TEXT NULL, sub4 TEXT NULL, sub5 TEXT NULL,
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL
);
CREATE INDEX links_publisher ON links (publisher_id, created_at);

-- Keys are random 256-bit secrets: a SHA-256 of the key is stored, the prefix is shown to tell keys apart.
CREATE TABLE api_keys (
    prefix        TEXT PRIMARY KEY,
    key_hash      TEXT NOT NULL,
    role          TEXT NOT NULL,
    publisher_id  TEXT NULL,
    created_at    INTEGER NOT NULL,
    revoked_at    INTEGER NULL
);
