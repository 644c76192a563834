-- A transfer to a card keeps the payee's name as the payer gave it and the bank confirmed,
-- masked (`*五`), so the confirmation, the result, the history and the detail can name the
-- person the money went to.
ALTER TABLE payments ADD COLUMN payee_name_masked TEXT;
