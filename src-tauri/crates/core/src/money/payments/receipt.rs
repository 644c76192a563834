//! Receipts (电子回单): a one-page PDF for a payment — payer, masked payee, amount (also in
//! Chinese capitals), time, status, reference — with a verification code, and the check that
//! tells a genuine receipt from an altered one.
//!
//! The fields travel inside the PDF as one signed payload (base64 JSON in the document's
//! keywords). The verification code is an HMAC-SHA256 over that payload under a key of this
//! installation kept in the OS keychain (`receipt-key`), printed on the page. 验证回单:
//! 1. find the payload; none → not a receipt of this wallet;
//! 2. recompute the code from the payload; an edited amount or name no longer matches;
//! 3. draw the receipt again from the payload and compare the whole file byte for byte, so an
//!    edit to the visible text, the code or anything else fails too.
//!
//! Step 3 needs the drawing to be deterministic: no clock, no random id (the document id is the
//! reference, the issue time is a field), the same font. The font is the system's Noto Sans
//! CJK SC (or the platform's own CJK font); if that font file changes (a system upgrade), older
//! receipts no longer compare and are reported altered — docs/features.md says so.

use std::sync::Arc;

use base64::Engine;
use hmac::{Hmac, Mac};
use krilla::color::rgb;
use krilla::geom::{PathBuilder, Point};
use krilla::metadata::Metadata;
use krilla::num::NormalizedF32;
use krilla::page::PageSettings;
use krilla::paint::{Fill, Stroke};
use krilla::surface::Surface;
use krilla::text::{Font, TextDirection};
use krilla::Document;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::{Direction, PaymentKind, PaymentStatus, PaymentView};
use crate::money::ops::Money;
use crate::money::{self, Fen};
use crate::platform::clock::{Millis, ZONE};
use crate::platform::error::{AppError, ErrorCode};
use crate::platform::secrets::RECEIPT_KEY_NAME;

/// What marks the payload in the file; the version names the field set and the drawing.
const MARK: &str = "tongbao-receipt-v1:";
/// A receipt is about 60 KB; anything far larger is not one (and is not read further).
pub const MAX_RECEIPT_BYTES: usize = 4 * 1024 * 1024;

/// What a receipt says, signed as one payload. Names are as the receipt prints them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ReceiptFields {
    /// 回单编号: `TB` + the day (Shanghai) + the payment's number.
    pub reference: String,
    pub kind: PaymentKind,
    pub direction: Direction,
    /// 付款方: the payer's real name (the person themself), or the sender's masked name.
    pub payer: String,
    /// 收款方: masked (`*五 中国工商银行 尾号0231`), or the person themself.
    pub payee: String,
    #[ts(type = "number")]
    pub amount_fen: Fen,
    /// The way paid: `余额` or the card's bank and last 4 digits.
    pub way: String,
    pub status: PaymentStatus,
    pub note: Option<String>,
    /// When the payment was made (ms, shown as Shanghai time).
    #[ts(type = "number")]
    pub at: Millis,
    /// When this receipt was issued.
    #[ts(type = "number")]
    pub issued_at: Millis,
}

/// Why a file is not a genuine receipt.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ReceiptProblem {
    /// Not a receipt of this wallet (no payload, or one that cannot be read).
    NotAReceipt,
    /// The payload's code, or the file drawn from it, does not match: something was changed
    /// (or it was issued by another installation).
    Altered,
}

/// 验证回单's answer: genuine with what it says, or why not.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ReceiptCheck {
    pub ok: bool,
    pub problem: Option<ReceiptProblem>,
    /// What the genuine receipt says (None unless `ok`).
    pub receipt: Option<ReceiptFields>,
    /// Its verification code as printed (None unless `ok`).
    pub code: Option<String>,
}

/// A receipt drawn for export: the file and a name to suggest.
pub struct ReceiptPdf {
    pub bytes: Vec<u8>,
    pub reference: String,
}

