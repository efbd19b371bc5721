/**
 * What the notices and letters say beyond the breach itself (the incident's `response`: contact point,
 * consequences, measures, advice…), edited in place. Saved as a JSON merge patch of the breach
 * (PATCH /api/v1/breaches/:id), which is re-assessed and recorded like any change of facts.
 */
import { useQueryClient } from "@tanstack/react-query";
import { useRef, useState, type SyntheticEvent } from "react";
import { api } from "../api.js";
import type { BreachView } from "../api-types.js";
import { Field, formText } from "./field.js";
import { refreshBreach } from "./breach-queries.js";
import { ErrorNote } from "./status.js";
import { useSubmission } from "./use-submission.js";

type Statement =
  | "peopleConcerned"
  | "consequences"
  | "consequencesForPeople"
  | "measuresTaken"
  | "measuresProposed"
  | "adviceToPeople"
  | "othersInformed"
  | "discovery"
  | "containment"
  | "investigation"
  | "prevention"
  | "delayReason"
  | "stillToCome"
  | "otherInformation";

const statements: readonly [Statement, string, string][] = [
  ["peopleConcerned", "Who the people affected are", "e.g. members and former members"],
  ["consequences", "The likely consequences", "For the regulator: what could happen to the people"],
  [
    "consequencesForPeople",
    "The likely consequences, for the letters",
    "In words for the people themselves; if empty, the letters use the line above",
  ],
  ["measuresTaken", "What you have done", "To deal with the breach and limit its effects"],
  ["measuresProposed", "What you will do next", ""],
  ["adviceToPeople", "Advice to the people affected", "What they can do to protect themselves"],
  ["discovery", "How you found out", ""],
  ["containment", "How it was contained", ""],
  ["investigation", "How it is being investigated", ""],
  ["prevention", "What will stop it happening again, and by when", ""],
  ["othersInformed", "Who else has been told", "Other regulators, the police, banks"],
  ["delayReason", "Why the report is late", "Needed once a deadline has passed"],
  ["stillToCome", "What is not yet known, and when you will send it", ""],
  ["otherInformation", "Anything else for the regulator", ""],
];

const contactFields = [
  ["name", "Contact point's name", "name"],
  ["role", "Role", "organization-title"],
  ["email", "E-mail", "email"],
  ["phone", "Phone", "tel"],
  ["address", "Address", "street-address"],
] as const;

/** Where a notice item that is still missing is written (the notice's item id → the form's field). */
const fieldForItem: Record<string, string> = {
  contact_point: "response-contact-name",
  subjects_concerned: "response-peopleConcerned",
  likely_consequences: "response-consequences",
  measures: "response-measuresTaken",
  mitigation_and_people_informed: "response-measuresTaken",
  delay_reason: "response-delayReason",
  others_informed: "response-othersInformed",
  discovery: "response-discovery",
  containment: "response-containment",
  investigation: "response-investigation",
  prevention: "response-prevention",
  other_information: "response-otherInformation",
  phasing: "response-stillToCome",
};

/** Opens the form at the field that answers a missing notice item (if one does). */
export function writeMissingItem(itemId: string): void {
  const field = fieldForItem[itemId];
  const element = field === undefined ? null : document.getElementById(field);
  element?.closest("details")?.setAttribute("open", "");
  element?.focus();
}

export function hasFieldFor(itemId: string): boolean {
  return itemId in fieldForItem;
}

type Response = NonNullable<BreachView["incident"]["response"]>;

/** The form's fields by name ("consequences", "contact.email"), as stored. */
function initialValues(response: Response): Record<string, string> {
  const values: Record<string, string> = {};
  for (const [key] of statements) values[key] = response[key] ?? "";
  for (const [key] of contactFields) values[`contact.${key}`] = response.contact?.[key] ?? "";
  return values;
}

/** The form's fields by name, as typed (trimmed). */
function valuesOf(form: FormData): Record<string, string> {
  const values: Record<string, string> = {};
  for (const [key] of statements) values[key] = formText(form, key);
  for (const [key] of contactFields) values[`contact.${key}`] = formText(form, `contact.${key}`);
  return values;
}

export function ResponseForm({ breach }: { breach: BreachView }) {
  const client = useQueryClient();
  const response = breach.incident.response ?? {};
  const submission = useSubmission();
  const { busy, error, saved, run, setError, setSaved } = submission;
  // What the form held when it opened, then as last saved: a save sends only what differs from it.
  const baseline = useRef<Record<string, string>>(initialValues(response));
  // …and the breach's version it was read from: a save is refused if someone changed the breach since.
  const version = useRef(breach.version);
  // Open at first while nothing is written; once open, saving does not close it.
  const [open, setOpen] = useState(breach.incident.response === undefined);

  const submit = async (event: SyntheticEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    // A merge patch of only what the person changed since the form opened (or was last saved): an emptied field
    // is removed (null). Fields they did not touch are not sent, so another person's edit of them stands.
    const patch: Record<string, unknown> = {};
    const now = valuesOf(form);
    for (const [key] of statements)
      if (now[key] !== baseline.current[key]) patch[key] = now[key] === "" ? null : now[key];
    if (contactFields.some(([key]) => now[`contact.${key}`] !== baseline.current[`contact.${key}`])) {
      const contact = Object.fromEntries(
        contactFields.map(([key]) => [key, now[`contact.${key}`] === "" ? null : now[`contact.${key}`]]),
      );
      patch.contact = Object.values(contact).every((value) => value === null) ? null : contact;
    }
    if (Object.keys(patch).length === 0) {
      setError(null);
      setSaved("Nothing has changed since the last save.");
      return;
    }
    await run(async () => {
      const changed = await api<{ breach: { version: number } }>(`/api/v1/breaches/${breach.id}`, {
        method: "PATCH",
        body: { response: patch },
        ifMatch: version.current,
      });
      baseline.current = now;
      version.current = changed.breach.version;
      await refreshBreach(client, breach.id);
      return "Saved. The notice drafts above, and the letters, now use it.";
    });
  };

  const fieldError = (field: string) => submission.fieldError(`response.${field}`);
  return (
    <details
      className="card response-form"
      open={open}
      onToggle={(event) => {
        setOpen(event.currentTarget.open);
      }}
    >
      <summary>
        <strong>What the notices and letters say</strong>{" "}
        <span className="meta">contact point, consequences, measures, advice</span>
      </summary>
      <form onSubmit={(event) => void submit(event)}>
        {error !== null && <ErrorNote error={error} title="Not saved" />}
        <fieldset>
          <legend>Contact point for the regulator and the people (usually the DPO)</legend>
          <div className="row">
            {contactFields.map(([key, label, autoComplete]) => (
              <Field
                key={key}
                id={`response-contact-${key}`}
                label={label}
                error={fieldError(`contact.${key}`)}
              >
                <input
                  name={`contact.${key}`}
                  autoComplete={autoComplete}
                  defaultValue={response.contact?.[key] ?? ""}
                />
              </Field>
            ))}
          </div>
        </fieldset>
        {statements.map(([key, label, hint]) => (
          <Field
            key={key}
            id={`response-${key}`}
            label={label}
            {...(hint === "" ? {} : { hint })}
            error={fieldError(key)}
          >
            <textarea name={key} rows={2} defaultValue={response[key] ?? ""} />
          </Field>
        ))}
        <button type="submit" className="primary" aria-disabled={busy}>
          {busy ? "Saving…" : "Save"}
        </button>
        <p role="status" className="saved">
          {saved}
        </p>
      </form>
    </details>
  );
}
