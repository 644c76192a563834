// Small helpers over WebdriverIO for the data-testid contract (tests/README.md).
export const tid = (id) => `[data-testid="${id}"]`;

export async function el(b, id, timeout = 15_000) {
  const e = await b.$(tid(id));
  await e.waitForDisplayed({ timeout });
  return e;
}

export async function type(b, id, value) {
  const e = await el(b, id);
  await e.clearValue();
  await e.setValue(value);
}

export async function click(b, id) {
  const e = await el(b, id);
  // WebKitWebDriver may miss an element cut by the viewport's edge: centre it first.
  await e.scrollIntoView({ block: "center" });
  await e.click();
}

export async function text(b, id) {
  return (await el(b, id)).getText();
}

/** The error shown next to a field (data-field) or the form's error. */
export async function errorCode(b, field, timeout = 10_000) {
  const sel = field ? `${tid("error")}[data-field="${field}"]` : tid("error");
  const e = await b.$(sel);
  await e.waitForDisplayed({ timeout });
  return e.getAttribute("data-error-code");
}

export async function waitGone(b, id, timeout = 10_000) {
  await (await b.$(tid(id))).waitForDisplayed({ timeout, reverse: true });
}

/** Moves focus away from the current input so its blur validation runs. */
export async function blur(b) {
  await b.execute(() => document.activeElement instanceof HTMLElement && document.activeElement.blur());
}

export async function selectValue(b, id, value) {
  const e = await el(b, id);
  await e.selectByAttribute("value", value);
}
