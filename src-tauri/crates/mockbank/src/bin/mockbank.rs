//! The mock acquirer from the command line, for test scripts: make an order at a test merchant
//! and print its payment link, save its QR code picture, show or close it — on the bank file
//! the app uses (the app may be running: the file is shared through SQLite's WAL).
//!
//! ```text
//! mockbank order  --merchant M01 --title 矿泉水 --amount 25     prints the tongbao://pay link
//! mockbank qr     --order O… --out order.png                    the link as a QR code (PNG)
//! mockbank show   --order O…                                     the order as JSON
//! mockbank close  --order O…                                     the merchant closes it
//! options: --db PATH (default: $XDG_DATA_HOME/com.tongbao.wallet.mockbank/bank.db, as the app's)
//!          --fixture PATH (the fixture the app was started with; default: the built-in one)
//! ```
//!
//! Orders are stamped with this machine's clock: with the app's mock clock moved (test mode),
//! make orders in the merchant's till instead. Refunds are the till's: the wallet is told of
//! them by the app.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use tongbao_core::platform::clock::SystemClock;
use tongbao_mockbank::fixture::Fixture;
use tongbao_mockbank::MockBank;

const USAGE: &str = "usage: mockbank order --merchant M01 --title T --amount 25 | qr --order ID --out FILE.png | \
                     show --order ID | close --order ID  [--db PATH] [--fixture PATH]";

/// The bank file the app uses on this machine (Linux's data folder; elsewhere pass --db).
fn default_db() -> Option<PathBuf> {
    let data = std::env::var_os("XDG_DATA_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local/share")))?;
    Some(data.join("com.tongbao.wallet.mockbank").join("bank.db"))
}

fn run(args: &[String]) -> Result<String, String> {
    let arg = |name: &str| args.iter().position(|a| a == name).and_then(|i| args.get(i + 1)).cloned();
    let need = |name: &str| arg(name).ok_or_else(|| format!("{name} is needed\n{USAGE}"));
    let fixture = match arg("--fixture") {
        Some(path) => Fixture::parse(&std::fs::read_to_string(&path).map_err(|e| format!("{path}: {e}"))?)?,
        None => Fixture::default_fixture(),
    };
    let db = arg("--db").map(PathBuf::from).or_else(default_db).ok_or("no --db and no data folder")?;
    if let Some(dir) = db.parent() {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    let bank = MockBank::open(&db, &fixture, Arc::new(SystemClock))?;
    let json = |o| serde_json::to_string_pretty(&o).map_err(|e| e.to_string());
    match args.first().map(String::as_str) {
        Some("order") => {
            let o = bank.create_order(&need("--merchant")?, &need("--title")?, &need("--amount")?);
            o.map(|o| o.link).map_err(|e| format!("{:?}: {}", e.code, e.message))
        }
        Some("qr") => {
            let png = bank.order_qr_png(&need("--order")?).map_err(|e| format!("{:?}: {}", e.code, e.message))?;
            let out = need("--out")?;
            std::fs::write(&out, png).map_err(|e| format!("{out}: {e}"))?;
            Ok(out)
        }
        Some("show") => json(bank.mock_order(&need("--order")?).map_err(|e| format!("{:?}: {}", e.code, e.message))?),
        Some("close") => json(bank.close_order(&need("--order")?).map_err(|e| format!("{:?}: {}", e.code, e.message))?),
        _ => Err(USAGE.to_owned()),
    }
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(out) => {
            println!("{out}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("{e}");
            ExitCode::FAILURE
        }
    }
}
