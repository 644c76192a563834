//! The facade's support commands, each forwarded to its operation in `crate::support`.

use super::Wallet;
use crate::platform::error::AppError;
use crate::support::checks::{CacheCleared, CheckResult, DiagnoseInput, Diagnostics};
use crate::support::report::ReportFiles;

impl Wallet {
    /// Runs every check concurrently; `on_check` hears each as it ends (in the caller's thread).
    pub fn run_diagnostics(
        &self,
        input: &DiagnoseInput,
        app_version: &str,
        on_check: &dyn Fn(&CheckResult),
    ) -> Result<Diagnostics, AppError> {
        self.svc.run_diagnostics(input, app_version, on_check)
    }

    /// Clears cached bank data and unfinished attempts of the signed-in person; says how many.
    pub fn clear_cache(&self) -> Result<CacheCleared, AppError> {
        self.svc.clear_cache()
    }

    /// The support report for the signed-in person: the last checks, their recent error codes,
    /// and `log_tail` (the end of the app's log) made safe line by line.
    pub fn support_report(&self, app_version: &str, log_tail: &str) -> Result<ReportFiles, AppError> {
        self.svc.support_report(app_version, log_tail)
    }
}
