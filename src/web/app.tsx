/** The desk's frame: who is signed in, the navigation, and which page the path names. */
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { lazy, Suspense, useEffect, type ReactNode } from "react";
import { api, ApiError, onSignedOut, setCsrfToken } from "./api.js";
import type { Session } from "./api-types.js";
import { Link, matchPath, navigate, usePath } from "./router.js";
import { SignIn } from "./pages/sign-in.js";
import { SetUp } from "./pages/set-up.js";
import { BreachList } from "./pages/breach-list.js";
import { ErrorNote, Loading } from "./components/status.js";

// Pages beyond the first screen load when visited, so the first page stays small (the JS budget in README).
const NewBreach = lazy(() => import("./pages/new-breach.js").then((m) => ({ default: m.NewBreach })));
const BreachPage = lazy(() => import("./pages/breach-page.js").then((m) => ({ default: m.BreachPage })));
const DeadlineCalendar = lazy(() =>
  import("./pages/deadline-calendar.js").then((m) => ({ default: m.DeadlineCalendar })),
);
const Users = lazy(() => import("./pages/users.js").then((m) => ({ default: m.Users })));

export function useSession(): Session {
  const client = useQueryClient();
  const session = client.getQueryData<Session>(["session"]);
  if (session === undefined) throw new Error("useSession outside a signed-in page");
  return session;
}

export function App() {
  const path = usePath();
  const client = useQueryClient();
  const session = useQuery({
    queryKey: ["session"],
    queryFn: async () => {
      const found = await api<Session>("/api/v1/session");
      if (found.csrfToken !== undefined) setCsrfToken(found.csrfToken);
      return found;
    },
    retry: false,
    staleTime: Infinity,
  });

  useEffect(
    () =>
      onSignedOut(() => {
        setCsrfToken(null);
        client.clear();
        void client.invalidateQueries({ queryKey: ["session"] });
      }),
    [client],
  );

  if (path === "/setup") return <SetUp />;
  if (session.isPending) return <Loading label="Opening the desk" />;
  if (session.isError) {
    if (session.error instanceof ApiError && session.error.status === 401) return <SignIn />;
    return (
      <main className="narrow">
        <ErrorNote error={session.error} />
      </main>
    );
  }
  return <Frame session={session.data}>{page(path, session.data)}</Frame>;
}

function page(path: string, session: Session): ReactNode {
  if (path === "/" || path === "/sign-in") {
    queueMicrotask(() => {
      navigate("/breaches", { replace: true });
    });
    return null;
  }
  if (path === "/breaches") return <BreachList />;
  if (path === "/breaches/new") return <NewBreach />;
  if (path === "/calendar") return <DeadlineCalendar />;
  if (path === "/users") return <Users session={session} />;
  const breach = matchPath("/breaches/:id", path);
  if (breach?.id !== undefined) return <BreachPage id={breach.id} />;
  return (
    <section>
      <h1>Not found</h1>
      <p>
        There is no page at <code>{path}</code>. <Link href="/breaches">Go to the breaches.</Link>
      </p>
    </section>
  );
}

function Frame({ session, children }: { session: Session; children: ReactNode }) {
  const path = usePath();
  const client = useQueryClient();
  const signOut = async () => {
    try {
      await api("/api/v1/session", { method: "DELETE" });
    } finally {
      setCsrfToken(null);
      client.clear();
      navigate("/sign-in", { replace: true });
      await client.invalidateQueries({ queryKey: ["session"] });
    }
  };
  const nav: [string, string][] = [
    ["/breaches", "Breaches"],
    ["/calendar", "Calendar"],
    ["/breaches/new", "New breach"],
    ...(session.role === "owner" ? ([["/users", "Users"]] as [string, string][]) : []),
  ];
  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="top">
        <Link href="/breaches" className="brand" aria-label="dpdesk, the breaches">
          dp<span>desk</span>
        </Link>
        <nav aria-label="Main">
          <ul>
            {nav.map(([href, label]) => (
              <li key={href}>
                <Link href={href} aria-current={path === href ? "page" : undefined}>
                  {label}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
        <div className="who">
          <span title={session.email}>
            {session.name ?? session.email} · {session.organisation}
          </span>
          <button type="button" className="link" onClick={() => void signOut()}>
            Sign out
          </button>
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        <Suspense fallback={<Loading label="Loading the page" />}>{children}</Suspense>
      </main>
    </>
  );
}
