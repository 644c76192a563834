-- Bindings through the bank's own app (一键绑卡): each request the wallet made, by its `state`
-- (the value the bank app hands back in the callback). A state is used once.
CREATE TABLE bank_app_requests (
    state       TEXT    PRIMARY KEY CHECK (length(state) = 32),
    account_id  INTEGER NOT NULL REFERENCES accounts(id),
    bank        TEXT    NOT NULL,
    created_at  INTEGER NOT NULL,
    used_at     INTEGER
);
CREATE INDEX bank_app_requests_by_account ON bank_app_requests (account_id, created_at);
