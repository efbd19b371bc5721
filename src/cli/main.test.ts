import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { Readable } from "node:stream";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { assessmentSchema } from "../law/index.js";
import { runCli } from "./main.js";
import {
  createOrganisation,
  listenOnLoopback,
  startTestApp,
  unionIncident,
} from "../../test/support/test-app.js";

const example = fileURLToPath(new URL("../../examples/prospect-union-2025.json", import.meta.url));

async function run(args: string[], stdinText = "") {
  let stdout = "";
  let stderr = "";
  const code = await runCli(args, {
    stdout: (text) => (stdout += text),
    stderr: (text) => (stderr += text),
    stdin: Readable.from([stdinText]),
    now: () => new Date("2025-06-26T12:00:00Z"),
  });
  return { code, stdout, stderr };
}

describe("dpdesk assess", () => {
  it("prints a readable summary for each jurisdiction of the example incident", async () => {
    const { code, stdout, stderr } = await run(["assess", example]);
    expect(code).toBe(0);
    expect(stderr).toBe("");
    expect(stdout).toContain("Risk: HIGH — likelihood 3 × impact 3 = 9");
    for (const heading of ["GB  United Kingdom", "IM  Isle of Man", "JE  Jersey", "GG  Guernsey"])
      expect(stdout).toContain(heading);
    expect(stdout).toContain("Report to Office of the Data Protection Authority (ODPA), Guernsey: REQUIRED");
    expect(stdout).toContain("hard limit");
    expect(stdout).toContain("44 h 0 min left");
  });

  it("prints the assessment as JSON under --json, with the stable keys", async () => {
    const { code, stdout } = await run(["assess", example, "--json"]);
    expect(code).toBe(0);
    const assessment: unknown = JSON.parse(stdout);
    expect(assessmentSchema.safeParse(assessment).success).toBe(true);
    const parsed = assessmentSchema.parse(assessment);
    expect(Object.keys(parsed)).toEqual(["assessedAt", "risk", "obligations"]);
    expect(parsed.obligations.map((obligation) => obligation.jurisdiction)).toEqual(["GB", "IM", "JE", "GG"]);
  });

  it("reads the incident from standard input with -", async () => {
    const incident = JSON.stringify({
      title: "stdin",
      controller: { name: "Org", establishments: ["IM"] },
      awareAt: "2025-06-25T09:00:00+01:00",
      subjects: { IM: 3 },
    });
    const { code, stdout } = await run(["assess", "-", "--json", "--at", "2025-06-25T10:00:00Z"], incident);
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({
      assessedAt: "2025-06-25T10:00:00Z",
      obligations: [{ jurisdiction: "IM" }],
    });
  });

  it("names each bad field on stderr, prints nothing on stdout, and exits 2", async () => {
    const incident = JSON.stringify({
      title: "bad",
      controller: { name: "Org", establishments: ["UK"] },
      subjects: { GB: -3 },
    });
    const { code, stdout, stderr } = await run(["assess", "-"], incident);
    expect(code).toBe(2);
    expect(stdout).toBe("");
    expect(stderr.trim().split("\n")).toEqual([
      'controller.establishments.0: "UK" is not an ISO 3166-1 alpha-2 code (did you mean "GB"?)',
      "awareAt: required",
      "subjects.GB: must be 0 or more",
    ]);
  });

  it("reports unreadable and malformed input as bad input", async () => {
    const missing = await run(["assess", "/nonexistent/incident.json"]);
    expect(missing).toMatchObject({
      code: 2,
      stdout: "",
      stderr: "/nonexistent/incident.json: cannot read (no such file)\n",
    });
    const malformed = await run(["assess", "-"], "{ not json");
    expect(malformed.code).toBe(2);
    expect(malformed.stderr).toMatch(/^\(stdin\): not valid JSON/);
    const empty = await run(["assess", "-"], "  ");
    expect(empty.stderr).toBe("(stdin): empty input, expected a JSON incident\n");
  });

  it("refuses a malformed --at", async () => {
    const { code, stdout, stderr } = await run(["assess", example, "--at", "tomorrow"]);
    expect({ code, stdout }).toEqual({ code: 2, stdout: "" });
    expect(stderr).toContain("--at: must be an ISO 8601 date-time");
  });

  it("refuses to assess before the organisation became aware", async () => {
    const early = await run(["assess", example, "--at", "2025-06-24T00:00:00Z"]);
    expect(early).toMatchObject({ code: 2, stdout: "" });
    expect(early.stderr).toBe("--at: must not be before awareAt (2025-06-25T09:00:00+01:00)\n");
    const future = JSON.stringify({
      title: "typo in the year",
      controller: { name: "Org", establishments: ["GB"] },
      awareAt: "2052-06-25T09:00:00Z",
    });
    const typo = await run(["assess", "-"], future);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain("awareAt: is in the future");
  });

  it("treats an unknown command or option as a usage error (exit 2)", async () => {
    expect((await run(["asses", example])).code).toBe(2);
    expect((await run(["assess", example, "--jsn"])).code).toBe(2);
  });
});

