-- Issue 15 (I2): publisher postbacks, delivered from the outbox.

-- A publisher's postback: one for every program (program_id '') and/or one per program; events comma-separated.
CREATE TABLE postback_settings (
    publisher_id  TEXT NOT NULL,
    program_id    TEXT NOT NULL,
    url           TEXT NOT NULL,
    method        TEXT NOT NULL,
    events        TEXT NOT NULL,
    updated_at    INTEGER NOT NULL,
    PRIMARY KEY (publisher_id, program_id)
);

-- The signing secret; the previous one stays valid while a publisher's tracker moves to the new one.
CREATE TABLE postback_secrets (
    publisher_id     TEXT PRIMARY KEY,
    secret           TEXT NOT NULL,
    previous_secret  TEXT NULL,
    rotated_at       INTEGER NOT NULL
);

-- How far each consumer of the outbox has read.
CREATE TABLE outbox_cursors (
    name     TEXT PRIMARY KEY,
    last_id  INTEGER NOT NULL
);

-- One delivery of one message to one publisher's postback: pending (next_at is when it is due, or the lease of a
-- sender that claimed it), delivered, or dead (retried for 72 hours). Unique: a message is queued once per setting.
CREATE TABLE postback_jobs (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    message_id    INTEGER NOT NULL,
    publisher_id  TEXT NOT NULL,
    program_id    TEXT NOT NULL,
    status        TEXT NOT NULL,
    attempts      INTEGER NOT NULL,
    next_at       INTEGER NOT NULL,
    created_at    INTEGER NOT NULL,
    UNIQUE (message_id, publisher_id, program_id)
);
CREATE INDEX postback_jobs_due ON postback_jobs (next_at) WHERE status = 'pending';
CREATE INDEX postback_jobs_publisher ON postback_jobs (publisher_id, id);

-- Each attempt: when, the URL without secrets, the answer's status, latency and first bytes, or the error.
CREATE TABLE postback_attempts (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    job_id       INTEGER NOT NULL,
    at           INTEGER NOT NULL,
    url          TEXT NOT NULL,
    http_status  INTEGER NULL,
    latency_ms   INTEGER NOT NULL,
    error        TEXT NULL,
    excerpt      TEXT NULL
);
CREATE INDEX postback_attempts_job ON postback_attempts (job_id, id);
