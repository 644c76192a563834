//! Encrypted SQLite storage (SQLCipher through rusqlite).
//!
//! Every open sets the key, proves the key opens the file, then sets WAL, foreign keys,
//! `synchronous=NORMAL`, a busy timeout and `BEGIN IMMEDIATE` for every transaction. Migrations run in one transaction each and are
//! tracked with `user_version`; a database newer than this binary is refused untouched.

use std::path::Path;
use std::time::Duration;

use rusqlite::{Connection, OpenFlags};
use zeroize::Zeroizing;

use crate::platform::error::{AppError, ErrorCode};

/// Stores enums as their text names: `as_str`, and rusqlite's `ToSql` / `FromSql`, over the
/// names strum derives (`IntoStaticStr` + `EnumString`). A stored name the enum does not know
/// is an error when read (FromSqlConversionFailure → STORAGE_ERROR), never a silent default.
macro_rules! stored_as_text {
    ($($t:ty),* $(,)?) => {$(
        impl $t {
            /// The name stored in the database.
            pub fn as_str(self) -> &'static str {
                self.into()
            }
        }

        impl rusqlite::types::ToSql for $t {
            fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
                Ok(rusqlite::types::ToSqlOutput::from(self.as_str()))
            }
        }

        impl rusqlite::types::FromSql for $t {
            fn column_result(v: rusqlite::types::ValueRef<'_>) -> rusqlite::types::FromSqlResult<Self> {
                let s = v.as_str()?;
                s.parse().map_err(|_| {
                    rusqlite::types::FromSqlError::Other(format!("unknown {} {s:?} in the database", stringify!($t)).into())
                })
            }
        }
    )*};
}
pub(crate) use stored_as_text;

/// Length of the database key in bytes (256 bits).
pub const KEY_LEN: usize = 32;

/// The schema, in order. `user_version` = how many of these have been applied.
const MIGRATIONS: &[&str] = &[
    include_str!("migrations/0001_accounts.sql"),
    include_str!("migrations/0002_cards.sql"),
    include_str!("migrations/0003_card_management.sql"),
    include_str!("migrations/0004_money.sql"),
    include_str!("migrations/0005_security.sql"),
    include_str!("migrations/0006_card_kinds.sql"),
    include_str!("migrations/0007_payee_names.sql"),
    include_str!("migrations/0008_recovery_starts.sql"),
    include_str!("migrations/0009_further_causes.sql"),
    include_str!("migrations/0010_bank_app.sql"),
    include_str!("migrations/0011_payee_trust.sql"),
    include_str!("migrations/0012_merchants.sql"),
    include_str!("migrations/0013_bills.sql"),
    include_str!("migrations/0014_repayments.sql"),
    include_str!("migrations/0015_desktop.sql"),
];

/// The schema version this binary writes.
pub const SCHEMA_VERSION: u32 = MIGRATIONS.len() as u32;

/// Opens (or creates, when `create` is set) the encrypted database at `path` with `key`.
pub fn open(path: &Path, key: &[u8], create: bool) -> Result<Connection, AppError> {
    if key.len() != KEY_LEN {
        return Err(AppError::new(ErrorCode::DatabaseKeyMismatch, "database key has the wrong length"));
    }
    let mut flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    if create {
        flags |= OpenFlags::SQLITE_OPEN_CREATE;
    }
    let conn = Connection::open_with_flags(path, flags)?;
    apply_key(&conn, key)?;
    prove_key(&conn)?;
    conn.busy_timeout(Duration::from_secs(5))?;
    conn.execute_batch(
        "PRAGMA journal_mode = WAL;
         PRAGMA synchronous = NORMAL;
         PRAGMA foreign_keys = ON;",
    )?;
    let mut conn = conn;
    // Every transaction takes the write lock when it begins (BEGIN IMMEDIATE), waiting under
    // the busy timeout: a transaction that reads, then writes, can never fail half-way with
    // "database is locked" because another process wrote in between.
    conn.set_transaction_behavior(rusqlite::TransactionBehavior::Immediate);
    migrate(&mut conn)?;
    Ok(conn)
}

fn apply_key(conn: &Connection, key: &[u8]) -> Result<(), AppError> {
    // A raw key (x'..') skips SQLCipher's own KDF: the key is already 256 random bits.
    let stmt = Zeroizing::new(format!("PRAGMA key = \"x'{}'\";", hex::encode(key)));
    conn.execute_batch(&stmt)?;
    let cipher: String = conn
        .query_row("PRAGMA cipher_version", [], |r| r.get(0))
        .map_err(|_| AppError::internal("SQLCipher is not linked: refusing to store data in plaintext"))?;
    if cipher.is_empty() {
        return Err(AppError::internal("SQLCipher is not linked: refusing to store data in plaintext"));
    }
    Ok(())
}

