import { InstallCheck } from "../components/InstallCheck";
import { SnippetBox } from "../components/SnippetBox";
import { ErrorState, Link, Skeleton } from "../components/ui";
import { ApiError, api } from "../lib/api";
import { useAsync, useTitle } from "../lib/hooks";
import { NotFoundPage } from "./NotFound";

export function InstallPage(props: { siteId: number }) {
  const site = useAsync((signal) => api.site(props.siteId, signal), `site-${props.siteId}`);
  useTitle(site.data ? `Install on ${site.data.domain}` : "Install");
  if (site.error instanceof ApiError && site.error.status === 404) {
    return <NotFoundPage message="Site not found" />;
  }
  return (
    <div class="page narrow">
      <nav class="breadcrumbs" aria-label="Breadcrumb">
        <Link href="/sites">Sites</Link> <span aria-hidden="true">/</span>{" "}
        {site.data ? <Link href={`/sites/${props.siteId}`}>{site.data.domain}</Link> : "…"}{" "}
        <span aria-hidden="true">/</span> <span>Install</span>
      </nav>
      {site.error ? (
        <ErrorState error={site.error} onRetry={site.reload} />
      ) : (
        <div class="card form-card">
          <h1>Install Footfall{site.data ? ` on ${site.data.domain}` : ""}</h1>
          <ol class="steps">
            <li>
              <h2>Add this snippet to every page</h2>
              <p class="muted">
                Paste it into the <code>&lt;head&gt;</code> of your site's template. It is under 2
                KB, sets no cookies and loads without blocking the page.
              </p>
              {site.data ? <SnippetBox snippet={site.data.snippet} /> : <Skeleton height="4.5rem" />}
            </li>
            <li>
              <h2>Visit your site</h2>
              {site.data ? (
                <InstallCheck siteId={site.data.id} timezone={site.data.timezone} />
              ) : (
                <Skeleton height="3.5rem" />
              )}
            </li>
          </ol>
          <details class="help">
            <summary>Not seeing events?</summary>
            <ul>
              <li>Check that the page source contains the snippet and that the script loads (your browser's network tab).</li>
              <li>Localhost is ignored unless the script tag has <code>data-allow-localhost</code>.</li>
              <li>Ad blockers may block analytics scripts; try a private window without extensions.</li>
              <li>The <code>data-domain</code> in the snippet must match this site's domain.</li>
            </ul>
          </details>
          <div class="form-actions">
            <Link href={`/sites/${props.siteId}/settings`} class="btn btn-ghost">
              Site settings
            </Link>
            <Link href={`/sites/${props.siteId}`} class="btn">
              Go to the dashboard
            </Link>
          </div>
        </div>
      )}
    </div>
  );
}
