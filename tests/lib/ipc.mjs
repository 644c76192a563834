// Calls a Rust command straight through the IPC bridge, as a hostile or buggy caller would:
// answers {ok: value} or {err: the error object}.
export async function invoke(b, cmd, args) {
  return b.execute(
    async (c, a) => {
      try {
        return { ok: await window.__TAURI_INTERNALS__.invoke(c, a) };
      } catch (e) {
        return { err: e };
      }
    },
    cmd,
    args,
  );
}
