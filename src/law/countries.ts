/**
 * Countries as ISO 3166-1 alpha-2 codes. The Crown Dependencies have their own codes (Isle of Man `IM`,
 * Jersey `JE`, Guernsey `GG`) and are not part of `GB`.
 */

// The 249 officially assigned ISO 3166-1 alpha-2 codes. Reserved codes such as `UK`, `EL` or `EU` are not
// countries and are rejected with a hint.
const ISO_3166_1_ALPHA_2 =
  "AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ " +
  "CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO " +
  "FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE " +
  "JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO " +
  "MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW " +
  "PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM " +
  "TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW";

const countryCodes: ReadonlySet<string> = new Set(ISO_3166_1_ALPHA_2.split(" "));

/** An ISO 3166-1 alpha-2 country code, e.g. `GB`, `IM`, `JE`, `GG`, `FR`. */
export type Country = string;

export function isCountry(code: string): boolean {
  return countryCodes.has(code);
}

// Codes people write that ISO does not assign, and what they usually mean.
const commonMistakes: Readonly<Record<string, string>> = {
  UK: "GB",
  EL: "GR",
  EN: "GB",
  JS: "JE",
  IOM: "IM",
};

/** Why a code is not a country, in words a user can act on, or null when it is one. */
export function explainNotACountry(code: string): string | null {
  if (isCountry(code)) return null;
  const upper = code.toUpperCase();
  if (upper !== code && isCountry(upper))
    return `must be an upper-case ISO 3166-1 alpha-2 code (did you mean "${upper}"?)`;
  const meant = commonMistakes[upper];
  if (meant !== undefined) return `"${code}" is not an ISO 3166-1 alpha-2 code (did you mean "${meant}"?)`;
  return `"${code}" is not an ISO 3166-1 alpha-2 country code`;
}

// Looked up once, on first use: Intl.DisplayNames is slow enough to show in bench/assess.ts, and building it
// (20 ms) would slow the start of commands that never name a country (dpdesk impact).
let names: ReadonlyMap<string, string> | null = null;

/** The English name of a country, e.g. `IM` → "Isle of Man". */
export function countryName(code: Country): string {
  if (names === null) {
    const regionNames = new Intl.DisplayNames(["en-GB"], { type: "region" });
    names = new Map([...countryCodes].map((known) => [known, regionNames.of(known) ?? known]));
  }
  return names.get(code) ?? code;
}

/**
 * The 27 EU member states, where the EU GDPR applies (RULEBOOK §2). Outermost regions with their own ISO codes
 * (French overseas departments, Saint-Martin) and the Åland Islands are part of the EU too (TFEU Art 355, not in
 * the RULEBOOK: [U]); they are listed with the member state whose authority supervises them.
 */
export const euMemberStates: Readonly<Record<string, Country>> = {
  AT: "AT",
  BE: "BE",
  BG: "BG",
  HR: "HR",
  CY: "CY",
  CZ: "CZ",
  DK: "DK",
  EE: "EE",
  FI: "FI",
  FR: "FR",
  DE: "DE",
  GR: "GR",
  HU: "HU",
  IE: "IE",
  IT: "IT",
  LV: "LV",
  LT: "LT",
  LU: "LU",
  MT: "MT",
  NL: "NL",
  PL: "PL",
  PT: "PT",
  RO: "RO",
  SK: "SK",
  SI: "SI",
  ES: "ES",
  SE: "SE",
  // Parts of the EU with their own ISO 3166-1 codes, mapped to the member state they belong to [U].
  AX: "FI",
  GF: "FR",
  GP: "FR",
  MQ: "FR",
  RE: "FR",
  YT: "FR",
  MF: "FR",
};
