// The merchant's till in the mock column (test mode) and the wallet's 付款 screen.
import { click, el, tid, type } from "../lib/dom.mjs";
import { PAY_PASSWORD } from "../lib/identities.mjs";

/** Makes an order at a test merchant in the till; answers its payment link. */
export async function createOrder(b, merchant, title, yuan) {
  const before = await (await b.$(tid("mock-order"))).isExisting() ? await (await el(b, "mock-order")).getAttribute("data-id") : null;
  await (await el(b, "mock-merchant")).selectByAttribute("value", merchant);
  await type(b, "mock-order-title", title);
  await type(b, "mock-order-amount", yuan);
  await click(b, "mock-order-create");
  await b.waitUntil(async () => {
    const o = await b.$(tid("mock-order"));
    return (await o.isExisting()) && (await o.getAttribute("data-id")) !== before;
  }, { timeout: 20_000, timeoutMsg: "no new order in the till" });
  return (await (await el(b, "mock-order-link")).getText()).trim();
}

/** The till's order status once it is `status` (open / paid / closed / refunded / partially_refunded). */
export async function orderStatus(b, status) {
  const s = await el(b, "mock-order-status");
  await b.waitUntil(async () => (await s.getAttribute("data-status")) === status, { timeout: 20_000, timeoutMsg: `order not ${status}` });
  return status;
}

/** 付款 → 粘贴付款链接: opens the checkout for `link`. */
export async function pasteLink(b, link) {
  await click(b, "nav-pay");
  await type(b, "pay-link", link);
  await click(b, "pay-link-submit");
}

/** Chooses a way to pay at the checkout (`balance` or a card's id) and pays with the password. */
export async function payAtCheckout(b, methodId, password = PAY_PASSWORD) {
  await el(b, "checkout", 20_000);
  if (methodId) await (await b.$(`${tid("checkout-method")}[data-id="${methodId}"] input`)).click();
  await type(b, "paypwd-input", password);
  await click(b, "checkout-submit");
  return (await el(b, "checkout-result", 30_000)).getAttribute("data-status");
}
