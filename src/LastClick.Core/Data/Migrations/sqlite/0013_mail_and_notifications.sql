-- Issue 15 (E6): email and the notification centre, both fed from the outbox.

-- Mail to send (or, without SMTP, to read in the dashboard): rendered once, in the recipient's language, text and
-- HTML. pending (next_at is when it is due, or the lease of a sender that claimed it), sent, or dead (given up).
-- A message of the outbox is mailed once per kind and address.
CREATE TABLE mail_messages (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    message_id    INTEGER NULL,
    kind          TEXT NOT NULL,
    account_id    TEXT NULL,
    publisher_id  TEXT NULL,
    to_address    TEXT NOT NULL,
    language      TEXT NOT NULL,
    subject       TEXT NOT NULL,
    text_body     TEXT NOT NULL,
    html_body     TEXT NOT NULL,
    unsubscribe   TEXT NULL,
    status        TEXT NOT NULL,
    attempts      INTEGER NOT NULL,
    next_at       INTEGER NOT NULL,
    created_at    INTEGER NOT NULL,
    sent_at       INTEGER NULL,
    last_error    TEXT NULL
);
CREATE UNIQUE INDEX mail_messages_once ON mail_messages (message_id, kind, to_address) WHERE message_id IS NOT NULL;
CREATE INDEX mail_messages_due ON mail_messages (next_at) WHERE status = 'pending';
CREATE INDEX mail_messages_publisher ON mail_messages (publisher_id, id);
CREATE INDEX mail_messages_account ON mail_messages (account_id, id);

-- Files sent with a mail (a payout's statement), kept with it so what was sent can be read again.
CREATE TABLE mail_attachments (
    mail_id       INTEGER NOT NULL,
    name          TEXT NOT NULL,
    content_type  TEXT NOT NULL,
    content       BLOB NOT NULL,
    PRIMARY KEY (mail_id, name)
);

-- The notification centre: an outbox message shown to an audience ('publisher:<id>' or 'operators').
CREATE TABLE notifications (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    message_id  INTEGER NOT NULL,
    audience    TEXT NOT NULL,
    at          INTEGER NOT NULL,
    UNIQUE (message_id, audience)
);
CREATE INDEX notifications_audience ON notifications (audience, id);

-- How far each account has read its notifications.
CREATE TABLE notification_reads (
    account_id    TEXT PRIMARY KEY,
    last_read_id  INTEGER NOT NULL
);

-- A publisher's choice of which news also comes by email (a kind absent here takes its default).
CREATE TABLE notification_preferences (
    publisher_id  TEXT NOT NULL,
    kind          TEXT NOT NULL,
    email         INTEGER NOT NULL,
    PRIMARY KEY (publisher_id, kind)
);

-- One-use tokens mailed to an account: a password reset, or the confirmation of a new email address. Only a hash of
-- the token is kept.
CREATE TABLE account_tokens (
    token_hash  TEXT PRIMARY KEY,
    account_id  TEXT NOT NULL,
    purpose     TEXT NOT NULL,
    new_email   TEXT NULL,
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL,
    used_at     INTEGER NULL
);
CREATE INDEX account_tokens_account ON account_tokens (account_id, purpose);

-- The weekly broken-links digest: when each publisher last got one.
CREATE TABLE mail_digests (
    publisher_id  TEXT NOT NULL,
    kind          TEXT NOT NULL,
    sent_at       INTEGER NOT NULL,
    PRIMARY KEY (publisher_id, kind)
);
