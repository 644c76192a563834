-- Paying merchants (and, later, bills and card repayments): `payments` gains the kinds and
-- statuses they need. SQLite cannot change a CHECK constraint in place, so the table is
-- rebuilt (foreign keys are off while migrations run and checked before each commits), its
-- rows copied with their ids, and its indexes made again.
CREATE TABLE payments_new (
    id                INTEGER PRIMARY KEY,
    idem_key          TEXT    NOT NULL UNIQUE CHECK (length(idem_key) BETWEEN 8 AND 64),
    account_id        INTEGER NOT NULL REFERENCES accounts(id),
    kind              TEXT    NOT NULL CHECK (kind IN ('topup', 'withdraw', 'to_user', 'to_card', 'merchant', 'refund', 'bill', 'repay')),
    amount_fen        INTEGER NOT NULL CHECK (amount_fen > 0),
    source_card       INTEGER REFERENCES cards(id),
    dest_card         INTEGER REFERENCES cards(id),
    payee_account     INTEGER REFERENCES accounts(id),
    payee_bank        TEXT,
    payee_last4       TEXT    CHECK (payee_last4 IS NULL OR length(payee_last4) = 4),
    payee_ref         TEXT,
    arrival           TEXT    NOT NULL DEFAULT 'instant' CHECK (arrival IN ('instant', 'two_hours', 'next_day')),
    posts_at          INTEGER,
    status            TEXT    NOT NULL CHECK (status IN ('pending', 'succeeded', 'failed', 'returned', 'revoked', 'refunded', 'partially_refunded')),
    bank_state        TEXT    NOT NULL DEFAULT 'none' CHECK (bank_state IN ('none', 'sent', 'done')),
    failure           TEXT,
    bank_ref          TEXT,
    created_at        INTEGER NOT NULL,
    updated_at        INTEGER NOT NULL,
    payee_name_masked TEXT,
    payee_check       TEXT    CHECK (payee_check IN ('match', 'close', 'unavailable')),
    payee_fp          TEXT,
    purpose           TEXT    CHECK (purpose IN ('family', 'shopping', 'investment', 'impersonation')),
    note              TEXT    CHECK (note IS NULL OR length(note) <= 20),
    -- A merchant payment: the acquirer's order, the merchant's number, the order's own amount
    -- (the payment's amount is what the payer paid after the offer), the offer and the points.
    order_id          TEXT,
    order_title       TEXT,
    merchant_number   TEXT,
    order_amount_fen  INTEGER CHECK (order_amount_fen IS NULL OR order_amount_fen > 0),
    offer_id          TEXT,
    discount_fen      INTEGER NOT NULL DEFAULT 0 CHECK (discount_fen >= 0),
    points            INTEGER NOT NULL DEFAULT 0 CHECK (points >= 0),
    -- A refund: the payment it gives money back for; on that payment, how much came back.
    refund_of         INTEGER REFERENCES payments(id),
    refunded_fen      INTEGER NOT NULL DEFAULT 0 CHECK (refunded_fen >= 0)
);
INSERT INTO payments_new (id, idem_key, account_id, kind, amount_fen, source_card, dest_card, payee_account, payee_bank,
                          payee_last4, payee_ref, arrival, posts_at, status, bank_state, failure, bank_ref, created_at,
                          updated_at, payee_name_masked, payee_check, payee_fp, purpose, note)
    SELECT id, idem_key, account_id, kind, amount_fen, source_card, dest_card, payee_account, payee_bank,
           payee_last4, payee_ref, arrival, posts_at, status, bank_state, failure, bank_ref, created_at,
           updated_at, payee_name_masked, payee_check, payee_fp, purpose, note
    FROM payments;
DROP TABLE payments;
ALTER TABLE payments_new RENAME TO payments;
CREATE INDEX payments_by_account ON payments(account_id, created_at DESC, id DESC);
CREATE INDEX payments_by_payee ON payments(payee_account, created_at DESC, id DESC) WHERE payee_account IS NOT NULL;
CREATE INDEX payments_unfinished ON payments(status) WHERE status = 'pending';
CREATE INDEX payments_by_payee_fp ON payments (account_id, payee_fp) WHERE payee_fp IS NOT NULL;
CREATE INDEX payments_by_payee_account ON payments (account_id, payee_account) WHERE payee_account IS NOT NULL;
-- A person's payments of an order (at most one pending or paid); the offers used, by day.
CREATE INDEX payments_of_order ON payments (account_id, order_id) WHERE order_id IS NOT NULL;
CREATE INDEX payments_by_offer ON payments (account_id, offer_id, created_at) WHERE offer_id IS NOT NULL;
CREATE INDEX refunds_of ON payments (refund_of) WHERE refund_of IS NOT NULL;
