/** A labelled form field with its hint and its error tied to it for screen readers. */
import { useId, type ReactElement, cloneElement, type ReactNode } from "react";

export function Field({
  label,
  hint,
  error,
  id: fixedId,
  children,
}: {
  label: ReactNode;
  hint?: ReactNode;
  error?: string | undefined;
  /** A fixed id, for fields that other parts of the page link to. */
  id?: string;
  children: ReactElement<{ id?: string; "aria-describedby"?: string; "aria-invalid"?: boolean }>;
}) {
  const generated = useId();
  const id = fixedId ?? generated;
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const describedBy = [hint === undefined ? null : hintId, error === undefined ? null : errorId]
    .filter((part) => part !== null)
    .join(" ");
  return (
    <div className={error === undefined ? "field" : "field has-error"}>
      <label htmlFor={id}>{label}</label>
      {hint !== undefined && (
        <p className="hint" id={hintId}>
          {hint}
        </p>
      )}
      {error !== undefined && (
        <p className="field-error" id={errorId}>
          {error}
        </p>
      )}
      {cloneElement(children, {
        id,
        ...(describedBy === "" ? {} : { "aria-describedby": describedBy }),
        ...(error === undefined ? {} : { "aria-invalid": true }),
      })}
    </div>
  );
}

/** A text field's value from a submitted form ("" when absent), trimmed unless asked not to. */
export function formText(form: FormData, name: string, { trim = true }: { trim?: boolean } = {}): string {
  const value = form.get(name);
  if (typeof value !== "string") return "";
  return trim ? value.trim() : value;
}
