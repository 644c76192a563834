//! The troubleshooting center's checks (docs/features.md, troubleshooting): the seed's advice — check the network,
//! ask the bank, update the app, check the card — done by the app. The checks run at the same
//! time, each reported the moment it ends, with its time taken and the catalogue code of what
//! is wrong; the UI shows the fix for that code.
//!
//! "Clear cache" lives here too: it drops cached bank data (card statuses, the last checks)
//! and unfinished binding and change attempts, never accounts, cards, balances or history.

use std::sync::mpsc;

use super::checks::*;
use crate::bank::{version_at_least, BankFailure, CallOptions};
use crate::cards;
use crate::platform::error::{AppError, ErrorCode};
use crate::platform::secrets::DB_KEY_NAME;
use crate::support::ops::Support;

impl Support<'_> {
    /// Runs every check concurrently; `on_check` hears each as it ends (in the caller's
    /// thread). The result is kept for the support report.
    pub fn run_diagnostics(
        &self,
        input: &DiagnoseInput,
        app_version: &str,
        on_check: &dyn Fn(&CheckResult),
    ) -> Result<Diagnostics, AppError> {
        let account = self.require_account()?;
        let link = self.bank()?;
        let opts = CallOptions { timeout_ms: link.policy.timeout_ms };
        let card = input.card_number.as_ref().map(|n| n.expose()).filter(|n| !n.trim().is_empty());
        type Job<'a> = Box<dyn FnOnce() -> CheckResult + Send + 'a>;
        let bank_info = move || link.bank.bank_info(opts).map_err(|f| f.code());
        let mut jobs: Vec<Job<'_>> = vec![
            Box::new(move || CheckResult::new(CheckId::Bank, 0, bank_info().map(|_| ()))),
            Box::new(move || match bank_info() {
                Err(why) => CheckResult {
                    version: Some(app_version.to_owned()),
                    ..CheckResult::not_run(CheckId::AppVersion, why)
                },
                Ok(i) => {
                    let outcome = if version_at_least(app_version, &i.min_client_version) {
                        Ok(())
                    } else {
                        Err(ErrorCode::UpgradeRequired)
                    };
                    CheckResult {
                        version: Some(app_version.to_owned()),
                        min_version: Some(i.min_client_version),
                        ..CheckResult::new(CheckId::AppVersion, 0, outcome)
                    }
                }
            }),
            Box::new(move || {
                let before = self.clock.now();
                let info = bank_info();
                let ours = (before + self.clock.now()) / 2;
                match info {
                    // Certainly wrong whatever the bank says.
                    _ if ours < EARLIEST_SANE_TIME => CheckResult::new(CheckId::Clock, 0, Err(ErrorCode::ClockWrong)),
                    // Nothing to compare with: not checked, never "fine".
                    Err(why) => CheckResult::not_run(CheckId::Clock, why),
                    Ok(i) => {
                        let skew = ours - i.now;
                        let outcome = if skew.abs() > MAX_CLOCK_SKEW { Err(ErrorCode::ClockWrong) } else { Ok(()) };
                        CheckResult { skew_ms: Some(skew), ..CheckResult::new(CheckId::Clock, 0, outcome) }
                    }
                }
            }),
            Box::new(move || {
                let outcome = match self.secrets.get(DB_KEY_NAME) {
                    Ok(Some(_)) => Ok(()),
                    Ok(None) => Err(ErrorCode::DatabaseKeyMissing),
                    Err(e) => Err(e.code),
                };
                CheckResult::new(CheckId::Keychain, 0, outcome)
            }),
            Box::new(move || {
                let answer: Result<String, _> = self.db().query_row("PRAGMA quick_check", [], |r| r.get(0));
                let outcome = match answer {
                    Ok(ok) if ok == "ok" => Ok(()),
                    Ok(problem) => {
                        tracing::error!(problem = %problem, "database integrity check failed");
                        Err(ErrorCode::StorageError)
                    }
                    Err(_) => Err(ErrorCode::StorageError),
                };
                CheckResult::new(CheckId::Database, 0, outcome)
            }),
        ];
        if let Some(number) = card {
            jobs.push(Box::new(move || match cards::parse_card_number(number) {
                Err(e) => CheckResult::new(CheckId::CardStatus, 0, Err(e.code)),
                Ok(pan) => match link.bank.card_status(pan.expose(), opts) {
                    Ok(s) => CheckResult {
                        card_status: Some(s),
                        ..CheckResult::new(CheckId::CardStatus, 0, status_code(s).map_or(Ok(()), Err))
                    },
                    // The card's bank is in its maintenance window: a known answer, with its end.
                    Err(BankFailure::Maintenance { until }) => CheckResult {
                        until: Some(until),
                        ..CheckResult::new(CheckId::CardStatus, 0, Err(ErrorCode::BankUnavailable))
                    },
                    Err(f) => CheckResult::not_run(CheckId::CardStatus, f.code()),
                },
            }));
        }
        let (tx, rx) = mpsc::channel::<CheckResult>();
        let mut checks = std::thread::scope(|scope| {
            for job in jobs {
                let tx = tx.clone();
                let clock = &self.clock;
                scope.spawn(move || {
                    let start = clock.now();
                    let mut r = job();
                    r.ms = (clock.now() - start).max(0);
                    let _ = tx.send(r);
                });
            }
            drop(tx);
            let mut done = vec![];
            for r in rx {
                on_check(&r);
                done.push(r);
            }
            done
        });
        checks.sort_by_key(|c| c.check as u8);
        // A binding whose confirmation got no answer is settled here too, not only at the next
        // binding or start (the bank asked with the database unlocked).
        if checks.iter().any(|c| c.check == CheckId::Bank && c.ok) {
            match cards::binding::resume(&|| self.db(), link.bank.as_ref(), opts, self.clock.now(), Some(account)) {
                Ok((0, 0)) => {}
                Ok((done, rolled_back)) => tracing::info!(done, rolled_back, "interrupted bindings settled"),
                Err(e) => tracing::warn!(code = e.code.as_str(), "interrupted bindings could not be settled"),
            }
        }
        let d = Diagnostics { at: self.clock.now(), checks };
        let failed: Vec<&str> = d.checks.iter().filter_map(|c| c.code.map(|c| c.as_str())).collect();
        tracing::info!(checks = d.checks.len(), failed = ?failed, "diagnostics run");
        *self.last_diagnostics.lock().unwrap_or_else(|p| p.into_inner()) = Some(d.clone());
        Ok(d)
    }

    /// Clears cached bank data and unfinished attempts of the signed-in person; says how many.
    pub fn clear_cache(&self) -> Result<CacheCleared, AppError> {
        let account = self.require_account()?;
        let now = self.clock.now();
        let cleared = {
            let mut db = self.db();
            let tx = db.transaction()?;
            let (attempts, updates, statuses) = cards::manage::clear_cached(&tx, account, now)?;
            tx.commit()?;
            CacheCleared { attempts, updates, statuses }
        };
        *self.last_diagnostics.lock().unwrap_or_else(|p| p.into_inner()) = None;
        tracing::info!(
            attempts = cleared.attempts,
            updates = cleared.updates,
            statuses = cleared.statuses,
            "cache cleared"
        );
        Ok(cleared)
    }
}
