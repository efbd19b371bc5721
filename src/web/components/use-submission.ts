/**
 * A form's round trip to the API, said the same way everywhere: busy while it runs, then what was saved (for a
 * status line) or the refusal (for an ErrorNote and the fields it names).
 */
import { useRef, useState } from "react";
import { ApiError } from "../api.js";

export function useSubmission() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState<string | null>(null);
  // Buttons are aria-disabled, not disabled, while busy, so keyboard focus stays on them: a second press is
  // ignored here instead.
  const running = useRef(false);

  /** Runs `work`; its answer (a sentence such as "Decision recorded.") becomes `saved`, a throw becomes `error`. */
  const run = async (work: () => Promise<string | null>): Promise<void> => {
    if (running.current) return;
    running.current = true;
    setBusy(true);
    setError(null);
    setSaved(null);
    try {
      setSaved(await work());
    } catch (failure) {
      setError(failure);
    } finally {
      running.current = false;
      setBusy(false);
    }
  };

  /** The API's message for one field, if the last refusal named it. */
  const fieldError = (field: string): string | undefined =>
    error instanceof ApiError ? error.forField(field) : undefined;

  return { busy, error, saved, run, fieldError, setError, setSaved };
}
