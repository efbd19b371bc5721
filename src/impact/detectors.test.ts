import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { dataCategories, isCountry, type DataCategory } from "../law/index.js";
import {
  classifyColumn,
  countryJurisdiction,
  maskValue,
  phoneJurisdiction,
  parishJurisdiction,
  postcodeJurisdiction,
  postcodeJurisdictionOfBytes,
  type ColumnRole,
} from "./detectors.js";

/** The value detector a single value passes, under a header that says nothing. */
const detectorOf = (value: string) => classifyColumn("Column 7", [value]).detector;

describe("postcodeJurisdiction", () => {
  it.each([
    ["im1 1aa", "IM"],
    ["IM11AA", "IM"],
    [" je2 3ab ", "JE"],
    ["gy1 1aa", "GG"],
    ["GY10 1AB", "GG"],
    ["sw1a 1aa", "GB"],
    ["SW1A1AA", "GB"],
    ["GX11 1AA", "GI"], // Gibraltar: its own law, not the UK's
    ["EC1A 1BB", "GB"], // AA9A
    ["W1A 0AX", "GB"], // A9A
    ["M1 1AE", "GB"], // A9
    ["B33 8TH", "GB"], // A99
    ["CR2 6XH", "GB"], // AA9
    ["DN55 1PT", "GB"], // AA99
    ["BT1 1AA", "GB"], // Northern Ireland is in GB
    ["GIR 0AA", "GB"], // Girobank, outside the format
    ["I M 1 1 A A", "IM"], // spaces ignored wherever they are
  ])("%j is a postcode in %s", (raw, jurisdiction) => {
    expect(postcodeJurisdiction(raw)).toBe(jurisdiction);
  });

  it.each([
    "XX",
    "",
    "   ",
    "SW1A",
    "SW1A 1AAA",
    "SW1A-1AA", // a dash is not a space
    "1AB 1AA", // starts with a digit
    "QA1 1AA", // Q is never an area's first letter
    "AJ1 1AA", // J is never an area's second letter
    "SW1A 1CA", // C is never an inward letter
    "W1I 0AX", // I is not a third-position letter in A9A
    "EC1C 1BB", // C is not a fourth-position letter in AA9A
    "ABC1 1AA",
    "90210",
    "IM1 1A",
  ])("%j is not a postcode", (raw) => {
    expect(postcodeJurisdiction(raw)).toBeNull();
  });
});

describe("phoneJurisdiction", () => {
  it.each([
    ["01624 123456", "IM"],
    ["07624 123456", "IM"],
    ["+44 7624 123456", "IM"],
    ["01534 123456", "JE"],
    ["(01534) 123-456", "JE"],
    ["07509 123456", "JE"],
    ["07700 900123", "JE"],
    ["07797 123456", "JE"],
    ["07829 123456", "JE"],
    ["07937 123456", "JE"],
    ["01481 123456", "GG"],
    ["07781 123456", "GG"],
    ["07839 123456", "GG"],
    ["07911-123-456", "GG"],
    ["0044 7911 123456", "GG"],
    ["07400 123456", "GB"],
    ["+44 (0) 20 7946 0018", "GB"],
    ["0044 20 7946 0018", "GB"],
    ["020 7946 0018", "GB"],
    ["0113 496 0000", "GB"],
    ["0300 123 4567", "GB"],
    ["447400123456", "GB"], // the + lost to a spreadsheet
  ])("%j is a phone number in %s", (raw, jurisdiction) => {
    expect(phoneJurisdiction(raw)).toBe(jurisdiction);
  });

  it.each([
    "",
    "7400123456", // the trunk 0 lost: not recognisable as UK (ten digits from 7 could be North American)
    "0740012345", // nine digits after the 0
    "074001234567", // eleven
    "0800 123 4567", // freephone is not a number where someone lives
    "0845 123 4567",
    "+33 1 23 45 67 89",
    "+4 4 7400 123456 7",
    "07400 12345a",
    "07400 123456 ext 2",
  ])("%j is not a UK phone number", (raw) => {
    expect(phoneJurisdiction(raw)).toBeNull();
  });
});

