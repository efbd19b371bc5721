/**
 * The recipient list for letters, taken from the same rows that are counted: for each person, the details a
 * letter needs (name, e-mail, postal address, phone), the jurisdiction they were attributed to and the kinds
 * of their data found. People are collected in batches of distinct people, in the order the files name them,
 * so that the same files always give the same batches (an import cut off part way can be resumed batch by
 * batch). A person met again in a later batch is merged by whoever stores the batches, by the same rules as
 * here: the jurisdiction with the strongest evidence stands (postcode, then country, then phone; the first of
 * equals), kinds of data add up, and fuller contact details replace thinner.
 */
import { createHash } from "node:crypto";
import { dataCategories, type DataCategory } from "../law/vocabulary.js";
import { fieldText, type CsvRow } from "./csv-scanner.js";
import { firstFilled, type PersonListener } from "./tally.js";

/** What a letter needs to reach a person, and where the person was found (what the list seals). */
export interface RecipientDetails {
  name: string;
  email: string;
  /** Address lines, as the file has them. */
  address: string[];
  postcode: string;
  country: string;
  phone: string;
  /** Where the person was first found. */
  source: { file: string; line: number };
}

export interface Recipient extends RecipientDetails {
  /** Who the person is, as impact analysis tells people apart (e-mail, name + birth date + postcode, or --key). */
  key: string;
  /** An ISO 3166-1 code, or "unknown". */
  jurisdiction: string;
  /** What the jurisdiction rests on: a postcode 3, a country 2, a phone 1, nothing 0. */
  strength: number;
  categories: DataCategory[];
}

/** How fully a person can be written to: a postal address 4, an e-mail address 2, a name 1 (added up). */
export function contactRank(recipient: Pick<Recipient, "address" | "email" | "name">): number {
  return (
    (recipient.address.some((line) => line.trim() !== "") ? 4 : 0) +
    (recipient.email.trim() !== "" ? 2 : 0) +
    (recipient.name.trim() !== "" ? 1 : 0)
  );
}

/** A person met in a later row or batch, merged into what is known: see the module comment for the rules. */
export function mergeRecipient(into: Recipient, later: Recipient): void {
  if (later.strength > into.strength) {
    into.jurisdiction = later.jurisdiction;
    into.strength = later.strength;
  }
  for (const category of later.categories)
    if (!into.categories.includes(category)) into.categories.push(category);
  if (contactRank(later) > contactRank(into)) {
    into.name = later.name;
    into.email = later.email;
    into.address = later.address;
    into.postcode = later.postcode;
    into.country = later.country;
    into.phone = later.phone;
  }
}

function categoriesOf(bits: number): DataCategory[] {
  const found: DataCategory[] = [];
  for (const [index, category] of dataCategories.entries())
    if ((bits & (1 << index)) !== 0) found.push(category);
  return found;
}

const loneSurrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * A field as the list stores it: without NUL characters or broken UTF-16 (which no database text holds), and
 * cut to the list's limits (a 1 MB "name" is not a name), so that whatever the analysis accepted is stored.
 */
export function storable(value: string, max: number): string {
  const cut = value.replaceAll("\u0000", "").slice(0, max).trim();
  return cut.replace(loneSurrogate, "\uFFFD");
}

/** The most the list keeps of each detail (the API refuses more). */
export const recipientLimits = {
  name: 500,
  email: 500,
  addressLine: 500,
  addressLines: 20,
  postcode: 50,
  country: 200,
  phone: 100,
  key: 2_000,
  file: 1_000,
} as const;

/** A person's key as sent: as it is, or, when very long, its SHA-256 (the same person still has the same key). */
function sendableKey(key: string): string {
  const clean = key.replaceAll("\u0000", "").replace(loneSurrogate, "\uFFFD");
  return clean.length <= 200 && clean === key ? key : `h${createHash("sha256").update(key).digest("hex")}`;
}

const text = (row: CsvRow, index: number, max: number) =>
  index >= 0 ? storable(fieldText(row, index), max) : "";

/** Collects people from counted rows into batches of `batchSize` distinct people. */
export class RecipientCollector {
  private pending = new Map<string, Recipient>();
  private readonly ready: Recipient[][] = [];

  constructor(readonly batchSize = 2_000) {
    if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error("a batch holds at least one person");
  }

  /** The tally's hook: one counted row, with its person's key, jurisdiction so far and the row's kinds of data. */
  readonly add: PersonListener = (row, plan, file, key, jurisdiction, strength, bits) => {
    const limits = recipientLimits;
    const first = text(row, plan.firstName, limits.name);
    const last = text(row, plan.lastName, limits.name);
    const split = storable(`${first} ${last}`, limits.name);
    // The address lines, and the parish (in the islands, a line of the postal address).
    const address = [...plan.addresses, ...plan.parishes]
      .map((index) => text(row, index, limits.addressLine))
      .filter((line) => line !== "")
      .slice(0, limits.addressLines);
    const recipient: Recipient = {
      key: sendableKey(key),
      jurisdiction,
      strength,
      categories: categoriesOf(bits),
      name: split === "" ? text(row, plan.fullName, limits.name) : split,
      email: text(row, firstFilled(row, plan.emails), limits.email),
      address,
      postcode: text(row, firstFilled(row, plan.postcodes), limits.postcode),
      country: text(row, firstFilled(row, plan.countries), limits.country),
      phone: plan.phones.map((index) => text(row, index, limits.phone)).find((phone) => phone !== "") ?? "",
      source: { file: storable(file, limits.file), line: row.line },
    };
    const known = this.pending.get(recipient.key);
    if (known !== undefined) {
      mergeRecipient(known, recipient);
      return;
    }
    this.pending.set(recipient.key, recipient);
    if (this.pending.size >= this.batchSize) {
      this.ready.push([...this.pending.values()]);
      this.pending = new Map();
    }
  };

  /** The next full batch, if one is ready. */
  take(): Recipient[] | undefined {
    return this.ready.shift();
  }

  /** Everything not yet taken, as batches (at the end of the files). */
  finish(): Recipient[][] {
    if (this.pending.size > 0) this.ready.push([...this.pending.values()]);
    this.pending = new Map();
    return this.ready.splice(0);
  }
}
