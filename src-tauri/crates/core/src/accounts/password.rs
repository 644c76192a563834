//! Password hashing: Argon2id with OWASP's parameters (19 MiB, 2 passes, 1 lane), PHC strings
//! stored, verification in constant time (the `password-hash` crate compares outputs with
//! `subtle`).

use argon2::password_hash::{rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use std::sync::OnceLock;

use crate::platform::error::AppError;

fn argon2() -> Argon2<'static> {
    let params = Params::new(19 * 1024, 2, 1, None).expect("valid OWASP parameters");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

pub fn hash(secret: &str) -> Result<String, AppError> {
    let salt = SaltString::generate(&mut OsRng);
    argon2()
        .hash_password(secret.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| AppError::internal(format!("password hashing failed: {e}")))
}

pub fn verify(secret: &str, phc: &str) -> bool {
    match PasswordHash::new(phc) {
        Ok(h) => argon2().verify_password(secret.as_bytes(), &h).is_ok(),
        Err(_) => false,
    }
}

/// Spends the same time as a real verification, so that a phone with no account answers as
/// slowly as a wrong password (LOGIN_FAILED never tells which one was wrong).
pub fn verify_against_dummy(secret: &str) {
    static DUMMY: OnceLock<String> = OnceLock::new();
    let phc = DUMMY.get_or_init(|| hash("dummy-password-for-timing").unwrap_or_default());
    let _ = verify(secret, phc);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_are_argon2id_with_owasp_parameters() {
        let h = hash("Abcd1234").unwrap();
        assert!(h.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{h}");
        assert!(!h.contains("Abcd1234"));
    }

    #[test]
    fn verify_accepts_only_the_password() {
        let h = hash("Abcd1234").unwrap();
        assert!(verify("Abcd1234", &h));
        assert!(!verify("Abcd1235", &h));
        assert!(!verify("Abcd1234", "not a phc string"));
    }

    #[test]
    fn same_password_hashes_differently_each_time() {
        assert_ne!(hash("Abcd1234").unwrap(), hash("Abcd1234").unwrap());
    }
}
