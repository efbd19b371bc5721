/** Every rule pack dpdesk knows, and the choice of the one in force for a jurisdiction at a moment. */
import type { Country } from "../countries.js";
import type { RulePack } from "../rule-pack.js";
import { euGdpr } from "./eu-gdpr.js";
import { guernsey } from "./guernsey.js";
import { isleOfMan } from "./isle-of-man.js";
import { jersey2005 } from "./jersey-2005.js";
import { jersey2018 } from "./jersey-2018.js";
import { ukGdpr } from "./uk-gdpr.js";

export const rulePacks: readonly RulePack[] = [ukGdpr, isleOfMan, jersey2018, jersey2005, guernsey, euGdpr];

interface Span {
  pack: RulePack;
  from: number;
  to: number;
}

const spansByCountry = new Map<Country, Span[]>();
for (const pack of rulePacks) {
  const span = {
    pack,
    from: Date.parse(pack.effectiveFrom),
    to: pack.effectiveTo === null ? Number.POSITIVE_INFINITY : Date.parse(pack.effectiveTo),
  };
  for (const country of Object.keys(pack.jurisdictions)) {
    const spans = spansByCountry.get(country) ?? [];
    spans.push(span);
    spansByCountry.set(country, spans);
  }
}

/** The pack whose law governs a breach in `country` that the organisation became aware of at `awareAtMs`. */
export function packInForce(country: Country, awareAtMs: number): RulePack | null {
  const spans = spansByCountry.get(country);
  if (spans === undefined) return null;
  for (const span of spans) if (span.from <= awareAtMs && awareAtMs < span.to) return span.pack;
  return null;
}

const packsByCountry = new Map<Country, readonly RulePack[]>(
  [...spansByCountry].map(([country, spans]) => [
    country,
    spans.map((span) => span.pack).sort((a, b) => Date.parse(a.effectiveFrom) - Date.parse(b.effectiveFrom)),
  ]),
);

/** Every pack that covers the country at some time, oldest first. */
export function packsFor(country: Country): readonly RulePack[] {
  return packsByCountry.get(country) ?? [];
}
