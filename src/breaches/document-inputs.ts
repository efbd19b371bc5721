/**
 * What the documents room needs from a breach, gathered from the breach's view and the law: each obligation's
 * time zone and special categories (from its rule pack), the regulators' contacts, and the notices given.
 */
import { countryName, rulePacks, type Obligation } from "../law/index.js";
import type { LetterContextInput, RegulatorContact } from "../documents/subject-letter.js";
import type { NoticeGiven, NoticeInput, NoticePhase } from "../documents/regulator-notice.js";
import type { TemplateOverrides } from "../documents/letter-templates.js";
import type { BreachView } from "./breach-service.js";
import { NotFound } from "../platform/errors.js";

function packOf(obligation: Obligation) {
  const id = obligation.pack?.id;
  return id === undefined ? undefined : rulePacks.find((pack) => pack.id === id);
}

export function timeZoneOf(obligation: Obligation): string {
  return packOf(obligation)?.jurisdictions[obligation.jurisdiction]?.timeZone ?? "UTC";
}

function specialCategoriesOf(obligation: Obligation): string[] {
  return [...(packOf(obligation)?.specialCategories ?? [])];
}

export function obligationFor(breach: BreachView, jurisdiction: string): Obligation {
  const obligation = breach.assessment.obligations.find((o) => o.jurisdiction === jurisdiction);
  if (obligation === undefined)
    throw new NotFound(
      `obligation for ${jurisdiction} (this breach concerns ${breach.assessment.obligations.map((o) => o.jurisdiction).join(", ")})`,
    );
  return obligation;
}

function noticesGiven(breach: BreachView): NoticeGiven[] {
  const regulatorNames = new Map(
    breach.assessment.obligations.map((o) => [o.jurisdiction, o.regulator.name]),
  );
  return breach.notifications.map((n) => ({
    jurisdiction: n.jurisdiction,
    recipient: n.recipient,
    givenAt: n.givenAt,
    method: n.method,
    reference: n.reference,
    regulatorName: n.recipient === "regulator" ? regulatorNames.get(n.jurisdiction) : undefined,
  }));
}

export function noticeInputFor(
  breach: BreachView,
  jurisdiction: string,
  options: {
    phase: NoticePhase;
    version: number | null;
    at: Date;
    lettersSent?: { count: number; firstAt: string } | null;
  },
): NoticeInput {
  const obligation = obligationFor(breach, jurisdiction);
  const given = noticesGiven(breach);
  // Every country the notice can mention, by name: the documents room may not look names up itself.
  const codes = new Set([
    jurisdiction,
    ...breach.incident.controller.establishments,
    ...Object.keys(breach.incident.subjects),
    ...given.map((notice) => notice.jurisdiction),
  ]);
  return {
    breachId: breach.id,
    incident: breach.incident,
    obligation,
    countryNames: Object.fromEntries([...codes].map((code) => [code, countryName(code)])),
    timeZone: timeZoneOf(obligation),
    specialCategories: specialCategoriesOf(obligation),
    phase: options.phase,
    version: options.version,
    preparedAt: options.at.toISOString(),
    given,
    delayReasonItem: packOf(obligation)?.delayReasonItem ?? null,
    lettersSent: options.lettersSent ?? null,
  };
}

/** The breach-wide half of every letter: facts, each jurisdiction's regulator, wording. */
export function letterContextFor(
  breach: Pick<BreachView, "id" | "incident" | "assessment">,
  templates: TemplateOverrides | null,
  at: Date,
): LetterContextInput {
  const obligations = breach.assessment.obligations;
  const regulators: Record<string, RegulatorContact> = {};
  const special = new Set<string>();
  for (const obligation of obligations) {
    if (obligation.pack !== null) {
      const { name, contact } = obligation.regulator;
      regulators[obligation.jurisdiction] = { name, ...contact };
    }
    for (const category of specialCategoriesOf(obligation)) special.add(category);
  }
  const lead = obligations[0];
  return {
    breachId: breach.id,
    incident: breach.incident,
    regulators,
    leadJurisdiction: lead?.jurisdiction ?? "GB",
    specialCategories: [...special],
    timeZone: lead === undefined ? "UTC" : timeZoneOf(lead),
    preparedAt: at.toISOString(),
    templates,
  };
}
