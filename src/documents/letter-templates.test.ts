import { describe, expect, it } from "vitest";
import {
  checkTemplates,
  defaultLetterTemplates,
  defaultStatementTemplates,
  fillTemplate,
} from "./letter-templates.js";
import { escapeHtml } from "./html-escape.js";

describe("letter templates", () => {
  it("accepts the defaults", () => {
    expect(checkTemplates({ letter: defaultLetterTemplates, statement: defaultStatementTemplates })).toEqual(
      [],
    );
  });

  it.each([
    ["Hello {{person.password}}", "unknown placeholder {{person.password}}"],
    ["Hi {{{person.name}}}", "must not use unescaped output"],
    ["Hi {{& person.name}}", "must not use unescaped output"],
    ["{{> footer}}", "must not use partials"],
    ["{{=<% %>=}} <% person.name %>", "must not change the delimiters"],
    ["{{#person.name}}unclosed", "is not a valid template"],
    ["{{#nothing}}x{{/nothing}}", "unknown placeholder {{nothing}}"],
  ])("refuses %j, naming the part", (template, problem) => {
    const problems = checkTemplates({ letter: { opening: template } });
    expect(problems.length).toBeGreaterThan(0);
    expect(problems[0]?.field).toBe("letter.opening");
    expect(problems[0]?.message).toContain(problem);
  });

  it("keeps what the law asks of a letter: the regulator to complain to, a way to reach the contact point", () => {
    expect(checkTemplates({ letter: { complaint: "Please do not complain." } })[0]?.message).toContain(
      "must name the person's regulator",
    );
    expect(checkTemplates({ letter: { contact: "Write to {{contact.name}}." } })[0]?.message).toContain(
      "must give a way to reach the contact point",
    );
    expect(checkTemplates({ statement: { body: "Dear {{person.name}}" } })[0]?.field).toBe("statement.body");
  });

  it("allows comments and sections on known placeholders", () => {
    expect(
      checkTemplates({
        letter: { contact: "{{! note }}{{#contact.email}}Mail {{contact.email}}{{/contact.email}}" },
      }),
    ).toEqual([]);
  });

  it("escapes every value in HTML and leaves text as it is", () => {
    const view = { person: { name: `<b>O'Brien & "Co"</b>` } };
    expect(fillTemplate("Dear {{person.name}}", view, escapeHtml)).toBe(
      "Dear &lt;b&gt;O&#39;Brien &amp; &quot;Co&quot;&lt;/b&gt;",
    );
    expect(fillTemplate("Dear {{person.name}}", view)).toBe(`Dear <b>O'Brien & "Co"</b>`);
  });
});