describe("dpdesk schema and packs", () => {
  it("prints the incident contract as JSON Schema", async () => {
    const { code, stdout } = await run(["schema", "incident"]);
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({
      title: "Incident",
      type: "object",
      additionalProperties: false,
    });
  });

  it("lists the six rule packs", async () => {
    const { stdout } = await run(["packs", "--json"]);
    const packs = JSON.parse(stdout) as { id: string; effectiveTo: string | null }[];
    expect(packs.map((pack) => pack.id)).toEqual([
      "uk-gdpr",
      "isle-of-man",
      "jersey-2018",
      "jersey-2005",
      "guernsey",
      "eu-gdpr",
    ]);
    expect(packs.find((pack) => pack.id === "jersey-2005")?.effectiveTo).toBe("2018-05-25T00:00:00+01:00");
  });
});

describe("the installed bin", () => {
  it("answers --help through npx-style execution of bin/dpdesk.js", async () => {
    const bin = fileURLToPath(new URL("../../bin/dpdesk.js", import.meta.url));
    const { stdout } = await promisify(execFile)(process.execPath, [bin, "--help"]);
    expect(stdout).toContain("Usage: dpdesk");
    expect(stdout).toContain("assess");
  });
});

describe("dpdesk impact", () => {
  const exposed = fileURLToPath(new URL("../../examples/exposed-members.csv", import.meta.url));

  it("prints who was exposed, where they live and what of theirs", async () => {
    const { code, stdout, stderr } = await run(["impact", exposed]);
    expect(code).toBe(0);
    expect(stderr).toBe(""); // no progress when stderr is not a terminal
    expect(stdout).toContain("People: 8, told apart by e-mail address");
    expect(stdout).toMatch(/IM\s+2\n/);
    expect(stdout).toMatch(/sex_life_or_sexual_orientation\s+1\n/);
    expect(stdout).toContain("Problems: none");
  });

  it("prints the result as JSON under --json", async () => {
    const { code, stdout } = await run(["impact", exposed, "--json"]);
    expect(code).toBe(0);
    const result = JSON.parse(stdout) as Record<string, unknown>;
    expect(result).toMatchObject({
      rows: 10,
      subjects: 8,
      subjectsByJurisdiction: { GB: 2, IM: 2, JE: 1, GG: 1, FR: 1, unknown: 1 },
      problems: [],
    });
    expect(result.columns).toContainEqual(
      expect.objectContaining({ name: "E-mail", category: "contact", role: "email" }),
    );
  });

  it("exits with 2 and names the file or the option at fault", async () => {
    const missing = await run(["impact", "no-such-file.csv"]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("no-such-file.csv: cannot be read (ENOENT)");
    const badOption = await run(["impact", exposed, "--max-errors", "many"]);
    expect(badOption.code).toBe(2);
    expect(badOption.stderr).toContain("--max-errors: must be a whole number");
    const badKey = await run(["impact", exposed, "--key", "Shoe size"]);
    expect(badKey.code).toBe(2);
    expect(badKey.stderr).toContain("--key Shoe size: no such column");
  });
});

describe("dpdesk impact --breach", () => {
  const exposed = fileURLToPath(new URL("../../examples/exposed-members.csv", import.meta.url));

  it("feeds the counts and categories into the breach through the API, which re-assesses it", async () => {
    const t = await startTestApp();
    try {
      const api = await listenOnLoopback(t.app);
      const { api: client, token } = await createOrganisation(t.app);
      const filed = await client.post(
        "/api/v1/breaches",
        unionIncident({ subjects: { GB: 100, FR: 5 }, dataCategories: ["name", "contact"] }),
      );
      const id = filed.json.id as string;
      const { code, stdout, stderr } = await run([
        "impact",
        exposed,
        "--breach",
        id,
        "--api",
        api,
        "--token",
        token,
      ]);
      expect(stderr).toBe("");
      expect(code).toBe(0);
      expect(stdout).toContain(`Breach ${id} updated and re-assessed (version 2).`);
      expect(stdout).toContain(`Recipient list of breach ${id}: 8 people, sealed at rest`);
      expect(stdout).toContain("1 person whose jurisdiction is unknown is not in the breach's counts");
      const breach = (await client.get(`/api/v1/breaches/${id}`)).json;
      expect(breach.incident.subjects).toEqual({ GB: 2, IM: 2, JE: 1, GG: 1, FR: 1 });
      expect(breach.incident.dataCategories).toEqual(
        expect.arrayContaining(["name", "contact", "sex_life_or_sexual_orientation", "health"]),
      );
      expect(breach.incident.records).toBe(10);
      expect((await client.get("/api/v1/audit/verify")).json.ok).toBe(true);

      // The list through `dpdesk recipients`: the counts, and the people as CSV for a mail merge.
      const summary = await run(["recipients", id, "--api", api, "--token", token]);
      expect(summary.code).toBe(0);
      expect(summary.stdout).toContain(`Recipient list of breach ${id}: 8 people`);
      expect(summary.stdout).toMatch(/IM\s+2\n/);
      expect(summary.stdout).toContain("Reachable: 4 by post, 4 by e-mail only, 0 neither");
      const csv = await run([
        "recipients",
        id,
        "--csv",
        "--jurisdiction",
        "IM",
        "--api",
        api,
        "--token",
        token,
      ]);
      expect(csv.code).toBe(0);
      const lines = csv.stdout.trim().split("\n");
      expect(lines[0]).toBe(
        "name,email,address,postcode,country,phone,jurisdiction,categories,source_file,source_line",
      );
      expect(lines.slice(1).sort()).toEqual([
        expect.stringMatching(
          /^Ann Kewley,ann\.kewley@example\.org,1 Athol Street,im1 1aa,,07624 123456,IM,/,
        ),
        expect.stringMatching(/^Hal Corlett,hal@example\.im,,,Isle of Mann,,IM,/),
      ]);
      const json = await run(["recipients", id, "--json", "--api", api, "--token", token]);
      expect(json.stdout.trim().split("\n")).toHaveLength(8);
      const refused = await run(["recipients", "not-a-breach", "--api", api, "--token", token]);
      expect(refused.code).toBe(2);
      expect(refused.stderr).toContain("breach not-a-breach: the API answered 404");
    } finally {
      await t.close();
    }
  });

  it("asks for a token, and names the breach when the API refuses", async () => {
    const noToken = await run(["impact", exposed, "--breach", "b"]);
    expect(noToken.code).toBe(2);
    expect(noToken.stderr).toContain("--breach: give an API token with --token or DPDESK_TOKEN");
    const unreachable = await run([
      "impact",
      exposed,
      "--breach",
      "b",
      "--api",
      "http://127.0.0.1:9",
      "--token",
      "dpd_x",
    ]);
    expect(unreachable.code).toBe(2);
    expect(unreachable.stderr).toContain("--api: cannot reach http://127.0.0.1:9");
  });
});
