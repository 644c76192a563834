// Generated from the Rust types by `cargo run -p tongbao-api --bin gen-bindings`.
// Do not edit: the test command fails when this file is stale.

export type ErrorCode = "PHONE_INVALID" | "PHONE_TAKEN" | "NAME_INVALID" | "ID_NUMBER_INVALID" | "AGE_TOO_YOUNG" | "PASSWORD_WEAK" | "PASSWORD_MISMATCH" | "PAY_PASSWORD_WEAK" | "LOGIN_FAILED" | "LOGIN_LOCKED" | "SESSION_LOCKED" | "PASSWORD_SAME_AS_OLD" | "IDENTITY_MISMATCH" | "RECOVERY_LOCKED" | "ACCOUNT_NOT_EMPTY" | "NOT_LOGGED_IN" | "SETTING_INVALID" | "CARD_NUMBER_INVALID" | "EXPIRY_MISMATCH" | "CVV_MISMATCH" | "PHONE_MISMATCH" | "HOLDER_MISMATCH" | "NETWORK_TIMEOUT" | "NETWORK_OFFLINE" | "BANK_UNAVAILABLE" | "BANK_SYSTEM_ERROR" | "EPAY_DISABLED" | "CARD_RESTRICTED" | "UPGRADE_REQUIRED" | "TOKEN_REQUIRED" | "TOKEN_INVALID" | "OTP_INVALID" | "OTP_EXPIRED" | "OTP_LOCKED" | "CARD_EXPIRED" | "BANK_NOT_SUPPORTED" | "CARD_TYPE_NOT_SUPPORTED" | "CARD_NOT_ACTIVATED" | "CARD_LOST" | "CARD_REPLACED" | "BANK_AGREEMENT_LIMIT" | "BIND_CALLBACK_INVALID" | "CARD_ALREADY_BOUND" | "CARD_LIMIT_REACHED" | "BIND_COOLDOWN" | "CONSENT_REQUIRED" | "OTP_RESEND_TOO_SOON" | "CARD_NOT_FOUND" | "CARD_EDIT_INVALID" | "CLOCK_WRONG" | "EXPORT_FAILED" | "PAY_PASSWORD_WRONG" | "PAY_PASSWORD_LOCKED" | "INSUFFICIENT_FUNDS" | "LIMIT_EXCEEDED" | "FREQUENCY_EXCEEDED" | "PAYEE_NOT_FOUND" | "PAYEE_NAME_MISMATCH" | "PAYEE_NAME_CLOSE_MATCH" | "PAYEE_REPORTED" | "PAYEE_CHECK_UNAVAILABLE" | "PURPOSE_REQUIRED" | "STEP_UP_REQUIRED" | "NOTE_INVALID" | "SELF_TRANSFER" | "AMOUNT_INVALID" | "PAYMENT_NOT_FOUND" | "PAYMENT_NOT_REVOCABLE" | "LINK_INVALID" | "ORDER_NOT_FOUND" | "ORDER_EXPIRED" | "ORDER_ALREADY_PAID" | "ORDER_CLOSED" | "MERCHANT_BLOCKED" | "REFUND_EXCEEDS_PAYMENT" | "BILLER_UNAVAILABLE" | "BILL_ACCOUNT_NOT_FOUND" | "FEE_CHANGED" | "OFFER_USED" | "INPUT_INVALID" | "TEST_MODE_REQUIRED" | "UPDATE_CHECK_FAILED" | "UPDATE_SIGNATURE_INVALID" | "UPDATE_NOT_AVAILABLE" | "UPDATE_INSTALL_FAILED" | "KEYCHAIN_UNAVAILABLE" | "KEYCHAIN_LOCKED" | "DATABASE_KEY_MISSING" | "DATABASE_KEY_MISMATCH" | "DATABASE_TOO_NEW" | "DATABASE_DAMAGED" | "STORAGE_ERROR" | "INTERNAL_ERROR";

export type Field = "phone" | "display_name" | "real_name" | "id_number" | "password" | "password_confirm" | "pay_password" | "pay_password_confirm" | "autolock_minutes" | "current_password" | "current_pay_password";

export type Category = "card_info" | "network" | "bank_system" | "bank_restriction" | "wallet_fault" | "security" | "expired" | "card_type" | "inactive" | "card_status" | "wallet_rules";

export type RetryHelps = "yes" | "after_fix" | "after_bank" | "after_update" | "later" | "no";

export type Remedy = "fix_data" | "check_account" | "check_network" | "wait_and_retry" | "call_bank" | "activate_card" | "update_app" | "complete_verification" | "use_another_card" | "manage_cards" | "wait_until" | "accept" | "bind_new_card";

export type AppError = { code: ErrorCode, 
/**
 * English, for developers and logs. Never contains a secret.
 */
message: string, field?: Field, 
/**
 * For LOGIN_LOCKED, BIND_COOLDOWN, OTP_RESEND_TOO_SOON: when it ends, in Unix milliseconds.
 */
until?: number, 
/**
 * The bank's ISO 8583-style response code, when the bank gave one ("78", "91").
 */
bankCode?: string, 
/**
 * For a wrong password or code: how many tries are left before the lock.
 */
triesLeft?: number, 
/**
 * A word that says which case of the code applies (ACCOUNT_NOT_EMPTY: `balance` or
 * `pending`). Never a value the person typed.
 */
detail?: string, 
/**
 * The last 4 digits of the card a case names (CARD_REPLACED: the new card's).
 */
last4?: string, 
/**
 * A sum the message names, in fen (LIMIT_EXCEEDED for a class II account: the bank's
 * daily limit).
 */
limitFen?: number, 
/**
 * The catalogue's verdict (binding and card failures): sent with the error, from
 * [`ErrorCode::verdict`], so the UI cannot drift from the catalogue.
 */
category?: Category, retry?: RetryHelps, remedy?: Remedy, 
/**
 * Present (true) when sending the same request again may succeed ([`ErrorCode::transient`]):
 * the UI offers 重试 in place of its submit button.
 */
transient?: boolean, 
/**
 * Present (true) when another way to pay may succeed ([`ErrorCode::another_way_helps`]):
 * the confirmation offers the other ways at once.
 */
anotherWay?: boolean, 
/**
 * Present (true) when the error is about the code just typed or asked for
 * ([`ErrorCode::about_the_code`]): the code step stays, with the error under its boxes.
 */
codeStep?: boolean, };

