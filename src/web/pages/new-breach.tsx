/**
 * The new-breach wizard: the facts in plain words, step by step, re-assessed as the person types (POST
 * /api/v1/assess, which stores nothing), with what each jurisdiction is owed beside the form. Filing stores the
 * breach with its assessment (POST /api/v1/breaches).
 */
import { useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef, useState, type SyntheticEvent, type ReactNode } from "react";
import { api, ApiError } from "../api.js";
import type { Assessment, BreachView, Incident, IncidentInput } from "../api-types.js";
import type { DataCategory } from "../../law/vocabulary.js";
import type { Cause, Nature } from "../../law/incident.js";
import { draftKey, useSession } from "../app.js";
import { ObligationCard, RiskSummary, summariseAssessment } from "../components/assessment-view.js";
import { refreshBreach, useBreach } from "../components/breach-queries.js";
import { Field } from "../components/field.js";
import { ErrorNote, Loading } from "../components/status.js";
import {
  categoryLabels,
  causeLabels,
  countryLabel,
  everydayCategories,
  fieldLabel,
  homeJurisdictions,
  natureLabels,
  riskierCategories,
  specialCategories,
} from "../labels.js";
import { navigate, useTitle } from "../router.js";
import { formatInstant, localNow } from "../time-left.js";

interface Draft {
  title: string;
  description: string;
  cause: Cause;
  nature: Nature[];
  awareAt: string;
  occurredAt: string;
  controllerName: string;
  establishments: string[];
  role: "controller" | "processor";
  subjects: { code: string; count: string }[];
  records: string;
  categories: DataCategory[];
  encrypted: boolean;
  keyCompromised: boolean;
  pseudonymised: boolean;
  publiclyAvailable: boolean;
  highRiskNoLongerLikely: boolean;
  disproportionateEffort: boolean;
}

/** A datetime-local value read in the browser's zone, as an ISO instant; "" stays undefined. */
function instantOf(local: string): string | undefined {
  if (local === "") return undefined;
  const at = new Date(local);
  return Number.isNaN(at.getTime()) ? local : at.toISOString();
}

/**
 * A count as typed ("150,000" reads as 150000). Anything that is not a whole number is sent as typed, so the API
 * names the field ("must be an integer"): never NaN, which JSON would turn into null (in a merge patch, "remove").
 */
function countOf(text: string): number {
  const digits = text.replaceAll(/[,\s]/g, "");
  return (/^-?\d+$/.test(digits) ? Number(digits) : text) as number;
}

function incidentOf(draft: Draft, { forPreview }: { forPreview: boolean }): IncidentInput {
  const subjects: Record<string, number> = {};
  for (const row of draft.subjects) {
    const code = row.code.trim().toUpperCase();
    if (code === "" || row.count.trim() === "") continue;
    subjects[code] = countOf(row.count);
  }
  const occurredAt = instantOf(draft.occurredAt);
  const records = draft.records.trim() === "" ? undefined : countOf(draft.records);
  const description = draft.description.trim();
  // The preview assesses what there is so far; a blank title or name does not change what the law asks.
  const title = draft.title.trim() === "" && forPreview ? "New breach" : draft.title;
  const name = draft.controllerName.trim() === "" && forPreview ? "The organisation" : draft.controllerName;
  return {
    title,
    ...(description === "" ? {} : { description }),
    controller: { name, establishments: draft.establishments, role: draft.role },
    awareAt: instantOf(draft.awareAt) ?? "",
    ...(occurredAt === undefined ? {} : { occurredAt }),
    cause: draft.cause,
    nature: draft.nature,
    dataCategories: draft.categories,
    subjects,
    ...(records === undefined ? {} : { records }),
    protection: {
      encrypted: draft.encrypted,
      // A key can only be compromised if there was one: unticking both protections drops it.
      keyCompromised: draft.keyCompromised && (draft.encrypted || draft.pseudonymised),
      pseudonymised: draft.pseudonymised,
      publiclyAvailable: draft.publiclyAvailable,
    },
    mitigation: {
      highRiskNoLongerLikely: draft.highRiskNoLongerLikely,
      disproportionateEffort: draft.disproportionateEffort,
    },
  };
}

/**
 * The draft kept in this tab's session storage, if it is this person's and still has the shape this version of
 * the desk writes (cleared when the breach is filed or the person signs out).
 */
