/** A breakdown panel with tabs (sources, pages, locations, devices). */

import type { ComponentType } from "preact";
import { useEffect, useState } from "preact/hooks";
import { dimensionLabel } from "../../lib/dimensions";
import { useQuery } from "../../lib/hooks";
import { baseQuery } from "../../lib/query";
import type { QueryBody, QueryRow } from "../../lib/types";
import type { TabPanel } from "../../lib/urlstate";
import { Maximize } from "../icons";
import { EmptyState, ErrorState, Skeleton, SkeletonRows } from "../ui";
import { BreakdownList } from "./BreakdownList";
import { useDashboard } from "./context";
import { activeTab, effectiveTab, PANELS, type TabDef } from "./panels";
import { Tabs, type TabItem } from "./Tabs";
import type { WorldMapProps } from "./WorldMap";

export const PANEL_ROWS = 9;

function tabItems(tabs: TabDef[], active: TabDef): TabItem[] {
  const items: TabItem[] = [];
  const seen = new Set<string>();
  for (const tab of tabs) {
    if (!tab.group) {
      items.push({ id: tab.id, label: tab.label });
    } else if (!seen.has(tab.group.id)) {
      seen.add(tab.group.id);
      const id = active.group?.id === tab.group.id ? active.id : tab.id;
      items.push({ id, label: tab.group.label });
    }
  }
  return items;
}

export function ListPanel(props: { panelId: TabPanel }) {
  const dash = useDashboard();
  const panel = PANELS[props.panelId];
  const tab = activeTab(panel, dash.state.tabs[props.panelId]);
  const shown = effectiveTab(tab, dash.state.filters);
  const isMap = tab.id === "map";

  const body: QueryBody = {
    ...baseQuery(dash.query, tab.filters),
    metrics: shown.metrics,
    dimensions: shown.dims,
    order_by: [[shown.metrics[0], "desc"]],
    limit: isMap ? 250 : PANEL_ROWS,
  };
  // The server cannot yet break exit pages down under event-level filters (it answers 500);
  // say so instead of showing a server error. Drop this once the query engine supports it.
  const unsupported =
    shown.dims.includes("visit:exit_page") && dash.state.filters.some((f) => f.dim.startsWith("event:"));
  const result = useQuery(
    unsupported ? null : body,
    dash.query.anonymous,
    `${panel.id}:${tab.id}:${shown.dims.join()}`,
  );
  const rows = result.data?.results ?? [];
  const allEmpty = rows.length > 0 && rows.every((r) => r.dimensions.every((d) => d === ""));

  const select = (tabId: string) =>
    dash.update({ tabs: { ...dash.state.tabs, [props.panelId]: tabId } }, { replace: true });
  const filterBy = (row: QueryRow) =>
    dash.addFilter({ op: "is", dim: shown.dims[0], values: [row.dimensions[0] ?? ""] });

  const group = tab.group ? panel.tabs.filter((t) => t.group?.id === tab.group?.id) : [];

  return (
    <section class="panel card" aria-labelledby={`${panel.id}-title`} data-panel={panel.id}>
      <header class="panel-header">
        <h2 id={`${panel.id}-title`}>{panel.title}</h2>
        <Tabs
          id={panel.id}
          label={`${panel.title} breakdowns`}
          tabs={tabItems(panel.tabs, tab)}
          active={tab.id}
          onSelect={select}
        />
      </header>
      {group.length > 0 && (
        <div class="panel-subbar">
          <label class="sr-only" for={`${panel.id}-group`}>
            {tab.group?.label} parameter
          </label>
          <select
            id={`${panel.id}-group`}
            class="select-small"
            value={tab.id}
            onChange={(e) => select(e.currentTarget.value)}
          >
            {group.map((t) => (
              <option value={t.id} key={t.id}>
                {t.group?.option}
              </option>
            ))}
          </select>
        </div>
      )}
      <div
        class={`panel-body ${result.loading && result.data ? "is-refreshing" : ""}`}
        role="tabpanel"
        id={`${panel.id}-panel`}
        aria-labelledby={`${panel.id}-tab-${tabItems(panel.tabs, tab).find((t) => t.id === tab.id)?.id ?? tab.id}`}
        aria-busy={result.loading}
      >
        {unsupported ? (
          <EmptyState compact title="Exit pages are not available with this filter">
            <p>Exit pages cannot be combined with page or event filters yet.</p>
          </EmptyState>
        ) : result.error && !result.data ? (
          <ErrorState compact error={result.error} onRetry={result.reload} />
        ) : !result.data ? (
          isMap ? <Skeleton height="16rem" /> : <SkeletonRows rows={6} />
        ) : rows.length === 0 ? (
          <EmptyState compact title="No data for this period">
            {dash.state.filters.length > 0 && <p>Try removing a filter or widening the range.</p>}
          </EmptyState>
        ) : allEmpty && tab.emptyHint ? (
          <EmptyState compact title={`No ${dimensionLabel(shown.dims[0]).toLowerCase()} data`}>
            <p>{tab.emptyHint}</p>
          </EmptyState>
        ) : isMap ? (
          <LazyWorldMap rows={rows} onSelect={filterBy} />
        ) : (
          <BreakdownList
            rows={rows}
            dims={shown.dims}
            column={shown.column}
            metrics={shown.metrics}
            domain={dash.site.domain}
            onSelect={filterBy}
            testId={`list-${panel.id}`}
          />
        )}
      </div>
      {rows.length > 0 && !(allEmpty && tab.emptyHint) && (
        <footer class="panel-footer">
          <button
            type="button"
            class="btn btn-small btn-ghost"
            onClick={() => dash.update({ details: panel.id })}
          >
            <Maximize size={14} /> Details
          </button>
        </footer>
      )}
    </section>
  );
}

let mapModule: Promise<ComponentType<WorldMapProps>> | null = null;

/** The world map and its geometry are a chunk of their own, fetched on first use. */
function LazyWorldMap(props: WorldMapProps) {
  const [Map, setMap] = useState<ComponentType<WorldMapProps> | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    let live = true;
    mapModule ??= import("./WorldMap").then((m) => m.WorldMap);
    mapModule.then(
      (component) => live && setMap(() => component),
      (e: unknown) => {
        mapModule = null;
        if (live) setError(e);
      },
    );
    return () => {
      live = false;
    };
  }, []);
  if (error) return <ErrorState compact error={new Error("The map could not be loaded.")} />;
  if (!Map) return <Skeleton height="16rem" />;
  return <Map {...props} />;
}
