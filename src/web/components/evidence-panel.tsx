/** Evidence: files kept with the breach for ever, each with its SHA-256 recorded at upload. */
import { useQueryClient } from "@tanstack/react-query";
import { useState, type SyntheticEvent } from "react";
import { upload } from "../api.js";
import type { BreachView } from "../api-types.js";
import { formatInstant } from "../time-left.js";
import { Field, formText } from "./field.js";
import { refreshBreach } from "./breach-queries.js";
import { ErrorNote } from "./status.js";

function size(bytes: number): string {
  if (bytes < 1024) return `${String(bytes)} bytes`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

export function EvidencePanel({ breach }: { breach: BreachView }) {
  const client = useQueryClient();
  const [progress, setProgress] = useState<number | null | undefined>(undefined);
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState<string | null>(null);

  const submit = async (event: SyntheticEvent<HTMLFormElement>) => {
    event.preventDefault();
    const formElement = event.currentTarget;
    const form = new FormData(formElement);
    const file = form.get("file");
    if (!(file instanceof File) || file.name === "") {
      setError(new Error("Choose a file to keep as evidence."));
      return;
    }
    // Evidence is kept for ever: the same file twice is asked about first (where the browser can hash it: Web
    // Crypto exists only on https:// and localhost).
    if (typeof crypto.subtle !== "undefined") {
      const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", await file.arrayBuffer()));
      const hex = Array.from(digest, (byte) => byte.toString(16).padStart(2, "0")).join("");
      const kept = breach.evidence.find((item) => item.sha256 === hex);
      if (
        kept !== undefined &&
        !window.confirm(
          `This file is already kept as evidence (${kept.filename}, ${formatInstant(kept.uploadedAt)}). Evidence cannot be deleted. Keep it again?`,
        )
      )
        return;
    }
    // The API reads the description before the file: put it first.
    const ordered = new FormData();
    const description = formText(form, "description");
    if (description !== "") ordered.append("description", description);
    ordered.append("file", file);
    setError(null);
    setSaved(null);
    setProgress(0);
    try {
      await upload(`/api/v1/breaches/${breach.id}/evidence`, ordered, setProgress);
      formElement.reset();
      setSaved(`Kept ${file.name}.`);
      await refreshBreach(client, breach.id);
    } catch (failure) {
      setError(failure);
    } finally {
      setProgress(undefined);
    }
  };

  return (
    <>
      <h2>Evidence</h2>
      {breach.evidence.length === 0 ? (
        <p className="meta">No evidence yet: logs, screenshots, the attacker's message, correspondence.</p>
      ) : (
        <div className="table-scroll">
          <table>
            <thead>
              <tr>
                <th scope="col">File</th>
                <th scope="col">Size</th>
                <th scope="col">Uploaded</th>
                <th scope="col">SHA-256</th>
              </tr>
            </thead>
            <tbody>
              {breach.evidence.map((item) => (
                <tr key={item.id}>
                  <td>
                    <a href={item.download} download>
                      {item.filename}
                    </a>
                    {item.description !== null && <span className="meta block">{item.description}</span>}
                  </td>
                  <td>{size(item.size)}</td>
                  <td>{formatInstant(item.uploadedAt)}</td>
                  <td>
                    <code title={item.sha256}>{item.sha256.slice(0, 16)}…</code>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {breach.viewer !== "viewer" && (
        <form className="card" onSubmit={(event) => void submit(event)} aria-labelledby="evidence-heading">
          <h3 id="evidence-heading">Add evidence</h3>
          {error !== null && <ErrorNote error={error} title="The evidence was not kept" />}
          <Field label="File">
            <input name="file" type="file" />
          </Field>
          <Field label="What it is (optional)">
            <input name="description" maxLength={2000} />
          </Field>
          <button type="submit" className="primary" disabled={progress !== undefined}>
            {progress === undefined
              ? "Upload"
              : progress === null
                ? "Storing…"
                : `Uploading ${String(Math.round(progress * 100))}%`}
          </button>
          <p role="status" className="saved">
            {saved}
          </p>
        </form>
      )}
      <p className="meta">{breach.retention}</p>
    </>
  );
}
