//! Defence in depth for logs and reports: masks anything that looks like a card number, an ID
//! number, a phone number, an OTP or a payment password (runs of 6 or more digits, an ID's
//! trailing X included). Secrets are never logged on purpose — their types print
//! `[REDACTED]` — this catches the accident.

/// What a masked run is replaced with.
pub const MASK: &str = "[redacted]";

/// Masks every run of at least 6 ASCII digits (a trailing `X`/`x` joins the run).
pub fn redact(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut run = String::new();
    let flush = |run: &mut String, out: &mut String| {
        let digits = run.chars().filter(char::is_ascii_digit).count();
        if digits >= 6 {
            out.push_str(MASK);
        } else {
            out.push_str(run);
        }
        run.clear();
    };
    for c in text.chars() {
        if c.is_ascii_digit() || ((c == 'X' || c == 'x') && run.len() >= 6) {
            run.push(c);
        } else {
            flush(&mut run, &mut out);
            out.push(c);
        }
    }
    flush(&mut run, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn masks_ids_phones_and_codes_but_not_short_numbers() {
        assert_eq!(redact("id 11010119900307123X ok"), "id [redacted] ok");
        assert_eq!(redact("phone=13800138000"), "phone=[redacted]");
        assert_eq!(redact("otp 482913."), "otp [redacted].");
        assert_eq!(redact("account=12 at 2026-11-25T19:37:09Z"), "account=12 at 2026-11-25T19:37:09Z");
        assert_eq!(redact("box xylophone"), "box xylophone");
    }

    proptest! {
        #[test]
        fn no_digit_run_of_six_survives(prefix in "[a-z =:]{0,10}", secret in "[0-9]{6,19}", suffix in "[a-z =:]{0,10}") {
            let out = redact(&format!("{prefix}{secret}{suffix}"));
            prop_assert!(!out.contains(&secret));
        }
    }
}
