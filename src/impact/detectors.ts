/**
 * Detectors for the impact analysis of exposed member files: which column of a CSV export holds which kind of
 * personal data, and where each person lives (by postcode, country or phone number).
 *
 * Everything here is pure: no I/O, no clock. `postcodeJurisdiction`, `countryJurisdiction` and
 * `phoneJurisdiction` run once per row on files of millions of rows, so they scan character codes instead of
 * building intermediate strings; the rest runs once per column.
 */
import { isCountry, type DataCategory } from "../law/vocabulary.js";

export type ColumnRole =
  | "email"
  | "first_name"
  | "last_name"
  | "full_name"
  | "date_of_birth"
  | "postcode"
  | "country"
  | "phone"
  | "address"
  | "parish"
  | "other";

/** The value detectors, most specific first: on a tie in the share of samples, the earlier one wins. */
const valueDetectors = [
  "email",
  "iban",
  "card_number",
  "ni_number",
  "uk_postcode",
  "sort_code",
  "uk_phone",
  "date",
  "passport",
  "account_number",
  "country",
] as const;
export type ValueDetector = (typeof valueDetectors)[number];

export interface ColumnClass {
  role: ColumnRole;
  category: DataCategory | null;
  /** 0..1: about 0.6 for a header alone, 0.95 and more when the header and the values agree. */
  confidence: number;
  /** The value detector that most sampled values passed, when it decided the class. */
  detector: ValueDetector | null;
  /** Up to three masked example values (see `maskValue`). */
  examples: string[];
  /** One readable sentence saying why. It names the header and counts values, never quotes them. */
  reason: string;
}

export interface ClassifyOptions {
  /**
   * The year the file was exported, to tell birth dates from other dates by the ages they give. Without it a
   * date column is a date of birth only when its header says so (no clock is read here).
   */
  asOfYear?: number;
  /**
   * The year to read ages in for a column whose header says it holds dates of birth: when most give ages under
   * 18, the column is children's data (their dates of birth). Header-led only: dates alone say too little.
   */
  childrenAsOfYear?: number;
}

// ---------------------------------------------------------------------------------------------------------
// Value validators
// ---------------------------------------------------------------------------------------------------------

