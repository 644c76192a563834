import "@testing-library/jest-dom/vitest";
import { cleanup } from "@testing-library/svelte";
import { afterEach } from "vitest";

afterEach(() => cleanup());

// English is loaded on demand in the app; the tests switch languages synchronously.
import { loadLanguage } from "./lib/i18n/index.svelte";
await loadLanguage("en");
