//! Against the real OS keychain (Secret Service on Linux). The test command runs these inside
//! a private D-Bus session with an unlocked gnome-keyring; without one they fail, by design:
//! a keychain that isn't there must never look like one that is.

use std::sync::Arc;

use tongbao_core::open_wallet;
use tongbao_core::platform::clock::SystemClock;
use tongbao_core::platform::secrets::{KeyringStore, SecretStore};

fn scope() -> String {
    format!("test-{}-{}", std::process::id(), rand_suffix())
}

fn rand_suffix() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos() as u64
}

#[test]
fn a_secret_survives_a_new_connection_to_the_keychain() {
    let scope = scope();
    {
        let store = KeyringStore::new("com.tongbao.wallet.test", scope.clone());
        store.set("probe", b"\x01\x02secret-bytes").expect("the real keychain must be available");
    }
    // A new store is a new D-Bus connection: what it reads came from gnome-keyring, not memory.
    let again = KeyringStore::new("com.tongbao.wallet.test", scope.clone());
    assert_eq!(again.get("probe").unwrap().unwrap().as_slice(), b"\x01\x02secret-bytes");
    assert_eq!(again.backend(), "secret-service");
    // Another scope does not see it.
    let other = KeyringStore::new("com.tongbao.wallet.test", format!("{scope}-other"));
    assert!(other.get("probe").unwrap().is_none());
}

#[test]
fn the_wallet_reopens_with_its_key_from_the_real_keychain() {
    let dir = tempfile::tempdir().unwrap();
    let scope = dir.path().to_string_lossy().to_string();
    let open = || {
        let store = Arc::new(KeyringStore::new("com.tongbao.wallet.test", scope.clone()));
        open_wallet(dir.path(), store, Arc::new(SystemClock))
    };
    drop(open().expect("first start"));
    drop(open().expect("second start reads the key back from gnome-keyring"));
}
