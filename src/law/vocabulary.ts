/**
 * The law's vocabulary that other parts of dpdesk read without the rest of the rule engine (no schemas, no
 * packs): the kinds of personal data an incident names, and the country codes. Impact analysis loads only
 * this, so its worker threads start quickly.
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
