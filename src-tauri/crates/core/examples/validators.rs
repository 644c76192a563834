//! The core's input validators as a filter, for the front end's differential test
//! (`ui/src/lib/differential.test.ts`): each line of stdin is `{"v": <validator>, "input": ..}`,
//! each line of stdout the verdict `{"code": <ErrorCode or null>, "fen": <amount or null>}`.
//! The ID check runs on a fixed day (2026-11-25, Shanghai) so both sides agree on ages.

use std::io::{BufRead, Write};

use tongbao_core::accounts::validate;
use tongbao_core::money::parse_amount;

const NOW: i64 = 1_795_608_000_000;

#[derive(serde::Deserialize)]
struct Ask {
    v: String,
    input: String,
}

fn main() {
    let stdin = std::io::stdin();
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    for line in stdin.lock().lines() {
        let line = line.expect("stdin");
        let ask: Ask = serde_json::from_str(&line).expect("a JSON line");
        let i = ask.input.as_str();
        let (code, fen) = match ask.v.as_str() {
            "phone" => (validate::phone(i).err(), None),
            "display_name" => (validate::display_name(i).err(), None),
            "real_name" => (validate::real_name(i).err(), None),
            "id_number" => (validate::id_number(i, NOW).err(), None),
            "password" => (validate::password(i).err(), None),
            "pay_password" => (validate::pay_password(i).err(), None),
            "amount" => match parse_amount(i) {
                Ok(f) => (None, Some(f)),
                Err(e) => (Some(e), None),
            },
            other => panic!("no validator {other}"),
        };
        let verdict = serde_json::json!({ "code": code.map(|e| e.code), "fen": fen });
        writeln!(out, "{verdict}").expect("stdout");
    }
}
