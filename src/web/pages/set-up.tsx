/**
 * First run: create the organisation and its owner with the one-time token from the link `dpdesk serve` printed
 * (`/setup#token=…`; the token stays in the fragment, so it never reaches a log).
 */
import { useQueryClient } from "@tanstack/react-query";
import { useState, type SyntheticEvent } from "react";
import { api, ApiError, setCsrfToken } from "../api.js";
import type { Session } from "../api-types.js";
import { Field, formText } from "../components/field.js";
import { ErrorNote } from "../components/status.js";
import { navigate, useTitle } from "../router.js";

function tokenFromLink(): string {
  return (
    new URLSearchParams(location.hash.slice(1)).get("token") ??
    new URLSearchParams(location.search).get("token") ??
    ""
  );
}

export function SetUp() {
  useTitle("Set up dpdesk");
  const client = useQueryClient();
  const [token] = useState(tokenFromLink);
  const [error, setError] = useState<ApiError | Error | null>(null);
  const [apiToken, setApiToken] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [copied, setCopied] = useState(false);

  const submit = async (event: SyntheticEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    if (form.get("password") !== form.get("confirm")) {
      setError(
        new ApiError(400, "Check the form", "The two passwords differ.", [
          { field: "confirm", message: "must match the password" },
        ]),
      );
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const name = formText(form, "name");
      const created = await api<{ token: string; csrfToken: string }>("/api/v1/setup", {
        method: "POST",
        body: {
          token,
          organisation: form.get("organisation"),
          email: form.get("email"),
          password: form.get("password"),
          ...(name === "" ? {} : { name }),
        },
      });
      setCsrfToken(created.csrfToken);
      history.replaceState(null, "", "/setup");
      setApiToken(created.token);
    } catch (failure) {
      setError(failure instanceof Error ? failure : new Error(String(failure)));
    } finally {
      setBusy(false);
    }
  };

  // The session is read before the desk opens, so the sign-in page never flashes on the way in.
  const enter = async (path: string) => {
    try {
      client.setQueryData(["session"], await api<Session>("/api/v1/session"));
    } catch {
      // The desk asks again on its own; at worst the sign-in page shows.
      await client.invalidateQueries({ queryKey: ["session"] });
    }
    navigate(path);
  };

  if (apiToken !== null)
    return (
      <main id="main" className="narrow">
        <h1>Your desk is ready</h1>
        <p>Your organisation is set up and you are signed in as its owner.</p>
        <div className="card">
          <h2>Your API token</h2>
          <p>For the CLI and scripts. It is shown once: keep it somewhere safe.</p>
          <pre className="token" tabIndex={0}>
            {apiToken}
          </pre>
          <button
            type="button"
            onClick={() => {
              void navigator.clipboard.writeText(apiToken).then(() => {
                setCopied(true);
              });
            }}
          >
            {copied ? "Copied" : "Copy the token"}
          </button>
        </div>
        <button type="button" className="primary" onClick={() => void enter("/breaches/new")}>
          File your first breach
        </button>{" "}
        <button type="button" onClick={() => void enter("/breaches")}>
          Go to the desk
        </button>
      </main>
    );

  const fieldError = (field: string) => (error instanceof ApiError ? error.forField(field) : undefined);
  return (
    <main id="main" className="narrow">
      <h1>Set up dpdesk</h1>
      {token === "" ? (
        <div className="error-note" role="alert">
          <strong>This link has no set-up token</strong>
          <p>
            Open the link <code>dpdesk serve</code> printed when it started (it ends in <code>#token=…</code>
            ), or sign in if your organisation is already set up.
          </p>
        </div>
      ) : (
        <p className="lede">Create your organisation and its first user, its owner.</p>
      )}
      {error !== null && <ErrorNote error={error} />}
      <form onSubmit={(event) => void submit(event)} className="card">
        <Field
          label="Organisation"
          hint="As it should appear on notices, e.g. Prospect"
          error={fieldError("organisation")}
        >
          <input name="organisation" required autoComplete="organization" />
        </Field>
        <Field label="Your name" error={fieldError("name")}>
          <input name="name" autoComplete="name" />
        </Field>
        <Field label="Your e-mail" error={fieldError("email")}>
          <input name="email" type="email" required autoComplete="username" />
        </Field>
        <Field label="Password" hint="At least 12 characters" error={fieldError("password")}>
          <input name="password" type="password" required minLength={12} autoComplete="new-password" />
        </Field>
        <Field label="Password again" error={fieldError("confirm")}>
          <input name="confirm" type="password" required autoComplete="new-password" />
        </Field>
        <button type="submit" className="primary" disabled={busy || token === ""}>
          {busy ? "Setting up…" : "Set up"}
        </button>
      </form>
    </main>
  );
}
