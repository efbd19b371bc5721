/**
 * The desk's reads of breaches, and how they are refreshed: one query key per thing, so every page showing a
 * breach or the deadlines shares one cache entry, and a change anywhere refreshes them all.
 */
import { useQuery, type QueryClient } from "@tanstack/react-query";
import { api } from "../api.js";
import type { BreachView, DeadlineItem } from "../api-types.js";

export function useBreach(id: string) {
  return useQuery({
    queryKey: ["breach", id],
    queryFn: () => api<BreachView>(`/api/v1/breaches/${encodeURIComponent(id)}`),
  });
}

/** Open duties with deadlines, overdue first; looked at again every minute, as deadlines pass. */
export function useDeadlines() {
  return useQuery({
    queryKey: ["deadlines"],
    queryFn: () => api<{ at: string; items: DeadlineItem[] }>("/api/v1/deadlines"),
    refetchInterval: 60_000,
  });
}

/**
 * After any change to a breach, everything the desk shows about it is asked again: the breach, its timeline,
 * notices, recipient list and delivery, and the lists and deadlines it appears in. Only what is on screen is
 * fetched at once (TanStack Query marks the rest stale).
 */
export async function refreshBreach(client: QueryClient, breachId: string): Promise<void> {
  await Promise.all(
    [
      ["breach", breachId],
      ["timeline", breachId],
      ["notices", breachId],
      ["recipients", breachId],
      ["delivery", breachId],
      ["breaches"],
      ["deadlines"],
    ].map((queryKey) => client.invalidateQueries({ queryKey })),
  );
}
