/** The app shell: session restore, routes, header. */

import { useEffect } from "preact/hooks";
import { Dropdown, ErrorState, Link, Spinner, Toasts, toast } from "./components/ui";
import { LogOut, Logo, User as UserIcon } from "./components/icons";
import { matchRoute, navigate, useLocation } from "./lib/router";
import { restoreSession, signOut, useSession, type SessionState } from "./lib/session";
import { AccountPage } from "./pages/Account";
import { AddSitePage } from "./pages/AddSite";
import { DashboardPage } from "./pages/Dashboard";
import { InstallPage } from "./pages/Install";
import { LandingPage } from "./pages/Landing";
import { LoginPage, RegisterPage } from "./pages/Auth";
import { NotFoundPage } from "./pages/NotFound";
import { SiteSettingsPage } from "./pages/SiteSettings";
import { SitesPage } from "./pages/Sites";

const PRIVATE = [/^\/sites(\/|$)/, /^\/account$/];
const GUEST_ONLY = ["/login", "/register"];

function safeNext(search: string): string {
  const next = new URLSearchParams(search).get("next") ?? "";
  // Only in-app paths: "/x" but not "//host" or "/\host".
  return /^\/(?![/\\])/.test(next) ? next : "/sites";
}

export function App() {
  const session = useSession();
  const { path, search } = useLocation();

  useEffect(() => {
    void restoreSession();
  }, []);

  const isPrivate = PRIVATE.some((re) => re.test(path));
  useEffect(() => {
    if (session.status === "signed_out" && isPrivate) {
      if (session.expired) toast("Your session ended. Please sign in again.");
      navigate(`/login?next=${encodeURIComponent(path + search)}`, { replace: true });
    } else if (session.status === "signed_in" && GUEST_ONLY.includes(path)) {
      navigate(safeNext(search), { replace: true });
    } else if (session.status === "signed_in" && path === "/") {
      navigate("/sites", { replace: true });
    }
  }, [session.status, path]);

  return (
    <div class="app">
      <a class="skip-link" href="#main">
        Skip to content
      </a>
      <Header session={session} path={path} />
      <main id="main" tabIndex={-1}>
        <Routes session={session} path={path} isPrivate={isPrivate} />
      </main>
      <Toasts />
    </div>
  );
}

function Routes(props: { session: SessionState; path: string; isPrivate: boolean }) {
  const { session, path } = props;
  const publicMatch = matchRoute("/public/:id", path);
  if (publicMatch) return <DashboardPage siteId={Number(publicMatch.id)} publicView />;

  if (session.status === "loading") {
    return (
      <div class="page-loading">
        <Spinner label="Loading Footfall" size={28} />
      </div>
    );
  }
  if (session.status === "error") {
    return (
      <div class="page narrow">
        <ErrorState
          title="Footfall is not reachable"
          error={session.error}
          onRetry={() => void restoreSession()}
        />
      </div>
    );
  }
  const signedIn = session.status === "signed_in";
  if (path === "/") return signedIn ? null : <LandingPage />;
  if (path === "/login") return signedIn ? null : <LoginPage />;
  if (path === "/register") return signedIn ? null : <RegisterPage />;
  if (props.isPrivate && !signedIn) return null;

  if (path === "/sites") return <SitesPage />;
  if (path === "/sites/new") return <AddSitePage />;
  if (path === "/account") return <AccountPage />;
  let m = matchRoute("/sites/:id", path);
  if (m && /^\d+$/.test(m.id)) return <DashboardPage siteId={Number(m.id)} />;
  m = matchRoute("/sites/:id/settings", path);
  if (m && /^\d+$/.test(m.id)) return <SiteSettingsPage siteId={Number(m.id)} />;
  m = matchRoute("/sites/:id/install", path);
  if (m && /^\d+$/.test(m.id)) return <InstallPage siteId={Number(m.id)} />;
  return <NotFoundPage />;
}

function Header(props: { session: SessionState; path: string }) {
  const { session } = props;
  const signedIn = session.status === "signed_in";
  return (
    <header class="topnav">
      <div class="topnav-inner">
        <Link href={signedIn ? "/sites" : "/"} class="brand" aria-label="Footfall home">
          <Logo size={26} />
          <span>Footfall</span>
        </Link>
        {signedIn && (
          <nav class="topnav-links" aria-label="Main">
            <Link
              href="/sites"
              class="topnav-link"
              aria-current={props.path.startsWith("/sites") ? "page" : undefined}
            >
              Sites
            </Link>
          </nav>
        )}
        <div class="topnav-right">
          {session.status === "signed_in" ? (
            <Dropdown
              align="right"
              buttonClass="btn btn-ghost user-button"
              ariaLabel="Account menu"
              label={
                <>
                  <span class="avatar" aria-hidden="true">
                    {(session.user.name || session.user.email).slice(0, 1).toUpperCase()}
                  </span>
                  <span class="user-name">{session.user.name || session.user.email}</span>
                </>
              }
            >
              {(close) => (
                <>
                  <div class="dropdown-caption">
                    Signed in as
                    <br />
                    <strong>{session.user.email}</strong>
                  </div>
                  <Link href="/account" role="menuitem" class="dropdown-item" onClick={close}>
                    <UserIcon size={15} /> Account settings
                  </Link>
                  <button
                    type="button"
                    role="menuitem"
                    class="dropdown-item"
                    onClick={() => {
                      close();
                      void signOut().then(() => navigate("/"));
                    }}
                  >
                    <LogOut size={15} /> Sign out
                  </button>
                </>
              )}
            </Dropdown>
          ) : session.status === "signed_out" ? (
            <>
              <Link href="/login" class="btn btn-ghost">
                Sign in
              </Link>
              <Link href="/register" class="btn btn-primary">
                Sign up
              </Link>
            </>
          ) : null}
        </div>
      </div>
    </header>
  );
}
