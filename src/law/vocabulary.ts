/**
 * The law's vocabulary that other parts of dpdesk read without the rest of the rule engine (no schemas, no
 * packs): the kinds of personal data an incident names, Art 9's special categories, and the country codes.
 * Impact analysis loads only this, so its worker threads start quickly; the web desk bundles it for its forms.
 */
export { isCountry } from "./countries.js";

export const dataCategories = [
  "name",
  "contact",
  "address",
  "date_of_birth",
  "government_id",
  "financial",
  "credentials",
  "location",
  "online_identifiers",
  "employment",
  "children",
  "criminal_offence",
  "racial_or_ethnic_origin",
  "political_opinions",
  "religious_or_philosophical_beliefs",
  "trade_union_membership",
  "genetic",
  "biometric",
  "health",
  "sex_life_or_sexual_orientation",
] as const;
export type DataCategory = (typeof dataCategories)[number];

/**
 * The special categories of GDPR Art 9(1), the same list in the UK, Isle of Man, Jersey, Guernsey and EU laws
 * (RULEBOOK §2.5 [V U17]). Jersey and Guernsey add criminal data; each pack says which it uses.
 */
export const article9Categories = [
  "racial_or_ethnic_origin",
  "political_opinions",
  "religious_or_philosophical_beliefs",
  "trade_union_membership",
  "genetic",
  "biometric",
  "health",
  "sex_life_or_sexual_orientation",
] as const satisfies readonly DataCategory[];
