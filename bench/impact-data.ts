/**
 * The synthetic member file of `npm run bench:impact`: a seeded, messy CSV export of a membership organisation,
 * written streaming with bounded memory, with its ground truth (rows, de-duplicated people, people per
 * jurisdiction) known by construction.
 *
 * How the ground truth is known without remembering anyone: person `i` is a pure function of (seed, i). Their
 * first name, last name and date of birth come from a bijection of `i`, so no two people share them; their
 * e-mail (when they have one) ends in a number derived only from `i`, so no two people share it either. A row
 * either introduces the next person or repeats an earlier one (regenerated from its index), so the people are
 * exactly the persons introduced, and each one's jurisdiction is decided once, from their own data.
 *
 * The identity and attribution rules every pipeline implements (and the helpers below implement for the Node
 * peer and the tests):
 * - identity: lower(trim(email)) when the e-mail is non-empty, else
 *   lower(trim(first_name))|lower(trim(last_name))|trim(date_of_birth)|upper(postcode without spaces);
 * - jurisdiction, from the first row of a person (every row of a person gives the same answer):
 *   (1) a syntactically valid UK-format postcode (outward A9, A99, AA9, AA99, A9A or AA9A, then inward 9AA; any
 *       case; spaces anywhere or none): area IM → IM, JE → JE, GY → GG, any other area → GB;
 *   (2) else a country field naming a country → its ISO 3166 alpha-2 code (IM, JE and GG are their own);
 *   (3) else a UK mobile: 07624 → IM; 07509, 07700, 07797, 07829, 07937 → JE; 07781, 07839, 07911 → GG;
 *       any other 07 → GB;
 *   (4) else unknown.
 */
import { createWriteStream } from "node:fs";

export interface GroundTruth {
  rows: number;
  subjects: number;
  subjectsByJurisdiction: Record<string, number>;
}

export const header = [
  "member_no",
  "first_name",
  "last_name",
  "email",
  "date_of_birth",
  "address_1",
  "town",
  "postcode",
  "country",
  "mobile",
  "ni_number",
  "sort_code",
  "account_number",
  "ethnicity",
  "sexual_orientation",
  "disability",
  "branch",
  "notes",
] as const;

export const jurisdictions = ["GB", "IM", "JE", "GG", "FR", "IE", "DE", "ES", "US", "unknown"] as const;
export type Jurisdiction = (typeof jurisdictions)[number];

/**
 * Every way the generator writes a country, by jurisdiction. The peers (DuckDB and the csv-parse pipeline) are
 * told these spellings; dpdesk is not.
 */
export const countrySpellings: Readonly<Record<Exclude<Jurisdiction, "unknown">, readonly string[]>> = {
  GB: ["United Kingdom", "UK", "GB", "united kingdom ", "Great Britain", "England"],
  IM: ["Isle of Man", "IOM", "IM", "isle of man", "Isle of Mann"],
  JE: ["Jersey", "JE", "Jersey, Channel Islands", "jersey", "Jersey C.I."],
  GG: ["Guernsey", "GG", "Guernsey, Channel Islands", "guernsey", "Guernsey C.I."],
  FR: ["France", "FR"],
  IE: ["Ireland", "IE", "Republic of Ireland"],
  DE: ["Germany", "DE"],
  ES: ["Spain", "ES"],
  US: ["United States", "US", "USA"],
};

/** Written where a value is missing; none of them is a postcode, a country or a mobile number. */
const garbage = ["N/A", "-", "unknown", "TBC", "none", "n/a"] as const;

export const mobilePrefixes: Readonly<Record<"IM" | "JE" | "GG", readonly string[]>> = {
  IM: ["07624"],
  JE: ["07509", "07700", "07797", "07829", "07937"],
  GG: ["07781", "07839", "07911"],
};

// ---------------------------------------------------------------------------------------------------------------
// The rules, in plain JavaScript (used by the csv-parse peer and the tests).

/** A country as the peers compare it: lower case, letters and single spaces only, trimmed. */
export function normaliseCountry(value: string): string {
  return value
    .toLowerCase()
    .replace(/[^a-z ]/g, "")
    .replace(/ +/g, " ")
    .trim();
}

