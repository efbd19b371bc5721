import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    env: { TZ: process.env.TZ ?? "UTC" },
    allowOnly: false,
  },
});
