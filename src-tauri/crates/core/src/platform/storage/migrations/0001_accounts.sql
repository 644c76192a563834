-- Accounts, their login history, and installation-wide settings.
CREATE TABLE accounts (
    id                INTEGER PRIMARY KEY,
    phone             TEXT    NOT NULL UNIQUE CHECK (length(phone) = 11),
    display_name      TEXT    NOT NULL,
    real_name         TEXT    NOT NULL,
    id_number         TEXT    NOT NULL CHECK (length(id_number) = 18),
    password_hash     TEXT    NOT NULL,
    pay_password_hash TEXT    NOT NULL,
    failed_logins     INTEGER NOT NULL DEFAULT 0 CHECK (failed_logins >= 0),
    locked_until      INTEGER,
    created_at        INTEGER NOT NULL
);

CREATE TABLE login_events (
    id         INTEGER PRIMARY KEY,
    account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    at         INTEGER NOT NULL,
    outcome    TEXT    NOT NULL CHECK (outcome IN ('success', 'failed', 'locked'))
);
CREATE INDEX login_events_by_account ON login_events(account_id, at DESC);

CREATE TABLE app_settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
