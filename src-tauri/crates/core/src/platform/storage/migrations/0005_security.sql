-- Account and security center: password recovery (login and payment) as server-side state
-- machines, a per-phone lockout of recovery's identity check, the account's security events,
-- and closed accounts (personal data removed, the row kept so the books still balance).
CREATE TABLE recoveries (
    id            TEXT    PRIMARY KEY,
    purpose       TEXT    NOT NULL CHECK (purpose IN ('login', 'pay')),
    phone         TEXT    NOT NULL,
    account_id    INTEGER REFERENCES accounts(id), -- NULL: an unknown phone (answered alike)
    stage         TEXT    NOT NULL CHECK (stage IN ('otp', 'identity', 'card', 'card_otp', 'new_password', 'done', 'void')),
    code_mac      TEXT,    -- HMAC of the SMS code, never the code
    code_expires  INTEGER,
    code_sent_at  INTEGER,
    code_tries    INTEGER,
    bank_session  TEXT,
    card_id       INTEGER REFERENCES cards(id),
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL
);

CREATE TABLE recovery_locks (
    phone         TEXT    PRIMARY KEY,
    failed        INTEGER NOT NULL DEFAULT 0 CHECK (failed >= 0),
    locked_until  INTEGER
);

CREATE TABLE security_events (
    id          INTEGER PRIMARY KEY,
    account_id  INTEGER NOT NULL REFERENCES accounts(id),
    event       TEXT    NOT NULL CHECK (event IN ('password_changed', 'pay_password_changed', 'password_recovered',
                                                  'pay_password_recovered', 'account_closed')),
    at          INTEGER NOT NULL
);
CREATE INDEX security_events_by_account ON security_events(account_id, at DESC, id DESC);

ALTER TABLE accounts ADD COLUMN closed_at INTEGER;
