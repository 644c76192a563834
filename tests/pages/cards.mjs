// Page object: the cards list, a card's detail, and the mock clock.
import { click, el, tid, type } from "../lib/dom.mjs";
import { PASSWORD } from "../lib/identities.mjs";

/** The card tile with these last 4 digits on the cards screen. */
export async function tile(b, last4) {
  const e = await b.$(`${tid("card-item")}[data-last4="${last4}"]`);
  await e.waitForDisplayed({ timeout: 15_000 });
  return e;
}

export async function openCards(b) {
  await click(b, "nav-cards");
  await el(b, "cards-screen");
}

/** Opens the detail of the card ending `last4`. */
export async function openCard(b, last4) {
  await openCards(b);
  await (await tile(b, last4)).click();
  await el(b, "card-screen");
  await el(b, "card-nickname");
}

/** The card tiles in list order: [{ last4, status, isDefault }]. */
export async function list(b) {
  await el(b, "cards-screen");
  const out = [];
  for (const item of await b.$$(tid("card-item"))) {
    out.push({
      last4: await item.getAttribute("data-last4"),
      status: await item.getAttribute("data-status"),
      isDefault: await (await item.$(tid("card-default-badge"))).isExisting(),
    });
  }
  return out;
}

/** The events of an audit list (`card-audit` or `account-audit`), newest first. */
export async function auditEvents(b, id = "card-audit") {
  const box = await el(b, id);
  const events = [];
  for (const item of await box.$$(tid("audit-item"))) events.push(await item.getAttribute("data-event"));
  return events;
}

/** Moves the mock clock forward. A jump past the auto-lock time locks the session at once (Rust's
 *  watcher): then the lock screen replaces the panel, and the caller unlocks (`unlock`). */
export async function advanceClock(b, minutes) {
  const before = Number(await (await el(b, "mock-clock")).getAttribute("data-now"));
  await type(b, "mock-clock-minutes", String(minutes));
  await click(b, "mock-clock-advance");
  await b.waitUntil(async () => {
    if (await (await b.$(tid("lock-screen"))).isExisting()) return true;
    const clock = await b.$(tid("mock-clock"));
    return (await clock.isExisting()) && Number(await clock.getAttribute("data-now")) >= before + minutes * 60_000;
  });
}

/** Unlocks the lock screen with P1's password. */
export async function unlock(b) {
  await el(b, "lock-screen", 20_000);
  await type(b, "unlock-password", PASSWORD);
  await click(b, "unlock-submit");
}