export type Language = "zh-CN" | "en";

export type Theme = "light" | "dark";

export type Settings = { language: Language, theme: Theme, 
/**
 * Minutes of inactivity before the session locks (1–60).
 */
autolockMinutes: number, 
/**
 * 长辈模式: larger type and targets, a simpler home.
 */
elderMode: boolean, 
/**
 * OS notifications name the amount and the other side (off: only what happened).
 */
notifyDetails: boolean, 
/**
 * Closing the window keeps the wallet in the tray (off: closing quits).
 */
closeToTray: boolean, };

export type SessionView = { displayName: string, locked: boolean, 
/**
 * 隐藏金额: this account shows every amount masked.
 */
hideAmounts: boolean, };

export type AppStatus = { session: SessionView | null, settings: Settings, };

export type RegisterDetails = { phone: string, displayName: string, realName: string, idNumber: string, password: string, passwordConfirm: string, 
/**
 * The user agreement and privacy policy were accepted (an unticked box on the form).
 * Absent counts as not accepted.
 */
agree: boolean, };

export type RegisterInput = { details: RegisterDetails, payPassword: string, payPasswordConfirm: string, };

export type LoginInput = { phone: string, password: string, };

export type UnlockInput = { password: string, };

export type Profile = { displayName: string, 
/**
 * `*三`: the real name with all but its last character hidden.
 */
realNameMasked: string, 
/**
 * `138****8000`.
 */
phoneMasked: string, 
/**
 * The whole number, for the person's own forms (the reserved phone is prefilled with it).
 */
phone: string, registeredAt: number, 
/**
 * The successful sign-in before the current one, if any.
 */
previousLoginAt: number | null, };

export type BankId = "PSBC" | "ICBC" | "ABC" | "BOC" | "CCB" | "COMM" | "CMB" | "CMBC" | "CEB" | "CITIC" | "HXBANK" | "SPABANK" | "CIB" | "SHBANK" | "SPDB" | "GDB" | "BOHAIB" | "GCB" | "JHBANK" | "WZCB" | "HSBANK" | "JSBANK" | "NJCB" | "NBBANK" | "BJBANK" | "BJRCB" | "HSBC" | "SCB" | "CITI" | "HKBEA" | "GHB" | "SRCB" | "GZRCU" | "DRCBCL" | "BOD" | "GDRCC" | "DSB" | "WHB" | "DBS" | "EGBANK" | "TCCB" | "BDCBANK" | "CZBANK" | "NCB" | "XMBANK" | "FJHXBC" | "JLBANK" | "HKB" | "SJBANK" | "DLB" | "BHB" | "URMQCCB" | "SXCB" | "CDCB" | "FSCB" | "ZZBANK" | "NXBANK" | "CQBANK" | "HRBANK" | "LZYH" | "QDCCB" | "QHDCCB" | "BOQH" | "TZCB" | "CSCB" | "BOQZ" | "BSB" | "DAQINGB" | "SHRCB" | "ZJQL" | "H3CB" | "BGB" | "GLBANK" | "CDRCB" | "FJNX" | "TRCB" | "JSRCU" | "SLH" | "JXNCX" | "SCBBANK" | "HRXJB" | "HSBK" | "CQNCSYCZ" | "HNRCC" | "XTB" | "LPRDNCXYS" | "DYCCB" | "SRBANK" | "DZBANK" | "CDB" | "YNRCC" | "LZCCB" | "WHSYBANK" | "HZBANK" | "BANKWF" | "GZB" | "RZGWYBANK" | "GYCB" | "BOJZ" | "QSBANK" | "RBOZ" | "HLDCCB" | "HBC" | "HZCB" | "LYCB" | "LYB" | "JZCBANK" | "ZJCCB" | "FGXYBANK" | "DYBANK" | "DIYEBANK" | "HQBANK" | "HSB" | "LSB" | "YTCB" | "QLB" | "BCCC" | "CYB" | "TFB" | "AEON" | "MABDA" | "ZJTLCB";

export type CardKind = "debit" | "credit" | "quasi_credit" | "prepaid";

export type CardRecognition = { bank: BankId, kind: CardKind, length: number, supported: boolean, 
/**
 * Why such a card can't be bound, before any bank call: BANK_NOT_SUPPORTED (another
 * bank) or CARD_TYPE_NOT_SUPPORTED (prepaid, American Express).
 */
refused: ErrorCode | null, };

export type BindStart = { number: string, 
/**
 * MM/YY, credit cards only.
 */
expiry: string | null, 
/**
 * CVV2, credit cards only.
 */
cvv: string | null, 
/**
 * The reserved phone (预留手机号).
 */
phone: string, nickname: string | null, 
/**
 * The quick-pay terms were accepted.
 */
agree: boolean, };

export type BindStage = "token" | "otp";

export type BindStep = { attemptId: string, stage: BindStage, 
/**
 * `138****8000`: where the SMS went.
 */
phoneMasked: string, otpExpiresAt: number | null, resendAt: number | null, 
/**
 * The wallet's clock when this step was issued: countdowns run from it, so they stay right
 * when the mock clock has been moved.
 */
issuedAt: number, };

