/**
 * The EU GDPR (Regulation (EU) 2016/679) Art 33–34, the reference regime (RULEBOOK §2). dpdesk lists one
 * obligation per member state where affected people live or the controller is established, each addressed to
 * that state's supervisory authority. Each obligation says whether the one-stop shop (Art 56) may make one
 * authority the lead, or whether the GDPR reaches a controller outside the EU only through Art 3(2).
 */
import {
  article33Contents,
  article34Contents,
  highRiskSubjectRules,
  riskBasedReportingRules,
  type GdprFamilyLaw,
} from "../gdpr-family.js";
import { euMemberStates } from "../countries.js";
import { article9Categories } from "../incident.js";
import type { Regulator, RulePack } from "../rule-pack.js";

const law: GdprFamilyLaw = {
  pack: "eu-gdpr",
  reportingLaw: "GDPR Art 33(1)",
  subjectsLaw: "GDPR Art 34",
  regulator: "the supervisory authority",
  citations: {
    reporting: "GDPR Art 33(1); RULEBOOK §2.1 [V E1, E8]",
    subjects: "GDPR Art 34(1); RULEBOOK §2.2 [V E2]",
    exemptions: "GDPR Art 34(3); RULEBOOK §2.2 [V E2]",
    processor: "GDPR Art 33(2); RULEBOOK §2.3 [V E1]",
  },
};

// The authorities' names are not in the RULEBOOK ([U]); the duty to report to "the competent supervisory
// authority" is GDPR Art 33(1) [V E1], through the national authority's own channel (RULEBOOK §1).
const authorities: Readonly<Record<string, { name: string; timeZone: string; web?: string }>> = {
  AT: {
    name: "Austrian Data Protection Authority (Datenschutzbehörde)",
    timeZone: "Europe/Vienna",
    web: "https://www.dsb.gv.at",
  },
  BE: {
    name: "Belgian Data Protection Authority (APD/GBA)",
    timeZone: "Europe/Brussels",
    web: "https://www.dataprotectionauthority.be",
  },
  BG: {
    name: "Commission for Personal Data Protection (Bulgaria)",
    timeZone: "Europe/Sofia",
    web: "https://www.cpdp.bg",
  },
  HR: {
    name: "Croatian Personal Data Protection Agency (AZOP)",
    timeZone: "Europe/Zagreb",
    web: "https://azop.hr",
  },
  CY: {
    name: "Commissioner for Personal Data Protection (Cyprus)",
    timeZone: "Asia/Nicosia",
    web: "https://www.dataprotection.gov.cy",
  },
  CZ: {
    name: "Office for Personal Data Protection (ÚOOÚ), Czechia",
    timeZone: "Europe/Prague",
    web: "https://uoou.gov.cz",
  },
  DK: {
    name: "Danish Data Protection Agency (Datatilsynet)",
    timeZone: "Europe/Copenhagen",
    web: "https://www.datatilsynet.dk",
  },
  EE: {
    name: "Estonian Data Protection Inspectorate (AKI)",
    timeZone: "Europe/Tallinn",
    web: "https://www.aki.ee",
  },
  FI: {
    name: "Office of the Data Protection Ombudsman (Finland)",
    timeZone: "Europe/Helsinki",
    web: "https://tietosuoja.fi",
  },
  FR: {
    name: "Commission Nationale de l'Informatique et des Libertés (CNIL)",
    timeZone: "Europe/Paris",
    web: "https://www.cnil.fr",
  },
  DE: {
    name: "the competent German supervisory authority (the BfDI or the Land authority)",
    timeZone: "Europe/Berlin",
    web: "https://www.bfdi.bund.de",
  },
  GR: { name: "Hellenic Data Protection Authority", timeZone: "Europe/Athens", web: "https://www.dpa.gr" },
  HU: {
    name: "National Authority for Data Protection and Freedom of Information (NAIH), Hungary",
    timeZone: "Europe/Budapest",
    web: "https://naih.hu",
  },
  IE: {
    name: "Data Protection Commission (Ireland)",
    timeZone: "Europe/Dublin",
    web: "https://www.dataprotection.ie",
  },
  IT: {
    name: "Garante per la protezione dei dati personali (Italy)",
    timeZone: "Europe/Rome",
    web: "https://www.garanteprivacy.it",
  },
  LV: { name: "Data State Inspectorate (Latvia)", timeZone: "Europe/Riga", web: "https://www.dvi.gov.lv" },
  LT: {
    name: "State Data Protection Inspectorate (Lithuania)",
    timeZone: "Europe/Vilnius",
    web: "https://vdai.lrv.lt",
  },
  LU: {
    name: "Commission nationale pour la protection des données (CNPD), Luxembourg",
    timeZone: "Europe/Luxembourg",
    web: "https://cnpd.public.lu",
  },
  MT: {
    name: "Information and Data Protection Commissioner (Malta)",
    timeZone: "Europe/Malta",
    web: "https://idpc.org.mt",
  },
  NL: {
    name: "Autoriteit Persoonsgegevens (Netherlands)",
    timeZone: "Europe/Amsterdam",
    web: "https://autoriteitpersoonsgegevens.nl",
  },
  PL: {
    name: "President of the Personal Data Protection Office (UODO), Poland",
    timeZone: "Europe/Warsaw",
    web: "https://uodo.gov.pl",
  },
  PT: {
    name: "Comissão Nacional de Proteção de Dados (CNPD), Portugal",
    timeZone: "Europe/Lisbon",
    web: "https://www.cnpd.pt",
  },
  RO: {
    name: "National Supervisory Authority for Personal Data Processing (ANSPDCP), Romania",
    timeZone: "Europe/Bucharest",
    web: "https://www.dataprotection.ro",
  },
  SK: {
    name: "Office for Personal Data Protection of the Slovak Republic",
    timeZone: "Europe/Bratislava",
    web: "https://dataprotection.gov.sk",
  },
  SI: {
    name: "Information Commissioner of the Republic of Slovenia",
    timeZone: "Europe/Ljubljana",
    web: "https://www.ip-rs.si",
  },
  ES: {
    name: "Agencia Española de Protección de Datos (AEPD)",
    timeZone: "Europe/Madrid",
    web: "https://www.aepd.es",
  },
  SE: {
    name: "Swedish Authority for Privacy Protection (IMY)",
    timeZone: "Europe/Stockholm",
    web: "https://www.imy.se",
  },
};

