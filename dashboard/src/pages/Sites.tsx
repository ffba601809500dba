import { Plus, Settings } from "../components/icons";
import { Sparkline } from "../components/Sparkline";
import { EmptyState, ErrorState, Link, Skeleton } from "../components/ui";
import { formatExact, formatNumber } from "../lib/format";
import { useAsync, useQuery, useTitle } from "../lib/hooks";
import { loadSites } from "../lib/sites";
import type { Site } from "../lib/types";

export function SitesPage() {
  useTitle("Sites");
  const sites = useAsync(() => loadSites(true), "sites");
  return (
    <div class="page">
      <div class="page-header">
        <div>
          <h1>Your sites</h1>
          <p class="muted">Visitors over the last 7 days, in each site's timezone.</p>
        </div>
        <Link href="/sites/new" class="btn btn-primary">
          <Plus size={16} /> Add a site
        </Link>
      </div>
      {sites.error ? (
        <ErrorState error={sites.error} onRetry={sites.reload} title="Could not load your sites" />
      ) : !sites.data ? (
        <div class="site-grid" aria-busy="true">
          {[0, 1, 2].map((i) => (
            <div class="card site-card" key={i}>
              <Skeleton width="60%" height="1.2rem" />
              <Skeleton width="40%" height="0.9rem" />
              <Skeleton height="2.25rem" />
            </div>
          ))}
        </div>
      ) : sites.data.length === 0 ? (
        <div class="card">
          <EmptyState title="No sites yet">
            <p>Add your website to get its tracking snippet. Numbers appear as soon as the first visitor arrives.</p>
            <Link href="/sites/new" class="btn btn-primary">
              <Plus size={16} /> Add your first site
            </Link>
          </EmptyState>
        </div>
      ) : (
        <ul class="site-grid" role="list">
          {sites.data.map((site) => (
            <SiteCard site={site} key={site.id} />
          ))}
        </ul>
      )}
    </div>
  );
}

function SiteCard(props: { site: Site }) {
  const { site } = props;
  const series = useQuery(
    { site_id: site.id, metrics: ["visitors"], dimensions: ["time:day"], date_range: "7d" },
    false,
  );
  const values = series.data?.results.map((r) => r.metrics[0] ?? 0) ?? [];
  const today = values.length ? values[values.length - 1] : null;
  return (
    <li class="card site-card" data-site-id={site.id}>
      <div class="site-card-head">
        <span class="site-avatar" aria-hidden="true">
          {(site.name || site.domain).slice(0, 1).toUpperCase()}
        </span>
        <div class="site-card-title">
          <h2>
            <Link href={`/sites/${site.id}`} class="stretched-link">
              {site.name || site.domain}
            </Link>
          </h2>
          <p class="muted small">{site.domain}</p>
        </div>
        {site.role !== "viewer" && (
          <Link
            href={`/sites/${site.id}/settings`}
            class="btn-icon site-card-settings"
            aria-label={`Settings of ${site.domain}`}
            title="Settings"
          >
            <Settings size={16} />
          </Link>
        )}
      </div>
      <div class="site-card-body">
        {series.error ? (
          <p class="muted small">Stats unavailable</p>
        ) : !series.data ? (
          <Skeleton height="2.25rem" />
        ) : (
          <>
            <div class="site-card-stat">
              <strong class="site-today" title={`${formatExact(today)} unique visitors today`}>
                {formatNumber(today)}
              </strong>
              <span class="muted small">visitors today</span>
            </div>
            <Sparkline
              values={values}
              label={`Visitors per day, last 7 days: ${values.join(", ")}`}
            />
          </>
        )}
      </div>
      <div class="site-card-foot small muted">
        <span class="truncate" title="Timezone">{site.timezone}</span>
        <span class="badges">
          {site.public && <span class="badge">Public</span>}
          <span class="badge badge-muted">{site.role}</span>
        </span>
      </div>
    </li>
  );
}