/** Normalised spelling → ISO alpha-2, for exactly the spellings the generator uses. */
export const countryCodeBySpelling: ReadonlyMap<string, string> = new Map(
  Object.entries(countrySpellings).flatMap(([code, spellings]) =>
    spellings.map((spelling) => [normaliseCountry(spelling), code] as const),
  ),
);

export const ukPostcodePattern = /^[A-Z]{1,2}[0-9][0-9A-Z]?[0-9][A-Z]{2}$/;

/** The mobile prefix → jurisdiction for the Crown Dependencies (any other 07 is GB). */
const mobileJurisdictionByPrefix: ReadonlyMap<string, string> = new Map(
  Object.entries(mobilePrefixes).flatMap(([code, prefixes]) =>
    prefixes.map((prefix) => [prefix, code] as const),
  ),
);

export function postcodeJurisdiction(postcode: string): string | null {
  const compact = postcode.replaceAll(" ", "").toUpperCase();
  if (!ukPostcodePattern.test(compact)) return null;
  const area = /^[A-Z]+/.exec(compact)?.[0];
  if (area === "IM") return "IM";
  if (area === "JE") return "JE";
  if (area === "GY") return "GG";
  return "GB";
}

export function mobileJurisdiction(mobile: string): string | null {
  let digits = mobile.replace(/[ ()-]/g, "");
  if (digits.startsWith("+44")) digits = `0${digits.slice(3)}`;
  if (!/^07[0-9]{9}$/.test(digits)) return null;
  return mobileJurisdictionByPrefix.get(digits.slice(0, 5)) ?? "GB";
}

export function attribute(postcode: string, country: string, mobile: string): string {
  return (
    postcodeJurisdiction(postcode) ??
    countryCodeBySpelling.get(normaliseCountry(country)) ??
    mobileJurisdiction(mobile) ??
    "unknown"
  );
}

export function identityKey(
  email: string,
  firstName: string,
  lastName: string,
  dateOfBirth: string,
  postcode: string,
): string {
  const mail = email.trim().toLowerCase();
  if (mail !== "") return mail;
  return `${firstName.trim().toLowerCase()}|${lastName.trim().toLowerCase()}|${dateOfBirth.trim()}|${postcode.replaceAll(" ", "").toUpperCase()}`;
}

// ---------------------------------------------------------------------------------------------------------------
// Randomness: mulberry32, seeded; one stream for the rows and one, re-creatable, per person.

type Random = () => number;

