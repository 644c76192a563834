// Page object: the binding flow and the mock phone.
import { click, el, text, tid, type } from "../lib/dom.mjs";
import { P1 } from "../lib/identities.mjs";

export async function openBind(b) {
  await click(b, "nav-cards");
  await click(b, "add-card");
  await el(b, "bind-screen");
}

/** Fills the card form; `phone` replaces the prefilled reserved phone when given. */
export async function fillCard(b, { number, expiry, cvv, phone, agree = true }) {
  await type(b, "bind-number", number);
  if (expiry !== undefined) await type(b, "bind-expiry", expiry);
  if (cvv !== undefined) await type(b, "bind-cvv", cvv);
  if (phone !== undefined) await type(b, "bind-phone", phone);
  const box = await el(b, "bind-agree");
  if ((await box.isSelected()) !== agree) await box.click();
}

/** The text of the latest SMS to `phone` in the mock phone, or null. */
async function latestSms(b, phone) {
  const sms = await b.$(`${tid("mock-sms-latest")}[data-phone="${phone}"]`);
  return (await sms.isExisting()) ? sms.getText() : null;
}

let smsBeforeSubmit = null;

/** Every SMS code a script read: the runner checks none of them reached a log. */
export const seenCodes = [];

/** Remembers the phone's latest SMS: `codeFromPhone` then waits for a newer one. */
export async function rememberSms(b, phone) {
  smsBeforeSubmit = await latestSms(b, phone);
}

/** Submits the card form, remembering the phone's last SMS so only a new one is read. */
export async function submitCard(b, phone = P1.phone) {
  await rememberSms(b, phone);
  await click(b, "bind-submit");
}

/** Waits for the OTP step (`otpId`: its input) and returns the new SMS code in the mock phone. */
export async function codeFromPhone(b, phone, otpId = "bind-otp") {
  await el(b, otpId, 30_000);
  let code = null;
  await b.waitUntil(
    async () => {
      const sms = await latestSms(b, phone);
      code = sms && sms !== smsBeforeSubmit ? (sms.match(/验证码 (\d{6})/)?.[1] ?? null) : null;
      return code !== null;
    },
    { timeout: 15_000, timeoutMsg: "no new SMS code in the mock phone" },
  );
  seenCodes.push(code);
  return code;
}

export async function enterOtp(b, code) {
  await type(b, "bind-otp", code);
  await click(b, "bind-otp-submit");
}

/** The whole happy path for a debit card of the signed-in person (P1's phone by default). */
export async function bindDebit(b, number, phone = P1.phone) {
  await openBind(b);
  await fillCard(b, { number, phone });
  await submitCard(b, phone);
  const code = await codeFromPhone(b, phone);
  await enterOtp(b, code);
  await el(b, "bind-success", 30_000);
}

/** The failure shown: its code, and the remedy text. */
export async function failure(b, timeout = 30_000) {
  const e = await el(b, "bind-error", timeout);
  return { code: await e.getAttribute("data-error-code"), remedy: await text(b, "bind-remedy") };
}

/** The mock clock's time now (the token device and the bank read it), in Unix ms. */
export async function mockNow(b) {
  return Number(await (await el(b, "mock-clock")).getAttribute("data-now"));
}

/** Performs a bank counter action in the developer panel (activate, enableEpay, unfreeze…). */
export async function bankCounter(b, cardId, action, phone) {
  await (await el(b, "mock-action-card")).selectByAttribute("value", cardId);
  await (await el(b, "mock-action")).selectByAttribute("value", action);
  if (phone !== undefined) await type(b, "mock-action-phone", phone);
  await click(b, "mock-action-apply");
}

/** Sets the mock bank's client-version floor in the developer panel (test mode). */
export async function versionFloor(b, version) {
  await type(b, "mock-version-floor", version);
  await click(b, "mock-version-floor-apply");
}