// Parts of member states with their own ISO codes, supervised by that state's authority [U: TFEU Art 355].
const partsOfMemberStates: Readonly<Record<string, { state: string; timeZone: string }>> = {
  AX: { state: "FI", timeZone: "Europe/Mariehamn" },
  GF: { state: "FR", timeZone: "America/Cayenne" },
  GP: { state: "FR", timeZone: "America/Guadeloupe" },
  MQ: { state: "FR", timeZone: "America/Martinique" },
  RE: { state: "FR", timeZone: "Indian/Reunion" },
  YT: { state: "FR", timeZone: "Indian/Mayotte" },
  MF: { state: "FR", timeZone: "America/Marigot" },
};

function regulatorFor(state: string): Regulator {
  const authority = authorities[state];
  if (authority === undefined) throw new Error(`no supervisory authority listed for ${state}`);
  return {
    name: authority.name,
    howToReport:
      "Report through the supervisory authority's own breach notification channel; information may be given in phases without undue further delay.",
    contact: authority.web === undefined ? {} : { web: authority.web },
    citation:
      "GDPR Art 33(1), Art 55; RULEBOOK §1 'How to submit' [V E1]; authority names and addresses [U: not in RULEBOOK]",
  };
}

const jurisdictions: Record<string, { timeZone: string }> = {};
const regulators: Record<string, Regulator> = {};
for (const [state, authority] of Object.entries(authorities)) {
  jurisdictions[state] = { timeZone: authority.timeZone };
  regulators[state] = regulatorFor(state);
}
for (const [part, { state, timeZone }] of Object.entries(partsOfMemberStates)) {
  jurisdictions[part] = { timeZone };
  regulators[part] = regulatorFor(state);
}