export type BindCode = { attemptId: string, code: string, };

export type AttemptRef = { attemptId: string, };

export type RetryNotice = { attempt: number, max: number, };

export type AppCard = { id: string, last4: string, kind: string, 
/**
 * Whether it can be bound to a wallet now; if not, why: `not_activated`,
 * `epay_disabled`, `non_counter`, `lost`, `frozen`, `replaced`, `prepaid`, `expired` (the app words
 * each: 未激活, 未开通电子支付, 未开通无卡支付, 已挂失 …).
 */
bindable: boolean, whyNot: string | null, };

export type BankAppSignIn = { session: string, code: string, };

export type BankAppAuthorize = { session: string, cards: Array<string>, state: string, };

export type BankAppEnable = { session: string, cardId: string, };

export type PayeeCheck = "match" | "close" | "none" | "unavailable";

export type PayeeCheckView = { outcome: PayeeCheck, nameMasked: string | null, };

export type RiskRule = "first_time_payee" | "payee_unchecked" | "purpose_required" | "scam_investment" | "scam_impersonation" | "step_up";

export type Purpose = "family" | "shopping" | "investment" | "impersonation";

export type StepUpSent = { expiresAt: number, };

export type RecentPayee = { 
/**
 * `u<account>` for a wallet user, `c<fingerprint>` for a card: what removing names.
 */
key: string, kind: PaymentKind, counterparty: Counterparty, 
/**
 * A wallet user's phone, as the payer typed it before (fills the form), else None; a
 * card's number is never kept — the payer types it again (the list names its last 4).
 */
phone: string | null, lastPaidAt: number, };

export type RecentPayeeRef = { key: string, };

export type Statement = { 
/**
 * What the card owes now (本期应还).
 */
owedFen: number, 
/**
 * 最低还款额: a tenth of it, rounded up to the fen.
 */
minimumFen: number, 
/**
 * 到期还款日, `YYYY-MM-DD` (Shanghai).
 */
dueDate: string, };

export type RepayReminder = { cardId: number, bank: BankId, last4: string, statement: Statement, };

export type BillKind = "electricity" | "water" | "gas" | "mobile";

export type BillAccount = { kind: BillKind, 
/**
 * The 户号 (or the phone), as the biller knows it.
 */
account: string, 
/**
 * The biller's name (国网北京市电力公司), or the carrier's (中国移动).
 */
biller: string, 
/**
 * The account holder's name, masked (`*三`); none for a phone.
 */
holderMasked: string | null, 
/**
 * What is due now (0: nothing; a payment is then a prepayment).
 */
dueFen: number, 
/**
 * The amounts a payment may be (a phone's face values); empty: any amount from the least.
 */
faces: number[], 
/**
 * The least a payment may be.
 */
minFen: number, };

export type BillPaid = { kind: BillKind, 
/**
 * The 户号 or phone, masked (`100****001`, `138****8000`).
 */
accountMasked: string, biller: string, holderMasked: string | null, 
/**
 * The biller's reference, once it credited the payment.
 */
reference: string | null, };

export type BillQuery = { kind: BillKind, account: string, };

export type SavedBill = { id: number, kind: BillKind, account: string, nickname: string, };

export type SavedBillInput = { kind: BillKind, account: string, nickname: string, };

export type SavedBillRef = { id: number, };

export type Merchant = { number: string, 
/**
 * The verified name (已认证商户).
 */
name: string, 
/**
 * What it sells (便利店, 网上商城 …).
 */
category: string, verified: boolean, };

export type OrderStatus = "open" | "paid" | "closed" | "refunded" | "partially_refunded";

export type Order = { id: string, merchant: Merchant, title: string, amountFen: number, expiresAt: number, status: OrderStatus, };

export type OfferView = { id: string, title: string, discountFen: number, };

export type CheckoutMethod = { 
/**
 * `balance`, or the card's id.
 */
id: string, cardId: number | null, available: boolean, reason: ErrorCode | null, offer: OfferView | null, totalFen: number, };

export type Checkout = { 
/**
 * The link as parsed (send it back with the payment).
 */
link: string, order: Order, methods: Array<CheckoutMethod>, };

export type OrderPaid = { orderId: string, title: string, orderAmountFen: number, offer: string | null, discountFen: number, points: number, refundedFen: number, };

export type Points = { points: number, };

export type MockMerchant = { id: string, name: string, number: string, blocked: boolean, };

export type MockOrder = { id: string, merchantId: string, merchantName: string, title: string, amountFen: number, createdAt: number, expiresAt: number, status: OrderStatus, 
/**
 * The link the merchant hands to the wallet.
 */
link: string, 
/**
 * The wallet's payment reference once paid (the acquirer's record of it).
 */
paymentRef: string | null, paidFen: number | null, refundedFen: number, };

export type OrderCreate = { merchantId: string, title: string, 
/**
 * Yuan as typed (`25.00`).
 */
amount: string, };

export type OrderRefund = { orderId: string, 
/**
 * Yuan as typed.
 */
amount: string, };

export type ReceiptFields = { 
/**
 * 回单编号: `TB` + the day (Shanghai) + the payment's number.
 */
reference: string, kind: PaymentKind, direction: Direction, 
/**
 * 付款方: the payer's real name (the person themself), or the sender's masked name.
 */
payer: string, 
/**
 * 收款方: masked (`*五 中国工商银行 尾号0231`), or the person themself.
 */
payee: string, amountFen: number, 
/**
 * The way paid: `余额` or the card's bank and last 4 digits.
 */
way: string, status: PaymentStatus, note: string | null, 
/**
 * When the payment was made (ms, shown as Shanghai time).
 */
at: number, 
/**
 * When this receipt was issued.
 */
issuedAt: number, };

