/**
 * The web desk end to end, as a new user meets it: `dpdesk serve` on a fresh embedded database, Debian's Chromium
 * driven by playwright-core. Set up the organisation from the printed link, file a Prospect-like breach through
 * the wizard, see four regulators' duties with their deadlines, record a decision, upload an exposed CSV and see
 * the counts, keep and download a notice; then the same pages at phone width, with the keyboard, and under axe.
 *
 * Screenshots of the main pages are written to artifacts/screenshots/ (kept by CI as artifacts).
 */
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { killAllServers, root, sleep, startServer, type Server } from "../support/dpdesk-process.js";
import { startSmtpSink, type SmtpSink } from "../support/smtp-sink.js";

const screenshots = join(root, "artifacts", "screenshots");
const chromiumFlags = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];
const owner = { email: "dpo@prospect.example", password: "correct horse battery staple" };

let dir: string;
let server: Server;
let smtp: SmtpSink;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let breachUrl = "";
const consoleErrors: string[] = [];
/** Set while a step sends bad input on purpose: the API's 400 is then the answer the step waits for. */
let refusalExpected = false;

async function shoot(target: Page, name: string): Promise<void> {
  await target.screenshot({ path: join(screenshots, `${name}.png`), fullPage: true });
}

/** A datetime-local value, in the browser's zone (UTC here), some hours before now. */
function hoursAgo(hours: number): string {
  return new Date(Date.now() - hours * 3_600_000).toISOString().slice(0, 16);
}

beforeAll(async () => {
  mkdirSync(screenshots, { recursive: true });
  dir = mkdtempSync(join(tmpdir(), "dpdesk-web-"));
  smtp = await startSmtpSink();
  server = await startServer({
    ...process.env,
    SMTP_URL: smtp.url,
    DPDESK_MAIL_FROM: "Prospect data protection <dpo@prospect.example>",
    DPDESK_DATA_DIR: join(dir, "data"),
    DPDESK_KEY_FILE: join(dir, "data.key"),
    LOG_LEVEL: "warn",
  });
  for (let waited = 0; !server.stderr().includes("#token=") && waited < 10_000; waited += 100)
    await sleep(100);
  browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: chromiumFlags });
  context = await browser.newContext({
    viewport: { width: 1280, height: 900 },
    acceptDownloads: true,
    timezoneId: "UTC",
  });
  page = await context.newPage();
  page.on("console", (message) => {
    // A signed-out visit asks who is signed in and is told 401, and the wizard's preview of unfinished facts is
    // told 400 with the fields to fix: those are answers, not errors.
    const url = message.location().url;
    const expected =
      (url.endsWith("/api/v1/session") && message.text().includes("401")) ||
      (url.endsWith("/api/v1/assess") && message.text().includes("400")) ||
      (refusalExpected && message.text().includes("400"));
    if (message.type() === "error" && !expected)
      consoleErrors.push(`${message.text()} (${message.location().url})`);
  });
  page.on("pageerror", (error) => consoleErrors.push(error.message));
  // The desk asks before keeping an incomplete notice and before the files replace the estimate: the test agrees.
  page.on("dialog", (dialog) => void dialog.accept());
}, 120_000);

