-- 准贷记卡 (quasi-credit) cards bind like credit cards (expiry and CVV2). The kind column's
-- CHECK predates them, so a quasi-credit card is stored as kind 'credit' with this flag.
ALTER TABLE cards ADD COLUMN quasi_credit INTEGER NOT NULL DEFAULT 0 CHECK (quasi_credit IN (0, 1));
