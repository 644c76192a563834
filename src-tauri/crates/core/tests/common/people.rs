//! The test people, their passwords and the tests' start time: the one definition every Rust
//! test suite and the storm tool use (the core's tests, the mock bank's tests and `storm`
//! include this file). Names, ID numbers and phones are the mock bank fixture's people
//! (`mockbank/fixture/default.json`; a mock bank test checks they agree); display names and
//! passwords are the wallet side's.

/// A holder of the fixture: what the bank knows, plus the name shown in the wallet.
pub struct Person {
    pub phone: &'static str,
    pub real_name: &'static str,
    pub id_number: &'static str,
    pub display_name: &'static str,
}

pub const P1: Person =
    Person { phone: "13800138000", real_name: "张三", id_number: "110101199003071233", display_name: "小张" };
pub const P2: Person =
    Person { phone: "13900139000", real_name: "李四", id_number: "310101198805204563", display_name: "小李" };
/// A name with the minority middle dot (the ID card's `·`; people type it several ways).
pub const P4: Person = Person {
    phone: "13600136000",
    real_name: "阿依古丽·买买提",
    id_number: "650102199205182320",
    display_name: "古丽",
};

/// Every test person's login password, and a wrong one.
pub const PASSWORD: &str = "Tongbao2026!";
pub const WRONG: &str = "Wrong2026!";
/// Every test person's payment password.
pub const PAY_PASSWORD: &str = "258036";

/// 2026-11-25T12:00:00Z (20:00 in Shanghai): where the tests' clocks start.
pub const T0: i64 = 1_795_608_000_000;
