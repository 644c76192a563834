// Page objects: login, registration (both steps), lock screen.
import { click, el, type } from "../lib/dom.mjs";
import { PASSWORD, PAY_PASSWORD } from "../lib/identities.mjs";

export async function waitLogin(b) {
  await el(b, "login-screen", 30_000);
}

export async function login(b, phone, password = PASSWORD) {
  await type(b, "login-phone", phone);
  await type(b, "login-password", password);
  await click(b, "login-submit");
}

export async function openRegister(b) {
  await click(b, "go-register");
  await el(b, "register-screen");
}

export async function fillDetails(b, p, { password = PASSWORD, confirm = password, agree = true } = {}) {
  await type(b, "reg-phone", p.phone);
  await type(b, "reg-display-name", p.displayName);
  await type(b, "reg-real-name", p.realName);
  await type(b, "reg-id-number", p.idNumber);
  await type(b, "reg-password", password);
  await type(b, "reg-password-confirm", confirm);
  const box = await el(b, "reg-agree");
  if ((await box.isSelected()) !== agree) await box.click();
}

export async function fillPayPassword(b, pay = PAY_PASSWORD, confirm = pay) {
  await type(b, "paypwd-input", pay);
  await type(b, "paypwd-confirm", confirm);
}

/** Registers a person from the login screen and waits for the home screen. */
export async function register(b, p) {
  await openRegister(b);
  await fillDetails(b, p);
  await click(b, "reg-submit");
  await el(b, "paypwd-input");
  await fillPayPassword(b);
  await click(b, "paypwd-submit");
  await el(b, "home-screen", 30_000);
}

export async function logout(b) {
  await click(b, "logout");
  await waitLogin(b);
}