describe("countryJurisdiction", () => {
  it.each([
    ["United Kingdom", "GB"],
    ["UK", "GB"],
    ["U.K.", "GB"],
    ["GB", "GB"],
    ["GBR", "GB"],
    ["Great Britain", "GB"],
    ["England", "GB"],
    ["Scotland", "GB"],
    ["Wales", "GB"],
    ["Northern Ireland", "GB"],
    ["Untied Kingdom", "GB"],
    ["United Kingdon", "GB"],
    ["  united kingdom. ", "GB"],
    ["Isle of Man", "IM"],
    ["IOM", "IM"],
    ["I.O.M.", "IM"],
    ["IM", "IM"],
    ["IMN", "IM"],
    ["Isle of Mann", "IM"],
    ["Isle Of Man (Crown Dependency)", "IM"],
    ["isle of man", "IM"],
    ["Jersey", "JE"],
    ["JE", "JE"],
    ["JEY", "JE"],
    ["Jersey, Channel Islands", "JE"],
    ["Jersey C.I.", "JE"],
    ["Channel Islands - Jersey", "JE"],
    ["Guernsey", "GG"],
    ["GG", "GG"],
    ["GGY", "GG"],
    ["Guernsey, Channel Islands", "GG"],
    ["Guernsey C.I.", "GG"],
    ["Alderney", "GG"],
    ["Sark", "GG"],
    ["Guernesey", "GG"],
    ["Ireland", "IE"],
    ["Republic of Ireland", "IE"],
    ["Eire", "IE"],
    ["Éire", "IE"],
    ["IE", "IE"],
    ["IRL", "IE"],
    ["ie", "IE"],
    ["France", "FR"],
    ["FRA", "FR"],
    ["Côte d'Ivoire", "CI"],
    ["Saint Kitts and Nevis", "KN"],
    ["Burma", "MM"],
    ["U.S.A.", "US"],
    ["Slovakai", "SK"], // a transposition, unambiguous
    ["NI", "GB"], // Northern Ireland, not Nicaragua
    ["Deutschland", "DE"],
    ["Royaume-Uni", "GB"],
    ["España", "ES"],
    ["N.I.", "GB"],
    ["Nicaragua", "NI"],
  ])("%j is %s", (raw, code) => {
    expect(countryJurisdiction(raw)).toBe(code);
  });

  it.each([
    "Channel Islands", // Jersey or Guernsey: ambiguous
    "Channel Islands.",
    "",
    "London",
    "Austrlia", // one slip from Australia and from Austria
    "Korea", // North or South
    "Europe",
    "N/A", // not applicable, not Namibia
    "n/a",
    " NA ",
    "n.a.",
    "CI", // Channel Islands: Jersey or Guernsey
    "C.I.",
    "unknown",
    "-",
  ])("%j is not a country", (raw) => {
    expect(countryJurisdiction(raw)).toBeNull();
  });

  const codes = Array.from({ length: 26 * 26 }, (_, i) =>
    String.fromCharCode(65 + Math.floor(i / 26), 65 + (i % 26)),
  ).filter(isCountry);
  const english = new Intl.DisplayNames(["en"], { type: "region" });

  it("knows every ISO 3166-1 country by its alpha-2 code and its English name", () => {
    expect(codes).toHaveLength(249);
    // NA is read as "not applicable"; Namibia is known by its name and its alpha-3 code.
    expect([countryJurisdiction("Namibia"), countryJurisdiction("NAM")]).toEqual(["NA", "NA"]);
    const wrong = codes.filter(
      (code) =>
        countryJurisdiction(code) !== code ||
        countryJurisdiction(code.toLowerCase()) !== code ||
        countryJurisdiction(english.of(code) ?? "") !== code,
    );
    expect(wrong).toEqual(["CI", "NA", "NI"]); // read as placeholders and Northern Ireland (below)
  });

  it.each([
    ["GBR", "GB"],
    ["IMN", "IM"],
    ["JEY", "JE"],
    ["GGY", "GG"],
    ["DEU", "DE"],
    ["USA", "US"],
    ["KOR", "KR"],
    ["PRK", "KP"],
    ["COD", "CD"],
    ["SGS", "GS"],
  ])("knows the alpha-3 code %s as %s", (alpha3, code) => {
    expect(countryJurisdiction(alpha3)).toBe(code);
  });
});

