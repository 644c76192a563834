-- Credit-card repayment (信用卡还款): the wallet's fee kept with the payment (its amount is what
-- the payer paid: the repayment and the fee), and the bound credit card repaid (`dest_card`).
ALTER TABLE payments ADD COLUMN fee_fen INTEGER NOT NULL DEFAULT 0 CHECK (fee_fen >= 0);
CREATE INDEX payments_repaid_by_month ON payments (account_id, created_at) WHERE kind = 'repay';