impl Money<'_> {
    /// The receipt of one of the person's payments (made or received).
    pub fn receipt(&self, payment_id: i64) -> Result<ReceiptPdf, AppError> {
        let me = self.require_account()?;
        let detail = self.payment_detail(payment_id)?;
        let (name, _) = crate::accounts::holder(&self.db(), me)?;
        let fields = fields_of(&detail.payment, &name, self.clock.now());
        let payload = serde_json::to_vec(&fields).map_err(|e| AppError::internal(format!("receipt payload: {e}")))?;
        let code = code_of(&self.receipt_key()?, &payload);
        let bytes = draw(&fields, &payload, &code, &load_font()?)?;
        tracing::info!(payment_id, "receipt issued");
        Ok(ReceiptPdf { bytes, reference: fields.reference })
    }

    /// 验证回单 of a file the UI read, as base64 (how a file crosses IPC).
    pub fn verify_receipt_base64(&self, file: &str) -> Result<ReceiptCheck, AppError> {
        if file.len() > MAX_RECEIPT_BYTES / 3 * 4 + 4 {
            return Err(AppError::new(ErrorCode::InputInvalid, "the file is too large to be a receipt"));
        }
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(file.trim())
            .map_err(|_| AppError::new(ErrorCode::InputInvalid, "the file could not be read"))?;
        self.verify_receipt(&bytes)
    }

    /// 验证回单: whether `pdf` is a receipt this installation issued, unchanged.
    pub fn verify_receipt(&self, pdf: &[u8]) -> Result<ReceiptCheck, AppError> {
        self.require_account()?;
        let refuse = |problem| Ok(ReceiptCheck { ok: false, problem: Some(problem), receipt: None, code: None });
        if pdf.len() > MAX_RECEIPT_BYTES {
            return refuse(ReceiptProblem::NotAReceipt);
        }
        let Some(payload) = find_payload(pdf) else { return refuse(ReceiptProblem::NotAReceipt) };
        let Ok(fields) = serde_json::from_slice::<ReceiptFields>(&payload) else {
            return refuse(ReceiptProblem::NotAReceipt);
        };
        let code = code_of(&self.receipt_key()?, &payload);
        // The code is not compared on its own: the file drawn with the recomputed code must be
        // the file given, which holds only if the printed code, the payload and the page agree.
        let again = draw(&fields, &payload, &code, &load_font()?)?;
        if !constant_time_eq(&again, pdf) {
            tracing::warn!("a receipt failed verification");
            return refuse(ReceiptProblem::Altered);
        }
        Ok(ReceiptCheck { ok: true, problem: None, receipt: Some(fields), code: Some(code) })
    }
}

impl crate::services::Services {
    /// The key that signs receipts, from the keychain (made there the first time); held once
    /// read. One caller at a time makes it, so two first receipts cannot make two keys.
    fn receipt_key(&self) -> Result<zeroize::Zeroizing<Vec<u8>>, AppError> {
        let mut slot = self.receipt_key.lock().unwrap_or_else(|p| p.into_inner());
        if slot.is_none() {
            *slot = Some(crate::platform::secrets::ensure_secret(self.secrets.as_ref(), RECEIPT_KEY_NAME)?);
        }
        Ok(slot.clone().unwrap_or_default())
    }
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// `TB20261203` + the payment's number in 8 digits.
pub fn reference(id: i64, at: Millis) -> String {
    format!("TB{}{id:08}", crate::platform::clock::shanghai_date(at).format("%Y%m%d"))
}

fn fields_of(p: &PaymentView, my_name: &str, now: Millis) -> ReceiptFields {
    let card = |last4: &Option<String>, bank: Option<&str>| match last4 {
        Some(l) => format!("{} 尾号{l}", bank.unwrap_or("银行卡")),
        None => "余额".to_owned(),
    };
    let (bank_name, counter) = match &p.counterparty {
        Some(super::Counterparty::Card { bank, last4, name_masked }) => (
            Some(bank.data_name()),
            format!(
                "{}{} 尾号{last4}",
                name_masked.as_deref().map(|n| format!("{n} ")).unwrap_or_default(),
                bank.data_name()
            ),
        ),
        Some(super::Counterparty::Person { name_masked }) => (None, name_masked.clone()),
        Some(super::Counterparty::Merchant { name, number }) => (None, format!("{name}（商户号 {number}）")),
        Some(super::Counterparty::Biller { name }) => match &p.bill {
            Some(b) => (None, format!("{name}（户号 {}）", b.account_masked)),
            None => (None, name.clone()),
        },
        None => (None, String::new()),
    };
    let way = card(&p.card_last4, bank_name.filter(|_| p.kind != PaymentKind::ToCard));
    let way = if p.kind == PaymentKind::ToCard && p.card_last4.is_some() { format!("银行卡 {way}") } else { way };
    let own_card = || card(&p.card_last4, None);
    let (payer, payee) = match (p.kind, p.direction) {
        (PaymentKind::Topup, _) => (format!("{my_name} {}", own_card()), format!("{my_name} 通宝余额")),
        (PaymentKind::Withdraw, _) => (format!("{my_name} 通宝余额"), format!("{my_name} {}", own_card())),
        (PaymentKind::Refund, _) => (counter, format!("{my_name} {}", own_card().replace("余额", "通宝余额"))),
        (_, Direction::In) => (counter, my_name.to_owned()),
        (_, Direction::Out) => (my_name.to_owned(), counter),
    };
    ReceiptFields {
        reference: reference(p.id, p.created_at),
        kind: p.kind,
        direction: p.direction,
        payer,
        payee,
        amount_fen: p.amount_fen,
        way,
        status: p.status,
        note: p.note.clone(),
        at: p.created_at,
        issued_at: now,
    }
}

/// The printed verification code: the HMAC's first 80 bits, `XXXX-XXXX-XXXX-XXXX-XXXX`.
fn code_of(key: &[u8], payload: &[u8]) -> String {
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(key).expect("HMAC takes any key length");
    mac.update(MARK.as_bytes());
    mac.update(payload);
    let hex = hex::encode_upper(&mac.finalize().into_bytes()[..10]);
    hex.as_bytes().chunks(4).map(|c| std::str::from_utf8(c).unwrap_or_default()).collect::<Vec<_>>().join("-")
}

/// The payload after the first [`MARK`] in the file: the base64 run, decoded.
fn find_payload(pdf: &[u8]) -> Option<Vec<u8>> {
    let at = pdf.windows(MARK.len()).position(|w| w == MARK.as_bytes())? + MARK.len();
    let run = pdf[at..].iter().take_while(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'=')).count();
    base64::engine::general_purpose::STANDARD.decode(&pdf[at..at + run]).ok()
}