export type ReceiptProblem = "not_a_receipt" | "altered";

export type ReceiptCheck = { ok: boolean, problem: ReceiptProblem | null, 
/**
 * What the genuine receipt says (None unless `ok`).
 */
receipt: ReceiptFields | null, 
/**
 * Its verification code as printed (None unless `ok`).
 */
code: string | null, };

export type BankAppRequest = { state: string, bank: BankId, 
/**
 * `icbc-mock://authorize?client=tongbao&state=…&redirect=tongbao://bind/callback`
 */
url: string, };

export type BankAppCallback = { url: string, };

export type BankAppBound = { cards: Array<CardView>, 
/**
 * Last 4 of the cards already in the wallet (not bound twice).
 */
alreadyBound: Array<string>, 
/**
 * Last 4 of the cards over the 10-card limit (not bound).
 */
overLimit: Array<string>, };

export type CardStatusView = "active" | "expired" | "frozen" | "pending";

export type AccountClass = "I" | "II";

export type CardView = { id: number, bank: BankId, kind: CardKind, bin: string, last4: string, 
/**
 * MM/YY, credit cards only.
 */
expiry: string | null, nickname: string, status: CardStatusView, isDefault: boolean, boundAt: number, 
/**
 * The reserved phone, masked (`138****8000`).
 */
phoneMasked: string | null, 
/**
 * A credit card whose expiry month ends within 30 days: remind the person.
 */
expiresSoon: boolean, 
/**
 * The account class the bank reported at binding (Ⅱ类户 has small bank limits).
 */
accountClass: AccountClass, 
/**
 * The bank's own quick-pay limits for this card, in fen, where the bank gave them.
 */
bankSingleLimitFen: number | null, bankDailyLimitFen: number | null, };

export type MockCard = { id: string, last4: string, holder: string, reservedPhone: string, activated: boolean, epayEnabled: boolean, frozen: boolean, lost: boolean, 
/**
 * The bank's system fails for this card (96) until service is restored.
 */
systemError: boolean, 
/**
 * The bank still holds the holder's old 15-digit ID for this card.
 */
idOutdated: boolean, 
/**
 * A payroll card (代发工资卡).
 */
payroll: boolean, 
/**
 * Quick-pay agreements with other payment institutions (the bank allows 5).
 */
otherAgreements: bigint, 
/**
 * Card-not-present payments (无卡支付) enabled.
 */
nonCounterEnabled: boolean, };

export type BankAction = { "action": "activate", cardId: string, } | { "action": "enableEpay", cardId: string, } | { "action": "unfreeze", cardId: string, } | { "action": "changePhone", cardId: string, phone: string, } | { "action": "reportLost", cardId: string, } | { "action": "restoreService", cardId: string, } | { "action": "updateId", cardId: string, } | { "action": "releaseAgreement", cardId: string, } | { "action": "enableNonCounter", cardId: string, };

export type MockSms = { phone: string, text: string, at: number, };

export type MockToken = { cardId: string, last4: string, code: string, };

export type MockControls = { latencyMs: number, offline: boolean, timeoutRate: number, busyRate: number, systemErrorRate: number, dropRate: number, };

export type MockPanel = { 
/**
 * The mock clock's time (Unix ms): the wallet and the bank both read it.
 */
now: number, 
/**
 * The bank's cards and their state, for the counter actions.
 */
cards: Array<MockCard>, sms: Array<MockSms>, tokens: Array<MockToken>, controls: MockControls, 
/**
 * The app started in test mode (`TONGBAO_TEST_MODE=1`): the clock, latency, faults and
 * offline switch can be changed, and every person's SMS and cards are shown.
 */
testMode: boolean, 
/**
 * The merchant panel (test mode): the acquirer's merchants and the newest orders.
 */
merchants: Array<MockMerchant>, orders: Array<MockOrder>, };

export type AuditEvent = "bound" | "bind_failed" | "renamed" | "default_set" | "default_moved" | "phone_changed" | "expiry_updated" | "update_failed" | "status_changed" | "unbound" | "unbind_failed";

export type AuditEntry = { id: number, cardId: number | null, last4: string, event: AuditEvent, code: ErrorCode | null, detail: string | null, at: number, };

export type CardDetail = { card: CardView, audit: Array<AuditEntry>, };

export type CardRef = { cardId: number, };

export type CardRename = { cardId: number, nickname: string, };

export type CardUpdate = { cardId: number, 
/**
 * A new reserved phone (changed at the bank first).
 */
phone: string | null, 
/**
 * The renewed card's expiry, MM/YY (credit cards; with the CVV).
 */
expiry: string | null, cvv: string | null, };

export type CardUnbind = { cardId: number, payPassword: string, };

export type CardStatus = "active" | "not_activated" | "epay_disabled" | "frozen" | "lost" | "expired" | "renewed" | "replaced" | "unknown";

export type CheckId = "bank" | "app_version" | "card_status" | "keychain" | "database" | "clock";

export type CheckResult = { check: CheckId, ok: boolean, status: CheckStatus, 
/**
 * Time the check took.
 */
ms: number, code: ErrorCode | null, 
/**
 * CardStatus: what the bank said about the card.
 */
cardStatus: CardStatus | null, 
/**
 * AppVersion: this app's version and the oldest the bank accepts.
 */
version: string | null, minVersion: string | null, 
/**
 * Clock: the wallet's clock minus the bank's.
 */
skewMs: number | null, 
/**
 * CardStatus during the card's bank's maintenance: when the window ends.
 */
until: number | null, };

export type AppEvent = "session_locked" | "mock_changed" | "storage_damaged" | "payments_settled" | "deep_link" | "notices" | "update_checked";

export type UpdateInfo = { version: string, notes: string | null, 
/**
 * The publish date as the manifest gives it (RFC 3339), if any.
 */
date: string | null, };

