import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    // The browser tests run on their own (npm run test:browser): they need the built desk and Chromium.
    exclude: ["test/browser/**", "**/node_modules/**"],
    env: { TZ: process.env.TZ ?? "UTC" },
    allowOnly: false,
    // Service tests start an embedded PostgreSQL (PGlite) per file; give set-up room on a busy 2-core machine.
    hookTimeout: 60_000,
    testTimeout: 30_000,
  },
});
