//! Receipts (电子回单): a payment's PDF says who paid whom, how much, when, its status and
//! reference with a verification code; 验证回单 accepts it unchanged and refuses it with a
//! changed amount, a changed name, any changed byte, or from another installation.

use base64::Engine;
use tongbao_core::money::payments::receipt::{amount_in_capitals, ReceiptProblem};
use tongbao_core::money::payments::{Arrival, Direction, PaymentKind, PaymentStatus};
use tongbao_core::platform::error::ErrorCode;

mod common;
use common::money::*;
use common::*;

const T23: &str = "6222020000000010231";
const B64: base64::engine::GeneralPurpose = base64::engine::general_purpose::STANDARD;
const MARK: &[u8] = b"tongbao-receipt-v1:";

/// A wallet where P1 paid ¥1,234.56 to T23 (王五) with a note; the payment's id.
fn paid() -> (Env, i64) {
    let e = env();
    let t01 = bind(&e.wallet, &e.bank, "6222020000000010017", P1.phone, None);
    pay(&e.wallet, topup(t01.id, "5000")).unwrap();
    let mut input = to_card(T23, "王五", "1234.56", Arrival::Instant);
    input.note = Some("三月房租".into());
    let p = pay(&e.wallet, input).unwrap();
    assert_eq!(p.status, PaymentStatus::Succeeded);
    (e, p.id)
}

/// The file with its signed payload rewritten by `edit` (everywhere it appears).
fn with_payload(pdf: &[u8], edit: impl Fn(&mut serde_json::Value)) -> Vec<u8> {
    let at = pdf.windows(MARK.len()).position(|w| w == MARK).expect("a payload") + MARK.len();
    let run = pdf[at..].iter().take_while(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'=')).count();
    let old = pdf[at..at + run].to_vec();
    let mut json: serde_json::Value = serde_json::from_slice(&B64.decode(&old).unwrap()).unwrap();
    edit(&mut json);
    let new = B64.encode(serde_json::to_vec(&json).unwrap());
    let text = unsafe_latin1(pdf);
    let replaced = text.replace(std::str::from_utf8(&old).unwrap(), &new);
    replaced.chars().map(|c| c as u32 as u8).collect()
}

/// The bytes as one char each, so a binary file can go through `str::replace` unchanged.
fn unsafe_latin1(b: &[u8]) -> String {
    b.iter().map(|&c| c as char).collect()
}

#[test]
fn a_receipt_names_the_payment_and_verifies() {
    let (e, id) = paid();
    let pdf = e.wallet.money().receipt(id).unwrap();
    assert!(pdf.bytes.starts_with(b"%PDF-"), "a PDF");
    assert!(pdf.bytes.len() < 300_000, "the font is subset: {} bytes", pdf.bytes.len());
    let text = unsafe_latin1(&pdf.bytes);
    assert!(text.contains("/FontFile") && text.contains("/ToUnicode"), "the CJK font is embedded, its text copyable");
    assert!(!text.contains("6222020000000010231") && !text.contains("王五"), "no card number, the payee masked");
    assert!(pdf.reference.starts_with("TB") && pdf.reference.ends_with(&format!("{id:08}")), "{}", pdf.reference);

    let check = e.wallet.money().verify_receipt(&pdf.bytes).unwrap();
    assert!(check.ok && check.problem.is_none(), "{check:?}");
    let r = check.receipt.unwrap();
    assert_eq!((r.kind, r.direction, r.status), (PaymentKind::ToCard, Direction::Out, PaymentStatus::Succeeded));
    assert_eq!(r.amount_fen, 123_456);
    assert_eq!(r.payer, P1.real_name, "the payer by their own name");
    assert_eq!(r.payee, "*五 中国工商银行 尾号0231", "the payee masked, with the bank");
    assert_eq!(r.way, "余额");
    assert_eq!(r.note.as_deref(), Some("三月房租"));
    assert_eq!(r.reference, pdf.reference);
    assert_eq!(check.code.unwrap().len(), 24);
    // Through the IPC's form too (base64), and the same receipt drawn twice is the same file
    // apart from the issue time it carries.
    assert!(e.wallet.money().verify_receipt_base64(&B64.encode(&pdf.bytes)).unwrap().ok);
    assert_eq!(amount_in_capitals(123_456), "壹仟贰佰叁拾肆元伍角陆分");
}