export type UpdateStatus = { currentVersion: string, 
/**
 * A newer version, when the last check found one.
 */
available: UpdateInfo | null, 
/**
 * When the last check ended (Unix ms), if one has.
 */
checkedAt: number | null, };

export type UpdateStage = "installed" | "not_packaged" | "dry_run";

export type UpdateOutcome = { version: string, 
/**
 * The size of the package downloaded and verified.
 */
bytes: number, stage: UpdateStage, };

export type CheckStatus = "ok" | "failed" | "not_run";

export type LastFailure = { event: AuditEvent, code: ErrorCode, 
/**
 * The bank's own code (e.g. "14"), when it gave one.
 */
bankCode: string | null, 
/**
 * The case of the code, as on the error (`id_outdated`, `maintenance` …).
 */
detail: string | null, 
/**
 * When a wait ends (the bank's maintenance window, a cooldown).
 */
until: number | null, 
/**
 * The card the failure names (CARD_REPLACED: the new card's last 4).
 */
newLast4: string | null, 
/**
 * The card's bank: its remedy names it and its service number.
 */
bank: BankId | null, last4: string, cardId: number | null, at: number, 
/**
 * Rust's verdict on the code (as on every error).
 */
category: Category | null, retry: RetryHelps | null, remedy: Remedy | null, };

export type Diagnostics = { at: number, checks: Array<CheckResult>, };

export type DiagnoseInput = { 
/**
 * A card number to ask the bank about (optional; never stored).
 */
cardNumber: string | null, };

export type CacheCleared = { 
/**
 * Unfinished binding attempts ended.
 */
attempts: number, 
/**
 * Unfinished changes of bound cards ended.
 */
updates: number, 
/**
 * Cached card statuses dropped (asked of the bank again next time).
 */
statuses: number, };

export type ExportedReport = { textPath: string, jsonPath: string, };

export type PaymentKind = "topup" | "withdraw" | "to_user" | "to_card" | "merchant" | "refund" | "bill" | "repay";

export type Arrival = "instant" | "two_hours" | "next_day";

export type PaymentStatus = "pending" | "succeeded" | "failed" | "returned" | "revoked" | "refunded" | "partially_refunded";

export type Direction = "in" | "out";

export type PaymentInput = { kind: PaymentKind, amount: string, 
/**
 * Top-up source, withdrawal destination, or the card paying a transfer (None: balance).
 */
cardId: number | null, payeePhone: string | null, payeeCard: string | null, payeeName: string | null, arrival: Arrival | null, 
/**
 * The payer confirmed the payee's bank's masked name after a close match (确认是此人).
 */
confirmPayeeName?: boolean, 
/**
 * Why the money is sent (asked for ¥5,000 or more to a payee never paid before).
 */
purpose?: Purpose, 
/**
 * The step-up SMS code (within 24 hours after a password change or recovery).
 */
stepUpCode?: string, 
/**
 * A transfer's note (备注): at most 20 characters, shown to both sides.
 */
note?: string, 
/**
 * A merchant payment's link (`tongbao://pay?…`): the order's amount comes from the
 * acquirer, never from `amount`.
 */
order?: string, 
/**
 * A bill: what is paid and its 户号 (or the phone of a top-up).
 */
billKind?: BillKind, billAccount?: string, 
/**
 * A repayment of one of the person's own bound credit cards (else `payee_card` and
 * `payee_name` name anyone's).
 */
repayCardId?: number | null, };

export type PaymentRequest = { idemKey: string, input: PaymentInput, payPassword: string, };

export type PaymentQuote = { amountFen: number, feeFen: number, 
/**
 * What is left of today's outgoing limit after this payment (None for a top-up).
 */
dailyRemainingFen: number | null, payee: Counterparty | null, arrivesAt: number | null, balanceFen: number, 
/**
 * The payee's bank's answer on the name (transfers to a card).
 */
payeeCheck: PayeeCheckView | null, 
/**
 * The risk rules that apply, each worded by the UI (none for a payee paid before).
 */
risks: Array<RiskRule>, 
/**
 * The arrivals this payment may choose (only delayed ones when the name is unchecked).
 */
arrivals: Array<Arrival>, };

export type Counterparty = { "kind": "person", nameMasked: string, } | { "kind": "card", bank: BankId, last4: string, nameMasked: string | null, } | { "kind": "merchant", name: string, number: string, } | { "kind": "biller", name: string, };

export type PayeeView = { nameMasked: string, };

export type PaymentView = { id: number, kind: PaymentKind, direction: Direction, amountFen: number, status: PaymentStatus, arrival: Arrival, postsAt: number | null, counterparty: Counterparty | null, cardLast4: string | null, cardId: number | null, failure: ErrorCode | null, revocable: boolean, createdAt: number, 
/**
 * What the payee's bank said of the name when the payment was made.
 */
payeeCheck: PayeeCheck | null, 
/**
 * The transfer's note (备注), for both sides.
 */
note: string | null, 
/**
 * A merchant payment: the order's title and amount, the offer's discount and the points
 * it earned; how much of it came back in refunds.
 */
order: OrderPaid | null, 
/**
 * A refund: the merchant payment it gives money back for.
 */
refundOf: number | null, 
/**
 * A bill payment's receipt (缴费凭证).
 */
bill: BillPaid | null, 
/**
 * The wallet's fee within the amount (a repayment beyond the month's free quota).
 */
feeFen: number, };

export type PaymentEvent = { status: PaymentStatus, code: ErrorCode | null, at: number, };

export type PaymentDetail = { payment: PaymentView, timeline: Array<PaymentEvent>, };

export type PaymentRef = { paymentId: number, };

export type BalanceView = { balanceFen: number, };

export type HistoryCursor = { at: number, id: number, };