const EMAIL =
  /^[a-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*@(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,63}$/i;

/** An address, also when written with its owner's name ("Gus Brown <gus@example.com>") or as a mailto: link. */
function isEmail(value: string): boolean {
  const angled = /<([^<>]+)>$/.exec(value)?.[1] ?? value;
  const address = angled.replace(/^mailto:/i, "");
  return address.length <= 254 && EMAIL.test(address);
}

/** What exports put where there is no value ("n/a", "none", "-", "unknown", "NULL", "no email"): not data. */
const placeholder =
  /^(n\/?a|none|nil|null|unknown|not known|not given|-+|\.|x|0|tbc|no ?e-?mail|no ?address)$/i;

function isPlaceholder(value: string): boolean {
  return placeholder.test(value.trim());
}

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

/** 13 to 19 digits (spaces and dashes allowed) passing the Luhn check (ISO/IEC 7812-1). */
function isCardNumber(value: string): boolean {
  let digits = 0;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (isDigit(c)) digits++;
    else if (c !== 32 && c !== 45) return false;
  }
  if (digits < 13 || digits > 19) return false;
  let sum = 0;
  let double = false;
  for (let i = value.length - 1; i >= 0; i--) {
    const c = value.charCodeAt(i);
    if (!isDigit(c)) continue;
    let d = c - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

/** An IBAN (ISO 13616): a country code, two check digits and the account, mod 97 equal to 1; spaces allowed. */
function isIban(value: string): boolean {
  const compact = value.replace(/ /g, "").toUpperCase();
  if (!/^[A-Z]{2}\d{2}[A-Z0-9]{11,30}$/.test(compact) || !isCountry(compact.slice(0, 2))) return false;
  // Move the first four characters to the end, read letters as 10..35, and reduce mod 97 as we go.
  const rearranged = compact.slice(4) + compact.slice(0, 4);
  let remainder = 0;
  for (let i = 0; i < rearranged.length; i++) {
    const c = rearranged.charCodeAt(i);
    if (isDigit(c)) remainder = (remainder * 10 + (c - 48)) % 97;
    else remainder = (remainder * 100 + (c - 55)) % 97;
  }
  return remainder === 1;
}

// HMRC's National Insurance number format: the prefix letters D, F, I, Q, U and V are never used, nor O as the
// second letter, nor the prefixes BG, GB, KN, NK, NT, TN and ZZ; the suffix is A, B, C or D.
const NI_NUMBER = /^[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z]\d{6}[A-D]$/;
const niForbiddenPrefixes: ReadonlySet<string> = new Set(["BG", "GB", "KN", "NK", "NT", "TN", "ZZ"]);

function isNiNumber(value: string): boolean {
  const compact = value.replace(/ /g, "").toUpperCase();
  return NI_NUMBER.test(compact) && !niForbiddenPrefixes.has(compact.slice(0, 2));
}

const SORT_CODE = /^\d{2}([- ])\d{2}\1\d{2}$/;
const UK_ACCOUNT_NUMBER = /^\d{8}$/;
const UK_PASSPORT = /^\d{9}$/;

interface CalendarDate {
  year: number;
  /** True when the year was written with two digits, so its century is a guess. */
  shortYear: boolean;
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;
// Day first, as UK exports write dates; the same separator twice.
const DMY_DATE = /^(\d{1,2})([/.])(\d{1,2})\2(\d{4}|\d{2})$/;

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** A real calendar date written yyyy-mm-dd, dd/mm/yyyy or d/m/yy (or with dots), or null. */
function parseDate(value: string): CalendarDate | null {
  let day: number;
  let month: number;
  let year: number;
  let shortYear = false;
  const iso = ISO_DATE.exec(value);
  if (iso !== null) {
    year = Number(iso[1]);
    month = Number(iso[2]);
    day = Number(iso[3]);
  } else {
    const dmy = DMY_DATE.exec(value);
    if (dmy === null) return null;
    const yearText = dmy[4] ?? "";
    day = Number(dmy[1]);
    month = Number(dmy[3]);
    shortYear = yearText.length === 2;
    // For a two-digit year, 29 February is real if it is in either century (only "00" differs: 2000 was leap).
    year = shortYear ? 2000 + Number(yearText) : Number(yearText);
  }
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null;
  return { year, shortYear };
}

/** The age in `asOfYear` of someone born on the date, reading a two-digit year as the latest past one. */
function ageIn(date: CalendarDate, asOfYear: number): number {
  const year = date.shortYear && date.year > asOfYear ? date.year - 100 : date.year;
  return asOfYear - year;
}

// Members of a union are of working age or retired; below 14 or above 110 a "birth date" is some other date.
const plausibleAge = { min: 14, max: 110 } as const;

function validates(detector: ValueDetector, value: string): boolean {
  switch (detector) {
    case "email":
      return isEmail(value);
    case "iban":
      return isIban(value);
    case "card_number":
      return isCardNumber(value);
    case "ni_number":
      return isNiNumber(value);
    case "uk_postcode":
      return postcodeJurisdiction(value) !== null;
    case "sort_code":
      return SORT_CODE.test(value);
    case "uk_phone":
      return phoneJurisdiction(value) !== null;
    case "date":
      return parseDate(value) !== null;
    case "passport":
      return UK_PASSPORT.test(value);
    case "account_number":
      return UK_ACCOUNT_NUMBER.test(value);
    case "country":
      return countryJurisdiction(value) !== null;
  }
}

// Bare runs of digits and country codes are too common to overrule a header that says what a column is: an
// 8-digit member number is not a bank account, and "Jordan" in a first-name column is not a country.
const weakDetectors: ReadonlySet<ValueDetector> = new Set(["passport", "account_number", "country"]);

const detectorMeaning: Readonly<Record<ValueDetector, string>> = {
  email: "valid e-mail addresses",
  iban: "valid IBANs",
  card_number: "card numbers passing the Luhn check",
  ni_number: "valid National Insurance numbers",
  uk_postcode: "valid UK-format postcodes",
  sort_code: "sort codes",
  uk_phone: "valid UK-format phone numbers",
  date: "real calendar dates",
  passport: "9-digit numbers like UK passport numbers",
  account_number: "8-digit numbers like UK bank account numbers",
  country: "countries",
};

const detectorClass: Readonly<
  Record<Exclude<ValueDetector, "date">, { role: ColumnRole; category: DataCategory | null; what: string }>
> = {
  email: { role: "email", category: "contact", what: "e-mail addresses" },
  iban: { role: "other", category: "financial", what: "bank account numbers (IBAN)" },
  card_number: { role: "other", category: "financial", what: "payment card numbers" },
  ni_number: { role: "other", category: "government_id", what: "National Insurance numbers" },
  uk_postcode: { role: "postcode", category: "address", what: "postcodes" },
  sort_code: { role: "other", category: "financial", what: "sort codes" },
  uk_phone: { role: "phone", category: "contact", what: "phone numbers" },
  passport: { role: "other", category: "government_id", what: "passport numbers" },
  account_number: { role: "other", category: "financial", what: "bank account numbers" },
  country: { role: "country", category: null, what: "countries" },
};

// ---------------------------------------------------------------------------------------------------------
// Headers
// ---------------------------------------------------------------------------------------------------------

interface HeaderRule {
  /** Tested against the header lower-cased, camelCase split and punctuation turned into single spaces. */
  pattern: RegExp;
  role: ColumnRole;
  category: DataCategory | null;
  /** What the header names, for the reason: "names <what>". */
  what: string;
  /** Value detectors whose values agree with the header. */
  expects: readonly ValueDetector[];
}

// Order matters: the first rule that matches wins, so "IP address" and "E-mail address" come before "address",
// "Member number" before "card number", and "Employer name" and "Branch name" before "name".
const headerRules: readonly HeaderRule[] = [
  {
    pattern:
      /\b(pass ?words?|passwd|pwd|pass ?codes?|pins?|secrets?|password hash|(api|access|auth|refresh|session|bearer) ?(tokens?|keys?)|api ?secret)\b/,
    role: "other",
    category: "credentials",
    what: "credentials",
    expects: [],
  },
  {
    pattern:
      /\b(ip|ip ?address(es)?|ipv[46]|user ?names?|logins?|log ?in|screen ?names?|user ?id|device ?id|cookies?|twitter|instagram|facebook|linked ?in|tiktok|social ?media|ga ?client ?id|mac ?address|imei|advertising ?id|user ?agent)\b/,
    role: "other",
    category: "online_identifiers",
    what: "an online identifier",
    expects: [],
  },
  {
    pattern: /\be ?mail|\b(courriel|correo( electronico)?|posta elettronica)\b/,
    role: "email",
    category: "contact",
    what: "an e-mail address",
    expects: ["email"],
  },
  {
    pattern: /\b(nationality|nationalities|citizenship|(place|country|town|city) ?of ?birth|birth ?place)\b/,
    role: "other",
    category: null,
    what: "a nationality or place of birth, which is not where someone lives, so it is not used for attribution",
    expects: ["country"],
  },
  {
    pattern:
      /\b(dob|d ?o ?b|date ?of ?birth|birth ?(date|day)|birthdate|birthday|born|birth|date de naissance|geburtsdatum|fecha de nacimiento|data di nascita)\b/,
    role: "date_of_birth",
    category: "date_of_birth",
    what: "a date of birth",
    expects: ["date"],
  },
  {
    pattern: /\b(ni|nino|nin|ni ?(no|num|number)|national ?insurance|nat ?ins)\b/,
    role: "other",
    category: "government_id",
    what: "a National Insurance number",
    expects: ["ni_number"],
  },
  {
    pattern: /\bpassport/,
    role: "other",
    category: "government_id",
    what: "a passport number",
    expects: ["passport"],
  },
  {
    pattern: /\b(driving ?licen[cs]e|driver ?licen[cs]e|national ?id|id ?card ?number)\b/,
    role: "other",
    category: "government_id",
    what: "a government identifier",
    expects: [],
  },
  {
    pattern:
      /\b(member(ship)?|customer|record|ref|reference|person|row|staff|employee|payroll|personnel|works|student|account ?holder) ?(number|no|num|id|ref)\b|\bpayroll ?ref\w*|^(id|uid|uuid|ref)$/,
    role: "other",
    category: null,
    what: "a record or member number, which is not personal data of a category of its own",
    expects: [],
  },
  {
    pattern: /\bsort ?code/,
    role: "other",
    category: "financial",
    what: "a bank sort code",
    expects: ["sort_code"],
  },
  { pattern: /\biban\b/, role: "other", category: "financial", what: "an IBAN", expects: ["iban"] },
  {
    pattern: /\b(card|cards|credit ?card|debit ?card|pan|card ?(number|no|num))\b/,
    role: "other",
    category: "financial",
    what: "a payment card number",
    expects: ["card_number"],
  },
  {
    pattern: /\b(bank|bank ?account|account ?(number|no|num)|acc ?(no|num)|acct( ?(no|num))?)\b/,
    role: "other",
    category: "financial",
    what: "a bank account",
    expects: ["account_number", "iban"],
  },
  {
    pattern: /\b(credit ?(limit|score|rating|history)|balance|arrears|debts?|loans?|mortgages?|overdraft)\b/,
    role: "other",
    category: "financial",
    what: "financial standing",
    expects: [],
  },
  {
    pattern: /\bright ?to ?work\b|\b(visa|immigration ?status|residence ?permit|brp)\b/,
    role: "other",
    category: "government_id",
    what: "a right-to-work or immigration document",
    expects: [],
  },
  {
    pattern: /\b(salary|salaries|wages?|income|pay|earnings|pay ?band|pay ?grade)\b/,
    role: "other",
    category: "financial",
    what: "pay",
    expects: [],
  },
  {
    pattern:
      /\b(post ?code|postal ?code|zip|zip ?code|eircode|code postal|plz|postleitzahl|codigo postal|cap)\b/,
    role: "postcode",
    category: "address",
    what: "a postcode",
    expects: ["uk_postcode"],
  },
  {
    pattern: /\b(country|country ?of ?residence|residence ?country|pays|pais|paese|staat)\b/,
    role: "country",
    category: null,
    what: "a country of residence, used to attribute people to jurisdictions",
    expects: ["country"],
  },
  {
    pattern:
      /\b(tele)?phone|\bmobile|\b(mob|tel|tel ?no|cell|landline|fax|contact ?number|telephone|portable|handy|telefon|telefono|movil|cellulare)\b/,
    role: "phone",
    category: "contact",
    what: "a phone number",
    expects: ["uk_phone"],
  },
  {
    // Flags about the record, not facts about the person: "Terms and Conditions", "Third Party Marketing".
    pattern: /\b(consent|consents|terms|marketing|opt ?in|opt ?out|preferences?|subscri\w*|gift ?aid|gdpr)\b/,
    role: "other",
    category: null,
    what: "a consent or preference flag, not personal data of a category of its own",
    expects: [],
  },
  {
    pattern: /\b(cvv|cvc|security ?(code|answer|question)|memorable ?(word|answer))\b/,
    role: "other",
    category: "credentials",
    what: "a security code or answer",
    expects: [],
  },
  {
    pattern: /\b(nhs|chi|hcn) ?(number|no|num)?\b|\b(social ?security|ssn|tax ?(id|number|reference)|utr)\b/,
    role: "other",
    category: "government_id",
    what: "a health-service, social-security or tax number",
    expects: [],
  },
  {
    pattern: /\b(children|child|dependants?|dependents?|under ?18|minors?|guardian ?of)\b/,
    role: "other",
    category: "children",
    what: "data about children",
    expects: [],
  },
  // The special categories of personal data (GDPR Art 9(1) and its UK, Isle of Man, Jersey and Guernsey
  // equivalents), then criminal offence data (Art 10).
  {
    pattern: /\b(ethnic|ethnicity|race|racial)\b/,
    role: "other",
    category: "racial_or_ethnic_origin",
    what: "racial or ethnic origin (a special category)",
    expects: [],
  },
  {
    pattern: /\b(religion|religious|faith|beliefs?|church|mosque|synagogue|temple|denomination)\b/,
    role: "other",
    category: "religious_or_philosophical_beliefs",
    what: "religious or philosophical beliefs (a special category)",
    expects: [],
  },
  {
    pattern: /\b(sexual|sexuality|orientation|lgbt\w*)\b/,
    role: "other",
    category: "sex_life_or_sexual_orientation",
    what: "sex life or sexual orientation (a special category)",
    expects: [],
  },
  {
    pattern:
      /\b(disability|disabilities|disabled|health|medical|diagnosis|illness|(medical|health|long ?term) ?conditions?|allerg(y|ies)|sickness|reasonable ?adjustments?|hiv|medications?|prescriptions?|vaccinations?|vaccinated|pregnan(t|cy)|blood ?(group|type)|sen|ehcp|special educational needs|absence ?reason|reason ?for ?absence|sick ?notes?|fit ?notes?|mental ?health)\b/,
    role: "other",
    category: "health",
    what: "health (a special category)",
    expects: [],
  },
  {
    pattern: /\b(trade ?union|union|branch|branches)\b/,
    role: "other",
    category: "trade_union_membership",
    what: "trade union membership (a special category)",
    expects: [],
  },
  {
    pattern: /\b(political|politics|voting ?intention|party ?(member|membership|affiliation|supporter))\b/,
    role: "other",
    category: "political_opinions",
    what: "political opinions (a special category)",
    expects: [],
  },
  {
    pattern: /\b(genetic|genetics|dna|genome)\b/,
    role: "other",
    category: "genetic",
    what: "genetic data (a special category)",
    expects: [],
  },
  {
    pattern: /\b(biometric|biometrics|fingerprints?|face ?prints?|facial|retina|iris)\b/,
    role: "other",
    category: "biometric",
    what: "biometric data (a special category)",
    expects: [],
  },
  {
    pattern: /\b(criminal|convictions?|offences?|offenses?|cautions?|dbs)\b/,
    role: "other",
    category: "criminal_offence",
    what: "criminal offence data",
    expects: [],
  },
  {
    pattern: /\b(latitude|longitude|lat|lng|lon|gps|geo ?location|coordinates)\b/,
    role: "other",
    category: "location",
    what: "a location",
    expects: [],
  },
  {
    pattern:
      /\b(employer|employers|employment|job|job ?title|occupation|work ?place|company|department|grade|disciplinary|grievances?|appraisals?|performance ?(rating|review)|line ?manager|contract ?(type|hours)|hire ?date|leaving ?date|termination ?(date|reason)|probation)\b/,
    role: "other",
    category: "employment",
    what: "employment",
    expects: [],
  },
  {
    // Someone else's name (classified as not the person's identity: see `someoneElse` in analyse.ts).
    pattern: /\b(next ?of ?kin|nok|emergency ?contact)\b/,
    role: "other",
    category: "name",
    what: "a next of kin or emergency contact",
    expects: [],
  },
  {
    pattern:
      /\b(first ?name|fore ?names?|given ?names?|christian ?name|prenom|vorname|nombre|nome)\b|^first$/,
    role: "first_name",
    category: "name",
    what: "a first name",
    expects: [],
  },
  {
    pattern:
      /\b(last ?name|sur ?name|family ?name|nom|nom de famille|nachname|familienname|apellidos?|cognome)\b|^last$/,
    role: "last_name",
    category: "name",
    what: "a last name",
    expects: [],
  },
  {
    pattern: /\b(middle ?names?|maiden ?name|initials?)\b/,
    role: "other",
    category: "name",
    what: "part of a name",
    expects: [],
  },
  {
    pattern: /\b(full ?name|names?|known ?as|preferred ?name|display ?name)\b/,
    role: "full_name",
    category: "name",
    what: "a name",
    expects: [],
  },
  {
    // A parish of the islands ("Braddan", "Grouville", "St Peter Port"): part of the address, and where it is.
    pattern: /\b(parish|parishes|paroisse)\b/,
    role: "parish",
    category: "address",
    what: "a parish, part of an address, which places people in the island it is in",
    expects: [],
  },
  {
    pattern:
      /\b(addr\w*|street|road|town|city|county|locality|district|house|flat|building|village|line ?\d|region|province|strasse|stra e|ort|wohnort|ville|localite|ciudad|localidad|citta)\b/,
    role: "address",
    category: "address",
    what: "an address",
    expects: ["uk_postcode"],
  },
];

/** "EmailAddress", "email_address", "E-mail" and "Address1" read as "email address", "e mail", "address 1". */
function normaliseHeader(header: string): string {
  return header
    .normalize("NFKD")
    .replace(/\p{M}/gu, "") // "Prénom" reads as "prenom"
    .replace(/([a-z])([A-Z])/g, "$1 $2")
    .replace(/([A-Z]+)([A-Z][a-z])/g, "$1 $2")
    .replace(/([A-Za-z])(\d)/g, "$1 $2")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, " ")
    .trim();
}

function matchHeader(header: string): HeaderRule | null {
  const normalised = normaliseHeader(header);
  if (normalised === "") return null;
  return headerRules.find((rule) => rule.pattern.test(normalised)) ?? null;
}

// ---------------------------------------------------------------------------------------------------------
// classifyColumn
// ---------------------------------------------------------------------------------------------------------

// At 80% of the non-empty samples the values speak louder than the header (a header "Phone" over a column of
// e-mail addresses holds e-mail addresses); below it a few valid values are coincidence or dirty data.
const valuesWinShare = 0.8;

interface Evidence {
  detector: ValueDetector;
  valid: number;
  share: number;
}

function strongestEvidence(values: readonly string[], among: readonly ValueDetector[]): Evidence | null {
  let best: Evidence | null = null;
  for (const detector of among) {
    let valid = 0;
    for (const value of values) if (validates(detector, value)) valid++;
    if (valid > 0 && (best === null || valid > best.valid))
      best = { detector, valid, share: valid / values.length };
  }
  return best;
}

function round2(n: number): number {
  return Math.round(n * 100) / 100;
}

function distinctExamples(values: readonly string[]): string[] {
  const examples: string[] = [];
  const seen = new Set<string>();
  for (const value of values) {
    if (seen.has(value)) continue;
    seen.add(value);
    examples.push(maskValue(value));
    if (examples.length === 3) break;
  }
  return examples;
}

/** Whether most of the sampled dates give an age under 18 in `asOfYear`. */
function areChildrensBirthDates(values: readonly string[], asOfYear: number): boolean {
  let children = 0;
  for (const value of values) {
    const date = parseDate(value);
    if (date === null) continue;
    const age = ageIn(date, asOfYear);
    if (age >= 0 && age < 18) children++;
  }
  return values.length > 0 && children >= valuesWinShare * values.length;
}

/** Whether most of the sampled dates give an age of a living adult member in `asOfYear`. */
function arePlausibleBirthDates(values: readonly string[], asOfYear: number | undefined): boolean {
  if (asOfYear === undefined) return false;
  let plausible = 0;
  for (const value of values) {
    const date = parseDate(value);
    if (date === null) continue;
    const age = ageIn(date, asOfYear);
    if (age >= plausibleAge.min && age <= plausibleAge.max) plausible++;
  }
  return plausible >= valuesWinShare * values.length;
}

/**
 * Which kind of personal data a column holds, from its header and a sample of its values.
 *
 * The header is matched case-insensitively whatever its punctuation ("E-mail", "email_address",
 * "EmailAddress"). The values are validated for real (Luhn for cards, mod 97 for IBANs, HMRC's prefixes for
 * National Insurance numbers, calendar dates); when at least 80% of the non-empty samples pass one detector,
 * the values win over a header that says otherwise.
 *
 * @example
 * classifyColumn("Phone", ["jane@example.org", "sam@example.com"]).role // "email"
 * classifyColumn("Post Code", ["IM1 1AA", "JE2 3AB"]).category // "address"
 */
export function classifyColumn(
  header: string,
  samples: readonly string[],
  options: ClassifyOptions = {},
): ColumnClass {
  const values = samples
    .map((sample) => sample.trim())
    .filter((value) => value !== "" && !isPlaceholder(value));
  const rule = matchHeader(header);
  const examples = distinctExamples(values);
  const counted = (evidence: Evidence): string =>
    `${evidence.valid} of ${values.length} sampled values are ${detectorMeaning[evidence.detector]}`;

  const agreeing = rule === null ? null : strongestEvidence(values, rule.expects);
  if (rule !== null && agreeing !== null && agreeing.share >= valuesWinShare) {
    const year = options.childrenAsOfYear;
    if (rule.role === "date_of_birth" && year !== undefined && areChildrensBirthDates(values, year))
      return {
        role: rule.role,
        category: "children",
        confidence: round2(0.9 + 0.05 * agreeing.share),
        detector: agreeing.detector,
        examples,
        reason: `Header "${header}" names ${rule.what}, and ${counted(agreeing)} giving ages under 18 in ${String(year)}: children's data.`,
      };
    return {
      role: rule.role,
      category: rule.category,
      confidence: round2(0.95 + 0.05 * agreeing.share),
      detector: agreeing.detector,
      examples,
      reason: `Header "${header}" names ${rule.what}, and ${counted(agreeing)}.`,
    };
  }

  const candidates = rule === null ? valueDetectors : valueDetectors.filter((d) => !weakDetectors.has(d));
  const evidence = strongestEvidence(values, candidates);
  if (evidence !== null && evidence.share >= valuesWinShare) {
    const weak = weakDetectors.has(evidence.detector);
    // Digits alone say less than a checksum or a format with letters in fixed places.
    const confidence = round2(weak ? 0.3 + 0.4 * evidence.share : 0.5 + 0.4 * evidence.share);
    const despite = rule === null ? "" : `, although its header "${header}" names ${rule.what}`;
    if (evidence.detector === "date") {
      if (arePlausibleBirthDates(values, options.asOfYear))
        return {
          role: "date_of_birth",
          category: "date_of_birth",
          confidence,
          detector: "date",
          examples,
          reason: `${counted(evidence)} giving the ages of members in ${options.asOfYear ?? 0}, so the column holds dates of birth${despite}.`,
        };
      const why =
        options.asOfYear === undefined
          ? "nothing says"
          : `the ages they give in ${options.asOfYear} do not say`;
      return {
        role: "other",
        category: null,
        confidence,
        detector: "date",
        examples,
        reason: `${counted(evidence)}, but ${why} they are dates of birth${despite}.`,
      };
    }
    const found = detectorClass[evidence.detector];
    const caveat = weak ? " (digits alone: they could be reference numbers)" : "";
    return {
      role: found.role,
      category: found.category,
      confidence,
      detector: evidence.detector,
      examples,
      reason: `${counted(evidence)}, so the column holds ${found.what}${caveat}${despite}.`,
    };
  }

  // A header about e-mail whose values are not e-mail addresses is a flag or a date about e-mail ("Email Opt
  // Out": 0/1, "Email Bounced Date"): it identifies nobody.
  if (rule?.role === "email" && values.length > 0 && (agreeing?.share ?? 0) < 0.5)
    return {
      role: "other",
      category: null,
      confidence: 0.6,
      detector: null,
      examples,
      reason: `Header "${header}" is about e-mail, but ${String(agreeing?.valid ?? 0)} of ${String(values.length)} sampled values are e-mail addresses: a flag or a date about e-mail, not an address.`,
    };

  if (rule !== null) {
    const checked = rule.expects.length > 0 && values.length > 0;
    const share = agreeing?.share ?? 0;
    // A header alone is worth about 0.6; values that partly back it raise that, values that never do lower it.
    const confidence = checked ? round2(0.45 + 0.5 * share) : 0.6;
    const valid = agreeing?.valid ?? 0;
    const detail = !checked
      ? ""
      : valid === 0
        ? `; none of the ${values.length} sampled values has the expected format`
        : `; only ${valid} of ${values.length} sampled values have the expected format`;
    return {
      role: rule.role,
      category: rule.category,
      confidence,
      detector: null,
      examples,
      reason: `Header "${header}" names ${rule.what}${detail}.`,
    };
  }

  return {
    role: "other",
    category: null,
    confidence: 0.3,
    detector: null,
    examples,
    reason: `Neither the header "${header}" nor the sampled values match a known kind of personal data.`,
  };
}

// ---------------------------------------------------------------------------------------------------------
// maskValue
// ---------------------------------------------------------------------------------------------------------

/** Positions to reveal, in order of preference; a group is revealed whole or not at all. */
type RevealGroups = number[][];

function isLetterOrDigit(ch: string): boolean {
  return /[\p{L}\p{N}]/u.test(ch);
}

/**
 * A masked example: the first character and the shape of the value kept, at most a third of its letters and
 * digits shown (`j***@*******.org`, `IM* ***`, `07*** ******`, `•••• •••• •••• ••11`). Punctuation and
 * spaces are kept as they are.
 */
export function maskValue(value: string): string {
  const chars = Array.from(value.trim());
  const alnum: number[] = [];
  chars.forEach((ch, i) => {
    if (isLetterOrDigit(ch)) alnum.push(i);
  });
  // floor(0.3n + 0.35) reveals 1 of 3, 2 of 6, 3 of 9 and 5 of 16: never more than a third, none of 1 or 2.
  const budget = Math.floor(0.3 * alnum.length + 0.35);
  const text = chars.join("");
  let groups: RevealGroups;
  let digitMask = "•";
  if (isEmail(text)) {
    const at = chars.lastIndexOf("@");
    const dot = chars.lastIndexOf(".");
    const tld = alnum.filter((i) => i > dot);
    groups = [[0], tld, alnum.filter((i) => i > at).slice(0, 1)];
    digitMask = "*";
  } else if (postcodeJurisdiction(text) !== null) {
    // The outward code, character by character: its area letters say which jurisdiction.
    groups = alnum.slice(0, alnum.length - 3).map((i) => [i]);
    digitMask = "*";
  } else if (phoneJurisdiction(text) !== null) {
    // "07" or "+44 7": mobile or landline, no more.
    const firstDigit = chars.findIndex((ch) => ch >= "0" && ch <= "9");
    const prefix = chars[firstDigit] === "0" ? 2 : 3;
    groups = [alnum.slice(0, prefix)];
    digitMask = "*";
  } else {
    const digits = alnum.filter((i) => /\p{N}/u.test(chars[i] ?? ""));
    groups = digits.length > 0 ? [digits.slice(-2), [alnum[0] ?? 0]] : [[alnum[0] ?? 0]];
  }
  const revealed = new Set<number>();
  let left = budget;
  for (const group of groups) {
    const fresh = group.filter((i) => !revealed.has(i));
    if (fresh.length > left) continue;
    for (const i of fresh) revealed.add(i);
    left -= fresh.length;
  }
  return chars
    .map((ch, i) => {
      if (revealed.has(i) || !isLetterOrDigit(ch)) return ch;
      return /\p{N}/u.test(ch) ? digitMask : "*";
    })
    .join("");
}

// ---------------------------------------------------------------------------------------------------------
// postcodeJurisdiction (hot)
// ---------------------------------------------------------------------------------------------------------

function upperLetter(code: number): number {
  if (code >= 97 && code <= 122) return code - 32;
  return code >= 65 && code <= 90 ? code : -1;
}

// Letters by position in the UK postcode format (Royal Mail, as summarised in BS 7666 and commonly published
// [U]): the area's first letter is never Q, V or X and its second never I, J or Z; a letter in the third
// position of A9A is one of ABCDEFGHJKPSTUW, in the fourth of AA9A one of ABEHMNPRVWXY; the inward code's
// letters are never C, I, K, M, O or V.
const POSTCODE_FIRST = letterSet("ABCDEFGHIJKLMNOPRSTUWYZ");
const POSTCODE_SECOND = letterSet("ABCDEFGHKLMNOPQRSTUVWXY");
const POSTCODE_THIRD = letterSet("ABCDEFGHJKPSTUW");
const POSTCODE_FOURTH = letterSet("ABEHMNPRVWXY");
const POSTCODE_INWARD = letterSet("ABDEFGHJLNPQRSTUWXYZ");

function letterSet(letters: string): Uint8Array {
  const set = new Uint8Array(26);
  for (let i = 0; i < letters.length; i++) set[letters.charCodeAt(i) - 65] = 1;
  return set;
}

function inSet(set: Uint8Array, upper: number): boolean {
  return upper >= 65 && set[upper - 65] === 1;
}

// Scratch space for the characters of one postcode, reused on every call so the hot path allocates nothing.
const postcodeChars = new Int32Array(7);

const G = 71;
const Y = 89;
const I = 73;
const M = 77;
const J = 74;
const E = 69;

/**
 * The jurisdiction of a UK-format postcode: `IM` for the Isle of Man, `JE` for Jersey, `GG` for Guernsey
 * (area GY), `GB` for any other; null when it is not a valid postcode (outward A9, A99, AA9, AA99, A9A or AA9A,
 * then inward 9AA). Case, spaces and surrounding whitespace do not matter.
 */
export function postcodeJurisdiction(raw: string): "GB" | "IM" | "JE" | "GG" | "GI" | null {
  let n = 0;
  for (let i = 0; i < raw.length; i++) {
    const c = raw.charCodeAt(i);
    if (c === 32 || c === 9 || c === 160) continue;
    if (n === 7) return null;
    const upper = upperLetter(c);
    if (upper !== -1) postcodeChars[n++] = upper;
    else if (isDigit(c)) postcodeChars[n++] = c;
    else return null;
  }
  return judgePostcode(n);
}

/**
 * `postcodeJurisdiction` of the ASCII bytes [start, end) without making a string (the hot path of impact
 * analysis); undefined when they are not all ASCII (then ask `postcodeJurisdiction` with the text).
 */
export function postcodeJurisdictionOfBytes(
  bytes: Uint8Array,
  start: number,
  end: number,
): "GB" | "IM" | "JE" | "GG" | "GI" | null | undefined {
  let n = 0;
  for (let at = start; at < end; at++) {
    const c = bytes[at] ?? 0;
    if (c === 32 || c === 9) continue;
    if (c >= 0x80) return undefined;
    if (n === 7) return null;
    const upper = upperLetter(c);
    if (upper !== -1) postcodeChars[n++] = upper;
    else if (isDigit(c)) postcodeChars[n++] = c;
    else return null;
  }
  return judgePostcode(n);
}

/** The jurisdiction of the `n` upper-case letters and digits in `postcodeChars`, or null. */
function judgePostcode(n: number): "GB" | "IM" | "JE" | "GG" | "GI" | null {
  if (n < 5) return null;
  // The inward code: digit, letter, letter.
  const d = postcodeChars[n - 3] ?? 0;
  if (!isDigit(d) || !inSet(POSTCODE_INWARD, postcodeChars[n - 2] ?? 0)) return null;
  if (!inSet(POSTCODE_INWARD, postcodeChars[n - 1] ?? 0)) return null;
  const c0 = postcodeChars[0] ?? 0;
  const c1 = postcodeChars[1] ?? 0;
  const c2 = postcodeChars[2] ?? 0;
  const c3 = postcodeChars[3] ?? 0;
  const outward = n - 3;
  // Girobank's GIR 0AA is the one postcode outside the format.
  if (outward === 3 && c0 === G && c1 === I && c2 === 82 && d === 48) return "GB";
  if (!inSet(POSTCODE_FIRST, c0)) return null;
  let twoLetterArea = false;
  if (outward === 2) {
    if (!isDigit(c1)) return null; // A9
  } else if (outward === 3) {
    if (isDigit(c1)) {
      if (!isDigit(c2) && !inSet(POSTCODE_THIRD, c2)) return null; // A99 or A9A
    } else {
      if (!inSet(POSTCODE_SECOND, c1) || !isDigit(c2)) return null; // AA9
      twoLetterArea = true;
    }
  } else if (outward === 4) {
    if (!inSet(POSTCODE_SECOND, c1) || !isDigit(c2)) return null;
    if (!isDigit(c3) && !inSet(POSTCODE_FOURTH, c3)) return null; // AA99 or AA9A
    twoLetterArea = true;
  } else return null;
  if (!twoLetterArea) return "GB";
  if (c0 === I && c1 === M) return "IM";
  if (c0 === J && c1 === E) return "JE";
  if (c0 === G && c1 === Y) return "GG";
  if (c0 === G && c1 === 0x58) return "GI"; // GX11 1AA: Gibraltar, which has its own law
  return "GB";
}

// ---------------------------------------------------------------------------------------------------------
// phoneJurisdiction (hot)
// ---------------------------------------------------------------------------------------------------------

// Crown Dependency number ranges, from Ofcom's numbering allocations as commonly published; unverified [U].
// Each is the first four digits of the national number (after the trunk 0 or +44).
const phonePrefixes: ReadonlyMap<number, "IM" | "JE" | "GG"> = new Map([
  [1624, "IM"], // Isle of Man landlines, 01624
  [7624, "IM"], // Isle of Man mobiles, 07624
  [1534, "JE"], // Jersey landlines, 01534
  [7509, "JE"], // Jersey mobiles
  [7700, "JE"],
  [7797, "JE"],
  [7829, "JE"],
  [7937, "JE"],
  [1481, "GG"], // Guernsey landlines, 01481
  [7781, "GG"], // Guernsey mobiles
  [7839, "GG"],
  [7911, "GG"],
]);

// The digits of one phone number, reused on every call.
const phoneDigits = new Uint8Array(16);

/**
 * The jurisdiction of a UK-format phone number (01, 02, 03 or 07 and ten digits after the trunk 0, written
 * with 0, +44, 0044 or +44 (0), with spaces, dashes, dots or brackets): `IM`, `JE` or `GG` for the Crown
 * Dependencies' ranges, `GB` for any other; null when it is not such a number.
 */
export function phoneJurisdiction(raw: string): "GB" | "IM" | "JE" | "GG" | null {
  if (raw.length < 10) return null;
  let n = 0;
  let plus = false;
  for (let i = 0; i < raw.length; i++) {
    const c = raw.charCodeAt(i);
    if (isDigit(c)) {
      if (n === phoneDigits.length) return null;
      phoneDigits[n++] = c - 48;
    } else if (c === 43 && n === 0 && !plus) plus = true;
    else if (c !== 32 && c !== 45 && c !== 46 && c !== 40 && c !== 41 && c !== 9 && c !== 160) return null;
  }
  // Where the national number (after the trunk 0) starts.
  let start: number;
  if (plus || (n >= 4 && phoneDigits[0] === 0 && phoneDigits[1] === 0)) {
    const cc = plus ? 0 : 2; // +44 or 0044
    if (phoneDigits[cc] !== 4 || phoneDigits[cc + 1] !== 4) return null;
    start = cc + 2;
    if (phoneDigits[start] === 0) start++; // +44 (0) 7700 …
  } else if (phoneDigits[0] === 0) start = 1;
  else if (n === 12 && phoneDigits[0] === 4 && phoneDigits[1] === 4)
    start = 2; // +44 lost to a spreadsheet
  else if (n === 10 && phoneDigits[0] === 7) {
    // A mobile stored as a number in a spreadsheet, its leading 0 lost ("7624 123456"): taken only in the
    // islands' own ranges, as ten digits from 7 are as likely a North American number (713 is Houston).
    const island = phonePrefixes.get(
      7000 + (phoneDigits[1] ?? 0) * 100 + (phoneDigits[2] ?? 0) * 10 + (phoneDigits[3] ?? 0),
    );
    return island ?? null;
  } else return null;
  if (n - start !== 10) return null;
  const first = phoneDigits[start] ?? 0;
  if (first !== 1 && first !== 2 && first !== 3 && first !== 7) return null;
  const prefix =
    first * 1000 +
    (phoneDigits[start + 1] ?? 0) * 100 +
    (phoneDigits[start + 2] ?? 0) * 10 +
    (phoneDigits[start + 3] ?? 0);
  return phonePrefixes.get(prefix) ?? "GB";
}

// ---------------------------------------------------------------------------------------------------------
// countryJurisdiction (hot, cached)
// ---------------------------------------------------------------------------------------------------------

// ISO 3166-1 alpha-3 codes, pairs of alpha-2 and alpha-3, for the 249 codes `isCountry` accepts.
const ALPHA_3 =
  "AD AND AE ARE AF AFG AG ATG AI AIA AL ALB AM ARM AO AGO AQ ATA AR ARG AS ASM AT AUT AU AUS AW ABW AX ALA " +
  "AZ AZE BA BIH BB BRB BD BGD BE BEL BF BFA BG BGR BH BHR BI BDI BJ BEN BL BLM BM BMU BN BRN BO BOL BQ BES " +
  "BR BRA BS BHS BT BTN BV BVT BW BWA BY BLR BZ BLZ CA CAN CC CCK CD COD CF CAF CG COG CH CHE CI CIV CK COK " +
  "CL CHL CM CMR CN CHN CO COL CR CRI CU CUB CV CPV CW CUW CX CXR CY CYP CZ CZE DE DEU DJ DJI DK DNK DM DMA " +
  "DO DOM DZ DZA EC ECU EE EST EG EGY EH ESH ER ERI ES ESP ET ETH FI FIN FJ FJI FK FLK FM FSM FO FRO FR FRA " +
  "GA GAB GB GBR GD GRD GE GEO GF GUF GG GGY GH GHA GI GIB GL GRL GM GMB GN GIN GP GLP GQ GNQ GR GRC GS SGS " +
  "GT GTM GU GUM GW GNB GY GUY HK HKG HM HMD HN HND HR HRV HT HTI HU HUN ID IDN IE IRL IL ISR IM IMN IN IND " +
  "IO IOT IQ IRQ IR IRN IS ISL IT ITA JE JEY JM JAM JO JOR JP JPN KE KEN KG KGZ KH KHM KI KIR KM COM KN KNA " +
  "KP PRK KR KOR KW KWT KY CYM KZ KAZ LA LAO LB LBN LC LCA LI LIE LK LKA LR LBR LS LSO LT LTU LU LUX LV LVA " +
  "LY LBY MA MAR MC MCO MD MDA ME MNE MF MAF MG MDG MH MHL MK MKD ML MLI MM MMR MN MNG MO MAC MP MNP MQ MTQ " +
  "MR MRT MS MSR MT MLT MU MUS MV MDV MW MWI MX MEX MY MYS MZ MOZ NA NAM NC NCL NE NER NF NFK NG NGA NI NIC " +
  "NL NLD NO NOR NP NPL NR NRU NU NIU NZ NZL OM OMN PA PAN PE PER PF PYF PG PNG PH PHL PK PAK PL POL PM SPM " +
  "PN PCN PR PRI PS PSE PT PRT PW PLW PY PRY QA QAT RE REU RO ROU RS SRB RU RUS RW RWA SA SAU SB SLB SC SYC " +
  "SD SDN SE SWE SG SGP SH SHN SI SVN SJ SJM SK SVK SL SLE SM SMR SN SEN SO SOM SR SUR SS SSD ST STP SV SLV " +
  "SX SXM SY SYR SZ SWZ TC TCA TD TCD TF ATF TG TGO TH THA TJ TJK TK TKL TL TLS TM TKM TN TUN TO TON TR TUR " +
  "TT TTO TV TUV TW TWN TZ TZA UA UKR UG UGA UM UMI US USA UY URY UZ UZB VA VAT VC VCT VE VEN VG VGB VI VIR " +
  "VN VNM VU VUT WF WLF WS WSM YE YEM YT MYT ZA ZAF ZM ZMB ZW ZWE";

// Spellings seen in real exports that neither ISO nor the English names cover, already normalised.
const countryVariants: Readonly<Record<string, string>> = {
  // The United Kingdom and its nations; "UK" and "EN" are not ISO codes but are written for GB.
  uk: "GB",
  en: "GB",
  "great britain": "GB",
  britain: "GB",
  "united kingdom of great britain and northern ireland": "GB",
  england: "GB",
  scotland: "GB",
  wales: "GB",
  cymru: "GB",
  "northern ireland": "GB",
  "n ireland": "GB",
  "untied kingdom": "GB",
  "united kingdon": "GB",
  // The Isle of Man.
  iom: "IM",
  "isle of mann": "IM",
  mann: "IM",
  "ellan vannin": "IM",
  // Jersey and Guernsey; Alderney, Sark and Herm are in the Bailiwick of Guernsey.
  "bailiwick of jersey": "JE",
  "bailiwick of guernsey": "GG",
  guernesey: "GG",
  alderney: "GG",
  sark: "GG",
  herm: "GG",
  // Ireland.
  "republic of ireland": "IE",
  "irish republic": "IE",
  eire: "IE",
  roi: "IE",
  "southern ireland": "IE",
  // Names that changed or that people shorten.
  el: "GR",
  usa: "US",
  "united states of america": "US",
  america: "US",
  holland: "NL",
  "the netherlands": "NL",
  "czech republic": "CZ",
  turkey: "TR",
  "ivory coast": "CI",
  "cote divoire": "CI",
  burma: "MM",
  "cape verde": "CV",
  "cabo verde": "CV",
  swaziland: "SZ",
  macedonia: "MK",
  "east timor": "TL",
  vatican: "VA",
  "holy see": "VA",
  "hong kong": "HK",
  macao: "MO",
  macau: "MO",
  palestine: "PS",
  "republic of korea": "KR",
  "korea republic of": "KR",
  "korea south": "KR",
  "korea north": "KP",
  "russian federation": "RU",
  "democratic republic of the congo": "CD",
  "dr congo": "CD",
  drc: "CD",
  "republic of the congo": "CG",
  "united arab emirates": "AE",
  uae: "AE",
  "viet nam": "VN",
  "lao pdr": "LA",
};

// Words that qualify a place without changing it: "Jersey, Channel Islands", "Jersey C.I.", "Isle Of Man
// (Crown Dependency)". "Channel Islands" alone is both Jersey and Guernsey, so it stays unknown.
const countryQualifiers = [
  "channel islands",
  "channel island",
  "channel isles",
  "ci",
  "crown dependency",
  "crown dependencies",
  "british crown dependency",
  "british isles",
  "bailiwick of",
  "united kingdom",
  "great britain",
  "uk",
  "gb",
];

/**
 * Lower-case letters and digits separated by single spaces: accents dropped, "&" read as "and", "Saint" as
 * "st", a leading "the" and runs of single letters joined ("U.K." → "uk", "I.O.M." → "iom").
 */
function normaliseCountry(raw: string): string {
  let text = raw;
  // Accents only matter in a few names ("Côte d'Ivoire", "Éire"); skip the Unicode work for plain ASCII.
  if (/[^\t -~]/.test(text)) text = text.normalize("NFKD").replace(/\p{M}/gu, "");
  const words = text
    .toLowerCase()
    .replace(/&/g, " and ")
    .replace(/['’`]/g, "")
    .split(/[^a-z0-9]+/)
    .filter((word) => word !== "");
  const joined: string[] = [];
  let letters = "";
  for (const word of words) {
    if (word.length === 1) {
      letters += word;
      continue;
    }
    if (letters !== "") joined.push(letters);
    letters = "";
    joined.push(word === "saint" ? "st" : word);
  }
  if (letters !== "") joined.push(letters);
  if (joined[0] === "the" && joined.length > 1) joined.shift();
  return joined.join(" ");
}

function buildCountryTable(): Map<string, string> {
  const table = new Map<string, string>();
  const add = (spelling: string, code: string): void => {
    const key = normaliseCountry(spelling);
    if (key !== "" && !table.has(key)) table.set(key, code);
  };
  const english = new Intl.DisplayNames(["en"], { type: "region" });
  const british = new Intl.DisplayNames(["en-GB"], { type: "region" });
  const codes = ALPHA_3.split(" ");
  for (let i = 0; i + 1 < codes.length; i += 2) {
    const alpha2 = codes[i] ?? "";
    const alpha3 = codes[i + 1] ?? "";
    add(alpha2, alpha2);
    add(alpha3, alpha2);
  }
  for (let i = 0; i + 1 < codes.length; i += 2) {
    const alpha2 = codes[i] ?? "";
    for (const names of [english, british]) {
      const name = names.of(alpha2);
      if (name === undefined || name === alpha2) continue;
      add(name, alpha2);
      // "Myanmar (Burma)", "Congo - Kinshasa", "Hong Kong SAR China": the part before the qualifier alone.
      const short = name.split(/ \(| - | SAR /)[0];
      if (short !== undefined && short !== name && short !== "Congo") add(short, alpha2);
    }
  }
  for (const [spelling, code] of Object.entries(countryVariants)) table.set(spelling, code);
  return table;
}

const countryTable = buildCountryTable();
// Spellings long enough for a one-letter slip to be a slip and not another country ("Gambia", "Zambia").
// English names only: slips in other languages are not guessed at.
const fuzzyCandidates = [...countryTable.keys()].filter((key) => key.length >= 6);
// Country names in the languages of the exports most often seen beside English ones ("Deutschland",
// "Royaume-Uni", "España"), where no English spelling already has that key.
for (const locale of ["fr", "de", "es", "it", "nl", "pt"]) {
  const names = new Intl.DisplayNames([locale], { type: "region" });
  const codes = ALPHA_3.split(" ");
  for (let i = 0; i + 1 < codes.length; i += 2) {
    const alpha2 = codes[i] ?? "";
    const name = names.of(alpha2);
    if (name === undefined || name === alpha2) continue;
    const key = normaliseCountry(name);
    if (key !== "" && !countryTable.has(key)) countryTable.set(key, alpha2);
  }
}

/** Optimal string alignment distance, but only whether it is at most 1. */
function withinOneEdit(a: string, b: string): boolean {
  if (Math.abs(a.length - b.length) > 1) return false;
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  if (i === a.length && i === b.length) return true;
  const restA = a.slice(i + 1);
  const restB = b.slice(i + 1);
  if (a.length === b.length) {
    if (restA === restB) return true; // substitution
    return a[i] === b[i + 1] && a[i + 1] === b[i] && a.slice(i + 2) === b.slice(i + 2); // transposition
  }
  return a.length > b.length ? a.slice(i + 1) === b.slice(i) : a.slice(i) === b.slice(i + 1);
}

function stripQualifiers(key: string): string {
  let padded = ` ${key} `;
  for (const qualifier of countryQualifiers) padded = padded.split(` ${qualifier} `).join(" ");
  return padded.trim().replace(/ +/g, " ");
}

function lookUpCountry(raw: string): string | null {
  const key = normaliseCountry(raw);
  if (key === "") return null;
  const exact = countryTable.get(key);
  if (exact !== undefined) return exact;
  const stripped = stripQualifiers(key);
  if (stripped === "") return null;
  const qualified = countryTable.get(stripped);
  if (qualified !== undefined) return qualified;
  if (stripped.length < 7) return null;
  // A one-letter slip ("Guernesey", "Untied Kingdom"), accepted only when exactly one spelling is that close.
  let match: string | null = null;
  for (const candidate of fuzzyCandidates) {
    if (!withinOneEdit(stripped, candidate)) continue;
    const code = countryTable.get(candidate) ?? null;
    if (match !== null && match !== code) return null;
    match = code;
  }
  return match;
}

// Real files repeat the same few spellings, so each distinct one is worked out once.
const countryCache = new Map<string, string | null>();
const countryCacheLimit = 10_000;

/**
 * The ISO 3166-1 alpha-2 code of a country written as an English name, an alpha-2 or alpha-3 code, or a
 * common variant or slip ("U.K.", "Untied Kingdom", "I.O.M.", "Jersey C.I.", "Guernesey", "Eire"); any case,
 * surrounding spaces and punctuation. Null when unknown or ambiguous ("Channel Islands"), and for "N/A" / "NA"
 * (a placeholder, not Namibia).
 */
export function countryJurisdiction(raw: string): string | null {
  const cached = countryCache.get(raw);
  if (cached !== undefined) return cached;
  // In UK exports "N/A" / "NA" mean "not applicable" far more often than Namibia, "NI" is Northern Ireland
  // rather than Nicaragua, and "CI" the Channel Islands (Jersey or Guernsey: unknown), not Côte d'Ivoire.
  const code = /^\s*(n\W?a|c\W?i)\W?\s*$/i.test(raw)
    ? null
    : /^\s*n\W?\s?i\W?\s*$/i.test(raw)
      ? "GB"
      : lookUpCountry(raw);
  if (countryCache.size >= countryCacheLimit) countryCache.clear();
  countryCache.set(raw, code);
  return code;
}

// ---------------------------------------------------------------------------------------------------------
// parishJurisdiction
// ---------------------------------------------------------------------------------------------------------

// The parishes of the Isle of Man, Jersey and Guernsey (with the Bailiwick's islands), as their governments
// list them [U]. Names two islands share (St Saviour, St Martin, St Andrew is Guernsey's alone) and ordinary
// words or names (Patrick, German, Michael, Vale, Forest, Trinity) are left out: a parish column holding them
// says nothing on its own.
const parishes: ReadonlyMap<string, "IM" | "JE" | "GG"> = new Map([
  ...[
    "andreas",
    "arbory",
    "ballaugh",
    "braddan",
    "bride",
    "jurby",
    "lezayre",
    "lonan",
    "malew",
    "marown",
    "maughold",
    "onchan",
    "rushen",
    "santon",
    "castletown",
    "port erin",
    "port st mary",
    "laxey",
  ].map((name) => [name, "IM"] as const),
  ...[
    "st helier",
    "st clement",
    "grouville",
    "st john",
    "st mary",
    "st ouen",
    "st lawrence",
    "st brelade",
  ].map((name) => [name, "JE"] as const),
  ...[
    "st peter port",
    "st sampson",
    "st sampsons",
    "castel",
    "st pierre du bois",
    "torteval",
    "st andrew",
    "st andrews",
    "sark",
    "alderney",
    "herm",
  ].map((name) => [name, "GG"] as const),
]);

/** The island of a parish name ("St. Helier", "Saint Peter Port", "BRADDAN"), or null. */
export function parishJurisdiction(raw: string): "IM" | "JE" | "GG" | null {
  const name = raw
    .toLowerCase()
    .replace(/[.'’]/g, "")
    .replace(/\bsaint\b/g, "st")
    .replace(/[^a-z]+/g, " ")
    .trim();
  return parishes.get(name) ?? null;
}
