// The clock behind a code's resend countdown: it ticks once a second only until the deadline
// (a person waiting for "重新获取"), and not at all otherwise — an idle screen wakes nothing.
import type { BindStep } from "./ipc/bindings";

/** When (this machine's time) a new code may be asked for, or null without a code step. */
export function resendDeadline(step: Pick<BindStep, "resendAt" | "issuedAt"> | null, receivedAt: number): number | null {
  return step?.resendAt ? receivedAt + step.resendAt - step.issuedAt : null;
}

/** `now`, refreshed every second while `deadline()` is ahead. */
export function tickUntil(deadline: () => number | null): { readonly now: number } {
  let now = $state(Date.now());
  $effect(() => {
    const end = deadline();
    now = Date.now();
    if (end === null || now >= end) return;
    const id = setInterval(() => {
      now = Date.now();
      if (now >= end) clearInterval(id);
    }, 1000);
    return () => clearInterval(id);
  });
  return {
    get now() {
      return now;
    },
  };
}
