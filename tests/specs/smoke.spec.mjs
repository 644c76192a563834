// The smoke set, also run against the installed package (scripts/install-test.sh sets
// TONGBAO_APP to the installed binary): register, bind T01, top up.
import assert from "node:assert/strict";
import { test } from "../lib/harness.mjs";
import { P1 } from "../lib/identities.mjs";
import { CARDS } from "../lib/cards.mjs";
import * as auth from "../pages/auth.mjs";
import * as bind from "../pages/bind.mjs";
import * as money from "../pages/money.mjs";

test("smoke: register, bind T01, top up ¥100", async ({ b }) => {
  await auth.waitLogin(b);
  await auth.register(b, P1);
  await bind.bindDebit(b, CARDS.T01);
  await money.fund(b, "topup", "0017", "100");
  await money.confirm(b);
  assert.equal(await money.resultStatus(b), "succeeded");
  assert.equal(await money.balance(b), 10_000);
});
