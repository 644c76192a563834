import { t } from "./i18n/index.svelte";
import { callWithRetry } from "./ipc/client";
import type { PaymentRequest, PaymentView } from "./ipc/bindings";

/** Sends a payment through Rust's one pipeline (`pay`): every screen that moves money (转账,
 *  付款, 生活缴费, 还款) calls this. `progress` hears 正在付款 and each automatic retry of the
 *  bank call, and null at the end, whatever the outcome. The key in `req` makes a double click
 *  or a retry the same payment. */
export async function sendPayment(req: PaymentRequest, progress: (text: string | null) => void): Promise<PaymentView> {
  progress(t("pay.paying"));
  try {
    return await callWithRetry("pay", req, (n) => progress(t("bind.retrying", { n: n.attempt, max: n.max })));
  } finally {
    progress(null);
  }
}
