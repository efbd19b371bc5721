/** The law room's public surface: the rules as data and the pure assessment. */
export { assessBreach, type AssessOptions } from "./assess-breach.js";
export { assessRisk } from "./assess-risk.js";
export * from "./assessment.js";
export { countryName, euMemberStates, isCountry, type Country } from "./countries.js";
export * from "./incident.js";
export { packInForce, rulePacks } from "./packs/index.js";
export type { Facts, PackId, Regulator, RulePack } from "./rule-pack.js";
