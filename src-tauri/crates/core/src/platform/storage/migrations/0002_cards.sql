-- Bound cards (never the number: token, BIN, last 4, keyed fingerprint), binding attempts
-- (persisted before the bank is called, so a crash can be resumed or rolled back), and the
-- failed attempts that drive the 5-in-24-hours cooldown.
CREATE TABLE cards (
    id          INTEGER PRIMARY KEY,
    account_id  INTEGER NOT NULL REFERENCES accounts(id),
    token       TEXT    NOT NULL UNIQUE,
    bank        TEXT    NOT NULL,
    kind        TEXT    NOT NULL CHECK (kind IN ('debit', 'credit')),
    bin         TEXT    NOT NULL CHECK (length(bin) = 6),
    last4       TEXT    NOT NULL CHECK (length(last4) = 4),
    expiry      TEXT,
    nickname    TEXT    NOT NULL,
    fingerprint TEXT    NOT NULL,
    status      TEXT    NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'expired', 'frozen', 'pending')),
    is_default  INTEGER NOT NULL DEFAULT 0 CHECK (is_default IN (0, 1)),
    bound_at    INTEGER NOT NULL,
    unbound_at  INTEGER
);
CREATE UNIQUE INDEX cards_one_live_per_fingerprint ON cards(account_id, fingerprint) WHERE unbound_at IS NULL;
CREATE INDEX cards_by_account ON cards(account_id, bound_at);

CREATE TABLE binding_attempts (
    id           TEXT    PRIMARY KEY, -- also the idempotency key sent to the bank
    account_id   INTEGER NOT NULL REFERENCES accounts(id),
    fingerprint  TEXT    NOT NULL,
    bank         TEXT    NOT NULL,
    kind         TEXT    NOT NULL,
    bin          TEXT    NOT NULL,
    last4        TEXT    NOT NULL,
    expiry       TEXT,
    phone        TEXT    NOT NULL,
    nickname     TEXT    NOT NULL,
    stage        TEXT    NOT NULL CHECK (stage IN ('verifying', 'token', 'otp', 'confirming', 'bound', 'failed', 'abandoned')),
    bank_session TEXT,
    card_id      INTEGER REFERENCES cards(id),
    failure      TEXT,
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL
);
CREATE INDEX binding_attempts_open ON binding_attempts(stage) WHERE stage IN ('verifying', 'token', 'otp', 'confirming');

CREATE TABLE bind_failures (
    id          INTEGER PRIMARY KEY,
    account_id  INTEGER NOT NULL REFERENCES accounts(id),
    fingerprint TEXT    NOT NULL,
    code        TEXT    NOT NULL,
    at          INTEGER NOT NULL
);
CREATE INDEX bind_failures_by_card ON bind_failures(account_id, fingerprint, at);
