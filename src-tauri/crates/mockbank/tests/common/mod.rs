//! What the mock bank's integration tests share: the fixture's people, the start time, the
//! passwords, and the steps that register, sign in, read an SMS code and bind a card.
// Each test file uses its own part of this module.
#![allow(dead_code)]

use std::sync::Barrier;

use tongbao_core::bank::RetryPolicy;
use tongbao_core::cards::binding::{BindStart, CardView};
use tongbao_core::platform::secrets::SecretString;
use tongbao_core::Wallet;
use tongbao_mockbank::MockBank;

pub mod money;

#[path = "../../../core/tests/common/people.rs"]
mod people;
pub use people::*;
pub const NO_RETRY: &dyn Fn(u32, u32) = &|_, _| {};

pub fn policy() -> RetryPolicy {
    RetryPolicy { timeout_ms: 2_000, max_retries: 2, base_backoff_ms: 500, jitter_ms: 0 }
}

/// Registers `p` (who stays signed in) with `PASSWORD` and the payment password `PAY_PASSWORD`.
pub fn register(w: &Wallet, p: &Person) {
    let input = serde_json::from_value(serde_json::json!({
        "details": { "phone": p.phone, "displayName": p.display_name, "realName": p.real_name, "idNumber": p.id_number,
                     "password": PASSWORD, "passwordConfirm": PASSWORD, "agree": true },
        "payPassword": PAY_PASSWORD, "payPasswordConfirm": PAY_PASSWORD
    }))
    .unwrap();
    w.accounts().register(&input).unwrap();
}

/// Signs out whoever is signed in and signs `p` in.
pub fn sign_in(w: &Wallet, p: &Person) {
    w.accounts().logout();
    w.accounts()
        .login(&serde_json::from_value(serde_json::json!({"phone": p.phone, "password": PASSWORD})).unwrap())
        .unwrap();
}

/// The code in the latest SMS the bank sent to a phone.
pub fn sms_code(bank: &MockBank, phone: &str) -> String {
    let text = bank.latest_sms(phone).expect("an SMS was sent");
    let at = text.find("验证码 ").expect("the SMS has a code") + "验证码 ".len();
    text[at..at + 6].to_owned()
}

/// The binding form of a debit card, the terms accepted.
pub fn debit_form(number: &str, phone: &str) -> BindStart {
    BindStart {
        number: SecretString::new(number),
        expiry: None,
        cvv: None,
        phone: phone.into(),
        nickname: None,
        agree: true,
    }
}

/// Binds a card (with its expiry and CVV for a credit card) for whoever is signed in.
pub fn bind(w: &Wallet, bank: &MockBank, number: &str, phone: &str, credit: Option<(&str, &str)>) -> CardView {
    let form = BindStart {
        number: SecretString::new(number),
        expiry: credit.map(|(e, _)| e.to_owned()),
        cvv: credit.map(|(_, c)| SecretString::new(c)),
        phone: phone.into(),
        nickname: None,
        agree: true,
    };
    let step = w.cards().bind_start(&form, NO_RETRY).unwrap();
    w.cards().bind_confirm(&step.attempt_id, &SecretString::new(sms_code(bank, phone)), NO_RETRY).unwrap()
}

/// Runs `f(i)` on `n` threads released at once; their results in order.
pub fn at_once<T: Send>(n: usize, f: impl Fn(usize) -> T + Sync) -> Vec<T> {
    let barrier = Barrier::new(n);
    std::thread::scope(|s| {
        let hs: Vec<_> = (0..n)
            .map(|i| {
                let (b, f) = (&barrier, &f);
                s.spawn(move || {
                    b.wait();
                    f(i)
                })
            })
            .collect();
        hs.into_iter().map(|h| h.join().unwrap()).collect()
    })
}
