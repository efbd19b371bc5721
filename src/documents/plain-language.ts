/**
 * Words the documents share: the kinds of personal data in plain English, dates in the regime's own time zone,
 * and numbers as people read them. Data in, text out.
 */

/** How each kind of data reads in a notice to a regulator ("financial data"). */
const noticePhrases: Readonly<Record<string, string>> = {
  name: "names",
  contact: "contact details",
  address: "postal addresses",
  date_of_birth: "dates of birth",
  government_id: "government identifiers (such as National Insurance or passport numbers)",
  financial: "financial data (such as bank or card details)",
  credentials: "login credentials",
  location: "location data",
  online_identifiers: "online identifiers",
  employment: "employment details",
  children: "children's data",
  criminal_offence: "criminal offence data",
  racial_or_ethnic_origin: "racial or ethnic origin",
  political_opinions: "political opinions",
  religious_or_philosophical_beliefs: "religious or philosophical beliefs",
  trade_union_membership: "trade union membership",
  genetic: "genetic data",
  biometric: "biometric data",
  health: "health data",
  sex_life_or_sexual_orientation: "data about sex life or sexual orientation",
};

/** How each kind of data reads in a letter to the person it is about ("your bank details"). */
const letterPhrases: Readonly<Record<string, string>> = {
  name: "your name",
  contact: "your contact details (such as your e-mail address or phone number)",
  address: "your postal address",
  date_of_birth: "your date of birth",
  government_id: "an official identifier of yours (such as your National Insurance or passport number)",
  financial: "your bank, card or other financial details",
  credentials: "your login details (such as a username or password)",
  location: "information about where you have been",
  online_identifiers: "online identifiers linked to you (such as an IP address or social media handle)",
  employment: "details of your work or employment",
  children: "information about a child",
  criminal_offence: "information about criminal offences or convictions",
  racial_or_ethnic_origin: "your racial or ethnic origin",
  political_opinions: "your political opinions",
  religious_or_philosophical_beliefs: "your religious or philosophical beliefs",
  trade_union_membership: "your trade union membership",
  genetic: "genetic information about you",
  biometric: "biometric information about you (such as a fingerprint or face image)",
  health: "information about your health",
  sex_life_or_sexual_orientation: "information about your sex life or sexual orientation",
};

/** What a person can usefully do when this kind of their data is exposed. Advice, not law. */
const advice: Readonly<Record<string, string>> = {
  financial:
    "Check your bank and card statements for payments you do not recognise, and tell your bank at once if you see any. Your bank will never ask you for your PIN or full password.",
  credentials:
    "Change your password for our service and for any other account where you use the same password, and turn on two-step verification where you can.",
  contact:
    "Be wary of unexpected e-mails, texts or calls that mention this incident or ask for personal or payment details, and never give your password to anyone who contacts you.",
  government_id:
    "Watch for signs that someone is using your identity, such as letters about credit or accounts you did not apply for. You can check your credit file free of charge with a credit reference agency.",
  date_of_birth:
    "Be wary of anyone who contacts you and uses your personal details to seem genuine; criminals use details like these to gain trust.",
};

function phrase(table: Readonly<Record<string, string>>, category: string): string {
  return table[category] ?? category.replaceAll("_", " ");
}

/** A list of words as English: "a", "a and b", "a, b and c". */
export function englishList(words: readonly string[]): string {
  if (words.length <= 1) return words.join("");
  return `${words.slice(0, -1).join(", ")} and ${words.at(-1) ?? ""}`;
}

export function noticeCategoryPhrases(categories: readonly string[]): string[] {
  return categories.map((category) => phrase(noticePhrases, category));
}

export function letterCategoryPhrases(categories: readonly string[]): string[] {
  return categories.map((category) => phrase(letterPhrases, category));
}

/** The advice that fits the kinds of data exposed, most useful first, without repeats. */
export function adviceFor(categories: readonly string[]): string[] {
  const order = ["credentials", "financial", "government_id", "contact", "date_of_birth"];
  return order.filter((category) => categories.includes(category)).map((category) => advice[category] ?? "");
}

const formats = new Map<string, Intl.DateTimeFormat>();

/**
 * The Crown Dependencies keep the UK's clock, and call its summer time British Summer Time; CLDR has no name for
 * their zones, so Intl would print "GMT+1".
 */
const britishClock = new Set(["Europe/Isle_of_Man", "Europe/Jersey", "Europe/Guernsey"]);

/** An instant as people in the regime read it: "25 June 2025 at 09:30 BST". */
export function formatInstant(iso: string, timeZone: string): string {
  let format = formats.get(timeZone);
  if (format === undefined) {
    format = new Intl.DateTimeFormat("en-GB", {
      timeZone,
      day: "numeric",
      month: "long",
      year: "numeric",
      hour: "2-digit",
      minute: "2-digit",
      timeZoneName: "short",
    });
    formats.set(timeZone, format);
  }
  const text = format.format(new Date(iso));
  return britishClock.has(timeZone) ? text.replace(/GMT\+1$/, "BST") : text;
}

const dayFormats = new Map<string, Intl.DateTimeFormat>();

/** A day as a letter's date line: "26 June 2025". */
export function formatDay(iso: string, timeZone: string): string {
  let format = dayFormats.get(timeZone);
  if (format === undefined) {
    format = new Intl.DateTimeFormat("en-GB", { timeZone, day: "numeric", month: "long", year: "numeric" });
    dayFormats.set(timeZone, format);
  }
  return format.format(new Date(iso));
}

const counts = new Intl.NumberFormat("en-GB");

export function formatCount(value: number): string {
  return counts.format(value);
}
