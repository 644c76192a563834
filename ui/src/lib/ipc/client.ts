// The one door to Rust: typed by the generated bindings, errors turned into AppErrorObject.
import { Channel, invoke } from "@tauri-apps/api/core";
import {
  ERROR_CODES,
  type AppError,
  type AppEvent,
  type CHECK_COMMANDS,
  type CheckResult,
  type Commands,
  type ErrorCode,
  type PROGRESS_COMMANDS,
  type RetryNotice,
} from "./bindings";

export type { AppError, ErrorCode } from "./bindings";

/** A failed command: carries the catalogue code, the field it is about and, for locks, until when. */
export class AppErrorObject extends Error {
  readonly code: ErrorCode;
  readonly field: AppError["field"];
  readonly until: number | undefined;
  readonly bankCode: string | undefined;
  readonly triesLeft: number | undefined;
  readonly detail: string | undefined;
  /** The card a case names (CARD_REPLACED: the new card's last 4). */
  readonly last4: string | undefined;
  /** A sum the message names (a class II account's daily limit), in fen. */
  readonly limitFen: number | undefined;
  /** The catalogue's verdict, decided in Rust (ErrorCode::verdict). */
  readonly category: AppError["category"];
  readonly retry: AppError["retry"];
  readonly remedy: AppError["remedy"];
  /** Rust's word on what can help (ErrorCode::transient, another_way_helps, about_the_code). */
  readonly transient: boolean;
  readonly anotherWay: boolean;
  readonly codeStep: boolean;
  constructor(e: AppError) {
    super(e.message);
    this.name = "AppError";
    this.code = e.code;
    this.field = e.field;
    this.until = e.until;
    this.bankCode = e.bankCode;
    this.triesLeft = e.triesLeft;
    this.detail = e.detail;
    this.last4 = e.last4;
    this.limitFen = e.limitFen;
    this.category = e.category;
    this.retry = e.retry;
    this.remedy = e.remedy;
    this.transient = e.transient === true;
    this.anotherWay = e.anotherWay === true;
    this.codeStep = e.codeStep === true;
  }
}

function isErrorCode(x: unknown): x is ErrorCode {
  return typeof x === "string" && (ERROR_CODES as readonly string[]).includes(x);
}

/** Turns whatever a command threw into an AppErrorObject (unknown shapes become INTERNAL_ERROR). */
export function toAppError(raw: unknown): AppErrorObject {
  if (raw instanceof AppErrorObject) return raw;
  if (raw && typeof raw === "object" && "code" in raw && isErrorCode((raw as AppError).code)) {
    const e = raw as AppError;
    return new AppErrorObject({
      code: e.code,
      message: typeof e.message === "string" ? e.message : "",
      field: e.field,
      until: typeof e.until === "number" ? e.until : undefined,
      bankCode: typeof e.bankCode === "string" ? e.bankCode : undefined,
      triesLeft: typeof e.triesLeft === "number" ? e.triesLeft : undefined,
      detail: typeof e.detail === "string" ? e.detail : undefined,
      last4: typeof e.last4 === "string" && /^\d{4}$/.test(e.last4) ? e.last4 : undefined,
      limitFen: typeof e.limitFen === "number" ? e.limitFen : undefined,
      category: e.category,
      retry: e.retry,
      remedy: e.remedy,
      transient: e.transient === true ? true : undefined,
      anotherWay: e.anotherWay === true ? true : undefined,
      codeStep: e.codeStep === true ? true : undefined,
    });
  }
  return new AppErrorObject({ code: "INTERNAL_ERROR", message: String(raw) });
}

type Cmd = keyof Commands;
type ArgsOf<K extends Cmd> = Commands[K]["args"];

/** Calls a command. Commands with arguments take them as `args`. */
export async function call<K extends Cmd>(
  cmd: K,
  ...rest: ArgsOf<K> extends null ? [] : [ArgsOf<K>]
): Promise<Commands[K]["result"]> {
  try {
    const payload = rest.length > 0 ? { args: rest[0] } : {};
    return await invoke<Commands[K]["result"]>(cmd, payload);
  } catch (raw) {
    throw toAppError(raw);
  }
}

/** Invokes a command that also streams messages through a Tauri channel named `channelName`. */
async function callWithChannel<K extends Cmd, M>(
  cmd: K,
  args: Commands[K]["args"],
  channelName: "onRetry" | "onCheck" | "onEvent",
  onMessage: (m: M) => void,
): Promise<Commands[K]["result"]> {
  const channel = new Channel<M>();
  channel.onmessage = onMessage;
  try {
    return await invoke<Commands[K]["result"]>(cmd, { args, [channelName]: channel });
  } catch (raw) {
    throw toAppError(raw);
  }
}

type ProgressCmd = (typeof PROGRESS_COMMANDS)[number];

/** Calls a bank command; `onRetry` hears each automatic retry ("正在重试 (1/2)"). */
export function callWithRetry<K extends ProgressCmd>(
  cmd: K,
  args: Commands[K]["args"],
  onRetry: (n: RetryNotice) => void,
): Promise<Commands[K]["result"]> {
  return callWithChannel(cmd, args, "onRetry", onRetry);
}

type CheckCmd = (typeof CHECK_COMMANDS)[number];

/** Calls a command that reports each check as it ends (the troubleshooting center). */
export function callWithChecks<K extends CheckCmd>(
  cmd: K,
  args: Commands[K]["args"],
  onCheck: (c: CheckResult) => void,
): Promise<Commands[K]["result"]> {
  return callWithChannel(cmd, args, "onCheck", onCheck);
}

/** Hands Rust the channel for what it tells the UI unasked (`AppEvent`): nothing polls. */
export function watchEvents(onEvent: (e: AppEvent) => void): Promise<null> {
  return callWithChannel("watch_events", null, "onEvent", onEvent);
}
