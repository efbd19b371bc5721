/**
 * The law's vocabulary in plain words for the forms and pages. Typed against the law room's own lists, so a new
 * category or cause fails the type check here until it has words.
 */
import { article9Categories, type DataCategory } from "../law/vocabulary.js";
import type { Cause, Nature } from "../law/incident.js";
import type { DecisionInput, NotificationInput } from "../breaches/breach-inputs.js";
import type { DutyKind, DutyStatus, Role } from "./api-types.js";

export const categoryLabels: Record<DataCategory, string> = {
  name: "Names",
  contact: "Contact details (e-mail, phone)",
  address: "Postal addresses",
  date_of_birth: "Dates of birth",
  government_id: "National Insurance, passport or other ID numbers",
  financial: "Bank, card or other financial details",
  credentials: "Passwords or log-in details",
  location: "Location data",
  online_identifiers: "Online identifiers (IP addresses, cookies)",
  employment: "Employment or membership details",
  children: "Data about children",
  criminal_offence: "Criminal convictions or offences",
  racial_or_ethnic_origin: "Racial or ethnic origin",
  political_opinions: "Political opinions",
  religious_or_philosophical_beliefs: "Religious or philosophical beliefs",
  trade_union_membership: "Trade union membership",
  genetic: "Genetic data",
  biometric: "Biometric data (to identify someone)",
  health: "Health, including disability",
  sex_life_or_sexual_orientation: "Sex life or sexual orientation",
};

/** Art 9(1)'s special categories (RULEBOOK §2.5), shown as their own group: the law's own list. */
export const specialCategories: readonly DataCategory[] = article9Categories;

export const everydayCategories: readonly DataCategory[] = [
  "name",
  "contact",
  "address",
  "date_of_birth",
  "employment",
  "online_identifiers",
  "location",
];

export const riskierCategories: readonly DataCategory[] = [
  "financial",
  "government_id",
  "credentials",
  "children",
  "criminal_offence",
];

export const causeLabels: Record<Cause, string> = {
  cyber_attack: "A cyber attack (hacking, ransomware, phishing)",
  lost_or_stolen_device: "A lost or stolen device or paper file",
  misdirected: "Sent to the wrong person",
  unauthorised_access: "Someone looked at data they should not have",
  accidental_disclosure: "Published or shared by mistake",
  other: "Something else",
};

export const natureLabels: Record<Nature, string> = {
  confidentiality: "Someone who should not have it saw or took the data",
  integrity: "The data was changed or corrupted",
  availability: "The data was lost, deleted or locked away",
};

export const dutyLabels: Record<DutyKind, string> = {
  regulator: "Tell the regulator",
  subjects: "Tell the people affected",
  processor: "Tell the controller",
};

export const statusLabels: Record<DutyStatus, string> = {
  met: "Done",
  decided: "Decided",
  open: "To do",
  overdue: "Overdue",
  not_required: "Not required",
};

const decisionWords: Record<string, string> = {
  required: "Required",
  not_required: "Not required",
  recommended: "Recommended",
  judgement: "Your judgement",
  public_communication: "Public statement",
};

export function decisionLabel(decision: string): string {
  return decisionWords[decision] ?? decision;
}

export const outcomeLabels: Record<DecisionInput["outcome"], string> = {
  notify: "We will notify / have notified",
  not_notify: "We will not notify",
  public_communication: "A public statement instead",
  defer: "Decide later (more facts needed)",
};

export const roleLabels: Record<Role, string> = {
  owner: "Owner: everything, including users",
  dpo: "Data protection officer",
  handler: "Incident handler",
  viewer: "Viewer: read only",
};

/** A country's name in English from its ISO code ("unknown" where an exposed file did not say). */
export function countryLabel(code: string): string {
  if (code === "unknown") return "Not known";
  try {
    return new Intl.DisplayNames(["en-GB"], { type: "region" }).of(code) ?? code;
  } catch {
    return code;
  }
}

/** The four home jurisdictions first, as most breaches here concern them. */
export const homeJurisdictions = ["GB", "IM", "JE", "GG"] as const;

const fieldWords: Record<string, string> = {
  title: "The breach's name",
  description: "What happened",
  awareAt: "When you became aware",
  occurredAt: "When it happened",
  discoveredAt: "When it was discovered",
  "controller.name": "Your organisation",
  "controller.establishments": "Where the organisation is established",
  records: "How many records",
  dataCategories: "What data",
  "protection.keyCompromised": "The key was taken too",
  jurisdiction: "Jurisdiction",
  rationale: "Why",
  givenAt: "When",
  delayReason: "Reason for any delay",
  email: "E-mail",
  password: "Password",
  confirm: "Password again",
  organisation: "Organisation",
  role: "Role",
  file: "File",
};

/** A field as the API names it (`subjects.JE`, `response.contact.email`), in the words of the form. */
export function fieldLabel(path: string): string {
  const known = fieldWords[path];
  if (known !== undefined) return known;
  const people = /^subjects\.(.+)$/.exec(path);
  if (people?.[1] !== undefined)
    return `People living in ${/^[A-Z]{2}$/.test(people[1]) ? countryLabel(people[1]) : `"${people[1]}"`}`;
  if (path.startsWith("response.contact.")) {
    const part = path.slice("response.contact.".length);
    return `The contact point's ${{ name: "name", role: "role", email: "e-mail", phone: "phone", address: "address" }[part] ?? part}`;
  }
  if (path.startsWith("response.")) return "What the notices say";
  return path;
}

/** A message from the API with the incident's field names in words: "must not be before when it happened". */
export function humaniseMessage(message: string): string {
  return message.replaceAll(/\b(awareAt|occurredAt|discoveredAt)\b/g, (name) =>
    (fieldWords[name] ?? name).toLowerCase(),
  );
}

/** Who a notice was given to, as the end of "told …". */
export const recipientWords: Record<NotificationInput["recipient"], string> = {
  regulator: "the regulator",
  subjects: "the people affected",
  public: "the public",
  controller: "the controller",
};