/// The first read decrypts page 1: a wrong key (or a file that is not a database) fails here.
fn prove_key(conn: &Connection) -> Result<(), AppError> {
    conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get::<_, i64>(0)).map(|_| ()).map_err(|e| {
        match e.sqlite_error_code() {
            Some(rusqlite::ErrorCode::NotADatabase) => AppError::new(
                ErrorCode::DatabaseKeyMismatch,
                "the key from the keychain does not open the wallet database",
            ),
            _ => AppError::from(e),
        }
    })
}

/// The database's schema version.
pub fn user_version(conn: &Connection) -> Result<u32, AppError> {
    Ok(conn.query_row("PRAGMA user_version", [], |r| r.get(0))?)
}

fn migrate(conn: &mut Connection) -> Result<(), AppError> {
    let found = user_version(conn)?;
    if found > SCHEMA_VERSION {
        return Err(AppError::new(
            ErrorCode::DatabaseTooNew,
            format!("the database has schema {found}, this app knows up to {SCHEMA_VERSION}"),
        ));
    }
    if found == SCHEMA_VERSION {
        return Ok(());
    }
    // A migration may rebuild a table others refer to (SQLite's way to change a constraint):
    // foreign keys are off while migrations run (a PRAGMA that only works outside a
    // transaction) and checked inside each one before it commits.
    conn.pragma_update(None, "foreign_keys", false)?;
    let result = (|| -> Result<(), AppError> {
        for (i, sql) in MIGRATIONS.iter().enumerate().skip(found as usize) {
            let tx = conn.transaction()?;
            tx.execute_batch(sql)?;
            let broken: i64 = tx.query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| r.get(0))?;
            if broken > 0 {
                return Err(AppError::internal(format!("migration {} left {broken} broken references", i + 1)));
            }
            tx.pragma_update(None, "user_version", (i + 1) as u32)?;
            tx.commit()?;
            tracing::info!(version = i + 1, "database migrated");
        }
        Ok(())
    })();
    conn.pragma_update(None, "foreign_keys", true)?;
    result
}

