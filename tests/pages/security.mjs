// Page object: the account and security center, password recovery and the installation reset.
import { click, el, text, type } from "../lib/dom.mjs";

export async function open(b) {
  await click(b, "nav-settings");
  await click(b, "security-center");
  await el(b, "security-screen");
}

/** The code in the newest SMS of the mock phone that is newer than `before`. */
export async function newCode(b, before, phone) {
  let code = null;
  await b.waitUntil(
    async () => {
      const items = await b.$$(`[data-testid="mock-sms-latest"][data-phone="${phone}"], [data-testid="mock-sms-item"][data-phone="${phone}"]`);
      for (const i of items) {
        const t = await i.getText();
        if (t !== before) code = t.match(/验证码 (\d{6})/)?.[1] ?? null;
      }
      return code !== null;
    },
    { timeout: 15_000, timeoutMsg: `no new SMS code for ${phone}` },
  );
  return code;
}

/** The newest SMS text of a phone in the mock phone, or null. */
export async function latestSms(b, phone) {
  for (const i of await b.$$(`[data-testid="mock-sms-latest"][data-phone="${phone}"], [data-testid="mock-sms-item"][data-phone="${phone}"]`)) {
    return await i.getText();
  }
  return null;
}

/** Moves the recovery on one step (the one button). */
export async function next(b) {
  await click(b, "recover-submit");
}

/** Asks to close the account with the login password (from the security center). */
export async function closeAccount(b, password) {
  await open(b);
  await click(b, "close-account");
  await type(b, "close-account-password", password);
  await click(b, "close-account-submit");
}

/** The word the reset panel asks for, from its 「」. */
export async function resetWord(b) {
  const label = await (await b.$('label[for="reset-confirm"]')).getText();
  return label.match(/「(.+?)」/)[1];
}

export async function waitStage(b, stage) {
  await b.waitUntil(async () => (await (await el(b, "recovery")).getAttribute("data-stage")) === stage, {
    timeout: 20_000,
    timeoutMsg: `recovery never reached ${stage}`,
  });
}

export { text, type };
