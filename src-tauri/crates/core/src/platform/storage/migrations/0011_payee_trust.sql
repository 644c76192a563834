-- Trust before money leaves: the payee check's outcome kept with the payment (match / close /
-- unavailable), and a keyed fingerprint of the payee card (HMAC, as for bound cards) so a payee
-- paid before is known without keeping its number.
ALTER TABLE payments ADD COLUMN payee_check TEXT CHECK (payee_check IN ('match', 'close', 'unavailable'));
ALTER TABLE payments ADD COLUMN payee_fp TEXT;
CREATE INDEX payments_by_payee_fp ON payments (account_id, payee_fp) WHERE payee_fp IS NOT NULL;
CREATE INDEX payments_by_payee_account ON payments (account_id, payee_account) WHERE payee_account IS NOT NULL;