describe("the value detectors", () => {
  it.each([
    ["4111 1111 1111 1111", "card_number"],
    ["5555555555554444", "card_number"],
    ["378282246310005", "card_number"], // 15 digits
    ["4111-1111-1111-1111", "card_number"],
    ["4111 1111 1111 1112", null], // fails the Luhn check
    ["411111111111", null], // 12 digits
    ["GB82WEST12345698765432", "iban"],
    ["GB82 WEST 1234 5698 7654 32", "iban"],
    ["gb82west12345698765432", "iban"],
    ["DE89370400440532013000", "iban"],
    ["GB82WEST12345698765433", null], // one digit changed: mod 97 is not 1
    ["GB28WEST12345698765432", null], // check digits swapped
    ["AB123456C", "ni_number"],
    ["JG103759A", "ni_number"],
    ["ab 12 34 56 d", "ni_number"],
    ["DA123456A", null], // D is never a first letter
    ["AO123456A", null], // O is never a second letter
    ["BG123456A", null],
    ["GB123456A", null],
    ["NK123456A", null],
    ["TN123456A", null],
    ["ZZ123456A", null],
    ["AB123456E", null], // suffix beyond D
    ["AB12345C", null],
    ["12-34-56", "sort_code"],
    ["12 34 56", "sort_code"],
    ["12-34 56", null],
    ["12345678", "account_number"],
    ["123456789", "passport"],
    ["1985-03-12", "date"],
    ["1985-03-12T00:00:00", "date"],
    ["12/03/1985", "date"],
    ["1/2/90", "date"],
    ["29/02/2000", "date"],
    ["29/02/2024", "date"],
    ["31/02/1990", null],
    ["29/02/1900", null],
    ["29/02/2023", null],
    ["2023-02-29", null],
    ["31/04/2020", null],
    ["13/13/2020", null],
    ["jane.smith@example.org", "email"],
    ["J.Smith+union@mail.example.co.uk", "email"],
    ["jane@", null],
    ["jane@example", null],
    ["jane..smith@example.org", null],
    ["jane smith@example.org", null],
    ["SW1A 1AA", "uk_postcode"],
    ["07400 123456", "uk_phone"],
    ["France", "country"],
  ])("%j passes %s", (value, detector) => {
    expect(detectorOf(value)).toBe(detector);
  });
});

