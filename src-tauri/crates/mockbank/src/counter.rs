//! The bank counter and the developer panel: what a tester sees (cards, SMS, tokens,
//! controls) scoped to the viewer, the counter's actions (activate, enable e-pay, unfreeze …),
//! and the read-outs tests use.

use rusqlite::{params, OptionalExtension};
use tongbao_core::platform::clock::Millis;

use crate::bank::MockBank;
use crate::controls::MockControls;
use crate::totp;

/// The mock panels' view: the phone's latest SMS per number, the token devices, the controls.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct MockPanel {
    /// The mock clock's time (Unix ms): the wallet and the bank both read it.
    #[ts(type = "number")]
    pub now: Millis,
    /// The bank's cards and their state, for the counter actions.
    pub cards: Vec<MockCard>,
    pub sms: Vec<MockSms>,
    pub tokens: Vec<MockToken>,
    pub controls: MockControls,
    /// The app started in test mode (`TONGBAO_TEST_MODE=1`): the clock, latency, faults and
    /// offline switch can be changed, and every person's SMS and cards are shown.
    #[serde(default)]
    pub test_mode: bool,
    /// The merchant panel (test mode): the acquirer's merchants and the newest orders.
    #[serde(default)]
    pub merchants: Vec<crate::acquirer::MockMerchant>,
    #[serde(default)]
    pub orders: Vec<crate::acquirer::MockOrder>,
}

/// Who looks at the mock panels outside test mode: the signed-in person. The mock phone stands
/// in for their own phones; the bank counter serves only the cards they hold (as a real
/// counter checks your ID card).
#[derive(Debug, Clone)]
pub struct Viewer {
    pub id_number: String,
    pub phone: String,
}

/// A card as the bank counter sees it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct MockCard {
    pub id: String,
    pub last4: String,
    pub holder: String,
    pub reserved_phone: String,
    pub activated: bool,
    pub epay_enabled: bool,
    pub frozen: bool,
    pub lost: bool,
    /// The bank's system fails for this card (96) until service is restored.
    pub system_error: bool,
    /// The bank still holds the holder's old 15-digit ID for this card.
    pub id_outdated: bool,
    /// A payroll card (代发工资卡).
    pub payroll: bool,
    /// Quick-pay agreements with other payment institutions (the bank allows 5).
    pub other_agreements: i64,
    /// Card-not-present payments (无卡支付) enabled.
    pub non_counter_enabled: bool,
}

/// What a person does at the bank counter or on 95588 (the remedies of the failure catalogue).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase", tag = "action")]
pub enum BankAction {
    /// 激活: the card works (T02).
    Activate {
        #[serde(rename = "cardId")]
        card_id: String,
    },
    /// 开通电子支付/快捷支付 (T03).
    EnableEpay {
        #[serde(rename = "cardId")]
        card_id: String,
    },
    /// 解冻 (T06).
    Unfreeze {
        #[serde(rename = "cardId")]
        card_id: String,
    },
    /// 修改预留手机号.
    ChangePhone {
        #[serde(rename = "cardId")]
        card_id: String,
        phone: String,
    },
    /// 挂失.
    ReportLost {
        #[serde(rename = "cardId")]
        card_id: String,
    },
    /// The bank's system works again for this card (ends its 96 answers: T24).
    RestoreService {
        #[serde(rename = "cardId")]
        card_id: String,
    },
    /// 更新身份证信息: the bank takes the holder's current 18-digit ID (T33).
    UpdateId {
        #[serde(rename = "cardId")]
        card_id: String,
    },
    /// 解除一个其他支付机构协议: one agreement with another payment institution ends (T35).
    ReleaseAgreement {
        #[serde(rename = "cardId")]
        card_id: String,
    },
    /// 开通无卡支付: card-not-present payments enabled (T38).
    EnableNonCounter {
        #[serde(rename = "cardId")]
        card_id: String,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct MockSms {
    pub phone: String,
    pub text: String,
    #[ts(type = "number")]
    pub at: Millis,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct MockToken {
    pub card_id: String,
    pub last4: String,
    pub code: String,
}

/// The cards of the viewer whose ID number is ?1 (every card when ?1 is NULL: test mode).
pub(crate) const OWN_CARD: &str = "(?1 IS NULL OR c.holder IN (SELECT id FROM people WHERE id_number = ?1))";
/// The phones of the viewer (?1 their ID number, ?2 their account phone): the account phone
/// and the reserved phones of the cards they hold. Every phone when ?1 is NULL (test mode).
pub(crate) const OWN_PHONE: &str = "(?1 IS NULL OR s.phone = ?2 OR s.phone IN (SELECT c.reserved_phone FROM cards c
                          WHERE c.holder IN (SELECT id FROM people WHERE id_number = ?1)))";
impl MockBank {
    /// The latest SMS sent to a phone (the mock phone panel).
    pub fn latest_sms(&self, phone: &str) -> Option<String> {
        self.db()
            .query_row("SELECT text FROM sms WHERE phone = ?1 ORDER BY id DESC LIMIT 1", [phone], |r| r.get(0))
            .optional()
            .ok()
            .flatten()
    }