function savedDraft(userId: string): Partial<Draft> {
  try {
    const saved = JSON.parse(sessionStorage.getItem(draftKey) ?? "null") as {
      userId?: unknown;
      draft?: Partial<Draft>;
    } | null;
    const draft = saved?.draft;
    if (saved?.userId !== userId || typeof draft !== "object" || !Array.isArray(draft.subjects)) {
      sessionStorage.removeItem(draftKey);
      return {};
    }
    return draft;
  } catch {
    sessionStorage.removeItem(draftKey);
    return {};
  }
}

const steps = ["What happened", "Whose data", "What data", "Protection", "Check and file"] as const;

/** Which step holds a field the API named, so an error takes the person to it. */
function stepOf(field: string): number {
  if (/^(title|description|cause|nature|awareAt|occurredAt|discoveredAt)/.test(field)) return 0;
  if (/^(controller|subjects|records)/.test(field)) return 1;
  if (/^dataCategories/.test(field)) return 2;
  return 3;
}

/** A datetime-local value for an instant, in the browser's zone. */
function localOf(iso: string | undefined): string {
  if (iso === undefined) return "";
  const at = new Date(iso);
  return new Date(at.getTime() - at.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
}

/** The wizard's draft of a stored incident, for changing its facts. */
function draftOf(incident: Incident): Draft {
  // The four home jurisdictions first, in the new-breach order, then the rest as stored.
  const home = homeJurisdictions.map((code) => ({
    code,
    count: code in incident.subjects ? String(incident.subjects[code]) : "",
  }));
  const others = Object.entries(incident.subjects)
    .filter(([code]) => !(homeJurisdictions as readonly string[]).includes(code))
    .map(([code, count]) => ({ code, count: String(count) }));
  const subjects = [...home, ...others];
  return {
    title: incident.title,
    description: incident.description ?? "",
    cause: incident.cause,
    nature: incident.nature,
    awareAt: localOf(incident.awareAt),
    occurredAt: localOf(incident.occurredAt),
    controllerName: incident.controller.name,
    establishments: incident.controller.establishments,
    role: incident.controller.role,
    subjects,
    records: incident.records === undefined ? "" : String(incident.records),
    categories: incident.dataCategories,
    ...incident.protection,
    ...incident.mitigation,
  };
}

/** The same members, in any order. */
function sameSet(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && [...a].sort().join("\u0000") === [...b].sort().join("\u0000");
}

/** People by jurisdiction as typed, by upper-case code, blank rows left out. */
function countsOf(rows: Draft["subjects"]): Map<string, string> {
  return new Map(
    rows
      .filter((row) => row.code.trim() !== "" && row.count.trim() !== "")
      .map((row) => [row.code.trim().toUpperCase(), row.count.trim()]),
  );
}

/**
 * What the person changed, as a JSON merge patch (RFC 7396) of the stored incident: each fact is compared with the
 * draft the wizard opened with (not with the server's current copy, which may have moved on), so only what was
 * touched is sent, times the person did not touch keep their seconds and their zone, and an emptied field is
 * removed (null). What the wizard does not ask about (the response, the assessor's ratings) is left alone.
 */
function patchOf(initial: Draft, draft: Draft): Record<string, unknown> {
  const patch: Record<string, unknown> = {};
  const after = incidentOf(draft, { forPreview: false });
  if (draft.title !== initial.title) patch.title = draft.title;
  if (draft.description.trim() !== initial.description.trim())
    patch.description = draft.description.trim() === "" ? null : draft.description.trim();
  if (draft.cause !== initial.cause) patch.cause = draft.cause;
  if (!sameSet(draft.nature, initial.nature)) patch.nature = draft.nature;
  if (draft.awareAt !== initial.awareAt) patch.awareAt = after.awareAt;
  if (draft.occurredAt !== initial.occurredAt) patch.occurredAt = after.occurredAt ?? null;
  if (
    draft.controllerName !== initial.controllerName ||
    draft.role !== initial.role ||
    !sameSet(draft.establishments, initial.establishments)
  )
    patch.controller = after.controller;
  const before = countsOf(initial.subjects);
  const now = countsOf(draft.subjects);
  const subjects: Record<string, number | null> = {};
  for (const code of new Set([...before.keys(), ...now.keys()])) {
    const typed = now.get(code);
    if (typed === before.get(code)) continue;
    subjects[code] = typed === undefined ? null : countOf(typed);
  }
  if (Object.keys(subjects).length > 0) patch.subjects = subjects;
  if (draft.records.trim() !== initial.records.trim()) patch.records = after.records ?? null;
  if (!sameSet(draft.categories, initial.categories)) patch.dataCategories = draft.categories;
  const protection = ["encrypted", "keyCompromised", "pseudonymised", "publiclyAvailable"] as const;
  if (protection.some((key) => draft[key] !== initial[key])) patch.protection = after.protection;
  const mitigation = ["highRiskNoLongerLikely", "disproportionateEffort"] as const;
  if (mitigation.some((key) => draft[key] !== initial[key])) patch.mitigation = after.mitigation;
  return patch;
}

export function NewBreach() {
  useTitle("New breach");
  return <BreachWizard />;
}

/** The same wizard over a breach's stored facts: saving re-assesses the breach and keeps the old assessment. */
export function EditFacts({ id }: { id: string }) {
  const breach = useBreach(id);
  useTitle(breach.data === undefined ? "Change the facts" : `Change the facts of ${breach.data.title}`);
  if (breach.isPending) return <Loading label="Loading the breach" />;
  if (breach.isError) return <ErrorNote error={breach.error} />;
  return <BreachWizard editing={breach.data} />;
}

function BreachWizard({ editing }: { editing?: BreachView }) {
  const session = useSession();
  const client = useQueryClient();
  const [step, setStep] = useState(0);
  // The facts as the wizard opened them: what a save compares with (see patchOf).
  const [initial] = useState<Draft | null>(() => (editing === undefined ? null : draftOf(editing.incident)));
  const [openedVersion] = useState(editing?.version);
  const [draft, setDraft] = useState<Draft>(() =>
    editing === undefined
      ? {
          title: "",
          description: "",
          cause: "cyber_attack",
          nature: ["confidentiality"],
          awareAt: localNow(),
          occurredAt: "",
          controllerName: session.organisation,
          establishments: ["GB"],
          role: "controller",
          subjects: homeJurisdictions.map((code) => ({ code, count: "" })),
          records: "",
          categories: [],
          encrypted: false,
          keyCompromised: false,
          pseudonymised: false,
          publiclyAvailable: false,
          highRiskNoLongerLikely: false,
          disproportionateEffort: false,
          ...savedDraft(session.userId),
        }
      : (initial ?? draftOf(editing.incident)),
  );
  const [assessment, setAssessment] = useState<Assessment | null>(null);
  const [previewProblem, setPreviewProblem] = useState<ApiError | null>(null);
  const [assessing, setAssessing] = useState(false);
  const [filing, setFiling] = useState(false);
  const [fileError, setFileError] = useState<unknown>(null);
  const heading = useRef<HTMLHeadingElement>(null);

  // The draft survives a trip to another page or a reload (this tab only), until the breach is filed.
  useEffect(() => {
    if (editing === undefined)
      sessionStorage.setItem(draftKey, JSON.stringify({ userId: session.userId, draft }));
  }, [draft, editing, session.userId]);

  const update = <K extends keyof Draft>(key: K, value: Draft[K]) => {
    setFileError(null);
    setDraft((current) => ({ ...current, [key]: value }));
  };
  const toggle = <T,>(list: readonly T[], value: T, on: boolean): T[] =>
    on ? [...list.filter((item) => item !== value), value] : list.filter((item) => item !== value);

  // Re-assess a moment after the person stops typing; a newer keystroke cancels the older request.
  useEffect(() => {
    const controller = new AbortController();
    const timer = setTimeout(() => {
      setAssessing(true);
      api<Assessment>("/api/v1/assess", {
        method: "POST",
        body: incidentOf(draft, { forPreview: true }),
        signal: controller.signal,
      })
        .then((result) => {
          setAssessment(result);
          setPreviewProblem(null);
        })
        .catch((error: unknown) => {
          if (controller.signal.aborted) return;
          if (error instanceof ApiError) setPreviewProblem(error);
        })
        .finally(() => {
          if (!controller.signal.aborted) setAssessing(false);
        });
    }, 250);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [draft]);

  const go = (next: number) => {
    setStep(next);
    queueMicrotask(() => heading.current?.focus());
  };

  const file = async () => {
    setFiling(true);
    setFileError(null);
    try {
      if (editing !== undefined) {
        const patch = initial === null ? {} : patchOf(initial, draft);
        // Nothing changed: nothing to record (a new version would say the facts changed when they did not).
        if (Object.keys(patch).length > 0)
          await api(`/api/v1/breaches/${editing.id}`, {
            method: "PATCH",
            body: patch,
            ifMatch: openedVersion,
          });
        await refreshBreach(client, editing.id);
        navigate(`/breaches/${editing.id}#facts`);
        return;
      }
      const breach = await api<BreachView>("/api/v1/breaches", {
        method: "POST",
        body: incidentOf(draft, { forPreview: false }),
      });
      sessionStorage.removeItem(draftKey);
      client.setQueryData(["breach", breach.id], breach);
      void client.invalidateQueries({ queryKey: ["breaches"] });
      void client.invalidateQueries({ queryKey: ["deadlines"] });
      navigate(`/breaches/${breach.id}`);
    } catch (error) {
      setFileError(error);
      if (error instanceof ApiError && error.problems[0] !== undefined) go(stepOf(error.problems[0].field));
    } finally {
      setFiling(false);
    }
  };

  const submit = (event: SyntheticEvent) => {
    event.preventDefault();
    // The first step's two facts are needed by everything after: asked for before moving on.
    const missing = [
      ...(draft.title.trim() === ""
        ? [{ field: "title", message: "is needed: a short name for the breach" }]
        : []),
      ...(draft.awareAt === ""
        ? [{ field: "awareAt", message: "is needed: the 72-hour clocks start here" }]
        : []),
      ...(draft.awareAt !== "" && new Date(draft.awareAt).getTime() > Date.now() + 5 * 60_000
        ? [{ field: "awareAt", message: "is in the future" }]
        : []),
      ...(draft.occurredAt !== "" && new Date(draft.occurredAt).getTime() > Date.now() + 5 * 60_000
        ? [{ field: "occurredAt", message: "is in the future" }]
        : []),
      ...(draft.occurredAt !== "" &&
      draft.awareAt !== "" &&
      new Date(draft.occurredAt) > new Date(draft.awareAt)
        ? [{ field: "occurredAt", message: "is after you became aware of it" }]
        : []),
    ];
    if (step === 0 && missing.length > 0) {
      setFileError(new ApiError(400, "Check the form", "", missing));
      return;
    }
    if (step < steps.length - 1) go(step + 1);
    else void file();
  };

  const problemFor = (field: string): string | undefined => {
    const from = fileError instanceof ApiError ? fileError : previewProblem;
    return from?.problems.find((problem) => problem.field === field || problem.field.startsWith(`${field}.`))
      ?.message;
  };

  // Until people or data are named, an assessment would only echo the defaults: it is not shown.
  const started = draft.categories.length > 0 || draft.subjects.some((row) => row.count.trim() !== "");
  let body: ReactNode;
  switch (step) {
    case 0:
      body = (
        <>
          <Field
            label="A short name for the breach"
            hint="e.g. Member records taken in a cyber attack"
            error={fileError === null ? undefined : problemFor("title")}
          >
            <input
              value={draft.title}
              onChange={(e) => update("title", e.target.value)}
              required
              maxLength={500}
            />
          </Field>
          <Field label="What happened, in your words" hint="Optional. It goes into the notices.">
            <textarea
              rows={3}
              value={draft.description}
              onChange={(e) => update("description", e.target.value)}
            />
          </Field>
          <Field
            label="When did you become aware of it?"
            hint="When you were reasonably sure personal data was involved: the 72-hour clocks start here. In your own time zone."
            error={problemFor("awareAt")}
          >
            <input
              type="datetime-local"
              value={draft.awareAt}
              onChange={(e) => update("awareAt", e.target.value)}
              required
            />
          </Field>
          <Field label="When did it happen, if you know?" error={problemFor("occurredAt")}>
            <input
              type="datetime-local"
              value={draft.occurredAt}
              onChange={(e) => update("occurredAt", e.target.value)}
            />
          </Field>
          <fieldset>
            <legend>How did it happen?</legend>
            {(Object.keys(causeLabels) as Cause[]).map((cause) => (
              <label key={cause} className="choice">
                <input
                  type="radio"
                  name="cause"
                  checked={draft.cause === cause}
                  onChange={() => update("cause", cause)}
                />
                {causeLabels[cause]}
              </label>
            ))}
          </fieldset>
          <fieldset>
            <legend>What happened to the data? Tick all that apply.</legend>
            {(Object.keys(natureLabels) as Nature[]).map((nature) => (
              <label key={nature} className="choice">
                <input
                  type="checkbox"
                  checked={draft.nature.includes(nature)}
                  onChange={(e) => update("nature", toggle(draft.nature, nature, e.target.checked))}
                />
                {natureLabels[nature]}
              </label>
            ))}
          </fieldset>
        </>
      );
      break;
    case 1:
      body = (
        <>
          <Field label="Your organisation" error={problemFor("controller.name")}>
            <input
              value={draft.controllerName}
              onChange={(e) => update("controllerName", e.target.value)}
              required
            />
          </Field>
          <fieldset>
            <legend>Where is your organisation established?</legend>
            {/* The home four, and any other country the facts already name (so it can be unticked). */}
            {[...new Set([...homeJurisdictions, ...(initial?.establishments ?? [])])].map((code) => (
              <label key={code} className="choice inline">
                <input
                  type="checkbox"
                  checked={draft.establishments.includes(code)}
                  onChange={(e) =>
                    update("establishments", toggle(draft.establishments, code, e.target.checked))
                  }
                />
                {countryLabel(code)}
              </label>
            ))}
            {problemFor("controller.establishments") !== undefined && (
              <p className="field-error">{problemFor("controller.establishments")}</p>
            )}
          </fieldset>
          <fieldset>
            <legend>Do you decide why and how the data is used?</legend>
            <label className="choice">
              <input
                type="radio"
                name="role"
                checked={draft.role === "controller"}
                onChange={() => update("role", "controller")}
              />
              Yes: we are the controller
            </label>
            <label className="choice">
              <input
                type="radio"
                name="role"
                checked={draft.role === "processor"}
                onChange={() => update("role", "processor")}
              />
              No: we process it for another organisation
            </label>
          </fieldset>
          <fieldset>
            <legend>Where do the people affected live? Your best estimate of how many in each place.</legend>
            <div className="subject-rows">
              {draft.subjects.map((row, index) => {
                const known = (homeJurisdictions as readonly string[]).includes(row.code);
                const error = row.code === "" ? undefined : problemFor(`subjects.${row.code.toUpperCase()}`);
                return (
                  <div className="subject-row" key={index}>
                    {known ? (
                      <label htmlFor={`subjects-${String(index)}`}>{countryLabel(row.code)}</label>
                    ) : (
                      <input
                        aria-label={`Country code of row ${String(index + 1)}`}
                        className="code-input"
                        placeholder="e.g. FR"
                        maxLength={2}
                        value={row.code}
                        onChange={(e) => {
                          const rows = [...draft.subjects];
                          rows[index] = { ...row, code: e.target.value.toUpperCase() };
                          update("subjects", rows);
                        }}
                      />
                    )}
                    <input
                      id={`subjects-${String(index)}`}
                      aria-label={`People living in ${row.code === "" ? "that country" : countryLabel(row.code)}`}
                      inputMode="numeric"
                      placeholder="0"
                      value={row.count}
                      aria-invalid={error === undefined ? undefined : true}
                      onChange={(e) => {
                        const rows = [...draft.subjects];
                        rows[index] = { ...row, count: e.target.value };
                        update("subjects", rows);
                      }}
                    />
                    {error !== undefined && <span className="field-error">{error}</span>}
                  </div>
                );
              })}
            </div>
            <button
              type="button"
              onClick={() => update("subjects", [...draft.subjects, { code: "", count: "" }])}
            >
              Add another country
            </button>
          </fieldset>
          <Field label="How many records, if you know?" hint="Optional." error={problemFor("records")}>
            <input
              inputMode="numeric"
              value={draft.records}
              onChange={(e) => update("records", e.target.value)}
            />
          </Field>
        </>
      );
      break;
    case 2:
      body = (
        <>
          <p className="hint">
            Tick every kind of personal data involved. If you are not sure, tick it: it can be changed later.
          </p>
          {(
            [
              ["Everyday details", everydayCategories],
              ["Details that can cause harm", riskierCategories],
              ["Special category data (UK GDPR Art 9)", specialCategories],
            ] as const
          ).map(([legend, categories]) => (
            <fieldset key={legend}>
              <legend>{legend}</legend>
              <div className="choices-grid">
                {categories.map((category) => (
                  <label key={category} className="choice">
                    <input
                      type="checkbox"
                      checked={draft.categories.includes(category)}
                      onChange={(e) =>
                        update("categories", toggle(draft.categories, category, e.target.checked))
                      }
                    />
                    {categoryLabels[category]}
                  </label>
                ))}
              </div>
            </fieldset>
          ))}
        </>
      );
      break;
    case 3:
      body = (
        <>
          <fieldset>
            <legend>How was the data protected?</legend>
            <label className="choice">
              <input
                type="checkbox"
                checked={draft.encrypted}
                onChange={(e) => update("encrypted", e.target.checked)}
              />
              It was encrypted
            </label>
            <label className="choice">
              <input
                type="checkbox"
                checked={draft.pseudonymised}
                onChange={(e) => update("pseudonymised", e.target.checked)}
              />
              It was pseudonymised (names replaced by codes)
            </label>
            <label className="choice">
              <input
                type="checkbox"
                checked={draft.keyCompromised && (draft.encrypted || draft.pseudonymised)}
                disabled={!draft.encrypted && !draft.pseudonymised}
                onChange={(e) => update("keyCompromised", e.target.checked)}
              />
              …but the key, or the means to re-identify people, was taken too
            </label>
            {problemFor("protection.keyCompromised") !== undefined && (
              <p className="field-error">{problemFor("protection.keyCompromised")}</p>
            )}
            <label className="choice">
              <input
                type="checkbox"
                checked={draft.publiclyAvailable}
                onChange={(e) => update("publiclyAvailable", e.target.checked)}
              />
              The data was already public
            </label>
          </fieldset>
          <fieldset>
            <legend>Since the breach</legend>
            <label className="choice">
              <input
                type="checkbox"
                checked={draft.highRiskNoLongerLikely}
                onChange={(e) => update("highRiskNoLongerLikely", e.target.checked)}
              />
              We have taken steps so that a high risk to people is no longer likely
            </label>
            <label className="choice">
              <input
                type="checkbox"
                checked={draft.disproportionateEffort}
                onChange={(e) => update("disproportionateEffort", e.target.checked)}
              />
              Telling each person would take disproportionate effort
            </label>
          </fieldset>
        </>
      );
      break;
    default:
      body = (
        <>
          <dl className="review">
            <dt>Breach</dt>
            <dd>{draft.title.trim() === "" ? <em>no name yet (step 1)</em> : draft.title}</dd>
            <dt>Aware</dt>
            <dd>{draft.awareAt === "" ? "—" : formatInstant(new Date(draft.awareAt).toISOString())}</dd>
            {draft.occurredAt !== "" && (
              <>
                <dt>Happened</dt>
                <dd>{formatInstant(new Date(draft.occurredAt).toISOString())}</dd>
              </>
            )}
            <dt>How</dt>
            <dd>{causeLabels[draft.cause]}</dd>
            <dt>To the data</dt>
            <dd>{draft.nature.map((nature) => natureLabels[nature]).join("; ") || "—"}</dd>
            <dt>Organisation</dt>
            <dd>
              {draft.controllerName} ({draft.role}), established in{" "}
              {draft.establishments.map(countryLabel).join(", ") || "—"}
            </dd>
            <dt>People</dt>
            <dd>
              {draft.subjects
                .filter((row) => row.code !== "" && row.count !== "")
                .map((row) => {
                  const count = Number(row.count.replaceAll(/[,\s]/g, ""));
                  return `${countryLabel(row.code)} ${Number.isFinite(count) ? count.toLocaleString("en-GB") : row.count}`;
                })
                .join(", ") || "—"}
            </dd>
            <dt>Data</dt>
            <dd>{draft.categories.map((category) => categoryLabels[category]).join(", ") || "—"}</dd>
            <dt>Protection</dt>
            <dd>
              {[
                draft.encrypted && "encrypted",
                draft.pseudonymised && "pseudonymised",
                draft.keyCompromised &&
                  (draft.encrypted || draft.pseudonymised) &&
                  "but the key was taken too",
                draft.publiclyAvailable && "already public",
              ]
                .filter((part) => part !== false)
                .join(", ") || "none"}
            </dd>
          </dl>
          <p className="hint">
            {editing === undefined
              ? "Filing stores the breach, its assessment and the rule-pack versions. It is kept for ever and can be corrected later; every change is recorded."
              : "Saving re-assesses the breach with the changed facts. The earlier facts and assessment are kept, and the change is recorded."}
          </p>
        </>
      );
  }

  return (
    <section className="wizard">
      <div className="page-head">
        <h1>{editing === undefined ? "File a new breach" : `Change the facts: ${editing.title}`}</h1>
        {editing === undefined && (
          <button
            type="button"
            className="link"
            onClick={() => {
              sessionStorage.removeItem(draftKey);
              location.reload();
            }}
          >
            Start again with an empty form
          </button>
        )}
      </div>
      <ol className="steps" aria-label="Steps">
        {steps.map((name, index) => (
          <li key={name}>
            <button
              type="button"
              className="link"
              aria-current={index === step ? "step" : undefined}
              onClick={() => go(index)}
            >
              <span className="step-number">{index + 1}</span> {name}
            </button>
          </li>
        ))}
      </ol>
      {started && assessment !== null && (
        <p className="live-summary">
          <a href="#live-heading">{summariseAssessment(assessment)}</a>
        </p>
      )}
      <div className="wizard-body">
        <form className="card wizard-form" onSubmit={submit} noValidate={step < steps.length - 1}>
          <h2 ref={heading} tabIndex={-1}>
            {step + 1}. {steps[step]}
          </h2>
          {fileError !== null && (
            <ErrorNote
              error={fileError}
              title={
                fileError instanceof ApiError && fileError.title === "Check the form"
                  ? "Before the next step"
                  : editing === undefined
                    ? "The breach was not filed"
                    : "The changes were not saved"
              }
            />
          )}
          {body}
          <div className="actions">
            {step > 0 && (
              <button type="button" onClick={() => go(step - 1)}>
                Back
              </button>
            )}
            {step < steps.length - 1 ? (
              <button type="submit" className="primary">
                Next: {steps[step + 1]}
              </button>
            ) : (
              <button type="submit" className="primary" disabled={filing}>
                {editing !== undefined
                  ? filing
                    ? "Saving…"
                    : "Save the changes"
                  : filing
                    ? "Filing…"
                    : "File the breach"}
              </button>
            )}
          </div>
        </form>
        <aside className="live-assessment" aria-labelledby="live-heading">
          <h2 id="live-heading">
            What is owed {assessing && <span className="spinner small" aria-hidden="true" />}
          </h2>
          <p className="visually-hidden" role="status" aria-live="polite">
            {assessment === null || !started ? "" : summariseAssessment(assessment)}
          </p>
          {previewProblem !== null && (
            <div className="notice-missing">
              <p>To assess, dpdesk still needs:</p>
              <ul>
                {previewProblem.problems.map((problem) => (
                  <li key={`${problem.field}:${problem.message}`}>
                    <button type="button" className="link" onClick={() => go(stepOf(problem.field))}>
                      {fieldLabel(problem.field)}
                    </button>{" "}
                    {problem.message}
                  </li>
                ))}
              </ul>
            </div>
          )}
          {!started && (
            <p className="meta">
              Say whose data and what kinds of data were involved (steps 2 and 3): what is owed appears here
              and changes as you type.
            </p>
          )}
          {/* While the facts do not hold together, no deadline is shown: an old one could be wrong. */}
          {started && assessment !== null && previewProblem === null && (
            <div>
              <RiskSummary risk={assessment.risk} />
              {assessment.obligations.length === 0 && (
                <p>Say where the organisation is established and where the people live.</p>
              )}
              {assessment.obligations.map((obligation) => (
                <ObligationCard key={obligation.jurisdiction} obligation={obligation} />
              ))}
            </div>
          )}
        </aside>
      </div>
    </section>
  );
}
