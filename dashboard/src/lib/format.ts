/** How numbers, durations, percentages and dates read in the dashboard. */

import type { MetricName } from "./types";

export const NO_VALUE = "—";

function trimZero(text: string): string {
  return text.replace(/\.0+$/, "").replace(/(\.\d*?)0+$/, "$1");
}

/** 942, 1.2k, 12.3k, 123k, 3.4M, 1.1B: compact counts. */
export function formatNumber(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return NO_VALUE;
  const sign = value < 0 ? "-" : "";
  let n = Math.abs(value);
  if (n < 1000) {
    return sign + (Number.isInteger(n) ? String(n) : trimZero(n.toFixed(n < 10 ? 2 : 1)));
  }
  const units = ["k", "M", "B", "T"];
  let unit = -1;
  while (n >= 999.95 && unit < units.length - 1) {
    n /= 1000;
    unit += 1;
  }
  // 999,999 is "1M", not "1000k".
  let text = n >= 100 ? n.toFixed(0) : trimZero(n.toFixed(1));
  if (text === "1000" && unit < units.length - 1) {
    text = "1";
    unit += 1;
  }
  return sign + text + units[unit];
}

/** 3,175 with the locale's grouping (for titles and tables where precision matters). */
export function formatExact(value: number | null | undefined, locale?: string): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return NO_VALUE;
  return new Intl.NumberFormat(locale, { maximumFractionDigits: 2 }).format(value);
}

/** 0s, 45s, 3m 20s, 1h 5m, 2d 3h. */
export function formatDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return NO_VALUE;
  let s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  const days = Math.floor(s / 86400);
  s -= days * 86400;
  const hours = Math.floor(s / 3600);
  s -= hours * 3600;
  const minutes = Math.floor(s / 60);
  s -= minutes * 60;
  if (days > 0) return hours ? `${days}d ${hours}h` : `${days}d`;
  if (hours > 0) return minutes ? `${hours}h ${minutes}m` : `${hours}h`;
  return s ? `${minutes}m ${s}s` : `${minutes}m`;
}

/** 45%, 4.5%, 0%: whole numbers from 10 up, one decimal below. */
export function formatPercent(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return NO_VALUE;
  const abs = Math.abs(value);
  const text = abs >= 10 || abs === 0 ? Math.round(value).toString() : trimZero(value.toFixed(1));
  return `${text === "-0" ? "0" : text}%`;
}

/** 2.55, 3, 1.5 */
export function formatDecimal(value: number | null | undefined, digits = 2): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return NO_VALUE;
  return trimZero(value.toFixed(digits));
}

const PERCENT_METRICS = new Set<MetricName>(["bounce_rate", "scroll_depth", "percentage"]);
const DURATION_METRICS = new Set<MetricName>(["visit_duration", "time_on_page"]);

/** Any metric value as the dashboard shows it. */
export function formatMetric(metric: MetricName, value: number | null | undefined): string {
  if (PERCENT_METRICS.has(metric)) return formatPercent(value);
  if (DURATION_METRICS.has(metric)) return formatDuration(value);
  if (metric === "views_per_visit") return formatDecimal(value);
  return formatNumber(value);
}

/** Metrics whose falling is good news. */
export const LOWER_IS_BETTER = new Set<MetricName>(["bounce_rate"]);

export interface Change {
  text: string;
  direction: "up" | "down" | "flat" | "none";
  /** true: an improvement, false: a decline, null: neither or unknown. */
  good: boolean | null;
}

/** A period-over-period change: % for most metrics, percentage points for bounce rate. */
export function formatChange(metric: MetricName, change: number | null | undefined): Change {
  if (change === null || change === undefined || !Number.isFinite(change)) {
    return { text: NO_VALUE, direction: "none", good: null };
  }
  const abs = Math.abs(change);
  const digits = abs < 10 ? trimZero(abs.toFixed(1)) : Math.round(abs).toString();
  const unit = metric === "bounce_rate" ? " pp" : "%";
  if (digits === "0") return { text: `0${unit}`, direction: "flat", good: null };
  const direction = change > 0 ? "up" : "down";
  const better = LOWER_IS_BETTER.has(metric) ? change < 0 : change > 0;
  return { text: `${digits}${unit}`, direction, good: better };
}

// --- dates ------------------------------------------------------------------------------

interface Parts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
}

/** "2025-06-10" or "2025-06-10 13:00:00" (a wall-clock time in the site's timezone). */
export function parseBucket(bucket: string): Parts | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::\d{2})?)?$/.exec(bucket);
  if (!m) return null;
  return {
    year: Number(m[1]),
    month: Number(m[2]),
    day: Number(m[3]),
    hour: m[4] ? Number(m[4]) : 0,
    minute: m[5] ? Number(m[5]) : 0,
  };
}

/** The wall-clock parts as a Date to format in UTC (so no timezone shifts them again). */
function wallClock(parts: Parts): Date {
  return new Date(Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour, parts.minute));
}

