-- Money (docs/features.md, money): a double-entry ledger. Every payment is a row of `payments` (its
-- idempotency key unique, written before any bank call); its money moves as journals of
-- `entries` (phase hold / post / void) that sum to zero, applied to `ledger_accounts` in the
-- same transaction. Entries are immutable; a person's wallet balance can't go below zero.
CREATE TABLE ledger_accounts (
    id             INTEGER PRIMARY KEY,
    kind           TEXT    NOT NULL CHECK (kind IN ('wallet', 'in_flight', 'card_clearing', 'payee_clearing')),
    owner          INTEGER REFERENCES accounts(id),
    card_id        INTEGER REFERENCES cards(id),
    balance_fen    INTEGER NOT NULL DEFAULT 0,
    allow_negative INTEGER NOT NULL CHECK (allow_negative IN (0, 1)),
    CHECK (allow_negative = 1 OR balance_fen >= 0)
);
CREATE UNIQUE INDEX ledger_wallet_of ON ledger_accounts(owner) WHERE kind = 'wallet';
CREATE UNIQUE INDEX ledger_in_flight_of ON ledger_accounts(owner) WHERE kind = 'in_flight';
CREATE UNIQUE INDEX ledger_clearing_of ON ledger_accounts(card_id) WHERE kind = 'card_clearing';
CREATE UNIQUE INDEX ledger_payees ON ledger_accounts(kind) WHERE kind = 'payee_clearing';

CREATE TABLE payments (
    id                INTEGER PRIMARY KEY,
    idem_key          TEXT    NOT NULL UNIQUE CHECK (length(idem_key) BETWEEN 8 AND 64),
    account_id        INTEGER NOT NULL REFERENCES accounts(id),
    kind              TEXT    NOT NULL CHECK (kind IN ('topup', 'withdraw', 'to_user', 'to_card')),
    amount_fen        INTEGER NOT NULL CHECK (amount_fen > 0),
    source_card       INTEGER REFERENCES cards(id),
    dest_card         INTEGER REFERENCES cards(id),
    payee_account     INTEGER REFERENCES accounts(id),
    payee_bank        TEXT,                -- a payee card's bank (ICBC …) and its last 4 digits
    payee_last4       TEXT    CHECK (payee_last4 IS NULL OR length(payee_last4) = 4),
    payee_ref         TEXT,                -- the bank's reference of a checked payee card
    arrival           TEXT    NOT NULL DEFAULT 'instant' CHECK (arrival IN ('instant', 'two_hours', 'next_day')),
    posts_at          INTEGER,
    status            TEXT    NOT NULL CHECK (status IN ('pending', 'succeeded', 'failed', 'returned', 'revoked')),
    bank_state        TEXT    NOT NULL DEFAULT 'none' CHECK (bank_state IN ('none', 'sent', 'done')),
    failure           TEXT,
    bank_ref          TEXT,
    created_at        INTEGER NOT NULL,
    updated_at        INTEGER NOT NULL
);
CREATE INDEX payments_by_account ON payments(account_id, created_at DESC, id DESC);
CREATE INDEX payments_by_payee ON payments(payee_account, created_at DESC, id DESC) WHERE payee_account IS NOT NULL;
CREATE INDEX payments_unfinished ON payments(status) WHERE status = 'pending';

CREATE TABLE payment_events (
    id         INTEGER PRIMARY KEY,
    payment_id INTEGER NOT NULL REFERENCES payments(id),
    status     TEXT    NOT NULL,
    code       TEXT,
    at         INTEGER NOT NULL
);
CREATE INDEX payment_events_of ON payment_events(payment_id, id);

CREATE TABLE entries (
    id         INTEGER PRIMARY KEY,
    payment_id INTEGER NOT NULL REFERENCES payments(id),
    phase      TEXT    NOT NULL CHECK (phase IN ('hold', 'post', 'void')),
    account    INTEGER NOT NULL REFERENCES ledger_accounts(id),
    amount_fen INTEGER NOT NULL CHECK (amount_fen <> 0),
    at         INTEGER NOT NULL
);
CREATE INDEX entries_of ON entries(payment_id, phase);
CREATE TRIGGER entries_are_immutable_u BEFORE UPDATE ON entries BEGIN SELECT RAISE(ABORT, 'entries are immutable'); END;
CREATE TRIGGER entries_are_immutable_d BEFORE DELETE ON entries BEGIN SELECT RAISE(ABORT, 'entries are immutable'); END;