    /// Everything the mock panels show: to `viewer` only their own phones' SMS and their own
    /// cards; with no viewer (test mode) everyone's.
    pub fn panel(&self, viewer: Option<&Viewer>) -> MockPanel {
        let (id_number, phone) = viewer.map_or((None, None), |v| (Some(v.id_number.as_str()), Some(v.phone.as_str())));
        let db = self.db();
        let sms = db
            .prepare(&format!(
                "SELECT phone, text, at FROM sms s WHERE id = (SELECT max(id) FROM sms WHERE phone = s.phone)
                 AND {OWN_PHONE} ORDER BY at DESC, id DESC"
            ))
            .and_then(|mut st| {
                st.query_map(params![id_number, phone], |r| {
                    Ok(MockSms { phone: r.get(0)?, text: r.get(1)?, at: r.get(2)? })
                })?
                .collect::<rusqlite::Result<Vec<_>>>()
            })
            .unwrap_or_default();
        let secrets: Vec<(String, String, String)> = db
            .prepare(&format!(
                "SELECT c.id, substr(c.number, -4), c.totp_secret FROM cards c WHERE c.totp_secret IS NOT NULL
                 AND {OWN_CARD} ORDER BY c.id"
            ))
            .and_then(|mut st| {
                st.query_map(params![id_number], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
                    .collect::<rusqlite::Result<Vec<_>>>()
            })
            .unwrap_or_default();
        drop(db);
        let now = self.clock.now();
        let tokens = secrets
            .into_iter()
            .filter_map(|(card_id, last4, secret)| {
                let key = totp::base32_decode(&secret)?;
                Some(MockToken { card_id, last4, code: totp::code_now(&key, now) })
            })
            .collect();
        MockPanel {
            now,
            cards: self.cards_view(id_number),
            sms,
            tokens,
            controls: MockControls::from(&self.controls()),
            test_mode: viewer.is_none(),
            merchants: if viewer.is_none() { self.mock_merchants() } else { vec![] },
            orders: if viewer.is_none() { self.mock_orders(None, 10).unwrap_or_default() } else { vec![] },
        }
    }

    /// The mock phone alone, with the latest SMS to each of `phones` (a person recovering a
    /// password before signing in: their phone, nothing else).
    pub fn sms_panel(&self, phones: &[String]) -> MockPanel {
        let mut sms: Vec<MockSms> = phones
            .iter()
            .filter_map(|p| {
                self.db()
                    .query_row("SELECT phone, text, at FROM sms WHERE phone = ?1 ORDER BY id DESC LIMIT 1", [p], |r| {
                        Ok(MockSms { phone: r.get(0)?, text: r.get(1)?, at: r.get(2)? })
                    })
                    .optional()
                    .ok()
                    .flatten()
            })
            .collect();
        sms.sort_by_key(|m| std::cmp::Reverse(m.at));
        MockPanel {
            now: self.clock.now(),
            cards: vec![],
            sms,
            tokens: vec![],
            controls: MockControls::from(&self.controls()),
            test_mode: false,
            merchants: vec![],
            orders: vec![],
        }
    }

    /// Performs a counter action for `viewer` (only on a card they hold) or, with no viewer
    /// (test mode), on any card. Errors (unknown card, a phone that is not 11 digits) are
    /// returned as text.
    pub fn act(&self, viewer: Option<&Viewer>, action: &BankAction) -> Result<(), String> {
        // Restoring the bank's own system (T24) is the tester's control, not a person's: only
        // without a viewer, i.e. in test mode.
        if viewer.is_some() && matches!(action, BankAction::RestoreService { .. }) {
            return Err("restoring the bank's service is a test-mode control".into());
        }
        let (sql, card_id, value): (&str, &str, Option<&str>) = match action {
            BankAction::Activate { card_id } => ("UPDATE cards SET activated = 1 WHERE id = ?1", card_id, None),
            BankAction::EnableEpay { card_id } => ("UPDATE cards SET epay_enabled = 1 WHERE id = ?1", card_id, None),
            BankAction::Unfreeze { card_id } => ("UPDATE cards SET frozen = 0 WHERE id = ?1", card_id, None),
            BankAction::ReportLost { card_id } => ("UPDATE cards SET lost = 1 WHERE id = ?1", card_id, None),
            BankAction::RestoreService { card_id } => {
                ("UPDATE cards SET system_error = 0 WHERE id = ?1", card_id, None)
            }
            BankAction::UpdateId { card_id } => ("UPDATE cards SET held_id_number = NULL WHERE id = ?1", card_id, None),
            BankAction::ReleaseAgreement { card_id } => {
                ("UPDATE cards SET other_agreements = max(other_agreements - 1, 0) WHERE id = ?1", card_id, None)
            }
            BankAction::EnableNonCounter { card_id } => {
                ("UPDATE cards SET non_counter_enabled = 1 WHERE id = ?1", card_id, None)
            }
            BankAction::ChangePhone { card_id, phone } => {
                let p = phone.trim();
                if p.len() != 11 || !p.bytes().all(|c| c.is_ascii_digit()) || !p.starts_with('1') {
                    return Err(format!("{p:?} is not an 11-digit mobile number"));
                }
                ("UPDATE cards SET reserved_phone = ?2 WHERE id = ?1", card_id, Some(p))
            }
        };
        let db = self.db();
        if let Some(v) = viewer {
            let own: bool = db
                .query_row(
                    "SELECT count(*) > 0 FROM cards c JOIN people p ON p.id = c.holder WHERE c.id = ?1 AND p.id_number = ?2",
                    params![card_id, v.id_number],
                    |r| r.get(0),
                )
                .map_err(|e| format!("mock bank: {e}"))?;
            if !own {
                return Err(format!("the bank has no card {card_id} of yours"));
            }
        }
        let changed = match value {
            Some(v) => db.execute(sql, params![card_id, v]),
            None => db.execute(sql, params![card_id]),
        }
        .map_err(|e| format!("mock bank: {e}"))?;
        if changed == 0 {
            return Err(format!("the bank has no card {card_id}"));
        }
        tracing::info!(card = %card_id, ?action, "mock bank counter action");
        Ok(())
    }

    pub(crate) fn cards_view(&self, id_number: Option<&str>) -> Vec<MockCard> {
        self.db()
            .prepare(&format!(
                "SELECT c.id, substr(c.number, -4), p.real_name, c.reserved_phone, c.activated, c.epay_enabled,
                        c.frozen, c.lost OR c.stolen, c.system_error,
                        c.held_id_number IS NOT NULL AND c.held_id_number != p.id_number, c.payroll,
                        c.other_agreements, c.non_counter_enabled
                 FROM cards c JOIN people p ON p.id = c.holder WHERE {OWN_CARD} ORDER BY c.id"
            ))
            .and_then(|mut st| {
                st.query_map([id_number], |r| {
                    Ok(MockCard {
                        id: r.get(0)?,
                        last4: r.get(1)?,
                        holder: r.get(2)?,
                        reserved_phone: r.get(3)?,
                        activated: r.get(4)?,
                        epay_enabled: r.get(5)?,
                        frozen: r.get(6)?,
                        lost: r.get(7)?,
                        system_error: r.get(8)?,
                        id_outdated: r.get(9)?,
                        payroll: r.get(10)?,
                        other_agreements: r.get(11)?,
                        non_counter_enabled: r.get(12)?,
                    })
                })?
                .collect::<rusqlite::Result<Vec<_>>>()
            })
            .unwrap_or_default()
    }

    /// Whether an agreement (card token) is active at the bank; None if the bank never issued it.
    pub fn agreement_active(&self, token: &str) -> Option<bool> {
        self.db()
            .query_row("SELECT active FROM agreements WHERE token = ?1", [token], |r| r.get(0))
            .optional()
            .ok()
            .flatten()
    }

    /// The SMS-code tries left in the binding session of a request id (tests: a resume must not
    /// spend one).
    pub fn otp_tries_left(&self, request_id: &str) -> Option<i64> {
        self.db()
            .query_row("SELECT otp_tries_left FROM sessions WHERE request_id = ?1", [request_id], |r| r.get(0))
            .optional()
            .ok()
            .flatten()
    }

    /// The active agreement tokens of a card (tests: which token an unbind must revoke).
    pub fn active_agreements(&self, card_id: &str) -> Vec<String> {
        self.db()
            .prepare("SELECT token FROM agreements WHERE card_id = ?1 AND active = 1 ORDER BY created_at")
            .and_then(|mut st| st.query_map([card_id], |r| r.get(0))?.collect::<rusqlite::Result<Vec<_>>>())
            .unwrap_or_default()
    }

    /// The code a card's token device shows now (the token device panel).
    pub fn token_code(&self, card_id: &str) -> Option<String> {
        let secret: Option<String> = self
            .db()
            .query_row("SELECT totp_secret FROM cards WHERE id = ?1", [card_id], |r| r.get(0))
            .optional()
            .ok()
            .flatten()
            .flatten();
        let key = totp::base32_decode(&secret?)?;
        Some(totp::code_now(&key, self.clock.now()))
    }

    // --- Realism: latency, offline, faults --------------------------------------------------
}
