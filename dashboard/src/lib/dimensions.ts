/** Human names for dimensions, metrics and the values they take. */

import type { MetricName } from "./types";

export const PROP_PREFIX = "event:props:";

const DIMENSION_LABELS: Record<string, string> = {
  "event:page": "Page",
  "event:name": "Event",
  "event:hostname": "Hostname",
  "event:element_tag": "Element tag",
  "event:element_text": "Element text",
  "event:element_selector": "Element selector",
  "event:element_href": "Element link",
  "event:scroll_bucket": "Scroll depth",
  "visit:source": "Source",
  "visit:referrer": "Referrer",
  "visit:channel": "Channel",
  "visit:utm_source": "UTM source",
  "visit:utm_medium": "UTM medium",
  "visit:utm_campaign": "UTM campaign",
  "visit:utm_content": "UTM content",
  "visit:utm_term": "UTM term",
  "visit:entry_page": "Entry page",
  "visit:exit_page": "Exit page",
  "visit:country": "Country",
  "visit:region": "Region",
  "visit:city": "City",
  "visit:browser": "Browser",
  "visit:browser_version": "Browser version",
  "visit:os": "Operating system",
  "visit:os_version": "OS version",
  "visit:device": "Device",
  "visit:screen": "Screen size",
};

/** Dimensions a user may filter by from the filter menu, in menu order. */
export const FILTERABLE_DIMENSIONS = [
  "event:page",
  "visit:entry_page",
  "visit:exit_page",
  "event:hostname",
  "visit:source",
  "visit:referrer",
  "visit:channel",
  "visit:utm_source",
  "visit:utm_medium",
  "visit:utm_campaign",
  "visit:utm_content",
  "visit:utm_term",
  "visit:country",
  "visit:region",
  "visit:city",
  "visit:browser",
  "visit:browser_version",
  "visit:os",
  "visit:os_version",
  "visit:device",
  "visit:screen",
  "event:name",
] as const;

export function dimensionLabel(dim: string): string {
  if (dim.startsWith(PROP_PREFIX)) return `Property ${dim.slice(PROP_PREFIX.length)}`;
  return DIMENSION_LABELS[dim] ?? dim;
}

export const METRIC_LABELS: Record<MetricName, string> = {
  visitors: "Visitors",
  visits: "Visits",
  pageviews: "Pageviews",
  views_per_visit: "Views per visit",
  bounce_rate: "Bounce rate",
  visit_duration: "Visit duration",
  events: "Events",
  scroll_depth: "Scroll depth",
  time_on_page: "Time on page",
  percentage: "%",
};

let regionNames: Intl.DisplayNames | null | undefined;

/** "Germany" for "DE" (falls back to the code). */
export function countryName(code: string): string {
  if (!code) return "(none)";
  if (regionNames === undefined) {
    try {
      regionNames = new Intl.DisplayNames(["en"], { type: "region", fallback: "code" });
    } catch {
      regionNames = null;
    }
  }
  try {
    return regionNames?.of(code.toUpperCase()) ?? code;
  } catch {
    return code;
  }
}

const DEVICE_NAMES: Record<string, string> = {
  desktop: "Desktop",
  mobile: "Mobile",
  tablet: "Tablet",
};

/** The text shown for one value of a dimension (always plain text, never HTML). */
export function valueLabel(dim: string, value: string): string {
  if (value === "") return dim === "visit:source" ? "Direct / None" : "(none)";
  if (dim === "visit:country") return countryName(value);
  if (dim === "visit:device") return DEVICE_NAMES[value] ?? value;
  return value;
}

/** Dimensions whose values are paths on the site (linked to the live page). */
export const PATH_DIMENSIONS = new Set(["event:page", "visit:entry_page", "visit:exit_page"]);
