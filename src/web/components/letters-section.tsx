/**
 * The letters to the people on the recipient list: preview one, download all of them for printing, send them by
 * e-mail (each person once per edition, through the server's outbox) and watch the sending.
 */
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { api } from "../api.js";
import type { BreachView } from "../api-types.js";
import { ErrorNote } from "./status.js";

interface Delivery {
  total: number;
  pending: number;
  sending: number;
  sent: number;
  failed: number;
  uncertain: number;
  done: boolean;
  retrying: { count: number; lastError: string | null };
}

interface Sent {
  queued: number;
  withoutEmail: number;
  newEdition: boolean;
}

export function LettersSection({ breach }: { breach: BreachView }) {
  const client = useQueryClient();
  const base = `/api/v1/breaches/${breach.id}`;
  const canWrite = breach.viewer !== "viewer";
  const delivery = useQuery({
    queryKey: ["delivery", breach.id],
    queryFn: () => api<Delivery>(`${base}/letters/delivery`),
    // While letters are going out, the counts move: look again every two seconds until the outbox is done.
    refetchInterval: (query) => (query.state.data !== undefined && !query.state.data.done ? 2_000 : false),
  });
  const first = useQuery({
    queryKey: ["recipients", breach.id, "first"],
    queryFn: () => api<{ recipients: { id: string }[] }>(`${base}/recipients?limit=1`),
    enabled: canWrite,
  });
  const [followUp, setFollowUp] = useState(false);
  const [sending, setSending] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [outcome, setOutcome] = useState<string | null>(null);
  const firstPerson = first.data?.recipients[0]?.id;

  const send = async () => {
    if (
      !window.confirm(
        followUp
          ? "Send a follow-up letter by e-mail to everyone on the list who has an e-mail address?"
          : "Send the letters by e-mail to everyone on the list who has an e-mail address? Each person is sent this letter once.",
      )
    )
      return;
    setSending(true);
    setError(null);
    setOutcome(null);
    try {
      const sent = await api<Sent>(`${base}/letters/send`, { method: "POST", body: { followUp } });
      setOutcome(
        `${sent.queued.toLocaleString("en-GB")} ${sent.queued === 1 ? "letter" : "letters"} queued for e-mail${sent.withoutEmail > 0 ? `; ${sent.withoutEmail.toLocaleString("en-GB")} people have no e-mail address and need a printed letter` : ""}.`,
      );
      await client.invalidateQueries({ queryKey: ["delivery", breach.id] });
    } catch (failure) {
      setError(failure);
    } finally {
      setSending(false);
    }
  };

  const counts = delivery.data;
  return (
    <section aria-labelledby="letters-heading">
      <h2 id="letters-heading">Letters to the people affected</h2>
      <p className="meta">
        One letter per person on the recipient list, in their jurisdiction's terms, naming their regulator.
      </p>
      {counts !== undefined && counts.total > 0 && (
        <div className="delivery">
          <label htmlFor="delivery-progress">
            By e-mail: {counts.sent.toLocaleString("en-GB")} sent of {counts.total.toLocaleString("en-GB")}
            {counts.failed + counts.uncertain > 0 &&
              ` · ${(counts.failed + counts.uncertain).toLocaleString("en-GB")} need attention`}
            {counts.retrying.count > 0 && ` · ${counts.retrying.count.toLocaleString("en-GB")} being retried`}
          </label>
          <progress id="delivery-progress" max={counts.total} value={counts.sent} />
        </div>
      )}
      <p role="status" className="saved">
        {outcome}
      </p>
      {error !== null && <ErrorNote error={error} title="The letters were not sent" />}
      <p className="actions">
        {firstPerson !== undefined && (
          <a
            className="button"
            href={`${base}/letters/${firstPerson}?format=pdf`}
            target="_blank"
            rel="noopener"
          >
            Preview a letter
            <span className="visually-hidden"> (the first person on the list, opens in a new tab)</span>
          </a>
        )}
        {canWrite && (
          <a className="button" href={`${base}/letters.pdf`} download>
            Every letter, one PDF for printing
          </a>
        )}
        <a className="button" href={`${base}/statement?format=pdf`} download>
          Public statement (PDF)
        </a>
        <a className="button" href={`${base}/statement?format=html`} target="_blank" rel="noopener">
          Public statement (HTML)
        </a>
      </p>
      {canWrite && (
        <div className="actions">
          <label className="choice inline">
            <input
              type="checkbox"
              checked={followUp}
              onChange={(event) => setFollowUp(event.target.checked)}
            />
            A follow-up (the facts have changed since the last letters)
          </label>
          <button type="button" className="primary" disabled={sending} onClick={() => void send()}>
            {sending ? "Sending…" : "Send by e-mail"}
          </button>
        </div>
      )}
    </section>
  );
}
