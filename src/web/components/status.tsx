/** Waiting and failure, said the same way on every page. */
import { ApiError } from "../api.js";
import { fieldLabel } from "../labels.js";

export function Loading({ label }: { label: string }) {
  return (
    <p className="loading" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" /> {label}…
    </p>
  );
}

/** A refusal or failure, with the fields the API named (each problem names its field, never a person's data). */
export function ErrorNote({ error, title }: { error: unknown; title?: string }) {
  const message = error instanceof Error ? error.message : String(error);
  const problems = error instanceof ApiError ? error.problems : [];
  return (
    <div className="error-note" role="alert">
      <strong>
        {title ?? (error instanceof ApiError && error.status === 403 ? "Not allowed" : "That did not work")}
      </strong>
      {problems.length === 0 ? (
        <p>{message}</p>
      ) : (
        <ul>
          {problems.map((problem) => (
            <li key={`${problem.field}:${problem.message}`}>
              <strong>{fieldLabel(problem.field)}</strong>: {problem.message}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
