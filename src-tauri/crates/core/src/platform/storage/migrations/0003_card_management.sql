-- Card management (docs/features.md, managing cards): the reserved phone each card was bound with, when its
-- status was last asked of the bank, the per-card/per-account audit log, and the attempts to
-- change a bound card's data (persisted before the bank is called, like binding attempts).
-- The payment password's own lockout (docs/features.md, money: 5 wrong → 3 hours).
ALTER TABLE cards ADD COLUMN phone TEXT;
UPDATE cards SET phone = (SELECT b.phone FROM binding_attempts b WHERE b.card_id = cards.id);
ALTER TABLE cards ADD COLUMN status_checked_at INTEGER;

ALTER TABLE accounts ADD COLUMN failed_pay_passwords INTEGER NOT NULL DEFAULT 0 CHECK (failed_pay_passwords >= 0);
ALTER TABLE accounts ADD COLUMN pay_locked_until INTEGER;

CREATE TABLE card_audit (
    id          INTEGER PRIMARY KEY,
    account_id  INTEGER NOT NULL REFERENCES accounts(id),
    card_id     INTEGER REFERENCES cards(id),
    fingerprint TEXT,
    last4       TEXT    NOT NULL CHECK (length(last4) = 4),
    event       TEXT    NOT NULL CHECK (event IN ('bound', 'bind_failed', 'renamed', 'default_set', 'default_moved',
                                                  'phone_changed', 'expiry_updated', 'update_failed',
                                                  'status_changed', 'unbound', 'unbind_failed')),
    code        TEXT,
    detail      TEXT,
    at          INTEGER NOT NULL
);
CREATE INDEX card_audit_by_account ON card_audit(account_id, at DESC, id DESC);
CREATE INDEX card_audit_by_card ON card_audit(card_id, at DESC, id DESC);
CREATE INDEX card_audit_by_fingerprint ON card_audit(account_id, fingerprint);

CREATE TABLE card_updates (
    id           TEXT    PRIMARY KEY, -- also the idempotency key sent to the bank
    account_id   INTEGER NOT NULL REFERENCES accounts(id),
    card_id      INTEGER NOT NULL REFERENCES cards(id),
    phone        TEXT,
    expiry       TEXT,
    stage        TEXT    NOT NULL CHECK (stage IN ('verifying', 'otp', 'confirming', 'done', 'failed', 'abandoned')),
    bank_session TEXT,
    failure      TEXT,
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL,
    CHECK (phone IS NOT NULL OR expiry IS NOT NULL)
);
CREATE INDEX card_updates_open ON card_updates(stage) WHERE stage IN ('verifying', 'otp', 'confirming');
