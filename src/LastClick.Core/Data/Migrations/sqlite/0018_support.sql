-- Issue 18 (I3): support threads between a publisher and the operator's team. A thread is about a topic and may name
-- one thing of the publisher's (an order, a claim, a payout run's line, a link, a fraud finding); a claim and a
-- confirmed finding have a thread of their own, made with them. Read markers are per side: the publisher's accounts
-- and keys share one, the operator's team another (a shared inbox).
CREATE TABLE support_threads (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    publisher_id      TEXT NOT NULL,
    program_id        TEXT NULL,
    topic             TEXT NOT NULL,
    subject           TEXT NOT NULL,
    status            TEXT NOT NULL,
    about_kind        TEXT NULL,
    about_id          TEXT NULL,
    assignee          TEXT NULL,
    opened_by         TEXT NOT NULL,
    opened_at         INTEGER NOT NULL,
    last_at           INTEGER NOT NULL,
    last_side         TEXT NOT NULL,
    last_message_id   INTEGER NOT NULL DEFAULT 0,
    messages          INTEGER NOT NULL DEFAULT 0,
    publisher_read_id INTEGER NOT NULL DEFAULT 0,
    operator_read_id  INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX support_threads_publisher ON support_threads (publisher_id, last_at);
CREATE INDEX support_threads_status ON support_threads (status, last_at);
CREATE UNIQUE INDEX support_threads_own ON support_threads (about_kind, about_id) WHERE about_kind IN ('claim', 'finding') AND topic IN ('claim', 'fraud');

-- A message: written by a side (publisher or operator) and an author (an account's email, a key, the system). event
-- is set on what happened rather than was said (a claim accepted, a thread closed or assigned), reason its code.
CREATE TABLE support_messages (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    thread_id   INTEGER NOT NULL,
    side        TEXT NOT NULL,
    author      TEXT NOT NULL,
    body        TEXT NOT NULL,
    event       TEXT NULL,
    reason      TEXT NULL,
    at          INTEGER NOT NULL
);
CREATE INDEX support_messages_thread ON support_messages (thread_id, id);

-- Files sent with a message: plain text or a picture (PNG, JPEG, GIF, WebP), checked by their first bytes, at most 1 MB.
CREATE TABLE support_attachments (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    message_id    INTEGER NOT NULL,
    thread_id     INTEGER NOT NULL,
    name          TEXT NOT NULL,
    content_type  TEXT NOT NULL,
    size          INTEGER NOT NULL,
    content       BLOB NOT NULL
);
CREATE INDEX support_attachments_message ON support_attachments (message_id);

-- The claims and finding answers before this migration become threads, read on both sides.
INSERT INTO support_threads (publisher_id, program_id, topic, subject, status, about_kind, about_id, opened_by, opened_at, last_at, last_side)
SELECT publisher_id, program_id, 'claim', 'Missing order ' || order_id, CASE WHEN status = 'open' THEN 'open' ELSE 'closed' END, 'claim',
       CAST(id AS TEXT), 'publisher:' || publisher_id, filed_at, COALESCE(decided_at, filed_at), CASE WHEN decided_at IS NULL THEN 'publisher' ELSE 'operator' END
FROM claims ORDER BY id;
INSERT INTO support_messages (thread_id, side, author, body, event, reason, at)
SELECT t.id, 'publisher', 'publisher:' || c.publisher_id, c.comment, NULL, NULL, c.filed_at
FROM claims c JOIN support_threads t ON t.about_kind = 'claim' AND t.about_id = CAST(c.id AS TEXT) ORDER BY c.id;
INSERT INTO support_messages (thread_id, side, author, body, event, reason, at)
SELECT t.id, 'operator', COALESCE(c.decided_by, 'operator'), COALESCE(c.note, ''), c.status, c.reason, c.decided_at
FROM claims c JOIN support_threads t ON t.about_kind = 'claim' AND t.about_id = CAST(c.id AS TEXT) WHERE c.decided_at IS NOT NULL ORDER BY c.id;
INSERT INTO support_threads (publisher_id, program_id, topic, subject, status, about_kind, about_id, opened_by, opened_at, last_at, last_side)
SELECT publisher_id, program_id, 'fraud', 'Traffic finding #' || CAST(id AS TEXT), 'open', 'finding', CAST(id AS TEXT), COALESCE(decided_by, 'operator'),
       COALESCE(decided_at, found_at), COALESCE(replied_at, decided_at, found_at), CASE WHEN replied_at IS NULL THEN 'operator' ELSE 'publisher' END
FROM fraud_findings WHERE status = 'confirmed' ORDER BY id;
INSERT INTO support_messages (thread_id, side, author, body, event, reason, at)
SELECT t.id, 'operator', COALESCE(f.decided_by, 'operator'), COALESCE(f.decision_note, ''), 'confirmed', f.decision_reason, COALESCE(f.decided_at, f.found_at)
FROM fraud_findings f JOIN support_threads t ON t.about_kind = 'finding' AND t.about_id = CAST(f.id AS TEXT) ORDER BY f.id;
INSERT INTO support_messages (thread_id, side, author, body, event, reason, at)
SELECT t.id, 'publisher', 'publisher:' || f.publisher_id, f.reply, NULL, NULL, f.replied_at
FROM fraud_findings f JOIN support_threads t ON t.about_kind = 'finding' AND t.about_id = CAST(f.id AS TEXT) WHERE f.reply IS NOT NULL ORDER BY f.id;
UPDATE support_threads SET
    last_message_id = COALESCE((SELECT MAX(m.id) FROM support_messages m WHERE m.thread_id = support_threads.id), 0),
    messages = (SELECT COUNT(*) FROM support_messages m WHERE m.thread_id = support_threads.id);
UPDATE support_threads SET publisher_read_id = last_message_id, operator_read_id = last_message_id;
