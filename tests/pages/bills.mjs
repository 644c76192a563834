// 生活缴费: look an account up, pay it.
import { click, el, tid, type } from "../lib/dom.mjs";
import { PAY_PASSWORD } from "../lib/identities.mjs";

/** Opens 生活缴费 and looks up `account` of `kind` (electricity / water / gas / mobile). */
export async function lookUp(b, kind, account) {
  await click(b, "nav-bills");
  await (await el(b, "bill-type")).selectByAttribute("value", kind);
  await type(b, "bill-account", account);
  await click(b, "bill-query");
}

/** Pays what the form holds (the amount typed when given) from `source`; answers the result's status. */
export async function pay(b, { amount, source = "balance", password = PAY_PASSWORD } = {}) {
  await el(b, "bill-pay", 20_000);
  if (amount !== undefined) await type(b, "amount", amount);
  await (await el(b, "source")).selectByAttribute("value", source);
  await type(b, "paypwd-input", password);
  await click(b, "bill-submit");
  return (await el(b, "bill-result", 30_000)).getAttribute("data-status");
}

export const item = (b, id) => b.$(`${tid("bill-saved-item")}[data-id="${id}"]`);
