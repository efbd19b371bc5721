/**
 * The documents a breach produces: each regulator's notice (the draft to preview, versions kept to file), the
 * letters to the people on the recipient list, and the public statement. Downloads are the API's own links.
 */
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { api } from "../api.js";
import type { BreachView, NoticeSummary } from "../api-types.js";
import { countryLabel } from "../labels.js";
import { formatInstant } from "../time-left.js";
import { DecisionBadge } from "./countdown.js";
import { hasFieldFor, ResponseForm, writeMissingItem } from "./response-form.js";
import { LettersSection } from "./letters-section.js";
import { refreshBreach } from "./breach-queries.js";
import { ErrorNote, Loading } from "./status.js";

export function DocumentsPanel({ breach }: { breach: BreachView }) {
  const client = useQueryClient();
  const base = `/api/v1/breaches/${breach.id}`;
  const notices = useQuery({
    queryKey: ["notices", breach.id],
    queryFn: () => api<{ notices: NoticeSummary[] }>(`${base}/notices`),
  });
  const [keeping, setKeeping] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [kept, setKept] = useState<string | null>(null);

  const keep = async (notice: NoticeSummary) => {
    if (keeping !== null) return;
    const { jurisdiction } = notice;
    const missing = notice.draft.missing.length;
    if (
      missing > 0 &&
      !window.confirm(
        `The ${countryLabel(jurisdiction)} draft still lacks ${String(missing)} ${missing === 1 ? "item" : "items"} the law or the regulator's form asks for. A kept version never changes. Keep it anyway (for example as an initial report, with the rest to follow)?`,
      )
    )
      return;
    setKeeping(jurisdiction);
    setError(null);
    setKept(null);
    try {
      const result = await api<{ kept: boolean; notice: { version: number } }>(`${base}/notices`, {
        method: "POST",
        body: { jurisdiction },
      });
      setKept(
        result.kept
          ? `Kept version ${String(result.notice.version)} of the ${countryLabel(jurisdiction)} notice.`
          : `Nothing has changed since version ${String(result.notice.version)} of the ${countryLabel(jurisdiction)} notice: no new version kept.`,
      );
      await refreshBreach(client, breach.id);
    } catch (failure) {
      setError(failure);
    } finally {
      setKeeping(null);
    }
  };

  const canWrite = breach.viewer !== "viewer";
  return (
    <>
      <h2>Regulator notices</h2>
      <p className="meta">
        Each notice holds what its regulator's law and form ask for, in their order, from the breach's facts.
        Preview the draft, then keep a version: the kept copy is what you file, and it never changes.
      </p>
      <p role="status" className="saved">
        {kept}
      </p>
      {error !== null && <ErrorNote error={error} title="The notice was not kept" />}
      {notices.isPending && <Loading label="Loading the notices" />}
      {notices.isError && <ErrorNote error={notices.error} />}
      <div className="notices">
        {notices.data?.notices.map((notice) => (
          <article
            key={notice.jurisdiction}
            className="card notice"
            aria-labelledby={`notice-${notice.jurisdiction}`}
          >
            <h3 id={`notice-${notice.jurisdiction}`}>
              {countryLabel(notice.jurisdiction)}: {notice.regulator}
            </h3>
            <p>
              <DecisionBadge decision={notice.decision} />
              {notice.deadline !== null && <> by {formatInstant(notice.deadline)}</>}
            </p>
            {notice.draft.complete ? (
              <p className="ok">Complete: every item the law and the form ask for is answered.</p>
            ) : (
              <div className="notice-missing">
                <p>Still missing from the draft:</p>
                <ul>
                  {notice.draft.missing.map((item) => (
                    <li key={item.id}>
                      <strong>{item.heading}</strong>: {item.requirement}
                      {canWrite && hasFieldFor(item.id) && (
                        <>
                          {" "}
                          <button type="button" className="link" onClick={() => writeMissingItem(item.id)}>
                            Write it<span className="visually-hidden">: {item.heading}</span>
                          </button>
                        </>
                      )}
                    </li>
                  ))}
                </ul>
              </div>
            )}
            <p className="actions">
              <a
                className="button"
                href={`${base}/notices/${notice.jurisdiction}?version=draft&format=html`}
                target="_blank"
                rel="noopener"
              >
                Preview the draft
                <span className="visually-hidden">
                  {" "}
                  for {countryLabel(notice.jurisdiction)} (opens in a new tab)
                </span>
              </a>
              <a
                className="button"
                href={`${base}/notices/${notice.jurisdiction}?version=draft&format=pdf`}
                download
              >
                Draft PDF<span className="visually-hidden"> for {countryLabel(notice.jurisdiction)}</span>
              </a>
              {canWrite && (
                <button
                  type="button"
                  className="primary"
                  aria-disabled={keeping !== null}
                  onClick={() => void keep(notice)}
                >
                  {keeping === notice.jurisdiction ? "Keeping…" : "Keep a version"}
                  <span className="visually-hidden"> of the {countryLabel(notice.jurisdiction)} notice</span>
                </button>
              )}
            </p>
            {notice.versions.length > 0 && (
              <ul className="versions">
                {notice.versions.map((version) => (
                  <li key={version.id}>
                    Version {version.version} ({version.phase === "initial" ? "initial report" : "follow-up"}
                    ), {formatInstant(version.createdAt)}:{" "}
                    <a href={version.links.pdf} download>
                      PDF
                    </a>{" "}
                    ·{" "}
                    <a href={version.links.html} target="_blank" rel="noopener">
                      HTML
                    </a>{" "}
                    ·{" "}
                    <a href={version.links.text} target="_blank" rel="noopener">
                      text for the online form
                    </a>
                  </li>
                ))}
              </ul>
            )}
          </article>
        ))}
      </div>

      {canWrite && <ResponseForm breach={breach} />}
      <LettersSection breach={breach} />
    </>
  );
}
