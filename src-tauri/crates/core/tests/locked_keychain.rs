//! A locked gnome-keyring (docs/security.md, start-up problems: a locked collection): the wallet must say
//! KEYCHAIN_LOCKED, with its remedy, not KEYCHAIN_UNAVAILABLE. The parent test makes a login
//! keyring with a password in a throw-away folder, then starts a second, private D-Bus session
//! whose gnome-keyring has not been unlocked, and runs the child test inside it.
//!
//! Linux only: it runs `dbus-run-session` and `gnome-keyring-daemon`, which Windows and macOS
//! (the CI workflow's other jobs) do not have.
#![cfg(target_os = "linux")]

use std::process::Command;
use std::sync::Arc;

use tongbao_core::platform::clock::SystemClock;
use tongbao_core::platform::secrets::{KeyringStore, SecretStore};
use tongbao_core::{open_wallet, ErrorCode};

const CHILD: &str = "TONGBAO_TEST_LOCKED_KEYRING";

/// Run by the parent inside the locked session.
#[test]
#[ignore = "run inside a locked keyring session by a_locked_keyring_is_keychain_locked"]
fn child_reads_from_the_locked_keyring() {
    let dir = std::path::PathBuf::from(std::env::var_os(CHILD).expect("run by the parent test"));
    let store = KeyringStore::new("com.tongbao.wallet.test", "locked-probe");
    if std::env::var_os("TONGBAO_TEST_STORE_FIRST").is_some() {
        store.set("probe", b"v").expect("the unlocked keyring stores");
        return;
    }
    let e = store.get("probe").expect_err("a locked keyring gives no secret");
    assert_eq!(e.code, ErrorCode::KeychainLocked, "{e:?}");
    let e = open_wallet(&dir.join("wallet"), Arc::new(store), Arc::new(SystemClock)).err().expect("refused");
    assert_eq!(e.code, ErrorCode::KeychainLocked, "{e:?}");
    assert!(!dir.join("wallet").join("wallet.db").exists(), "no database without the key");
}

#[test]
fn a_locked_keyring_is_keychain_locked() {
    let home = tempfile::tempdir().unwrap();
    let data = home.path().to_str().unwrap();
    let exe = std::env::current_exe().unwrap();
    let child = format!("{} --ignored --exact child_reads_from_the_locked_keyring --nocapture", exe.display());
    let session = |daemon: &str, store_first: bool| {
        let mut cmd = Command::new("dbus-run-session");
        cmd.args(["--", "sh", "-c", &format!("{daemon} >/dev/null && {child}")])
            .env("XDG_DATA_HOME", data)
            .env(CHILD, home.path());
        if store_first {
            cmd.env("TONGBAO_TEST_STORE_FIRST", "1");
        }
        let out = cmd.output().expect("dbus-run-session and gnome-keyring are installed by scripts/setup.sh");
        let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
        assert!(out.status.success() && text.contains("1 passed"), "{text}");
    };
    // 1. A login keyring with a password and the item in it.
    session("echo -n pw | gnome-keyring-daemon --unlock --components=secrets", true);
    assert!(home.path().join("keyrings").read_dir().unwrap().next().is_some(), "a keyring file was written");
    // 2. A new session: gnome-keyring starts with that keyring locked; the child reads from it.
    session("gnome-keyring-daemon --start --components=secrets", false);
}
