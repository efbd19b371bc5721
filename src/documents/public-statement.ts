/**
 * The public statement: what an organisation publishes when telling each person would take disproportionate
 * effort (GDPR Art 34(3)(c) and its island equivalents: "a public communication or similar measure whereby the
 * data subjects are informed in an equally effective manner"). The same facts as the letters, for everyone.
 */
import { fillTemplate, statementTemplates } from "./letter-templates.js";
import { adviceFor, englishList, noticeCategoryPhrases } from "./plain-language.js";
import type { LetterContext } from "./subject-letter.js";

export interface PublicStatement {
  title: string;
  paragraphs: string[];
}

/** The statement as plain text (HTML output escapes all of it). */
export function buildPublicStatement(context: LetterContext): PublicStatement {
  const { input } = context;
  const response = input.incident.response ?? {};
  const advice = [response.adviceToPeople, ...adviceFor(input.incident.dataCategories)].filter(
    (text): text is string => text !== undefined && text.length > 0,
  );
  const view = {
    ...context.shared,
    yourData: englishList(noticeCategoryPhrases(input.incident.dataCategories)) || "personal information",
    advice: advice.join(" "),
    regulator: { name: input.regulators[input.leadJurisdiction]?.name ?? "data protection regulator" },
    regulators: englishList(Object.values(input.regulators).map((regulator) => `the ${regulator.name}`)),
  };
  const parts = statementTemplates(input.templates);
  const fill = (template: string) => fillTemplate(template, view).trim();
  return {
    title: fill(parts.title),
    paragraphs: [parts.body, parts.whatYouCanDo, parts.contact, parts.complaint]
      .map(fill)
      .filter((text) => text.length > 0),
  };
}
