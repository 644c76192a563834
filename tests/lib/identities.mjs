// The test people: phone, real name and ID number come from the mock bank's fixture (the file
// the app's mock bank loads, so the scripts cannot drift from it); the display names and the
// passwords are the wallet side's, the same as the Rust tests' (core/tests/common/people.rs).
import { readFileSync } from "node:fs";

export const PASSWORD = "Tongbao2026!";
export const PAY_PASSWORD = "258036";

const fixture = JSON.parse(
  readFileSync(new URL("../../src-tauri/crates/mockbank/fixture/default.json", import.meta.url), "utf8"),
);
const DISPLAY_NAMES = { P1: "小张", P2: "小李", P3: "小王", P4: "古丽" };
function person(id) {
  const p = fixture.people.find((f) => f.id === id);
  if (!p) throw new Error(`${id} is not in the mock bank's fixture`);
  return { phone: p.phone, realName: p.realName, idNumber: p.idNumber, displayName: DISPLAY_NAMES[id] };
}
export const P1 = person("P1");
export const P2 = person("P2");
export const P3 = person("P3");
export const P4 = person("P4");

import { CARDS } from "./cards.mjs";

/** What must never appear in any log, nor in any file of the app's data folder. */
export const SECRETS = [
  PASSWORD,
  PAY_PASSWORD,
  P1.idNumber,
  P2.idNumber,
  P3.idNumber,
  P4.idNumber,
  ...Object.values(CARDS),
];
