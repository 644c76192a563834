#!/usr/bin/env node
// Walks through the screens in zh-CN and en and saves screenshots to tests/.artifacts/screens/,
// for a person to look at. Not a test: run it under Xvfb in a keychain session, as
// scripts/test.sh does, after building the app.
import { mkdirSync } from "node:fs";
import path from "node:path";
import { ARTIFACTS, AppUnderTest } from "./lib/harness.mjs";
import { blur, click, el, selectValue, type } from "./lib/dom.mjs";
import { P1 } from "./lib/identities.mjs";
import * as auth from "./pages/auth.mjs";

const out = path.join(ARTIFACTS, "screens");
mkdirSync(out, { recursive: true });
const app = new AppUnderTest("screenshots");
const shot = async (name) => {
  await new Promise((r) => setTimeout(r, 400));
  await app.screenshot(path.join(out, `${name}.png`));
};

try {
  await app.start();
  let b = app.browser;
  for (const lang of ["zh-CN", "en"]) {
    await auth.waitLogin(b);
    await shot(`${lang}-login`);
    await auth.openRegister(b);
    await type(b, "reg-phone", "1380013");
    await type(b, "reg-password", "abc");
    await blur(b);
    await click(b, "reg-real-name");
    await shot(`${lang}-register-errors`);
    await auth.fillDetails(b, lang === "en" ? { ...P1, phone: "13800138001" } : P1);
    await click(b, "reg-submit");
    await el(b, "paypwd-input");
    await shot(`${lang}-register-paypwd`);
    await auth.fillPayPassword(b);
    await click(b, "paypwd-submit");
    await el(b, "home-screen", 30_000);
    await shot(`${lang}-home`);
    await click(b, "nav-settings");
    await el(b, "settings-screen");
    await shot(`${lang}-settings`);
    await click(b, "nav-lock");
    await el(b, "lock-screen");
    await shot(`${lang}-locked`);
    await type(b, "unlock-password", "Tongbao2026!");
    await click(b, "unlock-submit");
    await el(b, "settings-screen");
    if (lang === "zh-CN") {
      await selectValue(b, "settings-theme", "dark");
      await shot(`${lang}-settings-dark`);
      await selectValue(b, "settings-theme", "light");
      await selectValue(b, "settings-language", "en");
    }
    await auth.logout(b);
    b = app.browser;
  }
  console.log(`screenshots in ${out}`);
} catch (e) {
  await app.screenshot(path.join(out, "failed.png"));
  throw e;
} finally {
  await app.stop();
}