function mulberry32(seed: number): Random {
  let state = seed | 0;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** A well-mixed 32-bit seed for person `index` (murmur3's finaliser over seed and index). */
function personSeed(seed: number, index: number): number {
  let h = (seed ^ Math.imul(index + 1, 0x9e3779b1)) | 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h ^ Math.imul(index >>> 16, 0x27d4eb2f);
}

function pick<T>(random: Random, list: readonly T[]): T {
  const item = list[Math.floor(random() * list.length)];
  if (item === undefined) throw new Error("pick from an empty list");
  return item;
}

const digitsOf = (random: Random, count: number): string => {
  let out = "";
  for (let i = 0; i < count; i += 1) out += String(Math.floor(random() * 10));
  return out;
};
const letter = (random: Random, from = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"): string =>
  from[Math.floor(random() * from.length)] ?? "A";

// ---------------------------------------------------------------------------------------------------------------
// Names, dates of birth and places.

// prettier-ignore
const firstNames = [
  "John", "Mary", "David", "Sarah", "James", "Emma", "Michael", "Olivia", "Robert", "Sophie", "William",
  "Charlotte", "Thomas", "Emily", "Daniel", "Grace", "Matthew", "Lucy", "Andrew", "Hannah", "Peter", "Laura",
  "Paul", "Rachel", "Mark", "Rebecca", "Richard", "Claire", "Stephen", "Helen", "Christopher", "Amy", "Joseph",
  "Jessica", "George", "Katie", "Edward", "Anna", "Henry", "Alice", "Jack", "Ellie", "Harry", "Megan", "Oliver",
  "Chloe", "Samuel", "Holly", "Benjamin", "Jade", "Liam", "Niamh", "Connor", "Aoife", "Ewan", "Isla", "Callum",
  "Eilidh", "Gareth", "Cerys", "Rhys", "Ffion", "Dylan", "Seren", "Mohammed", "Aisha", "Ali", "Fatima", "Raj",
  "Priya", "Arjun", "Sana", "Wei", "Mei", "Kofi", "Ama", "Tomasz", "Agnieszka", "Pierre", "Marie", "Hans",
  "Greta", "Juan", "Lucía", "José", "Zoë", "Chloé", "Renée", "Łukasz", "Małgorzata", "Siobhán", "Seán", "Áine",
  "Ólafur", "Björn", "Søren", "François", "Dave \"The Rock\"", "Robert \"Bob\"", "Mary-Jane", "Anne Marie",
] as const;

// prettier-ignore
const lastNames = [
  "Smith", "Jones", "Williams", "Taylor", "Brown", "Davies", "Evans", "Wilson", "Thomas", "Johnson", "Roberts",
  "Robinson", "Thompson", "Wright", "Walker", "White", "Edwards", "Hughes", "Green", "Hall", "Lewis", "Harris",
  "Clarke", "Patel", "Jackson", "Wood", "Turner", "Martin", "Cooper", "Hill", "Ward", "Morris", "Moore", "Clark",
  "Lee", "King", "Baker", "Harrison", "Morgan", "Allen", "James", "Scott", "Phillips", "Watson", "Davis",
  "Parker", "Price", "Bennett", "Young", "Griffiths", "Mitchell", "Kelly", "Cook", "Carter", "Richardson",
  "Bailey", "Collins", "Bell", "Shaw", "Murphy", "Miller", "Cox", "Richards", "Khan", "Marshall", "Anderson",
  "Simpson", "Ellis", "Adams", "Singh", "Begum", "Wilkinson", "Foster", "Chapman", "Powell", "Webb", "Rogers",
  "Gray", "Mason", "Ali", "Hunt", "Hussain", "Campbell", "Matthews", "Owen", "Palmer", "Holmes", "Mills",
  "Barnes", "Knight", "Lloyd", "Butler", "Russell", "Barker", "Fisher", "Stevens", "Jenkins", "Murray", "Dixon",
  "Harvey", "Quayle", "Kewley", "Corlett", "Le Marquand", "Le Cornu", "de Carteret", "Le Page", "Ozanne",
  "Le Poidevin", "Brehaut", "Nowak", "Kowalski", "Wałęsa", "Müller", "Schäfer", "Pérez", "García", "Núñez",
  "Dupont", "Lefèvre", "Ó Súilleabháin", "Ó Briain", "Ní Bhriain", "Mac Giolla Íosa", "Brontë", "Đorđević",
  "O'Neil, Jr", "O'Brien", "O'Connor", "Smith, Jr", "Jones, Sr", "Windsor-Clive", "Fox \"Foxy\"", "MacDonald",
] as const;

const dobStart = Date.UTC(1930, 0, 1);
const dayMs = 86_400_000;
const dobDays = Math.floor((Date.UTC(2008, 0, 1) - dobStart) / dayMs);
const namePairs = firstNames.length * lastNames.length;
const nameSpace = namePairs * dobDays;
/** The multiplier of the bijection index → (first, last, date of birth); checked coprime with nameSpace. */
const nameStep = 7_919_111;
const nameOffset = 1_234_567;

function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}
if (gcd(nameStep, nameSpace) !== 1) throw new Error("impact-data: the name bijection's step is not coprime");

const mulMod = (a: number, b: number, m: number): number => {
  // a, b < 2^31: split b so every partial product stays below 2^53.
  const high = Math.floor(b / 65_536);
  const low = b % 65_536;
  return (((a * high) % m) * 65_536 + a * low) % m;
};

// prettier-ignore
const emailDomains = [
  "example.org", "example.com", "mail.example.net", "example.co.uk", "example.im", "example.je", "example.gg",
] as const;

const gbAreasOneLetter = ["B", "E", "G", "L", "M", "N", "S", "W"] as const;
// prettier-ignore
const gbAreasTwoLetters = [
  "AB", "BS", "BT", "CB", "CF", "CR", "DN", "EC", "EH", "EX", "GL", "GU", "HP", "KT", "LS", "ME", "NE", "NG", "NW",
  "OX", "PL", "RG", "SE", "SK", "SO", "SW", "TN", "TR", "WC", "YO",
] as const;
const inwardLetters = "ABDEFGHJLNPQRSTUWXYZ";

const towns: Record<Jurisdiction, readonly string[]> = {
  GB: [
    "London",
    "Manchester",
    "Birmingham",
    "Leeds",
    "Glasgow",
    "Cardiff",
    "Belfast",
    "Bristol",
    "York",
    "Truro",
  ],
  IM: ["Douglas", "Ramsey", "Peel", "Castletown", "Port Erin", "Onchan"],
  JE: ["St Helier", "St Brelade", "St Clement", "Gorey", "St Saviour"],
  GG: ["St Peter Port", "St Sampson", "Vale", "Castel", "Torteval"],
  FR: ["Paris", "Lyon", "Saint-Malo", "Granville"],
  IE: ["Dublin", "Cork", "Galway", "Limerick"],
  DE: ["Berlin", "München", "Köln", "Hamburg"],
  ES: ["Madrid", "Málaga", "Sevilla", "Alicante"],
  US: ["New York", "Boston", "Chicago", "Portland"],
  unknown: ["", "", "Douglas", "London", "St Helier", "Paris"],
};

// prettier-ignore
const streets = [
  "High Street", "Station Road", "Church Lane", "Victoria Road", "Mill Lane", "Queen's Promenade",
  "Rue des Pres", "La Grande Route de St Martin", "Les Banques", "Athol Street", "Bath Street", "Park Road",
] as const;

function gbPostcode(random: Random): string {
  const kind = random();
  let outward: string;
  if (kind < 0.3) outward = `${pick(random, gbAreasOneLetter)}${1 + Math.floor(random() * 9)}`;
  else if (kind < 0.45) outward = `${pick(random, gbAreasOneLetter)}${10 + Math.floor(random() * 20)}`;
  else if (kind < 0.75) outward = `${pick(random, gbAreasTwoLetters)}${1 + Math.floor(random() * 9)}`;
  else if (kind < 0.9) outward = `${pick(random, gbAreasTwoLetters)}${10 + Math.floor(random() * 40)}`;
  else if (kind < 0.95) outward = `${pick(random, ["W", "E", "N"] as const)}1${letter(random, "ABCHW")}`;
  else outward = `${pick(random, ["SW", "EC", "WC"] as const)}1${letter(random, "ABEHMNPRVXY")}`;
  return `${outward} ${digitsOf(random, 1)}${letter(random, inwardLetters)}${letter(random, inwardLetters)}`;
}

function crownPostcode(random: Random, jurisdiction: "IM" | "JE" | "GG"): string {
  const inward = `${digitsOf(random, 1)}${letter(random, inwardLetters)}${letter(random, inwardLetters)}`;
  if (jurisdiction === "IM")
    return `IM${pick(random, [1, 2, 3, 4, 5, 6, 7, 8, 9, 86, 87, 99] as const)} ${inward}`;
  if (jurisdiction === "JE") return `JE${1 + Math.floor(random() * 5)} ${inward}`;
  return `GY${1 + Math.floor(random() * 10)} ${inward}`;
}

/** A postcode abroad; none is in UK format (an Eircode's routing key is a letter and two digits). */
function foreignPostcode(random: Random, jurisdiction: "FR" | "IE" | "DE" | "ES" | "US"): string {
  if (jurisdiction === "IE") {
    const unique = Array.from({ length: 4 }, () => letter(random, "0123456789ACDEFHKNPRTVWXY")).join("");
    return `${pick(random, ["D02", "D04", "D6W", "T12", "H91", "V94", "A65"] as const)} ${unique}`;
  }
  if (jurisdiction === "US")
    return random() < 0.7 ? digitsOf(random, 5) : `${digitsOf(random, 5)}-${digitsOf(random, 4)}`;
  return digitsOf(random, 5);
}

/** An incomplete or wrong postcode: no UK-format match. */
function brokenPostcode(random: Random): string {
  const choice = random();
  if (choice < 0.5) return pick(random, garbage);
  if (choice < 0.75) return pick(random, ["IM1", "JE2", "GY1", "SW1A", "M1", "EC1A 1", "LS1 4A"] as const);
  return pick(random, ["IMI 1AA", "JE2 3A8", "0X1 1AA", "GY10 1", "W1 AAA"] as const);
}

function mobileDigits(random: Random, jurisdiction: Jurisdiction): string {
  if (jurisdiction === "IM" || jurisdiction === "JE" || jurisdiction === "GG")
    return `${pick(random, mobilePrefixes[jurisdiction])}${digitsOf(random, 6)}`;
  for (;;) {
    const prefix = `07${digitsOf(random, 3)}`;
    if (!mobileJurisdictionByPrefix.has(prefix)) return `${prefix}${digitsOf(random, 6)}`;
  }
}

/** A UK mobile number (11 digits, 07...) written one of four ways. */
function writeMobile(random: Random, digits: string): string {
  const choice = random();
  if (choice < 0.4) return `${digits.slice(0, 5)} ${digits.slice(5)}`;
  if (choice < 0.65) return `+44 ${digits.slice(1, 5)} ${digits.slice(5)}`;
  if (choice < 0.85) return `+44${digits.slice(1)}`;
  return `(${digits.slice(0, 5)}) ${digits.slice(5, 8)} ${digits.slice(8)}`;
}

const foreignMobiles: Readonly<Record<"FR" | "IE" | "DE" | "ES" | "US", (random: Random) => string>> = {
  FR: (random) =>
    `+33 6 ${digitsOf(random, 2)} ${digitsOf(random, 2)} ${digitsOf(random, 2)} ${digitsOf(random, 2)}`,
  IE: (random) => `+353 87 ${digitsOf(random, 3)} ${digitsOf(random, 4)}`,
  DE: (random) => `+49 151 ${digitsOf(random, 8)}`,
  ES: (random) => `+34 6${digitsOf(random, 2)} ${digitsOf(random, 3)} ${digitsOf(random, 3)}`,
  US: (random) => `+1 (617) ${digitsOf(random, 3)}-${digitsOf(random, 4)}`,
};

/** Postcode written mixed case, with or without the space, sometimes padded: the same postcode up to case and spaces. */
function writePostcode(random: Random, postcode: string): string {
  const choice = random();
  if (choice < 0.55) return postcode;
  if (choice < 0.7) return postcode.toLowerCase();
  if (choice < 0.82) return postcode.replaceAll(" ", "");
  if (choice < 0.88) return postcode.replaceAll(" ", "").toLowerCase();
  if (choice < 0.93) return ` ${postcode.charAt(0)}${postcode.slice(1).toLowerCase()}`;
  if (choice < 0.97) return postcode.replace(" ", "  ");
  return `${postcode} `;
}

// ---------------------------------------------------------------------------------------------------------------
// A person: everything that identifies them and decides their jurisdiction.

const foreign = ["FR", "IE", "DE", "ES", "US"] as const;

interface Person {
  index: number;
  jurisdiction: Jurisdiction;
  firstName: string;
  lastName: string;
  dateOfBirth: string;
  /** Lower case; empty for about 3% of people. */
  email: string;
  memberNo: string;
  /** A valid UK-format postcode (rewritten per row up to case and spaces), another string kept as is, or empty. */
  postcode: string;
  postcodeValid: boolean;
  /** The spellings a row may use for the country (one picked per row), or [] for an empty field. */
  countries: readonly string[];
  /** 11 digits of a UK mobile (written per row in one of four ways), a fixed string, or empty. */
  mobile: string;
  mobileUk: boolean;
  town: string;
  address: string;
  padFirst: boolean;
}

function drawJurisdiction(random: Random): Jurisdiction {
  const u = random();
  if (u < 0.014) return "IM";
  if (u < 0.034) return "JE";
  if (u < 0.049) return "GG";
  if (u < 0.079) return pick(random, foreign);
  if (u < 0.099) return "unknown";
  return "GB";
}

function asciiFold(name: string): string {
  return name
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/[łŁ]/g, (c) => (c === "ł" ? "l" : "L"))
    .replace(/[đĐ]/g, (c) => (c === "đ" ? "d" : "D"))
    .replace(/[øØ]/g, (c) => (c === "ø" ? "o" : "O"))
    .replace(/[^A-Za-z]/g, "")
    .toLowerCase();
}

function isoDate(days: number): string {
  return new Date(dobStart + days * dayMs).toISOString().slice(0, 10);
}

export function makePerson(seed: number, index: number): Person {
  const random = mulberry32(personSeed(seed, index));
  const jurisdiction = drawJurisdiction(random);

  // (first name, last name, day of birth) from a bijection of the index, so no two people share all three: an
  // affine permutation of [0, nameSpace), split into a name pair and a day shifted by a hash of the name pair.
  const slot = (mulMod(index, nameStep, nameSpace) + nameOffset) % nameSpace;
  const pair = slot % namePairs;
  const day = (Math.floor(slot / namePairs) + mulMod(pair, 40_503, dobDays)) % dobDays;
  const firstName = firstNames[pair % firstNames.length] ?? "";
  const lastName = lastNames[Math.floor(pair / firstNames.length)] ?? "";
  const iso = isoDate(day);
  const writtenDateOfBirth =
    random() < 0.7 ? iso : `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(0, 4)}`;

  let email = "";
  if (random() >= 0.03) {
    const first = asciiFold(firstName) || "member";
    const last = asciiFold(lastName) || "member";
    const tag = index + 100;
    const style = random();
    const local =
      style < 0.5
        ? `${first}.${last}${tag}`
        : style < 0.8
          ? `${first.charAt(0)}${last}${tag}`
          : `${first}_${tag}`;
    email = `${local}@${pick(random, emailDomains)}`;
  }
  // Without an e-mail the date of birth is part of the identity, so it is always there; otherwise not always.
  const dateOfBirth = email !== "" && random() < 0.08 ? "" : writtenDateOfBirth;

  let postcode = "";
  let postcodeValid = false;
  let countries: readonly string[] = [];
  let mobile = "";
  let mobileUk = false;
  const setMobile = (of: Jurisdiction) => {
    mobile = mobileDigits(random, of);
    mobileUk = true;
  };
  const noPostcode = () => {
    const u = random();
    if (u < 0.6) postcode = "";
    else postcode = brokenPostcode(random);
  };
  const noCountry = () => {
    countries = random() < 0.6 ? [] : [pick(random, garbage)];
  };

  if (jurisdiction === "GB" || jurisdiction === "IM" || jurisdiction === "JE" || jurisdiction === "GG") {
    const crown = jurisdiction !== "GB";
    const evidence = random();
    const byPostcode = crown ? 0.7 : 0.8;
    const byCountry = crown ? 0.9 : 0.93;
    if (evidence < byPostcode) {
      // (1) the postcode decides; the country and mobile may disagree (a UK country for a Crown Dependency
      // address, a mobile from elsewhere): the postcode still wins.
      postcode = jurisdiction === "GB" ? gbPostcode(random) : crownPostcode(random, jurisdiction);
      postcodeValid = true;
      const c = random();
      if (c < 0.45) countries = [];
      else if (c < 0.55) countries = crown ? countrySpellings.GB : [pick(random, garbage)];
      else countries = countrySpellings[jurisdiction];
      const m = random();
      if (m < 0.5) setMobile(jurisdiction);
      else if (m < 0.6) setMobile(pick(random, ["GB", "IM", "JE", "GG"] as const));
    } else if (evidence < byCountry) {
      // (2) no usable postcode; the country decides, whatever the mobile says.
      noPostcode();
      countries = countrySpellings[jurisdiction];
      const m = random();
      if (m < 0.4) setMobile(jurisdiction);
      else if (m < 0.5) setMobile(pick(random, ["GB", "IM", "JE", "GG"] as const));
    } else {
      // (3) neither postcode nor country; the mobile decides.
      noPostcode();
      noCountry();
      setMobile(jurisdiction);
    }
  } else if (jurisdiction === "unknown") {
    // (4) none of the three, or garbage; perhaps a foreign number (not a UK mobile) or a foreign postcode.
    noPostcode();
    if (postcode === "" && random() < 0.15) postcode = digitsOf(random, 5);
    noCountry();
    const m = random();
    if (m < 0.15) mobile = pick(random, garbage);
    else if (m < 0.3) mobile = foreignMobiles[pick(random, foreign)](random);
  } else {
    // Abroad: a foreign postcode (or none) and the country; perhaps a UK mobile, which the country overrides.
    postcode = random() < 0.8 ? foreignPostcode(random, jurisdiction) : "";
    countries = countrySpellings[jurisdiction];
    const m = random();
    if (m < 0.5) mobile = foreignMobiles[jurisdiction](random);
    else if (m < 0.6) setMobile("GB");
  }

  const town = pick(random, towns[jurisdiction]);
  const number = 1 + Math.floor(random() * 200);
  const street = pick(random, streets);
  const address =
    random() < 0.85 ? `${number} ${street}` : `Flat ${1 + Math.floor(random() * 12)}, ${number} ${street}`;

  return {
    index,
    jurisdiction,
    firstName,
    lastName,
    dateOfBirth,
    email,
    memberNo: `M${String(index + 100_000).padStart(8, "0")}`,
    postcode,
    postcodeValid,
    countries,
    mobile,
    mobileUk,
    town,
    address,
    padFirst: random() < 0.03,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Rows.

/** RFC 4180: quoted when it holds a comma, a quote or a line break (quotes doubled); sometimes quoted anyway. */
function field(value: string, alwaysQuote = false): string {
  if (alwaysQuote || /[",\r\n]/.test(value)) return `"${value.replaceAll('"', '""')}"`;
  return value;
}

const validNiFirst = "ABCEGHJKLMNOPRSTWXYZ";
const validNiSecond = "ABCEGHJKLMNPRSTWXYZ";
const invalidNiPrefixes = new Set(["BG", "GB", "KN", "NK", "NT", "TN", "ZZ"]);

/** A National Insurance number valid per HMRC's prefix rules, with or without spaces. */
export function niNumber(random: Random): string {
  let prefix: string;
  do prefix = `${letter(random, validNiFirst)}${letter(random, validNiSecond)}`;
  while (invalidNiPrefixes.has(prefix));
  const digits = digitsOf(random, 6);
  const suffix = letter(random, "ABCD");
  return random() < 0.6
    ? `${prefix}${digits}${suffix}`
    : `${prefix} ${digits.slice(0, 2)} ${digits.slice(2, 4)} ${digits.slice(4)} ${suffix}`;
}

// prettier-ignore
const ethnicities = [
  "White British", "White Irish", "White - other", "Asian or Asian British - Indian", "Asian or Asian British - Pakistani",
  "Black, Black British, Caribbean or African", "Mixed or multiple ethnic groups", "Chinese", "Prefer not to say",
] as const;
const orientations = ["Heterosexual", "Gay or lesbian", "Bisexual", "Other", "Prefer not to say"] as const;
const disabilities = ["Yes", "No", "Yes - mobility", "Yes, hearing impaired", "Prefer not to say"] as const;
const notes = [
  "Prefers post",
  "Called re subs, will ring back",
  'Said "no calls after 6pm"',
  "Moved from Douglas; new address to follow",
  "Arrears cleared\r\nConfirmed by branch secretary",
  "Rep for site B.\nDo not share mobile",
  "Nom. for committee, 2024",
  "Café owner — see file",
  "Wants Welsh-language post",
  "Spoke to partner\nCallback requested",
] as const;

/** The row of `person`, the first time or a repeat (the e-mail re-cased and/or padded, the rest re-written). */
function rowOf(random: Random, person: Person, repeat: boolean): string {
  let email = person.email;
  if (email !== "") {
    if (repeat) {
      const choice = random();
      if (choice < 0.35)
        email = email.replace(/(^|[._@])([a-z])/g, (_, sep: string, c: string) => sep + c.toUpperCase());
      else if (choice < 0.55) email = email.toUpperCase();
      else if (choice < 0.8) email = ` ${email} `;
      else email = `  ${email.charAt(0).toUpperCase()}${email.slice(1)} `;
    } else if (random() < 0.15) {
      email = email.replace(/(^|[._@])([a-z])/g, (_, sep: string, c: string) => sep + c.toUpperCase());
    }
  }
  const postcode = person.postcodeValid ? writePostcode(random, person.postcode) : person.postcode;
  const country = person.countries.length === 0 ? "" : pick(random, person.countries);
  const mobile = person.mobileUk ? writeMobile(random, person.mobile) : person.mobile;
  const quoteNames = random() < 0.05;
  const gbOrCrown =
    person.jurisdiction === "GB" ||
    person.jurisdiction === "IM" ||
    person.jurisdiction === "JE" ||
    person.jurisdiction === "GG";
  const ni = gbOrCrown && random() < 0.35 ? niNumber(random) : "";
  const bank = random() < 0.25;
  const sortCode = bank ? `${digitsOf(random, 2)}-${digitsOf(random, 2)}-${digitsOf(random, 2)}` : "";
  const account = bank ? digitsOf(random, 8) : "";
  const ethnicity = random() < 0.2 ? pick(random, ethnicities) : "";
  const orientation = random() < 0.08 ? pick(random, orientations) : "";
  const disability = random() < 0.12 ? pick(random, disabilities) : "";
  const branch = random() < 0.9 ? `Branch ${1 + Math.floor(random() * 60)}` : "";
  const note = random() < 0.1 ? pick(random, notes) : "";
  const town = random() < 0.9 ? person.town : "";
  const address = random() < 0.92 ? person.address : "";
  return [
    person.memberNo,
    field(person.padFirst ? `${person.firstName} ` : person.firstName, quoteNames),
    field(person.lastName, quoteNames),
    email,
    person.dateOfBirth,
    field(address),
    field(town),
    postcode,
    field(country),
    mobile,
    ni,
    sortCode,
    account,
    field(ethnicity),
    field(orientation),
    field(disability),
    branch,
    field(note),
  ].join(",");
}

export const maxRows = nameSpace;

/**
 * Writes `rows` member rows (plus the header) to `path`: UTF-8 with a BOM, CRLF line endings, RFC 4180 quoting.
 * About 85% of rows introduce a new person and 15% repeat an earlier one. Memory stays bounded: rows are built
 * in batches and written with backpressure; nobody is remembered (see the top of this file).
 */
export async function generateMembers(options: {
  rows: number;
  seed: number;
  path: string;
}): Promise<GroundTruth> {
  const { rows, seed, path } = options;
  if (!Number.isInteger(rows) || rows < 0 || rows > maxRows)
    throw new Error(`generateMembers: rows must be a whole number from 0 to ${maxRows}`);
  const random = mulberry32(seed ^ 0x5bd1e995);
  const byJurisdiction: Record<string, number> = Object.fromEntries(jurisdictions.map((j) => [j, 0]));
  let people = 0;

  const out = createWriteStream(path, { highWaterMark: 1 << 20 });
  const failed = new Promise<never>((_, reject) => out.once("error", reject));
  failed.catch(() => undefined); // awaited below; this only keeps an early error from being unhandled
  const write = async (text: string): Promise<void> => {
    if (!out.write(text))
      await Promise.race([
        new Promise<void>((resolve) =>
          out.once("drain", () => {
            resolve();
          }),
        ),
        failed,
      ]);
  };

  await write(`\uFEFF${header.join(",")}\r\n`);
  const batch: string[] = [];
  for (let row = 0; row < rows; row += 1) {
    let person: Person;
    if (people > 0 && random() < 0.15) {
      // A repeat: half the time someone recent, otherwise anyone before.
      const back =
        random() < 0.5
          ? Math.min(people, 1 + Math.floor(random() * 2_000))
          : 1 + Math.floor(random() * people);
      person = makePerson(seed, people - back);
      batch.push(rowOf(random, person, true));
    } else {
      person = makePerson(seed, people);
      people += 1;
      byJurisdiction[person.jurisdiction] = (byJurisdiction[person.jurisdiction] ?? 0) + 1;
      batch.push(rowOf(random, person, false));
    }
    if (batch.length === 4_096) {
      batch.push("");
      await write(batch.join("\r\n"));
      batch.length = 0;
    }
  }
  if (batch.length > 0) {
    batch.push("");
    await write(batch.join("\r\n"));
  }
  await Promise.race([
    new Promise<void>((resolve) =>
      out.end(() => {
        resolve();
      }),
    ),
    failed,
  ]);
  return { rows, subjects: people, subjectsByJurisdiction: byJurisdiction };
}
