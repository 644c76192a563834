//! The notices watcher: after each command, each background settlement and every few minutes
//! it asks the core to look for new notices (`collect_notices`, which records each event once),
//! tells the UI when there are some (`AppEvent::Notices`), and shows them as one OS notification
//! through Tauri's notification plugin — several found together are one notification. Each
//! look also hands the settings to the desktop parts (the tray's language, what closing does)
//! and to the first screen's copy.
//!
//! A notification says what happened and nothing more unless the person turned on
//! "show amounts and names" in the settings and does not hide amounts. A desktop without a
//! notification server (a private D-Bus session) refuses it softly; in test mode each one is
//! also kept (`notifications_sent`) so a script can count them.

use std::sync::atomic::Ordering;
use std::time::Duration;

use tauri::{AppHandle, Manager};
use tauri_plugin_notification::NotificationExt;
use tongbao_api::{AppEvent, Language, NoticeKind, NoticeView, SentNotification};
use tongbao_core::money::amount::format_fen;
use tongbao_core::support::notices::Collected;

use crate::events::{Events, Notifier};
use crate::state::{test_mode, AppState};

/// The bank is asked for the credit cards' statements this often (and at each sign-in).
const BANK_LOOK_EVERY: Duration = Duration::from_secs(10 * 60);

/// Starts the watcher (once, at start-up).
pub fn watch_notices(app: AppHandle) {
    tauri::async_runtime::spawn(async move {
        // The settings last handed on: the first screen's copy is written only when they change.
        let mut last_settings = None;
        loop {
            let notifier = app.state::<Notifier>();
            if tokio::time::timeout(BANK_LOOK_EVERY, notifier.wake.notified()).await.is_err() {
                notifier.with_bank.store(true, Ordering::Release);
            }
            let with_bank = notifier.with_bank.swap(false, Ordering::AcqRel);
            let Some(opened) = app.state::<AppState>().if_open().await else { continue };
            let wallet = opened.wallet.clone();
            let found = tauri::async_runtime::spawn_blocking(move || {
                let found = wallet.support().collect_notices(with_bank)?;
                Ok::<_, tongbao_core::AppError>((found, wallet.accounts().settings()?))
            })
            .await;
            match found {
                Ok(Ok((Collected { new, amounts_hidden: hidden }, settings))) => {
                    if last_settings != Some(settings) {
                        crate::desktop::apply_settings(&app, settings.language, settings.close_to_tray);
                        crate::first_screen::keep(app.state::<AppState>().data_dir(), &settings);
                        last_settings = Some(settings);
                    }
                    if !new.is_empty() {
                        app.state::<Events>().send(AppEvent::Notices);
                        let details = settings.notify_details && !hidden;
                        show(&app, compose(&new, settings.language, details));
                    }
                }
                Ok(Err(e)) => tracing::info!(code = e.code.as_str(), "notices not looked for this time"),
                Err(_) => tracing::warn!("the notices look stopped unexpectedly"),
            }
        }
    });
}

fn show(app: &AppHandle, n: SentNotification) {
    tracing::info!(count = n.count, "notification");
    if let Err(e) = app.notification().builder().title(&n.title).body(&n.body).show() {
        tracing::info!(error = %e, "the desktop did not take the notification");
    }
    if test_mode() {
        app.state::<Notifier>().keep(n);
    }
}

/// One notification for the notices found together: the one notice in words, or how many.
pub fn compose(new: &[NoticeView], lang: Language, details: bool) -> SentNotification {
    let zh = lang == Language::ZhCn;
    let title = if zh { "通宝钱包" } else { "Tongbao Wallet" }.to_owned();
    let count = u32::try_from(new.len()).unwrap_or(u32::MAX);
    let body = match new {
        [one] => line(one, zh, details),
        _ if zh => format!("你有 {count} 条新消息，打开消息中心查看"),
        _ => format!("You have {count} new notices: open Notices to see them"),
    };
    SentNotification { title, body, count }
}

