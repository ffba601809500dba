/** A site's dashboard (/sites/:id), or its read-only public version (/public/:id). */

import { useEffect, useMemo } from "preact/hooks";
import { type Dashboard, DashboardContext } from "../components/dashboard/context";
import { DetailsModal } from "../components/dashboard/DetailsModal";
import { EventsPanel } from "../components/dashboard/EventsPanel";
import { ListPanel } from "../components/dashboard/ListPanel";
import { MainChart } from "../components/dashboard/MainChart";
import { ScrollDepthPanel } from "../components/dashboard/ScrollDepthPanel";
import { StatCards } from "../components/dashboard/StatCards";
import { TopClicksPanel } from "../components/dashboard/TopClicksPanel";
import {
  ComparePicker,
  DatePicker,
  FilterBar,
  SiteNav,
  SiteSwitcher,
} from "../components/dashboard/TopBar";
import { Globe } from "../components/icons";
import { ErrorState, Link, Skeleton } from "../components/ui";
import { ApiError, api } from "../lib/api";
import { useAsync, useQuery, useTitle } from "../lib/hooks";
import { PERIOD_OPTIONS } from "../lib/periods";
import { baseQuery, compareMode } from "../lib/query";
import { navigate, useLocation } from "../lib/router";
import { useSession } from "../lib/session";
import type { CompareMode } from "../lib/types";
import { CHART_METRICS, type DashState, decodeState, encodeState, withFilter } from "../lib/urlstate";
import { NotFoundPage } from "./NotFound";

export function DashboardPage(props: { siteId: number; publicView?: boolean }) {
  const publicView = !!props.publicView;
  const { path, search } = useLocation();
  const session = useSession();
  const site = useAsync(
    (signal) => (publicView ? api.publicSite(props.siteId, signal) : api.site(props.siteId, signal)),
    `site:${publicView}:${props.siteId}`,
  );
  const state = useMemo(() => decodeState(search), [search]);
  const base = publicView ? `/public/${props.siteId}` : `/sites/${props.siteId}`;

  // Tidy the address bar when it held junk or defaults spelled out (no new history entry).
  useEffect(() => {
    const canonical = encodeState(state);
    if (canonical !== search && path === base) navigate(base + canonical, { replace: true });
  }, [search]);

  const update = (patch: Partial<DashState>, options: { replace?: boolean } = {}) => {
    const next: DashState = { ...state, ...patch };
    if (next.period === "all" && next.compare !== "off") next.compare = "off";
    navigate(base + encodeState(next), options);
  };

  useShortcuts(state, update);

  const info = site.data;
  useTitle(info ? `${info.name || info.domain}` : "Dashboard");

  const queryCtx = {
    siteId: props.siteId,
    timezone: info?.timezone ?? "UTC",
    anonymous: publicView,
    state,
  };
  // The cards always show the change vs the previous period; the chart only when comparing.
  const cardsCompare: CompareMode | undefined =
    compareMode(state.compare) ?? (state.period === "all" ? undefined : "previous_period");
  const aggregate = useQuery(
    info
      ? {
          ...baseQuery(queryCtx),
          metrics: [...CHART_METRICS],
          ...(cardsCompare ? { compare: cardsCompare } : {}),
        }
      : null,
    publicView,
    "aggregate",
  );
  const status = useAsync(
    info && !publicView ? (signal) => api.siteStatus(props.siteId, signal) : null,
    `status:${props.siteId}:${info ? 1 : 0}`,
  );

  if (site.error instanceof ApiError && site.error.status === 404) {
    return (
      <NotFoundPage
        message={publicView ? "This dashboard is not public" : "Site not found"}
      />
    );
  }
  if (site.error) {
    return (
      <div class="page">
        <ErrorState error={site.error} onRetry={site.reload} title="Could not load this site" />
      </div>
    );
  }
  if (!info) return <DashboardSkeleton />;

  const dash: Dashboard = {
    site: info,
    publicView,
    state,
    query: queryCtx,
    update,
    addFilter: (filter) =>
      update({ filters: withFilter(state.filters, filter), details: undefined }),
    totalVisitors: aggregate.data?.results[0]?.metrics[0] ?? null,
  };
  const compareLabel = cardsCompare
    ? cardsCompare === "year_over_year"
      ? "Same period last year"
      : "Previous period"
    : null;
  const signedIn = session.status === "signed_in";

  return (
    <DashboardContext.Provider value={dash}>
      <div class="page dashboard" data-site-id={info.id}>
        {publicView && (
          <div class="public-banner">
            <Globe size={16} />
            <span>
              Public dashboard of <strong>{info.domain}</strong>, read-only.
            </span>
            {!signedIn && (
              <Link href="/register" class="public-banner-cta">
                Get Footfall for your site →
              </Link>
            )}
          </div>
        )}
        <div class="dash-head">
          <SiteSwitcher />
          <SiteNav active="dashboard" />
        </div>
        <div class="dash-controls">
          <div class="dash-controls-row">
            <DatePicker />
            <ComparePicker />
          </div>
          <FilterBar />
        </div>
        {status.data && !status.data.has_events && (
          <div class="notice" role="status">
            <strong>No events yet.</strong> Add the snippet to {info.domain} and visit it.{" "}
            <Link href={`/sites/${info.id}/install`}>Installation instructions →</Link>
          </div>
        )}
        <StatCards result={aggregate} compareLabel={compareLabel} />
        <MainChart span={aggregate.data?.meta.date_range ?? null} />
        <div class="panel-grid">
          <ListPanel panelId="sources" />
          <ListPanel panelId="pages" />
          <ListPanel panelId="locations" />
          <ListPanel panelId="devices" />
          <EventsPanel />
          <ScrollDepthPanel />
          <div class="panel-wide">
            <TopClicksPanel />
          </div>
        </div>
        <p class="dash-foot muted small">
          Times are in {info.timezone}. {publicView ? "" : "Footfall uses no cookies and stores no IP addresses."}
        </p>
        {state.details && <DetailsModal />}
      </div>
    </DashboardContext.Provider>
  );
}

/** T, Y, W, M, L, A pick a date range, as in the date menu. */
function useShortcuts(state: DashState, update: (patch: Partial<DashState>) => void): void {
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.metaKey || event.ctrlKey || event.altKey || event.defaultPrevented) return;
      const target = event.target as HTMLElement | null;
      if (target && (target.isContentEditable || /^(INPUT|SELECT|TEXTAREA)$/.test(target.tagName))) return;
      if (document.querySelector("dialog[open]")) return;
      const option = PERIOD_OPTIONS.find((o) => o.hotkey?.toLowerCase() === event.key.toLowerCase());
      if (option && option.key !== state.period) {
        update({ period: option.key, from: undefined, to: undefined, interval: undefined });
      }
    };
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, [state]);
}

function DashboardSkeleton() {
  return (
    <div class="page dashboard" aria-busy="true" aria-label="Loading dashboard">
      <div class="dash-head">
        <Skeleton width="14rem" height="2.5rem" />
      </div>
      <div class="dash-controls">
        <div class="dash-controls-row">
          <Skeleton width="10rem" height="2.25rem" />
          <Skeleton width="10rem" height="2.25rem" />
        </div>
      </div>
      <div class="stats">
        {CHART_METRICS.map((m) => (
          <div class="stat" key={m}>
            <Skeleton width="60%" height="0.8rem" />
            <Skeleton width="4rem" height="1.9rem" />
          </div>
        ))}
      </div>
      <div class="card chart-card">
        <Skeleton height="16rem" />
      </div>
    </div>
  );
}