describe("classifyColumn", () => {
  const emails = ["jane.smith@example.org", "SAM@EXAMPLE.COM", "r.patel@example.net", "o.brien@example.ie"];
  const postcodes = ["IM1 1AA", "je2 3ab", "GY1 1AA", "SW1A 1AA", "M1 1AE"];
  const phones = ["07400 123456", "+44 7624 123456", "01534 123456", "020 7946 0018"];
  const countries = ["United Kingdom", "Isle of Man", "Jersey", "UK", "Guernsey"];

  it.each<[string, string[], ColumnRole, DataCategory | null, string]>([
    ["E-mail", emails, "email", "contact", "email"],
    ["email_address", emails, "email", "contact", "email"],
    ["EmailAddress", emails, "email", "contact", "email"],
    ["Post Code", postcodes, "postcode", "address", "uk_postcode"],
    ["postcode", postcodes, "postcode", "address", "uk_postcode"],
    ["Mobile", phones, "phone", "contact", "uk_phone"],
    ["Tel", phones, "phone", "contact", "uk_phone"],
    ["Country", countries, "country", null, "country"],
    ["DOB", ["12/03/1985", "1/2/90", "1961-07-30"], "date_of_birth", "date_of_birth", "date"],
    ["DateOfBirth", ["12/03/1985", "01/02/1990"], "date_of_birth", "date_of_birth", "date"],
    ["NI number", ["AB123456C", "JG 10 37 59 A"], "other", "government_id", "ni_number"],
    ["NINumber", ["AB123456C", "JG103759A"], "other", "government_id", "ni_number"],
    ["Passport", ["123456789", "987654321"], "other", "government_id", "passport"],
    ["Sort code", ["12-34-56", "40-11-62"], "other", "financial", "sort_code"],
    ["Account number", ["12345678", "87654321"], "other", "financial", "account_number"],
    ["Bank account", ["GB82WEST12345698765432"], "other", "financial", "iban"],
    ["IBAN", ["GB82 WEST 1234 5698 7654 32"], "other", "financial", "iban"],
    ["Card number", ["4111111111111111", "5555 5555 5555 4444"], "other", "financial", "card_number"],
  ])(
    "header %j over matching values is %s / %s, backed by %s",
    (header, samples, role, category, detector) => {
      const found = classifyColumn(header, samples);
      expect(found).toMatchObject({ role, category, detector });
      expect(found.confidence).toBeGreaterThanOrEqual(0.95);
    },
  );

  it.each<[string, ColumnRole, DataCategory | null]>([
    // Flags about the record are not special categories; staff and payroll numbers are record numbers.
    ["Terms and Conditions", "other", null],
    ["Third Party Marketing", "other", null],
    ["Consent", "other", null],
    ["Medical conditions", "other", "health"],
    ["HIV status", "other", "health"],
    ["Medication", "other", "health"],
    ["Reason for absence", "other", "health"],
    ["Covid vaccination status", "other", "health"],
    ["Pregnant", "other", "health"],
    ["Blood Group", "other", "health"],
    ["SEN / EHCP", "other", "health"],
    ["Church attended", "other", "religious_or_philosophical_beliefs"],
    ["api_token", "other", "credentials"],
    ["Twitter", "other", "online_identifiers"],
    ["ga_client_id", "other", "online_identifiers"],
    ["Credit Limit", "other", "financial"],
    ["Credit Score", "other", "financial"],
    ["Right to Work Document", "other", "government_id"],
    ["Disciplinary outcome", "other", "employment"],
    ["Leaving Date", "other", "employment"],
    ["Next of Kin", "other", "name"],
    ["Straße", "address", "address"],
    ["Ort", "address", "address"],
    ["Parish", "parish", "address"],
    ["Voting Intention", "other", "political_opinions"],
    ["Political party", "other", "political_opinions"],
    ["Staff Number", "other", null],
    ["Payroll Ref", "other", null],
    ["NHS Number", "other", "government_id"],
    ["Dependants", "other", "children"],
    ["CVV", "other", "credentials"],
    // Exports in other languages.
    ["Prénom", "first_name", "name"],
    ["Nom", "last_name", "name"],
    ["Courriel", "email", "contact"],
    ["Code postal", "postcode", "address"],
    ["Pays", "country", null],
    ["Geburtsdatum", "date_of_birth", "date_of_birth"],
    ["E-mail", "email", "contact"],
    ["Zip", "postcode", "address"],
    ["Phone", "phone", "contact"],
    ["Date of birth", "date_of_birth", "date_of_birth"],
    ["Birth date", "date_of_birth", "date_of_birth"],
    ["First name", "first_name", "name"],
    ["firstName", "first_name", "name"],
    ["Forename", "first_name", "name"],
    ["Surname", "last_name", "name"],
    ["Last name", "last_name", "name"],
    ["Name", "full_name", "name"],
    ["Full name", "full_name", "name"],
    ["Address 1", "address", "address"],
    ["AddressLine1", "address", "address"],
    ["Street", "address", "address"],
    ["Town", "address", "address"],
    ["Country", "country", null],
    ["Nationality", "other", null],
    ["Country of birth", "other", null],
    ["National Insurance", "other", "government_id"],
    ["Passport number", "other", "government_id"],
    ["Salary", "other", "financial"],
    ["Password", "other", "credentials"],
    ["IP address", "other", "online_identifiers"],
    ["IPAddress", "other", "online_identifiers"],
    ["Username", "other", "online_identifiers"],
    ["Employer", "other", "employment"],
    ["Employer name", "other", "employment"],
    ["Job title", "other", "employment"],
    ["Member number", "other", null],
    ["MemberID", "other", null],
    ["Ethnicity", "other", "racial_or_ethnic_origin"],
    ["Ethnic origin", "other", "racial_or_ethnic_origin"],
    ["Race", "other", "racial_or_ethnic_origin"],
    ["Religion", "other", "religious_or_philosophical_beliefs"],
    ["Faith", "other", "religious_or_philosophical_beliefs"],
    ["Belief", "other", "religious_or_philosophical_beliefs"],
    ["Sexual orientation", "other", "sex_life_or_sexual_orientation"],
    ["Sexuality", "other", "sex_life_or_sexual_orientation"],
    ["Disability", "other", "health"],
    ["Health", "other", "health"],
    ["Medical conditions", "other", "health"],
    ["HIV status", "other", "health"],
    ["Medication", "other", "health"],
    ["Reason for absence", "other", "health"],
    ["Covid vaccination status", "other", "health"],
    ["Pregnant", "other", "health"],
    ["Blood Group", "other", "health"],
    ["SEN / EHCP", "other", "health"],
    ["Church attended", "other", "religious_or_philosophical_beliefs"],
    ["api_token", "other", "credentials"],
    ["Twitter", "other", "online_identifiers"],
    ["ga_client_id", "other", "online_identifiers"],
    ["Credit Limit", "other", "financial"],
    ["Credit Score", "other", "financial"],
    ["Right to Work Document", "other", "government_id"],
    ["Disciplinary outcome", "other", "employment"],
    ["Leaving Date", "other", "employment"],
    ["Next of Kin", "other", "name"],
    ["Straße", "address", "address"],
    ["Ort", "address", "address"],
    ["Parish", "parish", "address"],
    ["Voting Intention", "other", "political_opinions"],
    ["Union membership", "other", "trade_union_membership"],
    ["Branch", "other", "trade_union_membership"],
    ["Branch name", "other", "trade_union_membership"],
    ["Political party", "other", "political_opinions"],
    ["Political opinion", "other", "political_opinions"],
    ["Genetic", "other", "genetic"],
    ["DNA", "other", "genetic"],
    ["Biometric", "other", "biometric"],
    ["Fingerprint", "other", "biometric"],
    ["Criminal record", "other", "criminal_offence"],
    ["Convictions", "other", "criminal_offence"],
    ["Offences", "other", "criminal_offence"],
    ["Favourite colour", "other", null],
  ])("header %j alone is %s / %s", (header, role, category) => {
    const found = classifyColumn(header, []);
    expect(found).toMatchObject({ role, category, detector: null });
    expect(found.confidence).toBeLessThanOrEqual(0.6);
  });

  it("believes the values over a header that lies: e-mail addresses under 'Phone'", () => {
    const found = classifyColumn("Phone", emails);
    expect(found).toMatchObject({ role: "email", category: "contact", detector: "email" });
    expect(found.reason).toContain('"Phone"');
  });

  it("believes the header when fewer than 80% of the values back another detector", () => {
    // 3 of 5 are e-mail addresses: not enough to overrule the header.
    const found = classifyColumn("Phone", [...emails.slice(0, 3), "07400 123456", "01534 123456"]);
    expect(found).toMatchObject({ role: "phone", detector: null });
  });

  it("finds a column by its values when the header says nothing", () => {
    const found = classifyColumn("Field 12", postcodes);
    expect(found).toMatchObject({ role: "postcode", category: "address", detector: "uk_postcode" });
    expect(found.confidence).toBeGreaterThan(0.6);
    expect(found.confidence).toBeLessThan(0.95);
  });

  it("scales the confidence with the share of values that validate", () => {
    const all = classifyColumn("Field 12", postcodes).confidence;
    const most = classifyColumn("Field 12", [...postcodes, "Flat 3"]).confidence;
    expect(most).toBeLessThan(all);
    const headerOnly = classifyColumn("Postcode", []).confidence;
    // Placeholders ("n/a", "-") are no value at all; other text that is not a postcode speaks against it.
    const partlyBacked = classifyColumn("Postcode", ["SW1A 1AA", "Flat 3", "Douglas", "n/a"]).confidence;
    const contradicted = classifyColumn("Postcode", ["Flat 3", "Douglas", "-"]).confidence;
    expect(headerOnly).toBeCloseTo(0.6);
    expect(contradicted).toBeLessThan(headerOnly);
    expect(partlyBacked).toBeGreaterThan(contradicted);
  });

  it("does not let bare digits overrule a member-number header", () => {
    expect(classifyColumn("Member number", ["12345678", "23456789"])).toMatchObject({
      role: "other",
      category: null,
    });
    // Without a header to say otherwise, 8 digits read as account numbers, with little confidence.
    const unlabelled = classifyColumn("Ref 2", ["12345678", "23456789"]);
    expect(unlabelled).toMatchObject({ category: "financial", detector: "account_number" });
    expect(unlabelled.confidence).toBeLessThan(0.75);
  });

  it("does not read first names that are also countries as countries", () => {
    expect(classifyColumn("First name", ["Jordan", "Chad", "Georgia"])).toMatchObject({
      role: "first_name",
      category: "name",
    });
  });

  it("keeps nationality apart from residence even when its values are countries", () => {
    expect(classifyColumn("Nationality", ["GB", "IE", "France"])).toMatchObject({
      role: "other",
      category: null,
      detector: "country",
    });
  });

  it("calls a date column dates of birth by the ages they give, when the year of the export is known", () => {
    const births = ["1961-07-30", "12/03/1985", "01/02/1990", "2001-11-05"];
    expect(classifyColumn("Date", births, { asOfYear: 2025 })).toMatchObject({
      role: "date_of_birth",
      category: "date_of_birth",
    });
    // Join dates give ages of a few years.
    expect(
      classifyColumn("Date", ["2019-03-01", "2021-06-15", "2024-01-09"], { asOfYear: 2025 }),
    ).toMatchObject({ role: "other", category: null, detector: "date" });
    // Without the year, nothing but the header can say they are birth dates.
    expect(classifyColumn("Date", births)).toMatchObject({ role: "other", category: null, detector: "date" });
  });

  it("gives up to three masked examples and keeps the values out of the reason", () => {
    const found = classifyColumn("Email", [...emails, "jane.smith@example.org"]);
    expect(found.examples).toEqual(["j***.*****@e******.org", "S**@*******.COM", "r.*****@e******.net"]);
    for (const email of emails) expect(found.reason).not.toContain(email);
  });

  it("ignores empty samples and says so when nothing is recognised", () => {
    const found = classifyColumn("Notes", ["", "  ", "likes cake"]);
    expect(found).toMatchObject({ role: "other", category: null, detector: null });
    expect(found.reason).toMatch(/^Neither the header "Notes"/);
  });

  it("names only categories of the law room's vocabulary", () => {
    const headers = [
      "Email",
      "Religion",
      "Password",
      "Sort code",
      "IP address",
      "Employer",
      "DNA",
      "Offences",
    ];
    for (const header of headers) {
      const { category } = classifyColumn(header, []);
      expect(category === null || dataCategories.includes(category)).toBe(true);
    }
  });
});

