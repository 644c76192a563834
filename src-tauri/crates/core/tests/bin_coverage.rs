//! Every BIN row of the five supported banks: a Luhn-valid number of the row's length, built
//! from its prefix, is recognised live with that bank and type, and parses (or is refused as
//! prepaid) — the table is the data, not a handful of typed rows.

use std::collections::BTreeMap;

use tongbao_core::cards::bin::{lookup, BankId, CardKind, SUPPORTED_BANKS};
use tongbao_core::cards::{parse_card_number, recognise, with_check_digit};
use tongbao_core::platform::error::ErrorCode;

/// The number `prefix` + filler + check digit, `length` digits long. The filler is 9s: zeros
/// would run into another row's longer prefix more often (620200 + 0… is also 6202000…).
fn number(prefix: &str, length: usize, filler: char) -> String {
    let filled: String = prefix.chars().chain(std::iter::repeat(filler)).take(length - 1).collect();
    with_check_digit(&filled)
}

#[test]
fn every_row_of_the_five_banks_is_recognised_with_its_bank_and_type() {
    let mut per_bank: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    let mut shadowed = vec![];
    for bank in SUPPORTED_BANKS {
        for row in tongbao_core::cards::bin::rows().iter().filter(|r| r.bank == *bank && r.length <= 19) {
            let entry = per_bank.entry(bank.code()).or_default();
            entry.0 += 1;
            // A longer prefix of another row can cover this one's numbers: try two fillers.
            let Some(n) =
                ['9', '5', '0'].into_iter().map(|f| number(row.prefix, row.length, f)).find(|n| lookup(n) == Some(row))
            else {
                shadowed.push(row.prefix);
                continue;
            };
            let live = recognise(&n).unwrap();
            assert_eq!((live.bank, live.kind), (row.bank, row.kind), "{n}");
            match parse_card_number(&n) {
                Ok(card) => assert!(row.supported() && (card.info.bank, card.info.kind) == (row.bank, row.kind)),
                Err(e) => {
                    // Prepaid and American Express (ICBC's 370246…) products are refused by type.
                    assert!(!row.supported(), "{n}: {e:?}");
                    assert_eq!(e.code, ErrorCode::CardTypeNotSupported, "{n}");
                    assert!(row.kind == CardKind::Prepaid || n.starts_with("34") || n.starts_with("37"), "{n}");
                }
            }
            entry.1 += 1;
        }
    }
    println!("rows recognised per bank: {per_bank:?}; covered by a longer prefix: {shadowed:?}");
    for (bank, (rows, ok)) in &per_bank {
        assert!(*rows >= 50, "{bank}: {rows} rows");
        assert_eq!(rows, ok, "{bank}: every row is reachable");
    }
    assert!(shadowed.is_empty());
    assert_eq!(per_bank.len(), 5);
    assert!(BankId::Icbc.supported() && !BankId::Comm.supported());
}
