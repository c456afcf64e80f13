-- Accounts, applications and moderation (E1–E3), the audit trail and operator edits of programs (issue 4).
-- Publishers made by the operator API or a replay predate applications: they stay approved members of every program.
ALTER TABLE publishers ADD COLUMN status TEXT NOT NULL DEFAULT 'approved';
ALTER TABLE publishers ADD COLUMN profile TEXT NULL;
ALTER TABLE publishers ADD COLUMN payout_details TEXT NULL;

-- Sign-in accounts. Passwords are stored as ASP.NET Core Identity hashes (PBKDF2); email is kept lower-cased.
CREATE TABLE accounts (
    id               TEXT PRIMARY KEY,
    email            TEXT NOT NULL UNIQUE,
    name             TEXT NOT NULL,
    password_hash    TEXT NOT NULL,
    role             TEXT NOT NULL,
    publisher_id     TEXT NULL REFERENCES publishers (id),
    failed_sign_ins  INTEGER NOT NULL,
    locked_until     INTEGER NULL,
    stamp            TEXT NOT NULL,
    created_at       INTEGER NOT NULL
);

-- One application per publisher and program; the decision and the message the applicant sees.
CREATE TABLE applications (
    publisher_id  TEXT NOT NULL REFERENCES publishers (id),
    program_id    TEXT NOT NULL,
    status        TEXT NOT NULL,
    reason_code   TEXT NULL,
    message       TEXT NULL,
    decided_by    TEXT NULL,
    decided_at    INTEGER NULL,
    applied_at    INTEGER NOT NULL,
    PRIMARY KEY (publisher_id, program_id)
);
CREATE INDEX applications_status ON applications (status, applied_at);

-- Who changed what: moderation decisions, program edits, keys, accounts. Append-only.
CREATE TABLE audit_log (
    seq      INTEGER PRIMARY KEY,
    at       INTEGER NOT NULL,
    actor    TEXT NOT NULL,
    action   TEXT NOT NULL,
    subject  TEXT NOT NULL,
    detail   TEXT NOT NULL
);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;

-- Program definitions as edited by operators (the source JSON); the latest version of a program is in force.
CREATE TABLE program_versions (
    program_id  TEXT NOT NULL,
    version     INTEGER NOT NULL,
    definition  TEXT NOT NULL,
    changed_by  TEXT NOT NULL,
    changed_at  INTEGER NOT NULL,
    PRIMARY KEY (program_id, version)
);

ALTER TABLE api_keys ADD COLUMN label TEXT NULL;