afterAll(async () => {
  await browser.close().catch(() => undefined);
  server.child.kill("SIGTERM");
  killAllServers();
  await smtp.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Runs axe-core (already injected) in the page: WCAG 2.1 A and AA, the serious and critical findings. */
const runAxe = async () => {
  const axe = (
    window as unknown as {
      axe: {
        run: (
          options: object,
        ) => Promise<{ violations: { id: string; impact: string; nodes: { target: string[] }[] }[] }>;
      };
    }
  ).axe;
  const result = await axe.run({ runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21aa"] } });
  return result.violations
    .filter((violation) => violation.impact === "serious" || violation.impact === "critical")
    .map(
      (violation) => `${violation.id} at ${violation.nodes.map((node) => node.target.join(" ")).join(", ")}`,
    );
};

describe("the web desk in Chromium", () => {
  it("sets up the organisation from the link the server printed", async () => {
    const link = /(http:\/\/\S+\/setup#token=\S+)/.exec(server.stderr())?.[1];
    expect(link).toBeDefined();
    await page.goto(link!);
    await page.getByRole("heading", { name: "Set up dpdesk" }).waitFor();
    await page.getByLabel("Organisation").fill("Prospect");
    await page.getByLabel("Your name").fill("Alex Morgan");
    await page.getByLabel("Your e-mail").fill(owner.email);
    await page.getByLabel("Password", { exact: true }).fill(owner.password);
    await page.getByLabel("Password again").fill(owner.password);
    await shoot(page, "01-set-up");
    await page.getByRole("button", { name: "Set up" }).click();
    await page.getByRole("heading", { name: "Your desk is ready" }).waitFor();
    expect(await page.locator("pre.token").textContent()).toMatch(/^dpd_/);
  });

  it("files a Prospect-like breach through the wizard and sees four regulators' duties as it types", async () => {
    await page.getByRole("button", { name: "File your first breach" }).click();
    await page.getByRole("heading", { name: "File a new breach" }).waitFor();
    await page.getByLabel("A short name for the breach").fill("Member records taken in a cyber attack");
    await page.getByLabel("What happened, in your words").fill("An attacker copied the membership database.");
    await page.getByLabel("When did you become aware of it?").fill(hoursAgo(6));
    await page.getByLabel("A cyber attack (hacking, ransomware, phishing)").check();
    await page.getByRole("button", { name: /^Next/ }).click();

    await page.getByRole("heading", { name: "2. Whose data" }).waitFor();
    // A count that cannot be right is named, in the form's words, before anything is filed.
    await page.getByLabel("People living in United Kingdom").fill("-5");
    await page
      .getByRole("complementary")
      .getByText("People living in United Kingdom", { exact: true })
      .waitFor();
    await page.getByLabel("People living in United Kingdom").fill("150000");
    await page.getByLabel("People living in Isle of Man").fill("2200");
    await page.getByLabel("People living in Jersey").fill("4100");
    await page.getByLabel("People living in Guernsey").fill("3700");
    await page.getByRole("button", { name: /^Next/ }).click();

    await page.getByRole("heading", { name: "3. What data" }).waitFor();
    for (const label of [
      "Names",
      "Postal addresses",
      "Bank, card or other financial details",
      "Racial or ethnic origin",
      "Sex life or sexual orientation",
      "Health, including disability",
      "Trade union membership",
    ])
      await page.getByLabel(label, { exact: true }).check();
    await page.getByRole("button", { name: /^Next/ }).click();
    await page.getByRole("button", { name: /^Next/ }).click();
    await page.getByRole("heading", { name: "5. Check and file" }).waitFor();

    // Re-assessed as the facts went in: four regulators, each required, each with a deadline and a countdown.
    const live = page.getByRole("complementary");
    await live.getByText(/4 regulators must be told/).waitFor({ state: "attached" });
    for (const regulator of ["ICO", "Isle of Man Information Commissioner", "JOIC", "ODPA"])
      await live.getByText(regulator, { exact: false }).first().waitFor();
    await expect.poll(() => live.locator(".countdown").count()).toBe(4);
    await live.locator(".risk-high").waitFor();
    await shoot(page, "02-wizard");

    await page.getByRole("button", { name: "File the breach" }).click();
    await page.getByRole("heading", { name: "Member records taken in a cyber attack" }).waitFor();
    breachUrl = page.url();
    expect(breachUrl).toMatch(/\/breaches\/[0-9a-f-]{36}$/);
  });

  it("shows the breach's four regulator duties with live countdowns, and records a decision", async () => {
    const duties = page.locator("table.duties tbody tr");
    await expect.poll(() => duties.count()).toBe(8);
    for (const place of ["United Kingdom", "Isle of Man", "Jersey", "Guernsey"])
      await expect.poll(() => page.locator("table.duties").getByText(place, { exact: true }).count()).toBe(2);
    const countdowns = page.locator("table.duties .countdown");
    await expect.poll(() => countdowns.count()).toBe(4);
    // Aware 6 hours ago: 66 hours are left on the 72-hour clocks, and they tick.
    const first = await countdowns.first().locator("time").textContent();
    expect(first).toMatch(/^2 days 1[78] hours left$|^2 days 18 hours left$/);

    await page.getByLabel("Jurisdiction").first().selectOption("JE");
    await page.getByLabel("Duty").selectOption("regulator");
    await page.getByLabel("Decision", { exact: true }).selectOption("notify");
    await page
      .getByLabel("Why")
      .fill("Special category data of Jersey members was taken: JOIC must be told.");
    await page.getByRole("button", { name: "Record the decision" }).click();
    await page.getByText("Decision recorded.").waitFor();
    await page.locator(".decisions").getByText("Special category data of Jersey members was taken").waitFor();

    // The Jersey report is made: recorded as given, the duty is met and its countdown stops.
    const noticeForm = page.locator("form", {
      has: page.getByRole("heading", { name: "Record a notice given" }),
    });
    await noticeForm.getByLabel("Jurisdiction").selectOption("JE");
    await noticeForm.getByLabel("When").fill(hoursAgo(1));
    await noticeForm.getByLabel("Reference").fill("JOIC-2025-0042");
    await noticeForm.getByRole("button", { name: "Record the notice" }).click();
    await page.getByText("Notice recorded.").waitFor();
    await page.locator(".decisions").getByText("ref JOIC-2025-0042", { exact: false }).waitFor();
    await shoot(page, "03-breach-duties");
  });

  it("keeps the tabs usable from the keyboard", async () => {
    await page.getByRole("tab", { name: "Duties and decisions" }).focus();
    await page.keyboard.press("ArrowRight");
    await expect(page.getByRole("tab", { name: "Facts" }).getAttribute("aria-selected")).resolves.toBe(
      "true",
    );
    await expect(page.evaluate(() => document.activeElement?.textContent)).resolves.toBe("Facts");
    await page.keyboard.press("End");
    await expect(page.getByRole("tab", { name: "Timeline" }).getAttribute("aria-selected")).resolves.toBe(
      "true",
    );
    await page.locator(".tab-panel:not([hidden])").getByText("Decision recorded").first().waitFor();
    await page.getByRole("button", { name: "Check the audit chain" }).click();
    await page.getByText(/^Intact: \d+ events/).waitFor();
    await shoot(page, "04-breach-timeline");
  });

  it("changes a fact through the same wizard, re-assessed and kept in the history", async () => {
    // From a fresh load: the stored facts come back from the database (its key order, not the wizard's).
    await page.goto(`${breachUrl}#facts`);
    await page.reload();
    const steps = page.getByRole("list", { name: "Steps" });
    const openWizard = async () => {
      await page.getByRole("link", { name: "Change the facts" }).click();
      await page.getByRole("heading", { name: /^Change the facts/ }).waitFor();
      await steps.getByRole("button", { name: /Whose data/ }).click();
    };
    const save = async () => {
      await steps.getByRole("button", { name: /Check and file/ }).click();
      await page.getByRole("button", { name: "Save the changes" }).click();
    };
    await openWizard();
    // A count that is not a number is refused, naming the field, and nothing is removed.
    await page.getByLabel("People living in Guernsey").fill("lots");
    refusalExpected = true;
    await save();
    await page.getByRole("alert").getByText("People living in Guernsey").waitFor();
    refusalExpected = false;
    await page.getByLabel("People living in Guernsey").fill("3900");
    await save();
    await page.getByRole("heading", { name: "Facts (version 2)" }).waitFor();
    await page.getByText("Guernsey: 3,900").waitFor();
    await page
      .locator(".tab-panel:not([hidden]) .timeline li", { hasText: "Facts changed" })
      .getByText(/: people by jurisdiction · no duty changed/)
      .waitFor();
    // Opened and saved with nothing changed: nothing is recorded.
    await page.reload();
    await openWizard();
    await save();
    await page.getByRole("heading", { name: "Facts (version 2)" }).waitFor();
    await shoot(page, "04b-breach-facts");
  });

  it("uploads an exposed CSV with progress and shows who was affected and where they live", async () => {
    await page.getByRole("tab", { name: "People affected" }).click();
    await page
      .getByLabel("Exposed files", { exact: true })
      .setInputFiles(join(root, "examples", "exposed-members.csv"));
    await page.getByRole("button", { name: "Upload and analyse" }).click();
    await page.getByRole("heading", { name: "Found 8 people in 10 rows" }).waitFor();
    await page.getByRole("heading", { name: "The recipient list: 8 people" }).waitFor();
    // The file named a member in France: the re-assessment says a fifth regulator is now owed a report.
    await page.getByText("France: tell the regulator is now owed (required)").waitFor();
    // …and says the estimate gave way to the list's count.
    await page.getByText(/United Kingdom 150,000 → 2/).waitFor();
    const byPlace = page.getByTestId("people-by-jurisdiction");
    const rows = await byPlace
      .locator("tbody tr")
      .evaluateAll((trs) => trs.map((tr) => Array.from(tr.querySelectorAll("td"), (td) => td.textContent)));
    expect(Object.fromEntries(rows)).toEqual({
      "United Kingdom": "2",
      "Isle of Man": "2",
      Jersey: "1",
      Guernsey: "1",
      France: "1",
      "Not known": "1",
    });
    await expect(
      page.getByTestId("people-by-category").getByText("Trade union membership").count(),
    ).resolves.toBe(1);
    await page.locator(".chart canvas").first().waitFor();
    await sleep(300);
    await shoot(page, "05-breach-people");
  });

  it("keeps evidence with its SHA-256, and asks before keeping the same file twice", async () => {
    await page.getByRole("tab", { name: "Evidence" }).click();
    const file = join(root, "examples", "prospect-union-2025.json");
    const sha256 = createHash("sha256").update(readFileSync(file)).digest("hex");
    const panel = page.locator(".tab-panel:not([hidden])");
    await panel.getByLabel("File", { exact: true }).setInputFiles(file);
    await panel.getByLabel("What it is (optional)").fill("The facts as first reported");
    await panel.getByRole("button", { name: "Upload" }).click();
    await panel.getByText("Kept prospect-union-2025.json.").waitFor();
    await expect.poll(() => panel.locator("tbody tr").count()).toBe(1);
    expect(await panel.locator("tbody code").getAttribute("title")).toBe(sha256);
    const asked = new Promise<string>((resolve) =>
      page.once("dialog", (dialog) => {
        resolve(dialog.message());
      }),
    );
    await panel.getByLabel("File", { exact: true }).setInputFiles(file);
    await panel.getByRole("button", { name: "Upload" }).click();
    expect(await asked).toContain("already kept as evidence");
    await expect.poll(() => panel.locator("tbody tr").count()).toBe(2);
  });

  it("keeps a Jersey notice and downloads its PDF", async () => {
    await page.getByRole("tab", { name: "Notices and letters" }).click();
    const jersey = page.locator("article.notice", {
      hasText: "Jersey Office of the Information Commissioner",
    });
    await jersey.waitFor();

    // The draft names what it still lacks; saying who the contact point is and what was done fills some of it.
    const missingBefore = await jersey.locator(".notice-missing li").count();
    expect(missingBefore).toBeGreaterThan(0);
    // Each missing item takes the person to the field that answers it.
    await jersey
      .getByRole("button", { name: /^Write it/ })
      .first()
      .click();
    await expect.poll(() => page.evaluate(() => document.activeElement?.id ?? "")).toMatch(/^response-/);
    await page.getByLabel("Contact point's name").fill("Alex Morgan");
    await page.getByLabel("E-mail", { exact: true }).fill("dpo@prospect.example");
    await page
      .getByLabel("What you have done", { exact: true })
      .fill("Access was blocked and passwords reset.");
    await page
      .getByLabel("The likely consequences", { exact: true })
      .fill("Discrimination, fraud and distress.");
    await page
      .getByLabel("Advice to the people affected")
      .fill("Watch for messages asking for bank details.");
    await page.getByRole("button", { name: "Save", exact: true }).click();
    await page.getByText("Saved. The notice drafts above, and the letters, now use it.").waitFor();
    await expect
      .poll(() => jersey.locator(".notice-missing li").count(), { timeout: 10_000 })
      .toBeLessThan(missingBefore);
    await jersey.getByRole("button", { name: /Keep a version/ }).click();
    await page.getByText("Kept version 1 of the Jersey notice.").waitFor();
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      jersey.getByRole("link", { name: "PDF", exact: true }).click(),
    ]);
    const path = await download.path();
    const bytes = readFileSync(path);
    expect(bytes.subarray(0, 5).toString()).toBe("%PDF-");
    expect(bytes.length).toBeGreaterThan(2_000);
    await shoot(page, "06-breach-documents");
  });

  it("previews a letter and sends the letters by e-mail through a real SMTP server, showing them go", async () => {
    const preview = page.getByRole("link", { name: /^Preview a letter/ });
    const pdf = await page.request.get(new URL((await preview.getAttribute("href"))!, server.base).href);
    expect((await pdf.body()).subarray(0, 5).toString()).toBe("%PDF-");
    await page.getByRole("button", { name: "Send by e-mail" }).click();
    const queued = page.getByText(/letters? queued for e-mail/);
    await queued.waitFor();
    const count = Number(/^(\d+)/.exec((await queued.textContent()) ?? "")?.[1]);
    expect(count).toBeGreaterThan(0);
    await page.getByText(`By e-mail: ${String(count)} sent of ${String(count)}`).waitFor({ timeout: 30_000 });
    expect(smtp.received).toHaveLength(count);
    expect(smtp.received.every((mail) => mail.text.includes("Alex Morgan"))).toBe(true);
    await shoot(page, "06b-breach-letters-sent");
  });

  it("lists the breach with a countdown per regulator, and shows the deadlines on a calendar", async () => {
    await page.getByRole("link", { name: "Breaches", exact: true }).click();
    const card = page.locator(".breach-card", { hasText: "Member records taken in a cyber attack" });
    await card.waitFor();
    await card.getByText("High risk 9").waitFor();
    // Five regulators once the exposed file showed a member in France; Jersey's is met.
    await expect.poll(() => card.locator("tbody tr").count()).toBe(5);
    await expect.poll(() => card.locator(".countdown").count()).toBe(4);
    await expect.poll(() => card.getByText("Reported or decided").count()).toBe(1);
    await shoot(page, "07-breach-list");
    await page.getByRole("link", { name: "Calendar", exact: true }).click();
    await page.getByRole("heading", { name: "Deadlines" }).waitFor();
    // The deadlines are 66 hours away: in the month after this one near its end.
    if (new Date(Date.now() + 66 * 3_600_000).getUTCMonth() !== new Date().getUTCMonth())
      await page.getByRole("button", { name: "Next month" }).click();
    await expect.poll(() => page.locator("table.calendar .due").count()).toBe(4);
    await shoot(page, "08-calendar");
  });

  it("lets the owner add a handler and change their role", async () => {
    await page.getByRole("link", { name: "Users", exact: true }).click();
    await page.getByRole("heading", { name: "Users of Prospect" }).waitFor();
    const form = page.locator("form", { has: page.getByRole("heading", { name: "Add a user" }) });
    await form.getByLabel("E-mail").fill("handler@prospect.example");
    await form.getByLabel("Name").fill("Sam Quayle");
    await form.getByLabel("Role").selectOption("handler");
    await form.getByLabel("Password").fill("another long passphrase");
    await form.getByRole("button", { name: "Add the user" }).click();
    await form.getByText("User added.").waitFor();
    await page.getByRole("cell", { name: /Sam Quayle/ }).waitFor();
    await page.getByLabel("Role of handler@prospect.example").selectOption("dpo");
    await page.getByRole("button", { name: "Change the role of handler@prospect.example" }).click();
    await page.getByText("handler@prospect.example is now Data protection officer.").waitFor();
  });

  it("signs out and back in", async () => {
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.getByRole("heading", { name: "Sign in" }).waitFor();
    await page.getByLabel("E-mail").fill(owner.email);
    await page.getByLabel("Password").fill("not the password at all");
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("alert").waitFor();
    await shoot(page, "09-sign-in-refused");
    await page.getByLabel("Password").fill(owner.password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("heading", { name: "Breaches", exact: true, level: 1 }).waitFor();
    // After a reload the desk can still write (the CSRF token comes back with the session).
    await page.goto(breachUrl);
    await page.getByRole("button", { name: "Record the decision" }).waitFor();
    await page.getByLabel("Why").fill("Guernsey members are affected too: the ODPA must be told.");
    await page.getByLabel("Jurisdiction").first().selectOption("GG");
    await page.getByRole("button", { name: "Record the decision" }).click();
    await page.getByText("Decision recorded.").waitFor();
  });

  it("fits a 390-pixel phone screen without sideways scrolling", async () => {
    const phone = await context.newPage();
    await phone.setViewportSize({ width: 390, height: 844 });
    for (const [path, name] of [
      ["/breaches", "10-phone-breach-list"],
      [new URL(breachUrl).pathname, "11-phone-breach"],
      ["/breaches/new", "12-phone-wizard"],
      ["/calendar", "13-phone-calendar"],
    ] as const) {
      await phone.goto(new URL(path, server.base).href);
      await phone.locator("main h1").first().waitFor();
      await sleep(300);
      await shoot(phone, name);
      const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow, `${path} scrolls sideways by ${String(overflow)} px`).toBeLessThanOrEqual(0);
    }
    await phone.close();
  });

  it("has no serious accessibility problems on the main pages (axe-core)", async () => {
    // axe is injected as a script: a context that bypasses the page's CSP (script-src 'self') lets it in.
    const axeContext = await browser.newContext({ viewport: { width: 1280, height: 900 }, bypassCSP: true });
    await axeContext.addCookies(await context.cookies());
    const axePage = await axeContext.newPage();
    const axeSource = readFileSync(join(root, "node_modules", "axe-core", "axe.min.js"), "utf8");
    const found: string[] = [];
    const breachPath = new URL(breachUrl).pathname;
    const pages = [
      "/breaches",
      ...["duties", "facts", "people", "documents", "evidence", "timeline"].map(
        (tab) => `${breachPath}#${tab}`,
      ),
      `${breachPath}/edit`,
      "/breaches/new",
      "/calendar",
      "/users",
    ];
    for (const path of pages) {
      // A new document each time (goto to the same page with another #tab would only change the hash).
      await axePage.goto("about:blank");
      await axePage.goto(new URL(path, server.base).href);
      await axePage.locator("main h1").first().waitFor();
      if (path.endsWith("#people")) await axePage.locator(".chart canvas").first().waitFor();
      await sleep(400);
      await axePage.addScriptTag({ content: axeSource });
      const violations = await axePage.evaluate(runAxe);
      found.push(...violations.map((violation) => `${path}: ${violation}`));
    }
    await axeContext.close();
    // The pages a person sees before signing in.
    const signedOut = await browser.newContext({ viewport: { width: 390, height: 844 }, bypassCSP: true });
    const outPage = await signedOut.newPage();
    for (const path of ["/sign-in", "/setup"]) {
      await outPage.goto(new URL(path, server.base).href);
      await outPage.locator("main h1").first().waitFor();
      await outPage.addScriptTag({ content: axeSource });
      const violations = await outPage.evaluate(runAxe);
      found.push(...violations.map((violation) => `${path}: ${violation}`));
    }
    await signedOut.close();
    expect(found).toEqual([]);
  });

  it("reads the wizard's times in the person's own zone (09:00 in London in June is 08:00 UTC)", async () => {
    const london = await browser.newContext({
      viewport: { width: 1280, height: 900 },
      timezoneId: "Europe/London",
    });
    await london.addCookies(await context.cookies());
    const wizard = await london.newPage();
    await wizard.goto(new URL("/breaches/new", server.base).href);
    await wizard.getByLabel("A short name for the breach").fill("Summer-time check");
    await wizard.getByLabel("When did you become aware of it?").fill("2025-06-25T09:00");
    await wizard.getByRole("button", { name: /^Next/ }).click();
    await wizard.getByLabel("People living in United Kingdom").fill("100");
    // 72 hours after 09:00 BST on 25 June: 09:00 BST on 28 June (had the zone been ignored, 10:00).
    await wizard.getByRole("complementary").getByText("Sat, 28 Jun 2025, 09:00 BST").first().waitFor();
    await london.close();
  });

  it("closes the breach, which takes its deadlines off the list, and reopens it", async () => {
    await page.goto(breachUrl);
    await page.getByRole("button", { name: "Close the breach" }).click();
    await page.getByRole("button", { name: "Reopen the breach" }).waitFor();
    await page.getByRole("link", { name: "Breaches", exact: true }).click();
    await page.getByRole("heading", { name: "No open breaches" }).waitFor();
    await page.getByLabel("Closed").check();
    await page.locator(".breach-card", { hasText: "Member records taken in a cyber attack" }).waitFor();
    await page.goto(breachUrl);
    await page.getByRole("button", { name: "Reopen the breach" }).click();
    await page.getByRole("button", { name: "Close the breach" }).waitFor();
  });

  it("logged no errors in the browser console", () => {
    expect(consoleErrors).toEqual([]);
  });
});
