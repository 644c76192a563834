-- Trust before money leaves: the payee check's outcome kept with the payment (match / close /
-- unavailable), and a keyed fingerprint of the payee card (HMAC, as for bound cards) so a payee
-- paid before is known without keeping its number.
ALTER TABLE payments ADD COLUMN payee_check TEXT CHECK (payee_check IN ('match', 'close', 'unavailable'));
ALTER TABLE payments ADD COLUMN payee_fp TEXT;
CREATE INDEX payments_by_payee_fp ON payments (account_id, payee_fp) WHERE payee_fp IS NOT NULL;
CREATE INDEX payments_by_payee_account ON payments (account_id, payee_account) WHERE payee_account IS NOT NULL;
-- The SMS code asked on top of the payment password within 24 hours after a password change
-- or recovery: one live code per account, kept as an HMAC, with its tries.
CREATE TABLE step_up_codes (
    account_id  INTEGER PRIMARY KEY REFERENCES accounts(id),
    code_mac    TEXT    NOT NULL,
    expires_at  INTEGER NOT NULL,
    sent_at     INTEGER NOT NULL,
    tries_left  INTEGER NOT NULL CHECK (tries_left >= 0)
);
ALTER TABLE payments ADD COLUMN purpose TEXT CHECK (purpose IN ('family', 'shopping', 'investment', 'impersonation'));
-- A transfer's note (备注): at most 20 characters, shown to both sides and searchable.
ALTER TABLE payments ADD COLUMN note TEXT CHECK (note IS NULL OR length(note) <= 20);
-- Recent payees the person removed from the list: hidden until a newer payment to them.
CREATE TABLE hidden_payees (
    account_id  INTEGER NOT NULL REFERENCES accounts(id),
    payee_key   TEXT    NOT NULL,
    hidden_at   INTEGER NOT NULL,
    PRIMARY KEY (account_id, payee_key)
);