describe("maskValue", () => {
  it.each([
    ["jane@example.org", "j***@*******.org"],
    ["jane.smith@example.org", "j***.*****@e******.org"],
    ["IM1 1AA", "IM* ***"],
    ["SW1A 1AA", "SW** ***"],
    ["07400 123456", "07*** ******"],
    ["+44 7400 123456", "+44 7*** ******"],
    ["4111 1111 1111 1111", "4••• •••• •••• ••11"],
    ["12345678", "••••••78"],
    ["12-34-56", "••-••-56"],
    ["AB123456C", "A*••••56*"],
    ["Jane Smith", "J*** *****"],
    ["  Catholic ", "C*******"],
    ["ab", "**"],
    ["", ""],
  ])("%j is masked as %j", (value, masked) => {
    expect(maskValue(value)).toBe(masked);
  });

  it.each([
    "jane@example.org",
    "jo@ex.org",
    "IM1 1AA",
    "GY1 1AA",
    "07624 123456",
    "+44 (0) 1534 123456",
    "GB82 WEST 1234 5698 7654 32",
    "4111111111111111",
    "1985-03-12",
    "1/2/90",
    "Zoë",
    "Ng",
    "Muhammad Ali",
    "42",
  ])("shows at most a third of the letters and digits of %j, in the value's shape", (value) => {
    const original = Array.from(value.trim());
    const masked = Array.from(maskValue(value));
    expect(masked).toHaveLength(original.length);
    const alnum = original.filter((ch) => /[\p{L}\p{N}]/u.test(ch)).length;
    const shown = original.filter((ch, i) => /[\p{L}\p{N}]/u.test(ch) && masked[i] === ch).length;
    expect(shown).toBeLessThanOrEqual(alnum / 3);
    original.forEach((ch, i) => {
      if (!/[\p{L}\p{N}]/u.test(ch)) expect(masked[i]).toBe(ch);
    });
  });
});

