/**
 * The whole dashboard view lives in the URL's query string, so a view can be shared, bookmarked
 * and reloaded: ?period=7d&compare=previous_period&metric=pageviews&f=is,event:page,/blog ...
 *
 * A filter is one `f` parameter: operator, dimension and values separated by literal commas;
 * each part is percent-encoded on its own (commas inside values become %2C), so any value
 * round-trips. Slashes and colons stay readable.
 */

import type { Interval } from "./format";
import { isDay, PERIOD_KEYS, type PeriodKey } from "./periods";
import type { FilterLeaf, LeafOperator, MetricName } from "./types";

export type CompareSetting = "off" | "previous_period" | "year_over_year";

export const CHART_METRICS = [
  "visitors",
  "visits",
  "pageviews",
  "views_per_visit",
  "bounce_rate",
  "visit_duration",
] as const satisfies readonly MetricName[];
export type ChartMetric = (typeof CHART_METRICS)[number];

/** Panels whose open tab the URL remembers. */
export const TAB_PANELS = ["sources", "pages", "locations", "devices"] as const;
export type TabPanel = (typeof TAB_PANELS)[number];

export interface DashState {
  period: PeriodKey;
  from?: string;
  to?: string;
  compare: CompareSetting;
  filters: FilterLeaf[];
  metric: ChartMetric;
  interval?: Interval;
  tabs: Partial<Record<TabPanel, string>>;
  /** The panel whose details view is open. */
  details?: string;
  /** Custom event broken down by one of its props. */
  event?: string;
  prop?: string;
}

export const DEFAULT_STATE: DashState = {
  period: "30d",
  compare: "off",
  filters: [],
  metric: "visitors",
  tabs: {},
};

const OPERATORS = new Set<LeafOperator>([
  "is",
  "is_not",
  "contains",
  "contains_not",
  "matches",
  "matches_not",
]);
const INTERVALS = new Set<Interval>(["minute", "hour", "day", "week", "month"]);
const COMPARE = new Set<CompareSetting>(["off", "previous_period", "year_over_year"]);
const ID = /^[a-z][a-z0-9_]{0,39}$/;
const DIMENSION = /^(event|visit):[a-z_]+(:.+)?$/;
const MAX_FILTERS = 20;
const MAX_TEXT = 2000;

/** Percent-encode one part, leaving "/" and ":" readable. */
export function encodePart(text: string): string {
  return encodeURIComponent(text).replace(/%2F/gi, "/").replace(/%3A/gi, ":");
}

/** Decode one part ("+" is a space, as form encoding has it); null when malformed. */
export function decodePart(raw: string): string | null {
  try {
    return decodeURIComponent(raw.replace(/\+/g, " "));
  } catch {
    return null;
  }
}

export function encodeFilter(filter: FilterLeaf): string {
  return [filter.op, filter.dim, ...filter.values].map(encodePart).join(",");
}

export function decodeFilter(raw: string): FilterLeaf | null {
  const parts = raw.split(",").map(decodePart);
  if (parts.length < 3 || parts.some((p) => p === null)) return null;
  const [op, dim, ...values] = parts as string[];
  if (!OPERATORS.has(op as LeafOperator) || !DIMENSION.test(dim) || dim.length > 320) return null;
  if (values.length > 100 || values.some((v) => v.length > MAX_TEXT)) return null;
  return { op: op as LeafOperator, dim, values };
}

/** The query string for a state ("" for the defaults), with a leading "?" otherwise. */
export function encodeState(state: DashState): string {
  const out: string[] = [];
  const add = (key: string, value: string) => out.push(`${key}=${encodePart(value)}`);
  if (state.period !== DEFAULT_STATE.period) add("period", state.period);
  if (state.period === "custom") {
    if (state.from) add("from", state.from);
    if (state.to) add("to", state.to);
  }
  if (state.compare !== "off") add("compare", state.compare);
  if (state.metric !== DEFAULT_STATE.metric) add("metric", state.metric);
  if (state.interval) add("interval", state.interval);
  for (const filter of state.filters) out.push(`f=${encodeFilter(filter)}`);
  for (const panel of TAB_PANELS) {
    const tab = state.tabs[panel];
    if (tab) add(panel, tab);
  }
  if (state.details) add("details", state.details);
  if (state.event !== undefined) add("event", state.event);
  if (state.prop !== undefined) add("prop", state.prop);
  return out.length ? `?${out.join("&")}` : "";
}

/** The state a query string describes; anything malformed falls back to the default. */
export function decodeState(search: string): DashState {
  const state: DashState = { ...DEFAULT_STATE, filters: [], tabs: {} };
  const query = search.startsWith("?") ? search.slice(1) : search;
  for (const pair of query.split("&")) {
    if (!pair) continue;
    const eq = pair.indexOf("=");
    const key = decodePart(eq < 0 ? pair : pair.slice(0, eq));
    const raw = eq < 0 ? "" : pair.slice(eq + 1);
    if (key === null) continue;
    if (key === "f") {
      const filter = decodeFilter(raw);
      if (filter && state.filters.length < MAX_FILTERS) state.filters.push(filter);
      continue;
    }
    const value = decodePart(raw);
    if (value === null || value.length > MAX_TEXT) continue;
    switch (key) {
      case "period":
        if (PERIOD_KEYS.has(value as PeriodKey)) state.period = value as PeriodKey;
        break;
      case "from":
        if (isDay(value)) state.from = value;
        break;
      case "to":
        if (isDay(value)) state.to = value;
        break;
      case "compare":
        if (COMPARE.has(value as CompareSetting)) state.compare = value as CompareSetting;
        break;
      case "metric":
        if ((CHART_METRICS as readonly string[]).includes(value)) {
          state.metric = value as ChartMetric;
        }
        break;
      case "interval":
        if (INTERVALS.has(value as Interval)) state.interval = value as Interval;
        break;
      case "details":
        if (ID.test(value)) state.details = value;
        break;
      case "event":
        state.event = value;
        break;
      case "prop":
        state.prop = value;
        break;
      default:
        if ((TAB_PANELS as readonly string[]).includes(key) && ID.test(value)) {
          state.tabs[key as TabPanel] = value;
        }
    }
  }
  if (state.period === "custom") {
    if (!state.from || !state.to) {
      state.period = DEFAULT_STATE.period;
      delete state.from;
      delete state.to;
    } else if (state.from > state.to) {
      [state.from, state.to] = [state.to, state.from];
    }
  } else {
    delete state.from;
    delete state.to;
  }
  return state;
}

/** Add a filter, replacing an "is" filter on the same dimension (clicking another row). */
export function withFilter(filters: FilterLeaf[], filter: FilterLeaf): FilterLeaf[] {
  return [...filters.filter((f) => !(f.dim === filter.dim && f.op === filter.op)), filter];
}

export function withoutFilter(filters: FilterLeaf[], index: number): FilterLeaf[] {
  return filters.filter((_, i) => i !== index);
}

export function sameState(a: DashState, b: DashState): boolean {
  return encodeState(a) === encodeState(b);
}
