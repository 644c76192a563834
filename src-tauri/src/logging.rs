//! Logs to stderr and a daily rolling file in the OS log folder, every line passed through the
//! core's redaction (no 6+ digit run — card, ID, phone, OTP — ever reaches a log).

use std::io::{self, Write};
use std::path::Path;

use tongbao_core::support::redact::redact;
use tracing_appender::non_blocking::WorkerGuard;
use tracing_subscriber::fmt::time::ChronoUtc;
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::prelude::*;
use tracing_subscriber::EnvFilter;

/// A writer that redacts each formatted event before passing it on. The fmt layer writes one
/// event per `write` call, so a secret can't be split across two calls.
struct Redacting<W>(W);

impl<W: Write> Write for Redacting<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let text = String::from_utf8_lossy(buf);
        self.0.write_all(redact(&text).as_bytes())?;
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        self.0.flush()
    }
}

struct RedactingMake<M>(M);

impl<'a, M: MakeWriter<'a>> MakeWriter<'a> for RedactingMake<M> {
    type Writer = Redacting<M::Writer>;
    fn make_writer(&'a self) -> Self::Writer {
        Redacting(self.0.make_writer())
    }
}

/// Installs the subscriber. Returns the file writer's guard (keep it alive), or None when the
/// log folder can't be used (then stderr only).
pub fn init(log_dir: &Path) -> Option<WorkerGuard> {
    let filter = EnvFilter::try_from_env("TONGBAO_LOG").unwrap_or_else(|_| EnvFilter::new("info"));
    // Whole seconds: no fraction digits for the redaction to trip over.
    let timer = || ChronoUtc::new("%Y-%m-%dT%H:%M:%SZ".into());
    let stderr = tracing_subscriber::fmt::layer().with_timer(timer()).with_writer(RedactingMake(io::stderr));
    let (file_layer, guard) = match std::fs::create_dir_all(log_dir) {
        Ok(()) => {
            let appender = tracing_appender::rolling::daily(log_dir, "tongbao.log");
            let (nb, guard) = tracing_appender::non_blocking(appender);
            let layer =
                tracing_subscriber::fmt::layer().with_ansi(false).with_timer(timer()).with_writer(RedactingMake(nb));
            (Some(layer), Some(guard))
        }
        Err(_) => (None, None),
    };
    let _ = tracing_subscriber::registry().with(filter).with(stderr).with(file_layer).try_init();
    guard
}
