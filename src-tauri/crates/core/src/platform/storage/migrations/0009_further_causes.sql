-- What the bank said of the account behind a card at binding: its class (I / II) and the
-- bank's own quick-pay limits, in fen (NULL: the bank gave none).
ALTER TABLE cards ADD COLUMN account_class TEXT NOT NULL DEFAULT 'I' CHECK (account_class IN ('I', 'II'));
ALTER TABLE cards ADD COLUMN bank_single_limit_fen INTEGER;
ALTER TABLE cards ADD COLUMN bank_daily_limit_fen INTEGER;
-- A failure's case, its end and the card it names (an old ID, a payroll card, maintenance until
-- 00:30, the replacing card's last 4): the troubleshooting center explains the case, not only the code.
ALTER TABLE card_audit ADD COLUMN case_detail TEXT;
ALTER TABLE card_audit ADD COLUMN until INTEGER;
ALTER TABLE card_audit ADD COLUMN named_last4 TEXT CHECK (named_last4 IS NULL OR length(named_last4) = 4);