export type HistoryQuery = { 
/**
 * `YYYY-MM-DD` (Shanghai), inclusive.
 */
from: string | null, to: string | null, kind: PaymentKind | null, cardId: number | null, status: PaymentStatus | null, 
/**
 * The page number: skipped rows (OFFSET) when `before` is absent, for display otherwise.
 */
page: number, pageSize: number, 
/**
 * Keyset paging: the page after this payment (the previous page's `next`). Flat at any
 * depth, unlike `page` alone.
 */
before?: HistoryCursor, 
/**
 * Words to find in the notes (备注).
 */
text?: string, };

export type HistoryPage = { items: Array<PaymentView>, page: number, pageSize: number, 
/**
 * Another page follows (no total is counted: at a million payments that costs more than
 * the page).
 */
hasMore: boolean, 
/**
 * The cursor of the next page (send it as `before`), when there is one.
 */
next: HistoryCursor | null, };

export type MonthlyFlow = { 
/**
 * `YYYY-MM`.
 */
month: string, inFen: number, outFen: number, };

export type ChangePassword = { current: string, new: string, confirm: string, };

export type RecoverStart = { phone: string, };

export type RecoveryRef = { recoveryId: string, };

export type RecoveryCode = { recoveryId: string, code: string, };

export type RecoveryIdentity = { recoveryId: string, realName: string | null, idNumber: string, };

export type RecoveryCard = { recoveryId: string, cardNumber: string, };

export type RecoveryFinish = { recoveryId: string, new: string, confirm: string, };

export type RecoveryStage = "otp" | "identity" | "card" | "card_otp" | "new_password" | "done";

export type RecoveryStep = { recoveryId: string, stage: RecoveryStage, 
/**
 * Where the latest SMS code went, masked (`138****8000`).
 */
phoneMasked: string, codeExpiresAt: number | null, resendAt: number | null, issuedAt: number, };

export type LoginRecord = { id: number, at: number, ok: boolean, 
/**
 * `success`, `failed` or `locked`.
 */
outcome: string, };

export type SecurityEvent = "password_changed" | "pay_password_changed" | "password_recovered" | "pay_password_recovered" | "account_closed";

export type SecurityRecord = { id: number, event: SecurityEvent, at: number, };

export type SecurityOverview = { logins: Array<LoginRecord>, events: Array<SecurityRecord>, 
/**
 * The account phone, masked: where recovery codes go.
 */
phoneMasked: string, hasCards: boolean, };

export type NoticeKind = "received" | "transfer_posted" | "transfer_returned" | "refund" | "repay_due" | "bill_due" | "card_expiring" | "recovered_sign_in";

export type NoticeRef = { id: number, };

export type NoticeView = { id: number, kind: NoticeKind, at: number, read: boolean, paymentId: number | null, amountFen: number | null, 
/**
 * The other side, masked (a payer's or payee's name, a merchant's).
 */
counterpart: string | null, cardId: number | null, bank: BankId | null, last4: string | null, 
/**
 * A repayment's due date or a card's expiry, as the UI shows it (YYYY-MM-DD / MM/YY).
 */
date: string | null, 
/**
 * A bill due: the saved account (opens 生活缴费 on it), if it is still saved.
 */
billId: number | null, };

export type Notices = { items: Array<NoticeView>, unread: number, };

export type TrayItem = "open" | "lock" | "quit";

export type FirstScreen = { language: Language, theme: Theme, elderMode: boolean, };

export type SentNotification = { title: string, body: string, 
/**
 * How many notices it stands for (several at once are one notification).
 */
count: number, };

export type CloseAccount = { password: string, };

export type ResetInput = { confirm: string, };

