/** The breakdown panels: which tabs they have and what each tab queries. */

import type { ApiFilter, FilterLeaf, MetricName } from "../../lib/types";

export interface TabDef {
  id: string;
  label: string;
  /** The dimension(s) rows are grouped by; filters from row clicks use the first. */
  dims: string[];
  /** Column header for the dimension. */
  column: string;
  /** Metrics in the panel list; the first sizes the bars. */
  metrics: MetricName[];
  /** Metrics in the details table. */
  detailMetrics: MetricName[];
  /** Extra conditions this tab always applies. */
  filters?: ApiFilter[];
  /** Tabs shown as one tab with a chooser (UTM parameters). */
  group?: { id: string; label: string; option: string };
  /** When the dashboard is filtered to one value of `parent`, show `dims` instead (drill-down). */
  drill?: { parent: string; dims: string[]; column: (value: string) => string };
  /** Shown when every row is the empty value (e.g. no GeoIP city database). */
  emptyHint?: string;
}

export interface PanelDef {
  id: string;
  title: string;
  tabs: TabDef[];
}

const VISIT_DETAILS: MetricName[] = ["visitors", "visits", "bounce_rate", "visit_duration"];
const SHARE: MetricName[] = ["visitors", "percentage"];

function utm(id: string, label: string): TabDef {
  return {
    id,
    label,
    dims: [`visit:${id}`],
    column: label,
    metrics: ["visitors"],
    detailMetrics: VISIT_DETAILS,
    group: { id: "utm", label: "UTM", option: label.replace("UTM ", "") },
  };
}

export const PANELS: Record<string, PanelDef> = {
  sources: {
    id: "sources",
    title: "Sources",
    tabs: [
      {
        id: "sources",
        label: "Sources",
        dims: ["visit:source"],
        column: "Source",
        metrics: ["visitors"],
        detailMetrics: VISIT_DETAILS,
        drill: {
          parent: "visit:source",
          dims: ["visit:referrer"],
          column: (value) => `Referrers from ${value || "Direct / None"}`,
        },
      },
      {
        id: "channels",
        label: "Channels",
        dims: ["visit:channel"],
        column: "Channel",
        metrics: ["visitors"],
        detailMetrics: VISIT_DETAILS,
      },
      utm("utm_source", "UTM source"),
      utm("utm_medium", "UTM medium"),
      utm("utm_campaign", "UTM campaign"),
      utm("utm_content", "UTM content"),
      utm("utm_term", "UTM term"),
    ],
  },
  pages: {
    id: "pages",
    title: "Pages",
    tabs: [
      {
        id: "pages",
        label: "Top pages",
        dims: ["event:page"],
        column: "Page",
        metrics: ["visitors", "pageviews"],
        detailMetrics: ["visitors", "pageviews", "bounce_rate", "time_on_page", "scroll_depth"],
      },
      {
        id: "entry",
        label: "Entry pages",
        dims: ["visit:entry_page"],
        column: "Entry page",
        metrics: ["visitors", "visits"],
        detailMetrics: VISIT_DETAILS,
      },
      {
        id: "exit",
        label: "Exit pages",
        dims: ["visit:exit_page"],
        column: "Exit page",
        metrics: ["visitors", "visits"],
        detailMetrics: ["visitors", "visits"],
      },
    ],
  },
  locations: {
    id: "locations",
    title: "Locations",
    tabs: [
      {
        id: "map",
        label: "Map",
        dims: ["visit:country"],
        column: "Country",
        metrics: SHARE,
        detailMetrics: ["visitors", "percentage", ...VISIT_DETAILS.slice(1)],
      },
      {
        id: "countries",
        label: "Countries",
        dims: ["visit:country"],
        column: "Country",
        metrics: SHARE,
        detailMetrics: ["visitors", "percentage", ...VISIT_DETAILS.slice(1)],
      },
      {
        id: "regions",
        label: "Regions",
        dims: ["visit:region"],
        column: "Region",
        metrics: SHARE,
        detailMetrics: ["visitors", "percentage", ...VISIT_DETAILS.slice(1)],
        emptyHint:
          "Regions need a GeoIP city database on the server (FOOTFALL_GEOIP_CITY_DB).",
      },
      {
        id: "cities",
        label: "Cities",
        dims: ["visit:city"],
        column: "City",
        metrics: SHARE,
        detailMetrics: ["visitors", "percentage", ...VISIT_DETAILS.slice(1)],
        emptyHint: "Cities need a GeoIP city database on the server (FOOTFALL_GEOIP_CITY_DB).",
      },
    ],
  },
  devices: {
    id: "devices",
    title: "Devices",
    tabs: [
      {
        id: "browsers",
        label: "Browsers",
        dims: ["visit:browser"],
        column: "Browser",
        metrics: SHARE,
        detailMetrics: ["visitors", "percentage", ...VISIT_DETAILS.slice(1)],
        drill: {
          parent: "visit:browser",
          dims: ["visit:browser_version"],
          column: (value) => `${value} versions`,
        },
      },
      {
        id: "os",
        label: "OS",
        dims: ["visit:os"],
        column: "Operating system",
        metrics: SHARE,
        detailMetrics: ["visitors", "percentage", ...VISIT_DETAILS.slice(1)],
        drill: {
          parent: "visit:os",
          dims: ["visit:os_version"],
          column: (value) => `${value} versions`,
        },
      },
      {
        id: "devices",
        label: "Devices",
        dims: ["visit:device"],
        column: "Device",
        metrics: SHARE,
        detailMetrics: ["visitors", "percentage", ...VISIT_DETAILS.slice(1)],
      },
      {
        id: "screens",
        label: "Screens",
        dims: ["visit:screen"],
        column: "Screen size",
        metrics: SHARE,
        detailMetrics: ["visitors", "percentage", ...VISIT_DETAILS.slice(1)],
      },
    ],
  },
  events: {
    id: "events",
    title: "Custom events",
    tabs: [
      {
        id: "events",
        label: "Events",
        dims: ["event:name"],
        column: "Event",
        metrics: ["visitors", "events"],
        detailMetrics: ["visitors", "events"],
        filters: [["is_not", "event:name", ["pageview"]]],
      },
    ],
  },
  clicks: {
    id: "clicks",
    title: "Top clicks",
    tabs: [
      {
        id: "clicks",
        label: "Clicks",
        dims: ["event:element_text", "event:element_selector"],
        column: "Element",
        metrics: ["events", "visitors"],
        detailMetrics: ["events", "visitors"],
        filters: [["is_not", "event:element_tag", [""]]],
      },
    ],
  },
};

/** The open tab of a panel, falling back to its first. */
export function activeTab(panel: PanelDef, tabId: string | undefined): TabDef {
  return panel.tabs.find((t) => t.id === tabId) ?? panel.tabs[0];
}

/** The dims and column a tab shows under the current filters (drill-downs). */
export function effectiveTab(tab: TabDef, filters: FilterLeaf[]): TabDef {
  if (!tab.drill) return tab;
  const drill = tab.drill;
  const parent = filters.find((f) => f.op === "is" && f.dim === drill.parent && f.values.length === 1);
  if (!parent) return tab;
  return { ...tab, dims: drill.dims, column: drill.column(parent.values[0]), drill: undefined };
}
