// A throw-away update server on 127.0.0.1 for the updater scripts: it serves a manifest
// (latest.json) and a package, signed with keys made for the run by `tauri signer` (never the
// release key). `hang` makes it take requests and never answer (a slow server).
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { ROOT } from "./harness.mjs";

const TAURI = path.join(ROOT, "ui/node_modules/.bin/tauri");

/** A fresh minisign key pair: { keyPath, pubkey }. */
export function makeKeys() {
  const dir = mkdtempSync(path.join(os.tmpdir(), "tongbao-updkey-"));
  const keyPath = path.join(dir, "update.key");
  execFileSync(TAURI, ["signer", "generate", "--ci", "-p", "", "-w", keyPath], { stdio: "ignore", env: { ...process.env, CI: "true" } });
  return { keyPath, pubkey: readFileSync(`${keyPath}.pub`, "utf8").trim() };
}

/** Signs `file` for `version` with the key; returns the signature text (the .sig file). */
export function sign(file, keys, version) {
  execFileSync(TAURI, ["signer", "sign", "-f", keys.keyPath, "-p", "", "--app-version", version, file], { stdio: "ignore", env: { ...process.env, CI: "true" } });
  return readFileSync(`${file}.sig`, "utf8").trim();
}

/** A package to offer: any bytes will do for a download that stops after verification. */
export function makePackage(version) {
  const dir = mkdtempSync(path.join(os.tmpdir(), "tongbao-updpkg-"));
  const file = path.join(dir, `tongbao-wallet_${version}_amd64.deb`);
  writeFileSync(file, Buffer.alloc(64 * 1024, `Tongbao Wallet ${version} `));
  return file;
}

export async function startServer() {
  const state = { manifest: null, file: null, hang: false, pending: 0, requests: [] };
  const server = http.createServer((req, res) => {
    state.requests.push(req.url);
    if (state.hang) {
      state.pending++;
      req.on("close", () => state.pending--);
      return; // never answers
    }
    if (req.url === "/latest.json" && state.manifest) {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify(state.manifest));
    } else if (req.url === "/package" && state.file) {
      const body = readFileSync(state.file);
      res.writeHead(200, { "content-type": "application/octet-stream", "content-length": body.length });
      res.end(body);
    } else {
      res.writeHead(404);
      res.end();
    }
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  server.unref(); // the run ends when its tests do
  const base = `http://127.0.0.1:${server.address().port}`;
  return {
    state,
    endpoint: `${base}/latest.json`,
    /** Offers `file` as `version` with `signature`, for every Linux package format. */
    offer(version, file, signature) {
      const entry = { signature, url: `${base}/package` };
      state.file = file;
      state.manifest = {
        version,
        notes: `Tongbao Wallet ${version}`,
        pub_date: "2026-11-26T08:00:00Z",
        platforms: Object.fromEntries(["linux-x86_64", "linux-x86_64-deb", "linux-x86_64-rpm", "linux-x86_64-appimage"].map((k) => [k, entry])),
      };
    },
    close: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(r);
      }),
  };
}
