// The app's navigation and session state. Rust owns the truth (who is signed in, whether the
// session is locked); this mirrors it for rendering and refreshes it from `app_status`.
import { call, toAppError, type AppErrorObject } from "./ipc/client";
import type { BankAction, PaymentKind, SessionView, Settings } from "./ipc/bindings";
import { setLanguage, t } from "./i18n/index.svelte";

export type Screen =
  | "loading"
  | "problem"
  | "login"
  | "register"
  | "home"
  | "cards"
  | "card"
  | "bind"
  | "help"
  | "pay"
  | "checkout"
  | "bills"
  | "repay"
  | "history"
  | "settings"
  | "security"
  | "notices"
  | "recover"
  | "locked";

/** A bank counter action the troubleshooting center asks the developer panel to show. */
export interface MockFocus {
  action: BankAction["action"];
  last4: string;
}

export const DEFAULT_SETTINGS: Settings = {
  language: "zh-CN",
  theme: "light",
  autolockMinutes: 5,
  elderMode: false,
  notifyDetails: false,
  closeToTray: false,
};

export const app = $state<{
  screen: Screen;
  /** Where to return after unlocking. */
  resume: Screen;
  session: SessionView | null;
  settings: Settings;
  problem: AppErrorObject | null;
  toast: string | null;
  /** The screen a toast was said on (it is not shown on another). */
  toastScreen: Screen | null;
  /** The card the detail screen shows. */
  cardId: number | null;
  mockFocus: MockFocus | null;
  /** The counter action just done at the mock bank (the troubleshooting center says what
   *  changed and checks again). */
  counterDone: { action: BankAction["action"]; last4: string; at: number } | null;
  /** The binding flow shows its troubleshooting center (the nav marks 帮助). */
  diagnosing: boolean;
  /** Counts Rust's "the mock phone got an SMS" events: the mock panel refreshes on them. */
  mockChanges: number;
  /** Counts Rust's "pending payments settled in the background" events: the balance and the
   *  history load again on them. */
  paymentsSettled: number;
  /** Bumped when the start-up update check answers (the update panel reads its status again). */
  updateChecks: number;
  /** What the payment screen makes. */
  payMode: PaymentKind;
  /** A `tongbao://bind/callback` link the OS handed over, for the bind screen to check. */
  bindCallback: string | null;
  /** A `tongbao://pay?…` link the OS handed over, for the checkout to open. */
  payLink: string | null;
  /** Counts visits to 付款 from the navigation: each one starts at the link form. */
  checkoutVisit: number;
  /** The credit card the repayment screen opens on (from its detail or home's reminder). */
  repayCardId: number | null;
  /** Unread notices (the navigation's badge); Rust says when new ones come. */
  unread: number;
  /** The payment the history opens on (a notice's record). */
  historyPaymentId: number | null;
}>({
  screen: "loading",
  resume: "home",
  session: null,
  settings: DEFAULT_SETTINGS,
  problem: null,
  toast: null,
  toastScreen: null,
  cardId: null,
  mockFocus: null,
  counterDone: null,
  diagnosing: false,
  mockChanges: 0,
  paymentsSettled: 0,
  updateChecks: 0,
  payMode: "to_user",
  bindCallback: null,
  payLink: null,
  checkoutVisit: 0,
  repayCardId: null,
  unread: 0,
  historyPaymentId: null,
});

/** The unread count of the notices center, from Rust (not counted as the person's activity). */
export async function refreshUnread(): Promise<void> {
  if (!app.session || app.session.locked) return;
  const n = await call("notices_unread").catch(() => null);
  if (n !== null) app.unread = n;
}

/** Takes the `tongbao://` link the OS handed over, when someone is signed in and unlocked (a
 *  link that arrived before sign-in waits in Rust until then), and opens what it is for. */
export async function takeDeepLink(): Promise<void> {
  if (!app.session || app.session.locked) return;
  const link = await call("deep_link_take").catch(() => null);
  if (!link) return;
  if (link.startsWith("tongbao://bind/")) {
    app.bindCallback = link;
    app.screen = "bind";
  } else if (link.startsWith("tongbao://pay")) {
    // Only a pointer: the checkout asks Rust, which asks the acquirer, what it is.
    app.payLink = link;
    app.screen = "checkout";
  } else {
    toast(t("toast.linkUnsupported"));
  }
}

export function openPay(mode: PaymentKind): void {
  app.payMode = mode;
  app.screen = "pay";
}

export function openCard(id: number): void {
  app.cardId = id;
  app.screen = "card";
}

/** Saves a change of this installation's settings before anyone signs in (language, elder
 *  mode on the login screen): Rust saves them without a session; shown now either way. */
export async function changeSettings(change: Partial<Settings>): Promise<void> {
  const next = { ...app.settings, ...change };
  applySettings(await call("update_settings", next).catch(() => next));
}

export function applySettings(s: Settings): void {
  app.settings = s;
  setLanguage(s.language);
  document.documentElement.dataset.theme = s.theme;
  document.documentElement.classList.toggle("elder", s.elderMode);
}

const SIGNED_IN_SCREENS: Screen[] = ["home", "cards", "card", "bind", "help", "pay", "checkout", "bills", "repay", "history", "settings", "security", "notices"];

/** Asks Rust who is signed in and moves to the matching screen. */
export async function refresh(): Promise<void> {
  try {
    const status = await call("app_status");
    applySettings(status.settings);
    app.problem = null;
    app.session = status.session;
    if (!status.session) {
      if (app.screen !== "register" && app.screen !== "recover") app.screen = "login";
    } else if (status.session.locked) {
      showLocked();
    } else if (!SIGNED_IN_SCREENS.includes(app.screen)) {
      app.screen = "home";
    }
  } catch (raw) {
    app.problem = toAppError(raw);
    app.screen = "problem";
  }
}

/** Routes the session errors every signed-in screen can get. Returns true when handled. */
export function handleSessionError(e: AppErrorObject): boolean {
  if (e.code === "SESSION_LOCKED") {
    if (app.session) app.session = { ...app.session, locked: true };
    showLocked();
    return true;
  }
  if (e.code === "NOT_LOGGED_IN") {
    app.session = null;
    app.screen = "login";
    return true;
  }
  return false;
}

export function isSignedInScreen(s: Screen): boolean {
  return SIGNED_IN_SCREENS.includes(s);
}

function showLocked(): void {
  if (SIGNED_IN_SCREENS.includes(app.screen)) app.resume = app.screen;
  app.screen = "locked";
}

/** After login or registration: home. */
export function signedIn(session: SessionView): void {
  app.session = session;
  app.cardId = null;
  app.resume = "home";
  app.screen = "home";
}

/** After unlocking: back to where the person was. */
export function unlocked(session: SessionView): void {
  app.session = session;
  app.screen = app.resume;
}

let toastTimer: ReturnType<typeof setTimeout> | undefined;

/** How long a toast stays: long enough to read a short sentence, short enough not to linger. */
export const TOAST_MS = 2500;

export function toast(message: string): void {
  app.toast = message;
  app.toastScreen = app.screen;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => (app.toast = null), TOAST_MS);
}