/** Every command: its `args` (null when it takes none) and its result. */
export interface Commands {
  app_status: { args: null; result: AppStatus };
  check_registration: { args: RegisterDetails; result: null };
  register: { args: RegisterInput; result: SessionView };
  login: { args: LoginInput; result: SessionView };
  unlock: { args: UnlockInput; result: SessionView };
  lock: { args: null; result: null };
  logout: { args: null; result: null };
  touch: { args: null; result: null };
  profile: { args: null; result: Profile };
  update_settings: { args: Settings; result: Settings };
  recognise_card: { args: string; result: CardRecognition | null };
  cards: { args: null; result: Array<CardView> };
  bind_start: { args: BindStart; result: BindStep };
  bind_token: { args: BindCode; result: BindStep };
  bind_resend: { args: AttemptRef; result: BindStep };
  bind_confirm: { args: BindCode; result: CardView };
  mock_panel: { args: null; result: MockPanel };
  mock_set_controls: { args: MockControls; result: MockPanel };
  mock_advance_clock: { args: number; result: MockPanel };
  mock_bank_action: { args: BankAction; result: MockPanel };
  mock_set_version_floor: { args: string; result: MockPanel };
  cards_refresh: { args: null; result: Array<CardView> };
  card_detail: { args: CardRef; result: CardDetail };
  account_audit: { args: null; result: Array<AuditEntry> };
  last_failure: { args: null; result: LastFailure | null };
  bank_app_start: { args: null; result: BankAppRequest };
  bank_app_callback: { args: BankAppCallback; result: BankAppBound };
  bank_app_open: { args: string; result: null };
  bank_app_settings: { args: null; result: null };
  deep_link_take: { args: null; result: string | null };
  first_screen: { args: null; result: FirstScreen };
  bankapp_send_code: { args: string; result: string };
  bankapp_sign_in: { args: BankAppSignIn; result: null };
  bankapp_cards: { args: string; result: Array<AppCard> };
  bankapp_authorize: { args: BankAppAuthorize; result: string };
  bankapp_return: { args: string; result: null };
  bankapp_enable: { args: BankAppEnable; result: null };
  card_rename: { args: CardRename; result: CardView };
  card_set_default: { args: CardRef; result: Array<CardView> };
  card_update_start: { args: CardUpdate; result: BindStep };
  card_update_resend: { args: AttemptRef; result: BindStep };
  card_update_confirm: { args: BindCode; result: CardView };
  card_unbind: { args: CardUnbind; result: Array<CardView> };
  run_diagnostics: { args: DiagnoseInput; result: Diagnostics };
  clear_cache: { args: null; result: CacheCleared };
  export_report: { args: null; result: ExportedReport | null };
  balance: { args: null; result: BalanceView };
  find_payee: { args: string; result: PayeeView };
  quote_payment: { args: PaymentInput; result: PaymentQuote };
  pay_step_up_send: { args: null; result: StepUpSent };
  recent_payees: { args: null; result: Array<RecentPayee> };
  recent_payee_remove: { args: RecentPayeeRef; result: Array<RecentPayee> };
  checkout_open: { args: string; result: Checkout };
  checkout_qr: { args: string; result: Checkout };
  points: { args: null; result: Points };
  repay_statement: { args: CardRef; result: Statement };
  repay_reminders: { args: null; result: Array<RepayReminder> };
  bill_query: { args: BillQuery; result: BillAccount };
  bill_saved: { args: null; result: Array<SavedBill> };
  bill_save: { args: SavedBillInput; result: Array<SavedBill> };
  bill_saved_remove: { args: SavedBillRef; result: Array<SavedBill> };
  mock_order_create: { args: OrderCreate; result: MockOrder };
  mock_order_close: { args: string; result: MockOrder };
  mock_order_refund: { args: OrderRefund; result: MockOrder };
  mock_order_qr: { args: string; result: string | null };
  pay: { args: PaymentRequest; result: PaymentView };
  revoke_payment: { args: PaymentRef; result: PaymentView };
  history: { args: HistoryQuery; result: HistoryPage };
  payment_detail: { args: PaymentRef; result: PaymentDetail };
  monthly_flows: { args: number; result: Array<MonthlyFlow> };
  export_history: { args: HistoryQuery; result: string | null };
  export_receipt: { args: PaymentRef; result: string | null };
  verify_receipt: { args: string; result: ReceiptCheck };
  change_password: { args: ChangePassword; result: null };
  change_pay_password: { args: ChangePassword; result: null };
  recover_start: { args: RecoverStart; result: RecoveryStep };
  recover_resend: { args: RecoveryRef; result: RecoveryStep };
  recover_code: { args: RecoveryCode; result: RecoveryStep };
  recover_identity: { args: RecoveryIdentity; result: RecoveryStep };
  recover_finish: { args: RecoveryFinish; result: null };
  pay_recover_start: { args: null; result: RecoveryStep };
  pay_recover_resend: { args: RecoveryRef; result: RecoveryStep };
  pay_recover_code: { args: RecoveryCode; result: RecoveryStep };
  pay_recover_card: { args: RecoveryCard; result: RecoveryStep };
  pay_recover_card_code: { args: RecoveryCode; result: RecoveryStep };
  pay_recover_card_resend: { args: RecoveryRef; result: RecoveryStep };
  pay_recover_identity: { args: RecoveryIdentity; result: RecoveryStep };
  pay_recover_finish: { args: RecoveryFinish; result: null };
  security_overview: { args: null; result: SecurityOverview };
  notices: { args: null; result: Notices };
  notices_unread: { args: null; result: number };
  notice_read: { args: NoticeRef; result: Notices };
  notices_read_all: { args: null; result: Notices };
  set_hide_amounts: { args: boolean; result: null };
  tray_action: { args: TrayItem; result: null };
  notifications_sent: { args: null; result: Array<SentNotification> };
  close_account: { args: CloseAccount; result: null };
  reset_installation: { args: ResetInput; result: null };
  update_status: { args: null; result: UpdateStatus };
  update_check: { args: null; result: UpdateStatus };
  update_install: { args: null; result: UpdateOutcome };
  update_restart: { args: null; result: null };
  watch_events: { args: null; result: null };
}

export const COMMAND_NAMES = [
  "app_status",
  "check_registration",
  "register",
  "login",
  "unlock",
  "lock",
  "logout",
  "touch",
  "profile",
  "update_settings",
  "recognise_card",
  "cards",
  "bind_start",
  "bind_token",
  "bind_resend",
  "bind_confirm",
  "mock_panel",
  "mock_set_controls",
  "mock_advance_clock",
  "mock_bank_action",
  "mock_set_version_floor",
  "cards_refresh",
  "card_detail",
  "account_audit",
  "last_failure",
  "bank_app_start",
  "bank_app_callback",
  "bank_app_open",
  "bank_app_settings",
  "deep_link_take",
  "first_screen",
  "bankapp_send_code",
  "bankapp_sign_in",
  "bankapp_cards",
  "bankapp_authorize",
  "bankapp_return",
  "bankapp_enable",
  "card_rename",
  "card_set_default",
  "card_update_start",
  "card_update_resend",
  "card_update_confirm",
  "card_unbind",
  "run_diagnostics",
  "clear_cache",
  "export_report",
  "balance",
  "find_payee",
  "quote_payment",
  "pay_step_up_send",
  "recent_payees",
  "recent_payee_remove",
  "checkout_open",
  "checkout_qr",
  "points",
  "repay_statement",
  "repay_reminders",
  "bill_query",
  "bill_saved",
  "bill_save",
  "bill_saved_remove",
  "mock_order_create",
  "mock_order_close",
  "mock_order_refund",
  "mock_order_qr",
  "pay",
  "revoke_payment",
  "history",
  "payment_detail",
  "monthly_flows",
  "export_history",
  "export_receipt",
  "verify_receipt",
  "change_password",
  "change_pay_password",
  "recover_start",
  "recover_resend",
  "recover_code",
  "recover_identity",
  "recover_finish",
  "pay_recover_start",
  "pay_recover_resend",
  "pay_recover_code",
  "pay_recover_card",
  "pay_recover_card_code",
  "pay_recover_card_resend",
  "pay_recover_identity",
  "pay_recover_finish",
  "security_overview",
  "notices",
  "notices_unread",
  "notice_read",
  "notices_read_all",
  "set_hide_amounts",
  "tray_action",
  "notifications_sent",
  "close_account",
  "reset_installation",
  "update_status",
  "update_check",
  "update_install",
  "update_restart",
  "watch_events",
] as const;

