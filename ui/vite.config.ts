import { defineConfig } from "vitest/config";
import { svelte } from "@sveltejs/vite-plugin-svelte";
import { precompileMessages } from "./precompile-messages.ts";

const building = process.argv.includes("build");

// Tauri expects a fixed port in dev and serves the built files from dist/.
export default defineConfig({
  plugins: [svelte(), precompileMessages()],
  clearScreen: false,
  server: { port: 5173, strictPort: true, host: "127.0.0.1" },
  envPrefix: ["VITE_", "TAURI_ENV_"],
  build: {
    target: "safari15",
    outDir: "dist",
    emptyOutDir: true,
    // No inline assets: the CSP allows only 'self'.
    assetsInlineLimit: 0,
    // Two pages: the wallet, and the mock bank's own app (its own window).
    rollupOptions: { input: { main: "index.html", bankapp: "bankapp.html" } },
  },
  test: {
    environment: "jsdom",
    include: ["src/**/*.test.ts"],
    setupFiles: ["src/test-setup.ts"],
  },
  resolve: process.env.VITEST
    ? { conditions: ["browser"] }
    : building
      ? // Messages are precompiled (precompile-messages.ts): the run-time parser is not shipped.
        { alias: [{ find: /^@formatjs\/icu-messageformat-parser$/, replacement: "@formatjs/icu-messageformat-parser/no-parser.js" }] }
      : undefined,
});
