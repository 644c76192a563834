-- Bills (生活缴费): a bill payment keeps what was paid (the kind, the 户号 or phone, the biller's
-- name as it answered) — its reference is the payment's `bank_ref`; and the person's saved
-- accounts (常用户号) with a nickname, newest use first.
ALTER TABLE payments ADD COLUMN bill_kind TEXT CHECK (bill_kind IN ('electricity', 'water', 'gas', 'mobile'));
ALTER TABLE payments ADD COLUMN bill_account TEXT CHECK (bill_account IS NULL OR length(bill_account) BETWEEN 1 AND 20);
ALTER TABLE payments ADD COLUMN biller_name TEXT;
ALTER TABLE payments ADD COLUMN bill_holder_masked TEXT;
CREATE TABLE saved_bills (
    id           INTEGER PRIMARY KEY,
    account_id   INTEGER NOT NULL REFERENCES accounts(id),
    kind         TEXT    NOT NULL CHECK (kind IN ('electricity', 'water', 'gas', 'mobile')),
    bill_account TEXT    NOT NULL CHECK (length(bill_account) BETWEEN 1 AND 20),
    nickname     TEXT    NOT NULL CHECK (length(nickname) BETWEEN 1 AND 10),
    used_at      INTEGER NOT NULL,
    UNIQUE (account_id, kind, bill_account)
);
