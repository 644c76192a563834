// The mock bank's own app (工商银行App), in a window of its own: see BankApp.svelte.
import { mount } from "svelte";
import "../app.css";
import { ensureMessages } from "../lib/i18n/index.svelte";
import BankApp from "./BankApp.svelte";

const target = document.getElementById("bankapp");
if (!target) throw new Error("#bankapp is missing from bankapp.html");
// The wallet's request (only its `state` is passed to this window), or the card settings page.
const query = new URLSearchParams(location.search);
const request = query.get("state") ?? "";
const settings = query.get("page") === "settings";
void ensureMessages().then(() => mount(BankApp, { target, props: { request, settings } }));
