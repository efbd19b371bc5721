// The law room stays pure: the lint configuration forbids it to import another room, a Node module, or read
// the clock. These tests lint sample code as if it were in src/law to prove the rule bites.
import { ESLint } from "eslint";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("../..", import.meta.url));
const lawFile = fileURLToPath(new URL("./assess-risk.ts", import.meta.url));
const cliFile = fileURLToPath(new URL("../cli/main.ts", import.meta.url));

async function restrictedMessages(code: string, filePath = lawFile): Promise<string[]> {
  const eslint = new ESLint({ cwd: root });
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? [])
    .filter(
      (message) => message.ruleId === "no-restricted-imports" || message.ruleId === "no-restricted-syntax",
    )
    .map((message) => message.message);
}

describe("the law room's lint rule", { timeout: 60_000 }, () => {
  it("forbids src/law to import another room of the project", async () => {
    const messages = await restrictedMessages(
      'import { openDatabase } from "../platform/db.js";\nexport const x = openDatabase;\n',
    );
    expect(messages).toEqual([expect.stringContaining("may not import any other room")]);
    expect(await restrictedMessages('export { x } from "../cli/main.js";\n')).toHaveLength(1);
    expect(
      await restrictedMessages('import { y } from "../impact/index.js";\nexport const z = y;\n'),
    ).toHaveLength(1);
  });

  it("forbids src/law to do I/O or read the clock", async () => {
    expect(
      await restrictedMessages('import { readFileSync } from "node:fs";\nexport const r = readFileSync;\n'),
    ).toEqual([expect.stringContaining("does no I/O")]);
    expect(await restrictedMessages("export const now = Date.now();\n")).toEqual([
      expect.stringContaining("reads no clock"),
    ]);
    expect(await restrictedMessages("export const now = new Date();\n")).toEqual([
      expect.stringContaining("reads no clock"),
    ]);
  });

  it("lets src/law import its own modules, and other rooms import the law", async () => {
    expect(
      await restrictedMessages('import { seed } from "./sources.js";\nexport const s = seed;\n'),
    ).toEqual([]);
    expect(
      await restrictedMessages(
        'import { assessBreach } from "../law/index.js";\nexport const a = assessBreach;\n',
        cliFile,
      ),
    ).toEqual([]);
  });
});
