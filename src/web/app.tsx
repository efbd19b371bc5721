/** The desk's frame: who is signed in, the navigation, and which page the path names. */
import { useQuery, useQueryClient } from "@tanstack/react-query";
import {
  Component,
  createContext,
  lazy,
  Suspense,
  useContext,
  useEffect,
  useRef,
  useState,
  type ReactNode,
} from "react";
import { api, ApiError, onSignedOut, setCsrfToken } from "./api.js";
import type { Session } from "./api-types.js";
import { Link, matchPath, navigate, usePath } from "./router.js";
import { SignIn } from "./pages/sign-in.js";
import { SetUp } from "./pages/set-up.js";
import { BreachList } from "./pages/breach-list.js";
import { ErrorNote, Loading } from "./components/status.js";

// Pages beyond the first screen load when visited, so the first page stays small (the JS budget in README).
const NewBreach = lazy(() => import("./pages/new-breach.js").then((m) => ({ default: m.NewBreach })));
const EditFacts = lazy(() => import("./pages/new-breach.js").then((m) => ({ default: m.EditFacts })));
const BreachPage = lazy(() => import("./pages/breach-page.js").then((m) => ({ default: m.BreachPage })));
const DeadlineCalendar = lazy(() =>
  import("./pages/deadline-calendar.js").then((m) => ({ default: m.DeadlineCalendar })),
);
const Users = lazy(() => import("./pages/users.js").then((m) => ({ default: m.Users })));

const SessionContext = createContext<Session | null>(null);

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (session === null) throw new Error("useSession outside a signed-in page");
  return session;
}

/** Key of the new-breach wizard's draft in session storage: cleared at sign-out, so the next person never sees it. */
export const draftKey = "dpdesk.new-breach";

/**
 * Forgets what this tab knew of the organisation (a session ended or was ended): every cached answer but the
 * session, which is asked again so the sign-in page shows.
 */
function forgetSession(client: ReturnType<typeof useQueryClient>): Promise<void> {
  setCsrfToken(null);
  client.removeQueries({ predicate: (query) => query.queryKey[0] !== "session" });
  return client.resetQueries({ queryKey: ["session"] });
}

/** A page that fails to render (or an old page file gone after an upgrade) offers a reload, not a blank page. */
class PageErrorBoundary extends Component<{ children: ReactNode; path: string }, { error: Error | null }> {
  override state: { error: Error | null } = { error: null };

  static getDerivedStateFromError(error: Error) {
    return { error };
  }

  override componentDidUpdate(previous: { path: string }) {
    if (previous.path !== this.props.path && this.state.error !== null) this.setState({ error: null });
  }

  override render() {
    if (this.state.error === null) return this.props.children;
    return (
      <div className="error-note" role="alert">
        <strong>This page could not be shown</strong>
        <p>{this.state.error.message}</p>
        <button
          type="button"
          onClick={() => {
            location.reload();
          }}
        >
          Reload the page
        </button>
      </div>
    );
  }
}

export function App() {
  const path = usePath();
  const client = useQueryClient();
  // The server said the session had ended while the person was working: the sign-in page says so.
  const [expired, setExpired] = useState(false);
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
      // The session ended on the server (expired, signed out elsewhere): the wizard's draft is kept for the same
      // person signing in again in this tab; an explicit sign-out clears it.
      onSignedOut(() => {
        setExpired(true);
        void forgetSession(client);
      }),
    [client],
  );

  if (path === "/setup") return <SetUp />;
  if (session.isPending) return <Loading label="Opening the desk" />;
  if (session.isError) {
    if (session.error instanceof ApiError && session.error.status === 401)
      return <SignIn expired={expired} />;
    return (
      <main className="narrow">
        <ErrorNote error={session.error} />
      </main>
    );
  }
  return (
    <SessionContext.Provider value={session.data}>
      <Frame session={session.data}>{page(path, session.data)}</Frame>
    </SessionContext.Provider>
  );
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
  const editing = matchPath("/breaches/:id/edit", path);
  if (editing?.id !== undefined) return <EditFacts key={editing.id} id={editing.id} />;
  const breach = matchPath("/breaches/:id", path);
  if (breach?.id !== undefined) return <BreachPage key={breach.id} id={breach.id} />;
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
  const main = useRef<HTMLElement>(null);
  const first = useRef(true);
  // A new page moves focus to its content, so keyboard and screen-reader users start there (not on the old link).
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    main.current?.focus();
  }, [path]);
  const signOut = async () => {
    try {
      await api("/api/v1/session", { method: "DELETE" });
    } finally {
      sessionStorage.removeItem(draftKey);
      navigate("/sign-in", { replace: true });
      await forgetSession(client);
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
            {session.name === null || session.name === "" ? session.email : session.name} ·{" "}
            {session.organisation}
          </span>
          <button type="button" className="link" onClick={() => void signOut()}>
            Sign out
          </button>
        </div>
      </header>
      <main id="main" tabIndex={-1} ref={main}>
        <PageErrorBoundary path={path}>
          <Suspense fallback={<Loading label="Loading the page" />}>{children}</Suspense>
        </PageErrorBoundary>
      </main>
    </>
  );
}