/** Commands that take an `onRetry` channel of RetryNotice. */
export const PROGRESS_COMMANDS = [
  "bind_start",
  "bind_token",
  "bind_resend",
  "bind_confirm",
  "bank_app_callback",
  "card_update_start",
  "card_update_resend",
  "card_update_confirm",
  "card_unbind",
  "pay",
  "pay_recover_card",
  "pay_recover_card_code",
  "pay_recover_card_resend",
  "close_account",
] as const;

/** Commands that take an `onCheck` channel of CheckResult. */
export const CHECK_COMMANDS = [
  "run_diagnostics",
] as const;

/** The mock bank app window's commands (only that window may call them). */
export const BANK_APP_COMMANDS = [
  "bankapp_send_code",
  "bankapp_sign_in",
  "bankapp_cards",
  "bankapp_authorize",
  "bankapp_return",
  "bankapp_enable",
] as const;

/** Commands that take an `onEvent` channel of AppEvent. */
export const EVENT_COMMANDS = [
  "watch_events",
] as const;

export const ERROR_CODES: readonly ErrorCode[] = [
  "PHONE_INVALID",
  "PHONE_TAKEN",
  "NAME_INVALID",
  "ID_NUMBER_INVALID",
  "AGE_TOO_YOUNG",
  "PASSWORD_WEAK",
  "PASSWORD_MISMATCH",
  "PAY_PASSWORD_WEAK",
  "LOGIN_FAILED",
  "LOGIN_LOCKED",
  "SESSION_LOCKED",
  "PASSWORD_SAME_AS_OLD",
  "IDENTITY_MISMATCH",
  "RECOVERY_LOCKED",
  "ACCOUNT_NOT_EMPTY",
  "NOT_LOGGED_IN",
  "SETTING_INVALID",
  "CARD_NUMBER_INVALID",
  "EXPIRY_MISMATCH",
  "CVV_MISMATCH",
  "PHONE_MISMATCH",
  "HOLDER_MISMATCH",
  "NETWORK_TIMEOUT",
  "NETWORK_OFFLINE",
  "BANK_UNAVAILABLE",
  "BANK_SYSTEM_ERROR",
  "EPAY_DISABLED",
  "CARD_RESTRICTED",
  "UPGRADE_REQUIRED",
  "TOKEN_REQUIRED",
  "TOKEN_INVALID",
  "OTP_INVALID",
  "OTP_EXPIRED",
  "OTP_LOCKED",
  "CARD_EXPIRED",
  "BANK_NOT_SUPPORTED",
  "CARD_TYPE_NOT_SUPPORTED",
  "CARD_NOT_ACTIVATED",
  "CARD_LOST",
  "CARD_REPLACED",
  "BANK_AGREEMENT_LIMIT",
  "BIND_CALLBACK_INVALID",
  "CARD_ALREADY_BOUND",
  "CARD_LIMIT_REACHED",
  "BIND_COOLDOWN",
  "CONSENT_REQUIRED",
  "OTP_RESEND_TOO_SOON",
  "CARD_NOT_FOUND",
  "CARD_EDIT_INVALID",
  "CLOCK_WRONG",
  "EXPORT_FAILED",
  "PAY_PASSWORD_WRONG",
  "PAY_PASSWORD_LOCKED",
  "INSUFFICIENT_FUNDS",
  "LIMIT_EXCEEDED",
  "FREQUENCY_EXCEEDED",
  "PAYEE_NOT_FOUND",
  "PAYEE_NAME_MISMATCH",
  "PAYEE_NAME_CLOSE_MATCH",
  "PAYEE_REPORTED",
  "PAYEE_CHECK_UNAVAILABLE",
  "PURPOSE_REQUIRED",
  "STEP_UP_REQUIRED",
  "NOTE_INVALID",
  "SELF_TRANSFER",
  "AMOUNT_INVALID",
  "PAYMENT_NOT_FOUND",
  "PAYMENT_NOT_REVOCABLE",
  "LINK_INVALID",
  "ORDER_NOT_FOUND",
  "ORDER_EXPIRED",
  "ORDER_ALREADY_PAID",
  "ORDER_CLOSED",
  "MERCHANT_BLOCKED",
  "REFUND_EXCEEDS_PAYMENT",
  "BILLER_UNAVAILABLE",
  "BILL_ACCOUNT_NOT_FOUND",
  "FEE_CHANGED",
  "OFFER_USED",
  "INPUT_INVALID",
  "TEST_MODE_REQUIRED",
  "UPDATE_CHECK_FAILED",
  "UPDATE_SIGNATURE_INVALID",
  "UPDATE_NOT_AVAILABLE",
  "UPDATE_INSTALL_FAILED",
  "KEYCHAIN_UNAVAILABLE",
  "KEYCHAIN_LOCKED",
  "DATABASE_KEY_MISSING",
  "DATABASE_KEY_MISMATCH",
  "DATABASE_TOO_NEW",
  "DATABASE_DAMAGED",
  "STORAGE_ERROR",
  "INTERNAL_ERROR",
];