export type Interval = "minute" | "hour" | "day" | "week" | "month";

const dtfCache = new Map<string, Intl.DateTimeFormat>();
function dtf(locale: string | undefined, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${locale ?? ""}|${JSON.stringify(options)}`;
  let f = dtfCache.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(locale, options);
    dtfCache.set(key, f);
  }
  return f;
}

/** A short axis label for a time bucket: 13:00, 10 Jun, Jun 2025. */
export function formatBucket(bucket: string, interval: Interval, locale?: string): string {
  const parts = parseBucket(bucket);
  if (!parts) return bucket;
  const date = wallClock(parts);
  const utc = { timeZone: "UTC" } as const;
  switch (interval) {
    case "minute":
    case "hour":
      return dtf(locale, { ...utc, hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).format(
        date,
      );
    case "day":
    case "week":
      return dtf(locale, { ...utc, day: "numeric", month: "short" }).format(date);
    case "month":
      return dtf(locale, { ...utc, month: "short", year: "numeric" }).format(date);
  }
}

/** A full label for tooltips: Tue, 10 Jun 2025, 13:00 · Week of 10 Jun 2025 · June 2025. */
export function formatBucketLong(bucket: string, interval: Interval, locale?: string): string {
  const parts = parseBucket(bucket);
  if (!parts) return bucket;
  const date = wallClock(parts);
  const utc = { timeZone: "UTC" } as const;
  switch (interval) {
    case "minute":
    case "hour":
      return dtf(locale, {
        ...utc,
        weekday: "short",
        day: "numeric",
        month: "short",
        hour: "2-digit",
        minute: "2-digit",
        hourCycle: "h23",
      }).format(date);
    case "day":
      return dtf(locale, {
        ...utc,
        weekday: "short",
        day: "numeric",
        month: "short",
        year: "numeric",
      }).format(date);
    case "week":
      return `Week of ${dtf(locale, { ...utc, day: "numeric", month: "short", year: "numeric" }).format(date)}`;
    case "month":
      return dtf(locale, { ...utc, month: "long", year: "numeric" }).format(date);
  }
}

/** A calendar day ("2025-06-10") as "10 Jun 2025". */
export function formatDay(day: string, locale?: string, withYear = true): string {
  const parts = parseBucket(day);
  if (!parts) return day;
  return dtf(locale, {
    timeZone: "UTC",
    day: "numeric",
    month: "short",
    ...(withYear ? { year: "numeric" } : {}),
  }).format(wallClock(parts));
}

/** "24 Oct – 22 Nov 2026", "3 Jun 2025" for one day, years on both ends when they differ. */
export function formatDayRange(start: string, end: string, locale?: string): string {
  if (start === end) return formatDay(start, locale);
  const sameYear = start.slice(0, 4) === end.slice(0, 4);
  return `${formatDay(start, locale, !sameYear)} – ${formatDay(end, locale)}`;
}

/** An instant (ISO 8601) in a timezone: "22 Nov 2026, 03:56". */
export function formatDateTime(iso: string, timeZone: string, locale?: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  let zone = timeZone;
  try {
    dtf(locale, { timeZone: zone });
  } catch {
    zone = "UTC";
  }
  return dtf(locale, {
    timeZone: zone,
    day: "numeric",
    month: "short",
    year: "numeric",
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  }).format(date);
}

/** The calendar day of an instant in a timezone: "22 Nov 2026". */
export function formatInstantDay(iso: string, timeZone: string, locale?: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  try {
    return dtf(locale, { timeZone, day: "numeric", month: "short", year: "numeric" }).format(date);
  } catch {
    return dtf(locale, { timeZone: "UTC", day: "numeric", month: "short", year: "numeric" }).format(date);
  }
}

/** The wall-clock date and hour now in a timezone: {day: "2025-06-10", hour: 13}. */
export function nowIn(timeZone: string, now: Date = new Date()): { day: string; hour: number } {
  let parts: Intl.DateTimeFormatPart[];
  try {
    parts = dtf("en-US", {
      timeZone,
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      hourCycle: "h23",
    }).formatToParts(now);
  } catch {
    return nowIn("UTC", now);
  }
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? "00";
  return { day: `${get("year")}-${get("month")}-${get("day")}`, hour: Number(get("hour")) % 24 };
}

/** Whole days from one calendar day to another (both "YYYY-MM-DD"). */
export function daysBetween(start: string, end: string): number {
  const a = parseBucket(start);
  const b = parseBucket(end);
  if (!a || !b) return 0;
  return Math.round((wallClock(b).getTime() - wallClock(a).getTime()) / 86_400_000);
}

/** A calendar day shifted by some days. */
export function addDays(day: string, days: number): string {
  const parts = parseBucket(day);
  if (!parts) return day;
  const date = wallClock(parts);
  date.setUTCDate(date.getUTCDate() + days);
  return date.toISOString().slice(0, 10);
}