/// `PRAGMA integrity_check` is "ok" (used by diagnostics and tests).
pub fn integrity_ok(conn: &Connection) -> Result<bool, AppError> {
    let r: String = conn.query_row("PRAGMA integrity_check", [], |r| r.get(0))?;
    Ok(r == "ok")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(b: u8) -> [u8; KEY_LEN] {
        [b; KEY_LEN]
    }

    #[test]
    fn new_database_is_migrated_to_the_current_schema() {
        let dir = tempfile::tempdir().unwrap();
        let conn = open(&dir.path().join("w.db"), &key(1), true).unwrap();
        assert_eq!(user_version(&conn).unwrap(), SCHEMA_VERSION);
        assert!(integrity_ok(&conn).unwrap());
    }

    #[test]
    fn every_open_sets_wal_foreign_keys_and_busy_timeout() {
        let dir = tempfile::tempdir().unwrap();
        let conn = open(&dir.path().join("w.db"), &key(1), true).unwrap();
        let mode: String = conn.query_row("PRAGMA journal_mode", [], |r| r.get(0)).unwrap();
        assert_eq!(mode, "wal");
        let fk: i64 = conn.query_row("PRAGMA foreign_keys", [], |r| r.get(0)).unwrap();
        assert_eq!(fk, 1);
        let bt: i64 = conn.query_row("PRAGMA busy_timeout", [], |r| r.get(0)).unwrap();
        assert_eq!(bt, 5000);
        let sync: i64 = conn.query_row("PRAGMA synchronous", [], |r| r.get(0)).unwrap();
        assert_eq!(sync, 1, "NORMAL");
    }

    #[test]
    fn reopening_keeps_data_and_does_not_rerun_migrations() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("w.db");
        {
            let c = open(&p, &key(1), true).unwrap();
            c.execute("INSERT INTO app_settings(key, value) VALUES ('language', 'en')", []).unwrap();
        }
        let c = open(&p, &key(1), false).unwrap();
        let v: String = c.query_row("SELECT value FROM app_settings WHERE key='language'", [], |r| r.get(0)).unwrap();
        assert_eq!(v, "en");
    }

    #[test]
    fn rebuilding_payments_keeps_every_row_and_reference() {
        // A database at schema 11 with an account, a payment, its event and its entries.
        let mut c = Connection::open_in_memory().unwrap();
        c.pragma_update(None, "foreign_keys", true).unwrap();
        for (i, sql) in MIGRATIONS.iter().enumerate().take(11) {
            c.execute_batch(sql).unwrap();
            c.pragma_update(None, "user_version", (i + 1) as u32).unwrap();
        }
        c.execute_batch(
            "INSERT INTO accounts (id, phone, display_name, real_name, id_number, password_hash, pay_password_hash, created_at)
                 VALUES (1, '13800138000', 'z', '张三', '110101199003074477', 'h', 'h', 0);
             INSERT INTO payments (id, idem_key, account_id, kind, amount_fen, status, created_at, updated_at, note)
                 VALUES (7, 'key-00000001', 1, 'to_card', 500, 'succeeded', 1, 2, '房租');
             INSERT INTO payment_events (payment_id, status, at) VALUES (7, 'succeeded', 2);
             INSERT INTO ledger_accounts (id, kind, owner, allow_negative) VALUES (1, 'wallet', 1, 0), (2, 'payee_clearing', NULL, 1);
             INSERT INTO entries (payment_id, phase, account, amount_fen, at) VALUES (7, 'post', 1, -500, 2), (7, 'post', 2, 500, 2);",
        )
        .unwrap();
        migrate(&mut c).unwrap();
        assert_eq!(user_version(&c).unwrap(), SCHEMA_VERSION);
        let row: (String, i64, String, i64) = c
            .query_row("SELECT idem_key, amount_fen, note, refunded_fen FROM payments WHERE id = 7", [], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
            })
            .unwrap();
        assert_eq!(row, ("key-00000001".into(), 500, "房租".into(), 0));
        let n: i64 = c.query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| r.get(0)).unwrap();
        assert_eq!(n, 0);
        let fk: i64 = c.query_row("PRAGMA foreign_keys", [], |r| r.get(0)).unwrap();
        assert_eq!(fk, 1, "foreign keys are on again");
        // The references still hold, to the new table.
        assert!(c.execute("DELETE FROM payments WHERE id = 7", []).is_err());
        c.execute(
            "INSERT INTO payments (idem_key, account_id, kind, amount_fen, status, created_at, updated_at, order_id)
             VALUES ('key-00000002', 1, 'merchant', 100, 'pending', 3, 3, 'O1')",
            [],
        )
        .unwrap();
        assert!(integrity_ok(&c).unwrap());
    }

    #[test]
    fn file_on_disk_is_encrypted() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("w.db");
        {
            let c = open(&p, &key(1), true).unwrap();
            c.execute("INSERT INTO app_settings(key, value) VALUES ('marker', 'PLAINTEXT-MARKER')", []).unwrap();
            c.execute_batch("PRAGMA wal_checkpoint(TRUNCATE);").unwrap();
        }
        let bytes = std::fs::read(&p).unwrap();
        assert!(!bytes.starts_with(b"SQLite format 3"));
        assert!(!bytes.windows(16).any(|w| w == b"PLAINTEXT-MARKER"));
    }

    #[test]
    fn wrong_key_is_refused_and_the_file_left_untouched() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("w.db");
        drop(open(&p, &key(1), true).unwrap());
        let before = std::fs::read(&p).unwrap();
        let err = open(&p, &key(2), false).unwrap_err();
        assert_eq!(err.code, ErrorCode::DatabaseKeyMismatch);
        assert_eq!(std::fs::read(&p).unwrap(), before);
        // The right key still opens it.
        open(&p, &key(1), false).unwrap();
    }

    #[test]
    fn newer_database_is_refused_and_not_touched() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("w.db");
        {
            let c = open(&p, &key(1), true).unwrap();
            c.pragma_update(None, "user_version", SCHEMA_VERSION + 1).unwrap();
            c.execute_batch("PRAGMA wal_checkpoint(TRUNCATE);").unwrap();
        }
        let before = std::fs::read(&p).unwrap();
        let err = open(&p, &key(1), false).unwrap_err();
        assert_eq!(err.code, ErrorCode::DatabaseTooNew);
        assert_eq!(std::fs::read(&p).unwrap(), before);
    }

    #[test]
    fn missing_file_is_not_created_without_create() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("absent.db");
        assert!(open(&p, &key(1), false).is_err());
        assert!(!p.exists());
    }

    #[test]
    fn a_failed_migration_leaves_the_previous_version() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("w.db");
        let mut c = open(&p, &key(1), true).unwrap();
        let tx = c.transaction().unwrap();
        let r = tx.execute_batch("CREATE TABLE half(x); THIS IS NOT SQL;");
        assert!(r.is_err());
        drop(tx); // rolled back
        let n: i64 = c.query_row("SELECT count(*) FROM sqlite_master WHERE name='half'", [], |r| r.get(0)).unwrap();
        assert_eq!(n, 0);
        assert_eq!(user_version(&c).unwrap(), SCHEMA_VERSION);
    }
}
