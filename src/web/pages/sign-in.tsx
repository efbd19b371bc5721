/** Sign in with e-mail and password; the server sets an httpOnly cookie and returns the CSRF token for writes. */
import { useQueryClient } from "@tanstack/react-query";
import { useState, type SyntheticEvent } from "react";
import { api, ApiError, setCsrfToken } from "../api.js";
import type { Session } from "../api-types.js";
import { Field } from "../components/field.js";
import { ErrorNote } from "../components/status.js";
import { useTitle } from "../router.js";

export function SignIn({ expired = false }: { expired?: boolean }) {
  useTitle("Sign in");
  const client = useQueryClient();
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: SyntheticEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setBusy(true);
    setError(null);
    try {
      const session = await api<Session>("/api/v1/session", {
        method: "POST",
        body: { email: form.get("email"), password: form.get("password") },
      });
      setCsrfToken(session.csrfToken ?? null);
      client.setQueryData(["session"], session);
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };

  return (
    <main id="main" className="narrow sign-in">
      <p className="brand big" aria-hidden="true">
        dp<span>desk</span>
      </p>
      <h1>Sign in</h1>
      <p className="lede">The breach desk for the UK, the Isle of Man, Jersey and Guernsey.</p>
      {expired && error === null && (
        <div className="notice-missing" role="status">
          <p>
            <strong>Your session has ended.</strong> Sign in again to go on. What you were typing on the last
            page was not saved (a new breach's draft is kept).
          </p>
        </div>
      )}
      {error !== null && (
        <ErrorNote
          error={error}
          title={error instanceof ApiError && error.status === 401 ? "Not signed in" : undefined}
        />
      )}
      <form onSubmit={(event) => void submit(event)} className="card">
        <Field label="E-mail">
          <input name="email" type="email" autoComplete="username" required autoFocus />
        </Field>
        <Field label="Password">
          <input name="password" type="password" autoComplete="current-password" required />
        </Field>
        <button type="submit" className="primary" disabled={busy}>
          {busy ? "Signing in…" : "Sign in"}
        </button>
      </form>
      <p className="hint">
        First time? Open the set-up link <code>dpdesk serve</code> printed when it started.
      </p>
    </main>
  );
}
