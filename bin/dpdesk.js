#!/usr/bin/env node
// The dpdesk command. The TypeScript sources are compiled to dist/ by `npm install` (the `prepare` script).
import { runCli } from "../dist/cli/main.js";

// Output piped into a command that stops reading (`dpdesk recipients --csv | head`) is not an error.
process.stdout.on("error", (error) => {
  if (error.code === "EPIPE") process.exit(process.exitCode ?? 0);
  throw error;
});

process.exitCode = await runCli(process.argv.slice(2));
