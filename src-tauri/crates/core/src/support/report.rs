//! The support report (docs/features.md, troubleshooting "Export report"): versions, the last checks, recent error
//! codes and recent log lines, as JSON and as text.
//!
//! Log lines are already redacted when written; the report does not rely on that. Each line is
//! rebuilt from an allow-list of tokens: the timestamp, the level, the module path, `key=value`
//! fields whose key is known and whose value is a word or a number of at most 2 digits, and
//! message words made only of lowercase ASCII letters. Everything else becomes `[redacted]`.
//! A card number, CVV, SMS code or ID number has digits and a password has two kinds of
//! characters, so none of them can pass as any allowed token.

use serde::Serialize;
use ts_rs::TS;

use crate::cards::audit::AuditEntry;
use crate::platform::clock::Millis;
use crate::platform::error::{AppError, ErrorCode};
use crate::support::checks::{CheckResult, CheckStatus};
use crate::support::ops::Support;

/// How many log lines and error codes a report carries.
pub const REPORT_LOG_LINES: usize = 200;
pub const REPORT_ERRORS: usize = 20;

const MASK: &str = "[redacted]";
const LEVELS: [&str; 5] = ["TRACE", "DEBUG", "INFO", "WARN", "ERROR"];
/// Field names whose values may appear (each value still has to pass the value rule).
const FIELDS: [&str; 16] = [
    "code",
    "bank",
    "stage",
    "needs_token",
    "account",
    "card",
    "done",
    "rolled_back",
    "attempts",
    "updates",
    "statuses",
    "checks",
    "status",
    "max",
    "attempt",
    "backend",
];

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RecentError {
    pub code: ErrorCode,
    pub last4: String,
    #[ts(type = "number")]
    pub at: Millis,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SupportReport {
    pub app: String,
    pub app_version: String,
    pub os: String,
    pub arch: String,
    pub keychain: String,
    pub generated_at: Millis,
    pub checks: Option<Vec<CheckResult>>,
    pub recent_errors: Vec<RecentError>,
    pub log_lines: Vec<String>,
}

/// The report as written: JSON and text.
#[derive(Debug, Clone)]
pub struct ReportFiles {
    pub json: String,
    pub text: String,
}

fn is_timestamp(t: &str) -> bool {
    // 2026-11-25T19:37:09Z, as the logger writes it (whole seconds).
    let b = t.as_bytes();
    b.len() == 20
        && b.iter().enumerate().all(|(i, &c)| match i {
            4 | 7 => c == b'-',
            10 => c == b'T',
            13 | 16 => c == b':',
            19 => c == b'Z',
            _ => c.is_ascii_digit(),
        })
}

fn is_lower_word(t: &str) -> bool {
    !t.is_empty() && t.bytes().all(|c| c.is_ascii_lowercase())
}

/// The modules that log, as the logger names them (an unknown one is redacted).
const MODULES: [&str; 12] = [
    "tongbao_wallet_lib",
    "tongbao_wallet_lib::commands",
    "tongbao_wallet_lib::state",
    "tongbao_mockbank",
    "tongbao_core::accounts",
    "tongbao_core::cards::binding",
    "tongbao_core::wallet::bootstrap",
    "tongbao_core::support::diagnose",
    "tongbao_core::cards::manage",
    "tongbao_core::support::report",
    "tongbao_core::platform::storage",
    "tongbao_core::wallet",
];

fn is_module_path(t: &str) -> bool {
    t.strip_suffix(':').is_some_and(|p| MODULES.contains(&p))
}

/// A field value: a catalogue code, a lowercase word, or a number of at most 2 digits.
fn is_safe_value(v: &str) -> bool {
    let v = v.trim_matches('"');
    is_lower_word(v)
        || (!v.is_empty() && v.len() <= 2 && v.bytes().all(|c| c.is_ascii_digit()))
        || ErrorCode::ALL.iter().any(|c| c.as_str() == v)
        || ["ICBC", "CCB", "ABC", "BOC", "CMB"].contains(&v)
}

/// One log line rebuilt from allowed tokens (see the module doc).
pub fn sanitize_line(line: &str) -> String {
    let mut out: Vec<&str> = vec![];
    for (i, token) in line.split_whitespace().enumerate() {
        let keep = if (i == 0 && is_timestamp(token)) || LEVELS.contains(&token) || is_module_path(token) {
            Some(token)
        } else if let Some((k, v)) = token.split_once('=') {
            (FIELDS.contains(&k) && is_safe_value(v)).then_some(token)
        } else {
            // Message words: punctuation at the end is dropped, never kept.
            let word = token.trim_end_matches([':', ',', '.', ';']);
            is_lower_word(word).then_some(word)
        };
        match (keep, out.last()) {
            (Some(t), _) => out.push(t),
            (None, Some(&MASK)) => {}
            (None, _) => out.push(MASK),
        }
    }
    out.join(" ")
}

fn render_text(r: &SupportReport) -> String {
    use std::fmt::Write;
    let mut t = String::new();
    let _ = writeln!(t, "{} support report", r.app);
    let _ = writeln!(t, "version: {}  os: {} {}  keychain: {}", r.app_version, r.os, r.arch, r.keychain);
    let _ = writeln!(t, "generated at (unix ms): {}", r.generated_at);
    let _ = writeln!(t, "\n== checks ==");
    match &r.checks {
        None => {
            let _ = writeln!(t, "(not run)");
        }
        Some(checks) => {
            for c in checks {
                let code = c.code.map_or("", |c| c.as_str());
                let _ = writeln!(
                    t,
                    "{:<12} {:<7} {:>6} ms {code}",
                    format!("{:?}", c.check),
                    match c.status {
                        CheckStatus::Ok => "ok",
                        CheckStatus::Failed => "FAIL",
                        CheckStatus::NotRun => "NOT RUN",
                    },
                    c.ms
                );
            }
        }
    }
    let _ = writeln!(t, "\n== recent error codes ==");
    for e in &r.recent_errors {
        let _ = writeln!(t, "{} card …{} at {}", e.code.as_str(), e.last4, e.at);
    }
    let _ = writeln!(t, "\n== recent log lines (redacted) ==");
    for l in &r.log_lines {
        let _ = writeln!(t, "{l}");
    }
    t
}

/// Builds the report from its parts (kept separate so tests can feed any log text).
pub fn build(
    app_version: &str,
    keychain: &str,
    now: Millis,
    checks: Option<Vec<CheckResult>>,
    audit: &[AuditEntry],
    log_tail: &str,
) -> Result<ReportFiles, AppError> {
    let lines: Vec<&str> = log_tail.lines().filter(|l| !l.trim().is_empty()).collect();
    let start = lines.len().saturating_sub(REPORT_LOG_LINES);
    let report = SupportReport {
        app: "Tongbao Wallet".into(),
        app_version: app_version.to_owned(),
        os: std::env::consts::OS.into(),
        arch: std::env::consts::ARCH.into(),
        keychain: keychain.to_owned(),
        generated_at: now,
        checks,
        recent_errors: audit
            .iter()
            .filter_map(|a| a.code.map(|code| RecentError { code, last4: a.last4.clone(), at: a.at }))
            .take(REPORT_ERRORS)
            .collect(),
        log_lines: lines[start..].iter().map(|l| sanitize_line(l)).collect(),
    };
    let json = serde_json::to_string_pretty(&report).map_err(|e| AppError::internal(format!("report: {e}")))?;
    Ok(ReportFiles { json, text: render_text(&report) })
}

impl Support<'_> {
    /// The support report for the signed-in person: the last checks, their recent error codes,
    /// and `log_tail` (the end of the app's log) made safe line by line.
    pub fn support_report(&self, app_version: &str, log_tail: &str) -> Result<ReportFiles, AppError> {
        let audit = crate::cards::ops::Cards(self.0).account_audit()?;
        let checks = self.last_diagnostics.lock().unwrap_or_else(|p| p.into_inner()).clone().map(|d| d.checks);
        build(app_version, self.keychain_backend(), self.clock.now(), checks, &audit, log_tail)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const LINES: [&str; 5] = [
        "2026-11-25T19:37:09Z  INFO tongbao_core::wallet: card verified by the bank attempt=3f2a bank=\"ICBC\" needs_token=false",
        "2026-11-25T19:37:10Z  WARN tongbao_core::wallet: bank call failed: retrying attempt=1 max=2 failure=Fault(Busy)",
        "2026-11-25T19:37:11Z  INFO tongbao_core::wallet: binding attempt failed attempt=9c code=\"CARD_NOT_ACTIVATED\"",
        "2026-11-25T19:37:12Z  INFO tongbao_core::cards::manage: card status changed at the bank card=3 status=\"pending\"",
        "2026-11-25T19:37:13Z ERROR tongbao_wallet_lib::state: could not open the wallet code=\"KEYCHAIN_LOCKED\"",
    ];

    #[test]
    fn useful_parts_of_log_lines_survive() {
        assert_eq!(
            sanitize_line(LINES[2]),
            "2026-11-25T19:37:11Z INFO tongbao_core::wallet: binding attempt failed [redacted] code=\"CARD_NOT_ACTIVATED\""
        );
        assert_eq!(
            sanitize_line(LINES[1]),
            "2026-11-25T19:37:10Z WARN tongbao_core::wallet: bank call failed retrying attempt=1 max=2 [redacted]"
        );
        assert!(sanitize_line(LINES[3]).ends_with("card=3 status=\"pending\""));
    }

    #[test]
    fn the_report_has_versions_checks_codes_and_lines() {
        let audit = vec![AuditEntry {
            id: 1,
            card_id: None,
            last4: "0025".into(),
            event: crate::cards::audit::AuditEvent::BindFailed,
            code: Some(ErrorCode::CardNotActivated),
            detail: None,
            at: 5,
        }];
        let r = build("0.1.0", "secret-service", 9, None, &audit, &LINES.join("\n")).unwrap();
        let v: serde_json::Value = serde_json::from_str(&r.json).unwrap();
        assert_eq!(v["appVersion"], "0.1.0");
        assert_eq!(v["recentErrors"][0]["code"], "CARD_NOT_ACTIVATED");
        assert_eq!(v["logLines"].as_array().unwrap().len(), 5);
        assert!(r.text.contains("CARD_NOT_ACTIVATED card …0025"));
    }

    #[test]
    fn a_secret_next_to_the_timestamp_is_redacted_and_the_timestamp_kept() {
        // The draw that once failed CI: "202" typed right after the timestamp of 2026.
        let spaced = LINES[0].replacen("Z ", "Z 202 ", 1);
        assert_eq!(
            sanitize_line(&spaced),
            "2026-11-25T19:37:09Z [redacted] INFO tongbao_core::wallet: card verified by the bank [redacted] bank=\"ICBC\" needs_token=false"
        );
        let glued = LINES[0].replacen("Z ", "Z202 ", 1);
        assert!(!sanitize_line(&glued).contains("Z202"), "{}", sanitize_line(&glued));
    }

    /// The secrets a person types, in the shapes the app accepts them.
    fn secret() -> impl Strategy<Value = String> {
        prop_oneof![
            "[1-9][0-9]{14,18}",                                 // card number
            "[0-9]{3}",                                          // CVV
            "[0-9]{6}",                                          // SMS code, payment password
            "[1-9][0-9]{16}[0-9X]",                              // resident ID
            "[a-z]{4,10}[A-Z0-9!@#%&*_.:-][a-zA-Z0-9!@#]{3,10}", // login password (two kinds)
        ]
    }

    proptest! {
        /// A secret put anywhere in any log line — its own word, inside a word, in a field
        /// value, in the timestamp — never reaches the report.
        #[test]
        fn no_secret_survives_anywhere_in_a_line(line in 0..LINES.len(), at in 0usize..200, s in secret()) {
            let base = LINES[line];
            // A short secret can also be a legitimate part of the line ("202" is in the year
            // 2026): such a draw proves nothing, so only secrets the clean report lacks count.
            let clean = build("0.1.0", "mock", 0, None, &[], base).unwrap();
            prop_assume!(!clean.json.contains(&s) && !clean.text.contains(&s));
            let cut = base.char_indices().map(|(i, _)| i).nth(at % base.chars().count()).unwrap_or(0);
            let dirty = format!("{}{s}{}", &base[..cut], &base[cut..]);
            let spaced = format!("{} {s} {}", &base[..cut], &base[cut..]);
            for l in [dirty, spaced] {
                let r = build("0.1.0", "mock", 0, None, &[], &l).unwrap();
                prop_assert!(!r.json.contains(&s), "{s} in {}", r.json);
                prop_assert!(!r.text.contains(&s), "{s} in {}", r.text);
            }
        }
    }
}