export const euGdpr: RulePack = {
  id: "eu-gdpr",
  version: "2026.1",
  title: "EU General Data Protection Regulation (EU) 2016/679",
  effectiveFrom: "2018-05-25T00:00:00+03:00",
  effectiveTo: null,
  effectiveCitation:
    "GDPR Art 99(2): applies from 25 May 2018, taken from the earliest local midnight in the EU (EEST) [U: Art 99 not in RULEBOOK]",
  jurisdictions,
  regulators,
  specialCategories: article9Categories,
  specialCategoriesRule: {
    id: "eu-gdpr.special-categories",
    citation: "GDPR Art 9(1), Art 10; RULEBOOK §2.5 [V U17, E7]",
    text: "Under the GDPR, criminal conviction and offence data is not special category data but has its own rules (Art 10).",
  },
  regulatorRules: riskBasedReportingRules(law),
  regulatorNotes: [
    {
      id: "eu-gdpr.one-stop-shop-unverified",
      citation: "GDPR Art 56 [U: the one-stop shop is not in the RULEBOOK]",
      when: (facts) => facts.incident.controller.establishments.some((country) => country in euMemberStates),
      because: () =>
        "The controller is established in the EU, so under the one-stop shop its lead supervisory authority may take the report for every member state concerned (not verified).",
    },
    {
      id: "eu-gdpr.territorial-scope-unverified",
      citation: "GDPR Art 3(2), Art 27 [U: territorial scope is not in the RULEBOOK]",
      when: (facts) => !facts.incident.controller.establishments.some((country) => country in euMemberStates),
      because: () =>
        "The controller has no EU establishment, so the GDPR applies only if it offers goods or services to, or monitors, people in the EU; check that scope before reporting (not verified).",
    },
  ],
  logRule: {
    id: "eu-gdpr.log",
    citation: "GDPR Art 33(5); RULEBOOK §2.4 [V E10]",
    text: "Every breach must be documented, with its facts, effects and remedial action, so that the authority can verify compliance.",
  },
  deadline: {
    hours: 72,
    strict: false,
    rule: {
      id: "eu-gdpr.report.deadline",
      citation:
        "GDPR Art 33(1); RULEBOOK §2.1, §8 [V E1; U: holidays and weekends do not extend the 72 hours]",
      text: "The report is due without undue delay and, where feasible, within 72 hours of becoming aware of the breach.",
    },
    lateRule: {
      id: "eu-gdpr.report.late",
      citation: "GDPR Art 33(1); RULEBOOK §2.1 [V E1]",
      text: "The 72 hours have passed, so the report must give the reasons for the delay.",
    },
  },
  regulatorTiming: "Without undue delay and, where feasible, within 72 hours of becoming aware",
  noticeContents: article33Contents("GDPR Art 33(3); RULEBOOK §2.1 [V E1]"),
  delayReasonItem: {
    id: "delay_reason",
    text: "The reasons for reporting after 72 hours.",
    citation: "GDPR Art 33(1); RULEBOOK §2.1 [V E1]",
  },
  subjectRules: highRiskSubjectRules(law),
  subjectTiming: "Without undue delay, in clear and plain language",
  subjectContents: article34Contents("GDPR Art 34(2); RULEBOOK §2.2 [V E2]"),
  regulatorMayRequireNotice: {
    id: "eu-gdpr.subjects.authority-may-require-unverified",
    citation: "GDPR Art 34(4) [U: not in the RULEBOOK]",
    text: "The supervisory authority may still require the people affected to be told (not verified).",
  },
  processorDuty: {
    timing: "Without undue delay after becoming aware",
    rule: {
      id: "eu-gdpr.processor.notify-controller",
      citation: "GDPR Art 33(2); RULEBOOK §2.3 [V E1]",
      text: "A processor must tell its controller without undue delay after becoming aware of the breach.",
    },
  },
};