describe("a header about e-mail over values that are not addresses", () => {
  it.each([
    ["Email Opt Out", ["0", "1", "0", "0"]],
    ["HasOptedOutOfEmail", ["true", "false", "false"]],
    ["EmailBouncedDate", ["2025-01-02", "2025-03-04"]],
  ])("%s is a flag, not an address: it identifies nobody", (header, values) => {
    const found = classifyColumn(header, values);
    expect(found.role).toBe("other");
    expect(found.category).toBeNull();
  });

  it("a header about e-mail over addresses is still the address", () => {
    expect(classifyColumn("Contact: Email", ["ann@example.org", "bob@example.je"]).role).toBe("email");
  });

  it("a mobile that lost its 0 in a spreadsheet is placed only in the islands' own ranges", () => {
    expect(phoneJurisdiction("7624123456")).toBe("IM");
    expect(phoneJurisdiction("7797 123456")).toBe("JE");
    expect(phoneJurisdiction("7135551234")).toBeNull();
  });
});

describe("postcodeJurisdictionOfBytes", () => {
  it("agrees with postcodeJurisdiction on any ASCII text, and defers on anything else", () => {
    const encoder = new TextEncoder();
    const postcodeLike = fc.stringMatching(/^ ?[A-Za-z]{1,2}[0-9][0-9A-Za-z]? ?[0-9][A-Za-z]{2} ?$/);
    fc.assert(
      fc.property(fc.oneof(postcodeLike, fc.string({ maxLength: 12 })), (text) => {
        const bytes = encoder.encode(`x${text}y`);
        const fromBytes = postcodeJurisdictionOfBytes(bytes, 1, bytes.length - 1);
        let ascii = true;
        for (let at = 0; at < text.length; at++) if (text.charCodeAt(at) >= 0x80) ascii = false;
        if (ascii) expect(fromBytes).toBe(postcodeJurisdiction(text));
        else expect(fromBytes === undefined || fromBytes === null).toBe(true);
      }),
      { numRuns: 3_000 },
    );
  });
});

describe("parishJurisdiction", () => {
  it.each([
    ["Braddan", "IM"],
    ["St. Helier", "JE"],
    ["Saint Peter Port", "GG"],
    ["GROUVILLE", "JE"],
    ["Sark", "GG"],
  ])("%s is in %s", (parish, code) => {
    expect(parishJurisdiction(parish)).toBe(code);
  });

  it.each(["St Saviour", "St Martin", "Trinity", "Douglas", "Patrick", ""])(
    "%s places nobody (two islands share it, or it is an ordinary word)",
    (parish) => {
      expect(parishJurisdiction(parish)).toBeNull();
    },
  );
});
