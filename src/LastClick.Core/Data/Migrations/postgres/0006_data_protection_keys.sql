-- The dashboard's cookie keys (ASP.NET Core Data Protection key ring), shared by every node of a store so a sign-in
-- on one node is good on the others and survives a restart. As sensitive as the store itself.
CREATE TABLE data_protection_keys (
    name        TEXT PRIMARY KEY,
    xml         TEXT NOT NULL,
    created_at  BIGINT NOT NULL
);

-- The daily ranking run asks when it last ran.
CREATE INDEX audit_log_action_at ON audit_log (action, at);