fn line(n: &NoticeView, zh: bool, details: bool) -> String {
    let amount = n.amount_fen.filter(|_| details).map(format_fen);
    let who = n.counterpart.clone().filter(|_| details);
    let card =
        n.last4.as_deref().map(|l| if zh { format!("尾号{l}的银行卡") } else { format!("your card ending {l}") });
    let card = card.unwrap_or_else(|| if zh { "银行卡".into() } else { "a card".into() });
    match (n.kind, zh) {
        (NoticeKind::Received, true) => match (who, amount) {
            (Some(w), Some(a)) => format!("{w} 向你转账 {a}，已到账"),
            _ => "你收到一笔转账，已到账".into(),
        },
        (NoticeKind::Received, false) => match (who, amount) {
            (Some(w), Some(a)) => format!("{w} sent you {a}: it has arrived"),
            _ => "You received a transfer: it has arrived".into(),
        },
        (NoticeKind::TransferPosted, true) => {
            amount.map_or("你的延时转账已到账".into(), |a| format!("你的延时转账 {a} 已到账"))
        }
        (NoticeKind::TransferPosted, false) => amount.map_or("Your delayed transfer has arrived".into(), |a| {
            format!("Your delayed transfer of {a} has arrived")
        }),
        (NoticeKind::TransferReturned, true) => {
            amount.map_or("你的一笔转账已退回余额".into(), |a| format!("你的转账 {a} 已退回余额"))
        }
        (NoticeKind::TransferReturned, false) => amount
            .map_or("A transfer of yours came back to your balance".into(), |a| {
                format!("Your transfer of {a} came back to your balance")
            }),
        (NoticeKind::Refund, true) => amount.map_or("你收到一笔退款".into(), |a| format!("你收到一笔退款 {a}")),
        (NoticeKind::Refund, false) => {
            amount.map_or("You received a refund".into(), |a| format!("You received a refund of {a}"))
        }
        (NoticeKind::BillDue, true) => match (who, amount) {
            (Some(w), Some(a)) => format!("{w}有一笔账单待缴 {a}"),
            _ => "你保存的缴费户号有一笔账单待缴".into(),
        },
        (NoticeKind::BillDue, false) => match (who, amount) {
            (Some(w), Some(a)) => format!("A bill of {a} is due for {w}"),
            _ => "A bill is due on one of your saved accounts".into(),
        },
        (NoticeKind::RepayDue, true) => format!("{card}还款日临近，请按时还款"),
        (NoticeKind::RepayDue, false) => format!("The repayment of {card} is due soon"),
        (NoticeKind::CardExpiring, true) => format!("{card}即将到期，请及时更新有效期"),
        (NoticeKind::CardExpiring, false) => format!("{card} expires soon: update its expiry date"),
        (NoticeKind::RecoveredSignIn, true) => "找回登录密码后，你的账户有一次新的登录".into(),
        (NoticeKind::RecoveredSignIn, false) => "Your account was signed in to after its password was recovered".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn notice(kind: NoticeKind) -> NoticeView {
        NoticeView {
            id: 1,
            kind,
            at: 0,
            read: false,
            payment_id: Some(7),
            amount_fen: Some(12_345),
            counterpart: Some("张*三".into()),
            card_id: None,
            bank: None,
            last4: None,
            date: None,
            bill_id: None,
        }
    }

    #[test]
    fn a_notification_names_no_amount_or_person_unless_asked() {
        let one = [notice(NoticeKind::Received)];
        let plain = compose(&one, Language::ZhCn, false);
        assert_eq!(plain.body, "你收到一笔转账，已到账");
        assert!(!plain.body.contains("123") && !plain.body.contains('张'));
        let told = compose(&one, Language::ZhCn, true);
        assert_eq!(told.body, "张*三 向你转账 ¥123.45，已到账");
        assert_eq!(compose(&one, Language::En, false).title, "Tongbao Wallet");
    }

    #[test]
    fn several_notices_are_one_notification_with_their_count() {
        let three = [notice(NoticeKind::Received), notice(NoticeKind::Refund), notice(NoticeKind::TransferPosted)];
        let n = compose(&three, Language::ZhCn, true);
        assert_eq!(n.count, 3);
        assert_eq!(n.body, "你有 3 条新消息，打开消息中心查看");
        assert!(!n.body.contains('¥'));
    }
}
