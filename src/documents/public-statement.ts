/**
 * The public statement: what an organisation publishes when telling each person would take disproportionate
 * effort (GDPR Art 34(3)(c) and its island equivalents: "a public communication or similar measure whereby the
 * data subjects are informed in an equally effective manner"). The same facts as the letters, for everyone.
 */
import { fillTemplate, statementTemplates, type Escape } from "./letter-templates.js";
import { adviceFor, englishList, noticeCategoryPhrases } from "./plain-language.js";
import type { LetterContext } from "./subject-letter.js";

export interface PublicStatement {
  title: string;
  paragraphs: string[];
}

export function buildPublicStatement(context: LetterContext, escape?: Escape): PublicStatement {
  const { input } = context;
  const response = input.incident.response ?? {};
  const lead = input.regulators[input.leadJurisdiction];
  const advice = [response.adviceToPeople, ...adviceFor(input.incident.dataCategories)].filter(
    (text): text is string => text !== undefined && text.length > 0,
  );
  const view = {
    ...context.shared,
    yourData: englishList(noticeCategoryPhrases(input.incident.dataCategories)) || "personal information",
    advice: advice.join(" "),
    regulator: {
      name: lead?.name ?? "data protection regulator",
      web: lead?.web ?? "",
      phone: lead?.phone ?? "",
    },
  };
  const parts = statementTemplates(input.templates);
  const fill = (template: string) => fillTemplate(template, view, escape).trim();
  return {
    title: fill(parts.title),
    paragraphs: [parts.body, parts.whatYouCanDo, parts.contact, parts.complaint]
      .map(fill)
      .filter((text) => text.length > 0),
  };
}
