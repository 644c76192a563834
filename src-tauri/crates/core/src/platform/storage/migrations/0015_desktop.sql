-- On the desktop: amounts hidden per account (隐藏金额), and the notices center (消息中心).
ALTER TABLE accounts ADD COLUMN hide_amounts INTEGER NOT NULL DEFAULT 0 CHECK (hide_amounts IN (0, 1));

-- A notice says one thing once: (account, kind, subject) is unique, so finding the same event
-- again (after a crash, or on the next look) adds nothing. `subject` names what it is about:
-- a payment's id, a card and its expiry or due date, a saved bill and its amount due, a sign-in.
CREATE TABLE notices (
    id         INTEGER PRIMARY KEY,
    account_id INTEGER NOT NULL REFERENCES accounts(id),
    kind       TEXT    NOT NULL CHECK (kind IN ('received', 'transfer_posted', 'transfer_returned', 'refund',
                                                'repay_due', 'bill_due', 'card_expiring', 'recovered_sign_in')),
    subject    TEXT    NOT NULL,
    payment_id INTEGER REFERENCES payments(id),
    card_id    INTEGER REFERENCES cards(id),
    -- A bill due: the saved account it is about (no foreign key: removing a saved account keeps
    -- its old notices) and the amount the biller said.
    bill_id    INTEGER,
    amount_fen INTEGER CHECK (amount_fen IS NULL OR amount_fen > 0),
    created_at INTEGER NOT NULL,
    read_at    INTEGER,
    UNIQUE (account_id, kind, subject)
);
CREATE INDEX notices_by_account ON notices (account_id, created_at DESC, id DESC);
CREATE INDEX notices_unread ON notices (account_id) WHERE read_at IS NULL;

-- Where each account's news starts (`since`: an account older than the notices center starts
-- after the last event already in the books; a newer one at its opening) and how far its looks
-- have read the payments' status changes (`seen_event`, a payment_events id: each look reads only
-- what came after, by the primary key, however long the history).
CREATE TABLE notice_marks (
    account_id INTEGER PRIMARY KEY REFERENCES accounts(id),
    since      INTEGER NOT NULL,
    seen_event INTEGER NOT NULL DEFAULT 0
);
INSERT INTO notice_marks (account_id, since, seen_event)
    SELECT id, max(created_at,
                   COALESCE((SELECT max(updated_at) FROM payments), 0),
                   COALESCE((SELECT max(at) FROM login_events), 0),
                   COALESCE((SELECT max(at) FROM security_events), 0)) + 1,
           COALESCE((SELECT max(id) FROM payment_events), 0)
    FROM accounts;
