// A throw-away update server on 127.0.0.1 for the updater scripts: it serves a manifest
// (latest.json) and a package, signed with keys made for the run by `tauri signer` (never the
// release key). `hang` makes it take requests and never answer (a slow server).
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import http from "node:http";
import https from "node:https";
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

/** A certificate authority made for the run and a certificate it signed for 127.0.0.1 (openssl):
 *  { caPath, key, cert } — the app in test mode trusts only `caPath` (TONGBAO_UPDATE_CA). */
export function makeTls() {
  const dir = mkdtempSync(path.join(os.tmpdir(), "tongbao-updtls-"));
  const at = (f) => path.join(dir, f);
  const openssl = (...args) => execFileSync("openssl", args, { stdio: "ignore" });
  openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=Tongbao test update CA",
    "-keyout", at("ca.key"), "-out", at("ca.pem"), "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign");
  openssl("req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=127.0.0.1", "-keyout", at("server.key"), "-out", at("server.csr"));
  writeFileSync(at("ext.cnf"), "subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n");
  openssl("x509", "-req", "-in", at("server.csr"), "-CA", at("ca.pem"), "-CAkey", at("ca.key"), "-CAcreateserial", "-days", "2",
    "-extfile", at("ext.cnf"), "-out", at("server.pem"));
  return { caPath: at("ca.pem"), key: readFileSync(at("server.key")), cert: readFileSync(at("server.pem")) };
}

/** A throw-away update server: plain HTTP (a debug build accepts it), or HTTPS with `tls` from
 *  makeTls (what a release build insists on). Serves /latest.json and the offered files. */
export async function startServer(tls = null) {
  // hang: never answers; release: when set (a promise), answers once it resolves.
  const state = { manifest: null, file: null, files: {}, hang: false, release: null, pending: 0, requests: [] };
  const handler = async (req, res) => {
    state.requests.push(req.url);
    if (state.hang) {
      state.pending++;
      req.on("close", () => state.pending--);
      return; // never answers
    }
    if (state.release) {
      state.pending++;
      await state.release;
      state.pending--;
    }
    if (req.url === "/latest.json" && state.manifest) {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify(state.manifest));
    } else if ((req.url === "/package" && state.file) || state.files[req.url]) {
      const body = readFileSync(state.files[req.url] ?? state.file);
      res.writeHead(200, { "content-type": "application/octet-stream", "content-length": body.length });
      res.end(body);
    } else {
      res.writeHead(404);
      res.end();
    }
  };
  const server = tls ? https.createServer({ key: tls.key, cert: tls.cert }, handler) : http.createServer(handler);
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  server.unref(); // the run ends when its tests do
  const base = `${tls ? "https" : "http"}://127.0.0.1:${server.address().port}`;
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
    /** Offers `version` as a .deb and an .rpm under their own manifest keys (no generic Linux
     *  entry, no AppImage): `{ deb: [file, signature], rpm: [file, signature] }`. */
    offerPackages(version, packages) {
      state.files = {};
      const platforms = {};
      for (const [format, [file, signature]] of Object.entries(packages)) {
        state.files[`/package.${format}`] = file;
        platforms[`linux-x86_64-${format}`] = { signature, url: `${base}/package.${format}` };
      }
      state.manifest = { version, notes: `Tongbao Wallet ${version}`, pub_date: "2026-12-03T08:00:00Z", platforms };
    },
    close: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(r);
      }),
  };
}