#[test]
fn a_changed_amount_name_or_byte_fails_and_so_does_another_installations_receipt() {
    let (e, id) = paid();
    let pdf = e.wallet.money().receipt(id).unwrap().bytes;
    let verdict = |b: &[u8]| {
        let c = e.wallet.money().verify_receipt(b).unwrap();
        assert!(c.ok || (c.receipt.is_none() && c.code.is_none()), "nothing is vouched for a refused file");
        c.problem
    };
    assert_eq!(verdict(&pdf), None);

    let more = with_payload(&pdf, |j| j["amountFen"] = 923_456.into());
    assert_ne!(more, pdf);
    assert_eq!(verdict(&more), Some(ReceiptProblem::Altered), "a changed amount");
    let renamed = with_payload(&pdf, |j| j["payee"] = "*六 中国工商银行 尾号0231".into());
    assert_eq!(verdict(&renamed), Some(ReceiptProblem::Altered), "a changed payee");
    let payer = with_payload(&pdf, |j| j["payer"] = "李四".into());
    assert_eq!(verdict(&payer), Some(ReceiptProblem::Altered), "a changed payer");

    // Any single byte of the drawing (the page, the font, the trailer).
    for at in [pdf.len() / 3, pdf.len() / 2, pdf.len() - 10] {
        let mut b = pdf.clone();
        b[at] ^= 0x01;
        assert_eq!(verdict(&b), Some(ReceiptProblem::Altered), "byte {at}");
    }
    let mut longer = pdf.clone();
    longer.extend_from_slice(b"\n% appended\n");
    assert_eq!(verdict(&longer), Some(ReceiptProblem::Altered));

    // Not a receipt at all.
    assert_eq!(verdict(b"%PDF-1.7\n%%EOF"), Some(ReceiptProblem::NotAReceipt));
    assert_eq!(verdict(b""), Some(ReceiptProblem::NotAReceipt));
    let mut garbage = b"xx tongbao-receipt-v1:".to_vec();
    garbage.extend_from_slice(B64.encode(b"{\"not\":\"fields\"}").as_bytes());
    assert_eq!(verdict(&garbage), Some(ReceiptProblem::NotAReceipt));
    let err = e.wallet.money().verify_receipt_base64("not base64 at all!").unwrap_err();
    assert_eq!(err.code, ErrorCode::InputInvalid);

    // Another installation's key: its receipt does not verify here.
    let (other, other_id) = paid();
    let theirs = other.wallet.money().receipt(other_id).unwrap().bytes;
    assert!(other.wallet.money().verify_receipt(&theirs).unwrap().ok);
    assert_eq!(verdict(&theirs), Some(ReceiptProblem::Altered));
}

#[test]
fn only_the_people_of_a_payment_get_its_receipt() {
    let (e, id) = paid();
    pay(&e.wallet, to_user(P2.phone, "8.80")).unwrap();
    let to_p2 = e.wallet.money().history_now(&Default::default()).unwrap().items[0].id;
    sign_in(&e.wallet, &P2);
    // P2 sees the transfer they received, as payee, with the sender masked.
    let theirs = e.wallet.money().receipt(to_p2).unwrap();
    let r = e.wallet.money().verify_receipt(&theirs.bytes).unwrap().receipt.unwrap();
    assert_eq!((r.direction, r.amount_fen, r.payee.as_str()), (Direction::In, 880, P2.real_name));
    assert!(r.payer.starts_with('*'), "{}", r.payer);
    // …but not P1's card transfer.
    assert_eq!(e.wallet.money().receipt(id).map(|_| ()).unwrap_err().code, ErrorCode::PaymentNotFound);
    e.wallet.accounts().logout();
    assert_eq!(e.wallet.money().receipt(id).map(|_| ()).unwrap_err().code, ErrorCode::NotLoggedIn);
}

#[test]
fn the_first_receipts_issued_at_once_share_one_key() {
    let (e, id) = paid();
    // The key is made by the first receipt; eight at once must not make eight keys.
    let files: Vec<Vec<u8>> = std::thread::scope(|s| {
        let hs: Vec<_> = (0..8).map(|_| s.spawn(|| e.wallet.money().receipt(id).unwrap().bytes)).collect();
        hs.into_iter().map(|h| h.join().unwrap()).collect()
    });
    for f in &files {
        assert!(e.wallet.money().verify_receipt(f).unwrap().ok);
    }
}
