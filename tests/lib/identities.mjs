// The published test identities (tests/README.md) (the mock bank's people), with passwords for the tests.
export const PASSWORD = "Tongbao2026!";
export const PAY_PASSWORD = "258036";

export const P1 = { phone: "13800138000", realName: "张三", idNumber: "110101199003071233", displayName: "小张" };
export const P2 = { phone: "13900139000", realName: "李四", idNumber: "310101198805204563", displayName: "小李" };
export const P3 = { phone: "13700137000", realName: "王五", idNumber: "440305199512127891", displayName: "小王" };

import { CARDS } from "./cards.mjs";

/** What must never appear in any log, nor in any file of the app's data folder. */
export const SECRETS = [
  PASSWORD,
  PAY_PASSWORD,
  P1.idNumber,
  P2.idNumber,
  P3.idNumber,
  ...Object.values(CARDS),
];