/// A CJK font of the platform: (file, face index in a collection). The first that exists and
/// parses is used.
const FONTS: &[(&str, u32)] = &[
    ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 2), // Debian, Ubuntu: SC
    ("/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc", 2),      // Arch
    ("/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc", 2), // Fedora
    ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", 0),
    ("C:\\Windows\\Fonts\\msyh.ttc", 0),
    ("C:\\Windows\\Fonts\\simsun.ttc", 0),
    ("/System/Library/Fonts/PingFang.ttc", 0),
    ("/System/Library/Fonts/STHeiti Light.ttc", 0),
];

fn load_font() -> Result<Font, AppError> {
    FONTS
        .iter()
        .filter_map(|(path, index)| {
            let data = std::fs::read(path).ok()?;
            Font::new(Arc::new(data).into(), *index)
        })
        .next()
        .ok_or_else(|| {
            AppError::new(
                ErrorCode::ExportFailed,
                "no Chinese font was found to draw the receipt (install fonts-noto-cjk)",
            )
        })
}

fn status_words(s: PaymentStatus) -> &'static str {
    match s {
        PaymentStatus::Pending => "处理中 Processing",
        PaymentStatus::Succeeded => "成功 Succeeded",
        PaymentStatus::Failed => "失败 Failed",
        PaymentStatus::Returned => "已退回 Returned",
        PaymentStatus::Revoked => "已撤销 Revoked",
        PaymentStatus::Refunded => "已退款 Refunded",
        PaymentStatus::PartiallyRefunded => "部分退款 Partially refunded",
    }
}

fn kind_words(k: PaymentKind, d: Direction) -> &'static str {
    match (k, d) {
        (PaymentKind::Topup, _) => "充值 Top-up",
        (PaymentKind::Withdraw, _) => "提现 Withdrawal",
        (PaymentKind::ToUser, Direction::Out) => "转账 Transfer",
        (PaymentKind::ToUser, Direction::In) => "收款 Transfer received",
        (PaymentKind::ToCard, _) => "转账到银行卡 Transfer to card",
        (PaymentKind::Merchant, _) => "商户消费 Merchant payment",
        (PaymentKind::Refund, _) => "退款 Refund",
        (PaymentKind::Bill, _) => "生活缴费 Bill payment",
        (PaymentKind::Repay, _) => "信用卡还款 Credit card repayment",
    }
}

fn time_words(at: Millis) -> String {
    use chrono::TimeZone;
    match ZONE.timestamp_millis_opt(at).single() {
        Some(t) => t.format("%Y-%m-%d %H:%M:%S").to_string(),
        None => at.to_string(),
    }
}

