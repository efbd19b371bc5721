// The browser tests: the web desk end to end in Debian's Chromium (npm run test:browser, after npm run build).
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/browser/**/*.test.ts"],
    env: { TZ: "UTC" },
    allowOnly: false,
    fileParallelism: false,
    hookTimeout: 120_000,
    testTimeout: 60_000,
  },
});