/// The amount in Chinese capitals as cheques and receipts write it: ¥1,005.30 → 壹仟零伍元叁角.
pub fn amount_in_capitals(fen: Fen) -> String {
    const DIGITS: [char; 10] = ['零', '壹', '贰', '叁', '肆', '伍', '陆', '柒', '捌', '玖'];
    const UNITS: [&str; 4] = ["", "拾", "佰", "仟"];
    const GROUPS: [&str; 5] = ["", "万", "亿", "万", "亿"];
    let fen = fen.unsigned_abs();
    let (yuan, jiao, cent) = (fen / 100, (fen / 10 % 10) as usize, (fen % 10) as usize);
    let mut out = String::new();
    let digits = yuan.to_string();
    let (mut zero, mut group_used) = (false, false);
    for (i, c) in digits.bytes().enumerate() {
        let d = usize::from(c - b'0');
        let pos = digits.len() - 1 - i;
        if yuan > 0 && d == 0 {
            zero = true;
        } else if d > 0 {
            if zero {
                out.push('零');
                zero = false;
            }
            out.push(DIGITS[d]);
            out.push_str(UNITS[pos % 4]);
            group_used = true;
        }
        if pos % 4 == 0 && pos > 0 && group_used {
            out.push_str(GROUPS[pos / 4]);
            group_used = false;
        }
    }
    if yuan > 0 {
        out.push('元');
    }
    match (jiao, cent) {
        (0, 0) if yuan == 0 => "零元整".to_owned(),
        (0, 0) => out + "整",
        (0, c) => {
            if yuan > 0 {
                out.push('零');
            }
            out.push(DIGITS[c]);
            out + "分"
        }
        (j, 0) => {
            out.push(DIGITS[j]);
            out + "角"
        }
        (j, c) => {
            out.push(DIGITS[j]);
            out.push('角');
            out.push(DIGITS[c]);
            out + "分"
        }
    }
}

/// Draws the receipt: a pure function of its inputs (see the module's doc).
fn draw(f: &ReceiptFields, payload: &[u8], code: &str, font: &Font) -> Result<Vec<u8>, AppError> {
    let payload_b64 = base64::engine::general_purpose::STANDARD.encode(payload);
    let mut doc = Document::new();
    doc.set_metadata(
        Metadata::new()
            .title(format!("通宝钱包电子回单 {}", f.reference))
            .creator("通宝钱包 Tongbao Wallet".into())
            .producer("通宝钱包 Tongbao Wallet".into())
            .language("zh-CN".into())
            .document_id(f.reference.clone())
            .keywords(vec![format!("{MARK}{payload_b64}")]),
    );
    let (w, h) = (595.0, 440.0);
    let mut page = doc.start_page_with(PageSettings::from_wh(w, h).ok_or_else(|| AppError::internal("page size"))?);
    let mut s = page.surface();
    let ink = |s: &mut Surface, c: (u8, u8, u8)| {
        s.set_fill(Some(Fill { paint: rgb::Color::new(c.0, c.1, c.2).into(), ..Fill::default() }))
    };
    let text = |s: &mut Surface, x: f32, y: f32, size: f32, t: &str| {
        s.draw_text(Point::from_xy(x, y), font.clone(), size, t, false, TextDirection::Auto)
    };
    let line = |s: &mut Surface, y: f32| {
        let mut pb = PathBuilder::new();
        pb.move_to(40.0, y);
        pb.line_to(w - 40.0, y);
        if let Some(p) = pb.finish() {
            s.set_stroke(Some(Stroke {
                paint: rgb::Color::new(200, 200, 200).into(),
                width: 0.8,
                ..Stroke::default()
            }));
            s.draw_path(&p);
            s.set_stroke(None);
        }
    };

    ink(&mut s, (20, 20, 20));
    text(&mut s, 40.0, 52.0, 20.0, "通宝钱包 电子回单");
    ink(&mut s, (110, 110, 110));
    text(&mut s, 40.0, 70.0, 9.0, "Tongbao Wallet · Electronic receipt");
    line(&mut s, 84.0);

    let amount = format!("{}（{}）", money::format_fen(f.amount_fen), amount_in_capitals(f.amount_fen));
    let mut rows: Vec<(&str, String)> = vec![
        ("回单编号 Reference", f.reference.clone()),
        ("交易时间 Time", format!("{}（北京时间）", time_words(f.at))),
        ("交易类型 Type", kind_words(f.kind, f.direction).to_owned()),
        ("付款方 Payer", f.payer.clone()),
        ("收款方 Payee", f.payee.clone()),
        ("金额 Amount", amount),
        ("付款方式 Paid with", f.way.clone()),
        ("状态 Status", status_words(f.status).to_owned()),
    ];
    if let Some(n) = &f.note {
        rows.push(("备注 Note", n.clone()));
    }
    rows.push(("验证码 Verification code", code.to_owned()));
    let mut y = 112.0;
    for (label, value) in &rows {
        ink(&mut s, (110, 110, 110));
        text(&mut s, 40.0, y, 10.0, label);
        ink(&mut s, (20, 20, 20));
        text(&mut s, 190.0, y, 12.0, value);
        y += 26.0;
    }
    line(&mut s, y - 8.0);
    ink(&mut s, (110, 110, 110));
    text(
        &mut s,
        40.0,
        y + 10.0,
        8.5,
        "本回单可在通宝钱包「账单 → 验证回单」中验证真伪；金额、姓名或任何内容被改动的回单无法通过验证。",
    );
    text(
        &mut s,
        40.0,
        y + 24.0,
        8.5,
        "Verify it in Tongbao Wallet (History → Verify a receipt); any change to it fails verification.",
    );
    text(&mut s, 40.0, y + 38.0, 8.5, &format!("开具时间 Issued {}（北京时间）", time_words(f.issued_at)));

    // The seal (电子回单专用章), red, at the right of the amount.
    let (cx, cy, r) = (w - 110.0, 175.0, 46.0);
    let k = r * 0.552_284_8; // a circle from four cubic Béziers
    let mut pb = PathBuilder::new();
    pb.move_to(cx + r, cy);
    pb.cubic_to(cx + r, cy + k, cx + k, cy + r, cx, cy + r);
    pb.cubic_to(cx - k, cy + r, cx - r, cy + k, cx - r, cy);
    pb.cubic_to(cx - r, cy - k, cx - k, cy - r, cx, cy - r);
    pb.cubic_to(cx + k, cy - r, cx + r, cy - k, cx + r, cy);
    pb.close();
    if let Some(p) = pb.finish() {
        s.set_fill(None);
        s.set_stroke(Some(Stroke {
            paint: rgb::Color::new(200, 30, 30).into(),
            width: 2.0,
            opacity: NormalizedF32::new(0.85).unwrap_or(NormalizedF32::ONE),
            ..Stroke::default()
        }));
        s.draw_path(&p);
        s.set_stroke(None);
    }
    ink(&mut s, (200, 30, 30));
    text(&mut s, cx - 24.0, cy - 6.0, 12.0, "通宝钱包");
    text(&mut s, cx - 36.0, cy + 14.0, 10.0, "电子回单专用章");

    s.finish();
    page.finish();
    doc.finish().map_err(|e| AppError::internal(format!("receipt PDF: {e:?}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn capitals() {
        // (yuan, fen, words)
        for (yuan, fen, words) in [
            (0, 0, "零元整"),
            (0, 5, "伍分"),
            (0, 50, "伍角"),
            (1, 0, "壹元整"),
            (10, 0, "壹拾元整"),
            (1_005, 30, "壹仟零伍元叁角"),
            (1_050, 0, "壹仟零伍拾元整"),
            (100_000_000, 0, "壹亿元整"),
            (100_010_000, 0, "壹亿零壹万元整"),
            (123_456_789, 1, "壹亿贰仟叁佰肆拾伍万陆仟柒佰捌拾玖元零壹分"),
            (10_000, 0, "壹万元整"),
            (10_001, 0, "壹万零壹元整"),
            (1_234, 56, "壹仟贰佰叁拾肆元伍角陆分"),
            (20_000, 7, "贰万元零柒分"),
        ] {
            assert_eq!(amount_in_capitals(yuan * 100 + fen), words, "{yuan}.{fen}");
        }
    }

    #[test]
    fn code_is_grouped_and_keyed() {
        let a = code_of(b"k1", b"{}");
        assert_eq!(a.len(), 24);
        assert_eq!(a.split('-').count(), 5);
        assert_ne!(a, code_of(b"k2", b"{}"));
        assert_ne!(a, code_of(b"k1", b"{ }"));
    }

    #[test]
    fn payload_is_found_only_after_the_mark() {
        assert_eq!(find_payload(b"%PDF no mark"), None);
        let b64 = base64::engine::general_purpose::STANDARD.encode(b"{\"a\":1}");
        let file = format!("/Keywords ({MARK}{b64})");
        assert_eq!(find_payload(file.as_bytes()).as_deref(), Some(&b"{\"a\":1}"[..]));
    }
}
